/**
 * Aligning two captures by role: a hash join of their events, linear in the number
 * of events whatever the captures' differences.
 *
 * Model
 * - Each capture is scanned into plain numbers (side-scan.ts: per seq the role's
 *   hash, the view's key, the kind), then joined: each of B's roles is looked up
 *   among A's. Same role, same key: the same event. Same role, another key:
 *   `changed`. A role only B has: `inserted`; only A has: `deleted`.
 * - The two scans are first tried together (lockstep-scan.ts): one normaliser for
 *   both while they provably share its state, rows both have visited once and left
 *   UNKEYED (same on both sides). There both captures have the same role at every
 *   seq, so while no role repeats the join pairs seqs one to one and is made as
 *   the scan goes, keeping nothing per event (pair-join.ts). When that cannot be
 *   proven (another state, a repeated role), each capture is scanned on its own
 *   into per-event numbers, B in a worker thread while A is scanned here
 *   (parallel-scan.ts), and joined here. The alignment is the same either way;
 *   only the time and memory differ.
 * - Either scan keeps the normaliser's state for recent events only, and is done
 *   again keeping all of it when a capture names something older
 *   (capture-normaliser.ts).
 * - Every difference gets a position in A's order, so "first" means the same thing
 *   on both sides: a deleted event is at its A seq, an inserted one just after the
 *   A seq of the last event B had matched before it, and a changed one at the
 *   earlier of the two (a fence B signals at submit where A signalled it at job
 *   end is first seen at the submit).
 * - `limits` stops either pass early (bisect aligns only up to its upper bound);
 *   then `eventsA` / `eventsB` count what was read.
 * - Differences are counted per kind, and only the first KEPT_OPS by position are
 *   kept (op-log.ts). Views are rebuilt for the few a report shows
 *   (report-views.ts). Frames matched by role are kept as seq pairs, and the last
 *   matched pair marks the end both runs reached.
 *
 * Example (triangle, clean vs --inject wrong-vertex-stride):
 *   alignCaptures(a, b)
 *   // → { ok: true, value: { eventsA: 245, eventsB: 245, matched: 245, ops: OpLog { total: 1, first() → [{ op: 'changed', seqA: 137, seqB: 137, kind: 'mem.write', pos: 136.5 }] }, … } }
 */
import { eventKinds, type EventKind, type Layer, type TraceEvent } from '../../engine/trace/events';
import { OpLog } from './op-log';
import type { CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { SCAN_WINDOW_EVENTS, UNKEYED, type CaptureNormaliser, type NormalisedEvent } from './capture-normaliser';
import { KindCursor } from '../../recorder/capture/capture-cursor';
import { RowPager } from './row-pager';
import { startScan } from './parallel-scan';
import { KINDS, scanSide, type SideScan } from './side-scan';
import { lockstepScan } from './lockstep-scan';
import { TimingCollector, compareTiming, type TimingComparison } from './timing-tracks';

export type { AlignOp, OpKind } from './op-log';

export interface AlignedFrame {
  readonly seqA: number;
  readonly seqB: number;
  readonly same: boolean;
  readonly pixels: number;
}

export interface Alignment {
  readonly eventsA: number;
  readonly eventsB: number;
  readonly matched: number;
  /** The differences: counts per kind, and the first ones by position (op-log.ts). */
  readonly ops: OpLog;
  readonly frames: readonly AlignedFrame[];
  readonly lastPair: { readonly seqA: number; readonly seqB: number } | null;
  /** The A seq of B seq `seqB`'s role (0: B's own). */
  readonly aOfB: (seqB: number) => number;
  /** Both captures' timing, compared (timing-tracks.ts). */
  readonly timing: TimingComparison;
  /** A BO's name by role at the end of each scan (unnamed: `pid<P>:<handle>`). */
  readonly boNameA: (pid: number, handle: number) => string;
  readonly boNameB: (pid: number, handle: number) => string;
}

const PAGE_EVENTS = 8192;
/** Below this many events in B, both captures are scanned in the calling thread. */
const PARALLEL_MIN_EVENTS = 50_000;

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
    if (fn(d.seq, d.event, normaliser.visit(d.seq, d.causeSeq, d.event, (d as { readonly argsText?: string }).argsText)) === false) break;
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
  const countA = eventCount(a);
  const countB = eventCount(b);
  const limitA = limits.toSeqA ?? Infinity;
  const limitB = limits.toSeqB ?? Infinity;
  const total = Math.min(countA, limitA) + Math.min(countB, limitB);
  // Both at once while they provably share a state (lockstep-scan.ts); else B is
  // scanned in a worker while this thread scans A (parallel-scan.ts) — small
  // captures are not worth a thread.
  // Its state is kept for recent events only; if it named an older one, again with all.
  const tick = (seq: number): void => {
    if (onProgress && seq % PAGE_EVENTS === 0) onProgress(Math.min(2 * seq, total), total);
  };
  let together = lockstepScan(a, b, Math.min(countA, limitA), Math.min(countB, limitB), tick, SCAN_WINDOW_EVENTS);
  if (together === 'lost') together = lockstepScan(a, b, Math.min(countA, limitA), Math.min(countB, limitB), tick);
  if (together && together !== 'lost') {
    if (together.ok) onProgress?.(total, total);
    return together;
  }
  const pending = Math.min(countB, limitB) >= PARALLEL_MIN_EVENTS ? startScan(b.path, limitB) : undefined;
  const scannedA = scanSide(a, countA, limitA, (seq) => {
    if (onProgress && seq % PAGE_EVENTS === 0) onProgress(pending ? 2 * seq : seq, total);
  });
  if (!scannedA.ok) return scannedA;
  const scannedB = pending?.wait() ?? scanSide(b, countB, limitB, (seq) => {
    if (onProgress && seq % PAGE_EVENTS === 0) onProgress(scannedA.value.events + seq, total);
  });
  if (!scannedB.ok) return scannedB;
  const joined = joinScans(scannedA.value, scannedB.value);
  if (!joined) throw new Error('diff: keyed scans cannot leave events unkeyed');
  onProgress?.(total, total);
  return ok(joined);
}

/**
 * The hash join of two scans (see the header). Undefined when it would compare an
 * UNKEYED event (lockstep-scan.ts) with one of another seq.
 */
export function joinScans(A: SideScan, B: SideScan): Alignment | undefined {
  const eventsA = A.events;
  const eventsB = B.events;

  const seqOfRoleA = roleIndex(A);
  const matchedA = new Uint8Array(eventsA + 1);
  const aOfB = new Int32Array(eventsB + 1);
  const pixelsB = new Map(B.frames);
  const ops = new OpLog();
  const frames: AlignedFrame[] = [];
  let lastPair: { seqA: number; seqB: number } | null = null;
  let lastA = 0;
  let matched = 0;
  for (let seq = 1; seq <= eventsB; seq++) {
    const kind = KINDS[B.kinds[seq]!]!;
    const seqA = seqOfRoleA(B.roles[seq]!, seq);
    if (seqA === undefined || matchedA[seqA] || A.kinds[seqA] !== B.kinds[seq]) {
      ops.add({ op: 'inserted', seqA: null, seqB: seq, kind, pos: lastA + 0.5 });
      continue;
    }
    matchedA[seqA] = 1;
    aOfB[seq] = seqA;
    matched++;
    const prevA = lastA;
    lastA = seqA;
    if (lastPair === null || seqA > lastPair.seqA) lastPair = { seqA, seqB: seq };
    const ka = A.keys[seqA]!;
    const kb = B.keys[seq]!;
    if ((ka === UNKEYED || kb === UNKEYED) && (seqA !== seq || ka !== kb)) return undefined;
    const same = ka === kb;
    // A changed event sits where it happened first: at its A seq, or earlier where B had it.
    if (!same) ops.add({ op: 'changed', seqA, seqB: seq, kind, pos: Math.min(seqA, prevA + 0.5) });
    if (kind === 'frame.present') frames.push({ seqA, seqB: seq, same, pixels: pixelsB.get(seq) ?? 0 });
  }
  for (let s = 1; s <= eventsA; s++) {
    if (!matchedA[s]) ops.add({ op: 'deleted', seqA: s, seqB: null, kind: KINDS[A.kinds[s]!]!, pos: s });
  }
  return {
    eventsA, eventsB, matched, ops, frames, lastPair, aOfB: (seqB) => aOfB[seqB] ?? 0,
    timing: compareTiming(TimingCollector.from(A.timing), TimingCollector.from(B.timing)),
    boNameA: boNamer(A.boNames), boNameB: boNamer(B.boNames),
  };
}

/** A BO's name by role from a scan's `pid:handle` → name list (unnamed: `pid<P>:<handle>`). */
export function boNamer(names: SideScan['boNames']): (pid: number, handle: number) => string {
  const byKey = new Map(names);
  return (pid, handle) => byKey.get(`${pid}:${handle}`) ?? `pid${pid}:${handle}`;
}

/**
 * A's last seq with a role (what the join pairs by), asked with a hint: most roles
 * occur once and sit at the same seq in both captures, so the answer is checked at
 * the hint first (a role is taken there only when A has it nowhere else), and the
 * full map of A's roles is built only on the first miss.
 */
function roleIndex(A: SideScan): (role: number, hint: number) => number | undefined {
  const roles = A.roles.subarray(1, A.events + 1);
  const sorted = Float64Array.from(roles).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
  let byRole: Map<number, number> | undefined;
  return (role, hint) => {
    if (hint <= A.events && A.roles[hint] === role && !repeated.has(role)) return hint;
    if (!byRole) {
      byRole = new Map();
      for (let s = 1; s <= A.events; s++) byRole.set(A.roles[s]!, s);
    }
    return byRole.get(role);
  };
}
