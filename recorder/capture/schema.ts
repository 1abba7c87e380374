/**
 * The capture file format: one SQLite database, readable with the `sqlite3` shell.
 * docs/capture-format.md is the reference; this module is the source of truth it is
 * checked against.
 *
 * Model
 * - `meta`: exactly one row. `state` is 'recording' from the first commit until
 *   `finish()` sets 'complete' or 'aborted'; a file still saying 'recording' was
 *   cut short (crash, kill -9) and holds every batch committed before that.
 * - `events`: the append-only log, one row per TraceEvent, `seq` from 1 in emission
 *   order. `tsNs`, `durNs` and `pid` become columns by name; `object` and `tid` come
 *   from the kind's `row()` (engine/trace/events.ts); every other field is in `args`
 *   (JSON text), where each byte array is replaced by a blob reference `{"$blob":id}`.
 * - `blobs`: content-addressed payloads (ioctl argument bytes, user copies, memory
 *   writes, frames), one row per distinct content. `hash` is the SHA-256 of the
 *   uncompressed bytes truncated to 128 bits (engine/base/hash.ts), `codec` says how
 *   `data` is stored ('raw' or 'zstd').
 * - `event_blobs` is a VIEW (json_tree over `args`), not a table: the link costs the
 *   hot path nothing and stays queryable (`SELECT seq FROM event_blobs WHERE blob_id = 7`).
 * - `checkpoints`: state hash (+ snapshot blob) at some seqs; created empty here.
 *
 * Versioning: `format_version` is the schema this file was written with;
 * `min_reader_version` is the oldest reader that can read it. Additive changes
 * (a new column, table or index) bump format_version only; changes an old reader
 * would misread bump both. `PRAGMA application_id` marks the file as a capture and
 * `PRAGMA user_version` mirrors format_version for `file(1)`-style sniffing.
 *
 * Rejected alternatives: an `event_blobs(seq, field, blob_id)` table (one extra insert
 * per byte field — three or more per ioctl — on the hot path, for a link the view
 * gives for free); integer ids for kind/layer (smaller rows, but the shell would show
 * numbers); a key/value meta table (untyped for Kysely).
 */

/** Schema version this code writes. */
export const FORMAT_VERSION = 1;
/** Newest `min_reader_version` this reader understands. */
export const READER_VERSION = 1;
/** 'TFCP' — `PRAGMA application_id` of every capture. */
export const APPLICATION_ID = 0x54464350;

export type CaptureState = 'recording' | 'complete' | 'aborted';
export type BlobCodec = 'raw' | 'zstd';

/** Tables every capture of FORMAT_VERSION has (views excluded). */
export const REQUIRED_TABLES = ['meta', 'events', 'blobs', 'checkpoints'] as const;

/**
 * The query indexes on `events` (by kind, by virtual time, by object, by cause). They
 * are built by `CaptureWriter.finish` in one pass, not maintained row by row while
 * recording: measured on a stress stream, four live indexes cut raw inserts from
 * ~490k to ~280k rows/s. A capture cut short therefore has none; every query still
 * works (by scanning), and `ensureIndexes` (migrations.ts) adds them.
 */
export const EVENT_INDEXES_V1: readonly string[] = [
  `CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, seq)`,
  `CREATE INDEX IF NOT EXISTS events_by_ts ON events (ts_ns)`,
  `CREATE INDEX IF NOT EXISTS events_by_object ON events (object, seq) WHERE object IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS events_by_cause ON events (cause_seq) WHERE cause_seq IS NOT NULL`,
];

/** Schema v1 tables and views, in creation order. Each statement is one `exec`. */
export const SCHEMA_V1: readonly string[] = [
  `CREATE TABLE meta (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    format_version     INTEGER NOT NULL,
    min_reader_version INTEGER NOT NULL,
    state              TEXT    NOT NULL CHECK (state IN ('recording', 'complete', 'aborted')),
    app                TEXT    NOT NULL,
    options_json       TEXT    NOT NULL,
    seed               INTEGER NOT NULL,
    injected_bugs_json TEXT    NOT NULL,
    engine_version     TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    host               TEXT    NOT NULL,
    finished_at        TEXT,
    event_count        INTEGER,
    error              TEXT
  )`,
  `CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    ts_ns     INTEGER NOT NULL,
    dur_ns    INTEGER,
    pid       INTEGER,
    tid       INTEGER,
    layer     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    object    TEXT,
    cause_seq INTEGER,
    args      TEXT    NOT NULL
  )`,
  `CREATE TABLE blobs (
    id         INTEGER PRIMARY KEY,
    hash       TEXT    NOT NULL UNIQUE,
    size_bytes INTEGER NOT NULL,
    codec      TEXT    NOT NULL CHECK (codec IN ('raw', 'zstd')),
    data       BLOB    NOT NULL
  )`,
  `CREATE TABLE checkpoints (
    seq           INTEGER PRIMARY KEY,
    state_hash    TEXT    NOT NULL,
    snapshot_blob INTEGER
  )`,
  `CREATE VIEW event_blobs AS
    SELECT e.seq AS seq, t.path AS field, t.value AS blob_id
    FROM events AS e, json_tree(e.args) AS t
    WHERE t.key = '$blob'`,
];
