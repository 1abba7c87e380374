/**
 * Reading a capture's events forward in pages, so a replay or a verifier holds a
 * page at a time, never the whole log (captures run to millions of events).
 *
 * Model
 * - A `CaptureCursor` walks the events of one kind (`kind`), or of every kind, in
 *   seq order, `PAGE_EVENTS` decoded events per query through the reader's public
 *   `events()` — so it keeps working when the capture schema moves behind the
 *   reader. `keep` drops events the consumer does not want before it sees them.
 * - A `MergedCursor` merges single-kind cursors by seq: the inputs of a replay
 *   (a few kinds out of many) without decoding the others.
 * - A row that does not decode ends the walk with `error` set (a value, not a throw).
 *
 * Example:
 *   const c = new CaptureCursor(reader, { kind: 'kmd.ioctl' });
 *   for (let d = c.next(); d; d = c.next()) console.log(d.seq, d.event.kind);  // 12 kmd.ioctl, 15 kmd.ioctl, …
 */
import type { EventKind } from '../engine/trace/events';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';

export const PAGE_EVENTS = 2048;

export interface EventSource {
  /** The next event, or undefined at the end (or after an error). */
  next(): DecodedEvent | undefined;
  /** Set when a row did not decode; the walk stops there. */
  readonly error: string | undefined;
}

export class CaptureCursor implements EventSource {
  private page: readonly DecodedEvent[] = [];
  private index = 0;
  private nextSeq: number;
  private exhausted = false;
  error: string | undefined;

  constructor(
    private readonly reader: CaptureReader,
    private readonly options: { readonly kind?: EventKind; readonly fromSeq?: number; readonly keep?: (d: DecodedEvent) => boolean } = {},
  ) {
    this.nextSeq = options.fromSeq ?? 1;
  }

  next(): DecodedEvent | undefined {
    for (;;) {
      if (this.index < this.page.length) {
        const d = this.page[this.index++]!;
        if (!this.options.keep || this.options.keep(d)) return d;
        continue;
      }
      if (this.exhausted || !this.fill()) return undefined;
    }
  }

  /** The next event without consuming it. */
  peek(): DecodedEvent | undefined {
    const d = this.next();
    if (d) this.index--;
    return d;
  }

  private fill(): boolean {
    const r = this.reader.events({ fromSeq: this.nextSeq, kind: this.options.kind, limit: PAGE_EVENTS });
    if (!r.ok) {
      this.error = r.error.message;
      this.exhausted = true;
      return false;
    }
    this.page = r.value;
    this.index = 0;
    const last = r.value[r.value.length - 1];
    if (r.value.length < PAGE_EVENTS || !last) this.exhausted = true;
    if (last) this.nextSeq = last.seq + 1;
    return r.value.length > 0;
  }
}

/** Several single-kind cursors read as one stream, in seq order. */
export class MergedCursor implements EventSource {
  private readonly cursors: CaptureCursor[];

  constructor(reader: CaptureReader, kinds: readonly EventKind[], fromSeq = 1) {
    this.cursors = kinds.map((kind) => new CaptureCursor(reader, { kind, fromSeq }));
  }

  get error(): string | undefined {
    return this.cursors.find((c) => c.error !== undefined)?.error;
  }

  next(): DecodedEvent | undefined {
    let best: CaptureCursor | undefined;
    let bestSeq = Infinity;
    for (const c of this.cursors) {
      const d = c.peek();
      if (d && d.seq < bestSeq) {
        best = c;
        bestSeq = d.seq;
      }
    }
    if (this.error !== undefined) return undefined;
    return best?.next();
  }
}
