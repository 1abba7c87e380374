/**
 * Scheduling groups: GROUP_CREATE, GROUP_DESTROY, GROUP_SUBMIT, GROUP_GET_STATE.
 * A submit counts as done when its command stream's effect is in memory and its
 * signal syncobj has signalled; a rejected submit (validation is all-or-nothing,
 * see ioctl-group.ts) runs nothing and leaves every syncobj as it was.
 */
import { userStream } from '../support/streams';
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { encodeCs } from '../../engine/hw/cs-isa';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { Gate, GpuProbe, ioctlAt, PAGE } from '../support/igt';

type QueueCreate = U.StructInput<(typeof U.drm_panthor_queue_create)['spec']>;
type QueueSubmit = U.StructInput<(typeof U.drm_panthor_queue_submit)['spec']>;
type GroupCreate = U.StructInput<(typeof U.drm_panthor_group_create)['spec']>;

const DST = 0x200_0000;

function createArgs(c: Client, vm: number, over: Partial<GroupCreate> = {}, queues: QueueCreate[] = [{ priority: 1, ringbuf_size: 16384 }]): GroupCreate {
  return {
    queues: c.array(U.drm_panthor_queue_create, queues), max_compute_cores: 1, max_fragment_cores: 1, max_tiler_cores: 1,
    priority: U.PANTHOR_GROUP_PRIORITY_MEDIUM, compute_core_mask: 0xf, fragment_core_mask: 0xf, tiler_core_mask: 1, vm_id: vm, ...over,
  };
}

function groupCreate(c: Client, vm: number, over: Partial<GroupCreate> = {}, queues?: QueueCreate[], err = 0): number {
  return c.io(U.DRM_IOCTL_PANTHOR_GROUP_CREATE, createArgs(c, vm, over, queues), { err }).group_handle;
}

function submitRaw(c: Client, group: number, submits: QueueSubmit[], err = 0): void {
  c.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: c.array(U.drm_panthor_queue_submit, submits) }, { err });
}

/** A VM with a stream buffer and a destination buffer; `fillStream(value)` places a FILL of DST. */
function setUp(c: Client) {
  const vm = c.vmCreate();
  const stream = c.buffer(vm, 0x100_0000, 16 * PAGE);
  const dst = c.buffer(vm, DST, PAGE);
  let next = 0;
  const fillStream = (value: number): { va: number; size: number } => {
    const cs = userStream([
      ['MOV48', { d: 0, imm: DST }],
      ['MOV48', { d: 2, imm: 64 }],
      ['MOV32', { r: 4, imm: value }],
      ['FILL', { dst: 0, size: 2, value: 4 }],
    ]);
    const off = next;
    next += 256;
    c.write(stream.cpu + off, cs);
    return { va: 0x100_0000 + off, size: cs.length };
  };
  const word = (): number => new DataView(c.read(dst.cpu, 4).buffer).getUint32(0, true);
  return { vm, stream, dst, fillStream, word };
}

describe('DRM_IOCTL_PANTHOR_GROUP_CREATE', () => {
  it('returns non-zero distinct handles; 1..cs_slot_count queues with 4 KiB..64 KiB power-of-two rings', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const g1 = groupCreate(c, vm);
    const g2 = groupCreate(c, vm, {}, [{ priority: 0, ringbuf_size: 4096 }, { priority: 15, ringbuf_size: 65536 }, { priority: 3, ringbuf_size: 8192 }, { priority: 1, ringbuf_size: 4096 }]);
    expect(g1).toBeGreaterThan(0);
    expect(g2).toBeGreaterThan(0);
    expect(g2).not.toBe(g1);
    expect(c.groupState(g2)).toEqual({ state: 0, fatalQueues: 0 });
  });

  it('EINVAL for no queues, too many queues, a bad ring size or queue priority, or a non-zero queue pad', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const q = { priority: 1, ringbuf_size: 16384 };
    groupCreate(c, vm, {}, [], Errno.EINVAL);
    groupCreate(c, vm, {}, [q, q, q, q, q], Errno.EINVAL);
    for (const ringbuf_size of [0, 2048, 3 * 4096, 128 * 1024]) groupCreate(c, vm, {}, [{ priority: 1, ringbuf_size }], Errno.EINVAL);
    groupCreate(c, vm, {}, [{ priority: 16, ringbuf_size: 4096 }], Errno.EINVAL);
    const padded = U.drm_panthor_queue_create.encode(q);
    padded[1] = 1;
    groupCreate(c, vm, { queues: { stride: 8, count: 1, array: c.mem.allocBytes(padded) } }, undefined, Errno.EINVAL);
  });

  it('EINVAL for core masks outside what is present or with fewer cores than max_*_cores', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const shaderPresent = U.drm_panthor_gpu_info.decode((() => {
      const p = c.mem.alloc(112);
      c.io(U.DRM_IOCTL_PANTHOR_DEV_QUERY, { type: U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, size: 112, pointer: p });
      return c.read(p, 112);
    })()).shader_present;
    const highest = 2 ** Math.floor(Math.log2(shaderPresent));
    groupCreate(c, vm, { compute_core_mask: highest * 2 }, undefined, Errno.EINVAL);
    groupCreate(c, vm, { fragment_core_mask: highest * 2 }, undefined, Errno.EINVAL);
    groupCreate(c, vm, { tiler_core_mask: 2 }, undefined, Errno.EINVAL);
    groupCreate(c, vm, { compute_core_mask: 1, max_compute_cores: 2 }, undefined, Errno.EINVAL);
    groupCreate(c, vm, { tiler_core_mask: 1, max_tiler_cores: 2 }, undefined, Errno.EINVAL);
    expect(groupCreate(c, vm, { compute_core_mask: shaderPresent, max_compute_cores: 2 })).toBeGreaterThan(0);
  });

  it('priority: LOW/MEDIUM for anyone, HIGH/REALTIME EACCES unless privileged, above REALTIME EINVAL', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    expect(groupCreate(c, vm, { priority: U.PANTHOR_GROUP_PRIORITY_LOW })).toBeGreaterThan(0);
    groupCreate(c, vm, { priority: U.PANTHOR_GROUP_PRIORITY_HIGH }, undefined, Errno.EACCES);
    groupCreate(c, vm, { priority: U.PANTHOR_GROUP_PRIORITY_REALTIME }, undefined, Errno.EACCES);
    groupCreate(c, vm, { priority: 4 }, undefined, Errno.EINVAL);
    const root = new Client(c.stack, { privileged: true });
    const rvm = root.vmCreate();
    expect(groupCreate(root, rvm, { priority: U.PANTHOR_GROUP_PRIORITY_HIGH })).toBeGreaterThan(0);
    expect(groupCreate(root, rvm, { priority: U.PANTHOR_GROUP_PRIORITY_REALTIME })).toBeGreaterThan(0);
    groupCreate(root, rvm, { priority: 4 }, undefined, Errno.EINVAL);
  });

  it('EINVAL for an unknown or unusable VM and a non-zero pad; EFAULT / E2BIG / EINVAL for the queues array', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    groupCreate(c, 42, {}, undefined, Errno.EINVAL);
    const bytes = U.drm_panthor_group_create.encode(createArgs(c, vm));
    bytes[U.drm_panthor_group_create.offsetOf('pad')] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_CREATE, bytes, { err: Errno.EINVAL });
    groupCreate(c, vm, { queues: { stride: 8, count: 1, array: 0xdead_0000 } }, undefined, Errno.EFAULT);
    const q = U.drm_panthor_queue_create.encode({ priority: 1, ringbuf_size: 4096 });
    const long = new Uint8Array(16);
    long.set(q);
    groupCreate(c, vm, { queues: { stride: 16, count: 1, array: c.mem.allocBytes(long) } }); // zero tail: fine
    long[12] = 1;
    groupCreate(c, vm, { queues: { stride: 16, count: 1, array: c.mem.allocBytes(long) } }, undefined, Errno.E2BIG);
    groupCreate(c, vm, { queues: { stride: 4, count: 1, array: c.mem.allocBytes(q) } }, undefined, Errno.EINVAL);

    expect(new GpuProbe(c, vm).read(0xdead_0000, 4)).toBeUndefined(); // fault: VM unusable
    groupCreate(c, vm, {}, undefined, Errno.EINVAL);
  });

  it('a rejected create leaves no kernel objects behind', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const before = c.stack.kmd.pages.allocated;
    groupCreate(c, vm, { priority: U.PANTHOR_GROUP_PRIORITY_HIGH }, [{ priority: 1, ringbuf_size: 65536 }], Errno.EACCES);
    groupCreate(c, vm, {}, [{ priority: 1, ringbuf_size: 65536 }, { priority: 1, ringbuf_size: 1000 }], Errno.EINVAL);
    expect(c.stack.kmd.pages.allocated).toBe(before);
  });
});

describe('DRM_IOCTL_PANTHOR_GROUP_SUBMIT', () => {
  it('runs the stream on the GPU and signals the syncobj when it is done', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const done = c.syncobjCreate();
    const job = s.fillStream(0x1234_5678);
    c.submit(group, 0, job.va, job.size, { signal: [done] });
    c.wait([done], { timeoutNs: 10e6 });
    expect(s.word()).toBe(0x1234_5678);
    expect(c.read(s.dst.cpu + 64, 4)).toEqual(new Uint8Array(4)); // exactly 64 bytes filled
  });

  it('jobs of one queue run in submission order', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const done = c.syncobjCreate();
    const a = s.fillStream(1);
    const b = s.fillStream(2);
    submitRaw(c, group, [
      { queue_index: 0, stream_addr: a.va, stream_size: a.size },
      { queue_index: 0, stream_addr: b.va, stream_size: b.size, syncs: c.array(U.drm_panthor_sync_op, [{ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: done }]) },
    ]);
    c.wait([done], { timeoutNs: 10e6 });
    expect(s.word()).toBe(2);
  });

  it('a job waits for its wait syncobjs before it runs', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const gate = new Gate(c);
    const done = c.syncobjCreate();
    const job = s.fillStream(0xabcd);
    c.submit(group, 0, job.va, job.size, { wait: [gate.syncobj], signal: [done] });
    c.wait([done], { timeoutNs: 50_000, err: Errno.ETIME });
    expect(s.word()).toBe(0);
    gate.release();
    c.wait([done], { timeoutNs: 10e6 });
    expect(s.word()).toBe(0xabcd);
  });

  it('a job with no stream (size 0, addr 0) is a pure sync point; an empty submit does nothing', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const group = groupCreate(c, vm);
    const done = c.syncobjCreate();
    const t = c.syncobjCreate();
    c.submit(group, 0, 0, 0, { signal: [done], signalPoints: [[t, 7]] });
    c.wait([done], { timeoutNs: 1e6 });
    submitRaw(c, group, []);
    expect(c.groupState(group).state).toBe(0);
  });

  it('an older, shorter queue_submit stride (no syncs) still runs the job', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const job = s.fillStream(0x77);
    const el = U.drm_panthor_queue_submit.encode({ queue_index: 0, stream_addr: job.va, stream_size: job.size });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: { stride: 24, count: 1, array: c.mem.allocBytes(el.subarray(0, 24)) } });
    const done = c.syncobjCreate();
    c.submit(group, 0, 0, 0, { signal: [done] }); // behind it on the same queue
    c.wait([done], { timeoutNs: 10e6 });
    expect(s.word()).toBe(0x77);
  });

  it('EINVAL for a stream_addr not 64-byte aligned, a size not a multiple of 8, or only one of them zero', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const job = s.fillStream(5);
    submitRaw(c, group, [{ queue_index: 0, stream_addr: job.va + 8, stream_size: job.size }], Errno.EINVAL);
    submitRaw(c, group, [{ queue_index: 0, stream_addr: job.va + 32, stream_size: job.size }], Errno.EINVAL);
    submitRaw(c, group, [{ queue_index: 0, stream_addr: job.va, stream_size: job.size - 4 }], Errno.EINVAL);
    submitRaw(c, group, [{ queue_index: 0, stream_addr: job.va, stream_size: 0 }], Errno.EINVAL);
    submitRaw(c, group, [{ queue_index: 0, stream_addr: 0, stream_size: 8 }], Errno.EINVAL);
    submitRaw(c, group, [{ queue_index: 1, stream_addr: job.va, stream_size: job.size }], Errno.EINVAL); // one queue only
    expect(s.word()).toBe(0);
  });

  it('EINVAL for an unknown group or a non-zero pad; EFAULT for a bad queue_submits pointer', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const job = s.fillStream(5);
    submitRaw(c, 99, [{ queue_index: 0, stream_addr: job.va, stream_size: job.size }], Errno.EINVAL);
    const top = U.drm_panthor_group_submit.encode({ group_handle: group });
    top[4] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, top, { err: Errno.EINVAL });
    const el = U.drm_panthor_queue_submit.encode({ queue_index: 0, stream_addr: job.va, stream_size: job.size });
    el[U.drm_panthor_queue_submit.offsetOf('pad')] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: { stride: 40, count: 1, array: c.mem.allocBytes(el) } }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: { stride: 40, count: 1, array: 0x10 } }, { err: Errno.EFAULT });
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, 0xdead_0000)).toBe(Errno.EFAULT);
    expect(s.word()).toBe(0);
  });

  it('sync ops: ENOENT for an unknown syncobj, EINVAL for waiting on one with no fence, EFAULT for a bad array', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const job = s.fillStream(5);
    const empty = c.syncobjCreate();
    c.submit(group, 0, job.va, job.size, { wait: [1234], err: Errno.ENOENT });
    c.submit(group, 0, job.va, job.size, { signal: [1234], err: Errno.ENOENT });
    c.submit(group, 0, job.va, job.size, { wait: [empty], err: Errno.EINVAL });
    c.submit(group, 0, job.va, job.size, { waitPoints: [[empty, 1]], err: Errno.EINVAL }); // point never submitted
    submitRaw(c, group, [{ queue_index: 0, stream_addr: job.va, stream_size: job.size, syncs: { stride: 16, count: 1, array: 0xdead_0000 } }], Errno.EFAULT);
    expect(s.word()).toBe(0);
  });

  it('all or nothing: one bad entry rejects the whole submit, no job runs and no syncobj changes', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const job = s.fillStream(9);
    const done = c.syncobjCreate();
    const t = c.syncobjCreate();
    const sig = c.array(U.drm_panthor_sync_op, [
      { flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: done },
      { flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL | U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ, handle: t, timeline_value: 4 },
    ]);
    submitRaw(c, group, [
      { queue_index: 0, stream_addr: job.va, stream_size: job.size, syncs: sig },
      { queue_index: 0, stream_addr: job.va + 8, stream_size: job.size },
    ], Errno.EINVAL);
    c.wait([done], { err: Errno.EINVAL }); // no fence attached
    const points = c.u64s([99]);
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([t]), points, count_handles: 1, flags: U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED });
    expect(c.read(points, 8)).toEqual(new Uint8Array(8));
    const probe = c.syncobjCreate();
    c.submit(group, 0, 0, 0, { signal: [probe] });
    c.wait([probe], { timeoutNs: 10e6 });
    expect(s.word()).toBe(0);
  });

  it('ECANCELED once the group is dead (after a fault); the fault is in GROUP_GET_STATE', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm, {}, [{ priority: 1, ringbuf_size: 4096 }, { priority: 1, ringbuf_size: 4096 }]);
    const bad = encodeCs([['MOV48', { d: 0, imm: 0xdead_0000 }], ['MOV48', { d: 2, imm: 64 }], ['MOV32', { r: 4, imm: 1 }], ['FILL', { dst: 0, size: 2, value: 4 }]]);
    c.write(s.stream.cpu + 8 * PAGE, bad);
    const done = c.syncobjCreate();
    c.submit(group, 1, 0x100_0000 + 8 * PAGE, bad.length, { signal: [done] });
    c.wait([done], { timeoutNs: 10e6 });
    expect(c.groupState(group)).toEqual({ state: U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT, fatalQueues: 0b10 });
    const job = s.fillStream(3);
    c.submit(group, 0, job.va, job.size, { err: Errno.ECANCELED });
    expect(s.word()).toBe(0);
  });
});

describe('DRM_IOCTL_PANTHOR_GROUP_GET_STATE', () => {
  it('0 while healthy; EINVAL for an unknown handle or a non-zero pad', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const group = groupCreate(c, vm);
    expect(c.io(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, { group_handle: group })).toMatchObject({ state: 0, fatal_queues: 0 });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, { group_handle: group + 1 }, { err: Errno.EINVAL });
    const bytes = U.drm_panthor_group_get_state.encode({ group_handle: group });
    bytes[12] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, bytes, { err: Errno.EINVAL });
  });

  it('TIMEDOUT for a job that never finishes, and the device keeps working', () => {
    const c = Client.create({ kmd: { jobTimeoutNs: 2_000_000 } });
    const s = setUp(c);
    const stuck = groupCreate(c, s.vm);
    const gateless = encodeCs([['MOV48', { d: 0, imm: DST + 128 }], ['MOV48', { d: 2, imm: 1 }], ['WAIT', { a: 0, v: 2, cond: 4 /* GE */ }]]);
    c.write(s.stream.cpu + 8 * PAGE, gateless);
    const done = c.syncobjCreate();
    c.submit(stuck, 0, 0x100_0000 + 8 * PAGE, gateless.length, { signal: [done] });
    c.wait([done], { timeoutNs: 50e6 });
    expect(c.groupState(stuck).state & U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT).toBe(U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT);
    const fresh = groupCreate(c, s.vm);
    const ok = c.syncobjCreate();
    const job = s.fillStream(0x42);
    c.submit(fresh, 0, job.va, job.size, { signal: [ok] });
    c.wait([ok], { timeoutNs: 10e6 });
    expect(s.word()).toBe(0x42);
  });
});

describe('DRM_IOCTL_PANTHOR_GROUP_DESTROY', () => {
  it('cancels pending jobs (their fences signal) and every later use of the handle fails', () => {
    const c = Client.create();
    const s = setUp(c);
    const group = groupCreate(c, s.vm);
    const gate = new Gate(c);
    const done = c.syncobjCreate();
    const job = s.fillStream(0x99);
    c.submit(group, 0, job.va, job.size, { wait: [gate.syncobj], signal: [done] });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: group });
    c.wait([done], { timeoutNs: 0 }); // already signalled (cancelled)
    gate.release();
    c.wait([gate.syncobj], { timeoutNs: 1e6 });
    expect(s.word()).toBe(0); // the job never ran
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: group }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, { group_handle: group }, { err: Errno.EINVAL });
    c.submit(group, 0, job.va, job.size, { err: Errno.EINVAL });
  });

  it('frees the queues\' rings and sync objects', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    groupCreate(c, vm); // page tables for the kernel range exist from here on
    const before = c.stack.kmd.pages.allocated;
    const group = groupCreate(c, vm, {}, [{ priority: 1, ringbuf_size: 65536 }, { priority: 1, ringbuf_size: 4096 }]);
    expect(c.stack.kmd.pages.allocated - before).toBeGreaterThanOrEqual(16 + 1 + 1 + 1);
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: group });
    expect(c.stack.kmd.pages.allocated).toBe(before);
  });

  it('EINVAL for an unknown handle and for a non-zero pad (the group survives)', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: 5 }, { err: Errno.EINVAL });
    const group = groupCreate(c, vm);
    const bytes = U.drm_panthor_group_destroy.encode({ group_handle: group });
    bytes[4] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, bytes, { err: Errno.EINVAL });
    expect(c.groupState(group).state).toBe(0);
  });
});
