/**
 * drm_panthor_sync_op arrays (GROUP_SUBMIT and async VM_BIND): resolved into the
 * fences a job waits for and the syncobj points it signals. Everything is checked
 * before anything is attached, so a rejected submit leaves every syncobj unchanged.
 */
import { Errno } from '../base/errno';
import type { DmaFence } from './fence';
import { readObjArray, type IoctlContext, type ObjArray } from './ioctl-context';
import type { SignalOp } from './sched';
import {
  drm_panthor_sync_op,
  DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK,
  DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ,
  DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ,
  DRM_PANTHOR_SYNC_OP_SIGNAL,
} from './uapi/panthor';

export interface ResolvedSyncs {
  readonly waits: readonly DmaFence[];
  readonly signals: readonly SignalOp[];
}

export function resolveSyncOps(ctx: IoctlContext, arr: ObjArray): ResolvedSyncs | number {
  const ops = readObjArray(ctx, drm_panthor_sync_op, arr);
  if (typeof ops === 'number') return ops;
  const waits: DmaFence[] = [];
  const signals: SignalOp[] = [];
  for (const op of ops) {
    const type = op.flags & DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK;
    if ((op.flags & ~(DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK | DRM_PANTHOR_SYNC_OP_SIGNAL)) !== 0) return Errno.EINVAL;
    if (type !== DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ && type !== DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ) return Errno.EINVAL;
    const timeline = type === DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ;
    if (!timeline && op.timeline_value !== 0) return Errno.EINVAL;
    if (timeline && op.timeline_value === 0) return Errno.EINVAL;
    const syncobj = ctx.file.syncobjs.get(op.handle);
    if (!syncobj) return Errno.ENOENT;
    if ((op.flags >>> 0) & DRM_PANTHOR_SYNC_OP_SIGNAL) {
      signals.push({ syncobj, point: timeline ? op.timeline_value : 0 });
    } else {
      // As drm_syncobj_find_fence without WAIT_FOR_SUBMIT: nothing to wait on is an error.
      const fences = timeline ? syncobj.fencesFor(op.timeline_value) : [syncobj.fence()].filter((f): f is DmaFence => !!f);
      if (!fences || (!timeline && fences.length === 0)) return Errno.EINVAL;
      waits.push(...fences);
    }
  }
  return { waits, signals };
}

/** Attach a job's done-fence to every signal op (at submit, like drm_sched's finished fence). */
export function attachSignals(signals: readonly SignalOp[], fence: DmaFence): void {
  for (const s of signals) {
    if (s.point === 0) s.syncobj.replaceFence(fence);
    else s.syncobj.addPoint(s.point, fence);
  }
}
