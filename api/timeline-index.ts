/**
 * The timeline of one capture, held in memory in a shape that answers "what is in
 * [A, B] at N ns per pixel" in time proportional to the answer, not to the capture.
 *
 * Model
 * - Built once per capture (capture-cache.ts) by one pass of the same Projector the
 *   Perfetto export and the SQL views use (recorder/timeline/project.ts), so the
 *   tracks, names and nesting are the ones Perfetto shows. Args are not kept: the
 *   inspector reads them from the event itself (event-view.ts).
 * - Slices nest per track by time exactly as perfetto-tables.ts nests them (sort by
 *   ts, longer first; a stack), then split into lanes, one per (track, depth). On a
 *   lane slices do not overlap, so sorted by start they are sorted by end too; a
 *   prefix maximum of ends (`maxEnd`) keeps the binary search exact even where a
 *   child instant touches its parent's end.
 * - A window query walks each lane from the first slice that ends at or after A. At
 *   a slice it binary-searches the first slice starting in a later pixel: one slice
 *   in the pixel goes out as it is; several become one merged slice (`count` > 1,
 *   `seq` null, the first slice's name and category). A merged run that touches the
 *   previous merged run (gap under a pixel) extends it, so a dense stretch is one
 *   block: output per lane ≤ 2 × width whatever the window holds, and the work is
 *   O(output × log n).
 * - Counters: per counter track, points sorted by time. The window gets the point in
 *   force at A, then the first and last point of every pixel that has any.
 * - Flows: the projector's chain ids (submit → job → fence → wait); a chain's slices,
 *   in time order, link consecutive ones.
 * - Effects: (cause, seq) pairs sorted by cause, for "what did this event cause"
 *   (the capture has no index on cause_seq, see recorder/capture/schema.ts).
 *
 * Example:
 *   const t = buildTimelineIndex(reader);   // → { ok: true, value: TimelineIndex }
 *   t.value.window(0, 2_000_000, 1600)       // → { startNs: 0, endNs: 2e6, nsPerPx: 1250, slices: […], counters: […] }
 */
import type { CaptureReader } from '../recorder/capture/reader';
import { forEachEvent } from '../recorder/capture/for-each-event';
import type { TimelineItem, TrackDef } from '../recorder/timeline/items';
import { ARGS_READ, BYTES_READ, Projector } from '../recorder/timeline/project';
import type { CounterPoint, FlowChain, FlowEnd, TimelineSlice, TimelineWindow, TrackInfo, TrackList } from './contract';

interface RawSlice {
  ts: number;
  dur: number;
  name: number;
  category: number;
  seq: number;
  flows: readonly number[];
  depth: number;
}

interface Lane {
  readonly track: number;
  readonly depth: number;
  readonly ts: Float64Array;
  readonly end: Float64Array;
  readonly maxEnd: Float64Array;
  readonly name: Uint32Array;
  readonly category: Uint32Array;
  readonly seq: Float64Array;
}

interface CounterSeries {
  readonly track: number;
  readonly ts: Float64Array;
  readonly value: Float64Array;
}

/** Bits a seq takes in an effects key (cause × 2^26 + seq): captures up to 67M events. */
const SEQ_BITS = 2 ** 26;

/**
 * Everything a TimelineIndex holds, as structured-cloneable data whose big arrays
 * are transferable: capture-cache.ts builds it in a worker thread
 * (timeline-worker.ts) so a million-event build does not stall the server.
 */
export interface TimelineData {
  readonly startNs: number;
  readonly endNs: number;
  readonly tracks: readonly TrackInfo[];
  readonly names: readonly string[];
  readonly lanes: readonly Lane[];
  readonly counters: readonly CounterSeries[];
  /** Slices on a flow chain: their seq, chains and position. */
  readonly flowMembers: ReadonlyArray<{ readonly chains: readonly number[]; readonly end: FlowEnd }>;
  readonly effectKeys: Float64Array;
  readonly sliceCount: number;
}

export type BuildResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function buildTimelineIndex(reader: CaptureReader, onProgress?: (done: number, total: number) => void): BuildResult<TimelineIndex> {
  const d = buildTimelineData(reader, onProgress);
  return d.ok ? { ok: true, value: new TimelineIndex(d.value) } : d;
}

/** The buffers of `data` that can be moved to another thread instead of copied. */
export function transferables(data: TimelineData): ArrayBuffer[] {
  const out: ArrayBuffer[] = [data.effectKeys.buffer as ArrayBuffer];
  for (const l of data.lanes) for (const a of [l.ts, l.end, l.maxEnd, l.name, l.category, l.seq]) out.push(a.buffer as ArrayBuffer);
  for (const c of data.counters) out.push(c.ts.buffer as ArrayBuffer, c.value.buffer as ArrayBuffer);
  return out;
}

export function buildTimelineData(reader: CaptureReader, onProgress?: (done: number, total: number) => void): BuildResult<TimelineData> {
  const tracks: TrackDef[] = [];
  const names = new Map<string, number>();
  const nameList: string[] = [];
  const intern = (s: string): number => {
    let id = names.get(s);
    if (id === undefined) {
      id = nameList.length;
      names.set(s, id);
      nameList.push(s);
    }
    return id;
  };
  const slicesOf = new Map<number, RawSlice[]>();
  const countersOf = new Map<number, { ts: number; value: number }[]>();
  const open = new Map<number, RawSlice[]>();
  const push = (track: number, s: RawSlice): RawSlice => {
    (slicesOf.get(track) ?? slicesOf.set(track, []).get(track)!).push(s);
    return s;
  };
  const raw = (ts: number, dur: number, name: string, category: string, seq: number, flows: readonly number[]): RawSlice =>
    ({ ts, dur, name: intern(name), category: intern(category), seq, flows, depth: 0 });
  const sink = {
    item(i: TimelineItem): void {
      switch (i.type) {
        case 'track': tracks.push(i.track); break;
        case 'slice': push(i.track, raw(i.tsNs, i.durNs, i.name, i.category, i.seq, i.flows)); break;
        case 'instant': push(i.track, raw(i.tsNs, 0, i.name, i.category, i.seq, i.flows)); break;
        case 'begin': {
          const s = push(i.track, raw(i.tsNs, -1, i.name, i.category, i.seq, i.flows));
          (open.get(i.track) ?? open.set(i.track, []).get(i.track)!).push(s);
          break;
        }
        case 'end': {
          const s = open.get(i.track)?.pop();
          if (s) s.dur = i.tsNs - s.ts;
          break;
        }
        case 'counter': (countersOf.get(i.track) ?? countersOf.set(i.track, []).get(i.track)!).push({ ts: i.tsNs, value: i.value }); break;
      }
    },
  };
  const projector = new Projector(sink, reader.meta().app);
  const effects: number[] = [];
  let firstTsNs = Infinity;
  // Read as the export reads (a worker thread, only the bytes and args the projection uses):
  // this pass needs nothing else of an event.
  const walked = forEachEvent(reader, undefined, undefined, onProgress, (seq, cause, e) => {
    if (cause !== null) effects.push(cause * SEQ_BITS + seq);
    if (e.tsNs < firstTsNs) firstTsNs = e.tsNs;
    projector.event(seq, cause, e);
  }, BYTES_READ, ARGS_READ);
  if (!walked.ok) return { ok: false, error: walked.error.message };
  projector.finish(walked.value.lastTsNs);
  // A slice still open (dur -1) at the end ran to the end of the capture.
  for (const stack of open.values()) for (const s of stack) s.dur = Math.max(0, walked.value.lastTsNs - s.ts);
  const effectKeys = Float64Array.from(effects).sort();
  return { ok: true, value: assemble(tracks, nameList, slicesOf, countersOf, effectKeys, Number.isFinite(firstTsNs) ? firstTsNs : 0, walked.value.lastTsNs) };
}

/** Nests each track's slices, splits them into lanes and orders the tracks. */
function assemble(
  tracks: readonly TrackDef[], names: readonly string[], slicesOf: Map<number, RawSlice[]>,
  countersOf: Map<number, { ts: number; value: number }[]>, effectKeys: Float64Array, startNs: number, endNs: number,
): TimelineData {
  const maxDepth = new Map<number, number>();
  const lanes: Lane[] = [];
  const flowMembers: { chains: readonly number[]; end: FlowEnd }[] = [];
  let sliceCount = 0;
  for (const [track, slices] of slicesOf) {
    sliceCount += slices.length;
    nest(slices);
    const byDepth: RawSlice[][] = [];
    for (const s of slices) {
      (byDepth[s.depth] ??= []).push(s);
      if (s.flows.length) flowMembers.push({ chains: s.flows, end: { seq: s.seq, trackId: track, tsNs: s.ts, depth: s.depth } });
    }
    maxDepth.set(track, byDepth.length);
    byDepth.forEach((list, depth) => lanes.push(lane(track, depth, list)));
  }
  lanes.sort((a, b) => a.track - b.track || a.depth - b.depth);
  const counters: CounterSeries[] = [];
  for (const [track, points] of countersOf) {
    points.sort((a, b) => a.ts - b.ts);
    counters.push({ track, ts: Float64Array.from(points, (p) => p.ts), value: Float64Array.from(points, (p) => p.value) });
  }
  const trackList = ordered(tracks).map((t): TrackInfo => ({
    id: t.id, parentId: t.parent, name: t.name, kind: t.kind,
    maxDepth: t.kind === 'slices' ? Math.max(1, maxDepth.get(t.id) ?? 0) : 0,
  }));
  return { startNs, endNs, tracks: trackList, names, lanes, counters, flowMembers, effectKeys, sliceCount };
}

export class TimelineIndex {
  private readonly lanes: readonly Lane[];
  private readonly counters: readonly CounterSeries[];
  private readonly trackList: readonly TrackInfo[];
  private readonly names: readonly string[];
  private readonly effectKeys: Float64Array;
  /** seq → the chain ids its slice is a step of, and where it sits. */
  private readonly flowMember = new Map<number, { chains: readonly number[]; end: FlowEnd }>();
  private readonly chains = new Map<number, FlowEnd[]>();
  readonly startNs: number;
  readonly endNs: number;
  readonly sliceCount: number;

  constructor(data: TimelineData) {
    ({ lanes: this.lanes, counters: this.counters, tracks: this.trackList, names: this.names, effectKeys: this.effectKeys } = data);
    ({ startNs: this.startNs, endNs: this.endNs, sliceCount: this.sliceCount } = data);
    for (const m of data.flowMembers) {
      this.flowMember.set(m.end.seq, m);
      for (const f of m.chains) (this.chains.get(f) ?? this.chains.set(f, []).get(f)!).push(m.end);
    }
  }

  tracks(): TrackList {
    return { startNs: this.startNs, endNs: this.endNs, tracks: this.trackList };
  }

  hasTrack(id: number): boolean {
    return this.trackList.some((t) => t.id === id);
  }

  /** Everything in [startNs, endNs] at (endNs − startNs) / widthPx ns per pixel, optionally only some tracks. */
  window(startNs: number, endNs: number, widthPx: number, onlyTracks?: ReadonlySet<number>): TimelineWindow {
    const nsPerPx = (endNs - startNs) / widthPx;
    const slices: TimelineSlice[] = [];
    for (const l of this.lanes) {
      if (onlyTracks && !onlyTracks.has(l.track)) continue;
      this.laneWindow(l, startNs, endNs, nsPerPx, slices);
    }
    const counters: CounterPoint[] = [];
    for (const c of this.counters) {
      if (onlyTracks && !onlyTracks.has(c.track)) continue;
      counterWindow(c, startNs, endNs, nsPerPx, counters);
    }
    return { startNs, endNs, nsPerPx, slices, counters };
  }

  private laneWindow(l: Lane, startNs: number, endNs: number, nsPerPx: number, out: TimelineSlice[]): void {
    const n = l.ts.length;
    let i = lowerBound(l.maxEnd, startNs, 0, n);
    let merged: { trackId: number; tsNs: number; durNs: number; depth: number; name: string; category: string; seq: null; count: number } | undefined;
    while (i < n && l.ts[i]! <= endNs) {
      if (l.end[i]! < startNs) {
        i++;
        continue;
      }
      const px = Math.floor((Math.max(l.ts[i]!, startNs) - startNs) / nsPerPx);
      const bound = startNs + (px + 1) * nsPerPx;
      const j = Math.max(i + 1, lowerBound(l.ts, Math.min(bound, endNs + 1), i + 1, n));
      if (j === i + 1) {
        out.push({ trackId: l.track, tsNs: l.ts[i]!, durNs: l.end[i]! - l.ts[i]!, depth: l.depth, name: this.names[l.name[i]!]!, category: this.names[l.category[i]!]!, seq: l.seq[i]!, count: 1 });
        merged = undefined;
      } else {
        const runEnd = l.maxEnd[j - 1]!;
        if (merged && l.ts[i]! - (merged.tsNs + merged.durNs) < nsPerPx) {
          merged.durNs = Math.max(merged.durNs, runEnd - merged.tsNs);
          merged.count += j - i;
        } else {
          merged = { trackId: l.track, tsNs: l.ts[i]!, durNs: runEnd - l.ts[i]!, depth: l.depth, name: this.names[l.name[i]!]!, category: this.names[l.category[i]!]!, seq: null, count: j - i };
          out.push(merged);
        }
      }
      i = j;
    }
  }

  /** The chains through `seq` as arrows between consecutive steps, in time order; none when `seq` is on no chain. */
  flows(seq: number): FlowChain {
    const member = this.flowMember.get(seq);
    if (!member) return { links: [] };
    const links: { from: FlowEnd; to: FlowEnd }[] = [];
    for (const c of member.chains) {
      const steps = [...(this.chains.get(c) ?? [])].sort((a, b) => a.tsNs - b.tsNs || a.seq - b.seq);
      for (let k = 1; k < steps.length; k++) links.push({ from: steps[k - 1]!, to: steps[k]! });
    }
    return { links };
  }

  /** Seqs of the events whose cause is `seq`, in seq order. */
  effectsOf(seq: number): number[] {
    const keys = this.effectKeys;
    const out: number[] = [];
    for (let i = lowerBound(keys, seq * SEQ_BITS, 0, keys.length); i < keys.length && keys[i]! < (seq + 1) * SEQ_BITS; i++) out.push(keys[i]! - seq * SEQ_BITS);
    return out;
  }
}

/** Depth of each slice on one track, trace_processor's rule (as recorder/timeline/perfetto-tables.ts). */
function nest(slices: RawSlice[]): void {
  slices.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.seq - b.seq);
  const stack: RawSlice[] = [];
  for (const s of slices) {
    while (stack.length && !contains(stack[stack.length - 1]!, s)) stack.pop();
    s.depth = stack.length;
    if (s.dur !== 0) stack.push(s);
  }
}

function contains(outer: RawSlice, s: RawSlice): boolean {
  return s.ts >= outer.ts && s.ts + s.dur <= outer.ts + outer.dur && !(s.ts === outer.ts + outer.dur && s.dur > 0);
}

function lane(track: number, depth: number, list: readonly RawSlice[]): Lane {
  const n = list.length;
  const l: Lane = {
    track, depth, ts: new Float64Array(n), end: new Float64Array(n), maxEnd: new Float64Array(n),
    name: new Uint32Array(n), category: new Uint32Array(n), seq: new Float64Array(n),
  };
  let max = -Infinity;
  list.forEach((s, i) => {
    l.ts[i] = s.ts;
    l.end[i] = s.ts + s.dur;
    max = Math.max(max, s.ts + s.dur);
    l.maxEnd[i] = max;
    l.name[i] = s.name;
    l.category[i] = s.category;
    l.seq[i] = s.seq;
  });
  return l;
}

function counterWindow(c: CounterSeries, startNs: number, endNs: number, nsPerPx: number, out: CounterPoint[]): void {
  const n = c.ts.length;
  // The point in force at startNs, then the first and last point of each pixel.
  let i = lowerBound(c.ts, startNs, 0, n);
  if (i > 0 && (i === n || c.ts[i]! > startNs)) out.push({ trackId: c.track, tsNs: c.ts[i - 1]!, value: c.value[i - 1]! });
  while (i < n && c.ts[i]! <= endNs) {
    const px = Math.floor((c.ts[i]! - startNs) / nsPerPx);
    const j = lowerBound(c.ts, startNs + (px + 1) * nsPerPx, i + 1, n);
    out.push({ trackId: c.track, tsNs: c.ts[i]!, value: c.value[i]! });
    if (j - 1 > i && c.ts[j - 1]! <= endNs) out.push({ trackId: c.track, tsNs: c.ts[j - 1]!, value: c.value[j - 1]! });
    i = j;
  }
}

/** First index in [lo, hi) whose value is ≥ x (the array is sorted ascending). */
function lowerBound(a: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Tracks parent first, siblings by rank then id: the top-down order of tracks.ts. */
function ordered(tracks: readonly TrackDef[]): TrackDef[] {
  const children = new Map<number | null, TrackDef[]>();
  for (const t of tracks) (children.get(t.parent) ?? children.set(t.parent, []).get(t.parent)!).push(t);
  const out: TrackDef[] = [];
  const visit = (parent: number | null): void => {
    const list = (children.get(parent) ?? []).sort((a, b) => a.rank - b.rank || a.id - b.id);
    for (const t of list) {
      out.push(t);
      visit(t.id);
    }
  };
  visit(null);
  return out;
}
