/**
 * Aligning two captures by role: a hash join of their events, linear in the number
 * of events whatever the captures' differences.
 *
 * Model
 * - Pass A keeps, per role, the event's seq and view key (two numbers and the role
 *   string); pass B looks each of its events' role up. Same role, same key: the
 *   same event. Same role, another key: `changed`. A role only B has: `inserted`;
 *   only A has: `deleted`.
 * - Every difference gets a position in A's order, so "first" means the same thing
 *   on both sides: a deleted event is at its A seq, an inserted one just after the
 *   A seq of the last event B had matched before it, and a changed one at the
 *   earlier of the two (a fence B signals at submit where A signalled it at job
 *   end is first seen at the submit).
 * - `limits` stops either pass early (bisect aligns only up to its upper bound);
 *   then `eventsA` / `eventsB` count what was read.
 * - Nothing but numbers is kept per event; views are rebuilt for the few
 *   differences a report shows (report-views.ts). Frames matched by role are kept
 *   as seq pairs, and the last matched pair marks the end both runs reached.
 *
 * Example (triangle, clean vs --inject wrong-vertex-stride):
 *   alignCaptures(a, b)
 *   // → { ok: true, value: { eventsA: 245, eventsB: 245, matched: 245, ops: [{ op: 'changed', seqA: 131, seqB: 131, kind: 'mem.write', pos: 131 }, …], … } }
 */
import { eventKinds, type EventKind, type Layer, type TraceEvent } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { CaptureNormaliser, type NormalisedEvent } from './capture-normaliser';
import { KindCursor } from '../../recorder/capture/capture-cursor';
import { RowPager } from './row-pager';
import { TimingCollector } from './timing-tracks';

export type OpKind = 'inserted' | 'deleted' | 'changed';

export interface AlignOp {
  readonly op: OpKind;
  readonly seqA: number | null;
  readonly seqB: number | null;
  readonly kind: EventKind;
  /** Position in A's order (see the header). */
  readonly pos: number;
}

export interface Alignment {
  readonly eventsA: number;
  readonly eventsB: number;
  readonly matched: number;
  /** Every difference, by position. */
  readonly ops: readonly AlignOp[];
  readonly frames: readonly { readonly seqA: number; readonly seqB: number; readonly same: boolean; readonly pixels: number }[];
  readonly lastPair: { readonly seqA: number; readonly seqB: number } | null;
  /** Per B seq, the A seq of the same role (0: B's own); index 0 unused. */
  readonly aOfB: Int32Array;
  readonly timingA: TimingCollector;
  readonly timingB: TimingCollector;
  readonly normaliserA: CaptureNormaliser;
  readonly normaliserB: CaptureNormaliser;
}

const PAGE_EVENTS = 8192;
const KINDS = Object.keys(eventKinds) as EventKind[];
const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));

export function layerOfKind(kind: string): Layer {
  return eventKinds[kind as EventKind]?.layer ?? 'api';
}

export function eventCount(reader: CaptureReader): number {
  return reader.meta().eventCount ?? reader.summary().events;
}

/** Visits every event in seq order with its normalised form. */
export function scanCapture(
  reader: CaptureReader, normaliser: CaptureNormaliser,
  fn: (seq: number, e: TraceEvent, n: NormalisedEvent) => boolean | void,
  onRow?: (seq: number, causeSeq: number | null) => void,
  realBytes = false,
): Result<number> {
  const cursor = realBytes ? new KindCursor(reader, undefined, 1, PAGE_EVENTS) : new RowPager(reader, PAGE_EVENTS);
  let n = 0;
  for (let d = cursor.next(); d; d = cursor.next()) {
    n++;
    onRow?.(d.seq, d.causeSeq);
    if (fn(d.seq, d.event, normaliser.visit(d.seq, d.causeSeq, d.event)) === false) break;
  }
  if (cursor.error) return fail('bad-row', `${reader.path}: ${cursor.error.message}`);
  return ok(n);
}

export interface AlignLimits {
  /** Stop reading A after this seq (bisect aligns only up to its bound). */
  readonly toSeqA?: number;
  readonly toSeqB?: number;
}

export function alignCaptures(a: CaptureReader, b: CaptureReader, onProgress?: (done: number, total: number) => void, limits: AlignLimits = {}): Result<Alignment> {
  const totalA = Math.min(eventCount(a), limits.toSeqA ?? Infinity);
  const total = totalA + Math.min(eventCount(b), limits.toSeqB ?? Infinity);
  const tick = (done: number): void => {
    if (onProgress && done % PAGE_EVENTS === 0) onProgress(done, total);
  };

  // Pass A: role → seq, and per seq the key and kind.
  const normaliserA = new CaptureNormaliser();
  const timingA = new TimingCollector();
  const bySeqA = new Map<string, number>();
  let keysA = new Float64Array(totalA + 1);
  let kindsA = new Uint8Array(totalA + 1);
  const scannedA = scanCapture(a, normaliserA, (seq, e, n) => {
    if (seq > totalA) return false;
    if (seq >= keysA.length) {
      keysA = grow(keysA, seq);
      kindsA = grow(kindsA, seq);
    }
    bySeqA.set(n.role, seq);
    keysA[seq] = n.key;
    kindsA[seq] = KIND_INDEX.get(e.kind)!;
    timingA.visit(e, n);
    tick(seq);
  });
  if (!scannedA.ok) return scannedA;
  normaliserA.roles.release();
  const eventsA = Math.min(scannedA.value, totalA);

  // Pass B: look each role up in A.
  const normaliserB = new CaptureNormaliser();
  const timingB = new TimingCollector();
  const matchedA = new Uint8Array(keysA.length);
  let aOfB = new Int32Array(eventCount(b) + 1);
  const ops: AlignOp[] = [];
  const frames: { seqA: number; seqB: number; same: boolean; pixels: number }[] = [];
  let lastPair: { seqA: number; seqB: number } | null = null;
  let lastA = 0;
  let matched = 0;
  const limitB = limits.toSeqB ?? Infinity;
  let eventsB = 0;
  const scannedB = scanCapture(b, normaliserB, (seq, e, n) => {
    if (seq > limitB) return false;
    eventsB = seq;
    timingB.visit(e, n);
    tick(eventsA + seq);
    const seqA = bySeqA.get(n.role);
    if (seqA === undefined || matchedA[seqA]) {
      ops.push({ op: 'inserted', seqA: null, seqB: seq, kind: e.kind, pos: lastA + 0.5 });
      return;
    }
    matchedA[seqA] = 1;
    if (seq >= aOfB.length) aOfB = grow(aOfB, seq);
    aOfB[seq] = seqA;
    matched++;
    const prevA = lastA;
    lastA = seqA;
    if (lastPair === null || seqA > lastPair.seqA) lastPair = { seqA, seqB: seq };
    const same = keysA[seqA] === n.key;
    // A changed event sits where it happened first: at its A seq, or earlier where B had it.
    if (!same) ops.push({ op: 'changed', seqA, seqB: seq, kind: e.kind, pos: Math.min(seqA, prevA + 0.5) });
    if (e.kind === 'frame.present') frames.push({ seqA, seqB: seq, same, pixels: e.width * e.height });
  });
  if (!scannedB.ok) return scannedB;
  normaliserB.roles.release();
  bySeqA.clear();
  onProgress?.(total, total);

  for (let s = 1; s <= eventsA; s++) {
    if (!matchedA[s]) ops.push({ op: 'deleted', seqA: s, seqB: null, kind: KINDS[kindsA[s]!]!, pos: s });
  }
  ops.sort((x, y) => x.pos - y.pos || (x.seqB ?? 0) - (y.seqB ?? 0));
  return ok({ eventsA, eventsB, matched, ops, frames, lastPair, aOfB, timingA, timingB, normaliserA, normaliserB });
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(arr: T, atLeast: number): T {
  const next = new (arr.constructor as { new (n: number): T })(Math.max(atLeast + 1, arr.length * 2));
  next.set(arr);
  return next;
}
