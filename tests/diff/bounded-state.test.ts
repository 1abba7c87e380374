/**
 * What keeps a diff's memory flat in capture length: the normaliser's state kept
 * for recent events only (replayer/diff/recent-map.ts) — with every role and key
 * what a full state gives, and a too-short window noticed rather than wrong — and
 * differences kept as counts plus the first KEPT_OPS (op-log.ts), job timings
 * matched as they come with only the top ones kept (job-timing-join.ts). Sizes are
 * counted in entries, never timed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureReader } from '../../recorder/capture/reader';
import { eventCount, scanCapture } from '../../replayer/diff/align-streams';
import { CaptureNormaliser } from '../../replayer/diff/capture-normaliser';
import { hash53 } from '../../replayer/diff/hash53';
import { lockstepScan } from '../../replayer/diff/lockstep-scan';
import { KEPT_OPS, OpLog, type AlignOp } from '../../replayer/diff/op-log';
import { RecentMap } from '../../replayer/diff/recent-map';
import { scanSide } from '../../replayer/diff/side-scan';
import { JobTimingJoin } from '../../replayer/diff/job-timing-join';
import { TimingCollector, compareTiming, type JobTiming } from '../../replayer/diff/timing-tracks';
import { recordBugPair } from '../support/bug-captures';
import { openOrThrow as open, tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Per seq hash53(role) and key, and the most entries the state held, scanning with `windowEvents`. */
function scan(reader: CaptureReader, windowEvents: number): { roles: number[]; keys: number[]; maxRetained: number; lost: boolean } {
  const n = new CaptureNormaliser({ keysOnly: true, windowEvents });
  const roles: number[] = [];
  const keys: number[] = [];
  let maxRetained = 0;
  const r = scanCapture(reader, n, (seq, _e, v) => {
    roles.push(hash53(v.role));
    keys.push(v.key);
    if (seq % 64 === 0) maxRetained = Math.max(maxRetained, n.retainedEntries);
  });
  if (!r.ok) throw new Error(r.error.message);
  return { roles, keys, maxRetained: Math.max(maxRetained, n.retainedEntries), lost: n.lost };
}

describe('bounded diff state', () => {
  it('a windowed normaliser gives every event the role and key of a full one, holding entries for the window only', () => {
    const path = recordSmall('stress', tmp.path('stress.tfcap'), { size: 400, threads: 1, seed: 3 });
    const reader = open(path);
    try {
      const events = eventCount(reader);
      expect(events).toBeGreaterThan(16_000);
      const full = scan(reader, Infinity);
      const windowed = scan(reader, 1024);
      expect(windowed.lost).toBe(false);
      expect(windowed.roles).toEqual(full.roles);
      expect(windowed.keys).toEqual(full.keys);
      // A full state grows with the capture (~1 entry per event); a window of 1024
      // events keeps at most two generations' worth, whatever the length.
      expect(full.maxRetained).toBeGreaterThan(events / 2);
      expect(windowed.maxRetained).toBeLessThan(4 * 1024);
    } finally {
      reader.close();
    }
  }, 60_000);

  it('a window shorter than what events name is noticed, never silently wrong', () => {
    const reader = open(recordSmall('stress', tmp.path('short.tfcap'), { size: 40, threads: 1, seed: 3 }));
    try {
      // Wait ends name fences signalled ~300 events earlier.
      expect(scan(reader, 16).lost).toBe(true);
      // A scan on its own then starts again keeping everything: the same numbers.
      expect(scanSide(reader, eventCount(reader), Infinity, undefined, 16)).toEqual(scanSide(reader, eventCount(reader), Infinity, undefined, Infinity));
    } finally {
      reader.close();
    }
    const { clean, bad } = recordBugPair('dma-drop-partial-page', tmp.path('dma'));
    const a = open(clean);
    const b = open(bad);
    try {
      expect(lockstepScan(a, b, eventCount(a), eventCount(b), undefined, 16)).toBe('lost');
      const whole = lockstepScan(a, b, eventCount(a), eventCount(b));
      expect(whole !== 'lost' && whole?.ok).toBe(true);
    } finally {
      a.close();
      b.close();
    }
  }, 60_000);

  it('a recent map forgets what was set two generations back, and says a miss may be one', () => {
    const m = new RecentMap<number, string>(4);
    m.advance(1);
    m.set(10, 'a');
    m.advance(5);
    expect(m.get(10)).toBe('a');
    expect(m.mayHaveForgotten(11)).toBe(false);
    m.advance(9);
    expect(m.get(10)).toBeUndefined();
    expect(m.mayHaveForgotten(10)).toBe(true);
    expect(m.mayHaveForgotten(11)).toBe(false);
    expect(m.horizon).toBe(4);
  });

  it('an op log keeps the first KEPT_OPS differences by position, whatever the order they come in, and counts all', () => {
    const ops: AlignOp[] = [];
    for (let s = 1; s <= 5000; s++) {
      ops.push({ op: 'changed', seqA: s, seqB: s, kind: 'hw.job', pos: s - 0.5 });
      if (s % 7 === 0) ops.push({ op: 'inserted', seqA: null, seqB: 5000 + s, kind: 'mem.write', pos: s + 0.5 });
      if (s % 11 === 0) ops.push({ op: 'deleted', seqA: 5000 + s, seqB: null, kind: 'kmd.ioctl', pos: s });
    }
    const sorted = [...ops].sort((x, y) => x.pos - y.pos || (x.seqB ?? 0) - (y.seqB ?? 0));
    let seed = 7;
    const shuffled = [...ops];
    for (let i = shuffled.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    for (const order of [sorted, shuffled, [...sorted].reverse()]) {
      const log = new OpLog();
      let held = 0;
      for (const o of order) {
        log.add(o);
        held = Math.max(held, log.held);
      }
      expect(held).toBeLessThanOrEqual(2 * KEPT_OPS);
      expect(log.first()).toEqual(sorted.slice(0, KEPT_OPS));
      expect(log.total).toBe(ops.length);
      expect(Object.fromEntries(log.counts)).toEqual({
        'hw.job': { inserted: 0, deleted: 0, changed: 5000 },
        'mem.write': { inserted: Math.floor(5000 / 7), deleted: 0, changed: 0 },
        'kmd.ioctl': { inserted: 0, deleted: Math.floor(5000 / 11), changed: 0 },
      });
    }
  });

  it('job timings matched as they come keep the jobs every duration sorted would (ties in first-seen order)', () => {
    // A and B finish the same jobs in the same order (as in lockstep), with a few
    // only one side has; durations collide often so ties decide the order.
    const a: [string, number][] = [];
    const b: [string, number][] = [];
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 3000; i++) {
      const job = `p0.t0/call#${i}/enter#0/job#0`;
      const skip = rand(50);
      if (skip !== 0) a.push([job, 100 + rand(8)]);
      if (skip !== 1) b.push([job, 100 + rand(8)]);
    }
    // The reference: every duration kept, sorted as compareTiming did before.
    const byA = new Map(a);
    const byB = new Map(b);
    const all = [...new Set([...byA.keys(), ...byB.keys()])].flatMap((job): JobTiming[] => {
      const x = byA.get(job);
      const y = byB.get(job);
      return x !== undefined && y !== undefined && x === y ? [] : [{ job, track: 'q', durNsA: x ?? null, durNsB: y ?? null }];
    });
    const delta = (j: JobTiming): number => Math.abs((j.durNsA ?? 0) - (j.durNsB ?? 0));
    const want = all.sort((p, q) => delta(q) - delta(p)).slice(0, 20);

    const streamed = new JobTimingJoin(20);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]) streamed.add('a', a[i]![0], 'q', a[i]![1]);
      if (b[i]) streamed.add('b', b[i]![0], 'q', b[i]![1]);
    }
    streamed.end('a');
    streamed.end('b');
    expect(streamed.jobs((k) => k)).toEqual(want);

    const ca = new TimingCollector();
    const cb = new TimingCollector();
    for (const [job, durNs] of a) ca.jobs.set(job, { track: 'q', durNs });
    for (const [job, durNs] of b) cb.jobs.set(job, { track: 'q', durNs });
    expect(compareTiming(ca, cb).jobs).toEqual(want);
  });
});
