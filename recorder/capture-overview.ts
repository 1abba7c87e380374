/**
 * What `tracefold info` (and later the API's capture list) shows about a capture:
 * its meta row, how much it holds per layer and kind, which processes and objects
 * it concerns, and what it costs on disk.
 *
 * - `durationNs`: the virtual time of the last event (the engine clock starts at 0).
 * - `objects`: distinct `events.object` values per type prefix (`bo:3` → `bo`).
 * - `pids` and `objects` come from indexed tables in format 2 (spawn events, `objects`),
 *   from a pass over the events in format 1.
 * - `dedupRatio`: bytes referenced by events (the `event_blobs` view) ÷ bytes of the
 *   distinct blobs they reference; 1 when there are none. Checkpoint snapshots' blobs
 *   are left out of both (they are deduplicated among themselves, not against events).
 *   It scans every event's args, so it costs a pass over the file; `dedup: false`
 *   skips it (null) for callers that must answer fast (the API's capture detail).
 * - `sizeBytes` counts the `-wal` companion of a capture still recording.
 *
 * Example: `captureOverview(reader)` → `{ meta: { state: 'complete', app: 'vkcube', … },
 *   summary: { events: 1490, byLayer: { api: 40, … }, … }, pids: [1], objects: { bo: 7, … }, … }`
 */
import { existsSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import type { CaptureMeta, CaptureReader, CaptureSummary } from './capture/reader';

export interface CaptureOverview {
  readonly path: string;
  readonly meta: CaptureMeta;
  readonly summary: CaptureSummary;
  readonly durationNs: number;
  readonly pids: readonly number[];
  readonly objects: Readonly<Record<string, number>>;
  readonly sizeBytes: number;
  /** Bytes of byte fields referenced by events, before deduplication (null: not measured, `dedup: false`). */
  readonly blobRefBytes: number | null;
  readonly dedupRatio: number | null;
}

export interface OverviewOptions {
  /** Measure blob deduplication (a pass over every event's args); default true. */
  readonly dedup?: boolean;
}

export function captureOverview(r: CaptureReader, options: OverviewOptions = {}): CaptureOverview {
  const k = r.kysely;
  const last = r.all(k.selectFrom('events').select('ts_ns').orderBy('seq', 'desc').limit(1))[0];
  const v2 = r.meta().formatVersion >= 2;
  // Format 2: every process starts with a kmd.process_op spawn (found by the kind index),
  // and `objects` holds exactly the objects events refer to — no pass over the events.
  let pids = v2
    ? r.all(k.selectFrom('kinds').innerJoin('event_rows', 'event_rows.kind_id', 'kinds.id').where('kinds.name', '=', 'kmd.process_op')
      .select(sql<number>`json_extract(event_rows.args, '$.pid')`.as('pid')).distinct().orderBy('pid')).map((p) => p.pid)
    : [];
  if (pids.length === 0) {
    pids = r.all(k.selectFrom('events').select('pid').distinct().where('pid', 'is not', null).orderBy('pid')).map((p) => p.pid as number);
  }
  const objects: Record<string, number> = {};
  const prefix = (col: string) => sql<string>`CASE WHEN instr(${sql.ref(col)}, ':') > 0 THEN substr(${sql.ref(col)}, 1, instr(${sql.ref(col)}, ':') - 1) ELSE ${sql.ref(col)} END`;
  const perType = v2
    ? r.all(k.selectFrom('objects').select([prefix('name').as('type'), sql<number>`count(*)`.as('n')]).groupBy(sql`1`).orderBy(sql`1`))
    : r.all(
      k.selectFrom('events').select([prefix('object').as('type'), sql<number>`count(DISTINCT object)`.as('n')])
        .where('object', 'is not', null).groupBy(sql`1`).orderBy(sql`1`),
    );
  for (const o of perType) objects[o.type] = o.n;
  const summary = r.summary();
  let blobRefBytes: number | null = null;
  let dedupRatio: number | null = null;
  if (options.dedup !== false) {
    const refs = r.all(
      k.selectFrom('event_blobs').innerJoin('blobs', 'blobs.id', 'event_blobs.blob_id')
        .select(sql<number>`coalesce(sum(blobs.size_bytes), 0)`.as('bytes')),
    )[0];
    blobRefBytes = refs?.bytes ?? 0;
    const distinct = r.all(
      k.selectFrom('blobs').where('id', 'in', k.selectFrom('event_blobs').select('blob_id'))
        .select(sql<number>`coalesce(sum(size_bytes), 0)`.as('bytes')),
    )[0];
    const distinctBytes = distinct?.bytes ?? 0;
    dedupRatio = distinctBytes > 0 ? blobRefBytes / distinctBytes : 1;
  }
  const wal = `${r.path}-wal`;
  return {
    path: r.path,
    meta: r.meta(),
    summary,
    durationNs: last?.ts_ns ?? 0,
    pids,
    objects,
    sizeBytes: statSync(r.path).size + (existsSync(wal) ? statSync(wal).size : 0),
    blobRefBytes,
    dedupRatio,
  };
}
