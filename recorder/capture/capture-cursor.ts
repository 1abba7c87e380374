/**
 * Reading a capture's events forward in pages, so a replay or a verifier holds a
 * page at a time however large the capture is.
 *
 * Model
 * - A `KindCursor` walks the events of one kind (or of every kind) in seq order,
 *   fetching `pageSize` rows at a time through the reader's public `events()` (so it
 *   keeps working when the schema moves behind the reader); `keep` drops events the
 *   consumer does not want before it sees them.
 * - A `MergedCursor` walks several kinds as one stream in seq order (a k-way merge
 *   of kind cursors): what a consumer that needs only some kinds reads, without
 *   decoding the rest (hardware events, frames).
 * - A read error ends the walk; `error` then says why. Nothing throws.
 *
 * Example:
 *   const c = new MergedCursor(reader, ['api.call', 'api.return']);
 *   for (let e = c.next(); e; e = c.next()) …   // api.call #3, api.return #9, api.call #10, …
 *   if (c.error) …                              // { code: 'bad-row', message: 'event 812: …' }
 */
import type { CaptureReader, DecodedEvent } from './reader';
import type { CaptureError } from './result';

export const DEFAULT_PAGE_EVENTS = 1024;

/** The part of CaptureReader a cursor needs. */
export type EventSource = Pick<CaptureReader, 'events'>;

export class KindCursor {
  private page: readonly DecodedEvent[] = [];
  private index = 0;
  private nextSeq: number;
  private done = false;
  error: CaptureError | undefined;

  constructor(
    private readonly reader: EventSource,
    private readonly kind: string | undefined,
    fromSeq = 1,
    private readonly pageSize = DEFAULT_PAGE_EVENTS,
    private readonly keep?: (d: DecodedEvent) => boolean,
  ) {
    this.nextSeq = fromSeq;
  }

  peek(): DecodedEvent | undefined {
    for (;;) {
      const d = this.peekRow();
      if (!d || !this.keep || this.keep(d)) return d;
      this.index++;
    }
  }

  private peekRow(): DecodedEvent | undefined {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.done) return undefined;
    const r = this.reader.events({ ...(this.kind === undefined ? {} : { kind: this.kind }), fromSeq: this.nextSeq, limit: this.pageSize });
    if (!r.ok) {
      this.error = r.error;
      this.done = true;
      return undefined;
    }
    this.page = r.value;
    this.index = 0;
    if (r.value.length < this.pageSize) this.done = true;
    const last = r.value[r.value.length - 1];
    if (last) this.nextSeq = last.seq + 1;
    return this.page[0];
  }

  next(): DecodedEvent | undefined {
    const e = this.peek();
    if (e) this.index++;
    return e;
  }
}

export class MergedCursor {
  private readonly cursors: KindCursor[];

  constructor(reader: EventSource, kinds: readonly string[], fromSeq = 1, pageSize = DEFAULT_PAGE_EVENTS) {
    this.cursors = kinds.map((k) => new KindCursor(reader, k, fromSeq, pageSize));
  }

  get error(): CaptureError | undefined {
    return this.cursors.find((c) => c.error)?.error;
  }

  peek(): DecodedEvent | undefined {
    return this.lowest()?.peek();
  }

  next(): DecodedEvent | undefined {
    return this.lowest()?.next();
  }

  private lowest(): KindCursor | undefined {
    let best: KindCursor | undefined;
    let bestSeq = Infinity;
    for (const c of this.cursors) {
      const e = c.peek();
      if (c.error) return undefined;
      if (e && e.seq < bestSeq) {
        best = c;
        bestSeq = e.seq;
      }
    }
    return best;
  }
}
