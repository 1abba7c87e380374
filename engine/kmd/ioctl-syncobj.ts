/**
 * DRM syncobj ioctls (drm_syncobj.c semantics): CREATE, DESTROY, HANDLE_TO_FD,
 * FD_TO_HANDLE, WAIT, TIMELINE_WAIT, RESET, SIGNAL, TIMELINE_SIGNAL, QUERY, TRANSFER.
 *
 * Waiting is where virtual time passes for the CPU: the calling thread blocks while
 * the simulation runs the GPU, until the condition holds or the absolute timeout
 * (CLOCK_MONOTONIC = the virtual clock) passes, which is ETIME as in Linux. A wait
 * that can never finish (nothing left to simulate, timeout effectively infinite) is
 * reported as ETIME at once instead of hanging the process.
 */
import { Errno } from '../base/errno';
import { DmaFence } from './fence';
import { typed, type IoctlContext, type IoctlHandler } from './ioctl-context';
import { Syncobj } from './syncobj';
import {
  DRM_SYNCOBJ_CREATE_SIGNALED,
  drm_syncobj_array,
  drm_syncobj_create,
  drm_syncobj_destroy,
  drm_syncobj_handle,
  DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED,
  drm_syncobj_timeline_array,
  drm_syncobj_timeline_wait,
  drm_syncobj_transfer,
  drm_syncobj_wait,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE,
  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
} from './uapi/drm-core';

/** Beyond this many ns from now a timeout counts as "forever". */
const FOREVER_NS = 3_600e9;
const MAX_HANDLES = 4096;

function readU32s(ctx: IoctlContext, ptr: number, count: number): number[] | number {
  const bytes = ctx.copier.fromUser(ptr, count * 4);
  if (typeof bytes === 'number') return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
}

function readU64s(ctx: IoctlContext, ptr: number, count: number): number[] | number {
  const bytes = ctx.copier.fromUser(ptr, count * 8);
  if (typeof bytes === 'number') return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getUint32(i * 8, true) + view.getUint32(i * 8 + 4, true) * 0x1_0000_0000);
}

function lookupAll(ctx: IoctlContext, handles: readonly number[]): Syncobj[] | number {
  const out: Syncobj[] = [];
  for (const h of handles) {
    const s = ctx.file.syncobjs.get(h);
    if (!s) return Errno.ENOENT;
    out.push(s);
  }
  return out;
}

function handlesOf(ctx: IoctlContext, ptr: number, count: number): Syncobj[] | number {
  if (count === 0 || count > MAX_HANDLES) return Errno.EINVAL;
  const handles = readU32s(ctx, ptr, count);
  return typeof handles === 'number' ? handles : lookupAll(ctx, handles);
}

/** A CPU-signalled fence, created (and signalled) by the current ioctl. */
function stubFence(ctx: IoctlContext): DmaFence {
  return DmaFence.signalledStub(ctx.dev.signalRanks, ctx.dev.bus.nowNs, ctx.dev.sink, ++ctx.dev.stubSeqno, ctx.dev.currentIoctl);
}

/** Block (run the simulation) until `ready` or the absolute timeout; 0 or ETIME. */
function blockUntil(ctx: IoctlContext, ready: () => boolean, timeoutNs: number): number {
  const bus = ctx.dev.bus;
  if (ready()) return 0;
  const forever = timeoutNs - bus.nowNs > FOREVER_NS;
  const ok = bus.runUntil(ready, forever ? Infinity : timeoutNs);
  return ok ? 0 : Errno.ETIME;
}

const create = typed(drm_syncobj_create, (ctx, a) => {
  if (a.flags & ~DRM_SYNCOBJ_CREATE_SIGNALED) return Errno.EINVAL;
  const s = new Syncobj(++ctx.dev.syncobjSeq, ctx.dev.config.bugs);
  if (a.flags & DRM_SYNCOBJ_CREATE_SIGNALED) s.replaceFence(stubFence(ctx));
  return { out: { handle: ctx.file.syncobjs.add(s) } };
});


const destroy = typed(drm_syncobj_destroy, (ctx, a) => (ctx.file.syncobjs.remove(a.handle) ? 0 : Errno.EINVAL));

const handleToFd = typed(drm_syncobj_handle, (ctx, a) => {
  if (a.flags !== 0 || a.point !== 0) return Errno.EINVAL;
  const s = ctx.file.syncobjs.get(a.handle);
  if (!s) return Errno.EINVAL; // drm_syncobj_handle_to_fd: EINVAL, unlike the array ioctls' ENOENT
  return { out: { fd: ctx.file.process.installFd({ kind: 'syncobj', syncobj: s }) } };
});

const fdToHandle = typed(drm_syncobj_handle, (ctx, a) => {
  if (a.flags !== 0 || a.point !== 0) return Errno.EINVAL;
  const obj = ctx.file.process.fds.get(a.fd);
  if (!obj || obj.kind !== 'syncobj') return Errno.EINVAL;
  // Always a new handle (drm_syncobj_fd_to_handle), unlike PRIME: each one is destroyed on its own.
  return { out: { handle: ctx.file.syncobjs.add(obj.syncobj) } };
});

interface WaitEntry {
  readonly syncobj: Syncobj;
  readonly point: number;
}

function waitCommon(ctx: IoctlContext, entries: readonly WaitEntry[], flags: number, timeoutNs: number): { errno: number; first: number } {
  const r = waitUntil(ctx, entries, flags, timeoutNs);
  if (r.errno === 0) {
    const waitAll = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL) !== 0;
    const ended = endedBy(entries, waitAll);
    ctx.dev.sink.emit({
      kind: 'kmd.wait_end', tsNs: ctx.dev.bus.nowNs, pid: ctx.file.process.pid, ioctl: ctx.dev.currentIoctl,
      handles: entries.map((e) => ctx.file.syncobjs.find(e.syncobj) ?? 0), points: entries.map((e) => e.point),
      endedBy: ended ? { context: ended.context, seqno: ended.seqno } : null, firstSignaled: r.first,
    });
  }
  return r;
}

/**
 * The fence whose signal made a finished wait's condition true. An entry completed
 * with the last-signalled of its signalled fences; a wait-all ended with the latest
 * entry, a wait-any with the earliest. Undefined when no needed fence has signalled
 * (WAIT_AVAILABLE satisfied by an attach).
 */
function endedBy(entries: readonly WaitEntry[], waitAll: boolean): DmaFence | undefined {
  let best: DmaFence | undefined;
  for (const e of entries) {
    const fences = e.point === 0 ? [e.syncobj.fence()] : (e.syncobj.fencesFor(e.point) ?? []);
    let last: DmaFence | undefined;
    for (const f of fences) if (f?.isSignalled && (!last || f.signalOrder > last.signalOrder)) last = f;
    if (!last || e.syncobj.isSignalled(e.point) !== true) continue;
    if (!best || (waitAll ? last.signalOrder > best.signalOrder : last.signalOrder < best.signalOrder)) best = last;
  }
  return best;
}

function waitUntil(ctx: IoctlContext, entries: readonly WaitEntry[], flags: number, timeoutNs: number): { errno: number; first: number } {
  const forSubmit = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) !== 0;
  const available = (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE) !== 0;
  if (!forSubmit && entries.some((e) => e.syncobj.isSignalled(e.point) === undefined)) return { errno: Errno.EINVAL, first: 0 };
  const done = (e: WaitEntry): boolean => {
    const s = e.syncobj.isSignalled(e.point);
    return available ? s !== undefined : s === true;
  };
  const ready = (): boolean => ((flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL) !== 0 ? entries.every(done) : entries.some(done));
  const errno = blockUntil(ctx, ready, timeoutNs);
  return { errno, first: Math.max(0, entries.findIndex(done)) };
}

const wait = typed(drm_syncobj_wait, (ctx, a) => {
  if (a.flags & ~(DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE)) return Errno.EINVAL;
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  const r = waitCommon(ctx, objs.map((syncobj) => ({ syncobj, point: 0 })), a.flags, a.timeout_nsec);
  return r.errno || { out: { first_signaled: r.first } };
});

const timelineWait = typed(drm_syncobj_timeline_wait, (ctx, a) => {
  const known = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE;
  if (a.flags & ~known) return Errno.EINVAL;
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  const points = readU64s(ctx, a.points, a.count_handles);
  if (typeof points === 'number') return points;
  const r = waitCommon(ctx, objs.map((syncobj, i) => ({ syncobj, point: points[i]! })), a.flags, a.timeout_nsec);
  return r.errno || { out: { first_signaled: r.first } };
});

const reset = typed(drm_syncobj_array, (ctx, a) => {
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  for (const s of objs) {
    s.replaceFence(undefined);
    ctx.dev.sink.emit({ kind: 'kmd.syncobj', tsNs: ctx.dev.bus.nowNs, pid: ctx.file.process.pid, handle: ctx.file.syncobjs.find(s) ?? 0, op: 'reset', point: 0, ioctl: ctx.dev.currentIoctl });
  }
  return 0;
});

const signal = typed(drm_syncobj_array, (ctx, a) => {
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  for (const s of objs) {
    s.replaceFence(stubFence(ctx));
    ctx.dev.sink.emit({ kind: 'kmd.syncobj', tsNs: ctx.dev.bus.nowNs, pid: ctx.file.process.pid, handle: ctx.file.syncobjs.find(s) ?? 0, op: 'signal', point: 0, ioctl: ctx.dev.currentIoctl });
  }
  return 0;
});

const timelineSignal = typed(drm_syncobj_timeline_array, (ctx, a) => {
  if (a.flags !== 0) return Errno.EINVAL;
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  const points = readU64s(ctx, a.points, a.count_handles);
  if (typeof points === 'number') return points;
  objs.forEach((s, i) => {
    const point = points[i]!;
    const stub = stubFence(ctx);
    if (point === 0) s.replaceFence(stub);
    else s.addPoint(point, stub);
    ctx.dev.sink.emit({ kind: 'kmd.syncobj', tsNs: ctx.dev.bus.nowNs, pid: ctx.file.process.pid, handle: ctx.file.syncobjs.find(s) ?? 0, op: 'signal', point, ioctl: ctx.dev.currentIoctl });
  });
  return 0;
});

const query = typed(drm_syncobj_timeline_array, (ctx, a) => {
  if (a.flags & ~DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED) return Errno.EINVAL;
  const objs = handlesOf(ctx, a.handles, a.count_handles);
  if (typeof objs === 'number') return objs;
  const out = new Uint8Array(objs.length * 8);
  const view = new DataView(out.buffer);
  objs.forEach((s, i) => {
    const v = a.flags & DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED ? s.lastSubmittedPoint() : s.signalledPoint();
    view.setUint32(i * 8, v >>> 0, true);
    view.setUint32(i * 8 + 4, Math.floor(v / 0x1_0000_0000), true);
  });
  return ctx.copier.toUser(a.points, out);
});

const transfer = typed(drm_syncobj_transfer, (ctx, a) => {
  if (a.flags & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) return Errno.EINVAL;
  const src = ctx.file.syncobjs.get(a.src_handle);
  const dst = ctx.file.syncobjs.get(a.dst_handle);
  if (!src || !dst) return Errno.ENOENT;
  const binary = src.fence();
  const fences = a.src_point === 0 ? (binary ? [binary] : undefined) : src.fencesFor(a.src_point);
  if (!fences) return Errno.EINVAL;
  const fence = joinFences(ctx, fences, `transfer.${a.src_handle}`);
  if (a.dst_point === 0) dst.replaceFence(fence);
  else dst.addPoint(a.dst_point, fence);
  ctx.dev.sink.emit({ kind: 'kmd.syncobj', tsNs: ctx.dev.bus.nowNs, pid: ctx.file.process.pid, handle: a.dst_handle, op: 'transfer', point: a.dst_point, ioctl: ctx.dev.currentIoctl });
  return 0;
});

/** One fence that signals when all of `fences` have (a dma_fence_array). */
function joinFences(ctx: IoctlContext, fences: readonly DmaFence[], context: string): DmaFence {
  if (fences.length === 1) return fences[0]!;
  const joined = new DmaFence(ctx.dev.signalRanks, context, ++ctx.dev.bindSeqno, 0, ctx.dev.currentIoctl);
  let left = fences.length;
  if (left === 0) joined.signal(ctx.dev.bus.nowNs, ctx.dev.sink);
  for (const f of fences) f.onSignal(() => --left === 0 && joined.signal(ctx.dev.bus.nowNs, ctx.dev.sink, fences.find((x) => x.error)?.error ?? 0));
  return joined;
}

export const syncobjHandlers: Readonly<Record<string, IoctlHandler>> = {
  SYNCOBJ_CREATE: create,
  SYNCOBJ_DESTROY: destroy,
  SYNCOBJ_HANDLE_TO_FD: handleToFd,
  SYNCOBJ_FD_TO_HANDLE: fdToHandle,
  SYNCOBJ_WAIT: wait,
  SYNCOBJ_TIMELINE_WAIT: timelineWait,
  SYNCOBJ_RESET: reset,
  SYNCOBJ_SIGNAL: signal,
  SYNCOBJ_TIMELINE_SIGNAL: timelineSignal,
  SYNCOBJ_QUERY: query,
  SYNCOBJ_TRANSFER: transfer,
};
