/**
 * Visits a capture's events (or a seq range) in seq order, a page of PAGE_EVENTS at a
 * time, so consumers that stream (export, the Perfetto-shaped tables) hold one page,
 * never the whole capture.
 *
 * Two sources, the same events in the same order:
 * - by default a KindCursor over reader.events() (the reference decode);
 * - with `bytesRead` (the kinds whose byte fields the consumer reads), event-pages.ts:
 *   a worker thread reads and the pages are decoded here, byte fields of the other
 *   kinds as zero-filled stand-ins of the right length, and of the kinds in `argsRead`
 *   only the args fields named there. The timeline's three consumers use it (the
 *   export, the API's timeline index, the Perfetto-shaped tables: all they read is the
 *   projection); a page the worker cannot carry exactly, or all that is left if the
 *   worker fails, comes through the reference decode instead.
 */
import type { TraceEvent } from '../../engine/trace/events';
import { KindCursor } from './capture-cursor';
import { PAGE_EVENTS, readEventPages, workerPagesSupported, type ArgsRead } from './event-pages';
import type { CaptureReader } from './reader';
import { fail, ok, type Result } from './result';

export function forEachEvent(
  reader: CaptureReader, fromSeq: number | undefined, toSeq: number | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
  fn: (seq: number, cause: number | null, e: TraceEvent) => void,
  bytesRead?: ReadonlySet<string>,
  argsRead: ArgsRead = {},
): Result<{ events: number; lastTsNs: number }> {
  // The meta row's count once finished; counting by kind (summary) costs a full scan.
  const total = reader.meta().eventCount ?? reader.summary().events;
  const first = Math.max(1, fromSeq ?? 1);
  const last = Math.min(toSeq ?? total, total);
  let events = 0;
  let lastTsNs = 0;
  const visit = (seq: number, cause: number | null, e: TraceEvent): void => {
    fn(seq, cause, e);
    lastTsNs = Math.max(lastTsNs, e.tsNs + ('durNs' in e ? e.durNs : 0));
    if (++events % PAGE_EVENTS === 0) onProgress?.(events, last - first + 1);
  };
  let from = first;
  if (bytesRead && workerPagesSupported(reader)) {
    const r = readEventPages(reader, first, last, bytesRead, argsRead, visit);
    if (!r.ok) return fail('bad-row', r.error.message);
    from = r.value.next;
  }
  if (from <= last) {
    const cursor = new KindCursor(reader, undefined, from, PAGE_EVENTS);
    for (let d = cursor.next(); d && d.seq <= last; d = cursor.next()) visit(d.seq, d.causeSeq, d.event);
    if (cursor.error) return fail('bad-row', cursor.error.message);
  }
  onProgress?.(events, last - first + 1);
  return ok({ events, lastTsNs });
}
