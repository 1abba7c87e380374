/**
 * The capture file format: one SQLite database, readable with the `sqlite3` shell.
 * docs/capture-format.md is the reference; this module is the source of truth it is
 * checked against.
 *
 * Model (format 2)
 * - `meta`: exactly one row. `state` is 'recording' from the first commit until
 *   `finish()` sets 'complete' or 'aborted'; a file still saying 'recording' was
 *   cut short (crash, kill -9) and holds every batch committed before that.
 * - `event_rows`: the append-only log as stored, one row per TraceEvent, `seq` from 1
 *   in emission order. `kind_id` and `object_id` point into `kinds` (name, layer) and
 *   `objects` (`bo:3`, `job:12`, …); `args` (JSON text) holds every field of the event
 *   except `kind` and `tsNs` (so `durNs` and `pid` too), each byte array replaced by
 *   a blob reference `{"$blob":id}`. `tid` (rare: thread switches) is a plain column.
 * - `events`: a VIEW with the readable columns (`kind`, `layer` and `object` as text,
 *   `dur_ns` and `pid` read from args), the same names and meanings as format 1's table, so
 *   `SELECT seq, kind, object, args FROM events` and every reader query are unchanged.
 * - `blobs`: content-addressed payloads (ioctl argument bytes, user copies, memory
 *   writes, frames), one row per distinct content. `hash` is the SHA-256 of the
 *   uncompressed bytes truncated to 128 bits (engine/base/hash.ts), `codec` says how
 *   `data` is stored ('raw' or 'zstd').
 * - `event_blobs` is a VIEW (json_tree over `args`), not a table: the link costs the
 *   hot path nothing and stays queryable (`SELECT seq FROM event_blobs WHERE blob_id = 7`).
 * - `checkpoints`: state hash (+ snapshot blob) at some seqs; created empty here.
 *
 * Why this shape (measured on the stress stream, 56k events, seed 1, 2-core machine,
 * multi-row INSERTs, 16 KiB pages, insert + commit): through better-sqlite3 the insert
 * cost is mostly per bound parameter (~0.1 µs each, whatever its type), then per byte
 * written. Format 1 bound ten parameters per event (seq, ts, dur, pid, tid, layer,
 * kind, object, cause, args): ~0.65–0.7M rows/s. Format 2 binds five (ts_ns, kind_id,
 * object_id, cause_seq, args; `seq` is the rowid SQLite assigns, `dur_ns` / `pid` live
 * in args): ~1.0–1.15M rows/s, and bytes_per_event (tables and indexes, blobs aside)
 * went from 184 to 129. `tid` is written by a follow-up UPDATE for the few rows that
 * have one, so it costs the other rows nothing.
 *
 * Rejected alternatives (same measurement):
 * - one JSON text per batch unpacked in SQL (`INSERT … SELECT value->>0, … FROM
 *   json_each(?)`): one bound parameter, but SQLite's JSON parsing made it 2–4× slower
 *   than binding.
 * - `dur_ns` / `pid` as generated columns of event_rows, even VIRTUAL: SQLite computes
 *   them on every insert (+15 ms per 56k rows, more than binding them). The `events`
 *   view reads them from args instead, only when selected.
 * - REFERENCES kinds / objects: better-sqlite3 enables foreign keys, so every insert
 *   would look both ids up.
 * - an `event_blobs(seq, field, blob_id)` table (one extra insert per byte field —
 *   three or more per ioctl — on the hot path, for a link the view gives for free).
 * - text `kind` / `layer` / `object` columns (format 1): three string parameters per
 *   row and a bigger row; the `events` view keeps them readable in the shell.
 * - a key/value meta table (untyped for Kysely).
 * - `locking_mode = EXCLUSIVE` while recording: it would stop other processes from
 *   reading a live capture through the WAL.
 *
 * Versioning: `format_version` is the schema this file was written with;
 * `min_reader_version` is the oldest reader that can read it. Additive changes
 * (a new column, table or index) bump format_version only; changes an old reader
 * would misread bump both. Format 2 raised both: a format-1 reader requires `events`
 * to be a table. `PRAGMA application_id` marks the file as a capture and
 * `PRAGMA user_version` mirrors format_version for `file(1)`-style sniffing.
 */

/** Schema version this code writes. */
export const FORMAT_VERSION = 2;
/** Oldest reader that reads what this code writes (meta.min_reader_version). */
export const MIN_READER_VERSION = 2;
/** Newest `min_reader_version` this reader understands. */
export const READER_VERSION = 2;
/**
 * Page size of new captures. 16 KiB rather than SQLite's 4 KiB: on the stress stream
 * commits went from ~18 to ~4 ms (a quarter of the pages to log, and the default WAL
 * auto-checkpoint of 1000 pages now comes every 16 MiB instead of every 4 MiB) while
 * the final checkpoint went from ~8 to ~15 ms: ~20 ms saved per 56k events.
 */
export const PAGE_SIZE_BYTES = 16384;
/** 'TFCP' — `PRAGMA application_id` of every capture. */
export const APPLICATION_ID = 0x54464350;

export type CaptureState = 'recording' | 'complete' | 'aborted';
export type BlobCodec = 'raw' | 'zstd';

/** Tables or views every capture has, of any format this reader reads (`events` is a table in 1, a view in 2). */
export const REQUIRED_RELATIONS = ['meta', 'events', 'blobs', 'checkpoints'] as const;
/** The tables a FORMAT_VERSION capture has, and its views. */
export const TABLES_V2 = ['meta', 'kinds', 'objects', 'event_rows', 'blobs', 'checkpoints'] as const;
export const VIEWS_V2 = ['events', 'event_blobs'] as const;

/**
 * The format-1 query indexes, kept for its migration step (migrations.ts): a format-1
 * file cut short can still be given them.
 */
export const EVENT_INDEXES_V1: readonly string[] = [
  `CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, seq)`,
  `CREATE INDEX IF NOT EXISTS events_by_ts ON events (ts_ns)`,
  `CREATE INDEX IF NOT EXISTS events_by_object ON events (object, seq) WHERE object IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS events_by_cause ON events (cause_seq) WHERE cause_seq IS NOT NULL`,
];

/**
 * The query indexes of format 2, built by `CaptureWriter.finish` in one pass rather
 * than maintained row by row while recording (live indexes halve the insert rate). A
 * capture cut short has none; every query still works (by scanning), and
 * `ensureIndexes` (migrations.ts) adds them. Each one serves a query the tools run:
 * - by kind: `tracefold events --kind`, `reader.events({ kind })`. An index on
 *   (kind_id) alone also orders by seq within a kind (the rowid is its last key).
 * - by object: `reader.events({ object })`, "everything about bo:3".
 * - blobs by hash: `reader.blobByHash`, and the uniqueness of content; objects by
 *   name: `events WHERE object = 'bo:3'` finds the id, then uses the object index.
 *   Both are unique, and both are built at finish: the writer deduplicates in memory,
 *   so live unique indexes would only cost inserts (~1 µs per new object or blob) —
 *   until a long recording's keys outgrow the writer's bound (WriterOptions.maxDedupKeys):
 *   the writer then builds both at once and looks forgotten keys up in them.
 * Format 1's indexes on ts_ns and cause_seq are gone (~9 ms each at finish on the
 * stress stream): no tool queries by time or looks causes up downwards ("what did
 * this submit cause"; the upward walk follows the primary key), and a scan answers
 * both in milliseconds on a capture of this size. ts_ns cannot stand in for seq
 * either: it is not monotonic (hardware events carry their start time). Add them
 * back with the query that needs them (docs/capture-format.md gives the statements).
 */
export const LOOKUP_INDEXES_V2: readonly string[] = [
  `CREATE UNIQUE INDEX IF NOT EXISTS blobs_by_hash ON blobs (hash)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS objects_by_name ON objects (name)`,
];
export const INDEXES_V2: readonly string[] = [
  `CREATE INDEX IF NOT EXISTS event_rows_by_kind ON event_rows (kind_id)`,
  `CREATE INDEX IF NOT EXISTS event_rows_by_object ON event_rows (object_id)`,
  ...LOOKUP_INDEXES_V2,
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

/** Format-1 args with dur_ns appended as `durNs` (the migration below). */
const WITH_DUR = `iif(e.dur_ns IS NULL, e.args, json_set(e.args, '$.durNs', e.dur_ns))`;

/**
 * Format 1 → 2, as statements on a format-1 schema (empty or not): kinds and objects
 * become lookup tables, `dur_ns` and `pid` move into `args` (appended keys), `events`
 * becomes a view over `event_rows`, and `blobs` loses its live UNIQUE on hash (the
 * index is built at finish). Run inside migrate's transaction.
 */
export const SCHEMA_V2_FROM_V1: readonly string[] = [
  `CREATE TABLE kinds (
    id    INTEGER PRIMARY KEY,
    name  TEXT    NOT NULL UNIQUE,
    layer TEXT    NOT NULL
  )`,
  `CREATE TABLE objects (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL
  )`,
  `CREATE TABLE event_rows (
    seq       INTEGER PRIMARY KEY,
    ts_ns     INTEGER NOT NULL,
    kind_id   INTEGER NOT NULL,
    object_id INTEGER,
    cause_seq INTEGER,
    tid       INTEGER,
    args      TEXT    NOT NULL
  )`,
  `INSERT INTO kinds (name, layer) SELECT kind, min(layer) FROM events GROUP BY kind ORDER BY kind`,
  `INSERT INTO objects (name) SELECT object FROM events WHERE object IS NOT NULL GROUP BY object ORDER BY min(seq)`,
  `INSERT INTO event_rows (seq, ts_ns, kind_id, object_id, cause_seq, tid, args)
    SELECT e.seq, e.ts_ns, k.id, o.id, e.cause_seq, e.tid,
      iif(e.pid IS NULL, ${WITH_DUR}, json_set(${WITH_DUR}, '$.pid', e.pid))
    FROM events AS e
    JOIN kinds AS k ON k.name = e.kind
    LEFT JOIN objects AS o ON o.name = e.object
    ORDER BY e.seq`,
  `DROP VIEW event_blobs`,
  `DROP TABLE events`,
  `CREATE TABLE blobs_v2 (
    id         INTEGER PRIMARY KEY,
    hash       TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL,
    codec      TEXT    NOT NULL CHECK (codec IN ('raw', 'zstd')),
    data       BLOB    NOT NULL
  )`,
  `INSERT INTO blobs_v2 (id, hash, size_bytes, codec, data) SELECT id, hash, size_bytes, codec, data FROM blobs ORDER BY id`,
  `DROP TABLE blobs`,
  `ALTER TABLE blobs_v2 RENAME TO blobs`,
  `CREATE VIEW events AS
    SELECT e.seq AS seq, e.ts_ns AS ts_ns, json_extract(e.args, '$.durNs') AS dur_ns, json_extract(e.args, '$.pid') AS pid,
      e.tid AS tid, k.layer AS layer,
      k.name AS kind, o.name AS object, e.cause_seq AS cause_seq, e.args AS args
    FROM event_rows AS e
    JOIN kinds AS k ON k.id = e.kind_id
    LEFT JOIN objects AS o ON o.id = e.object_id`,
  `CREATE VIEW event_blobs AS
    SELECT e.seq AS seq, t.path AS field, t.value AS blob_id
    FROM event_rows AS e, json_tree(e.args) AS t
    WHERE t.key = '$blob'`,
  `UPDATE meta SET format_version = 2, min_reader_version = 2`,
];
