/**
 * The lockstep scan (replayer/diff/lockstep-scan.ts) aligns two captures as their
 * own scans (side-scan.ts) and the hash join of those (align-streams.ts) do — the
 * same counts, first differences, frames, pairs, timing and BO names — or gives up.
 * Checked on a pair that stays in step (a hardware bug that changes data only), one
 * that does not (a fence signalled early), with limits (as bisect aligns), and on a
 * pair big enough for the row-feed workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventCount, joinScans, type Alignment } from '../../replayer/diff/align-streams';
import { SCAN_WINDOW_EVENTS } from '../../replayer/diff/capture-normaliser';
import { lockstepScan } from '../../replayer/diff/lockstep-scan';
import { scanSide, type SideScan } from '../../replayer/diff/side-scan';
import { recordBugPair } from '../support/bug-captures';
import { openOrThrow as open, tempDir } from '../support/capture-files';
import { recordApp } from '../../recorder/record-session';
import { appByName } from '../../engine/apps/catalogue';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** What an alignment says, as plain data (every pair, not just the kept ones). */
function plain(al: Alignment): unknown {
  const pairs = Array.from({ length: al.eventsB }, (_, i) => al.aOfB(i + 1));
  return {
    events: [al.eventsA, al.eventsB], matched: al.matched, total: al.ops.total, counts: [...al.ops.counts].sort(),
    first: al.ops.first(), frames: al.frames, lastPair: al.lastPair, pairs,
    timing: al.timing,
  };
}

/** Lockstep vs the join of own scans of `pa` and `pb` within the limits; undefined when the lockstep gave up. */
function compare(pa: string, pb: string, limitA = Infinity, limitB = Infinity): { differences: number; events: number } | undefined {
  const a = open(pa);
  const b = open(pb);
  try {
    const together = lockstepScan(a, b, Math.min(eventCount(a), limitA), Math.min(eventCount(b), limitB), undefined, SCAN_WINDOW_EVENTS);
    if (!together) return undefined;
    if (together === 'lost') throw new Error('a test capture names nothing that far back');
    if (!together.ok) throw new Error(together.error.message);
    const own = [scanSide(a, eventCount(a), limitA), scanSide(b, eventCount(b), limitB)];
    const [ownA, ownB] = own.map((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    }) as [SideScan, SideScan];
    const joined = joinScans(ownA, ownB)!;
    expect(plain(together.value)).toEqual(plain(joined));
    for (const [pid, handle] of ownA.boNames.map(([k]) => k.split(':').map(Number))) {
      expect(together.value.boNameA(pid!, handle!)).toBe(joined.boNameA(pid!, handle!));
    }
    for (const [pid, handle] of ownB.boNames.map(([k]) => k.split(':').map(Number))) {
      expect(together.value.boNameB(pid!, handle!)).toBe(joined.boNameB(pid!, handle!));
    }
    return { differences: joined.ops.total, events: ownA.events };
  } finally {
    a.close();
    b.close();
  }
}

describe('lockstep scan of two captures', () => {
  it('equals the own scans of a pair that stays in step, with and without limits', () => {
    const { clean, bad } = recordBugPair('dma-drop-partial-page', tmp.path('dma'));
    for (const [x, y] of [[clean, bad], [bad, clean]] as const) {
      for (const [la, lb] of [[Infinity, Infinity], [300, 250], [250, 300], [200, 200]] as const) {
        const r = compare(x, y, la, lb);
        expect(r).toBeDefined();
        // The bug's hw.job (and what it spoils) differ; most events do not.
        expect(r!.differences).toBeGreaterThan(0);
        expect(r!.differences).toBeLessThan(r!.events);
      }
    }
  });

  it('gives up where the captures stop sharing a state', () => {
    const { clean, bad } = recordBugPair('early-signal', tmp.path('early'));
    expect(compare(clean, bad)).toBeUndefined();
    expect(compare(bad, clean)).toBeUndefined();
  });

  it('equals the own scans with rows read by the row-feed workers', () => {
    const paths = (['clean', 'bad'] as const).map((name) => {
      const path = tmp.path(`big-${name}.tfcap`);
      const r = recordApp(appByName('stress')!, { size: 1200, threads: 1, seed: 5, inject: name === 'bad' ? ['dma-drop-partial-page'] : [] }, path, { engineVersion: 'test', overwrite: true });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.events).toBeGreaterThanOrEqual(50_000);
      return path;
    });
    const whole = compare(paths[0]!, paths[1]!);
    expect(whole).toBeDefined();
    expect(compare(paths[1]!, paths[0]!, 60_000, 52_000)).toBeDefined();
  });
});
