// The SQLite half of CaptureWriter (writer.ts): the connection that writes a capture's
// batches, checkpoint rows, indexes and final meta row. The writer encodes events into
// batches; this commits them. It runs either in the writer's thread or in the commit
// thread (commit-worker.mjs), so the encoding of the next batch overlaps the commit of
// the last — the same code either way, so the same file.
//
// Plain JavaScript (types in batch-commit.d.mts): the commit thread loads it without a
// TypeScript loader, which starts in ~30 ms instead of ~250 ms.
//
// Failure is sticky: the first batch that fails (disk full, read-only, …) sets
// `failure`, and every later batch or checkpoint row is dropped, so the file holds
// exactly the batches committed before it.
import Database from 'better-sqlite3';
import { blobHash, storeBlob } from './blob-encode.mjs';

/** Bound values per event row: ts_ns, kind_id, object_id, cause_seq, args (seq is the rowid). */
const EVENT_COLUMNS = ['ts_ns', 'kind_id', 'object_id', 'cause_seq', 'args'];
/** args comes as its UTF-8 bytes (row-columns.ts) and is stored as the TEXT they encode. */
const EVENT_PLACEHOLDERS = ['?', '?', '?', '?', 'CAST(? AS TEXT)'];
const BLOB_COLUMNS = ['id', 'hash', 'size_bytes', 'codec', 'data'];
const OBJECT_COLUMNS = ['id', 'name'];
/** Bound parameters per multi-row INSERT (SQLite allows 32766; past ~1000 it gains nothing). */
const PARAMS_PER_STMT = 1000;

/**
 * Multi-row INSERTs into one table: values come flat (`columns.length` per row) and go
 * out in statements of up to PARAMS_PER_STMT parameters, prepared once per row count.
 * `placeholders` (default `?` each) may wrap a parameter in an expression.
 * Example: `new RowInserter(db, 'objects', ['id', 'name']).insert([1, 'bo:1', 2, 'bo:2'])`
 * runs `INSERT INTO objects (id, name) VALUES (?,?),(?,?)` with the four values.
 */
export class RowInserter {
  constructor(db, table, columns, placeholders = columns.map(() => '?')) {
    this.db = db;
    this.table = table;
    this.columns = columns;
    this.placeholders = placeholders;
    this.statements = new Map();
    this.rowsPerStmt = Math.floor(PARAMS_PER_STMT / columns.length);
  }

  insert(values) {
    const width = this.columns.length;
    const chunk = this.rowsPerStmt * width;
    for (let i = 0; i < values.length; i += chunk) {
      const part = values.slice(i, i + chunk);
      this.statement(part.length / width).run(part);
    }
  }

  statement(rows) {
    let stmt = this.statements.get(rows);
    if (stmt === undefined) {
      const row = `(${this.placeholders.join(',')})`;
      stmt = this.db.prepare(`INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(row).join(',')}`);
      this.statements.set(rows, stmt);
    }
    return stmt;
  }
}

/**
 * The blob rows' bound values, flat (BLOB_COLUMNS per row), from the writer's new
 * blobs (blob-columns.ts): hashed where the writer left it, compressed where that
 * pays. Returns the stored bytes too.
 */
function blobValues(blobs) {
  const { firstId, hashes, ends, codecs, sizes } = blobs;
  const bytes = Buffer.from(blobs.bytes.buffer, blobs.bytes.byteOffset, blobs.bytes.byteLength);
  const values = new Array(ends.length * BLOB_COLUMNS.length);
  let storedBytes = 0;
  for (let i = 0, j = 0, at = 0; i < ends.length; i++) {
    const data = bytes.subarray(at, (at = ends[i]));
    const stored = codecs[i] === null ? storeBlob(data) : { codec: codecs[i], data };
    values[j++] = firstId + i;
    values[j++] = hashes[i] ?? blobHash(data);
    values[j++] = sizes[i];
    values[j++] = stored.codec;
    values[j++] = stored.data;
    storedBytes += stored.data.length;
  }
  return { values, storedBytes };
}

/** The event rows' bound values, flat (EVENT_COLUMNS per row), from their columns (row-columns.ts: NaN is null). */
function rowValues(rows) {
  const { count, tsNs, kindId, objectId, causeSeq, argsEnd } = rows;
  const values = new Array(count * EVENT_COLUMNS.length);
  const bytes = Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.bytes.byteLength);
  for (let i = 0, j = 0, at = 0; i < count; i++) {
    const object = objectId[i];
    const cause = causeSeq[i];
    values[j++] = tsNs[i];
    values[j++] = kindId[i];
    values[j++] = Number.isNaN(object) ? null : object;
    values[j++] = Number.isNaN(cause) ? null : cause;
    values[j++] = bytes.subarray(at, (at = argsEnd[i]));
  }
  return values;
}

/**
 * WAL pages after which a commit checkpoints them into the database file (SQLite's
 * default: 1000). Lower, the checkpoints (and their fsync) happen while recording, in
 * the commit thread, overlapped with encoding, instead of all at `finish`: on the
 * stress stream finish went from ~46 to ~32 ms, at the same total.
 */
const WAL_AUTOCHECKPOINT_PAGES = 256;

/** Opens the writer's connection to a capture `create` has made (schema, kinds and meta committed). */
export function openForCommits(path, maxSizeBytes, pageSizeBytes) {
  const db = new Database(path, { fileMustExist: true });
  tuneForCommits(db, maxSizeBytes, pageSizeBytes);
  return db;
}

/** The writer connection's settings (per connection: the journal mode, WAL, is the file's). */
export function tuneForCommits(db, maxSizeBytes, pageSizeBytes) {
  db.pragma('synchronous = NORMAL');
  // A reader's brief locks (a checkpoint, finish's journal switch) are waited for, not failed on.
  db.pragma('busy_timeout = 2000');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  if (maxSizeBytes !== undefined) db.pragma(`max_page_count = ${Math.max(1, Math.floor(maxSizeBytes / pageSizeBytes))}`);
}

export class BatchCommitter {
  /**
   * @param db the writer's connection (openForCommits, or create's own)
   * @param sql { indexes, lookupIndexes }: the statements finish and forgetting keys run (schema.ts)
   */
  constructor(path, db, sql) {
    this.path = path;
    this.db = db;
    this.sql = sql;
    this.failure = undefined;
    this.committedSeq = 0;
    /** Bytes stored for the blobs committed so far (compressed or not). */
    this.storedBlobBytes = 0;
    this.lookupsBuilt = false;
    const events = new RowInserter(db, 'event_rows', EVENT_COLUMNS, EVENT_PLACEHOLDERS);
    const blobs = new RowInserter(db, 'blobs', BLOB_COLUMNS);
    const objects = new RowInserter(db, 'objects', OBJECT_COLUMNS);
    const setTid = db.prepare('UPDATE event_rows SET tid = ? WHERE seq = ?');
    const lastSeq = db.prepare('SELECT max(seq) FROM event_rows').pluck();
    this.insertCheckpoint = db.prepare('INSERT INTO checkpoints (seq, state_hash, snapshot_blob) VALUES (?, ?, ?)');
    this.transaction = db.transaction((batch, blobRows) => {
      blobs.insert(blobRows);
      objects.insert(batch.objects);
      events.insert(rowValues(batch.rows));
      const tids = batch.tids;
      for (let i = 0; i < tids.length; i += 2) setTid.run(tids[i], tids[i + 1]);
      // seq is not bound: the rowid SQLite assigns must be the writer's.
      if (batch.rows.count > 0 && lastSeq.get() !== batch.lastSeq) throw new Error(`event_rows ends at seq ${String(lastSeq.get())}, the writer at ${batch.lastSeq}`);
    });
  }

  /** Commits one batch as one transaction; returns whether it did (false once failed). */
  commit(batch) {
    if (this.failure !== undefined) return false;
    let blobs;
    try {
      blobs = blobValues(batch.blobs);
      this.transaction(batch, blobs.values);
    } catch (err) {
      this.failure = `writing events up to seq ${batch.lastSeq} failed: ${err.message}`;
      return false;
    }
    this.storedBlobBytes += blobs.storedBytes;
    if (batch.rows.count > 0) this.committedSeq = batch.lastSeq;
    return true;
  }

  /** A checkpoint row, after the batch holding its events and blobs has committed. */
  checkpointRow(seq, stateHash, snapshotBlob) {
    if (this.failure !== undefined) return;
    try {
      this.insertCheckpoint.run(seq, stateHash, snapshotBlob);
    } catch (err) {
      this.failure = `writing the checkpoint at seq ${seq} failed: ${err.message}`;
    }
  }

  /** The unique blobs-by-hash and objects-by-name indexes, built once when the writer starts forgetting keys. */
  buildLookupIndexes(lastSeq) {
    if (this.failure !== undefined || this.lookupsBuilt) return;
    try {
      this.db.transaction(() => {
        for (const sql of this.sql.lookupIndexes) this.db.exec(sql);
      })();
      this.lookupsBuilt = true;
    } catch (err) {
      this.failure = `building the lookup indexes after seq ${lastSeq} failed: ${err.message}`;
    }
  }

  /**
   * Ends the file: the query indexes and the final meta row, back to a rollback journal,
   * closed. `writerFailure` is a failure the writer saw itself. Returns undefined, or the
   * error to report.
   */
  finish(state, error, eventCount, finishedAt, writerFailure) {
    const failure = writerFailure ?? this.failure;
    try {
      if (failure !== undefined) {
        this.db.prepare(`UPDATE meta SET state = 'aborted', finished_at = ?, event_count = ?, error = ? WHERE id = 1`)
          .run(finishedAt, this.committedSeq, error ?? failure);
        return failure;
      }
      this.db.transaction(() => {
        for (const sql of this.sql.indexes) this.db.exec(sql);
      })();
      this.db.prepare('UPDATE meta SET state = ?, finished_at = ?, event_count = ?, error = ? WHERE id = 1')
        .run(state, finishedAt, eventCount, state === 'aborted' ? (error ?? null) : null);
      this.leaveWal();
    } catch (err) {
      if (failure !== undefined) {
        return `${failure}; it could not be marked aborted either (${err.message}): it opens as incomplete with every batch committed before, and \`tracefold repair\` finishes it once it is writable`;
      }
      return `cannot finish capture ${this.path}: ${err.message}`;
    } finally {
      this.db.close();
    }
    return undefined;
  }

  /**
   * Back to a rollback journal (one self-contained file). With a reader on the file,
   * SQLite refuses (busy) even after the busy timeout: the WAL is then checkpointed as
   * far as the readers allow and the capture, already marked finished, stays in WAL mode.
   */
  leaveWal() {
    try {
      this.db.pragma('journal_mode = DELETE');
    } catch (err) {
      if (err.code !== 'SQLITE_BUSY') throw err;
      this.db.pragma('wal_checkpoint(PASSIVE)');
    }
  }
}
