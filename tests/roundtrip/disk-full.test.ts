/**
 * The disk filling up mid-recording (the writer's size cap, SQLite's max_page_count,
 * fails a batch exactly as ENOSPC does: SQLITE_FULL) ends the recording with a clear
 * error and a consistent file: it opens, says 'aborted' with the reason, and holds a
 * prefix of what an uncapped recording of the same run holds, nothing half-written.
 */
import { afterAll, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { openCapture } from '../../recorder/capture/reader';
import { recordApp } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

function rows(path: string): { state: string; error: string | null; rows: unknown[][] } {
  const o = openCapture(path);
  if (!o.ok) throw new Error(o.error.message);
  try {
    const q = o.value.query('SELECT seq, ts_ns, kind, object, cause_seq, args FROM events ORDER BY seq');
    if (!q.ok) throw new Error(q.error.message);
    const m = o.value.meta();
    return { state: m.state, error: m.error, rows: q.value.rows as unknown[][] };
  } finally {
    o.value.close();
  }
}

it('a full disk ends the recording aborted, with the reason and every batch before it', () => {
  const full = recordApp(appByName('stress')!, { seed: 5 }, tmp.path('full.tfcap'), { engineVersion: 'test', writer: { batchRows: 256, maxSizeBytes: 1 << 20 } });
  expect(full.ok).toBe(false);
  if (full.ok) return;
  expect(full.error.message).toMatch(/disk is full/);
  const whole = recordApp(appByName('stress')!, { seed: 5 }, tmp.path('whole.tfcap'), { engineVersion: 'test', writer: { batchRows: 256 } });
  if (!whole.ok) throw new Error(whole.error.message);

  const cut = rows(tmp.path('full.tfcap'));
  const all = rows(tmp.path('whole.tfcap'));
  expect(cut.state).toBe('aborted');
  expect(cut.error).toMatch(/writing events up to seq \d+ failed: database or disk is full/);
  expect(cut.rows.length).toBeGreaterThan(0);
  expect(cut.rows.length).toBeLessThan(all.rows.length);
  expect(cut.rows).toEqual(all.rows.slice(0, cut.rows.length));
}, 120_000);
