/**
 * A capture's events for a one-pass consumer that reads only some byte fields (the
 * timeline: it decodes ioctl argument structs, and of every other byte array — memory
 * writes, command streams, frames, API buffers — it shows only the length), read by a
 * worker thread so that SQLite's stepping overlaps the consumer's work. The hot path
 * of the export, the API's timeline index and the Perfetto-shaped tables (through
 * forEachEvent).
 *
 * Model
 * - event-pages-worker.mjs posts pages of WORKER_PAGE_EVENTS events, each one JSON text that
 *   parses straight into the page's event objects (see there), with their seqs and
 *   causes beside it; this thread parses a page (the one JSON.parse per page is most of
 *   its reading cost), puts kind names in, and replaces blob references: with the
 *   decoded bytes for the kinds in `bytesKinds`, and for every other kind with a
 *   zero-filled STAND-IN of the blob's length (a view of one shared zero buffer: a
 *   consumer must not write into it, nor read its contents). Events of the kinds in
 *   `argsRead` come with only the args fields named there (a REDUCED event).
 * - Apart from those stand-ins and reduced events, each event deep-equals what
 *   `reader.events()` decodes, key order included. Anything this path cannot reproduce exactly — a page whose text
 *   does not parse into as many objects, rows out of seq order, an unknown kind, a
 *   missing blob, a ts_ns or cause_seq that is not an integer within 2^53 — is decoded
 *   by `reader.events()` instead, page for page, so errors read exactly as they do
 *   there. (Not caught: a BLOB stored in ts_ns or cause_seq whose bytes spell a number,
 *   which no writer of this project produces.) tests/export/event-pages.test.ts holds
 *   the two paths to that on real captures.
 * - The consumer's thread stays synchronous: it blocks in Atomics.wait until the
 *   worker has posted a page, and takes it with receiveMessageOnPort. The worker stays
 *   at most a few pages ahead, so memory is bounded by pages, not by the capture.
 * - Only format-2 captures go through the worker (`workerPagesSupported`); callers
 *   use reader.events() for the others.
 *
 * Example:
 *   const r = readEventPages(reader, 1, 1_012_169, new Set(['kmd.ioctl']), { 'kmd.ioctl_enter': ['id'] }, (seq, cause, e) => projector.event(seq, cause, e));
 *   // → { ok: true, value: { next: 1_012_170, fallbackPages: 0 } } once every event has been visited in seq order
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { TraceEvent } from '../../engine/trace/events';
import { eventKinds } from '../../engine/trace/events';
import { decodeBlob } from './blob-codec';
import { receiveBlocking } from './blocking-receive';
import type { CaptureReader } from './reader';
import { fail, ok, type Result } from './result';

/** Events per progress report (forEachEvent) and per page of the reference decode. */
export const PAGE_EVENTS = 8192;
/**
 * Events per page the worker posts. Measured on the 1M-event stress export (2 cores):
 * 1024, 2048, 4096 and 8192 all took ~1.95 s, 16384 ~2.27 s; peak RSS 178, 198, 216,
 * 228 and 272-290 MB. Small pages keep less in flight.
 * Later, with the rest of the path cheaper, 1024 took this thread ~0.1 s less CPU than
 * 2048 (1.67 s against 1.77): a page's text (~110 bytes per event) then stays under
 * V8's large-object size (128 KiB), so receiving it allocates in the young generation
 * instead of fresh large-object pages: receiving 500 strings of 232 KB cost ~75 ms,
 * 1000 of 116 KB ~11 ms (measured alone). 512 and 768 were no better.
 */
const WORKER_PAGE_EVENTS = 1024;

export type EventVisitor = (seq: number, cause: number | null, e: TraceEvent) => void;

/**
 * Per kind, the only args fields the consumer reads (timeline/project.ts ARGS_READ);
 * kinds not named keep all theirs. An event of a kind named here carries just `kind`,
 * `tsNs` and those fields: it is a TraceEvent only as far as the consumer looks.
 */
export type ArgsRead = Readonly<Partial<Record<string, readonly string[]>>>;

/**
 * How long the reading thread waits for a page before it calls the worker stalled and
 * reads the rest itself. Only a worker that died without a word (killed, out of memory)
 * gets there: a page normally takes milliseconds, and any error is posted.
 */
const STALL_MS = 20_000;

const WORKER_URL = new URL('./event-pages-worker.mjs', import.meta.url);

interface PageMessage {
  /** JSON: the page's events, `kind` as the kind's id. */
  readonly events: string;
  /** JSON: each event's cause_seq. */
  readonly causes: string;
  /** Each event's seq; null when they are firstSeq, firstSeq + 1, … */
  readonly seqs: readonly number[] | null;
  /** Indexes of the events whose args refer to blobs. */
  readonly blobRows: readonly number[];
  readonly count: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly sizes: ReadonlyMap<number, number>;
  readonly bytes: ReadonlyMap<number, readonly [string, Uint8Array]>;
}

type WorkerMessage = PageMessage | { readonly fallback: readonly [number, number] } | { readonly end: true } | { readonly error: string };

export function workerPagesSupported(reader: CaptureReader): boolean {
  return reader.meta().formatVersion >= 2;
}

/** How a walk went: where the reference path must go on from, and what it took over. */
export interface PagesWalk {
  /** last + 1 when the worker got to the end; else the seq to go on from through reader.events(). */
  readonly next: number;
  /** Pages the worker read but the reference path decoded (see the header). */
  readonly fallbackPages: number;
}

/**
 * Visits events first..last (inclusive) in seq order, page by page. When the worker
 * fails or stalls, stops there (see `next`); a page the reference path decodes with an
 * error ends the walk with that error, as it would there.
 */
export function readEventPages(
  reader: CaptureReader, first: number, last: number, bytesKinds: ReadonlySet<string>, argsRead: ArgsRead, visit: EventVisitor,
): Result<PagesWalk> {
  if (first > last) return ok({ next: first, fallbackPages: 0 });
  const kindNames = reader.kindNames();
  const bytesKindIds = kindNames.flatMap((name, id) => (bytesKinds.has(name) ? [id] : []));
  const argsReadIds = kindNames.flatMap((name, id) => {
    const fields = Object.hasOwn(argsRead, name) ? argsRead[name] : undefined;
    return fields ? [[id, fields] as const] : [];
  });
  const channel = new MessageChannel();
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const boot = `const { workerData } = require('node:worker_threads');
import(${JSON.stringify(WORKER_URL.href)}).catch((e) => {
  workerData.port.postMessage({ error: 'event reader worker failed to start: ' + (e && e.message || e) });
  const c = new Int32Array(workerData.state); Atomics.add(c, 0, 1); Atomics.notify(c, 0);
});`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: { path: reader.path, fromSeq: first, toSeq: last, pageEvents: WORKER_PAGE_EVENTS, bytesKindIds, argsRead: argsReadIds, port: channel.port2, state: counters.buffer },
    transferList: [channel.port2],
    // A small young generation: the worker's garbage is a few strings per page, and the
    // default one let the export's peak RSS reach ~290 MB (≤ 300 is the budget); ~230 with it.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  worker.unref();
  let next = first;
  let fallbackPages = 0;
  try {
    for (;;) {
      const m = receiveBlocking(channel.port1, counters, STALL_MS) as WorkerMessage | undefined;
      if (m === undefined || 'error' in m) return ok({ next, fallbackPages });
      if ('end' in m) return ok({ next: last + 1, fallbackPages });
      const [from, to] = 'fallback' in m ? m.fallback : [m.firstSeq, m.lastSeq];
      const page = 'fallback' in m ? undefined : parsePage(m, kindNames, bytesKinds);
      if (page) {
        const { events, causes, seqs, firstSeq } = page;
        for (let i = 0; i < events.length; i++) visit(seqs ? seqs[i]! : firstSeq + i, causes[i]!, events[i]!);
      } else {
        fallbackPages++;
        const r = visitDecoded(reader, from, to, visit);
        if (!r.ok) return r;
      }
      next = to + 1;
    }
  } finally {
    channel.port1.close();
    void worker.terminate();
  }
}

/** A range decoded by the reader itself (the reference path). */
function visitDecoded(reader: CaptureReader, fromSeq: number, toSeq: number, visit: EventVisitor): Result<void> {
  const r = reader.events({ fromSeq, toSeq });
  if (!r.ok) return fail('bad-row', r.error.message);
  for (const d of r.value) visit(d.seq, d.causeSeq, d.event);
  return ok(undefined);
}

interface ParsedPage {
  readonly events: readonly TraceEvent[];
  readonly causes: readonly (number | null)[];
  readonly seqs: readonly number[] | null;
  readonly firstSeq: number;
}

/** The page's events ready to visit, or undefined when the reference path must decode it (see the header). */
function parsePage(m: PageMessage, kindNames: readonly string[], bytesKinds: ReadonlySet<string>): ParsedPage | undefined {
  let events: unknown;
  let causes: unknown;
  try {
    events = JSON.parse(m.events);
    causes = JSON.parse(m.causes);
  } catch {
    return undefined;
  }
  if (!Array.isArray(events) || events.length !== m.count || !Array.isArray(causes) || causes.length !== m.count) return undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Record<string, unknown>;
    const cause = causes[i] as unknown;
    // What better-sqlite3 would read: integers within 2^53 (a REAL or TEXT column value reads otherwise).
    if (cause !== null && !Number.isSafeInteger(cause)) return undefined;
    if (typeof e !== 'object' || e === null || Array.isArray(e) || !Number.isSafeInteger(e.tsNs)) return undefined;
    const kind = kindNames[e.kind as number];
    if (kind === undefined || !Object.hasOwn(eventKinds, kind)) return undefined;
    e.kind = kind;
  }
  for (const i of m.blobRows) {
    const e = events[i] as Record<string, unknown>;
    // In place; undefined when a reference names a blob the page did not bring.
    if (blobValue(e, bytesKinds.has(e.kind as string), m) === undefined) return undefined;
  }
  return { events: events as TraceEvent[], causes: causes as (number | null)[], seqs: m.seqs, firstSeq: m.firstSeq };
}

/** `v` with its blob references replaced (a reference itself becomes bytes), or undefined for a missing blob. */
function blobValue(v: object, withBytes: boolean, m: PageMessage): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'object' || x === null) continue;
      const r = blobValue(x, withBytes, m);
      if (r === undefined) return undefined;
      v[i] = r;
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.$blob === 'number') {
    if (withBytes) {
      const stored = m.bytes.get(o.$blob);
      return stored && decodeBlob(stored[0], stored[1]);
    }
    const size = m.sizes.get(o.$blob);
    return size === undefined ? undefined : zeros(size);
  }
  for (const k in o) {
    const x = o[k];
    if (typeof x !== 'object' || x === null) continue;
    const r = blobValue(x, withBytes, m);
    if (r === undefined) return undefined;
    o[k] = r;
  }
  return o;
}

let zeroBuffer = new Uint8Array(1 << 16);

/** A stand-in of `size` bytes: a view of one shared zero buffer (grown when a blob is larger). */
function zeros(size: number): Uint8Array {
  if (size > zeroBuffer.length) zeroBuffer = new Uint8Array(size);
  return zeroBuffer.subarray(0, size);
}
