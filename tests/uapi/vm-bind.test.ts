/**
 * GPU VMs: VM_CREATE, VM_DESTROY, VM_GET_STATE and VM_BIND (MAP / UNMAP / SYNC_ONLY,
 * synchronous and DRM_PANTHOR_VM_BIND_ASYNC). A mapping counts as made when the GPU
 * can read the BO's bytes through it (GpuProbe), and as gone when the GPU faults on it.
 *
 * Errno choices asserted here are the ones ioctl-vm.ts documents: EINVAL for every
 * malformed op (as panthor), EEXIST for a MAP over a live range (our choice: panthor
 * would replace it), and on a synchronous failure ops.count = ops applied (panthor).
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { Gate, GpuProbe, ioctlAt, PAGE, pattern, queryPoint } from '../support/igt';

type BindOp = U.StructInput<(typeof U.drm_panthor_vm_bind_op)['spec']>;
type SyncOp = U.StructInput<(typeof U.drm_panthor_sync_op)['spec']>;

const MAP = U.DRM_PANTHOR_VM_BIND_OP_TYPE_MAP;
const UNMAP = U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP;
const SYNC_ONLY = U.DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY;
const ASYNC = U.DRM_PANTHOR_VM_BIND_ASYNC;
const VA = 0x100_0000;

const waitOn = (handle: number): SyncOp => ({ flags: U.DRM_PANTHOR_SYNC_OP_WAIT, handle });
const signal = (handle: number): SyncOp => ({ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle });
const signalPoint = (handle: number, point: number): SyncOp => ({
  flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL | U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ, handle, timeline_value: point,
});

/** VM_BIND of `ops` (each with its own sync ops); the struct as the kernel left it. */
function bind(c: Client, vm: number, ops: ReadonlyArray<BindOp & { sync?: SyncOp[] }>, e: { flags?: number; err?: number } = {}) {
  const items = ops.map(({ sync, ...op }) => ({ ...op, syncs: c.array(U.drm_panthor_sync_op, sync ?? []) }));
  return c.io(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: vm, flags: e.flags ?? 0, ops: c.array(U.drm_panthor_vm_bind_op, items) }, e);
}

/** A BO of `pages` pages filled with a pattern (through a CPU mapping); its handle and bytes. */
function dataBo(c: Client, pages: number, seed: number): { bo: number; data: Uint8Array } {
  const bo = c.boCreate(pages * PAGE);
  const data = pattern(pages * PAGE, seed);
  c.write(c.mmap(bo, pages * PAGE), data);
  return { bo, data };
}

describe('DRM_IOCTL_PANTHOR_VM_CREATE', () => {
  it('returns non-zero distinct ids; user_va_range 0 picks the default and writes it back', () => {
    const c = Client.create();
    const a = c.io(U.DRM_IOCTL_PANTHOR_VM_CREATE, { user_va_range: 0 });
    const b = c.io(U.DRM_IOCTL_PANTHOR_VM_CREATE, { user_va_range: 1 << 30 });
    expect(a.id).toBeGreaterThan(0);
    expect(b.id).toBeGreaterThan(0);
    expect(b.id).not.toBe(a.id);
    expect(a.user_va_range).toBe(2 ** 47);
    expect(b.user_va_range).toBe(1 << 30);
  });

  it('EINVAL for non-zero flags, a range that is not page-aligned or does not leave room for the kernel', () => {
    const c = Client.create();
    c.vmCreate({ flags: 1, err: Errno.EINVAL });
    c.vmCreate({ userVaRange: (1 << 30) + 100, err: Errno.EINVAL });
    c.vmCreate({ userVaRange: 2 ** 48, err: Errno.EINVAL });
    c.vmCreate({ userVaRange: 2 ** 49, err: Errno.EINVAL });
    expect(c.vmCreate({ userVaRange: 2 ** 48 - PAGE })).toBeGreaterThan(0);
  });

  it('ENOMEM when there is no page left for the page-table root', () => {
    const c = Client.create({ gpu: { memSizeBytes: 64 * PAGE } });
    c.boCreate(63 * PAGE); // page 0 is never handed out: this takes all the rest
    c.vmCreate({ err: Errno.ENOMEM });
  });
});

describe('DRM_IOCTL_PANTHOR_VM_GET_STATE', () => {
  it('USABLE when new; UNUSABLE after a GPU fault in the VM; EINVAL for an unknown id', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
    expect(new GpuProbe(c, vm).read(0xdead_0000, 16)).toBeUndefined(); // unmapped: faults
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
    c.io(U.DRM_IOCTL_PANTHOR_VM_GET_STATE, { vm_id: 999 }, { err: Errno.EINVAL });
  });
});

describe('DRM_IOCTL_PANTHOR_VM_DESTROY', () => {
  it('every later use of the id fails with EINVAL', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: vm });
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: vm }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_VM_GET_STATE, { vm_id: vm }, { err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE, { err: Errno.EINVAL });
    c.groupCreate(vm, { err: Errno.EINVAL });
    c.boCreate(PAGE, { exclusiveVm: vm, err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE, { vm_id: vm, initial_chunk_count: 1, chunk_size: 128 * 1024, max_chunks: 1, target_in_flight: 1 }, { err: Errno.EINVAL });
  });

  it('EINVAL for an unknown id and for a non-zero pad (the VM survives)', () => {
    const c = Client.create();
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: 0 }, { err: Errno.EINVAL });
    const vm = c.vmCreate();
    const bytes = U.drm_panthor_vm_destroy.encode({ id: vm });
    bytes[4] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, bytes, { err: Errno.EINVAL });
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });

  it('frees the page tables and drops the mappings\' BO references', () => {
    const c = Client.create();
    const pages = c.stack.kmd.pages;
    const before = pages.allocated;
    const vm = c.vmCreate();
    const bo = c.boCreate(2 * PAGE);
    c.map(vm, bo, VA, 2 * PAGE);
    c.map(vm, bo, 0x40_0000_0000, PAGE); // another branch of the tree
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    expect(pages.allocated).toBeGreaterThan(before + 2);
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: vm });
    expect(pages.allocated).toBe(before);
  });

  it('a VM destroyed while a group uses it is freed when the group is destroyed', () => {
    const c = Client.create();
    const pages = c.stack.kmd.pages;
    const before = pages.allocated;
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    c.map(vm, bo, VA, PAGE);
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    const group = c.groupCreate(vm);
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: vm });
    expect(c.groupState(group).state).toBe(0); // the group keeps its VM alive
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: group });
    expect(pages.allocated).toBe(before);
  });
});

describe('DRM_IOCTL_PANTHOR_VM_BIND (synchronous)', () => {
  it('MAP makes the BO bytes visible to the GPU at va, from bo_offset', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const { bo, data } = dataBo(c, 4, 1);
    bind(c, vm, [
      { flags: MAP, bo_handle: bo, va: VA, size: 4 * PAGE },
      { flags: MAP, bo_handle: bo, bo_offset: 2 * PAGE, va: 2 * VA, size: PAGE },
    ]);
    const probe = new GpuProbe(c, vm);
    expect(probe.read(VA, 4 * PAGE)).toEqual(data);
    expect(probe.read(2 * VA, PAGE)).toEqual(data.subarray(2 * PAGE, 3 * PAGE));
  });

  it('ops run in order within one call (map A, map B, unmap A)', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const a = dataBo(c, 1, 2);
    const b = dataBo(c, 1, 3);
    bind(c, vm, [
      { flags: MAP, bo_handle: a.bo, va: VA, size: PAGE },
      { flags: MAP, bo_handle: b.bo, va: VA + PAGE, size: PAGE },
      { flags: UNMAP, va: VA, size: PAGE },
    ]);
    expect(new GpuProbe(c, vm).read(VA + PAGE, PAGE)).toEqual(b.data);
    c.map(vm, b.bo, VA, PAGE); // A's range is free again
  });

  it('READONLY: the GPU can read but a GPU write faults and makes the VM unusable', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const { bo, data } = dataBo(c, 1, 4);
    c.map(vm, bo, VA, PAGE, { flags: U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY });
    const probe = new GpuProbe(c, vm);
    expect(probe.read(VA, PAGE)).toEqual(data);
    expect(probe.fill(VA, 64, 0)).toBe(U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT);
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
  });

  it('EINVAL for va, size or bo_offset not page-aligned, and for size 0', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(4 * PAGE);
    c.map(vm, bo, VA + 0x800, PAGE, { err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE + 1, { err: Errno.EINVAL });
    c.map(vm, bo, VA, 100, { err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE, { boOffset: 0x10, err: Errno.EINVAL });
    c.map(vm, bo, VA, 0, { err: Errno.EINVAL });
    c.unmap(vm, VA + 4, PAGE, { err: Errno.EINVAL });
    c.unmap(vm, VA, PAGE - 4, { err: Errno.EINVAL });
    c.unmap(vm, VA, 0, { err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE); // the VM is fine
  });

  it('EINVAL for a range beyond the BO or beyond user_va_range', () => {
    const c = Client.create();
    const range = 64 * 1024 * 1024;
    const vm = c.vmCreate({ userVaRange: range });
    const bo = c.boCreate(2 * PAGE);
    c.map(vm, bo, VA, 3 * PAGE, { err: Errno.EINVAL });
    c.map(vm, bo, VA, 2 * PAGE, { boOffset: PAGE, err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE, { boOffset: 2 * PAGE, err: Errno.EINVAL });
    c.map(vm, bo, range - PAGE, 2 * PAGE, { err: Errno.EINVAL });
    c.map(vm, bo, range, PAGE, { err: Errno.EINVAL });
    c.unmap(vm, range - PAGE, 2 * PAGE, { err: Errno.EINVAL });
    c.map(vm, bo, range - 2 * PAGE, 2 * PAGE); // the last pages of the range are fine
    c.map(vm, bo, VA, PAGE, { boOffset: PAGE });
  });

  it('EEXIST for a MAP over any part of a live mapping, which stays intact', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const { bo, data } = dataBo(c, 4, 5);
    const other = c.boCreate(8 * PAGE);
    c.map(vm, bo, VA + PAGE, 2 * PAGE);
    c.map(vm, other, VA + PAGE, 2 * PAGE, { err: Errno.EEXIST }); // same range
    c.map(vm, other, VA, 2 * PAGE, { err: Errno.EEXIST }); // overlaps the head
    c.map(vm, other, VA + 2 * PAGE, 2 * PAGE, { err: Errno.EEXIST }); // overlaps the tail
    c.map(vm, other, VA, 8 * PAGE, { err: Errno.EEXIST }); // contains it
    c.map(vm, other, VA + 2 * PAGE, PAGE, { err: Errno.EEXIST }); // inside it
    c.map(vm, other, VA, PAGE); // adjacent ranges are fine
    c.map(vm, other, VA + 3 * PAGE, PAGE, { boOffset: PAGE });
    expect(new GpuProbe(c, vm).read(VA + PAGE, 2 * PAGE)).toEqual(data.subarray(0, 2 * PAGE));
  });

  it('a failing op stops the call: earlier ops stay applied and ops.count says how many', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const a = dataBo(c, 1, 6);
    const b = c.boCreate(PAGE);
    const out = bind(c, vm, [
      { flags: MAP, bo_handle: a.bo, va: VA, size: PAGE },
      { flags: MAP, bo_handle: b, va: VA, size: PAGE }, // EEXIST
      { flags: MAP, bo_handle: b, va: VA + PAGE, size: PAGE }, // never runs
    ], { err: Errno.EEXIST });
    expect(out.ops.count).toBe(1);
    expect(new GpuProbe(c, vm).read(VA, PAGE)).toEqual(a.data);
    c.map(vm, b, VA + PAGE, PAGE); // the third op did not map anything
  });

  it('a malformed op anywhere in the array rejects the whole call before anything is applied', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const out = bind(c, vm, [
      { flags: MAP, bo_handle: bo, va: VA, size: PAGE },
      { flags: MAP, bo_handle: bo, va: VA + 0x10, size: PAGE },
    ], { err: Errno.EINVAL });
    expect(out.ops.count).toBe(0);
    c.map(vm, bo, VA, PAGE); // not mapped by the rejected call
  });

  it('UNMAP of part of a mapping splits it; the rest stays readable and the hole can be remapped', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const a = dataBo(c, 3, 7);
    const b = dataBo(c, 1, 8);
    c.map(vm, a.bo, VA, 3 * PAGE);
    c.unmap(vm, VA + PAGE, PAGE);
    c.map(vm, b.bo, VA + PAGE, PAGE);
    const seen = new GpuProbe(c, vm).read(VA, 3 * PAGE)!;
    expect(seen.subarray(0, PAGE)).toEqual(a.data.subarray(0, PAGE));
    expect(seen.subarray(PAGE, 2 * PAGE)).toEqual(b.data);
    expect(seen.subarray(2 * PAGE)).toEqual(a.data.subarray(2 * PAGE));
  });

  it('UNMAP of a range with nothing mapped succeeds; after UNMAP the GPU faults on the range', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    c.unmap(vm, 0x7_0000_0000, 16 * PAGE);
    const { bo, data } = dataBo(c, 1, 9);
    c.map(vm, bo, VA, PAGE);
    const probe = new GpuProbe(c, vm);
    expect(probe.read(VA, PAGE)).toEqual(data);
    c.unmap(vm, VA, PAGE);
    expect(probe.read(VA, PAGE)).toBeUndefined();
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
  });

  it('EINVAL for unknown bind flags, op types and map flags, and for fields UNMAP must leave 0', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE }], { flags: 2, err: Errno.EINVAL });
    bind(c, vm, [{ flags: 3 << 28, bo_handle: bo, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: MAP | (1 << 3), bo_handle: bo, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: UNMAP, bo_handle: bo, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: UNMAP, bo_offset: PAGE, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: UNMAP | U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY, va: VA, size: PAGE }], { err: Errno.EINVAL });
    c.map(vm, bo, VA, PAGE, { flags: U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC | U.DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED });
  });

  it('EINVAL for an unknown VM or BO, sync ops without ASYNC, SYNC_ONLY without ASYNC, and no ops', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const s = c.syncobjCreate({ flags: U.DRM_SYNCOBJ_CREATE_SIGNALED });
    bind(c, 77, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: MAP, bo_handle: 77, va: VA, size: PAGE }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, sync: [signal(s)] }], { err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY, sync: [signal(s)] }], { err: Errno.EINVAL });
    bind(c, vm, [], { err: Errno.EINVAL });
  });

  it('ops obj_array: EFAULT for a bad pointer, EINVAL for a bad stride or count, E2BIG for non-zero extra bytes', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const op = U.drm_panthor_vm_bind_op.encode({ flags: MAP, bo_handle: bo, va: VA, size: PAGE });
    const withStride = (stride: number, extra = 0): U.ObjArrayInput => {
      const b = new Uint8Array(stride);
      b.set(op.subarray(0, Math.min(stride, op.length)));
      if (stride > op.length) b.fill(extra, op.length);
      return { stride, count: 1, array: c.mem.allocBytes(b) };
    };
    const call = (ops: U.ObjArrayInput, err: number) => c.io(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: vm, ops }, { err });
    call({ stride: 48, count: 1, array: 0xdead_0000 }, Errno.EFAULT);
    call({ stride: 48, count: 2, array: c.mem.allocBytes(op) }, Errno.EFAULT); // second element past the end
    call({ stride: 4, count: 1, array: c.mem.allocBytes(op) }, Errno.EINVAL);
    call({ stride: 0, count: 1, array: c.mem.allocBytes(op) }, Errno.EINVAL);
    call({ stride: 50, count: 1, array: c.mem.allocBytes(op) }, Errno.EINVAL);
    call({ stride: 48, count: 5000, array: c.mem.allocBytes(op) }, Errno.EINVAL);
    call(withStride(56, 1), Errno.E2BIG);
    call(withStride(56, 0), 0); // newer userspace, zero extension: accepted
    c.unmap(vm, VA, PAGE);
    call(withStride(32), 0); // older userspace without syncs: missing fields read as 0
    c.map(vm, bo, VA, PAGE, { err: Errno.EEXIST });
  });

  it('EFAULT for the argument in unmapped memory', () => {
    const c = Client.create();
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_BIND, 0x10)).toBe(Errno.EFAULT);
  });
});

describe('DRM_IOCTL_PANTHOR_VM_BIND (DRM_PANTHOR_VM_BIND_ASYNC)', () => {
  it('with no waits the ops are applied at once and the signal syncobjs signal', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const { bo, data } = dataBo(c, 1, 10);
    const s = c.syncobjCreate();
    const t = c.syncobjCreate();
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, sync: [signal(s), signalPoint(t, 5)] }], { flags: ASYNC });
    c.wait([s], { timeoutNs: 0 });
    expect(queryPoint(c, t)).toBe(5);
    expect(new GpuProbe(c, vm).read(VA, PAGE)).toEqual(data);
  });

  it('ops wait for their wait syncobjs; the signal comes after the op was applied', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const probe = new GpuProbe(c, vm);
    const { bo, data } = dataBo(c, 1, 11);
    const gate = new Gate(c);
    const s = c.syncobjCreate();
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, sync: [waitOn(gate.syncobj), signal(s)] }], { flags: ASYNC });
    c.wait([s], { timeoutNs: 20_000, err: Errno.ETIME });
    gate.release();
    c.wait([s], { timeoutNs: 1e6 });
    expect(probe.read(VA, PAGE)).toEqual(data);
  });

  it('queued ops run in submission order: an UNMAP with no waits does not overtake a waiting MAP', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const gate = new Gate(c);
    const mapped = c.syncobjCreate();
    const unmapped = c.syncobjCreate();
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, sync: [waitOn(gate.syncobj), signal(mapped)] }], { flags: ASYNC });
    bind(c, vm, [{ flags: UNMAP, va: VA, size: PAGE, sync: [signal(unmapped)] }], { flags: ASYNC });
    c.wait([unmapped], { timeoutNs: 20_000, err: Errno.ETIME }); // queued behind the MAP
    gate.release();
    c.wait([mapped, unmapped], { timeoutNs: 1e6 });
    c.map(vm, bo, VA, PAGE); // MAP then UNMAP: the range is free
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });

  it('a queued MAP holds its BO: GEM_CLOSE before the op runs does not break it', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const probe = new GpuProbe(c, vm);
    const { bo, data } = dataBo(c, 2, 12);
    const gate = new Gate(c);
    const s = c.syncobjCreate();
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: 2 * PAGE, sync: [waitOn(gate.syncobj), signal(s)] }], { flags: ASYNC });
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    gate.release();
    c.wait([s], { timeoutNs: 1e6 });
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
    expect(probe.read(VA, 2 * PAGE)).toEqual(data);
  });

  it('SYNC_ONLY: signals once its waits (and earlier ops) are done', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const gate = new Gate(c);
    const s = c.syncobjCreate();
    const t = c.syncobjCreate();
    bind(c, vm, [{ flags: SYNC_ONLY, sync: [waitOn(gate.syncobj), signal(s), signalPoint(t, 3)] }], { flags: ASYNC });
    c.wait([s], { timeoutNs: 20_000, err: Errno.ETIME });
    expect(queryPoint(c, t)).toBe(0);
    expect(queryPoint(c, t, U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)).toBe(3);
    gate.release();
    c.wait([s], { timeoutNs: 1e6 });
    expect(queryPoint(c, t)).toBe(3);
  });

  it('SYNC_ONLY: EINVAL without sync ops, and with a bo, offset, va, size or map flag', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const s = c.syncobjCreate();
    bind(c, vm, [{ flags: SYNC_ONLY }], { flags: ASYNC, err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY, bo_handle: bo, sync: [signal(s)] }], { flags: ASYNC, err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY, bo_offset: PAGE, sync: [signal(s)] }], { flags: ASYNC, err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY, va: VA, sync: [signal(s)] }], { flags: ASYNC, err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY, size: PAGE, sync: [signal(s)] }], { flags: ASYNC, err: Errno.EINVAL });
    bind(c, vm, [{ flags: SYNC_ONLY | U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY, sync: [signal(s)] }], { flags: ASYNC, err: Errno.EINVAL });
    c.wait([s], { err: Errno.EINVAL }); // nothing was queued: still no fence
    bind(c, vm, [{ flags: SYNC_ONLY, sync: [signal(s)] }], { flags: ASYNC });
    c.wait([s], { timeoutNs: 0 });
  });

  it('a failing queued op makes the VM unusable: MAPs and new work fail, UNMAPs still work', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const group = c.groupCreate(vm);
    const bo = c.boCreate(2 * PAGE);
    c.map(vm, bo, VA, PAGE);
    const s = c.syncobjCreate();
    bind(c, vm, [{ flags: MAP, bo_handle: bo, va: VA, size: 2 * PAGE, sync: [signal(s)] }], { flags: ASYNC }); // overlaps: fails when run
    c.wait([s], { timeoutNs: 1e6 }); // the fence signals (with an error)
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
    c.map(vm, bo, 0x800_0000, PAGE, { err: Errno.EINVAL });
    c.groupCreate(vm, { err: Errno.EINVAL });
    c.submit(group, 0, 0, 0, { err: Errno.ECANCELED });
    c.unmap(vm, VA, PAGE);
  });

  it('sync ops are checked before anything is queued: ENOENT, EINVAL, EFAULT leave the signal syncobj empty', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    const s = c.syncobjCreate();
    const empty = c.syncobjCreate();
    const op = (sync: SyncOp[]) => [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, sync: [signal(s), ...sync] }];
    bind(c, vm, op([waitOn(99)]), { flags: ASYNC, err: Errno.ENOENT });
    bind(c, vm, op([waitOn(empty)]), { flags: ASYNC, err: Errno.EINVAL }); // nothing to wait on
    bind(c, vm, op([{ flags: 0x100, handle: empty }]), { flags: ASYNC, err: Errno.EINVAL }); // unknown flag
    bind(c, vm, op([{ flags: 2, handle: empty }]), { flags: ASYNC, err: Errno.EINVAL }); // unknown handle type
    bind(c, vm, op([{ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: empty, timeline_value: 1 }]), { flags: ASYNC, err: Errno.EINVAL }); // binary with a point
    bind(c, vm, op([signalPoint(empty, 0)]), { flags: ASYNC, err: Errno.EINVAL }); // timeline without a point
    const items = [{ flags: MAP, bo_handle: bo, va: VA, size: PAGE, syncs: { stride: 16, count: 1, array: 0xdead_0000 } }];
    c.io(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: vm, flags: ASYNC, ops: c.array(U.drm_panthor_vm_bind_op, items) }, { err: Errno.EFAULT });
    bind(c, vm, [...op([]), { flags: MAP, bo_handle: bo, va: VA + 0x10, size: PAGE }], { flags: ASYNC, err: Errno.EINVAL });
    c.wait([s], { err: Errno.EINVAL }); // no fence was ever attached
    c.map(vm, bo, VA, PAGE); // and nothing was mapped
  });
});

describe('VM isolation', () => {
  it('the same VA in two VMs maps different BOs', () => {
    const c = Client.create();
    const vm1 = c.vmCreate();
    const vm2 = c.vmCreate();
    const a = dataBo(c, 1, 13);
    const b = dataBo(c, 1, 14);
    c.map(vm1, a.bo, VA, PAGE);
    c.map(vm2, b.bo, VA, PAGE);
    expect(new GpuProbe(c, vm1).read(VA, PAGE)).toEqual(a.data);
    expect(new GpuProbe(c, vm2).read(VA, PAGE)).toEqual(b.data);
    expect(a.data).not.toEqual(b.data);
  });
});
