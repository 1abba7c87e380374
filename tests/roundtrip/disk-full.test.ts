/**
 * The disk filling up, or the file turning read-only, mid-recording.
 *
 * The disk filling up mid-recording (the writer's size cap, SQLite's max_page_count,
 * fails a batch exactly as ENOSPC does: SQLITE_FULL) ends the recording with a clear
 * error and a consistent file: it opens, says 'aborted' with the reason, and holds a
 * prefix of what an uncapped recording of the same run holds, nothing half-written.
 */
import { afterAll, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { openCapture } from '../../recorder/capture/reader';
import { repairCapture } from '../../recorder/capture/repair';
import { CaptureWriter } from '../../recorder/capture/writer';
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

it('a capture that turns read-only mid-recording ends with a clear error and stays readable and repairable', () => {
  // SQLite's query_only makes every later write fail with SQLITE_READONLY, the error a
  // file made read-only under the writer gives (root ignores chmod, so a test cannot).
  const path = tmp.path('readonly.tfcap');
  let commits = 0;
  let db: { pragma(s: string): unknown } | undefined;
  const w = CaptureWriter.create(path, { app: 'stress', options: {}, seed: 5, injectedBugs: [], engineVersion: 'test' }, {
    batchRows: 256,
    // In this thread, so that the writer's own connection can be made read-only between two commits.
    commitThread: false,
    onCommit: () => {
      if (++commits === 5) db!.pragma('query_only = 1');
    },
  });
  if (!w.ok) throw new Error(w.error.message);
  db = (w.value as unknown as { commits: { committer: { db: { pragma(s: string): unknown } } } }).commits.committer.db;
  const mem = new MemorySink();
  runApp(appByName('stress')!, { sink: { emit: (e) => (mem.emit(e), w.value.append(e)) }, seed: 5 });
  const done = w.value.finish('complete');
  expect(done.ok).toBe(false);
  if (done.ok) return;
  expect(done.error.message).toMatch(/^writing events up to seq \d+ failed: attempt to write a readonly database; it could not be marked aborted either .*tracefold repair/);

  const o = openCapture(path);
  if (!o.ok) throw new Error(o.error.message);
  const back = o.value.events();
  const state = o.value.meta().state;
  o.value.close();
  if (!back.ok) throw new Error(back.error.message);
  expect(state).toBe('recording');
  expect(back.value.length).toBe(5 * 256);
  expect(back.value.map((d) => d.event)).toEqual(mem.events.slice(0, 5 * 256));
  const fixed = repairCapture(path);
  expect(fixed.ok && fixed.value).toMatchObject({ action: 'marked-aborted', events: 5 * 256 });
});
