/**
 * A recorder killed with SIGKILL in the middle of its riskiest writes — a batch's blob
 * rows half inserted, a checkpoint's snapshot pages half inserted — leaves a capture
 * that opens as incomplete and holds exactly a prefix of the complete recording (rows,
 * causes and checkpoints identical to a run that was not killed, every blob a row
 * refers to present). `tracefold repair` then marks it aborted and it replays to its
 * last event without a divergence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { repairCapture } from '../../recorder/capture/repair';
import { recordApp } from '../../recorder/record-session';
import { replayCapture } from '../../replayer/replay';
import { tempDir } from '../support/capture-files';
import { spawnFixture } from '../support/fixture-child';

const tmp = tempDir();
afterAll(() => tmp.remove());

function killAt(mode: 'blobs' | 'checkpoint', path: string): Promise<{ lastReported: number; signal: string | null; paused: boolean }> {
  return new Promise((resolve, reject) => {
    let lastReported = 0;
    let paused = false;
    const child = spawnFixture('record-kill-child.ts', [mode, path], (line) => {
      const m = /^committed (\d+)$/.exec(line);
      if (m) lastReported = Number(m[1]);
      if (line === 'paused') {
        paused = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal ? resolve({ lastReported, signal, paused }) : reject(new Error(`child exited ${code} without being killed: ${child.stderrText()}`))));
  });
}

function rows(r: CaptureReader): unknown[][] {
  const q = r.query('SELECT seq, ts_ns, kind, object, cause_seq, args FROM events ORDER BY seq');
  if (!q.ok) throw new Error(q.error.message);
  return q.value.rows as unknown[][];
}

let reference: CaptureReader;
let referenceRows: unknown[][];
let referenceCheckpoints: unknown[][];

beforeAll(() => {
  const path = tmp.path('reference.tfcap');
  const r = recordApp(appByName('stress')!, { seed: 7 }, path, { engineVersion: 'test', checkpointEveryEvents: 400, writer: { batchRows: 50 } });
  if (!r.ok) throw new Error(r.error.message);
  const o = openCapture(path);
  if (!o.ok) throw new Error(o.error.message);
  reference = o.value;
  referenceRows = rows(reference);
  const cps = reference.query('SELECT seq, state_hash FROM checkpoints ORDER BY seq');
  referenceCheckpoints = cps.ok ? cps.value.rows as unknown[][] : [];
}, 120_000);

afterAll(() => reference?.close());

describe.each(['blobs', 'checkpoint'] as const)('recorder killed during %s writes', (mode) => {
  const path = tmp.path(`killed-${mode}.tfcap`);
  let killed: { lastReported: number; signal: string | null; paused: boolean };

  beforeAll(async () => {
    killed = await killAt(mode, path);
  }, 120_000);

  it('leaves a capture that opens as incomplete and is a prefix of the complete recording', () => {
    expect(killed).toMatchObject({ signal: 'SIGKILL', paused: true });
    const o = openCapture(path);
    if (!o.ok) throw new Error(o.error.message);
    const r = o.value;
    try {
      expect(r.meta().state).toBe('recording');
      const got = rows(r);
      expect(got.length).toBeGreaterThanOrEqual(killed.lastReported);
      expect(got.length).toBeLessThan(referenceRows.length);
      expect(got).toEqual(referenceRows.slice(0, got.length));
      const missing = r.query('SELECT count(*) FROM event_blobs WHERE blob_id NOT IN (SELECT id FROM blobs)');
      expect(missing.ok && missing.value.rows[0]![0]).toBe(0);
      const cps = r.query('SELECT seq, state_hash FROM checkpoints ORDER BY seq');
      if (!cps.ok) throw new Error(cps.error.message);
      // Exactly the complete recording's checkpoints at or before the last committed event;
      // the one being written when the kill came (the 3rd, in 'checkpoint' mode) is absent.
      expect(cps.value.rows).toEqual(referenceCheckpoints.filter((c) => Number(c[0]) <= got.length));
      expect(cps.value.rows.length).toBeGreaterThan(0);
      if (mode === 'checkpoint') expect(cps.value.rows.length).toBe(2);
    } finally {
      r.close();
    }
  });

  it('is marked aborted by repair and replays to its last event without divergence', () => {
    const before = openCapture(path);
    if (!before.ok) throw new Error(before.error.message);
    const events = rows(before.value).length;
    before.value.close();
    const fixed = repairCapture(path);
    if (!fixed.ok) throw new Error(fixed.error.message);
    expect(fixed.value).toMatchObject({ action: 'marked-aborted', before: 'recording', events, droppedCheckpoints: 0 });
    expect(repairCapture(path)).toMatchObject({ ok: true, value: { action: 'none', before: 'aborted', events } });
    const o = openCapture(path);
    if (!o.ok) throw new Error(o.error.message);
    try {
      const m = o.value.meta();
      expect(m).toMatchObject({ state: 'aborted', eventCount: events });
      expect(m.error).toContain(`after event ${events}`);
      const replay = replayCapture(o.value);
      if (!replay.ok) throw new Error(replay.error.message);
      expect(replay.value.diverged).toBe(false);
      expect(replay.value.compared).toBeGreaterThan(0);
    } finally {
      o.value.close();
    }
  }, 120_000);
});
