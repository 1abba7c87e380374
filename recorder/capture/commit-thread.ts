/**
 * Where a CaptureWriter's batches are committed: in the commit thread (the default),
 * so that while SQLite writes one batch the writer's thread encodes the next, or in
 * the writer's own thread (`inline`: when no worker thread can be started, and for
 * tests that stop the writer inside a transaction). Both run the same BatchCommitter
 * (batch-commit.mjs), so both write the same file.
 *
 * The writer's API stays synchronous: `submit` hands a batch over and returns, waiting
 * only while MAX_IN_FLIGHT batches are already queued (memory stays bounded when SQLite
 * is the slower side); `drain` and `finish` block on a shared counter (Atomics.wait)
 * until the thread has handled everything sent. One thread serves every writer of
 * the process and is started once (~30 ms) — a process recording captures one after
 * another pays that once.
 *
 * Example:
 *   const c = startCommits(path, db, sql, { maxSizeBytes: undefined, inline: false });
 *   c.submit({ rows, blobs, objects, tids, lastSeq: 2048 });
 *   c.drain();            // every batch sent is committed (or c.failure says why not)
 *   c.committedSeq        // → 2048
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { BatchCommitter, tuneForCommits, type Batch, type CommitSql } from './batch-commit.mjs';
import { PAGE_SIZE_BYTES } from './schema';

/** The writer's side of its commits, wherever they run. */
export interface Commits {
  /** Commits `batch` (inline) or queues it (thread). */
  submit(batch: Batch): void;
  /** A checkpoint row, after the batches submitted before it. */
  checkpointRow(seq: number, stateHash: string, snapshotBlob: number): void;
  /** The unique lookup indexes (blobs by hash, objects by name), after what was submitted before. */
  buildLookupIndexes(lastSeq: number): void;
  /** Waits until everything submitted is handled. */
  drain(): void;
  /** The last seq whose batch is committed. */
  readonly committedSeq: number;
  /** Why commits stopped (sticky), if they did. */
  readonly failure: string | undefined;
  /** Bytes stored for the committed blobs, compressed or not (known once finished). */
  readonly storedBlobBytes: number;
  /** A connection to look committed blobs and objects up in (after `drain`). */
  readonly readDb: Database.Database;
  /** Indexes, final meta row, journal switch, close; the error to report, if any. */
  finish(state: 'complete' | 'aborted', error: string | undefined, eventCount: number, finishedAt: string, writerFailure: string | undefined): string | undefined;
}

/** Batches queued in the thread before `submit` waits. */
const MAX_IN_FLIGHT = 4;
/** A thread that has handled nothing at all this long after a writer opened is taken as never started. */
const START_TIMEOUT_MS = 30_000;
/** Control words shared with commit-worker.mjs. */
const DONE = 0;
const FAILED = 1;
const DEAD = 3;

export interface CommitOptions {
  readonly maxSizeBytes: number | undefined;
  /** Commit in the writer's thread (default: the commit thread). */
  readonly inline: boolean;
}

/**
 * The commits of a capture `create` has just made on `db` (schema, kinds, meta committed).
 * Inline, `db` becomes the committer's connection; with the thread, the thread opens its
 * own and `db` stays the writer's for reading (lookups) until `finish` closes it.
 */
export function startCommits(path: string, db: Database.Database, sql: CommitSql, options: CommitOptions): Commits {
  if (!options.inline) {
    const worker = commitThread();
    if (worker) return new ThreadCommits(worker, path, db, sql, options);
  }
  tuneForCommits(db, options.maxSizeBytes, PAGE_SIZE_BYTES);
  return new InlineCommits(new BatchCommitter(path, db, sql));
}

class InlineCommits implements Commits {
  constructor(readonly committer: BatchCommitter) {}

  get readDb(): Database.Database {
    return this.committer.db;
  }

  submit(batch: Batch): void {
    this.committer.commit(batch);
  }

  checkpointRow(seq: number, stateHash: string, snapshotBlob: number): void {
    this.committer.checkpointRow(seq, stateHash, snapshotBlob);
  }

  buildLookupIndexes(lastSeq: number): void {
    this.committer.buildLookupIndexes(lastSeq);
  }

  drain(): void {}

  get committedSeq(): number {
    return this.committer.committedSeq;
  }

  get failure(): string | undefined {
    return this.committer.failure;
  }

  get storedBlobBytes(): number {
    return this.committer.storedBlobBytes;
  }

  finish(state: 'complete' | 'aborted', error: string | undefined, eventCount: number, finishedAt: string, writerFailure: string | undefined): string | undefined {
    return this.committer.finish(state, error, eventCount, finishedAt, writerFailure);
  }
}

interface ThreadState {
  readonly worker: Worker;
  ended: boolean;
  writers: number;
}

let thread: ThreadState | undefined;

/** The process's commit thread, started on first use; undefined if none can be started. */
function commitThread(): ThreadState | undefined {
  if (thread && !thread.ended) return thread;
  try {
    const worker = new Worker(new URL('./commit-worker.mjs', import.meta.url));
    // The thread never keeps the process alive: a writer waits for it explicitly.
    worker.unref();
    const state: ThreadState = { worker, ended: false, writers: 0 };
    const ended = (): void => {
      state.ended = true;
    };
    worker.on('error', ended);
    worker.on('exit', ended);
    thread = state;
    return state;
  } catch {
    return undefined;
  }
}

class ThreadCommits implements Commits {
  private readonly port: MessagePort;
  private readonly ctl: Int32Array;
  private readonly seq: BigInt64Array;
  private sent = 0;
  private failed: string | undefined;
  private finished: { error?: string; storedBlobBytes: number } | undefined;
  private db: Database.Database | undefined;

  constructor(private readonly thread: ThreadState, path: string, db: Database.Database, sql: CommitSql, options: CommitOptions) {
    const shared = new SharedArrayBuffer(24);
    this.ctl = new Int32Array(shared, 0, 4);
    this.seq = new BigInt64Array(shared, 16, 1);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.db = db;
    thread.worker.postMessage({ type: 'open', id: ++thread.writers, path, maxSizeBytes: options.maxSizeBytes, pageSizeBytes: PAGE_SIZE_BYTES, sql, shared, port: port2 }, [port2]);
  }

  submit(batch: Batch): void {
    const r = batch.rows;
    // The columns' buffers move to the thread instead of being copied (row-columns.ts, blob-columns.ts).
    this.send({ type: 'batch', batch }, [r.tsNs, r.kindId, r.objectId, r.causeSeq, r.argsEnd, r.bytes, batch.blobs.bytes].map((a) => a.buffer as ArrayBuffer));
    this.waitFor(this.sent - MAX_IN_FLIGHT);
  }

  checkpointRow(seq: number, stateHash: string, snapshotBlob: number): void {
    this.send({ type: 'checkpoint', seq, stateHash, blob: snapshotBlob });
  }

  buildLookupIndexes(lastSeq: number): void {
    this.send({ type: 'lookups', lastSeq });
  }

  drain(): void {
    this.waitFor(this.sent);
  }

  get readDb(): Database.Database {
    if (!this.db) throw new Error('the capture is finished');
    return this.db;
  }

  get committedSeq(): number {
    return Number(Atomics.load(this.seq, 0));
  }

  get storedBlobBytes(): number {
    return this.finished?.storedBlobBytes ?? 0;
  }

  get failure(): string | undefined {
    if (this.failed === undefined && (Atomics.load(this.ctl, FAILED) !== 0 || Atomics.load(this.ctl, DEAD) !== 0)) this.readReplies();
    return this.failed;
  }

  finish(state: 'complete' | 'aborted', error: string | undefined, eventCount: number, finishedAt: string, writerFailure: string | undefined): string | undefined {
    // Our own connection would count as a reader and keep the file in WAL mode.
    this.db?.close();
    this.db = undefined;
    this.send({ type: 'finish', state, error, eventCount, finishedAt, writerFailure });
    this.waitFor(this.sent);
    this.readReplies();
    if (this.finished) return this.finished.error ?? undefined;
    return writerFailure ?? this.failed ?? 'the commit thread ended before finishing the capture';
  }

  private send(message: unknown, transfer: ArrayBuffer[] = []): void {
    this.sent++;
    this.port.postMessage(message, transfer);
  }

  /** Blocks until the thread has handled `count` messages (or has ended). */
  private waitFor(count: number): void {
    const startMs = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctl, DONE);
      if (done >= count) return;
      if (Atomics.load(this.ctl, DEAD) !== 0 || this.thread.ended) break;
      if (done === 0 && Date.now() - startMs > START_TIMEOUT_MS) {
        this.failed ??= `the commit thread did not start within ${START_TIMEOUT_MS / 1000} s`;
        return;
      }
      Atomics.wait(this.ctl, DONE, done, 1000);
    }
    this.readReplies();
    this.failed ??= 'the commit thread ended unexpectedly';
  }

  /** Takes the thread's replies (a failure, the finish result) off the port. */
  private readReplies(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const reply = m.message as { failure?: string; finished?: boolean; error?: string; storedBlobBytes?: number };
      if (reply.failure !== undefined) this.failed ??= reply.failure;
      if (reply.finished) this.finished = { error: reply.error ?? undefined, storedBlobBytes: reply.storedBlobBytes ?? 0 };
    }
    if (this.failed === undefined && Atomics.load(this.ctl, DEAD) !== 0 && !this.finished) this.failed = 'the commit thread ended unexpectedly';
  }
}
