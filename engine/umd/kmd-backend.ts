/**
 * The UMD's only door to the kernel (the nvkmd idea): an ioctl function, mmap, the
 * process's own memory and the monotonic clock. The stack hands the UMD a backend
 * bound to one process and one open DRM fd; a recorded capture can hand it one
 * that answers from the recording instead.
 */
import type { UserMemory } from '../base/user-memory';

export interface KmdBackend {
  /** The calling process's address space (argument structs live here). */
  readonly memory: UserMemory;
  /** ioctl(fd, request, argp) on the backend's DRM fd: 0 or -errno. */
  ioctl(request: number, argp: number): number;
  /** mmap of a BO's fake offset: a user address, or -errno. */
  mmap(offset: number, lengthBytes: number): number;
  /** munmap of an address mmap returned: 0 or -errno. */
  munmap(addr: number): number;
  /** CLOCK_MONOTONIC in ns (virtual), for absolute wait deadlines. */
  nowNs(): number;
  /** Let virtual time pass on the CPU (work the app does between API calls). */
  spendNs(durationNs: number): void;
}
