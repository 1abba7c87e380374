/**
 * A timeline syncobj collapses its signalled points (syncobj.ts): what QUERY, waits,
 * job dependencies and errors see is unchanged, and the point list stays bounded
 * however far the timeline counts.
 */
import { describe, expect, it } from 'vitest';
import { nullSink } from '../trace/sink';
import { DmaFence, SignalRanks } from './fence';
import { KEPT_SIGNALLED_POINTS, Syncobj } from './syncobj';

function timeline(): { s: Syncobj; fence: (point: number) => DmaFence } {
  const ranks = new SignalRanks();
  const s = new Syncobj(1, new Set());
  return { s, fence: (point) => new DmaFence(ranks, 'q0', point, point) };
}

describe('timeline syncobj point collapse', () => {
  it('keeps a bounded list over 10,000 in-order points, and every answer for them', () => {
    const { s, fence } = timeline();
    const pending: DmaFence[] = [];
    for (let p = 1; p <= 10_000; p++) {
      const f = fence(p);
      s.addPoint(p, f);
      pending.push(f);
      // Eight in flight, as the stress app's ring: the oldest completes.
      if (pending.length > 8) pending.shift()!.signal(p, nullSink);
    }
    expect(s.entries().length).toBeLessThanOrEqual(2 * KEPT_SIGNALLED_POINTS + 8);
    expect(s.signalledPoint()).toBe(10_000 - 8);
    expect(s.lastSubmittedPoint()).toBe(10_000);
    expect(s.isSignalled(1)).toBe(true);
    expect(s.isSignalled(10_000 - 8)).toBe(true);
    expect(s.isSignalled(10_000 - 7)).toBe(false);
    expect(s.fencesFor(1)!.every((f) => f.isSignalled)).toBe(true);
    expect(s.fencesFor(10_000)!.filter((f) => !f.isSignalled).map((f) => f.seqno)).toEqual([9993, 9994, 9995, 9996, 9997, 9998, 9999, 10_000]);
    // A recently signalled point is still answered by its own fence.
    expect(s.fencesFor(10_000 - 20)!.at(-1)!.seqno).toBe(10_000 - 20);
  });

  it('keeps a failed point, so later dependents still see its error', () => {
    const { s, fence } = timeline();
    for (let p = 1; p <= 1000; p++) {
      const f = fence(p);
      s.addPoint(p, f);
      f.signal(p, nullSink, p === 3 ? 5 : 0);
    }
    expect(s.entries().length).toBeLessThanOrEqual(2 * KEPT_SIGNALLED_POINTS + 1);
    expect(s.entries().some((e) => e.point === 3)).toBe(true);
    expect(s.errorFor(1000)).toBe(5);
    expect(s.signalledPoint()).toBe(1000);
  });

  it('never drops a signalled point above a pending one (out-of-order completion)', () => {
    const { s, fence } = timeline();
    const first = fence(1);
    s.addPoint(1, first);
    for (let p = 2; p <= 1000; p++) {
      const f = fence(p);
      s.addPoint(p, f);
      f.signal(p, nullSink);
    }
    expect(s.entries().length).toBe(1000);
    expect(s.signalledPoint()).toBe(0);
    first.signal(1001, nullSink);
    expect(s.signalledPoint()).toBe(1000);
    s.addPoint(1001, fence(1001));
    expect(s.entries().length).toBe(KEPT_SIGNALLED_POINTS + 1);
    expect(s.signalledPoint()).toBe(1000);
  });
});
