/**
 * Capture store metrics (issue: recorder and capture format). The input is a real
 * event stream: the stress app (seed 1, ~50k events: MMIO, ioctls with argument
 * bytes and user copies, memory writes, jobs, fences) recorded once into a
 * MemorySink, so the engine's own cost is not measured. Files go to a temporary
 * folder, removed after each run.
 *
 * - ingest_events_per_s: the stream appended through CaptureWriter, finish included.
 * - raw_sqlite_events_per_s: raw SQLite inserts of the same pre-encoded rows and the
 *   same distinct, already compressed blobs (multi-row INSERTs, same schema, page size
 *   and pragmas, same batch size, indexes built at the end as the writer does), on one
 *   thread: the events per second SQLite itself stores in this format on this machine,
 *   with no encoding at all — the ceiling of ingest_events_per_s, since every row
 *   goes through one SQLite connection however the encoding is spread.
 * - ingest_vs_raw_sqlite_ratio: in one run, writer time ÷ that raw time — what the
 *   codec, blob dedup, hashing, compression and the writer's bookkeeping cost on top
 *   of SQLite itself (the commit thread overlaps part of it with SQLite's work).
 * - bytes_per_event: file bytes outside the blobs table and its index (dbstat) ÷ events.
 * - blob_dedup_ratio / blob_compression_ratio: on stress + vkcube (frames):
 *   bytes referenced by events ÷ distinct bytes; distinct bytes ÷ bytes stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { appByName } from '../engine/apps/catalogue';
import { hashBytes } from '../engine/base/hash';
import { runApp } from '../engine/session';
import { eventKinds, type TraceEvent } from '../engine/trace/events';
import { MemorySink } from '../engine/trace/sink';
import { encodeBlob } from '../recorder/capture/blob-codec';
import { RowInserter } from '../recorder/capture/batch-commit.mjs';
import { ensureIndexes, migrate } from '../recorder/capture/migrations';
import { encodeEvent } from '../recorder/capture/row-codec';
import { PAGE_SIZE_BYTES } from '../recorder/capture/schema';
import { CaptureWriter, type CaptureInfo, type WriterSummary } from '../recorder/capture/writer';
import type { Metric } from './harness';

const info = (app: string): CaptureInfo => ({ app, options: {}, seed: 1, injectedBugs: [], engineVersion: 'bench' });

let streams: Map<string, readonly TraceEvent[]> | undefined;
function stream(app: 'stress' | 'vkcube'): readonly TraceEvent[] {
  streams ??= new Map();
  let events = streams.get(app);
  if (!events) {
    const sink = new MemorySink();
    runApp(appByName(app)!, { sink, seed: 1 });
    events = sink.events;
    streams.set(app, events);
  }
  return events;
}

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tracefold-bench-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function record(path: string, events: readonly TraceEvent[]): { seconds: number; summary: WriterSummary } {
  const t0 = performance.now();
  const w = CaptureWriter.create(path, info('stress'));
  if (!w.ok) throw new Error(w.error.message);
  for (const e of events) w.value.append(e);
  const s = w.value.finish('complete');
  const seconds = (performance.now() - t0) / 1e3;
  if (!s.ok) throw new Error(s.error.message);
  if (s.value.events !== events.length) throw new Error(`wrote ${s.value.events} of ${events.length} events`);
  return { seconds, summary: s.value };
}

/**
 * The same rows and blobs the writer stores, through raw SQLite at its fastest on this
 * machine: multi-row INSERTs (RowInserter, as the commit thread uses; single-row
 * prepared INSERTs measured ~1.4× slower), on one thread. Everything the writer
 * computes is computed first, untimed: args text, kind and object ids, the distinct
 * blobs with their hash, codec and stored bytes. Timed: the file with the same page
 * size, pragmas and schema, kinds, objects, blobs and event rows in transactions of
 * the writer's batch size, the tid updates, the indexes built at finish, and the
 * switch back to a rollback journal — the SQLite work of a capture and nothing else,
 * so events ÷ this time is the most any writer of this format can ingest here.
 */
function rawInsert(path: string, events: readonly TraceEvent[]): number {
  const blobs: unknown[] = [];
  const blobIds = new Map<string, number>();
  const put = (b: Uint8Array): number => {
    const hash = hashBytes(b);
    let id = blobIds.get(hash);
    if (id === undefined) {
      const stored = encodeBlob(b);
      blobIds.set(hash, (id = blobIds.size + 1));
      blobs.push(id, hash, b.length, stored.codec, stored.data);
    }
    return id;
  };
  const rows = events.map((e) => encodeEvent(e, { put }));
  const kinds = Object.entries(eventKinds).map(([name, spec]) => [name, spec.layer] as const);
  const kindIds = new Map(kinds.map(([name], i) => [name, i + 1]));
  const objectIds = new Map<string, number>();
  const objectOf = rows.map((r) => {
    if (r.object === null) return null;
    let id = objectIds.get(r.object);
    if (id === undefined) objectIds.set(r.object, (id = objectIds.size + 1));
    return id;
  });
  const BATCH = 2048;
  const eventValues: unknown[][] = [];
  for (let from = 0; from < rows.length; from += BATCH) {
    const values: unknown[] = [];
    for (let i = from; i < Math.min(from + BATCH, rows.length); i++) values.push(rows[i]!.tsNs, kindIds.get(rows[i]!.kind), objectOf[i], null, rows[i]!.args);
    eventValues.push(values);
  }

  const t0 = performance.now();
  const db = new Database(path);
  db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  const insKinds = new RowInserter(db, 'kinds', ['id', 'name', 'layer']);
  const insObjects = new RowInserter(db, 'objects', ['id', 'name']);
  const insBlobs = new RowInserter(db, 'blobs', ['id', 'hash', 'size_bytes', 'codec', 'data']);
  const insEvents = new RowInserter(db, 'event_rows', ['ts_ns', 'kind_id', 'object_id', 'cause_seq', 'args']);
  const setTid = db.prepare('UPDATE event_rows SET tid = ? WHERE seq = ?');
  db.transaction(() => {
    insKinds.insert(kinds.flatMap(([name, layer], i) => [i + 1, name, layer]));
    insObjects.insert([...objectIds].flatMap(([name, id]) => [id, name]));
    insBlobs.insert(blobs);
  })();
  const batch = db.transaction((n: number) => {
    insEvents.insert(eventValues[n]!);
    for (let i = n * BATCH; i < Math.min((n + 1) * BATCH, rows.length); i++) if (rows[i]!.tid !== null) setTid.run(rows[i]!.tid, i + 1);
  });
  for (let n = 0; n < eventValues.length; n++) batch(n);
  ensureIndexes(db);
  db.pragma('journal_mode = DELETE');
  db.close();
  return (performance.now() - t0) / 1e3;
}

export const ingestEventsPerS: Metric = {
  name: 'ingest_events_per_s',
  unit: 'events/s',
  target: { min: 800_000 },
  doc: 'stress (seed 1, ~50k events) from memory through CaptureWriter.append + finish',
  run() {
    const events = stream('stress');
    return withTmp((dir) => events.length / record(join(dir, 'c.tfcap'), events).seconds);
  },
};

export const rawSqliteEventsPerS: Metric = {
  name: 'raw_sqlite_events_per_s',
  unit: 'events/s',
  doc: 'the same stream pre-encoded, stored by multi-row INSERTs on one thread: SQLite\'s own ceiling for ingest_events_per_s here',
  run() {
    const events = stream('stress');
    return withTmp((dir) => events.length / rawInsert(join(dir, 'raw.db'), events));
  },
};

export const ingestVsRawSqliteRatio: Metric = {
  name: 'ingest_vs_raw_sqlite_ratio',
  unit: '×',
  target: { max: 1.5 },
  doc: 'writer time ÷ multi-row INSERTs of the same pre-encoded rows and distinct stored blobs, same run',
  run() {
    const events = stream('stress');
    return withTmp((dir) => {
      const raw = rawInsert(join(dir, 'raw.db'), events);
      const writer = record(join(dir, 'c.tfcap'), events).seconds;
      return writer / raw;
    });
  },
};

export const bytesPerEvent: Metric = {
  name: 'bytes_per_event',
  unit: 'B/event',
  doc: 'stress capture: pages of every table and index except blobs (dbstat) ÷ events',
  run() {
    const events = stream('stress');
    return withTmp((dir) => {
      const path = join(dir, 'c.tfcap');
      record(path, events);
      const db = new Database(path, { readonly: true });
      const bytes = db.prepare(`SELECT sum(pgsize) FROM dbstat WHERE name NOT IN ('blobs', 'sqlite_autoindex_blobs_1', 'blobs_by_hash')`).pluck().get() as number;
      db.close();
      return bytes / events.length;
    });
  },
};

function blobTotals(): { refBytes: number; distinct: number; stored: number } {
  return withTmp((dir) => {
    const t = { refBytes: 0, distinct: 0, stored: 0 };
    for (const app of ['stress', 'vkcube'] as const) {
      const s = record(join(dir, `${app}.tfcap`), stream(app)).summary;
      t.refBytes += s.blobRefBytes;
      t.distinct += s.blobBytes;
      t.stored += s.storedBlobBytes;
    }
    return t;
  });
}

export const blobDedupRatio: Metric = {
  name: 'blob_dedup_ratio',
  unit: '×',
  doc: 'stress + vkcube: bytes referenced by events ÷ bytes of distinct blobs',
  run() {
    const t = blobTotals();
    return t.refBytes / t.distinct;
  },
};

export const blobCompressionRatio: Metric = {
  name: 'blob_compression_ratio',
  unit: '×',
  doc: 'stress + vkcube: bytes of distinct blobs ÷ bytes stored (zstd-1 from 128 B)',
  run() {
    const t = blobTotals();
    return t.distinct / t.stored;
  },
};
