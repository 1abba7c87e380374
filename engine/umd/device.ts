/**
 * VkDevice: one GPU VM for the whole device, a GPU VA allocator, the memory tracker,
 * and the kernel objects every other UMD object is built from (BOs, binds, syncobjs).
 *
 * VA layout: everything the device maps (app allocations, command streams, shader
 * code) lives in one VM from 4 GiB up, page-aligned with a guard page between
 * allocations so an off-by-one-page access faults instead of reading a neighbour.
 */
import { Errno } from '../base/errno';
import type { TraceSink } from '../trace/sink';
import * as U from '../kmd/uapi';
import { Drm } from './drm';
import type { KmdBackend } from './kmd-backend';
import { MemoryTracker, type TrackingMode } from './memory-tracking';

export const PAGE = 4096;
const VA_BASE = 0x1_0000_0000;

export interface UmdConfig {
  readonly sink: TraceSink;
  readonly pid: number;
  readonly tracking: TrackingMode;
  /** Names of injected UMD bugs (see engine/bugs.ts). */
  readonly bugs: ReadonlySet<string>;
}

export interface GpuAllocation {
  readonly bo: number;
  readonly sizeBytes: number;
  readonly va: number;
  /** CPU address of the BO's mapping in the process, or 0 when not mappable. */
  readonly cpu: number;
}

export class DeviceCore {
  readonly drm: Drm;
  readonly tracker: MemoryTracker;
  readonly vmId: number;
  private vaNext = VA_BASE;

  private constructor(
    readonly backend: KmdBackend,
    readonly config: UmdConfig,
    vmId: number,
    drm: Drm,
  ) {
    this.vmId = vmId;
    this.drm = drm;
    this.tracker = new MemoryTracker(config.tracking, backend, config.sink, config.pid);
  }

  static create(backend: KmdBackend, config: UmdConfig): DeviceCore | number {
    const drm = new Drm(backend);
    const vm = drm.call(U.DRM_IOCTL_PANTHOR_VM_CREATE, { flags: 0, user_va_range: 0 });
    if (vm.errno) return vm.errno;
    return new DeviceCore(backend, config, vm.out.id, drm);
  }

  bug(name: string): boolean {
    return this.config.bugs.has(name);
  }

  allocVa(sizeBytes: number): number {
    const va = this.vaNext;
    this.vaNext += Math.ceil(sizeBytes / PAGE) * PAGE + PAGE;
    return va;
  }

  /**
   * A BO of at least `sizeBytes`, bound at a fresh VA, and CPU-mapped when `mappable`.
   * Returns the allocation or an errno (nothing is left behind on failure).
   */
  allocate(sizeBytes: number, options: { mappable: boolean; readOnly?: boolean; noExec?: boolean }): GpuAllocation | number {
    const created = this.drm.call(U.DRM_IOCTL_PANTHOR_BO_CREATE, {
      size: sizeBytes, flags: options.mappable ? 0 : U.DRM_PANTHOR_BO_NO_MMAP, exclusive_vm_id: 0,
    });
    if (created.errno) return created.errno;
    const bo = created.out.handle;
    const size = created.out.size;
    const va = this.allocVa(size);
    const flags = (options.readOnly ? U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY : 0) | (options.noExec ? U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC : 0);
    const err = this.bind(bo, va, size, flags);
    if (err) {
      this.drm.call(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
      return err;
    }
    let cpu = 0;
    if (options.mappable) {
      const off = this.drm.call(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo });
      cpu = off.errno ? -off.errno : this.backend.mmap(off.out.offset, size);
      if (cpu < 0) {
        this.release({ bo, sizeBytes: size, va, cpu: 0 });
        return -cpu || Errno.ENOMEM;
      }
    }
    return { bo, sizeBytes: size, va, cpu };
  }

  bind(bo: number, va: number, sizeBytes: number, flags: number): number {
    const ops = this.drm.array(U.drm_panthor_vm_bind_op, [{ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_MAP | flags, bo_handle: bo, bo_offset: 0, va, size: sizeBytes }]);
    return this.drm.call(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: this.vmId, flags: 0, ops }).errno;
  }

  /** Unmap from the CPU and the GPU and close the handle: the BO's pages go with the last reference. */
  release(a: GpuAllocation): void {
    if (a.cpu) this.backend.munmap(a.cpu);
    const ops = this.drm.array(U.drm_panthor_vm_bind_op, [{ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP, va: a.va, size: a.sizeBytes }]);
    this.drm.call(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: this.vmId, flags: 0, ops });
    this.drm.call(U.DRM_IOCTL_GEM_CLOSE, { handle: a.bo });
  }

  /** Write into UMD-owned GPU memory (always tracked and recorded). */
  upload(a: GpuAllocation, offset: number, bytes: Uint8Array): boolean {
    return this.tracker.writeInternal(a.bo, a.cpu, offset, bytes);
  }

  syncobjCreate(signaled = false): number | undefined {
    const r = this.drm.call(U.DRM_IOCTL_SYNCOBJ_CREATE, { flags: signaled ? U.DRM_SYNCOBJ_CREATE_SIGNALED : 0 });
    return r.errno ? undefined : r.out.handle;
  }

  syncobjDestroy(handle: number): void {
    this.drm.call(U.DRM_IOCTL_SYNCOBJ_DESTROY, { handle });
  }

  /** Wait for binary syncobjs (point 0) or timeline points; 0, ETIME or another errno. */
  waitSyncobjs(entries: ReadonlyArray<{ handle: number; point: number }>, waitAll: boolean, timeoutNs: number): number {
    const deadline = timeoutNs >= Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : this.backend.nowNs() + timeoutNs;
    const flags = (waitAll ? U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL : 0) | U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
    const r = this.drm.call(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, {
      handles: this.drm.u32s(entries.map((e) => e.handle)),
      points: this.drm.u64s(entries.map((e) => e.point)),
      count_handles: entries.length, timeout_nsec: deadline, flags,
    });
    if (!r.errno) this.tracker.refresh();
    return r.errno;
  }
}
