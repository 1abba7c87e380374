/**
 * DRM syncobjs, binary and timeline: CREATE, DESTROY, HANDLE_TO_FD, FD_TO_HANDLE,
 * WAIT, TIMELINE_WAIT, RESET, SIGNAL, TIMELINE_SIGNAL, QUERY, TRANSFER — with
 * drm_syncobj.c's errnos (ENOENT for an unknown handle in an array, EINVAL for a
 * wait on a point nothing was submitted for unless WAIT_FOR_SUBMIT, ETIME when the
 * absolute timeout passes). Pending fences come from a Gate: a GPU job the test
 * releases.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { Gate, ioctlAt, PAGE, queryPoint } from '../support/igt';

const { DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL: ALL, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT: FOR_SUBMIT, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE: AVAILABLE } = U;

function signalled(c: Client): number {
  return c.syncobjCreate({ flags: U.DRM_SYNCOBJ_CREATE_SIGNALED });
}

function destroy(c: Client, handle: number, err = 0): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_DESTROY, { handle }, { err });
}

function reset(c: Client, handles: number[], err = 0): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: c.u32s(handles), count_handles: handles.length }, { err });
}

function cpuSignal(c: Client, handles: number[], err = 0): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: c.u32s(handles), count_handles: handles.length }, { err });
}

function timelineSignal(c: Client, handles: number[], points: number[], e: { flags?: number; err?: number } = {}): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, { handles: c.u32s(handles), points: c.u64s(points), count_handles: handles.length, flags: e.flags ?? 0 }, e);
}

function timelineWait(c: Client, handles: number[], points: number[], e: { flags?: number; timeoutNs?: number; err?: number } = {}): number {
  return c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, {
    handles: c.u32s(handles), points: c.u64s(points), count_handles: handles.length,
    timeout_nsec: c.stack.sim.nowNs + (e.timeoutNs ?? 1e6), flags: e.flags ?? ALL,
  }, e).first_signaled;
}

function query(c: Client, handles: number[], flags = 0): number[] {
  const points = c.u64s(handles.map(() => 0xdead));
  c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s(handles), points, count_handles: handles.length, flags });
  const b = c.read(points, handles.length * 8);
  const v = new DataView(b.buffer, b.byteOffset);
  return handles.map((_, i) => v.getUint32(i * 8, true) + v.getUint32(i * 8 + 4, true) * 0x1_0000_0000);
}

function transfer(c: Client, src: number, srcPoint: number, dst: number, dstPoint: number, e: { flags?: number; err?: number } = {}): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_TRANSFER, { src_handle: src, src_point: srcPoint, dst_handle: dst, dst_point: dstPoint, flags: e.flags ?? 0 }, e);
}

function toFd(c: Client, handle: number, err = 0): number {
  return c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle }, { err }).fd;
}

function fromFd(c: Client, fd: number, err = 0): number {
  return c.io(U.DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, { fd }, { err }).handle;
}

const withPad = (bytes: Uint8Array, at: number): Uint8Array => {
  bytes[at] = 1;
  return bytes;
};

describe('DRM_IOCTL_SYNCOBJ_CREATE / DESTROY', () => {
  it('creates empty or signalled syncobjs with non-zero distinct handles', () => {
    const c = Client.create();
    const empty = c.syncobjCreate();
    const sig = signalled(c);
    expect(empty).toBeGreaterThan(0);
    expect(sig).toBeGreaterThan(0);
    expect(sig).not.toBe(empty);
    c.wait([empty], { err: Errno.EINVAL }); // no fence yet
    c.wait([sig], { timeoutNs: 0 });
    expect(query(c, [empty, sig])).toEqual([0, 0]);
  });

  it('EINVAL for unknown create flags', () => {
    const c = Client.create();
    c.syncobjCreate({ flags: 2, err: Errno.EINVAL });
    c.syncobjCreate({ flags: 0x8000_0000, err: Errno.EINVAL });
  });

  it('DESTROY: the handle is gone for every ioctl; EINVAL twice, for 0 and for a non-zero pad', () => {
    const c = Client.create();
    const h = signalled(c);
    const other = signalled(c);
    destroy(c, h);
    destroy(c, h, Errno.EINVAL);
    destroy(c, 0, Errno.EINVAL);
    c.wait([h], { err: Errno.ENOENT });
    c.wait([other, h], { err: Errno.ENOENT });
    reset(c, [h], Errno.ENOENT);
    cpuSignal(c, [h], Errno.ENOENT);
    timelineSignal(c, [h], [1], { err: Errno.ENOENT });
    timelineWait(c, [h], [1], { err: Errno.ENOENT });
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([h]), points: c.u64s([0]), count_handles: 1 }, { err: Errno.ENOENT });
    transfer(c, other, 0, h, 0, { err: Errno.ENOENT });
    transfer(c, h, 0, other, 0, { err: Errno.ENOENT });
    toFd(c, h, Errno.EINVAL);
    c.io(U.DRM_IOCTL_SYNCOBJ_DESTROY, withPad(U.drm_syncobj_destroy.encode({ handle: other }), 4), { err: Errno.EINVAL });
    c.wait([other], { timeoutNs: 0 }); // survived the rejected destroy
  });

  it('destroying the handle a pending job will signal is harmless: the job still runs and signals the others', () => {
    const c = Client.create();
    const gate = new Gate(c);
    const kept = c.syncobjCreate();
    transfer(c, gate.syncobj, 0, kept, 0);
    destroy(c, gate.syncobj);
    gate.release();
    c.wait([kept], { timeoutNs: 1e6 });
  });
});

describe('DRM_IOCTL_SYNCOBJ_SIGNAL / RESET', () => {
  it('SIGNAL attaches a signalled fence; RESET removes it again', () => {
    const c = Client.create();
    const a = c.syncobjCreate();
    const b = c.syncobjCreate();
    cpuSignal(c, [a, b]);
    expect(c.wait([a, b], { timeoutNs: 0 })).toBe(0);
    reset(c, [a]);
    c.wait([a], { err: Errno.EINVAL });
    c.wait([b], { timeoutNs: 0 });
    c.wait([a], { flags: FOR_SUBMIT, timeoutNs: 1000, err: Errno.ETIME });
  });

  it('RESET of a syncobj with a pending GPU fence drops the fence; the job is not affected', () => {
    const c = Client.create();
    const gate = new Gate(c);
    const copy = c.syncobjCreate();
    transfer(c, gate.syncobj, 0, copy, 0);
    reset(c, [gate.syncobj]);
    c.wait([gate.syncobj], { err: Errno.EINVAL });
    gate.release();
    c.wait([copy], { timeoutNs: 1e6 });
  });

  it('EINVAL for no handles or a non-zero pad, ENOENT for an unknown handle (nothing signalled), EFAULT for a bad array', () => {
    const c = Client.create();
    const a = c.syncobjCreate();
    cpuSignal(c, [], Errno.EINVAL);
    reset(c, [], Errno.EINVAL);
    cpuSignal(c, [a, 999], Errno.ENOENT);
    c.wait([a], { err: Errno.EINVAL }); // the known one was not signalled either
    c.io(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: 0xdead_0000, count_handles: 1 }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: 0x10, count_handles: 1 }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_SYNCOBJ_SIGNAL, withPad(U.drm_syncobj_array.encode({ handles: c.u32s([a]), count_handles: 1 }), 12), { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_RESET, withPad(U.drm_syncobj_array.encode({ handles: c.u32s([a]), count_handles: 1 }), 12), { err: Errno.EINVAL });
    c.wait([a], { err: Errno.EINVAL });
  });
});

describe('DRM_IOCTL_SYNCOBJ_WAIT', () => {
  it('EINVAL on a syncobj with no fence; WAIT_FOR_SUBMIT waits instead (ETIME here), and takes a signalled one', () => {
    const c = Client.create();
    const empty = c.syncobjCreate();
    c.wait([empty], { err: Errno.EINVAL });
    c.wait([empty], { flags: ALL | FOR_SUBMIT, timeoutNs: 10_000, err: Errno.ETIME });
    c.wait([empty], { flags: FOR_SUBMIT, timeoutNs: 10_000, err: Errno.ETIME });
    const sig = signalled(c);
    c.wait([sig, empty], { flags: ALL, err: Errno.EINVAL });
    expect(c.wait([empty, sig], { flags: FOR_SUBMIT, timeoutNs: 0 })).toBe(1); // any: the signalled one
  });

  it('ANY returns the index of a signalled handle; ALL waits for every one', () => {
    const c = Client.create();
    const gate = new Gate(c);
    const sig = signalled(c);
    expect(c.wait([gate.syncobj, sig], { flags: 0, timeoutNs: 0 })).toBe(1);
    c.wait([gate.syncobj, sig], { flags: ALL, timeoutNs: 20_000, err: Errno.ETIME });
    gate.release();
    expect(c.wait([gate.syncobj, sig], { flags: ALL, timeoutNs: 1e6 })).toBe(0);
  });

  it('the timeout is absolute on the virtual clock: ETIME once it passes, time moves while waiting', () => {
    const c = Client.create();
    const gate = new Gate(c);
    const t0 = c.stack.sim.nowNs;
    const h = gate.syncobj;
    c.io(U.DRM_IOCTL_SYNCOBJ_WAIT, { handles: c.u32s([h]), count_handles: 1, timeout_nsec: t0 + 200_000, flags: ALL }, { err: Errno.ETIME });
    expect(c.stack.sim.nowNs).toBeGreaterThanOrEqual(t0 + 200_000);
    expect(c.stack.sim.nowNs).toBeLessThan(t0 + 300_000);
    c.io(U.DRM_IOCTL_SYNCOBJ_WAIT, { handles: c.u32s([h]), count_handles: 1, timeout_nsec: 0, flags: ALL }, { err: Errno.ETIME }); // in the past: polls
    c.io(U.DRM_IOCTL_SYNCOBJ_WAIT, { handles: c.u32s([signalled(c)]), count_handles: 1, timeout_nsec: 0, flags: ALL }); // signalled: fine
    gate.release();
  });

  it('a fence that signals with an error (cancelled job) still satisfies the wait', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const group = c.groupCreate(vm);
    const gate = new Gate(c);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0, 0, { wait: [gate.syncobj], signal: [done] });
    c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: group });
    c.wait([done], { timeoutNs: 0 });
    gate.release();
  });

  it('EINVAL for no handles, unknown flags (WAIT_AVAILABLE is timeline-only) or a non-zero pad; ENOENT; EFAULT', () => {
    const c = Client.create();
    const h = signalled(c);
    c.wait([], { err: Errno.EINVAL });
    c.wait([h], { flags: AVAILABLE, err: Errno.EINVAL });
    c.wait([h], { flags: 1 << 4, err: Errno.EINVAL });
    c.wait([h, 4242], { err: Errno.ENOENT });
    c.io(U.DRM_IOCTL_SYNCOBJ_WAIT, { handles: 0xdead_0000, count_handles: 1, flags: ALL }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_SYNCOBJ_WAIT, withPad(U.drm_syncobj_wait.encode({ handles: c.u32s([h]), count_handles: 1, flags: ALL }), 28), { err: Errno.EINVAL });
    c.wait([h], { flags: ALL | U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE, timeoutNs: 0 }); // a known flag
  });
});

describe('timeline syncobjs: TIMELINE_SIGNAL, TIMELINE_WAIT, QUERY', () => {
  it('signal points 1 and 3: QUERY says 3 and a wait for point 2 is satisfied', () => {
    const c = Client.create();
    const t = c.syncobjCreate();
    timelineSignal(c, [t], [1]);
    expect(query(c, [t])).toEqual([1]);
    timelineSignal(c, [t], [3]);
    expect(query(c, [t])).toEqual([3]);
    expect(query(c, [t], U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)).toEqual([3]);
    timelineWait(c, [t], [2], { timeoutNs: 0 });
    timelineWait(c, [t], [1], { timeoutNs: 0 });
    timelineWait(c, [t], [3], { timeoutNs: 0 });
  });

  it('a wait for point 2 is satisfied only once point 3 is signalled', () => {
    const c = Client.create();
    const t = c.syncobjCreate();
    timelineSignal(c, [t], [1]);
    timelineWait(c, [t], [2], { err: Errno.EINVAL }); // nothing submitted at or after 2
    timelineWait(c, [t], [2], { flags: ALL | FOR_SUBMIT, timeoutNs: 10_000, err: Errno.ETIME });
    timelineSignal(c, [t], [3]);
    timelineWait(c, [t], [2], { flags: ALL | FOR_SUBMIT, timeoutNs: 0 });
    timelineWait(c, [t], [4], { flags: ALL | FOR_SUBMIT, timeoutNs: 10_000, err: Errno.ETIME });
  });

  it('a point signalled by a GPU job: submitted at once, signalled when the job is done', () => {
    const c = Client.create();
    const t = c.syncobjCreate();
    const gate = new Gate(c, { signalPoints: [[t, 5]] });
    expect(query(c, [t])).toEqual([0]);
    expect(query(c, [t], U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)).toEqual([5]);
    timelineWait(c, [t], [5], { timeoutNs: 10_000, err: Errno.ETIME });
    timelineWait(c, [t], [4], { timeoutNs: 10_000, err: Errno.ETIME }); // 4 is covered by 5
    timelineWait(c, [t], [5], { flags: ALL | AVAILABLE, timeoutNs: 0 }); // but a fence exists
    gate.release();
    timelineWait(c, [t], [5], { timeoutNs: 1e6 });
    expect(query(c, [t])).toEqual([5]);
  });

  it('a CPU-signalled point above a pending one is not signalled until the pending one is', () => {
    const c = Client.create();
    const t = c.syncobjCreate();
    const gate = new Gate(c, { signalPoints: [[t, 2]] });
    timelineSignal(c, [t], [3]);
    expect(query(c, [t])).toEqual([0]);
    timelineWait(c, [t], [3], { timeoutNs: 10_000, err: Errno.ETIME });
    gate.release();
    timelineWait(c, [t], [3], { timeoutNs: 1e6 });
    expect(query(c, [t])).toEqual([3]);
  });

  it('several handles: ANY reports the first signalled index; QUERY fills one value per handle', () => {
    const c = Client.create();
    const a = c.syncobjCreate();
    const b = c.syncobjCreate();
    timelineSignal(c, [a, b], [2, 7]);
    expect(query(c, [b, a])).toEqual([7, 2]);
    expect(timelineWait(c, [a, b], [3, 7], { flags: FOR_SUBMIT, timeoutNs: 0 })).toBe(1);
    timelineWait(c, [a, b], [3, 7], { flags: ALL | FOR_SUBMIT, timeoutNs: 10_000, err: Errno.ETIME });
  });

  it('point 0 means the binary fence: TIMELINE_SIGNAL replaces it, TIMELINE_WAIT waits on it', () => {
    const c = Client.create();
    const h = c.syncobjCreate();
    timelineWait(c, [h], [0], { err: Errno.EINVAL });
    timelineSignal(c, [h], [0]);
    c.wait([h], { timeoutNs: 0 });
    timelineWait(c, [h], [0], { timeoutNs: 0 });
  });

  it('errors: EINVAL for flags, count 0, non-zero pad; ENOENT; EFAULT for handles or points', () => {
    const c = Client.create();
    const t = c.syncobjCreate();
    timelineSignal(c, [t], [1], { flags: 1, err: Errno.EINVAL });
    timelineSignal(c, [], [], { err: Errno.EINVAL });
    timelineSignal(c, [t, 77], [1, 2], { err: Errno.ENOENT });
    expect(query(c, [t], U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)).toEqual([0]); // nothing was signalled
    c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, { handles: c.u32s([t]), points: 0xdead_0000, count_handles: 1 }, { err: Errno.EFAULT });
    timelineWait(c, [t], [1], { flags: 1 << 4, err: Errno.EINVAL });
    timelineWait(c, [], [], { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, { handles: c.u32s([t]), points: 0x10, count_handles: 1, flags: ALL }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, withPad(U.drm_syncobj_timeline_wait.encode({ handles: c.u32s([t]), points: c.u64s([0]), count_handles: 1 }), 36), { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([t]), points: c.u64s([0]), count_handles: 1, flags: 2 }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([t]), points: c.u64s([0]), count_handles: 0 }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([t]), points: 0xdead_0000, count_handles: 1 }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: 0xdead_0000, points: c.u64s([0]), count_handles: 1 }, { err: Errno.EFAULT });
  });
});

describe('DRM_IOCTL_SYNCOBJ_TRANSFER', () => {
  it('binary → timeline point and timeline point → binary', () => {
    const c = Client.create();
    const bin = signalled(c);
    const t = c.syncobjCreate();
    transfer(c, bin, 0, t, 4);
    expect(query(c, [t])).toEqual([4]);
    const out = c.syncobjCreate();
    transfer(c, t, 4, out, 0);
    c.wait([out], { timeoutNs: 0 });
    const t2 = c.syncobjCreate();
    transfer(c, t, 2, t2, 9); // point 2 is covered by 4
    expect(query(c, [t2])).toEqual([9]);
  });

  it('moves a pending fence: the destination signals when the GPU job does', () => {
    const c = Client.create();
    const gate = new Gate(c);
    const t = c.syncobjCreate();
    transfer(c, gate.syncobj, 0, t, 1);
    expect(query(c, [t], U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED)).toEqual([1]);
    expect(query(c, [t])).toEqual([0]);
    gate.release();
    timelineWait(c, [t], [1], { timeoutNs: 1e6 });
    expect(query(c, [t])).toEqual([1]);
  });

  it('EINVAL for a source with no fence or an unsubmitted point, unknown flags, a non-zero pad; ENOENT for unknown handles', () => {
    const c = Client.create();
    const empty = c.syncobjCreate();
    const t = c.syncobjCreate();
    const dst = c.syncobjCreate();
    transfer(c, empty, 0, dst, 0, { err: Errno.EINVAL });
    timelineSignal(c, [t], [2]);
    transfer(c, t, 3, dst, 0, { err: Errno.EINVAL });
    transfer(c, t, 2, dst, 0, { flags: 1, err: Errno.EINVAL });
    transfer(c, t, 2, 555, 0, { err: Errno.ENOENT });
    transfer(c, 555, 0, dst, 0, { err: Errno.ENOENT });
    c.io(U.DRM_IOCTL_SYNCOBJ_TRANSFER, withPad(U.drm_syncobj_transfer.encode({ src_handle: t, src_point: 2, dst_handle: dst }), 28), { err: Errno.EINVAL });
    c.wait([dst], { err: Errno.EINVAL }); // still empty after all that
  });
});

describe('DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD / FD_TO_HANDLE', () => {
  it('an fd imported into another file is the same syncobj under a new handle', () => {
    const a = Client.create();
    const b = new Client(a.stack, { proc: a.proc });
    b.syncobjCreate();
    const h = a.syncobjCreate();
    const fd = toFd(a, h);
    expect(fd).toBeGreaterThanOrEqual(3);
    const hb = fromFd(b, fd);
    expect(hb).toBeGreaterThan(0);
    cpuSignal(b, [hb]);
    a.wait([h], { timeoutNs: 0 });
    reset(a, [h]);
    b.wait([hb], { err: Errno.EINVAL });
  });

  it('across processes, with the fd passed over SCM_RIGHTS; a GPU job in one signals a wait in the other', () => {
    const a = Client.create();
    const b = new Client(a.stack);
    const gate = new Gate(a);
    const fdB = a.stack.kmd.passFd(a.proc.pid, toFd(a, gate.syncobj), b.proc.pid);
    const hb = fromFd(b, fdB);
    b.wait([hb], { timeoutNs: 10_000, err: Errno.ETIME });
    gate.release();
    b.wait([hb], { timeoutNs: 1e6 });
  });

  it('every import makes a new handle (as drm_syncobj_fd_to_handle): destroying one leaves the others', () => {
    const c = Client.create();
    const h = signalled(c);
    const fd = toFd(c, h);
    const h2 = fromFd(c, fd);
    const h3 = fromFd(c, fd);
    expect(new Set([h, h2, h3]).size).toBe(3);
    destroy(c, h);
    destroy(c, h2);
    c.wait([h3], { timeoutNs: 0 });
  });

  it('the fd keeps the syncobj alive after its last handle is destroyed', () => {
    const c = Client.create();
    const h = c.syncobjCreate();
    timelineSignal(c, [h], [6]);
    const fd = toFd(c, h);
    destroy(c, h);
    expect(query(c, [fromFd(c, fd)])).toEqual([6]);
  });

  it('HANDLE_TO_FD: EINVAL for an unknown handle, flags, a point or a non-zero pad', () => {
    const c = Client.create();
    const h = c.syncobjCreate();
    toFd(c, 0xdeadbeef, Errno.EINVAL);
    c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle: h, flags: U.DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle: h, flags: 0x10 }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle: h, point: 1 }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, withPad(U.drm_syncobj_handle.encode({ handle: h }), 12), { err: Errno.EINVAL });
    expect(c.proc.fds.size).toBe(1); // nothing installed
  });

  it('FD_TO_HANDLE: EINVAL for an fd that is not open or not a syncobj, and for flags', () => {
    const c = Client.create();
    fromFd(c, -1, Errno.EINVAL);
    fromFd(c, 4321, Errno.EINVAL);
    fromFd(c, c.fd, Errno.EINVAL);
    const dmabuf = c.io(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle: c.boCreate(PAGE) }).fd;
    fromFd(c, dmabuf, Errno.EINVAL);
    const fd = toFd(c, c.syncobjCreate());
    c.io(U.DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, { fd, flags: 0x4 }, { err: Errno.EINVAL });
    expect(ioctlAt(c, U.DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, 0xdead_0000)).toBe(Errno.EFAULT);
  });
});
