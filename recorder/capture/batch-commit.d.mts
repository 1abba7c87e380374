// Types of batch-commit.mjs (plain JavaScript so the commit thread needs no TypeScript loader).
import type Database from 'better-sqlite3';

/** What one transaction writes: flat bound values, in the columns of batch-commit.mjs. */
export interface Batch {
  /** The event rows (row-columns.ts; NaN: null). */
  readonly rows: {
    readonly count: number;
    readonly tsNs: Float64Array;
    readonly kindId: Float64Array;
    readonly objectId: Float64Array;
    readonly causeSeq: Float64Array;
    readonly bytes: Uint8Array;
    readonly argsEnd: Int32Array;
  };
  /** The new blobs (blob-columns.ts): ids from firstId, payloads end to end in bytes, hash or null (the committer computes it). */
  readonly blobs: {
    readonly firstId: number;
    readonly bytes: Uint8Array;
    readonly ends: readonly number[];
    readonly hashes: ReadonlyArray<string | null>;
    readonly codecs: ReadonlyArray<'raw' | 'zstd' | null>;
    readonly sizes: readonly number[];
  };
  /** id, name per new object. */
  readonly objects: readonly unknown[];
  /** (tid, seq) pairs for the rows that know their app thread. */
  readonly tids: readonly number[];
  /** The seq of the batch's last row (the writer's seq when rows is empty). */
  readonly lastSeq: number;
}

/** The statements the committer runs beyond inserts (schema.ts). */
export interface CommitSql {
  readonly indexes: readonly string[];
  readonly lookupIndexes: readonly string[];
}

export declare class RowInserter {
  constructor(db: Database.Database, table: string, columns: readonly string[], placeholders?: readonly string[]);
  insert(values: readonly unknown[]): void;
}

export declare function openForCommits(path: string, maxSizeBytes: number | undefined, pageSizeBytes: number): Database.Database;
export declare function tuneForCommits(db: Database.Database, maxSizeBytes: number | undefined, pageSizeBytes: number): void;

export declare class BatchCommitter {
  constructor(path: string, db: Database.Database, sql: CommitSql);
  readonly db: Database.Database;
  failure: string | undefined;
  committedSeq: number;
  /** Bytes stored for the blobs committed so far. */
  storedBlobBytes: number;
  commit(batch: Batch): boolean;
  checkpointRow(seq: number, stateHash: string, snapshotBlob: number): void;
  buildLookupIndexes(lastSeq: number): void;
  finish(state: 'complete' | 'aborted', error: string | undefined, eventCount: number, finishedAt: string, writerFailure: string | undefined): string | undefined;
}
