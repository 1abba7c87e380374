/**
 * A faulting GPU workload — the catalogue's fault bug, bind-one-page-short, in triangle —
 * is recorded and replayed like any other run: the capture finishes, replays at both
 * levels without a divergence, and its timeline (the Perfetto-shaped tables the export
 * and the UI share) shows the fault and the group turning fatal on the faults track.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { recordApp } from '../../recorder/record-session';
import { ensurePerfettoTables } from '../../recorder/timeline/perfetto-tables';
import { replayCapture } from '../../replayer/replay';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
let reader: CaptureReader;

beforeAll(() => {
  const path = tmp.path('fault.tfcap');
  const r = recordApp(appByName('triangle')!, { frames: 2, seed: 4, inject: ['bind-one-page-short'] }, path, { engineVersion: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  const o = openCapture(path);
  if (!o.ok) throw new Error(o.error.message);
  reader = o.value;
}, 60_000);

afterAll(() => {
  reader?.close();
  tmp.remove();
});

it('records the fault as events and shows it on the faults track', () => {
  expect(['complete', 'aborted']).toContain(reader.meta().state);
  const faults = reader.query(`SELECT count(*) FROM events WHERE kind = 'hw.fault'`);
  expect(faults.ok && Number(faults.value.rows[0]![0])).toBeGreaterThan(0);
  expect(ensurePerfettoTables(reader).ok).toBe(true);
  const q = reader.query(`SELECT s.name FROM slice s JOIN track t ON s.track_id = t.id WHERE t.name = 'Faults & resets' ORDER BY s.ts`);
  if (!q.ok) throw new Error(q.error.message);
  const names = q.value.rows.map((r) => String(r[0]));
  expect(names.some((n) => /^fault TRANSLATION/.test(n))).toBe(true);
  expect(names.some((n) => /^group \S+ state/.test(n))).toBe(true);
});

it.each(['ioctl', 'api'] as const)('replays at %s level without a divergence', (level) => {
  const r = replayCapture(reader, { level });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.diverged).toBe(false);
  expect(r.value.compared).toBeGreaterThan(0);
}, 60_000);
