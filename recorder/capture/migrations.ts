/**
 * Schema migrations: the ordered steps that take an empty database (user_version 0)
 * to FORMAT_VERSION. The writer runs them on a fresh file; a later tool can run them
 * on an older capture to upgrade it in place. Steps are append-only: once released,
 * a step never changes (old captures were written by it), a new step is added.
 *
 * A new file runs every step (format 1's tables, then the step that reshapes them into
 * format 2: cheap on empty tables), so a file upgraded from format 1 and a new one have
 * the same schema.
 *
 * Example: `migrate(db)` on a new file → runs steps 1 and 2, sets
 * `PRAGMA user_version = 2` and `PRAGMA application_id = 0x54464350`, returns 2; on a
 * format-1 capture it runs step 2 only, keeping every event, object and blob.
 */
import { APPLICATION_ID, EVENT_INDEXES_V1, FORMAT_VERSION, INDEXES_V2, SCHEMA_V1, SCHEMA_V2_FROM_V1 } from './schema';

/** The subset of better-sqlite3's Database that migrations use. */
export interface MigrationDb {
  exec(sql: string): unknown;
  pragma(sql: string, options: { simple: true }): unknown;
  transaction(fn: () => void): () => void;
}

export interface Migration {
  /** The format_version this step produces. */
  readonly version: number;
  readonly doc: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, doc: 'meta, events, blobs, checkpoints, event_blobs view (event indexes: ensureIndexes)', statements: SCHEMA_V1 },
  {
    version: 2,
    doc: 'kinds and objects lookup tables, event_rows (dur_ns and pid from args), events and event_blobs views, blobs hash index at finish',
    statements: SCHEMA_V2_FROM_V1,
  },
];

/** Applies every step above the file's user_version in one transaction; returns the new version. */
export function migrate(db: MigrationDb): number {
  const from = Number(db.pragma('user_version', { simple: true }));
  if (from > FORMAT_VERSION) throw new Error(`capture schema ${from} is newer than this code (${FORMAT_VERSION}); refusing to migrate`);
  const pending = MIGRATIONS.filter((m) => m.version > from);
  db.transaction(() => {
    for (const m of pending) for (const sql of m.statements) db.exec(sql);
    db.pragma(`application_id = ${APPLICATION_ID}`, { simple: true });
    db.pragma(`user_version = ${FORMAT_VERSION}`, { simple: true });
  })();
  return FORMAT_VERSION;
}

/**
 * Builds the query indexes of the file's format if missing (finish() does; so can a
 * repair of a cut-short capture). Needs a writable connection.
 */
export function ensureIndexes(db: MigrationDb): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  const indexes = version === 1 ? EVENT_INDEXES_V1 : INDEXES_V2;
  db.transaction(() => {
    for (const sql of indexes) db.exec(sql);
  })();
}
