/**
 * Exports a capture (or a seq range of it) as a Perfetto protobuf trace or Chrome
 * JSON, streamed: events are read in pages of PAGE_EVENTS, projected onto the
 * timeline (timeline/project.ts) and encoded into ~1 MiB chunks handed to `out`, so
 * memory stays bounded by the page and by what is open on the timeline, not by the
 * capture's size. A worker thread reads the pages (capture/event-pages.ts), so SQLite's
 * reading overlaps projecting and encoding (bench/export-metrics.ts measures the whole).
 *
 * Example:
 *   const fd = openSync('vkcube.perfetto-trace', 'w');
 *   exportCapture(reader, { format: 'perfetto', out: { write: (b) => writeSync(fd, b) } });
 *   // → { ok: true, value: { events: 1490, packets: 2311, bytes: 180224 } }
 */
import type { CaptureReader } from '../capture/reader';
import { forEachEvent } from '../capture/for-each-event';
import { ok, type Result } from '../capture/result';
import { ARGS_READ, BYTES_READ, Projector } from '../timeline/project';
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
  /**
   * How events are read: 'worker' (default), a worker thread reads pages while this
   * one projects and encodes (capture/event-pages.ts); 'reference', every event decoded
   * in this thread by reader.events(). Both give the same bytes
   * (tests/export/event-pages.test.ts holds them to it).
   */
  readonly read?: 'worker' | 'reference';
}

export interface ExportSummary {
  readonly events: number;
  readonly items: number;
  readonly bytes: number;
}

export function exportCapture(reader: CaptureReader, options: ExportOptions): Result<ExportSummary> {
  let bytes = 0;
  const out: ByteSink = { write: (b) => { bytes += b.length; options.out.write(b); } };
  const encoder = options.format === 'perfetto' ? new PerfettoSink(out) : new JsonSink(out);
  let items = 0;
  const counting: TimelineSink = { item: (i: TimelineItem) => { items++; encoder.item(i); } };
  const projector = new Projector(counting, reader.meta().app);
  const result = forEachEvent(reader, options.fromSeq, options.toSeq, options.onProgress, (seq, cause, e) => projector.event(seq, cause, e),
    options.read === 'reference' ? undefined : BYTES_READ, ARGS_READ);
  if (!result.ok) return result;
  projector.finish(result.value.lastTsNs);
  if (encoder instanceof JsonSink) encoder.finish();
  else encoder.flush();
  return ok({ events: result.value.events, items, bytes });
}
