/**
 * Visits a capture's events (or a seq range) in seq order, a page of PAGE_EVENTS at
 * a time, so consumers that stream (export, the Perfetto-shaped tables) hold one
 * page, never the whole capture.
 */
import type { TraceEvent } from '../../engine/trace/events';
import type { CaptureReader } from './reader';
import { fail, ok, type Result } from './result';

const PAGE_EVENTS = 8192;

/** Runs `fn` on each event of a seq range in order, page by page. */
export function forEachEvent(
  reader: CaptureReader, fromSeq: number | undefined, toSeq: number | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
  fn: (seq: number, cause: number | null, e: TraceEvent) => void,
): Result<{ events: number; lastTsNs: number }> {
  const total = reader.summary().events;
  const first = Math.max(1, fromSeq ?? 1);
  const last = Math.min(toSeq ?? total, total);
  let events = 0;
  let lastTsNs = 0;
  for (let from = first; from <= last; from += PAGE_EVENTS) {
    const page = reader.events({ fromSeq: from, toSeq: Math.min(last, from + PAGE_EVENTS - 1) });
    if (!page.ok) return fail('bad-row', page.error.message);
    for (const d of page.value) {
      fn(d.seq, d.causeSeq, d.event);
      lastTsNs = Math.max(lastTsNs, d.event.tsNs + ('durNs' in d.event ? d.event.durNs : 0));
      events++;
    }
    onProgress?.(events, last - first + 1);
  }
  return ok({ events, lastTsNs });
}
