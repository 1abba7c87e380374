/**
 * The lockstep scan (replayer/diff/lockstep-scan.ts) gives each capture what its
 * own scan (side-scan.ts) gives — per seq the same role hash and kind, a real key
 * equal to the own scan's, an UNKEYED one only where both own scans' keys agree;
 * the same frames, timing and BO names — or gives up. Checked on a pair that stays
 * in step (a hardware bug that changes data only), one that does not (a fence
 * signalled early), with limits (as bisect aligns), and on a pair big enough for
 * the row-feed workers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { eventCount } from '../../replayer/diff/align-streams';
import { UNKEYED } from '../../replayer/diff/capture-normaliser';
import { lockstepScan } from '../../replayer/diff/lockstep-scan';
import { scanSide, type SideScan } from '../../replayer/diff/side-scan';
import { recordBugPair } from '../support/bug-captures';
import { tempDir } from '../support/capture-files';
import { recordApp } from '../../recorder/record-session';
import { appByName } from '../../engine/apps/catalogue';

const tmp = tempDir();
afterAll(() => tmp.remove());

function open(path: string): CaptureReader {
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Lockstep vs own scans of `pa` and `pb` within the limits; undefined when the lockstep gave up. */
function compare(pa: string, pb: string, limitA = Infinity, limitB = Infinity): { unkeyed: number; events: number } | undefined {
  const a = open(pa);
  const b = open(pb);
  try {
    const together = lockstepScan(a, b, Math.min(eventCount(a), limitA), Math.min(eventCount(b), limitB));
    if (!together) return undefined;
    if (!together.ok) throw new Error(together.error.message);
    const own = [scanSide(a, eventCount(a), limitA), scanSide(b, eventCount(b), limitB)];
    const [ownA, ownB] = own.map((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    }) as [SideScan, SideScan];
    let unkeyed = 0;
    for (const [l, r] of [[together.value.a, ownA], [together.value.b, ownB]] as const) {
      expect(l.events).toBe(r.events);
      expect({ frames: l.frames, timing: l.timing, boNames: l.boNames }).toEqual({ frames: r.frames, timing: r.timing, boNames: r.boNames });
      expect(Array.from(l.roles.subarray(0, r.events + 1))).toEqual(Array.from(r.roles.subarray(0, r.events + 1)));
      expect(Array.from(l.kinds.subarray(0, r.events + 1))).toEqual(Array.from(r.kinds.subarray(0, r.events + 1)));
      for (let s = 1; s <= r.events; s++) if (l.keys[s] !== UNKEYED) expect(l.keys[s]).toBe(r.keys[s]);
    }
    for (let s = 1; s <= Math.min(ownA.events, ownB.events); s++) {
      const x = together.value.a.keys[s] === UNKEYED;
      expect(together.value.b.keys[s] === UNKEYED).toBe(x);
      if (x) {
        unkeyed++;
        expect(ownA.keys[s]).toBe(ownB.keys[s]);
      }
    }
    return { unkeyed, events: ownA.events };
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
        // Most seqs are shared rows; the bug's hw.job (and what it spoils) are keyed.
        expect(r!.unkeyed).toBeGreaterThan(0);
        expect(r!.unkeyed).toBeLessThan(r!.events);
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
