/**
 * A recording finishes while another connection reads the capture (the server
 * showing it live): SQLite cannot switch a file out of WAL under a reader, so the
 * writer must still finish — state complete, every event there — and leave the file
 * in WAL mode rather than fail with "database is locked".
 */
import { afterAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { openCapture } from '../../recorder/capture/reader';
import { repairCapture } from '../../recorder/capture/repair';
import { CaptureWriter } from '../../recorder/capture/writer';
import { tempDir, testInfo } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

it('finishes complete, in WAL mode, while a reader holds the file', () => {
  const sink = new MemorySink();
  runApp(appByName('triangle')!, { sink, seed: 1 });
  const path = tmp.path('live.tfcap');
  const w = CaptureWriter.create(path, testInfo('triangle'), { batchRows: 64 });
  if (!w.ok) throw new Error(w.error.message);
  const half = Math.floor(sink.events.length / 2);
  sink.events.slice(0, half).forEach((e) => w.value.append(e));
  w.value.flush();

  const live = openCapture(path);
  if (!live.ok) throw new Error(live.error.message);
  expect(live.value.meta().state).toBe('recording');
  // An open read transaction, as a reader paging through events holds one.
  const held = new Database(path, { readonly: true });
  held.prepare('BEGIN').run();
  expect(held.prepare('SELECT count(*) FROM event_rows').pluck().get()).toBe(half);

  sink.events.slice(half).forEach((e) => w.value.append(e));
  const done = w.value.finish('complete');
  expect(done.ok && done.value.events).toBe(sink.events.length);
  held.prepare('COMMIT').run();
  held.close();
  live.value.close();

  const after = openCapture(path);
  if (!after.ok) throw new Error(after.error.message);
  expect(after.value.meta().state).toBe('complete');
  const events = after.value.events();
  expect(events.ok && events.value.length).toBe(sink.events.length);
  after.value.close();
  const journal = (): unknown => {
    const db = new Database(path, { readonly: true });
    try {
      return db.pragma('journal_mode', { simple: true });
    } finally {
      db.close();
    }
  };
  expect(journal()).toBe('wal');
  // repair leaves a finished capture's content alone but makes it one file again.
  const repaired = repairCapture(path);
  expect(repaired.ok && repaired.value.action).toBe('none');
  expect(journal()).toBe('delete');
});
