/**
 * `diffCaptures(A, B)`: what changed between two captures, aligned by role rather
 * than by raw value (align-streams.ts), as one JSON-serialisable report — what
 * `tracefold diff` prints and the HTTP API returns.
 *
 * Model
 * - Events are aligned by role and compared by view (event-view.ts): handles, fds,
 *   pids, mmap offsets, mapping addresses and kernel ids are named by the event that
 *   created them; timestamps, durations and clock-derived wait deadlines are not
 *   compared. Two recordings of the same work are `identical` whatever numbers and
 *   timing they got; timing is reported apart, per queue and per job.
 * - `summary`: inserted / deleted / changed per layer and kind. `changes`: the first
 *   MAX_CHANGES differences in A's order with their changed fields (`moreChanges`
 *   counts the rest). `firstDivergence`: the first of them, with the events around
 *   it on each side and its causal chain (cause_seq links) on each side.
 * - `memory`: BO contents compared at aligned points (bo-diff.ts): where a read-back
 *   (mem.read) differs, that BO there (the first MAX_MEMORY_POINTS), and at the last
 *   event both runs reached, every BO both hold. Only when the captures differ.
 * - `frames`: every aligned presented frame with its differing pixel count; with
 *   `outDir`, a heat-map PNG per differing frame (frame-diff.ts).
 * - Cost: one linear pass over both captures in lockstep while they agree, in
 *   memory that does not grow with their length (align-streams.ts; else one pass
 *   per capture holding a few numbers per event), plus a second walk up to the
 *   last reported difference only when there is one, plus seeks for the memory
 *   points. Two 10M-event stress captures that differ every ~40 events diff in
 *   ~600 MB peak RSS (~550 MB at 2M).
 *
 * Example (triangle at 64×64, seed 1, vs the same with --inject wrong-vertex-stride):
 *   diffCaptures('clean.tfcap', 'bad.tfcap')
 *   // → { ok: true, value: { identical: false, summary: [{ layer: 'api', kind: 'mem.write', inserted: 0, deleted: 0, changed: 1 }, …],
 *   //     firstDivergence: { seqA: 137, seqB: 137, layer: 'api', kind: 'mem.write', object: 'bo:5', fields: [{ path: 'bytes', … }], … }, … } }
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventText } from '../../engine/trace/events';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { ok, type Result } from '../../recorder/capture/result';
import { diffValues } from '../event-diff';
import { causalChain, contextAround, objectOf } from '../report-events';
import { stateAt } from '../seek';
import { alignCaptures, layerOfKind, type AlignOp, type Alignment, type OpKind } from './align-streams';
import type { OpLog } from './op-log';
import { boBytes, diffBytes, stackBos, type ByteRange } from './bo-diff';
import { comparePixels, writeHeatmapPng } from './frame-diff';
import { collectViews, type SeenEvent } from './report-views';
import type { JobTiming, TimingTrack } from './timing-tracks';

/** At most KEPT_OPS (op-log.ts): the alignment keeps no more. */
export const MAX_CHANGES = 200;
export const MAX_MEMORY_POINTS = 4;
export const MAX_FRAMES = 64;

export interface SeqText {
  readonly seq: number;
  readonly text: string;
}

export interface FieldChange {
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
}

export interface DiffChange {
  readonly op: OpKind;
  readonly seqA: number | null;
  readonly seqB: number | null;
  readonly layer: string;
  readonly kind: string;
  readonly object: string | null;
  /** The event's role: what both runs call it. */
  readonly role: string | null;
  readonly textA: string | null;
  readonly textB: string | null;
  readonly fields: readonly FieldChange[];
}

export interface FirstDivergence extends DiffChange {
  readonly contextA: readonly SeqText[];
  readonly contextB: readonly SeqText[];
  readonly causesA: readonly SeqText[];
  readonly causesB: readonly SeqText[];
}

export interface MemoryDifference {
  readonly bo: string;
  readonly pid: number;
  readonly atSeqA: number;
  readonly atSeqB: number;
  readonly sizeBytesA: number;
  readonly sizeBytesB: number;
  readonly ranges: readonly ByteRange[];
  readonly differingBytes: number;
}

export interface FrameDifference {
  readonly index: number;
  readonly seqA: number;
  readonly seqB: number;
  readonly differingPixels: number;
  readonly totalPixels: number;
  readonly heatmapPng?: string;
}

export interface KindSummary {
  readonly layer: string;
  readonly kind: string;
  readonly inserted: number;
  readonly deleted: number;
  readonly changed: number;
}

export interface DiffReport {
  readonly a: { readonly path: string; readonly app: string; readonly seed: number; readonly injectedBugs: readonly string[]; readonly events: number };
  readonly b: { readonly path: string; readonly app: string; readonly seed: number; readonly injectedBugs: readonly string[]; readonly events: number };
  readonly identical: boolean;
  /** Events both captures have (same role). */
  readonly matched: number;
  readonly summary: readonly KindSummary[];
  readonly firstDivergence: FirstDivergence | null;
  readonly changes: readonly DiffChange[];
  readonly moreChanges: number;
  readonly memory: readonly MemoryDifference[];
  readonly frames: readonly FrameDifference[];
  readonly timing: readonly TimingTrack[];
  readonly jobTiming: readonly JobTiming[];
}

export interface DiffOptions {
  readonly onProgress?: (done: number, total: number) => void;
  /** Write a heat-map PNG per differing frame here. */
  readonly outDir?: string;
}

export function diffCaptures(pathA: string, pathB: string, options: DiffOptions = {}): Result<DiffReport> {
  const ra = openCapture(pathA);
  if (!ra.ok) return ra;
  const rb = openCapture(pathB);
  if (!rb.ok) {
    ra.value.close();
    return rb;
  }
  try {
    return diffReaders(ra.value, rb.value, options);
  } finally {
    ra.value.close();
    rb.value.close();
  }
}

export function diffReaders(a: CaptureReader, b: CaptureReader, options: DiffOptions = {}): Result<DiffReport> {
  const aligned = alignCaptures(a, b, options.onProgress);
  if (!aligned.ok) return aligned;
  const al = aligned.value;
  const shown = al.ops.first().slice(0, MAX_CHANGES);
  const changedFrames = al.frames.filter((f) => !f.same).slice(0, MAX_FRAMES);
  const memReads = shown.filter((o) => o.op === 'changed' && o.kind === 'mem.read').slice(0, MAX_MEMORY_POINTS);

  const wantA = new Set<number>();
  const wantB = new Set<number>();
  for (const o of shown) {
    if (o.seqA !== null) wantA.add(o.seqA);
    if (o.seqB !== null) wantB.add(o.seqB);
  }
  for (const f of changedFrames) {
    wantA.add(f.seqA);
    wantB.add(f.seqB);
  }
  const va = collectViews(a, wantA);
  if (!va.ok) return va;
  const vb = collectViews(b, wantB);
  if (!vb.ok) return vb;

  const changes = shown.map((o) => change(o, va.value, vb.value));
  const first = changes[0];
  const firstDivergence: FirstDivergence | null = first ? {
    ...first,
    contextA: first.seqA !== null ? texts(contextAround(a, first.seqA)) : nearby(a, shown[0]!),
    contextB: first.seqB !== null ? texts(contextAround(b, first.seqB)) : [],
    causesA: first.seqA !== null ? chainOf(a, va.value.get(first.seqA)) : [],
    causesB: first.seqB !== null ? chainOf(b, vb.value.get(first.seqB)) : [],
  } : null;

  const identical = al.ops.total === 0;
  const memory = identical ? ok([] as MemoryDifference[]) : memoryDifferences(a, b, al, memReads, va.value, vb.value);
  if (!memory.ok) return memory;
  const frames = frameDifferences(al, va.value, vb.value, options.outDir);
  const timing = al.timing;
  const side = (r: CaptureReader, events: number) => {
    const m = r.meta();
    return { path: r.path, app: m.app, seed: m.seed, injectedBugs: m.injectedBugs, events };
  };
  return ok({
    a: side(a, al.eventsA), b: side(b, al.eventsB), identical, matched: al.matched,
    summary: summarise(al.ops), firstDivergence, changes, moreChanges: al.ops.total - changes.length,
    memory: memory.value, frames, timing: timing.tracks, jobTiming: timing.jobs,
  });
}

function change(o: AlignOp, va: ReadonlyMap<number, SeenEvent>, vb: ReadonlyMap<number, SeenEvent>): DiffChange {
  const x = o.seqA !== null ? va.get(o.seqA) : undefined;
  const y = o.seqB !== null ? vb.get(o.seqB) : undefined;
  const fields = x && y ? diffValues('', x.view, y.view).map((f) => ({ path: f.path, a: f.expected, b: f.actual })) : [];
  const ev = (x ?? y)?.event;
  return {
    op: o.op, seqA: o.seqA, seqB: o.seqB, layer: layerOfKind(o.kind), kind: o.kind,
    object: ev ? objectOf(ev) : null, role: (x ?? y)?.role ?? null,
    textA: x ? eventText(x.event) : null, textB: y ? eventText(y.event) : null, fields,
  };
}

function texts(events: readonly { seq: number; text: string }[]): SeqText[] {
  return events.map((e) => ({ seq: e.seq, text: e.text }));
}

/** Context in A for an event only B has: the events around where it would sit. */
function nearby(a: CaptureReader, o: AlignOp): SeqText[] {
  const at = Math.max(1, Math.floor(o.pos));
  return texts(contextAround(a, at));
}

function chainOf(r: CaptureReader, seen: SeenEvent | undefined): SeqText[] {
  if (!seen) return [];
  return texts(causalChain(r, { seq: seen.seq, causeSeq: seen.causeSeq, event: seen.event }));
}

function summarise(ops: OpLog): KindSummary[] {
  const by = [...ops.counts].map(([kind, c]) => ({ layer: layerOfKind(kind), kind, inserted: c.inserted, deleted: c.deleted, changed: c.changed }));
  return by.sort((x, y) => x.layer.localeCompare(y.layer) || x.kind.localeCompare(y.kind));
}

function frameDifferences(al: Alignment, va: ReadonlyMap<number, SeenEvent>, vb: ReadonlyMap<number, SeenEvent>, outDir: string | undefined): FrameDifference[] {
  if (outDir) mkdirSync(outDir, { recursive: true });
  return al.frames.slice(0, MAX_FRAMES).map((f, index) => {
    const x = va.get(f.seqA)?.event;
    const y = vb.get(f.seqB)?.event;
    if (f.same || x?.kind !== 'frame.present' || y?.kind !== 'frame.present') {
      return { index, seqA: f.seqA, seqB: f.seqB, differingPixels: 0, totalPixels: f.pixels };
    }
    const c = comparePixels(x, y);
    let heatmapPng: string | undefined;
    if (outDir && c.differingPixels > 0) {
      heatmapPng = join(outDir, `frame-${String(index).padStart(4, '0')}-heatmap.png`);
      writeHeatmapPng(heatmapPng, x, y);
    }
    return { index, seqA: f.seqA, seqB: f.seqB, ...c, ...(heatmapPng ? { heatmapPng } : {}) };
  });
}

function memoryDifferences(
  a: CaptureReader, b: CaptureReader, al: Alignment, memReads: readonly AlignOp[],
  va: ReadonlyMap<number, SeenEvent>, vb: ReadonlyMap<number, SeenEvent>,
): Result<MemoryDifference[]> {
  const out: MemoryDifference[] = [];
  for (const o of memReads) {
    const x = va.get(o.seqA!)?.event;
    const y = vb.get(o.seqB!)?.event;
    if (x?.kind !== 'mem.read' || y?.kind !== 'mem.read') continue;
    const sa = stateAt(a, o.seqA!);
    const sb = stateAt(b, o.seqB!);
    if (!sa.ok || !sb.ok) continue;
    const ba = boBytes(sa.value.stack, x.pid, x.bo);
    const bb = boBytes(sb.value.stack, y.pid, y.bo);
    if (!ba || !bb) continue;
    const d = diffBytes(ba, bb);
    if (d.differingBytes > 0) out.push({ bo: `bo:${x.bo}`, pid: x.pid, atSeqA: o.seqA!, atSeqB: o.seqB!, sizeBytesA: ba.length, sizeBytesB: bb.length, ...d });
  }
  if (al.lastPair) out.push(...finalDifferences(a, b, al, al.lastPair.seqA, al.lastPair.seqB));
  return ok(out);
}

/** Every BO both runs hold after the last event both reached, matched by name. */
function finalDifferences(a: CaptureReader, b: CaptureReader, al: Alignment, seqA: number, seqB: number): MemoryDifference[] {
  const sa = stateAt(a, seqA);
  const sb = stateAt(b, seqB);
  if (!sa.ok || !sb.ok) return [];
  const inB = new Map<string, { pid: number; handle: number; bytes: Uint8Array }>();
  for (const bo of stackBos(sb.value.stack)) inB.set(al.boNameB(bo.pid, bo.handle), bo);
  const out: MemoryDifference[] = [];
  for (const bo of stackBos(sa.value.stack)) {
    const other = inB.get(al.boNameA(bo.pid, bo.handle));
    if (!other) continue;
    const d = diffBytes(bo.bytes, other.bytes);
    if (d.differingBytes > 0) out.push({ bo: `bo:${bo.handle}`, pid: bo.pid, atSeqA: seqA, atSeqB: seqB, sizeBytesA: bo.bytes.length, sizeBytesB: other.bytes.length, ...d });
  }
  return out;
}
