/**
 * CaptureWriter: appends events to a new capture file.
 *
 * Hot path: `append` encodes the event (row-codec.ts) into five bound values —
 * ts_ns, kind_id, object_id, cause_seq, args — puts its byte arrays in the blob store
 * and buffers the row; every `batchRows` rows (or `batchBlobBytes` of new blob data)
 * `flush` writes the batch in one transaction through prepared multi-row INSERTs (raw
 * better-sqlite3 — Kysely is for queries). `seq` is not bound: rows are inserted in
 * append order into an append-only table, so SQLite's next rowid is the writer's seq
 * (checked after every batch). Kind and object names become ids here, from a Map; a
 * new object is inserted into `objects` in the same transaction as its first event.
 * The indexes are built once by `finish` (schema.ts says why and which).
 *
 * Blobs are deduplicated in memory before they reach SQLite (blob-store.ts), objects
 * named once. Both key sets grow with a recording (1.7M payloads and 0.9M objects in
 * a 10M-event stress run), so past `maxDedupKeys` of either the writer builds the two
 * lookup indexes (blobs by hash, objects by name) and, after each commit that finds
 * it over, forgets its keys: a later miss is looked up in the file. Same ids either
 * way, so the same capture; memory stays flat however long the recording.
 *
 * Crash safety: the file is in WAL mode with synchronous=NORMAL. The meta row (state
 * 'recording') is committed before the first event; each batch is one transaction,
 * so a process killed at any moment leaves a file that opens, says 'recording', and
 * holds exactly the batches whose commit returned (`committedSeq`). NORMAL keeps that
 * promise for a killed process; after an OS crash or power loss the last batches may
 * be lost (never a torn one). `finish` switches the file back to a rollback journal so
 * a finished capture is one self-contained file — unless another process is reading
 * it at that moment (the server showing a live capture): SQLite cannot leave WAL
 * under a reader, so the capture stays in WAL mode, complete and checkpointed, and
 * the next writer to open it (`repair`) switches it.
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
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { eventKinds, type EventKind, type EventRow, type TraceEvent } from '../../engine/trace/events';
import type { TraceSink } from '../../engine/trace/sink';
import { BlobStore } from './blob-store';
import { ensureIndexes, migrate } from './migrations';
import { fail, ok, type Result } from './result';
import { argsEncoderFor, type ArgsEncoder, type BlobPut } from './row-codec';
import { FORMAT_VERSION, LOOKUP_INDEXES_V2, MIN_READER_VERSION, PAGE_SIZE_BYTES, type CaptureState } from './schema';

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
  /** Rows per transaction (default 2048: larger batches keep more strings alive past a young-generation GC). */
  readonly batchRows?: number;
  /** New blob bytes that force a flush before batchRows is reached (default 16 MiB). */
  readonly batchBlobBytes?: number;
  /** Blobs at least this big are compressed (blob-codec.ts). */
  readonly compressMinBytes?: number;
  /** Called after each committed batch with the last seq it holds. */
  readonly onCommit?: (committedSeq: number) => void;
  /**
   * Largest the file may grow (SQLite's max_page_count). A batch that would pass it
   * fails as a full disk does — the recording ends 'aborted', every earlier batch kept —
   * so a runaway recording cannot fill the disk, and the disk-full path is testable.
   */
  readonly maxSizeBytes?: number;
  /**
   * Distinct blob keys, and object names, held in memory for deduplication (default
   * 262,144 each, ~25 MB); past it they are forgotten after a commit and looked up in
   * the file instead (see the header).
   */
  readonly maxDedupKeys?: number;
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

/** Bound values per event row: ts_ns, kind_id, object_id, cause_seq, args (seq is the rowid). */
const EVENT_COLUMNS = ['ts_ns', 'kind_id', 'object_id', 'cause_seq', 'args'] as const;
const BLOB_COLUMNS = ['id', 'hash', 'size_bytes', 'codec', 'data'] as const;
const OBJECT_COLUMNS = ['id', 'name'] as const;
/** Bound parameters per multi-row INSERT (SQLite allows 32766; past ~1000 it gains nothing). */
const PARAMS_PER_STMT = 1000;

/** What append needs per kind: the kind's id in this file, its row() and its compiled args encoder. */
interface KindEntry {
  readonly id: number;
  readonly row: (e: TraceEvent) => EventRow;
  args: ArgsEncoder | undefined;
}

export class CaptureWriter implements TraceSink, BlobPut {
  private readonly db: Database.Database;
  private readonly commit: () => void;
  private readonly kinds: ReadonlyMap<string, KindEntry>;
  private readonly batchRows: number;
  private readonly batchBlobBytes: number;
  private readonly onCommit: ((seq: number) => void) | undefined;

  private readonly blobs: BlobStore;
  /** Flat bound values, EVENT_COLUMNS per row, OBJECT_COLUMNS per object. */
  private pendingRows: unknown[] = [];
  private pendingObjects: unknown[] = [];
  /** (tid, seq) pairs for the rare rows that know their app thread. */
  private pendingTids: number[] = [];
  private readonly objectIds = new Map<string, number>();
  private objectCount = 0;
  private readonly maxDedupKeys: number;
  /** Set once keys are forgotten: lookups in the file, through the lookup indexes built then. */
  private lookups: { blob: Database.Statement; object: Database.Statement } | undefined;
  private seq = 0;
  private closed = false;
  private failure: string | undefined;
  /** The last seq whose batch is committed to the file. */
  committedSeq = 0;
  /** Hashes of checkpoint parts already put (checkpoint()). */
  private readonly checkpointParts = new Set<string>();
  private lastCheckpointSeq = -1;

  private constructor(readonly path: string, db: Database.Database, kindIds: ReadonlyMap<string, number>, options: WriterOptions) {
    this.db = db;
    this.batchRows = options.batchRows ?? 2048;
    this.batchBlobBytes = options.batchBlobBytes ?? 16 << 20;
    this.maxDedupKeys = options.maxDedupKeys ?? 1 << 18;
    this.blobs = new BlobStore(options.compressMinBytes, (hash) => this.lookUp('blob', hash));
    this.onCommit = options.onCommit;
    const kinds = new Map<string, KindEntry>();
    for (const [kind, id] of kindIds) {
      const spec = eventKinds[kind as EventKind] as { row(e: TraceEvent): EventRow } | undefined;
      if (spec) kinds.set(kind, { id, row: (e) => spec.row(e), args: undefined });
    }
    this.kinds = kinds;
    const events = new RowInserter(db, 'event_rows', EVENT_COLUMNS);
    const blobs = new RowInserter(db, 'blobs', BLOB_COLUMNS);
    const objects = new RowInserter(db, 'objects', OBJECT_COLUMNS);
    const setTid = db.prepare('UPDATE event_rows SET tid = ? WHERE seq = ?');
    const lastSeq = db.prepare('SELECT max(seq) FROM event_rows').pluck();
    this.commit = db.transaction(() => {
      const rows = this.pendingRows;
      blobs.insert(this.blobs.take());
      objects.insert(this.pendingObjects);
      events.insert(rows);
      const tids = this.pendingTids;
      for (let i = 0; i < tids.length; i += 2) setTid.run(tids[i], tids[i + 1]);
      if (rows.length > 0 && lastSeq.get() !== this.seq) throw new Error(`event_rows ends at seq ${String(lastSeq.get())}, the writer at ${this.seq}`);
    });
  }

  /** Creates the file, its schema, the kinds and the meta row (state 'recording'), committed before returning. */
  static create(path: string, info: CaptureInfo, options: WriterOptions = {}): Result<CaptureWriter> {
    if (existsSync(path)) {
      if (!options.overwrite) return fail('exists', `${path} already exists (pass overwrite to replace it)`);
      for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      // Before the first table: the page size of a WAL database cannot change later.
      db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A reader's brief locks (a checkpoint, finish's journal switch) are waited for, not failed on.
      db.pragma('busy_timeout = 2000');
      migrate(db);
      if (options.maxSizeBytes !== undefined) db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / PAGE_SIZE_BYTES))}`);
      const conn = db;
      const kindIds = new Map<string, number>();
      conn.transaction(() => {
        const addKind = conn.prepare('INSERT OR IGNORE INTO kinds (name, layer) VALUES (?, ?)');
        for (const [name, spec] of Object.entries(eventKinds)) addKind.run(name, spec.layer);
        for (const k of conn.prepare('SELECT id, name FROM kinds').all() as Array<{ id: number; name: string }>) kindIds.set(k.name, k.id);
        conn.prepare(
          `INSERT INTO meta (id, format_version, min_reader_version, state, app, options_json, seed, injected_bugs_json,
             engine_version, created_at, host) VALUES (1, ?, ?, 'recording', ?, ?, ?, ?, ?, ?, ?)`,
        ).run(FORMAT_VERSION, MIN_READER_VERSION, info.app, JSON.stringify(info.options ?? null), info.seed,
          JSON.stringify(info.injectedBugs), info.engineVersion, info.createdAt ?? new Date().toISOString(), info.host ?? hostname());
      })();
      return ok(new CaptureWriter(path, db, kindIds, options));
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
    const k = this.kinds.get(event.kind);
    if (k === undefined) throw new Error(`event kind '${event.kind}' is not in eventKinds`);
    const r = k.row(event);
    let objectId: number | null = null;
    if (r.object !== null) {
      objectId = this.objectIds.get(r.object) ?? null;
      if (objectId === null) {
        objectId = (this.lookups ? this.lookUp('object', r.object) : undefined) ?? null;
        if (objectId === null) {
          objectId = ++this.objectCount;
          this.pendingObjects.push(objectId, r.object);
        }
        this.objectIds.set(r.object, objectId);
      }
    }
    const args = (k.args ??= argsEncoderFor(event))(event as unknown as Record<string, unknown>, this.blobs);
    this.pendingRows.push(event.tsNs, k.id, objectId, causeSeq, args);
    if (r.tid !== null) this.pendingTids.push(r.tid, seq);
    if (this.pendingRows.length >= this.batchRows * EVENT_COLUMNS.length || this.blobs.pendingBytes >= this.batchBlobBytes) this.flush();
    return seq;
  }

  /** BlobPut: the id of the blob holding `bytes`, adding it if new (committed with the next batch). */
  put(bytes: Uint8Array): number {
    return this.blobs.put(bytes);
  }

  /** Commits the buffered rows, objects and blobs as one transaction. */
  flush(): void {
    if (this.failure !== undefined || (this.pendingRows.length === 0 && this.blobs.pending.length === 0)) return;
    try {
      this.commit();
    } catch (err) {
      this.failure = `writing events up to seq ${this.seq} failed: ${(err as Error).message}`;
      return;
    } finally {
      this.pendingRows = [];
      this.blobs.take();
      this.pendingObjects = [];
      this.pendingTids = [];
    }
    this.committedSeq = this.seq;
    this.forgetIfOver();
    this.onCommit?.(this.committedSeq);
  }

  /** After a commit: drops the dedup keys past maxDedupKeys, building the lookup indexes first (see the header). */
  private forgetIfOver(): void {
    if (this.blobs.keys <= this.maxDedupKeys && this.objectIds.size <= this.maxDedupKeys && this.checkpointParts.size <= this.maxDedupKeys) return;
    try {
      if (!this.lookups) {
        const db = this.db;
        db.transaction(() => {
          for (const sql of LOOKUP_INDEXES_V2) db.exec(sql);
        })();
        this.lookups = { blob: db.prepare('SELECT id FROM blobs WHERE hash = ?').pluck(), object: db.prepare('SELECT id FROM objects WHERE name = ?').pluck() };
      }
    } catch (err) {
      this.failure = `building the lookup indexes after seq ${this.seq} failed: ${(err as Error).message}`;
      return;
    }
    this.blobs.forgetIfOver(this.maxDedupKeys);
    if (this.objectIds.size > this.maxDedupKeys) this.objectIds.clear();
    if (this.checkpointParts.size > this.maxDedupKeys) this.checkpointParts.clear();
  }

  /**
   * Back to a rollback journal (one self-contained file). With a reader on the file,
   * SQLite refuses (busy) even after the busy timeout: the WAL is then checkpointed as
   * far as the readers allow and the capture, already marked finished, stays in WAL mode.
   */
  private leaveWal(): void {
    try {
      this.db.pragma('journal_mode = DELETE');
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      this.db.pragma('wal_checkpoint(PASSIVE)');
    }
  }

  /** The id of a committed blob (by hash) or object (by name); a failed read fails the writer. */
  private lookUp(what: 'blob' | 'object', key: string): number | undefined {
    if (!this.lookups || this.failure !== undefined) return undefined;
    try {
      return (this.lookups[what].get(key) as number | undefined) ?? undefined;
    } catch (err) {
      this.failure = `looking up a ${what} after seq ${this.seq} failed: ${(err as Error).message}`;
      return undefined;
    }
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
      this.leaveWal();
    } catch (err) {
      if (this.failure !== undefined) {
        return fail('io', `${this.failure}; it could not be marked aborted either (${(err as Error).message}): it opens as incomplete with every batch committed before, and \`tracefold repair\` finishes it once it is writable`);
      }
      return fail('io', `cannot finish capture ${this.path}: ${(err as Error).message}`);
    } finally {
      this.db.close();
    }
    return ok({
      path: this.path, state, events: this.seq, blobs: this.blobs.count, blobRefs: this.blobs.refs, blobRefBytes: this.blobs.refBytes,
      blobBytes: this.blobs.distinctBytes, storedBlobBytes: this.blobs.storedBytes,
    });
  }
}

/**
 * Multi-row INSERTs into one table: values come flat (`columns.length` per row) and go
 * out in statements of up to PARAMS_PER_STMT parameters, prepared once per row count.
 * Example: `new RowInserter(db, 'objects', ['id', 'name']).insert([1, 'bo:1', 2, 'bo:2'])`
 * runs `INSERT INTO objects (id, name) VALUES (?,?),(?,?)` with the four values.
 */
export class RowInserter {
  private readonly statements = new Map<number, Database.Statement>();
  private readonly rowsPerStmt: number;

  constructor(private readonly db: Database.Database, private readonly table: string, private readonly columns: readonly string[]) {
    this.rowsPerStmt = Math.floor(PARAMS_PER_STMT / columns.length);
  }

  insert(values: readonly unknown[]): void {
    const width = this.columns.length;
    const chunk = this.rowsPerStmt * width;
    for (let i = 0; i < values.length; i += chunk) {
      const part = values.slice(i, i + chunk);
      this.statement(part.length / width).run(part);
    }
  }

  private statement(rows: number): Database.Statement {
    let stmt = this.statements.get(rows);
    if (stmt === undefined) {
      const row = `(${this.columns.map(() => '?').join(',')})`;
      stmt = this.db.prepare(`INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(row).join(',')}`);
      this.statements.set(rows, stmt);
    }
    return stmt;
  }
}
