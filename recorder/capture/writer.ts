/**
 * CaptureWriter: appends events to a new capture file.
 *
 * Hot path: `append` encodes the event into a row (row-codec.ts), puts its byte
 * arrays in the blob store and buffers the row; every `batchRows` rows (or
 * `batchBlobBytes` of new blob data) `flush` writes the batch in one transaction
 * through prepared multi-row INSERTs (raw better-sqlite3 — Kysely is for queries).
 * The event indexes are built once by `finish` (schema.ts says why).
 *
 * Blobs are deduplicated in memory before they reach SQLite: payloads up to
 * SMALL_KEY_BYTES are keyed by their own bytes (a latin1 string, no hashing for a
 * repeat), larger ones by their content hash; the SHA-256 (engine/base/hash.ts, 128
 * bits) is computed once per distinct payload for the `hash` column.
 *
 * Crash safety: the file is in WAL mode with synchronous=NORMAL. The meta row (state
 * 'recording') is committed before the first event; each batch is one transaction,
 * so a process killed at any moment leaves a file that opens, says 'recording', and
 * holds exactly the batches whose commit returned (`committedSeq`). NORMAL keeps that
 * promise for a killed process; after an OS crash or power loss the last batches may
 * be lost (never a torn one). `finish` switches the file back to a rollback journal so
 * a finished capture is one self-contained file.
 *
 * Errors are values: `create` and `finish` return Results. A failed flush (disk full…)
 * makes the writer sticky-failed: later appends are dropped and `finish` reports it.
 * Appending after `finish` is a broken invariant and throws.
 *
 * Example:
 *   const w = CaptureWriter.create('run.tfcap', info);   // → { ok: true, value: writer }
 *   runApp(vkcube, { sink: w.value, seed: 1 });             // the writer is a TraceSink
 *   w.value.finish('complete');                             // → { ok: true, value: { events: 203, … } }
 */
import { hash as oneShotHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import type { TraceEvent } from '../../engine/trace/events';
import type { TraceSink } from '../../engine/trace/sink';
import { encodeBlob } from './blob-codec';
import { ensureIndexes, migrate } from './migrations';
import { fail, ok, type Result } from './result';
import { encodeEvent, type BlobPut } from './row-codec';
import { FORMAT_VERSION, type CaptureState } from './schema';

/** What the capture is a recording of (the meta row). */
export interface CaptureInfo {
  readonly app: string;
  /** The run's options, stored as JSON. */
  readonly options: unknown;
  readonly seed: number;
  readonly injectedBugs: readonly string[];
  readonly engineVersion: string;
  /** Default: the machine's hostname. */
  readonly host?: string;
  /** ISO 8601; default: now. */
  readonly createdAt?: string;
}

export interface WriterOptions {
  /** Replace an existing file at the path (default: refuse). */
  readonly overwrite?: boolean;
  /** Rows per transaction (default 8192). */
  readonly batchRows?: number;
  /** New blob bytes that force a flush before batchRows is reached (default 16 MiB). */
  readonly batchBlobBytes?: number;
  /** Blobs at least this big are compressed (blob-codec.ts). */
  readonly compressMinBytes?: number;
  /** Called after each committed batch with the last seq it holds. */
  readonly onCommit?: (committedSeq: number) => void;
}

export interface WriterSummary {
  readonly path: string;
  readonly state: CaptureState;
  readonly events: number;
  readonly blobs: number;
  /** Byte fields appended, and their total size, before deduplication. */
  readonly blobRefs: number;
  readonly blobRefBytes: number;
  /** Uncompressed bytes of the distinct blobs / bytes stored for them. */
  readonly blobBytes: number;
  readonly storedBlobBytes: number;
}

/** Payloads up to this size are deduplicated by their bytes, without hashing. */
const SMALL_KEY_BYTES = 64;
/** Rows per multi-row INSERT (10 columns each: 1000 bound parameters). */
const EVENT_ROWS_PER_STMT = 100;
const EVENT_COLS = 10;
const BLOB_ROWS_PER_STMT = 50;
const BLOB_COLS = 5;

const contentHash = (bytes: Uint8Array): string => oneShotHash('sha256', bytes, 'hex').slice(0, 32);

export class CaptureWriter implements TraceSink, BlobPut {
  private readonly db: Database.Database;
  private readonly insertEvents: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly insertBlobs: Database.Statement;
  private readonly insertBlob: Database.Statement;
  private readonly commit: (rows: unknown[], blobs: unknown[]) => void;
  private readonly batchRows: number;
  private readonly batchBlobBytes: number;
  private readonly compressMinBytes: number | undefined;
  private readonly onCommit: ((seq: number) => void) | undefined;

  private pendingRows: unknown[] = [];
  private pendingBlobs: unknown[] = [];
  private pendingBlobBytes = 0;
  private readonly smallBlobs = new Map<string, number>();
  private readonly bigBlobs = new Map<string, number>();
  private seq = 0;
  private blobId = 0;
  private blobRefs = 0;
  private blobRefBytes = 0;
  private blobBytes = 0;
  private storedBlobBytes = 0;
  private closed = false;
  private failure: string | undefined;
  /** The last seq whose batch is committed to the file. */
  committedSeq = 0;
  /** Hashes of checkpoint parts already put (checkpoint()). */
  private readonly checkpointParts = new Set<string>();
  private lastCheckpointSeq = -1;

  private constructor(readonly path: string, db: Database.Database, options: WriterOptions) {
    this.db = db;
    this.batchRows = options.batchRows ?? 8192;
    this.batchBlobBytes = options.batchBlobBytes ?? 16 << 20;
    this.compressMinBytes = options.compressMinBytes;
    this.onCommit = options.onCommit;
    const eventSql = 'INSERT INTO events (seq, ts_ns, dur_ns, pid, tid, layer, kind, object, cause_seq, args) VALUES ';
    const blobSql = 'INSERT INTO blobs (id, hash, size_bytes, codec, data) VALUES ';
    const values = (rows: number, cols: number): string => Array(rows).fill(`(${Array(cols).fill('?').join(',')})`).join(',');
    this.insertEvents = db.prepare(eventSql + values(EVENT_ROWS_PER_STMT, EVENT_COLS));
    this.insertEvent = db.prepare(eventSql + values(1, EVENT_COLS));
    this.insertBlobs = db.prepare(blobSql + values(BLOB_ROWS_PER_STMT, BLOB_COLS));
    this.insertBlob = db.prepare(blobSql + values(1, BLOB_COLS));
    this.commit = db.transaction((rows: unknown[], blobs: unknown[]) => {
      insertChunked(blobs, BLOB_ROWS_PER_STMT * BLOB_COLS, BLOB_COLS, this.insertBlobs, this.insertBlob);
      insertChunked(rows, EVENT_ROWS_PER_STMT * EVENT_COLS, EVENT_COLS, this.insertEvents, this.insertEvent);
    });
  }

  /** Creates the file, its schema and the meta row (state 'recording'), committed before returning. */
  static create(path: string, info: CaptureInfo, options: WriterOptions = {}): Result<CaptureWriter> {
    if (existsSync(path)) {
      if (!options.overwrite) return fail('exists', `${path} already exists (pass overwrite to replace it)`);
      for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      db.prepare(
        `INSERT INTO meta (id, format_version, min_reader_version, state, app, options_json, seed, injected_bugs_json,
           engine_version, created_at, host) VALUES (1, ?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?)`,
      ).run(FORMAT_VERSION, FORMAT_VERSION, info.app, JSON.stringify(info.options ?? null), info.seed,
        JSON.stringify(info.injectedBugs), info.engineVersion, info.createdAt ?? new Date().toISOString(), info.host ?? hostname());
      return ok(new CaptureWriter(path, db, options));
    } catch (err) {
      db?.close();
      return fail('io', `cannot create capture ${path}: ${(err as Error).message}`);
    }
  }

  /** TraceSink: append with no known cause. */
  emit(event: TraceEvent): void {
    this.append(event);
  }

  /** Appends one event; returns its seq (1, 2, …). The row is durable once `committedSeq` ≥ seq. */
  append(event: TraceEvent, causeSeq: number | null = null): number {
    if (this.closed) throw new Error(`append to finished capture ${this.path}`);
    const seq = ++this.seq;
    if (this.failure !== undefined) return seq;
    const r = encodeEvent(event, this);
    this.pendingRows.push(seq, r.tsNs, r.durNs, r.pid, r.tid, r.layer, r.kind, r.object, causeSeq, r.args);
    if (this.pendingRows.length >= this.batchRows * EVENT_COLS || this.pendingBlobBytes >= this.batchBlobBytes) this.flush();
    return seq;
  }

  /** BlobPut: the id of the blob holding `bytes`, adding it if new. */
  put(bytes: Uint8Array): number {
    this.blobRefs++;
    this.blobRefBytes += bytes.length;
    let key: string;
    let map: Map<string, number>;
    if (bytes.length <= SMALL_KEY_BYTES) {
      key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
      map = this.smallBlobs;
    } else {
      key = contentHash(bytes);
      map = this.bigBlobs;
    }
    const known = map.get(key);
    if (known !== undefined) return known;
    const id = ++this.blobId;
    map.set(key, id);
    const hash = map === this.bigBlobs ? key : contentHash(bytes);
    const stored = encodeBlob(bytes, this.compressMinBytes);
    this.pendingBlobs.push(id, hash, bytes.length, stored.codec, stored.data);
    this.pendingBlobBytes += stored.data.length;
    this.blobBytes += bytes.length;
    this.storedBlobBytes += stored.data.length;
    return id;
  }

  /** Commits the buffered rows and blobs as one transaction. */
  flush(): void {
    if (this.failure !== undefined || (this.pendingRows.length === 0 && this.pendingBlobs.length === 0)) return;
    const rows = this.pendingRows;
    const blobs = this.pendingBlobs;
    this.pendingRows = [];
    this.pendingBlobs = [];
    this.pendingBlobBytes = 0;
    try {
      this.commit(rows, blobs);
    } catch (err) {
      this.failure = `writing events up to seq ${this.seq} failed: ${(err as Error).message}`;
      return;
    }
    this.committedSeq = rows.length ? (rows[rows.length - EVENT_COLS] as number) : this.committedSeq;
    this.onCommit?.(this.committedSeq);
  }

  /**
   * Records a checkpoint of the model after the last appended event (seq = that
   * event's, 0 before any): `manifest` becomes the row's snapshot_blob and each part
   * a blob (engine/snapshot-codec.ts). Pending events and every blob commit first;
   * the row is inserted after, so a killed recorder leaves either no row or one whose
   * events and blobs are all in the file. A second checkpoint at the same seq is
   * ignored. Parts already stored by an earlier checkpoint are not hashed again.
   * Returns whether a row was written.
   */
  checkpoint(stateHash: string, manifest: Uint8Array, parts: ReadonlyMap<string, Uint8Array>): boolean {
    if (this.closed) throw new Error(`checkpoint in finished capture ${this.path}`);
    if (this.failure !== undefined || this.seq === this.lastCheckpointSeq) return false;
    for (const [hash, bytes] of parts) {
      if (this.checkpointParts.has(hash)) continue;
      this.put(bytes);
      this.checkpointParts.add(hash);
    }
    const manifestBlob = this.put(manifest);
    this.flush();
    if (this.failure !== undefined) return false;
    try {
      this.db.prepare('INSERT INTO checkpoints (seq, state_hash, snapshot_blob) VALUES (?, ?, ?)').run(this.seq, stateHash, manifestBlob);
    } catch (err) {
      this.failure = `writing the checkpoint at seq ${this.seq} failed: ${(err as Error).message}`;
      return false;
    }
    this.lastCheckpointSeq = this.seq;
    return true;
  }

  /** Flushes, records the final state (and, for an aborted run, why) and closes the file. */
  finish(state: Exclude<CaptureState, 'recording'>, error?: string): Result<WriterSummary> {
    if (this.closed) throw new Error(`capture ${this.path} finished twice`);
    this.flush();
    this.closed = true;
    try {
      if (this.failure !== undefined) {
        this.db.prepare(`UPDATE meta SET state = 'aborted', finished_at = ?, event_count = ?, error = ? WHERE id = 1`)
          .run(new Date().toISOString(), this.committedSeq, error ?? this.failure);
        return fail('io', this.failure);
      }
      ensureIndexes(this.db);
      this.db.prepare('UPDATE meta SET state = ?, finished_at = ?, event_count = ?, error = ? WHERE id = 1')
        .run(state, new Date().toISOString(), this.seq, state === 'aborted' ? (error ?? null) : null);
      this.db.pragma('journal_mode = DELETE');
    } catch (err) {
      return fail('io', `cannot finish capture ${this.path}: ${(err as Error).message}`);
    } finally {
      this.db.close();
    }
    return ok({
      path: this.path, state, events: this.seq, blobs: this.blobId, blobRefs: this.blobRefs, blobRefBytes: this.blobRefBytes,
      blobBytes: this.blobBytes, storedBlobBytes: this.storedBlobBytes,
    });
  }
}

/** Runs `many` on full chunks of `chunk` values and `one` on each leftover row. */
function insertChunked(values: unknown[], chunk: number, cols: number, many: Database.Statement, one: Database.Statement): void {
  let i = 0;
  for (; i + chunk <= values.length; i += chunk) many.run(values.slice(i, i + chunk));
  for (; i < values.length; i += cols) one.run(values.slice(i, i + cols));
}
