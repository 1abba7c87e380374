/**
 * Kysely table types for a capture (schema.ts has the DDL and the meaning of each
 * column). Column names are snake_case as in SQL; integers are `number` (every
 * value fits in 2^53: virtual nanoseconds, seqs, sizes).
 *
 * Example: `kysely.selectFrom('events').select(['seq', 'kind']).where('object', '=', 'bo:3')`
 * compiles to `select "seq", "kind" from "events" where "object" = ?`.
 */
import type { BlobCodec, CaptureState } from './schema';

export interface MetaTable {
  id: number;
  format_version: number;
  min_reader_version: number;
  state: CaptureState;
  app: string;
  options_json: string;
  seed: number;
  injected_bugs_json: string;
  engine_version: string;
  created_at: string;
  host: string;
  finished_at: string | null;
  event_count: number | null;
  /** Why the run was aborted (the app's or the engine's error), NULL otherwise. */
  error: string | null;
}

export interface EventsTable {
  seq: number;
  ts_ns: number;
  dur_ns: number | null;
  pid: number | null;
  tid: number | null;
  layer: string;
  kind: string;
  object: string | null;
  cause_seq: number | null;
  args: string;
}

export interface BlobsTable {
  id: number;
  hash: string;
  size_bytes: number;
  codec: BlobCodec;
  data: Uint8Array;
}

export interface CheckpointsTable {
  seq: number;
  state_hash: string;
  snapshot_blob: number | null;
}

/** The `event_blobs` view: which byte field of which event holds which blob. */
export interface EventBlobsView {
  seq: number;
  /** JSON path of the field inside `args`, e.g. `$.argIn`, `$.copies[0].bytes`. */
  field: string;
  blob_id: number;
}

/** Format 2: event kinds by id (`event_rows.kind_id`). */
export interface KindsTable {
  id: number;
  name: string;
  layer: string;
}

/** Format 2: the objects events concern, by id (`event_rows.object_id`). */
export interface ObjectsTable {
  id: number;
  name: string;
}

/** Format 2: the stored event rows behind the `events` view. */
export interface EventRowsTable {
  seq: number;
  ts_ns: number;
  kind_id: number;
  object_id: number | null;
  cause_seq: number | null;
  tid: number | null;
  args: string;
}

export interface CaptureTables {
  kinds: KindsTable;
  objects: ObjectsTable;
  event_rows: EventRowsTable;
  meta: MetaTable;
  events: EventsTable;
  blobs: BlobsTable;
  checkpoints: CheckpointsTable;
  event_blobs: EventBlobsView;
}
