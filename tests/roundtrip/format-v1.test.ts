/**
 * Format-1 captures: a v2 reader reads them as they are, and `migrate` upgrades one in
 * place to format 2 with every event, object, cause, thread and blob kept. The v1 file
 * is built here the way the format-1 writer laid it out (SCHEMA_V1, `dur_ns` / `pid`
 * as columns and not in args).
 */
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { hashBytes } from '../../engine/base/hash';
import { eventKinds, type TraceEvent } from '../../engine/trace/events';
import { ensureIndexes, migrate } from '../../recorder/capture/migrations';
import { openCapture } from '../../recorder/capture/reader';
import { encodeEvent } from '../../recorder/capture/row-codec';
import { APPLICATION_ID, EVENT_INDEXES_V1, INDEXES_V2, SCHEMA_V1, TABLES_V2, VIEWS_V2 } from '../../recorder/capture/schema';
import { tempDir } from '../support/capture-files';
import { samples } from '../support/sample-events';

const tmp = tempDir();
afterAll(() => tmp.remove());

const all = Object.values(samples) as TraceEvent[];

/** A complete format-1 capture of `all`, each event caused by the one before. */
function writeV1(path: string): void {
  const db = new Database(path);
  for (const sql of SCHEMA_V1) db.exec(sql);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.prepare(`INSERT INTO meta VALUES (1, 1, 1, 'complete', 'v1-app', '{}', 3, '[]', 'old', '2025-01-01T00:00:00Z', 'h', '2025-01-01T00:00:01Z', ?, NULL)`)
    .run(all.length);
  const blobs: Uint8Array[] = [];
  const insEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  all.forEach((e, i) => {
    const r = encodeEvent(e, { put: (b) => blobs.push(b) });
    const { durNs: _d, pid: _p, ...v1Args } = JSON.parse(r.args) as Record<string, unknown>;
    insEvent.run(i + 1, r.tsNs, r.durNs, r.pid, r.tid, r.layer, r.kind, r.object, i > 0 ? i : null, JSON.stringify(v1Args));
  });
  const insBlob = db.prepare(`INSERT INTO blobs VALUES (?, ?, ?, 'raw', ?)`);
  blobs.forEach((b, i) => insBlob.run(i + 1, `${hashBytes(b)}-${i}`, b.length, b));
  for (const sql of EVENT_INDEXES_V1) db.exec(sql);
  db.close();
}

function readBack(path: string): { events: unknown[]; causes: unknown[]; rows: unknown[] } {
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  const back = r.value.events();
  if (!back.ok) throw new Error(back.error.message);
  const rows = r.value.eventRows().map(({ args: _a, ...columns }) => columns);
  r.value.close();
  return { events: back.value.map((d) => d.event), causes: back.value.map((d) => d.causeSeq), rows };
}

it('a format-1 capture reads as it is, and migrates to format 2 keeping every event', () => {
  const path = tmp.path('v1.tfcap');
  writeV1(path);
  const before = readBack(path);
  expect(before.events).toEqual(all);
  expect(before.causes).toEqual(all.map((_, i) => (i > 0 ? i : null)));

  const db = new Database(path);
  expect(migrate(db)).toBe(2);
  ensureIndexes(db);
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
  const views = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name`).pluck().all();
  const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all();
  const kinds = db.prepare('SELECT name, layer FROM kinds ORDER BY name').raw(true).all();
  db.close();
  expect(tables).toEqual([...TABLES_V2].sort());
  expect(views).toEqual([...VIEWS_V2].sort());
  expect(indexes).toEqual(INDEXES_V2.map((sql) => /EXISTS (\w+)/.exec(sql)![1]).sort());
  expect(kinds).toEqual(Object.keys(eventKinds).sort().map((k) => [k, eventKinds[k as keyof typeof eventKinds].layer]));

  const after = readBack(path);
  expect(after).toEqual(before); // events, causes, and every column of the events view but args
  const r = openCapture(path);
  expect(r.ok && r.value.meta()).toMatchObject({ formatVersion: 2, minReaderVersion: 2, state: 'complete', app: 'v1-app', eventCount: all.length });
  if (r.ok) r.value.close();
});
