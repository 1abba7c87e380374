/**
 * Visits a capture's events (or a seq range) in seq order through a KindCursor, a
 * page of PAGE_EVENTS at a time, so consumers that stream (export, the Perfetto-shaped tables) hold one
 * page, never the whole capture.
 */
import type { TraceEvent } from '../../engine/trace/events';
import { KindCursor } from './capture-cursor';
import type { CaptureReader } from './reader';
import { fail, ok, type Result } from './result';

const PAGE_EVENTS = 8192;

export function forEachEvent(
  reader: CaptureReader, fromSeq: number | undefined, toSeq: number | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
  fn: (seq: number, cause: number | null, e: TraceEvent) => void,
): Result<{ events: number; lastTsNs: number }> {
  // The meta row's count once finished; counting by kind (summary) costs a full scan.
  const total = reader.meta().eventCount ?? reader.summary().events;
  const first = Math.max(1, fromSeq ?? 1);
  const last = Math.min(toSeq ?? total, total);
  const cursor = new KindCursor(reader, undefined, first, PAGE_EVENTS);
  let events = 0;
  let lastTsNs = 0;
  for (let d = cursor.next(); d && d.seq <= last; d = cursor.next()) {
    fn(d.seq, d.causeSeq, d.event);
    lastTsNs = Math.max(lastTsNs, d.event.tsNs + ('durNs' in d.event ? d.event.durNs : 0));
    if (++events % PAGE_EVENTS === 0) onProgress?.(events, last - first + 1);
  }
  if (cursor.error) return fail('bad-row', cursor.error.message);
  onProgress?.(events, last - first + 1);
  return ok({ events, lastTsNs });
}
