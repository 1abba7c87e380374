/**
 * The view a GPU unit (CS frontend, shader core, rasteriser, DMA) has of memory:
 * virtual addresses of one address space, translated by the MMU, with the job's
 * own writes visible to itself. Implementations: `JobMemory` (job-memory.ts) for
 * the real model, and a flat buffer in unit tests.
 *
 * Every method raises a fault through `GpuFaultSignal` on a bad access; callers
 * inside a job let it unwind to the engine, which records the fault.
 */
export interface GpuMemoryPort {
  /** Address space id, for fault reports. */
  readonly as: number;
  /** 32-bit load; `va` must be 4-byte aligned. */
  load32(va: number): number;
  /** 32-bit store; `va` must be 4-byte aligned. Value is taken modulo 2^32. */
  store32(va: number, value: number): void;
  /** Copy `length` bytes at `va` (read permission). */
  readBytes(va: number, length: number): Uint8Array;
  /** Write bytes at `va` (write permission). */
  writeBytes(va: number, bytes: Uint8Array): void;
  /** Read instruction bytes (execute permission). */
  fetchBytes(va: number, length: number): Uint8Array;
}
