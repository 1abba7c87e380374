/**
 * DRM sync objects: a container for a fence (binary) or a chain of fences at
 * increasing 64-bit points (timeline), as drm_syncobj and dma_fence_chain behave.
 *
 * Timeline rules (as in Linux): point P is signalled once every fence attached at a
 * point ≤ P has signalled; waiting on P waits for the first attached point ≥ P and
 * everything below it. The "payload" QUERY returns is the highest point at or below
 * which everything has signalled (see `signalledPoint`).
 * A binary syncobj is the timeline with only point 0 and replace semantics.
 *
 * Rejected: storing only the latest fence for timelines — it cannot answer waits on
 * earlier points whose fences are still pending, which is exactly the out-of-order
 * signalling bug users need to see (injectable as 'timeline-out-of-order', see
 * `signalledPoint`). CPU waits and QUERY go through `signalledPoint`; a job's
 * dependencies are the fences of `fencesFor`.
 *
 * Signalled points are collapsed as dma_fence_chain garbage-collects its signalled
 * links: once a run of points below the lowest pending one has all signalled, only
 * the highest KEPT_SIGNALLED_POINTS of them stay (plus any that failed, whose error
 * dependents must still see). Without it a timeline counting to 230,000 (a 10M-event
 * stress run) kept every point: each wait sorted them all and each checkpoint
 * snapshot carried them all — recording grew quadratic in time and linear in memory.
 * Kept, rather than one: a wait on a recently signalled point still names the fence
 * that signalled it (`kmd.wait_end.endedBy`); a wait on an older point is reported as
 * ended by the oldest kept one — both signalled before the wait began.
 *
 * Snapshots carry the point list with each fence's data inline. A fence attached to
 * two syncobjs becomes two equal fences on restore: signalled fences are immutable
 * and nothing compares them by identity, so that changes no behaviour. `waiters` are
 * not carried: they exist only while an ioctl is blocked in the
 * syncobj, and snapshots are taken between ioctls.
 */
import { assert } from '../base/assert';
import { DmaFence, type FenceState, type SignalRanks } from './fence';

/** A syncobj as data: its points, each with its (signalled) fence. */
export interface SyncobjState {
  readonly id: number;
  readonly points: ReadonlyArray<{ readonly point: number; readonly fence: FenceState }>;
}

/** Signalled points kept below the lowest pending one (see the header). */
export const KEPT_SIGNALLED_POINTS = 64;

interface Point {
  readonly point: number;
  readonly fence: DmaFence;
}

export class Syncobj {
  /** Binary: at most one entry at point 0. Timeline: ascending attach order. */
  private points: Point[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    readonly id: number,
    /** Injected KMD bugs (KmdConfig.bugs). */
    private readonly bugs: ReadonlySet<string>,
  ) {}

  /** Binary semantics: replace the fence (undefined = reset). */
  replaceFence(fence: DmaFence | undefined): void {
    this.points = fence ? [{ point: 0, fence }] : [];
    this.notify();
  }

  /** Binary fence, if any. */
  fence(): DmaFence | undefined {
    return this.points[this.points.length - 1]?.fence;
  }

  /** Timeline: attach a fence at `point`. */
  addPoint(point: number, fence: DmaFence): void {
    this.points.push({ point, fence });
    this.collapseSignalled();
    this.notify();
  }

  /** Drops all but the highest KEPT_SIGNALLED_POINTS of the fully signalled points (and keeps failed ones). */
  private collapseSignalled(): void {
    if (this.points.length <= 2 * KEPT_SIGNALLED_POINTS) return;
    const lowestPending = this.points.reduce((m, p) => (p.fence.isSignalled ? m : Math.min(m, p.point)), Infinity);
    const settled = this.points.filter((p) => p.point < lowestPending).map((p) => p.point).sort((a, b) => a - b);
    if (settled.length <= KEPT_SIGNALLED_POINTS) return;
    const keepFrom = settled[settled.length - KEPT_SIGNALLED_POINTS]!;
    this.points = this.points.filter((p) => p.point >= keepFrom || p.fence.error !== 0);
  }

  lastSubmittedPoint(): number {
    return this.points.reduce((m, p) => Math.max(m, p.point), 0);
  }

  /**
   * The payload: the highest attached point such that every fence at or below it has
   * signalled. Points need not complete in order (two queues, or a later point on a
   * faster engine), so it stops below the lowest point still pending.
   *
   * Example: points 1 (pending) and 2 (signalled) → 0; then 1 signals → 2.
   */
  signalledPoint(): number {
    // Bug 'timeline-out-of-order': the payload is the highest point whose own fence has
    // signalled, as if points always completed in order; a later point that completes
    // first makes every earlier one read as signalled, and their waiters wake early.
    if (this.bugs.has('timeline-out-of-order')) return this.points.reduce((m, p) => (p.fence.isSignalled ? Math.max(m, p.point) : m), 0);
    const lowestPending = this.points.reduce((m, p) => (p.fence.isSignalled ? m : Math.min(m, p.point)), Infinity);
    return this.points.reduce((m, p) => (p.point < lowestPending ? Math.max(m, p.point) : m), 0);
  }

  /**
   * The fences to wait on for `point`: every attached fence at a point ≤ the first
   * attached point ≥ `point`. Undefined when no such point has been submitted yet.
   */
  fencesFor(point: number): DmaFence[] | undefined {
    const sorted = [...this.points].sort((a, b) => a.point - b.point);
    const target = sorted.find((p) => p.point >= point);
    if (!target) {
      // Already signalled past `point` with nothing pending: satisfied.
      return point <= this.signalledPoint() && sorted.length > 0 ? [] : undefined;
    }
    return sorted.filter((p) => p.point <= target.point).map((p) => p.fence);
  }

  /** True once `point` (0 = binary) is signalled; undefined if nothing was submitted for it. */
  isSignalled(point: number): boolean | undefined {
    if (point === 0) {
      const f = this.fence();
      return f ? f.isSignalled : undefined;
    }
    // Point P is signalled once the payload has reached it (same as every fence up to
    // the first attached point ≥ P having signalled).
    return this.fencesFor(point) ? this.signalledPoint() >= point : undefined;
  }

  /** Error of the fences covering `point` (first non-zero), for job dependency failure. */
  errorFor(point: number): number {
    const fences = point === 0 ? [this.fence()].filter((f): f is DmaFence => !!f) : (this.fencesFor(point) ?? []);
    return fences.find((f) => f.error !== 0)?.error ?? 0;
  }

  /** Called whenever a fence is attached (WAIT_FOR_SUBMIT waiters re-check). */
  onChange(cb: () => void): void {
    this.waiters.push(cb);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const cb of w) cb();
  }

  snapshot(): SyncobjState {
    assert(this.waiters.length === 0, `syncobj ${this.id}: snapshot while a waiter is registered`);
    return {
      id: this.id,
      points: this.points.map((p) => {
        const fence = p.fence.snapshot();
        assert(fence, `syncobj ${this.id}: snapshot with fence ${p.fence.context}:${p.fence.seqno} pending`);
        return { point: p.point, fence };
      }),
    };
  }

  static restore(s: SyncobjState, bugs: ReadonlySet<string>, ranks: SignalRanks): Syncobj {
    const obj = new Syncobj(s.id, bugs);
    obj.points = s.points.map((p) => ({ point: p.point, fence: DmaFence.restore(ranks, p.fence) }));
    return obj;
  }

  /** A snapshot of the fence list for TRANSFER and export. */
  entries(): readonly Point[] {
    return this.points;
  }
}
