/**
 * The capture list's rows and the capture detail (api/contract.ts CaptureListItem /
 * CaptureDetail) from a reader. A list row costs a few indexed queries (the meta
 * row, the last event, a count only while recording); the detail is `tracefold
 * info`'s overview (recorder/capture-overview.ts) without the blob-dedup pass: indexed
 * queries only for a format-2 capture.
 *
 * Example: listItem('vkcube-1-1.tfcap', reader, 180224)
 *   → { id: 'vkcube-1-1.tfcap', state: 'complete', app: 'vkcube', seed: 1, injectedBugs: [], events: 1490, durationNs: 2.1e6, … }
 */
import type { CaptureReader } from '../recorder/capture/reader';
import { captureOverview } from '../recorder/capture-overview';
import type { CaptureDetail, CaptureListItem } from './contract';

export function listItem(id: string, reader: CaptureReader, sizeBytes: number): CaptureListItem {
  const m = reader.meta();
  const k = reader.kysely;
  const last = reader.all(k.selectFrom('events').select('ts_ns').orderBy('seq', 'desc').limit(1))[0];
  const events = m.eventCount ?? reader.summary().events;
  return {
    id, state: m.state, app: m.app, seed: m.seed, injectedBugs: m.injectedBugs, events,
    durationNs: last?.ts_ns ?? 0, sizeBytes, createdAt: m.createdAt,
  };
}

export function captureDetail(id: string, reader: CaptureReader): CaptureDetail {
  const o = captureOverview(reader, { dedup: false });
  const m = o.meta;
  const count = (sql: string): number => {
    const r = reader.query(sql);
    return r.ok ? Number(r.value.rows[0]?.[0] ?? 0) : 0;
  };
  return {
    id, state: m.state, app: m.app, seed: m.seed, injectedBugs: m.injectedBugs, events: o.summary.events,
    durationNs: o.durationNs, sizeBytes: o.sizeBytes, createdAt: m.createdAt,
    formatVersion: m.formatVersion, engineVersion: m.engineVersion, options: m.options, error: m.error,
    pids: o.pids, byLayer: o.summary.byLayer, byKind: o.summary.byKind, objects: o.objects,
    checkpoints: count('SELECT count(*) FROM checkpoints'),
    frames: count(`SELECT count(*) FROM events WHERE kind = 'frame.present'`),
  };
}
