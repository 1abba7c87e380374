/**
 * CaptureWriter: appends events to a new capture file.
 *
 * Hot path: `append` encodes the event into five bound values — ts_ns, kind_id,
 * object_id, cause_seq, args (row-codec.ts's text, written as bytes: args-bytes.ts) —
 * puts its byte arrays in the blob store and buffers the row (row-columns.ts); every `batchRows` rows (or `batchBlobBytes` of new blob data)
 * `flush` hands the batch to be written in one transaction through prepared multi-row
 * INSERTs (raw better-sqlite3 — Kysely is for queries; batch-commit.mjs). By default
 * that happens in the commit thread (commit-thread.ts), so SQLite writes one batch
 * while this thread encodes the next: on 2 cores that is most of SQLite's time off
 * the recording's path. `seq` is not bound: rows are inserted in
 * append order into an append-only table, so SQLite's next rowid is the writer's seq
 * (checked after every batch). Kind and object names become ids here, from a Map; a
 * new object is inserted into `objects` in the same transaction as its first event.
 * The indexes are built once by `finish` (schema.ts says why and which).
 *
 * Blobs are deduplicated in memory before they reach SQLite (blob-store.ts), objects
 * named once. Both key sets grow with a recording (1.7M payloads and 0.9M objects in
 * a 10M-event stress run), so past `maxDedupKeys` of either the writer builds the two
 * lookup indexes (blobs by hash, objects by name) and, once every batch handed over
 * is committed, forgets its keys: a later miss is looked up in the file. Same ids either
 * way, so the same capture; memory stays flat however long the recording.
 *
 * Crash safety: the file is in WAL mode with synchronous=NORMAL. The meta row (state
 * 'recording') is committed before the first event; each batch is one transaction,
 * so a process killed at any moment leaves a file that opens, says 'recording', and
 * holds exactly the batches committed (`committedSeq`, `onCommit`). NORMAL keeps that
 * promise for a killed process; after an OS crash or power loss the last batches may
 * be lost (never a torn one). `finish` switches the file back to a rollback journal so
 * a finished capture is one self-contained file — unless another process is reading
 * it at that moment (the server showing a live capture): SQLite cannot leave WAL
 * under a reader, so the capture stays in WAL mode, complete and checkpointed, and
 * the next writer to open it (`repair`) switches it.
 *
 * Errors are values: `create` and `finish` return Results. A failed commit (disk full…)
 * makes the writer sticky-failed: later batches are dropped (from the next flush on,
 * when the commit ran in the thread) and `finish` reports it.
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
import { startCommits, type Commits } from './commit-thread';
import { RowColumns } from './row-columns';
import { migrate } from './migrations';
import { fail, ok, type Result } from './result';
import { argsBytesWriterFor, type ArgsBytesWriter } from './args-bytes';
import type { BlobPut } from './row-codec';
import { FORMAT_VERSION, INDEXES_V2, LOOKUP_INDEXES_V2, MIN_READER_VERSION, PAGE_SIZE_BYTES, type CaptureState } from './schema';

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
  /**
   * Commit in the commit thread, overlapping SQLite's work with the encoding of the
   * next batch (default true; commit-thread.ts). false commits in the writer's thread.
   */
  readonly commitThread?: boolean;
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


/** What append needs per kind: the kind's id in this file, its row(), its compiled args encoder and its object cache. */
interface KindEntry {
  readonly id: number;
  readonly row: (e: TraceEvent) => EventRow;
  /** KindSpec.objectKey, when the kind has one. */
  readonly objectKey: ((e: TraceEvent) => number | string) | undefined;
  /** Object ids by objectKey (cleared with objectIds). */
  readonly objectByKey: Map<number | string, number>;
  args: ArgsBytesWriter | undefined;
}

export class CaptureWriter implements TraceSink, BlobPut {
  private readonly commits: Commits;
  private readonly kinds: ReadonlyMap<string, KindEntry>;
  private readonly batchRows: number;
  private readonly batchBlobBytes: number;
  private readonly onCommit: ((seq: number) => void) | undefined;

  private readonly blobs: BlobStore;
  private pendingRows: RowColumns;
  /** Flat bound values, (id, name) per object. */
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
  /** The last committed seq onCommit was told of. */
  private reportedSeq = 0;
  /** Hashes of checkpoint parts already put (checkpoint()). */
  private readonly checkpointParts = new Set<string>();
  private lastCheckpointSeq = -1;

  private constructor(readonly path: string, db: Database.Database, kindIds: ReadonlyMap<string, number>, options: WriterOptions) {
    this.batchRows = options.batchRows ?? 2048;
    this.pendingRows = new RowColumns(this.batchRows);
    this.batchBlobBytes = options.batchBlobBytes ?? 16 << 20;
    this.maxDedupKeys = options.maxDedupKeys ?? 1 << 18;
    this.blobs = new BlobStore((hash) => this.lookUp('blob', hash));
    this.onCommit = options.onCommit;
    const kinds = new Map<string, KindEntry>();
    for (const [kind, id] of kindIds) {
      const spec = eventKinds[kind as EventKind] as { row(e: TraceEvent): EventRow; objectKey?(e: TraceEvent): number | string } | undefined;
      if (spec) {
        const objectKey = spec.objectKey === undefined ? undefined : (e: TraceEvent) => spec.objectKey!(e);
        kinds.set(kind, { id, row: (e) => spec.row(e), objectKey, objectByKey: new Map(), args: undefined });
      }
    }
    this.kinds = kinds;
    this.commits = startCommits(path, db, { indexes: INDEXES_V2, lookupIndexes: LOOKUP_INDEXES_V2 }, {
      maxSizeBytes: options.maxSizeBytes, inline: options.commitThread === false,
    });
  }

  /** The last seq whose batch is committed to the file. */
  get committedSeq(): number {
    return this.commits.committedSeq;
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
    let objectId: number | null;
    if (k.objectKey !== undefined) {
      const key = k.objectKey(event);
      objectId = k.objectByKey.get(key) ?? null;
      if (objectId === null) k.objectByKey.set(key, (objectId = this.objectId(k.row(event).object!)));
    } else {
      const r = k.row(event);
      objectId = r.object === null ? null : this.objectId(r.object);
      if (r.tid !== null) this.pendingTids.push(r.tid, seq);
    }
    (k.args ??= argsBytesWriterFor(event))(event as unknown as Record<string, unknown>, this.blobs, this.pendingRows);
    this.pendingRows.endRow(event.tsNs, k.id, objectId, causeSeq);
    if (this.pendingRows.full || this.blobs.pending.byteLength >= this.batchBlobBytes) this.handOver();
    return seq;
  }

  /** The id of the object named `name`, adding it if new (committed with the next batch). */
  private objectId(name: string): number {
    let id = this.objectIds.get(name);
    if (id !== undefined) return id;
    id = this.lookups ? this.lookUp('object', name) : undefined;
    if (id === undefined) {
      id = ++this.objectCount;
      this.pendingObjects.push(id, name);
    }
    this.objectIds.set(name, id);
    return id;
  }

  /** BlobPut: the id of the blob holding `bytes`, adding it if new (committed with the next batch). */
  put(bytes: Uint8Array): number {
    return this.blobs.put(bytes);
  }

  /** Commits everything appended so far; on return `committedSeq` is the last seq (unless the writer failed). */
  flush(): void {
    this.handOver();
    this.commits.drain();
    this.reportCommits();
  }

  /** Hands the buffered rows, objects and blobs over to be committed as one transaction (in the commit thread: without waiting). */
  private handOver(): void {
    this.failure ??= this.commits.failure;
    if (this.failure !== undefined) {
      // Dropped: nothing after a failed batch is written.
      this.pendingRows.clear();
      this.blobs.take();
      this.pendingObjects = [];
      this.pendingTids = [];
      return;
    }
    if (this.pendingRows.count === 0 && this.blobs.pending.count === 0) return;
    const batch = { rows: this.pendingRows, blobs: this.blobs.take(), objects: this.pendingObjects, tids: this.pendingTids, lastSeq: this.seq };
    this.pendingRows = new RowColumns(this.batchRows);
    this.pendingObjects = [];
    this.pendingTids = [];
    this.commits.submit(batch);
    this.reportCommits();
    if (this.overDedupBound()) this.forgetKeys();
  }

  /** Tells onCommit of the batches committed since it was last told (several at once when the commit thread ran ahead). */
  private reportCommits(): void {
    const seq = this.commits.committedSeq;
    if (seq === this.reportedSeq) return;
    this.reportedSeq = seq;
    this.onCommit?.(seq);
  }

  private overDedupBound(): boolean {
    return this.blobs.keys > this.maxDedupKeys || this.objectIds.size > this.maxDedupKeys || this.checkpointParts.size > this.maxDedupKeys;
  }

  /**
   * Past maxDedupKeys: waits until every batch is committed (a key may only be forgotten
   * once its blob or object is in the file), has the lookup indexes built, and drops the
   * keys (see the header).
   */
  private forgetKeys(): void {
    if (!this.lookups) this.commits.buildLookupIndexes(this.seq);
    this.commits.drain();
    this.reportCommits();
    this.failure ??= this.commits.failure;
    if (this.failure !== undefined) return;
    if (!this.lookups) {
      const db = this.commits.readDb;
      this.lookups = { blob: db.prepare('SELECT id FROM blobs WHERE hash = ?').pluck(), object: db.prepare('SELECT id FROM objects WHERE name = ?').pluck() };
    }
    this.blobs.forgetIfOver(this.maxDedupKeys);
    if (this.objectIds.size > this.maxDedupKeys) {
      this.objectIds.clear();
      for (const k of this.kinds.values()) k.objectByKey.clear();
    }
    if (this.checkpointParts.size > this.maxDedupKeys) this.checkpointParts.clear();
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
   * a blob (engine/snapshot-codec.ts). Pending events and every blob are handed over
   * first and the row after them, so a killed recorder leaves either no row or one
   * whose events and blobs are all in the file. A second checkpoint at the same seq is
   * ignored. Parts already stored by an earlier checkpoint are not hashed again.
   * Returns whether a row was queued: it is written unless the writer fails first, and
   * then the capture ends 'aborted' anyway.
   */
  checkpoint(stateHash: string, manifest: Uint8Array, parts: ReadonlyMap<string, Uint8Array>): boolean {
    if (this.closed) throw new Error(`checkpoint in finished capture ${this.path}`);
    if (this.failure !== undefined || this.seq === this.lastCheckpointSeq) return false;
    for (const [hash, bytes] of parts) {
      if (this.checkpointParts.has(hash)) continue;
      // A part's key is hashBytes(bytes), the blob hash itself: not hashed again.
      this.blobs.put(bytes, hash);
      this.checkpointParts.add(hash);
    }
    const manifestBlob = this.put(manifest);
    this.handOver();
    if (this.failure !== undefined) return false;
    this.commits.checkpointRow(this.seq, stateHash, manifestBlob);
    this.lastCheckpointSeq = this.seq;
    return true;
  }

  /** Flushes, records the final state (and, for an aborted run, why) and closes the file. */
  finish(state: Exclude<CaptureState, 'recording'>, error?: string): Result<WriterSummary> {
    if (this.closed) throw new Error(`capture ${this.path} finished twice`);
    this.handOver();
    this.closed = true;
    const problem = this.commits.finish(state, error, this.seq, new Date().toISOString(), this.failure);
    this.reportCommits();
    if (problem !== undefined) return fail('io', problem);
    return ok({
      path: this.path, state, events: this.seq, blobs: this.blobs.count, blobRefs: this.blobs.refs, blobRefBytes: this.blobs.refBytes,
      blobBytes: this.blobs.distinctBytes, storedBlobBytes: this.commits.storedBlobBytes,
    });
  }
}
