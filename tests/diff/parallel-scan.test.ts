/**
 * The worker-thread scan (replayer/diff/parallel-scan.ts) gives exactly what the
 * in-thread scan gives, and a diff big enough to use it (≥ 50k events) still finds
 * two recordings of the same run identical.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../recorder/capture/reader';
import { eventCount } from '../../replayer/diff/align-streams';
import { diffCaptures } from '../../replayer/diff/diff-captures';
import { startScan } from '../../replayer/diff/parallel-scan';
import { scanSide } from '../../replayer/diff/side-scan';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('scanning in a worker thread', () => {
  it('equals the in-thread scan, and a large diff is identical', () => {
    const a = recordSmall('stress', tmp.path('a.tfcap'), { size: 1200, threads: 1, seed: 5 });
    const b = recordSmall('stress', tmp.path('b.tfcap'), { size: 1200, threads: 1, seed: 5 });
    const reader = openCapture(a);
    if (!reader.ok) throw new Error(reader.error.message);
    const count = eventCount(reader.value);
    expect(count).toBeGreaterThanOrEqual(50_000);
    const here = scanSide(reader.value, count, Infinity);
    reader.value.close();
    const pending = startScan(a, Infinity);
    expect(pending).toBeDefined();
    const there = pending!.wait();
    expect(there?.ok).toBe(true);
    if (!here.ok || !there?.ok) return;
    expect(there.value.events).toBe(count);
    expect(Buffer.from(there.value.roles.buffer).equals(Buffer.from(here.value.roles.buffer))).toBe(true);
    expect(Buffer.from(there.value.keys.buffer).equals(Buffer.from(here.value.keys.buffer))).toBe(true);
    expect(there.value.boNames).toEqual(here.value.boNames);
    expect(there.value.timing).toEqual(here.value.timing);

    const d = diffCaptures(a, b);
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value).toMatchObject({ identical: true, matched: count, summary: [] });
  }, 120_000);
});
