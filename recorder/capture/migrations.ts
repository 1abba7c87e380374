/**
 * Schema migrations: the ordered steps that take an empty database (user_version 0)
 * to FORMAT_VERSION. The writer runs them on a fresh file; a later tool can run them
 * on an older capture to upgrade it in place. Steps are append-only: once released,
 * a step never changes (old captures were written by it), a new step is added.
 *
 * Example: `migrate(db)` on a new file → runs step 1 (SCHEMA_V1), sets
 * `PRAGMA user_version = 1` and `PRAGMA application_id = 0x54464350`, returns 1.
 */
import { APPLICATION_ID, EVENT_INDEXES_V1, FORMAT_VERSION, SCHEMA_V1 } from './schema';

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

/** Builds the query indexes on `events` if missing (finish() does; so can a repair of a cut-short capture). */
export function ensureIndexes(db: MigrationDb): void {
  db.transaction(() => {
    for (const sql of EVENT_INDEXES_V1) db.exec(sql);
  })();
}
