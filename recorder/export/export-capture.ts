/**
 * Exports a capture (or a seq range of it) as a Perfetto protobuf trace or Chrome
 * JSON, streamed: events are read in pages of PAGE_EVENTS, projected onto the
 * timeline (timeline/project.ts) and encoded into ~1 MiB chunks handed to `out`, so
 * memory stays bounded by the page and by what is open on the timeline, not by the
 * capture's size.
 *
 * Example:
 *   const fd = openSync('vkcube.perfetto-trace', 'w');
 *   exportCapture(reader, { format: 'perfetto', out: { write: (b) => writeSync(fd, b) } });
 *   // → { ok: true, value: { events: 1490, packets: 2311, bytes: 180224 } }
 */
import type { CaptureReader } from '../capture/reader';
import { fail, ok, type Result } from '../capture/result';
import { Projector } from '../timeline/project';
import type { TimelineItem, TimelineSink } from '../timeline/items';
import { JsonSink } from './json-sink';
import { PerfettoSink, type ByteSink } from './perfetto/perfetto-sink';

export type ExportFormat = 'perfetto' | 'json';

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly out: ByteSink;
  /** Inclusive seq range (default: the whole capture). */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** Called after each page with the events done and the total to do. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  readonly events: number;
  readonly items: number;
  readonly bytes: number;
}

const PAGE_EVENTS = 8192;

export function exportCapture(reader: CaptureReader, options: ExportOptions): Result<ExportSummary> {
  let bytes = 0;
  const out: ByteSink = { write: (b) => { bytes += b.length; options.out.write(b); } };
  const encoder = options.format === 'perfetto' ? new PerfettoSink(out) : new JsonSink(out);
  let items = 0;
  const counting: TimelineSink = { item: (i: TimelineItem) => { items++; encoder.item(i); } };
  const projector = new Projector(counting, reader.meta().app);
  const result = forEachEvent(reader, options.fromSeq, options.toSeq, options.onProgress, (seq, cause, e) => projector.event(seq, cause, e));
  if (!result.ok) return result;
  projector.finish(result.value.lastTsNs);
  if (encoder instanceof JsonSink) encoder.finish();
  else encoder.flush();
  return ok({ events: result.value.events, items, bytes });
}

/** Runs `fn` on each event of a seq range in order, page by page. */
export function forEachEvent(
  reader: CaptureReader, fromSeq: number | undefined, toSeq: number | undefined,
  onProgress: ((done: number, total: number) => void) | undefined,
  fn: (seq: number, cause: number | null, e: import('../../engine/trace/events').TraceEvent) => void,
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
