/**
 * openCapture's errors name what is wrong; the read-only SQL entry point refuses
 * every kind of write before it runs.
 */
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, testInfo } from '../support/capture-files';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';

const tmp = tempDir();
afterAll(() => tmp.remove());

function smallCapture(name: string, events = 3000): string {
  const path = tmp.path(name);
  const w = CaptureWriter.create(path, testInfo('hand-made'));
  if (!w.ok) throw new Error(w.error.message);
  for (let i = 0; i < events; i++) w.value.append({ kind: 'hw.mmio', tsNs: i, op: 'read', offset: i * 4, reg: `R${i % 7}`, value: i * 3 });
  w.value.append({ kind: 'mem.write', tsNs: events, pid: 1, memory: 1, bo: 2, offsetBytes: 0, bytes: new Uint8Array(10_000).fill(7) });
  w.value.finish('complete');
  return path;
}

function errorOf(path: string): { code: string; message: string } {
  const r = openCapture(path);
  if (r.ok) {
    r.value.close();
    throw new Error(`${path} opened`);
  }
  return r.error;
}

describe('openCapture errors', () => {
  const good = smallCapture('good.tfcap');

  it('opens a good capture', () => {
    const r = openCapture(good);
    expect(r.ok && r.value.meta().state).toBe('complete');
    if (r.ok) r.value.close();
  });

  it('names a missing file, an empty file and a non-SQLite file', () => {
    expect(errorOf(tmp.path('nope.tfcap'))).toMatchObject({ code: 'not-found' });
    writeFileSync(tmp.path('empty.tfcap'), '');
    expect(errorOf(tmp.path('empty.tfcap'))).toMatchObject({ code: 'not-sqlite', message: expect.stringContaining('empty file') });
    writeFileSync(tmp.path('text.tfcap'), 'hello, this is a text file and not a database at all '.repeat(10));
    expect(errorOf(tmp.path('text.tfcap'))).toMatchObject({ code: 'not-sqlite', message: expect.stringContaining('not a SQLite database') });
  });

  it('names a truncated file', () => {
    const cut = tmp.path('cut.tfcap');
    copyFileSync(good, cut);
    truncateSync(cut, Math.floor(readFileSync(good).length / 2));
    expect(errorOf(cut)).toMatchObject({ code: 'corrupt', message: expect.stringContaining('truncated') });
  });

  it('names a damaged file', () => {
    const bad = tmp.path('bad.tfcap');
    const bytes = readFileSync(good);
    bytes.fill(0xa5, 4096, bytes.length); // every page after the first: garbage
    writeFileSync(bad, bytes);
    expect(errorOf(bad)).toMatchObject({ code: 'corrupt', message: expect.stringContaining('damaged') });
  });

  it('names a SQLite database that is not a capture, and missing tables', () => {
    const other = tmp.path('other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(errorOf(other)).toMatchObject({ code: 'not-a-capture' });
    const partial = tmp.path('partial.tfcap');
    copyFileSync(good, partial);
    const p = new Database(partial);
    p.exec('DROP TABLE blobs; DROP TABLE checkpoints');
    p.close();
    expect(errorOf(partial)).toEqual({ code: 'missing-tables', message: `${partial} is not a complete capture: missing table(s) blobs, checkpoints` });
  });

  it('names a format newer than this reader', () => {
    const future = tmp.path('future.tfcap');
    copyFileSync(good, future);
    const db = new Database(future);
    db.exec('UPDATE meta SET format_version = 99, min_reader_version = 99');
    db.close();
    expect(errorOf(future)).toMatchObject({ code: 'too-new', message: expect.stringMatching(/format_version 99.*reader of version 99.*supports up to 2/) });
    // Newer but declared readable by old readers: opens.
    const additive = new Database(future);
    additive.exec('UPDATE meta SET min_reader_version = 1');
    additive.close();
    const r = openCapture(future);
    expect(r.ok && r.value.meta().formatVersion).toBe(99);
    if (r.ok) r.value.close();
  });
});

describe('read-only SQL', () => {
  const path = smallCapture('sql.tfcap', 10);
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  const reader: CaptureReader = r.value;

  it('answers queries', () => {
    const q = reader.query('SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind');
    expect(q).toEqual({ ok: true, value: { columns: ['kind', 'n'], rows: [['hw.mmio', 10], ['mem.write', 1]] } });
    expect(reader.query('SELECT seq FROM events WHERE ts_ns = ?', [4])).toMatchObject({ ok: true, value: { rows: [[5]] } });
    expect(reader.query('PRAGMA table_info(meta)').ok).toBe(true);
  });

  it.each([
    "INSERT INTO events (seq, ts_ns, layer, kind, args) VALUES (99, 0, 'hw', 'hw.irq', '{}')",
    'UPDATE meta SET state = \'complete\'',
    'DELETE FROM events',
    'DROP TABLE blobs',
    'CREATE TABLE x (y)',
    `ATTACH DATABASE '${tmp.path('x.db')}' AS x`,
    '  detach x',
    'PRAGMA user_version = 5',
    'PRAGMA journal_mode = DELETE',
    `VACUUM INTO '${tmp.path('copy.db')}'`,
    'BEGIN',
  ])('refuses %s', (sql) => {
    const q = reader.query(sql);
    expect(q.ok).toBe(false);
    if (!q.ok) expect(q.error.code).toBe('read-only');
    expect(reader.query('SELECT count(*) FROM events')).toMatchObject({ ok: true, value: { rows: [[11]] } });
  });

  it('reports SQL errors as values', () => {
    expect(reader.query('SELECT nope FROM events')).toMatchObject({ ok: false, error: { code: 'sql' } });
    expect(reader.query('SELECT 1; SELECT 2')).toMatchObject({ ok: false, error: { code: 'sql' } });
  });
});
