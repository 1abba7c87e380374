/**
 * `bisectCaptures(GOOD, BAD)`: the first event of BAD after which its model state
 * departs from GOOD's, the state that differs, and the events that wrote it — what
 * `tracefold bisect GOOD BAD` prints and the HTTP API returns.
 *
 * Model
 * - The two captures are aligned by role (replayer/diff/align-streams.ts). BAD's
 *   state after event s is compared with GOOD's after its counterpart: the last
 *   GOOD event before the first one BAD has still to do (the earliest GOOD seq
 *   among BAD's events after s, minus one). In step, that is s itself; when the
 *   bug moved an event earlier (a fence signalled at submit), GOOD is compared
 *   before the moved event, so the early signal is the departure.
 * - Checkpoints first: BAD's checkpoints at seqs GOOD also has a checkpoint at (the
 *   streams are in step while the states are equal), compared in order by their
 *   manifest's hash with the stack configuration left
 *   out (the injected bug names differ by construction; every page and chunk is
 *   named by its hash in the manifest, so no page is read). The last equal pair
 *   bounds the search from below, the first differing one from above — and the
 *   alignment below reads the captures only up to it (with some slack on GOOD).
 * - The search's upper bound is the first event whose state differs among: the
 *   first differing checkpoint, the first events where the two streams differ
 *   (diff's alignment), the end. The end alone is not enough: a departure heals
 *   when the app destroys the objects it spoilt.
 * - Then inside the interval, a binary search over per-event state: the state of
 *   each side after an event is rebuilt by seek (replayer/seek.ts: restore the
 *   nearest checkpoint, replay the inputs) and compared by fingerprint
 *   (state-fingerprint.ts: BOs, VMs, syncobjs, groups, slots, without the clock).
 *   The answer is the first event whose state differs while the one before does
 *   not: log2(interval) probes of two seeks each.
 * - Assumption, as for any bisection: once departed, the states stay apart. A
 *   difference that heals (a transient that both runs converge from) may be
 *   passed over for a later one; `probes` lists what was looked at.
 * - `identical`: the states are equal at the end of both runs (and at every
 *   compared checkpoint): nothing departed.
 *
 * Example (stress, size 64, clean vs --inject dma-drop-partial-page):
 *   bisectCaptures('good.tfcap', 'bad.tfcap')
 *   // → { ok: true, value: { identical: false, seq: 178, seqGood: 178, layer: 'hw', kind: 'hw.irq', object: 'irq:job',
 *   //     stateDiff: { bos: [{ id: 11, handles: [{ pid: 100, handle: 3 }], ranges: [{ offsetBytes: 0, lengthBytes: 16 }], differingBytes: 16, … }], objects: [] },
 *   //     writers: [{ seq: 162, text: 'dma COPY slot=0 ok work=16 <204ns>' }, …, { seq: 178, text: 'irq job status=0x1' }], … } }
 */
import { eventText } from '../../engine/trace/events';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { alignCaptures, eventCount, layerOfKind } from '../diff/align-streams';
import type { SeqText } from '../diff/diff-captures';
import { objectOf } from '../report-events';
import { stateAt } from '../seek';
import { compareCheckpoints, type CheckpointComparison } from './checkpoint-pairs';
import { stateDifference, type StateDifference } from './state-difference';
import { fingerprint, timelessState, type TimelessState } from './state-fingerprint';
import type { Stack } from '../../engine/stack';
import { hashBytes } from '../../engine/base/hash';
import { boBytes } from '../diff/bo-diff';

export interface BisectSide {
  readonly path: string;
  readonly app: string;
  readonly seed: number;
  readonly injectedBugs: readonly string[];
  readonly events: number;
}

export interface BisectReport {
  readonly good: BisectSide;
  readonly bad: BisectSide;
  readonly identical: boolean;
  /** BAD's event after which the state first differs. */
  readonly seq: number | null;
  /** GOOD's counterpart of that event. */
  readonly seqGood: number | null;
  readonly layer: string | null;
  readonly kind: string | null;
  readonly object: string | null;
  readonly text: string | null;
  readonly stateDiff: StateDifference | null;
  /** BAD's events that wrote the differing state (and the event itself), in seq order. */
  readonly writers: readonly SeqText[];
  readonly checkpoints: CheckpointComparison;
  /** Every (BAD seq, differs) the search looked at, in order. */
  readonly probes: readonly { readonly seq: number; readonly differs: boolean }[];
}

export interface BisectOptions {
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Bisect one BO only (bisect-frame.ts): the state compared is that BO's bytes
   * (pid and GEM handle, the same in both runs), searched up to BAD's seq `until`.
   */
  readonly focus?: { readonly pid: number; readonly handle: number; readonly until: number };
}

const MAX_WRITERS = 12;
/** Event differences probed, in order, for an upper bound of the search. */
const MAX_UPPER_CANDIDATES = 16;

/** BAD's seq of the first aligned event after GOOD's `seqA` (where a deleted event would have been). */
function counterpartAfter(aOfB: (seqB: number) => number, seqA: number, eventsBad: number): number {
  for (let s = 1; s <= eventsBad; s++) if (aOfB(s) > seqA) return s;
  return eventsBad;
}

export function bisectCaptures(goodPath: string, badPath: string, options: BisectOptions = {}): Result<BisectReport> {
  const rg = openCapture(goodPath);
  if (!rg.ok) return rg;
  const rb = openCapture(badPath);
  if (!rb.ok) {
    rg.value.close();
    return rb;
  }
  try {
    return bisectReaders(rg.value, rb.value, options);
  } finally {
    rg.value.close();
    rb.value.close();
  }
}

interface Probe {
  readonly differs: boolean;
  readonly good: { stack: Stack; state: TimelessState };
  readonly bad: { stack: Stack; state: TimelessState };
}

export function bisectReaders(good: CaptureReader, bad: CaptureReader, options: BisectOptions = {}, whole = false): Result<BisectReport> {
  // Checkpoints first, at equal seqs: while two runs' states are equal their streams
  // are in step. The first differing one bounds everything after: alignment (for the
  // counterparts of events that moved) reads only up to it.
  const checkpoints = compareCheckpoints(good, bad, (s) => s);
  if (!checkpoints.ok) return checkpoints;
  const bound = whole ? null : checkpoints.value.firstDifferentSeq;
  const aligned = alignCaptures(good, bad, options.onProgress, bound === null ? {} : { toSeqB: bound, toSeqA: Math.ceil(bound * 1.25) + 4096 });
  if (!aligned.ok) return aligned;
  const al = aligned.value;
  const eventsBad = al.eventsB;
  const totalGood = eventCount(good);
  const totalBad = eventCount(bad);
  // counterpart[s]: the GOOD prefix that matches BAD's events up to s — everything
  // GOOD did before the first thing BAD has still to do.
  const counterpart = new Int32Array(eventsBad + 1);
  let next = al.eventsA + 1;
  for (let s = eventsBad; s >= 1; s--) {
    counterpart[s] = next - 1;
    const seqA = al.aOfB(s);
    if (seqA) next = Math.min(next, seqA);
  }

  const probes: { seq: number; differs: boolean }[] = [];
  let failure: string | undefined;
  const probe = (seq: number): Probe | undefined => {
    const g = stateAt(good, Math.max(1, counterpart[seq]!));
    const b = stateAt(bad, seq);
    if (!g.ok || !b.ok) {
      failure = !g.ok ? `${good.path}: ${g.error}` : `${bad.path}: ${(b as { error: string }).error}`;
      return undefined;
    }
    const gs = timelessState(g.value.stack);
    const bs = timelessState(b.value.stack);
    const focus = options.focus;
    const differs = focus
      ? focusedHash(g.value.stack, focus) !== focusedHash(b.value.stack, focus)
      : fingerprint(gs) !== fingerprint(bs);
    probes.push({ seq, differs });
    options.onProgress?.(probes.length, probes.length + 1);
    return { differs, good: { stack: g.value.stack, state: gs }, bad: { stack: b.value.stack, state: bs } };
  };

  // Upper bound: the first differing checkpoint, else the events where the streams
  // differ (diff's order; a departure may heal when its objects are destroyed, so
  // the end of the run is the last resort, not the first).
  let lo = checkpoints.value.lastEqualSeq;
  const candidates: number[] = [];
  if (bound !== null) candidates.push(bound);
  for (const o of al.ops.first().slice(0, MAX_UPPER_CANDIDATES)) {
    const s = o.seqB ?? Math.min(eventsBad, counterpartAfter(al.aOfB, o.seqA!, eventsBad));
    if (s > lo) candidates.push(s);
  }
  if (options.focus) candidates.splice(0, candidates.length, options.focus.until);
  else candidates.push(eventsBad);
  let hi = 0;
  let atHi: Probe | undefined;
  const tried = new Set<number>();
  for (const c of candidates.sort((x, y) => x - y)) {
    if (tried.has(c)) continue;
    tried.add(c);
    const p = probe(c);
    if (!p) return fail('bad-row', failure!);
    if (p.differs) {
      hi = c;
      atHi = p;
      break;
    }
    lo = Math.max(lo, c);
  }
  // Nothing differs up to the differing checkpoint (its manifest differs in what the
  // fingerprint leaves out, the clock): search the whole runs.
  if (!atHi && bound !== null && !options.focus) return bisectReaders(good, bad, options, true);
  if (!atHi) return ok(report(good, bad, totalGood, totalBad, checkpoints.value, probes));
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const p = probe(mid);
    if (!p) return fail('bad-row', failure!);
    if (p.differs) {
      hi = mid;
      atHi = p;
    } else lo = mid;
  }

  const at = bad.events({ fromSeq: hi, toSeq: hi });
  if (!at.ok) return at;
  const event = at.value[0]!.event;
  const full = stateDifference(atHi.good.stack, atHi.good.state, atHi.bad.stack, atHi.bad.state);
  const focus = options.focus;
  const stateDiff = focus
    ? { bos: full.bos.filter((x) => x.handles.some((h) => h.pid === focus.pid && h.handle === focus.handle)), objects: [] }
    : full;
  const writers = writersOf(bad, hi, stateDiff);
  return ok({
    ...report(good, bad, totalGood, totalBad, checkpoints.value, probes),
    identical: false, seq: hi, seqGood: counterpart[hi]! || null,
    layer: layerOfKind(event.kind), kind: event.kind, object: objectOf(event), text: eventText(event), stateDiff, writers,
  });
}

/** The focused BO's bytes, hashed ('absent' when the process has no such handle). */
function focusedHash(stack: Stack, focus: { pid: number; handle: number }): string {
  const bytes = boBytes(stack, focus.pid, focus.handle);
  return bytes ? hashBytes(bytes) : 'absent';
}

function side(r: CaptureReader, events: number): BisectSide {
  const m = r.meta();
  return { path: r.path, app: m.app, seed: m.seed, injectedBugs: m.injectedBugs, events };
}

function report(good: CaptureReader, bad: CaptureReader, eventsGood: number, eventsBad: number, checkpoints: CheckpointComparison, probes: BisectReport['probes']): BisectReport {
  return {
    good: side(good, eventsGood), bad: side(bad, eventsBad), identical: true, seq: null, seqGood: null, layer: null, kind: null, object: null, text: null,
    stateDiff: null, writers: [], checkpoints, probes,
  };
}

/**
 * BAD's events up to `seq` that wrote the differing state: CPU writes to a
 * differing BO, changes of a differing syncobj, state changes of a differing group
 * (the last few of each), and the event itself — the GPU's writes are its jobs,
 * and the one at `seq` is the one that made the difference.
 */
function writersOf(bad: CaptureReader, seq: number, diff: StateDifference): SeqText[] {
  const objects = new Set<string>();
  for (const b of diff.bos) for (const h of b.handles) objects.add(`bo:${h.handle}`);
  for (const o of diff.objects) {
    if (o.kind === 'syncobj') for (const h of o.handles) objects.add(`syncobj:${h.handle}`);
    if (o.kind === 'group') objects.add(`group:g${o.id}`);
  }
  const found = new Map<number, string>();
  for (const object of objects) {
    const r = bad.events({ object, toSeq: seq });
    if (!r.ok) continue;
    const writes = r.value.filter((d) => d.event.kind !== 'mem.read');
    for (const d of writes.slice(-4)) found.set(d.seq, eventText(d.event));
  }
  // GPU writes and signals come from jobs: the last ones before the departure.
  const gpuKinds = [...(diff.bos.length ? ['hw.job'] : []), ...(diff.objects.some((o) => o.kind === 'syncobj') ? ['kmd.fence_signal'] : [])];
  for (const kind of gpuKinds) {
    const r = bad.query(`SELECT seq FROM events WHERE kind = ? AND seq <= ? ORDER BY seq DESC LIMIT 2`, [kind, seq]);
    if (!r.ok) continue;
    for (const row of r.value.rows) {
      const d = bad.events({ fromSeq: Number(row[0]), toSeq: Number(row[0]) });
      if (d.ok && d.value[0]) found.set(d.value[0].seq, eventText(d.value[0].event));
    }
  }
  const self = bad.events({ fromSeq: seq, toSeq: seq });
  if (self.ok && self.value[0]) found.set(seq, eventText(self.value[0].event));
  return [...found].sort(([x], [y]) => x - y).slice(-MAX_WRITERS).map(([s, text]) => ({ seq: s, text }));
}
