/**
 * Reading a capture: `openCapture(path)` checks the file and returns a reader, or an
 * error that names what is wrong (no such file, not SQLite, truncated or corrupt, not
 * a capture, missing tables, written by a newer format).
 *
 * The database is opened read-only. Typed queries are built with Kysely and run
 * synchronously: a query is compiled once, its statement prepared once and cached
 * by SQL text, which keeps Kysely off the per-row cost (`reader.kysely` is also a
 * full async Kysely instance for callers that want one). `query(sql)` is the free-form
 * entry point for the CLI and API: one statement, which SQLite must report as
 * read-only and row-returning; ATTACH / DETACH are refused by name because SQLite
 * counts them as read-only.
 *
 * Version rule: a file is readable when its `min_reader_version` ≤ READER_VERSION;
 * a newer `format_version` with an old `min_reader_version` only added things this
 * reader ignores.
 *
 * Example:
 *   const r = openCapture('run.tfcap');
 *   if (!r.ok) console.error(r.error.message);   // e.g. "run.tfcap is truncated: …"
 *   r.value.events({ kind: 'kmd.ioctl', limit: 10 })  // → { ok: true, value: [{ seq, causeSeq, event }, …] }
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Compilable, type SelectQueryBuilder } from 'kysely';
import type { TraceEvent } from '../../engine/trace/events';
import { decodeBlob } from './blob-codec';
import { fail, ok, type CaptureError, type Result } from './result';
import { decodeEvent, type StoredRow } from './row-codec';
import { APPLICATION_ID, READER_VERSION, REQUIRED_RELATIONS, type CaptureState } from './schema';
import type { CaptureTables, EventsTable } from './tables';

export interface CaptureMeta {
  readonly formatVersion: number;
  readonly minReaderVersion: number;
  readonly state: CaptureState;
  readonly app: string;
  readonly options: unknown;
  readonly seed: number;
  readonly injectedBugs: readonly string[];
  readonly engineVersion: string;
  readonly createdAt: string;
  readonly host: string;
  readonly finishedAt: string | null;
  /** Set by finish(); null while recording (count the rows instead). */
  readonly eventCount: number | null;
  /** Why an aborted run stopped; null for complete and still-recording captures. */
  readonly error: string | null;
}

export interface EventFilter {
  /** Inclusive seq range. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  readonly kind?: string;
  /** 'api' | 'kmd' | 'hw' (the kind's layer). */
  readonly layer?: string;
  readonly object?: string;
  readonly limit?: number;
}

export interface DecodedEvent {
  readonly seq: number;
  readonly causeSeq: number | null;
  readonly event: TraceEvent;
}

export interface KindCount {
  readonly layer: string;
  readonly kind: string;
  readonly count: number;
}

export interface CaptureSummary {
  readonly events: number;
  readonly byKind: readonly KindCount[];
  readonly byLayer: Readonly<Record<string, number>>;
  readonly blobs: number;
  readonly blobBytes: number;
  readonly storedBlobBytes: number;
}

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  /** True when `maxRows` or `maxMs` cut the result (see query()). */
  readonly truncated?: boolean;
}

export interface QueryLimits {
  /** Stop after this many rows (truncated: true). */
  readonly maxRows?: number;
  /**
   * Stop stepping after this much wall time (truncated: true). Checked between rows:
   * SQLite offers better-sqlite3 no interrupt, so one step that never yields a row (an
   * aggregate over a huge join) is not cut short.
   */
  readonly maxMs?: number;
}

/** What the small-blob cache may hold (blob()). */
const BLOB_CACHE_BYTES = 16 << 20;
/**
 * What one cached blob costs beyond its bytes (a Uint8Array, its ArrayBuffer and the
 * Map entry: ~200 bytes measured in a heap snapshot). Charged so that a cache of 40-byte
 * argument structs is bounded too: counting only their bytes let a 10M-event export
 * hold 225k of them (~45 MB).
 */
const BLOB_ENTRY_OVERHEAD_BYTES = 200;

/** A blob reference inside args text (row-codec.ts writes `{"$blob":id}`). */
const BLOB_REF = /"\$blob":(\d+)/g;

const SQLITE_MAGIC = 'SQLite format 3\0';

export function openCapture(path: string): Result<CaptureReader> {
  if (!existsSync(path)) return fail('not-found', `${path}: no such file`);
  const header = readHeader(path);
  if (header.length < 100 || Buffer.from(header.subarray(0, 16)).toString('latin1') !== SQLITE_MAGIC) {
    return fail('not-sqlite', `${path} is not a SQLite database (${header.length === 0 ? 'empty file' : 'no SQLite header'}), so not a capture`);
  }
  const view = new DataView(header.buffer, header.byteOffset, header.length);
  const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
  const pages = view.getUint32(28);
  const sizeBytes = statSync(path).size;
  if (pages * pageSize > sizeBytes) {
    return fail('corrupt', `${path} is truncated: its header says ${pages} pages of ${pageSize} B (${pages * pageSize} B), the file has ${sizeBytes} B`);
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    return fail('corrupt', `${path} cannot be opened as SQLite: ${(err as Error).message}`);
  }
  const checked = guard(path, () => checkCapture(path, db));
  if (!checked.ok) {
    db.close();
    return checked;
  }
  if (checked.value) {
    db.close();
    return { ok: false, error: checked.value };
  }
  return ok(new CaptureReader(path, db));
}

function readHeader(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(100);
    const n = readSync(fd, buf, 0, 100, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** undefined when `db` is a capture this reader can read, else what is wrong. */
function checkCapture(path: string, db: Database.Database): CaptureError | undefined {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')`).pluck().all() as string[]));
  const appId = Number(db.pragma('application_id', { simple: true }));
  if (appId !== APPLICATION_ID && !tables.has('meta')) {
    return { code: 'not-a-capture', message: `${path} is a SQLite database but not a capture (application_id ${appId}, no meta table)` };
  }
  const missing = REQUIRED_RELATIONS.filter((t) => !tables.has(t));
  if (missing.length) return { code: 'missing-tables', message: `${path} is not a complete capture: missing table(s) ${missing.join(', ')}` };
  const v = db.prepare('SELECT format_version, min_reader_version FROM meta WHERE id = 1').get() as
    { format_version: number; min_reader_version: number } | undefined;
  if (!v) return { code: 'corrupt', message: `${path}: the meta table has no row` };
  if (v.min_reader_version > READER_VERSION) {
    return {
      code: 'too-new',
      message: `${path} has format_version ${v.format_version} and needs a reader of version ${v.min_reader_version} or newer; this reader supports up to ${READER_VERSION} (upgrade tracefold)`,
    };
  }
  return undefined;
}

/** Runs `fn`, turning SQLite's corruption errors into a 'corrupt' error value. */
function guard<T>(path: string, fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      return fail('corrupt', `${path} is damaged: ${(err as Error).message}`);
    }
    throw err;
  }
}

export class CaptureReader {
  /** Kysely over the read-only connection (async `execute`, or `compile` for `all`). */
  readonly kysely: Kysely<CaptureTables>;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly blobCache = new Map<number, Uint8Array>();
  private blobCacheBytes = 0;
  private argsHoldColumns: boolean | undefined;
  private kindNameCache: readonly string[] | undefined;
  private blobStatement: Database.Statement | undefined;
  private blobsInStatement: Database.Statement | undefined;

  constructor(readonly path: string, private readonly db: Database.Database) {
    this.kysely = new Kysely<CaptureTables>({ dialect: new SqliteDialect({ database: db }) });
  }

  /** Runs a Kysely query synchronously on a cached prepared statement. */
  all<O>(query: Compilable<O>): O[] {
    const c = query.compile();
    let stmt = this.statements.get(c.sql);
    if (!stmt) {
      stmt = this.db.prepare(c.sql);
      this.statements.set(c.sql, stmt);
    }
    return stmt.all(...(c.parameters as unknown[])) as O[];
  }

  meta(): CaptureMeta {
    const m = this.all(this.kysely.selectFrom('meta').selectAll().where('id', '=', 1))[0];
    if (!m) throw new Error(`${this.path}: meta row vanished`);
    return {
      formatVersion: m.format_version, minReaderVersion: m.min_reader_version, state: m.state, app: m.app,
      options: JSON.parse(m.options_json), seed: m.seed, injectedBugs: JSON.parse(m.injected_bugs_json) as string[],
      engineVersion: m.engine_version, createdAt: m.created_at, host: m.host, finishedAt: m.finished_at, eventCount: m.event_count, error: m.error,
    };
  }

  /** Raw rows in seq order, filtered. */
  eventRows(f: EventFilter = {}): EventsTable[] {
    return this.all(filtered(this.kysely.selectFrom('events').selectAll(), f));
  }

  /** Events decoded back into TraceEvents with their byte fields restored. */
  events(f: EventFilter = {}): Result<DecodedEvent[]> {
    // A damaged page shows only when a read reaches it: an error value, like a bad row.
    const r = guard(this.path, () => this.decodedEvents(f));
    return r.ok ? r.value : r;
  }

  private decodedEvents(f: EventFilter): Result<DecodedEvent[]> {
    const out: DecodedEvent[] = [];
    const rows = this.storedRows(f);
    const page = this.pageBlobs(rows);
    // Each reference gets its own bytes (a consumer may write into them): the prefetched
    // array goes to the first, copies to any later ones.
    const getBlob = (id: number): Uint8Array | undefined => {
      const b = page.get(id);
      if (b === undefined) return this.blob(id);
      page.set(id, null);
      return b ?? this.blob(id);
    };
    for (const row of rows) {
      const d = decodeEvent(row, getBlob);
      if (!d.ok) return fail('bad-row', `event ${row.seq}: ${d.error.message}`);
      out.push({ seq: row.seq, causeSeq: row.cause_seq, event: d.value });
    }
    return ok(out);
  }

  /**
   * The columns decoding needs. From format 2 on, `durNs` and `pid` are in args, so
   * the view's dur_ns / pid (a json_extract each per row) are not selected, and the
   * rows come straight from `event_rows` by rowid range with the kind resolved from
   * `kinds` in memory (no join): a full decode reads ~2× faster than through the view.
   * An object or layer filter still goes through the view (it needs a join).
   */
  private storedRows(f: EventFilter): Array<StoredRow & { seq: number; cause_seq: number | null }> {
    this.argsHoldColumns ??= this.meta().formatVersion >= 2;
    if (!this.argsHoldColumns) return this.eventRows(f);
    if (f.object !== undefined || f.layer !== undefined) {
      const rows = this.all(filtered(this.kysely.selectFrom('events').select(['seq', 'ts_ns', 'kind', 'cause_seq', 'args']), f));
      return rows.map((r) => ({ ...r, dur_ns: null, pid: null }));
    }
    const kinds = this.kindNames();
    let kindId: number | undefined;
    if (f.kind !== undefined) {
      kindId = kinds.indexOf(f.kind);
      if (kindId < 0) return [];
    }
    const where = [f.fromSeq !== undefined ? 'seq >= ?' : '', f.toSeq !== undefined ? 'seq <= ?' : '', kindId !== undefined ? 'kind_id = ?' : '']
      .filter((w) => w !== '');
    const sqlText = `SELECT seq, ts_ns, kind_id, cause_seq, args FROM event_rows${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq${
      f.limit !== undefined ? ' LIMIT ?' : ''}`;
    let stmt = this.statements.get(sqlText);
    if (!stmt) {
      stmt = this.db.prepare(sqlText).raw(true);
      this.statements.set(sqlText, stmt);
    }
    const params = [f.fromSeq, f.toSeq, kindId, f.limit].filter((p) => p !== undefined);
    const raw = stmt.all(...params) as Array<[number, number, number, number | null, string]>;
    const out = new Array<StoredRow & { seq: number; cause_seq: number | null }>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const r = raw[i]!;
      out[i] = { seq: r[0], ts_ns: r[1], kind: kinds[r[2]] ?? `#${r[2]}`, cause_seq: r[3], args: r[4], dur_ns: null, pid: null };
    }
    return out;
  }

  /** Kind names by id (index = kinds.id; the table is small and fixed once written). Format 2. */
  kindNames(): readonly string[] {
    if (this.kindNameCache) return this.kindNameCache;
    const names: string[] = [];
    for (const k of this.all(this.kysely.selectFrom('kinds').select(['id', 'name']))) names[k.id] = k.name;
    return (this.kindNameCache = names);
  }

  /**
   * The blobs a page of rows refers to, fetched by one statement (ids passed as a JSON
   * array) instead of a statement per byte field: a decode pass refers to a blob from
   * most ioctls, and the per-call overhead was a third of a full decode.
   */
  private pageBlobs(rows: ReadonlyArray<{ args: string }>): Map<number, Uint8Array | null> {
    const ids = new Set<number>();
    for (const r of rows) {
      if (!r.args.includes('"$blob"')) continue;
      for (const m of r.args.matchAll(BLOB_REF)) ids.add(Number(m[1]));
    }
    const out = new Map<number, Uint8Array | null>();
    if (ids.size < 2) return out;
    this.blobsInStatement ??= this.db.prepare('SELECT id, codec, data FROM blobs WHERE id IN (SELECT value FROM json_each(?))').raw(true);
    for (const [id, codec, data] of this.blobsInStatement.all(JSON.stringify([...ids])) as Array<[number, string, Uint8Array]>) {
      out.set(id, decodeBlob(codec, data));
    }
    return out;
  }

  /** A blob's uncompressed bytes (a fresh copy), or undefined. */
  blob(id: number): Uint8Array | undefined {
    const cached = this.blobCache.get(id);
    if (cached) return cached.slice();
    // A prepared statement, not a Kysely compile per call: a decode pass fetches a blob for most ioctls.
    this.blobStatement ??= this.db.prepare('SELECT codec, data FROM blobs WHERE id = ?');
    const row = this.blobStatement.get(id) as { codec: string; data: Uint8Array } | undefined;
    if (!row) return undefined;
    const bytes = decodeBlob(row.codec, row.data);
    if (bytes.length <= 4096) {
      // Bounded by bytes, not entries: 65,536 entries of up to 4 KiB could hold 256 MiB.
      const cost = bytes.length + BLOB_ENTRY_OVERHEAD_BYTES;
      if (this.blobCacheBytes + cost > BLOB_CACHE_BYTES) {
        this.blobCache.clear();
        this.blobCacheBytes = 0;
      }
      this.blobCache.set(id, bytes);
      this.blobCacheBytes += cost;
      return bytes.slice();
    }
    return bytes;
  }

  blobByHash(hash: string): Uint8Array | undefined {
    const row = this.all(this.kysely.selectFrom('blobs').select('id').where('hash', '=', hash))[0];
    return row ? this.blob(row.id) : undefined;
  }

  summary(): CaptureSummary {
    this.argsHoldColumns ??= this.meta().formatVersion >= 2;
    // Format 2 counts by kind_id (the kind index, no join per row); format 1 through its table.
    const byKind = this.argsHoldColumns
      ? this.all(
        this.kysely.selectFrom(
          this.kysely.selectFrom('event_rows').select(({ fn }) => ['kind_id', fn.countAll<number>().as('count')]).groupBy('kind_id').as('c'),
        ).innerJoin('kinds', 'kinds.id', 'c.kind_id').select(['kinds.layer as layer', 'kinds.name as kind', 'c.count as count'])
          .orderBy('layer').orderBy('kind'),
      )
      : this.all(
        this.kysely.selectFrom('events').select(({ fn }) => ['layer', 'kind', fn.countAll<number>().as('count')])
          .groupBy(['layer', 'kind']).orderBy('layer').orderBy('kind'),
      );
    const byLayer: Record<string, number> = {};
    for (const k of byKind) byLayer[k.layer] = (byLayer[k.layer] ?? 0) + k.count;
    const b = this.all(
      this.kysely.selectFrom('blobs').select([
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(size_bytes), 0)`.as('size'),
        sql<number>`coalesce(sum(length(data)), 0)`.as('stored'),
      ]),
    )[0];
    return {
      events: byKind.reduce((n, k) => n + k.count, 0), byKind, byLayer,
      blobs: b?.n ?? 0, blobBytes: b?.size ?? 0, storedBlobBytes: b?.stored ?? 0,
    };
  }

  /**
   * Free-form read-only SQL: one statement that returns rows. Anything else is
   * refused with a 'read-only' error before it runs.
   * Example: `query('SELECT kind, count(*) FROM events GROUP BY kind')`
   * → `{ ok: true, value: { columns: ['kind', 'count(*)'], rows: [['hw.irq', 12], …] } }`;
   * `query('DELETE FROM events')` → `{ ok: false, error: { code: 'read-only', … } }`.
   */
  query(sql: string, params: readonly unknown[] = [], limits: QueryLimits = {}): Result<QueryResult> {
    if (/^\s*(ATTACH|DETACH)\b/i.test(sql)) return fail('read-only', `captures are queried read-only: ${sql.trim().split(/\s+/)[0]!.toUpperCase()} is not allowed`);
    let stmt: Database.Statement;
    try {
      stmt = this.db.prepare(sql);
    } catch (err) {
      // SQLite refuses writes to a view (`events` is one) while preparing, before the read-only check below can.
      if (/^cannot modify \S+ because it is a view$/.test((err as Error).message)) {
        return fail('read-only', `captures are queried read-only: this statement would modify the database (${firstWords(sql)})`);
      }
      return fail('sql', (err as Error).message);
    }
    if (!stmt.readonly) return fail('read-only', `captures are queried read-only: this statement would modify the database (${firstWords(sql)})`);
    if (!stmt.reader) return fail('read-only', `only queries that return rows are allowed (${firstWords(sql)})`);
    try {
      const columns = stmt.columns().map((c) => c.name);
      if (limits.maxRows === undefined && limits.maxMs === undefined) return ok({ columns, rows: stmt.raw(true).all(...params) as unknown[][] });
      const rows: unknown[][] = [];
      const deadline = limits.maxMs === undefined ? Infinity : Date.now() + limits.maxMs;
      const it = stmt.raw(true).iterate(...params) as IterableIterator<unknown[]>;
      let truncated = false;
      for (const row of it) {
        if (rows.length >= (limits.maxRows ?? Infinity) || Date.now() > deadline) {
          truncated = true;
          break; // for…of closes the iterator, which resets the statement

        }
        rows.push(row);
      }
      return ok({ columns, rows, truncated });
    } catch (err) {
      return fail('sql', (err as Error).message);
    }
  }

  /**
   * The connection's TEMP schema, for derived tables that queries join (the
   * Perfetto-shaped views of timeline/perfetto-tables.ts). TEMP lives in memory on
   * this connection only: the capture file itself stays untouched and read-only.
   */
  temp(): TempSchema {
    const db = this.db;
    return {
      exec: (ddl) => void db.exec(ddl),
      fn: (name, impl) => void db.function(name, { deterministic: true }, impl as (...a: unknown[]) => unknown),
      has: (table) => db.prepare(`SELECT 1 FROM temp.sqlite_schema WHERE name = ?`).get(table) !== undefined,
      all: (sql, params = []) => db.prepare(sql).raw(true).all(...params) as unknown[][],
      insert(table, columns, rows) {
        const stmt = db.prepare(`INSERT INTO temp.${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        db.transaction(() => { for (const r of rows) stmt.run(...r); })();
      },
    };
  }

  close(): void {
    this.db.close();
  }
}

/** Write access to a reader's TEMP schema only (see CaptureReader.temp). */
export interface TempSchema {
  exec(ddl: string): void;
  /** A SQL function on this connection (pure: it must not query the database). */
  fn(name: string, impl: (...args: never[]) => unknown): void;
  has(table: string): boolean;
  /** Rows of a query over the TEMP tables, as arrays. */
  all(sql: string, params?: readonly unknown[]): unknown[][];
  insert(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): void;
}

/** `f` as WHERE / ORDER BY / LIMIT on a query of the events view. */
function filtered<O>(query: SelectQueryBuilder<CaptureTables, 'events', O>, f: EventFilter): SelectQueryBuilder<CaptureTables, 'events', O> {
  let q = query;
  if (f.fromSeq !== undefined) q = q.where('seq', '>=', f.fromSeq);
  if (f.toSeq !== undefined) q = q.where('seq', '<=', f.toSeq);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.layer !== undefined) q = q.where('layer', '=', f.layer);
  if (f.object !== undefined) q = q.where('object', '=', f.object);
  q = q.orderBy('seq');
  if (f.limit !== undefined) q = q.limit(f.limit);
  return q;
}

function firstWords(sql: string): string {
  const s = sql.trim().replace(/\s+/g, ' ');
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

