/**
 * Checkpoints in real recordings: the sample apps recorded with a short cadence hold
 * a checkpoint at the start, one at the first quiescent point after every N events
 * and one at the end; each row's snapshot restores to a stack whose state hash is
 * the row's; the same seed gives the same rows and blobs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { restoreStack, stateHash, type ModelSnapshot } from '../../engine/snapshot';
import { decodeSnapshot } from '../../engine/snapshot-codec';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { recordApp, type RecordOptions } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Quiescent points come at most this many events apart in the sample apps (engine/snapshot.ts). */
const MAX_WAIT_EVENTS = 600;

function record(app: string, file: string, run: RecordOptions, everyEvents: number) {
  const r = recordApp(appByName(app)!, run, tmp.path(file), { engineVersion: 'test', checkpointEveryEvents: everyEvents, writer: { batchRows: 128 } });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.state).toBe('complete');
  const reader = openCapture(r.value.path);
  if (!reader.ok) throw new Error(reader.error.message);
  return { summary: r.value, reader: reader.value };
}

function rows(reader: CaptureReader): Array<{ seq: number; state_hash: string; snapshot_blob: number }> {
  const q = reader.query('SELECT seq, state_hash, snapshot_blob FROM checkpoints ORDER BY seq');
  if (!q.ok) throw new Error(q.error.message);
  return (q.value.rows as Array<[number, string, number]>).map(([seq, state_hash, snapshot_blob]) => ({ seq, state_hash, snapshot_blob }));
}

const CASES: ReadonlyArray<[string, RecordOptions, number]> = [
  ['vkcube', { frames: 4, seed: 2 }, 256],
  ['multiqueue', { seed: 2 }, 256],
  ['sharing', { seed: 2 }, 256],
  ['stress', { seed: 2, size: 200, threads: 2 }, 1024],
];

describe.each(CASES)('%s recorded with checkpoints', (app, run, every) => {
  const { summary, reader } = record(app, `${app}.tfcap`, run, every);
  const found = rows(reader);

  it('has one at the start, one per N events at the next quiescent point, and one at the end', () => {
    expect(found.length).toBe(summary.checkpoints);
    expect(found.length).toBeGreaterThanOrEqual(Math.floor(summary.events / (every + MAX_WAIT_EVENTS)) + 1);
    expect(found[0]!.seq).toBeLessThan(20); // the probe's MMIO, before the app's first call
    expect(found.at(-1)!.seq).toBe(summary.events);
    for (let i = 1; i < found.length - 1; i++) {
      const gap = found[i]!.seq - found[i - 1]!.seq;
      expect(gap).toBeGreaterThanOrEqual(every);
      expect(gap).toBeLessThan(every + MAX_WAIT_EVENTS);
    }
  });

  it('stores snapshots that restore to their state hash', () => {
    for (const row of [found[0]!, found[found.length >> 1]!, found.at(-1)!]) {
      const manifest = reader.blob(row.snapshot_blob)!;
      const snap = decodeSnapshot<ModelSnapshot>(manifest, (h) => reader.blobByHash(h));
      if (!snap.ok) throw new Error(snap.error);
      const stack = restoreStack(snap.value);
      if (!stack.ok) throw new Error(stack.error);
      const hash = stateHash(stack.value);
      expect(hash).toEqual({ ok: true, value: row.state_hash });
    }
    // Consecutive checkpoints share parts: fewer distinct parts than references to them.
    const refs = found.flatMap((row) => new TextDecoder().decode(reader.blob(row.snapshot_blob)!).match(/[0-9a-f]{32}/g) ?? []);
    expect(new Set(refs).size).toBeLessThan(refs.length);
  });
});

describe('checkpoint determinism', () => {
  it('two recordings with the same seed hold the same checkpoint rows and blobs', () => {
    const a = record('sharing', 'det-a.tfcap', { seed: 5 }, 128).reader;
    const b = record('sharing', 'det-b.tfcap', { seed: 5 }, 128).reader;
    const c = record('sharing', 'det-c.tfcap', { seed: 6 }, 128).reader;
    expect(rows(a).length).toBeGreaterThan(2);
    expect(rows(b)).toEqual(rows(a));
    const blobs = (r: CaptureReader) => {
      const q = r.query('SELECT id, hash, size_bytes FROM blobs ORDER BY id');
      if (!q.ok) throw new Error(q.error.message);
      return q.value.rows;
    };
    expect(blobs(b)).toEqual(blobs(a));
    expect(rows(c).map((r) => r.state_hash)).not.toEqual(rows(a).map((r) => r.state_hash));
  });

  it('checkpointEveryEvents 0 writes none', () => {
    const { summary, reader } = record('triangle', 'none.tfcap', { seed: 1 }, 0);
    expect(summary.checkpoints).toBe(0);
    expect(rows(reader)).toEqual([]);
  });
});
