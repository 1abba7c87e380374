/**
 * Capture store metrics (issue: recorder and capture format). The input is a real
 * event stream: the stress app (seed 1, ~50k events: MMIO, ioctls with argument
 * bytes and user copies, memory writes, jobs, fences) recorded once into a
 * MemorySink, so the engine's own cost is not measured. Files go to a temporary
 * folder, removed after each run.
 *
 * - ingest_events_per_s: the stream appended through CaptureWriter, finish included.
 * - ingest_vs_raw_sqlite_ratio: in one run, the writer against raw SQLite inserts of
 *   the same pre-encoded rows and blobs (prepared single-row INSERT, same schema and
 *   pragmas, same batch size, indexes built at the end as the writer does): writer time ÷ raw time — what the codec, blob dedup,
 *   compression and the writer's bookkeeping cost on top of SQLite itself.
 * - bytes_per_event: file bytes outside the blobs table and its index (dbstat) ÷ events.
 * - blob_dedup_ratio / blob_compression_ratio: on stress + vkcube (frames):
 *   bytes referenced by events ÷ distinct bytes; distinct bytes ÷ bytes stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { appByName } from '../engine/apps/catalogue';
import { runApp } from '../engine/session';
import type { TraceEvent } from '../engine/trace/events';
import { MemorySink } from '../engine/trace/sink';
import { ensureIndexes, migrate } from '../recorder/capture/migrations';
import { encodeEvent } from '../recorder/capture/row-codec';
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

/** The same rows and blobs through plain prepared INSERTs, one row per statement. */
function rawInsert(path: string, events: readonly TraceEvent[]): number {
  const blobs: Uint8Array[] = [];
  const rows = events.map((e) => encodeEvent(e, { put: (b) => blobs.push(b) }));
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  const ins = db.prepare('INSERT INTO events (seq, ts_ns, dur_ns, pid, tid, layer, kind, object, cause_seq, args) VALUES (?,?,?,?,?,?,?,?,?,?)');
  const insBlob = db.prepare(`INSERT INTO blobs (id, hash, size_bytes, codec, data) VALUES (?, ?, ?, 'raw', ?)`);
  const BATCH = 8192;
  const batch = db.transaction((from: number) => {
    for (let i = from; i < Math.min(from + BATCH, rows.length); i++) {
      const r = rows[i]!;
      ins.run(i + 1, r.tsNs, r.durNs, r.pid, r.tid, r.layer, r.kind, r.object, null, r.args);
    }
  });
  db.transaction(() => {
    blobs.forEach((b, i) => insBlob.run(i + 1, String(i), b.length, b));
  })();
  for (let i = 0; i < rows.length; i += BATCH) batch(i);
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

export const ingestVsRawSqliteRatio: Metric = {
  name: 'ingest_vs_raw_sqlite_ratio',
  unit: '×',
  target: { max: 1.5 },
  doc: 'writer time ÷ prepared single-row INSERTs of the same pre-encoded rows and blobs, same run',
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
      const bytes = db.prepare(`SELECT sum(pgsize) FROM dbstat WHERE name NOT IN ('blobs', 'sqlite_autoindex_blobs_1')`).pluck().get() as number;
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
