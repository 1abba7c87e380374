/**
 * VM ioctls: VM_CREATE, VM_DESTROY, VM_BIND (map / unmap / sync-only; synchronous,
 * or asynchronous behind sync ops), VM_GET_STATE.
 *
 * Choices where panthor leans on drm_gpuvm: a MAP over an existing mapping is
 * rejected with EEXIST instead of silently replacing it — a driver that rebinds
 * must unmap first, which keeps "VM_BIND over a live range" bugs loud; an UNMAP may
 * cover part of a mapping, which is split. Ops run in order and stop at the first
 * error (earlier ops stay applied, as in panthor's synchronous path).
 */
import { Errno } from '../base/errno';
import { DmaFence } from './fence';
import { releaseHeap } from './ioctl-group';
import { typed, readObjArray, type IoctlContext, type IoctlHandler } from './ioctl-context';
import type { Bo } from './gem';
import { DEFAULT_USER_VA_RANGE, VA_LIMIT, type Vm } from './mmu';
import { PAGE_SIZE } from './page-alloc';
import { attachSignals, resolveSyncOps, type ResolvedSyncs } from './sync-ops';
import type { StructValue } from './uapi/struct';
import {
  drm_panthor_vm_bind,
  drm_panthor_vm_bind_op,
  DRM_PANTHOR_VM_BIND_ASYNC,
  DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC,
  DRM_PANTHOR_VM_BIND_OP_MAP_READONLY,
  DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED,
  DRM_PANTHOR_VM_BIND_OP_TYPE_MAP,
  DRM_PANTHOR_VM_BIND_OP_TYPE_MASK,
  DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY,
  DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP,
  drm_panthor_vm_create,
  drm_panthor_vm_destroy,
  drm_panthor_vm_get_state,
  DRM_PANTHOR_VM_STATE_UNUSABLE,
  DRM_PANTHOR_VM_STATE_USABLE,
} from './uapi/panthor';

type BindOp = StructValue<typeof drm_panthor_vm_bind_op.spec>;
const MAP_FLAGS = DRM_PANTHOR_VM_BIND_OP_MAP_READONLY | DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC | DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED;

const aligned = (v: number): boolean => v % PAGE_SIZE === 0;

const vmCreate = typed(drm_panthor_vm_create, (ctx, a) => {
  if (a.flags !== 0) return Errno.EINVAL;
  const range = a.user_va_range || DEFAULT_USER_VA_RANGE;
  if (!aligned(range) || range >= VA_LIMIT) return Errno.EINVAL;
  const vm = ctx.dev.vms.create(range);
  if (!vm) return Errno.ENOMEM;
  return { out: { id: ctx.file.vms.add(vm), user_va_range: range } };
});

const vmDestroy = typed(drm_panthor_vm_destroy, (ctx, a) => {
  const vm = ctx.file.vms.remove(a.id);
  if (!vm) return Errno.EINVAL;
  // The VM's tiler heaps go with it, as panthor destroys the heap pool with the VM.
  for (const [handle, heap] of ctx.file.heaps.entries()) {
    if (heap.vm !== vm) continue;
    ctx.file.heaps.remove(handle);
    releaseHeap(ctx.dev, heap);
  }
  ctx.dev.destroyVm(vm);
  return 0;
});

const vmGetState = typed(drm_panthor_vm_get_state, (ctx, a) => {
  const vm = ctx.file.vms.get(a.vm_id);
  if (!vm) return Errno.EINVAL;
  return { out: { state: vm.unusable ? DRM_PANTHOR_VM_STATE_UNUSABLE : DRM_PANTHOR_VM_STATE_USABLE } };
});

/** Static checks of one op: flags, alignment, handles, ranges. Returns errno or 0. */
function checkOp(ctx: IoctlContext, vm: Vm, op: BindOp, async: boolean): number {
  const type = (op.flags >>> 0) & DRM_PANTHOR_VM_BIND_OP_TYPE_MASK;
  const extra = (op.flags >>> 0) & ~DRM_PANTHOR_VM_BIND_OP_TYPE_MASK;
  if (!async && op.syncs.count !== 0) return Errno.EINVAL;
  if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY) {
    if (!async || op.syncs.count === 0 || extra || op.bo_handle || op.bo_offset || op.va || op.size) return Errno.EINVAL;
    return 0;
  }
  if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP) {
    if (extra || op.bo_handle || op.bo_offset) return Errno.EINVAL;
  } else if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_MAP) {
    if (extra & ~MAP_FLAGS) return Errno.EINVAL;
    const bo = ctx.file.bos.get(op.bo_handle);
    if (!bo) return Errno.EINVAL;
    if (!aligned(op.bo_offset) || op.bo_offset + op.size > bo.sizeBytes) return Errno.EINVAL;
    if (bo.exclusiveVm && bo.exclusiveVm !== vm.id) return Errno.EINVAL;
  } else {
    return Errno.EINVAL;
  }
  if (op.size === 0 || !aligned(op.va) || !aligned(op.size)) return Errno.EINVAL;
  if (op.va + op.size > vm.userVaRange) return Errno.EINVAL;
  return 0;
}

/** Apply one op now (`held`: the BO a queued MAP took at submit). */
function applyOp(ctx: IoctlContext, vm: Vm, op: BindOp, held?: Bo): number {
  const type = (op.flags >>> 0) & DRM_PANTHOR_VM_BIND_OP_TYPE_MASK;
  if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY) return 0;
  if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP) {
    ctx.dev.vms.unmap(vm, op.va, op.size);
    return 0;
  }
  if (vm.unusable) return Errno.EINVAL;
  if (vm.overlaps(op.va, op.size)) return Errno.EEXIST;
  const bo = held ?? ctx.file.bos.get(op.bo_handle);
  if (!bo) return Errno.EINVAL;
  // The range as first and last page, inclusive. Bug 'bind-one-page-short' is the
  // classic off-by-one of that conversion: the page count without the + 1, so the
  // mapping ends one page early and the GPU faults on the range's last page.
  const firstPage = op.va / PAGE_SIZE;
  const lastPage = (op.va + op.size) / PAGE_SIZE - 1;
  const pages = lastPage - firstPage + (ctx.dev.config.bugs.has('bind-one-page-short') ? 0 : 1);
  return ctx.dev.vms.map(vm, op.va, bo, op.bo_offset, pages * PAGE_SIZE, (op.flags >>> 0) & MAP_FLAGS);
}

/**
 * Queue an async op: it runs once its waits signal and the VM's previous queued op
 * has run (the bind queue is in order, like panthor's per-VM scheduler entity); a
 * failure makes the VM unusable. A MAP holds its BO from now, as panthor's op
 * context does, so closing the handle before the op runs changes nothing.
 */
function queueOp(ctx: IoctlContext, vm: Vm, op: BindOp, syncs: ResolvedSyncs): void {
  const fence = new DmaFence(ctx.dev.signalRanks, `vm${vm.id}.bind`, ++ctx.dev.bindSeqno, 0, ctx.dev.currentIoctl);
  attachSignals(syncs.signals, fence);
  const waits = vm.lastBind && !vm.lastBind.isSignalled ? [...syncs.waits, vm.lastBind] : syncs.waits;
  vm.lastBind = fence;
  const isMap = ((op.flags >>> 0) & DRM_PANTHOR_VM_BIND_OP_TYPE_MASK) === DRM_PANTHOR_VM_BIND_OP_TYPE_MAP;
  const held = isMap ? ctx.dev.gem.get(ctx.file.bos.get(op.bo_handle)!) : undefined; // checkOp found it
  vm.users++;
  let left = waits.length;
  const run = (): void => {
    const err = vm.destroyed && vm.users === 1 ? Errno.ENOENT : applyOp(ctx, vm, op, held);
    if (held) ctx.dev.gem.put(held);
    if (err) vm.unusable = true;
    vm.users--;
    if (vm.destroyed && vm.users === 0) ctx.dev.vms.release(vm);
    fence.signal(ctx.dev.bus.nowNs, ctx.dev.sink, err);
  };
  if (left === 0) return run();
  for (const w of waits) w.onSignal(() => --left === 0 && run());
}

const vmBind = typed(drm_panthor_vm_bind, (ctx, a) => {
  if (a.flags & ~DRM_PANTHOR_VM_BIND_ASYNC) return Errno.EINVAL;
  const async = (a.flags & DRM_PANTHOR_VM_BIND_ASYNC) !== 0;
  const vm = ctx.file.vms.get(a.vm_id);
  if (!vm) return Errno.EINVAL;
  const ops = readObjArray(ctx, drm_panthor_vm_bind_op, a.ops);
  if (typeof ops === 'number') return ops;
  if (ops.length === 0) return Errno.EINVAL;
  // A synchronous failure reports in ops.count how many ops were applied (as panthor).
  const failed = (errno: number, applied: number) => (async ? errno : { out: { ops: { ...a.ops, count: applied } }, errno });
  const syncs: ResolvedSyncs[] = [];
  for (const op of ops) {
    const err = checkOp(ctx, vm, op, async);
    if (err) return failed(err, 0);
    const s = resolveSyncOps(ctx, op.syncs);
    if (typeof s === 'number') return failed(s, 0);
    syncs.push(s);
  }
  if (async) {
    ops.forEach((op, i) => queueOp(ctx, vm, op, syncs[i]!));
    return 0;
  }
  for (let i = 0; i < ops.length; i++) {
    const err = applyOp(ctx, vm, ops[i]!);
    if (err) return failed(err, i);
  }
  return 0;
});

export const vmHandlers: Readonly<Record<string, IoctlHandler>> = {
  VM_CREATE: vmCreate,
  VM_DESTROY: vmDestroy,
  VM_BIND: vmBind,
  VM_GET_STATE: vmGetState,
};
