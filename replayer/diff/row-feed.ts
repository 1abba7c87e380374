/**
 * Capture B's rows for a lockstep scan (lockstep-scan.ts), read in a worker thread
 * (row-feed-worker.mjs) that has SQLite compare each one with A's row of the same
 * seq: the scanning thread gets B's args text only where it differs from A's.
 *
 * Model
 * - Rows come as `[seq, ts_ns, kind_id, cause_seq, args | null]`, in seq order, up
 *   to and including the first past `limitB`; null args: the same text as A's row
 *   of that seq (only A's rows up to `limitA` are compared).
 * - The API is synchronous, as parallel-scan.ts's: `next()` blocks on a shared
 *   counter until the worker has posted the next page, and tells the worker how many
 *   pages it has read so it stays at most AHEAD_PAGES ahead.
 * - Any trouble — no worker, no page within PAGE_TIMEOUT_MS, an error from SQLite —
 *   sets `error`; the caller then scans without the feed. Results never depend on
 *   whether the feed was used.
 *
 * Example: const f = startRowFeed('a.tfcap', 'b.tfcap', Infinity, Infinity, 1024);
 *   f?.next() // → [1, 0, 3, null, null] (B's first row, args as A's)
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { receiveBlocking } from '../../recorder/capture/blocking-receive';
import type { CaptureError } from '../../recorder/capture/result';

export type FeedRow = readonly [number, number, number, number | null, string | null];

/** A page as the worker sends it: one column per field; args only where not A's (`texts[k]` is row `textAt[k]`'s). */
interface FeedPage {
  readonly seq: Float64Array;
  readonly ts: Float64Array;
  readonly kind: Float64Array;
  /** NaN: no cause. */
  readonly cause: Float64Array;
  readonly textAt: Int32Array;
  readonly texts: readonly string[];
}

const EMPTY_PAGE: FeedPage = { seq: new Float64Array(0), ts: new Float64Array(0), kind: new Float64Array(0), cause: new Float64Array(0), textAt: new Int32Array(0), texts: [] };
const AHEAD_PAGES = 64;
const PAGE_TIMEOUT_MS = 60_000;

export class RowFeed {
  private page: FeedPage = EMPTY_PAGE;
  private index = 0;
  private nextText = 0;
  private done = false;
  error: CaptureError | undefined;

  constructor(private readonly worker: Worker, private readonly port: MessagePort, private readonly counts: Int32Array, private readonly pageSize: number, private readonly limitB: number) {}

  next(): FeedRow | undefined {
    while (this.index >= this.page.seq.length) {
      if (this.done || this.error) return undefined;
      const m = this.receive();
      if (!m) return undefined;
      this.page = m;
      this.index = 0;
      this.nextText = 0;
      const n = m.seq.length;
      if (n < this.pageSize || (n > 0 && m.seq[n - 1]! > this.limitB)) this.done = true;
    }
    const p = this.page;
    const i = this.index++;
    let text: string | null = null;
    if (this.nextText < p.textAt.length && p.textAt[this.nextText] === i) text = p.texts[this.nextText++]!;
    const cause = p.cause[i]!;
    return [p.seq[i]!, p.ts[i]!, p.kind[i]!, Number.isNaN(cause) ? null : cause, text];
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }

  private receive(): FeedPage | undefined {
    const m = receiveBlocking(this.port, this.counts, PAGE_TIMEOUT_MS) as { page?: FeedPage; error?: string } | undefined;
    if (m === undefined) {
      this.error = { code: 'io', message: 'row feed: no page in time' };
      return undefined;
    }
    if (m.error !== undefined || !m.page) {
      this.error = { code: 'io', message: `row feed: ${m.error ?? 'no rows'}` };
      return undefined;
    }
    return m.page;
  }
}

/**
 * B's rows compared with A's in a worker (`pathA` null: B's rows as they are, args
 * never null); undefined when no worker can be started.
 */
export function startRowFeed(pathA: string | null, pathB: string, limitA: number, limitB: number, pageSize: number): RowFeed | undefined {
  const shared = new SharedArrayBuffer(8);
  const counts = new Int32Array(shared);
  const { port1, port2 } = new MessageChannel();
  const finite = (n: number): number => (Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER);
  try {
    const worker = new Worker(new URL('./row-feed-worker.mjs', import.meta.url), {
      workerData: { pathA, pathB, limitA: finite(limitA), limitB: finite(limitB), pageSize, ahead: AHEAD_PAGES, shared, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    return new RowFeed(worker, port1, counts, pageSize, limitB);
  } catch {
    port1.close();
    return undefined;
  }
}
