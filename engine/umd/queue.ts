/**
 * VkQueue: one panthor scheduling group with one queue. A submit becomes one job
 * per command buffer (GROUP_SUBMIT, all in one ioctl): the first job waits on the
 * wait semaphores, the last signals the signal semaphores, the fence and the queue's
 * own progress timeline (which vkQueueWaitIdle waits on). Jobs of one queue run in
 * order, so the last job's completion covers the whole submit. An empty submit is a
 * sync-only job.
 */
import type { DeviceCore } from './device';
import * as U from '../kmd/uapi';

export interface SyncPoint {
  readonly handle: number;
  /** 0 for binary syncobjs. */
  readonly point: number;
}

export interface StreamRef {
  readonly va: number;
  readonly sizeBytes: number;
}

export class Queue {
  /** Last point submitted on the progress timeline. */
  lastPoint = 0;

  constructor(
    readonly device: DeviceCore,
    readonly family: number,
    readonly index: number,
    readonly group: number,
    readonly progress: number,
  ) {}

  submit(streams: readonly StreamRef[], waits: readonly SyncPoint[], signals: readonly SyncPoint[]): number {
    const drm = this.device.drm;
    const point = this.lastPoint + 1;
    const allSignals = [...signals, { handle: this.progress, point }];
    const jobs = streams.length ? streams : [{ va: 0, sizeBytes: 0 }];
    const op = (s: SyncPoint, signal: boolean) => ({
      flags: (s.point ? U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ : U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ) | (signal ? U.DRM_PANTHOR_SYNC_OP_SIGNAL : U.DRM_PANTHOR_SYNC_OP_WAIT),
      handle: s.handle, timeline_value: s.point,
    });
    const submits = jobs.map((j, i) => {
      const syncs = [...(i === 0 ? waits.map((w) => op(w, false)) : []), ...(i === jobs.length - 1 ? allSignals.map((s) => op(s, true)) : [])];
      return { queue_index: 0, stream_size: j.sizeBytes, stream_addr: j.va, latest_flush: 0, syncs: drm.array(U.drm_panthor_sync_op, syncs) };
    });
    this.device.tracker.beforeSubmit();
    const r = drm.call(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: this.group, queue_submits: drm.array(U.drm_panthor_queue_submit, submits) });
    if (!r.errno) this.lastPoint = point;
    return r.errno;
  }

  /** DRM_PANTHOR_GROUP_STATE_* of the queue's group (non-zero: the queue is lost). */
  state(): number {
    return this.device.drm.call(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, { group_handle: this.group }).out.state;
  }
}
