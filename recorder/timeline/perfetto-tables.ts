/**
 * trace_processor-shaped tables over a capture: `slice`, `track`, `thread_track`,
 * `process_track`, `thread`, `process`, `counter`, `counter_track`, `flow`, `args`,
 * built from the same timeline projection the Perfetto exporter encodes, so a query
 * written for the exported trace returns the same rows on the capture.
 *
 * They are TEMP tables on the reader's connection (built on first use, in memory,
 * never written to the capture), with the columns a Perfetto user queries
 * (PERFETTO-FORMAT §3.1) and trace_processor's rules:
 * - slices nest by time on their track: depth and parent_id come from sorting each
 *   track's slices by (ts, longer first) and keeping a stack; instants (dur 0) nest
 *   under the open slice;
 * - a flow id's occurrences, in time order, link consecutive slices (slice_out →
 *   slice_in, trace_id = the id);
 * - args of a slice get one arg_set_id; keys are `debug.<name>`, dicts nest as
 *   `debug.a.b`, arrays as `debug.a[0]` (flat_key `debug.a`); value_type is int,
 *   string, real or bool;
 * - tracks parented by a process or thread track have parent_id NULL (associated,
 *   not nested), as trace_processor does;
 * - slice ids are assigned in time order.
 * Ids are our own; compare rows by names and values, not ids.
 */
import type { CaptureReader, TempSchema } from '../capture/reader';
import { forEachEvent } from '../capture/for-each-event';
import type { ArgValue, Args, TimelineItem, TrackDef } from './items';
import { Projector } from './project';

export const PERFETTO_TABLES = ['slice', 'track', 'thread_track', 'process_track', 'thread', 'process', 'counter', 'counter_track', 'flow', 'args'] as const;

const DDL = [
  'CREATE TEMP TABLE track (id INTEGER PRIMARY KEY, name TEXT, type TEXT, parent_id INTEGER, source_arg_set_id INTEGER)',
  'CREATE TEMP TABLE process (upid INTEGER PRIMARY KEY, id INTEGER, pid INTEGER, name TEXT)',
  'CREATE TEMP TABLE thread (utid INTEGER PRIMARY KEY, id INTEGER, tid INTEGER, name TEXT, upid INTEGER, is_main_thread INTEGER)',
  'CREATE TEMP TABLE process_track (id INTEGER PRIMARY KEY, name TEXT, type TEXT, parent_id INTEGER, upid INTEGER)',
  'CREATE TEMP TABLE thread_track (id INTEGER PRIMARY KEY, name TEXT, type TEXT, parent_id INTEGER, utid INTEGER)',
  'CREATE TEMP TABLE counter_track (id INTEGER PRIMARY KEY, name TEXT, type TEXT, parent_id INTEGER, unit TEXT, description TEXT)',
  'CREATE TEMP TABLE slice (id INTEGER PRIMARY KEY, ts INTEGER, dur INTEGER, track_id INTEGER, category TEXT, name TEXT, depth INTEGER, parent_id INTEGER, arg_set_id INTEGER, seq INTEGER)',
  'CREATE TEMP TABLE counter (id INTEGER PRIMARY KEY, ts INTEGER, track_id INTEGER, value REAL, arg_set_id INTEGER)',
  'CREATE TEMP TABLE flow (id INTEGER PRIMARY KEY, slice_out INTEGER, slice_in INTEGER, trace_id INTEGER, arg_set_id INTEGER)',
  'CREATE TEMP TABLE args (id INTEGER PRIMARY KEY, arg_set_id INTEGER, flat_key TEXT, key TEXT, int_value INTEGER, string_value TEXT, real_value REAL, value_type TEXT, display_value TEXT)',
  'CREATE INDEX temp.slice_by_track ON slice (track_id, ts)',
  'CREATE INDEX temp.args_by_set ON args (arg_set_id)',
];

interface SliceRow {
  ts: number;
  dur: number;
  track: number;
  category: string;
  name: string;
  args: Args;
  flows: readonly number[];
  seq: number;
  id: number;
  depth: number;
  parent: number | null;
}

/** True when `sql` names one of the tables (word match; cheap enough to decide whether to build). */
export function mentionsPerfettoTables(sql: string): boolean {
  return PERFETTO_TABLES.some((t) => new RegExp(`\\b${t}\\b`, 'i').test(sql));
}

/** Builds the tables in the reader's TEMP schema, once per connection. */
export function ensurePerfettoTables(reader: CaptureReader): { ok: true } | { ok: false; message: string } {
  const temp = reader.temp();
  if (temp.has('slice')) return { ok: true };
  const tracks: TrackDef[] = [];
  const slices: SliceRow[] = [];
  const counters: { ts: number; track: number; value: number }[] = [];
  const open = new Map<number, SliceRow[]>();
  const sink = {
    item(i: TimelineItem): void {
      switch (i.type) {
        case 'track': tracks.push(i.track); break;
        case 'slice': slices.push(row(i.tsNs, i.durNs, i.track, i.category, i.name, i.args, i.flows, i.seq)); break;
        case 'instant': slices.push(row(i.tsNs, 0, i.track, i.category, i.name, i.args, i.flows, i.seq)); break;
        case 'begin': {
          const r = row(i.tsNs, -1, i.track, i.category, i.name, i.args, i.flows, i.seq);
          slices.push(r);
          const stack = open.get(i.track) ?? [];
          stack.push(r);
          open.set(i.track, stack);
          break;
        }
        case 'end': {
          const r = open.get(i.track)?.pop();
          if (r) {
            r.dur = i.tsNs - r.ts;
            r.args = { ...r.args, ...i.args };
          }
          break;
        }
        case 'counter': counters.push({ ts: i.tsNs, track: i.track, value: i.value }); break;
      }
    },
  };
  const projector = new Projector(sink, reader.meta().app);
  const r = forEachEvent(reader, undefined, undefined, undefined, (seq, cause, e) => projector.event(seq, cause, e));
  if (!r.ok) return { ok: false, message: r.error.message };
  projector.finish(r.value.lastTsNs);
  fill(temp, tracks, slices, counters);
  return { ok: true };
}

function row(ts: number, dur: number, track: number, category: string, name: string, args: Args, flows: readonly number[], seq: number): SliceRow {
  return { ts, dur, track, category, name, args, flows, seq, id: 0, depth: 0, parent: null };
}

function fill(temp: TempSchema, tracks: readonly TrackDef[], slices: SliceRow[], counters: readonly { ts: number; track: number; value: number }[]): void {
  for (const ddl of DDL) temp.exec(ddl);
  const byId = new Map(tracks.map((t) => [t.id, t]));
  const upidOf = new Map<number, number>();
  const utidOf = new Map<number, number>();
  const processes: unknown[][] = [];
  const threads: unknown[][] = [];
  for (const t of tracks) {
    if (t.kind === 'process' && !upidOf.has(t.pid!)) {
      upidOf.set(t.pid!, processes.length + 1);
      processes.push([processes.length + 1, processes.length + 1, t.pid, t.name]);
    }
  }
  for (const t of tracks) {
    if (t.kind === 'thread' && !utidOf.has(t.tid!)) {
      utidOf.set(t.tid!, threads.length + 1);
      threads.push([threads.length + 1, threads.length + 1, t.tid, t.name, upidOf.get(t.pid!) ?? null, t.tid! % 1000 === 0 ? 1 : 0]);
    }
  }
  const parentId = (t: TrackDef): number | null => {
    const p = t.parent === null ? undefined : byId.get(t.parent);
    return !p || p.kind === 'process' || p.kind === 'thread' ? null : p.id;
  };
  const typeOf = (t: TrackDef): string => {
    if (t.kind === 'process') return 'process_track_event';
    if (t.kind === 'thread') return 'thread_execution';
    if (t.kind === 'counter') return 'global_counter_track_event';
    return t.pid !== undefined ? 'process_track_event' : 'global_track_event';
  };
  temp.insert('track', ['id', 'name', 'type', 'parent_id'], tracks.map((t) => [t.id, t.name, typeOf(t), parentId(t)]));
  temp.insert('process', ['upid', 'id', 'pid', 'name'], processes);
  temp.insert('thread', ['utid', 'id', 'tid', 'name', 'upid', 'is_main_thread'], threads);
  temp.insert('process_track', ['id', 'name', 'type', 'parent_id', 'upid'],
    tracks.filter((t) => t.kind !== 'thread' && t.kind !== 'counter' && t.pid !== undefined).map((t) => [t.id, t.name, typeOf(t), parentId(t), upidOf.get(t.pid!) ?? null]));
  temp.insert('thread_track', ['id', 'name', 'type', 'parent_id', 'utid'],
    tracks.filter((t) => t.kind === 'thread').map((t) => [t.id, t.name, typeOf(t), null, utidOf.get(t.tid!) ?? null]));
  temp.insert('counter_track', ['id', 'name', 'type', 'parent_id', 'unit'],
    tracks.filter((t) => t.kind === 'counter').map((t) => [t.id, t.name, typeOf(t), parentId(t), t.unit === 'bytes' ? 'bytes' : null]));

  // Ids in time order; depth and parent by nesting on each track.
  slices.sort((a, b) => a.ts - b.ts || b.dur - a.dur || a.seq - b.seq);
  slices.forEach((s, i) => { s.id = i + 1; });
  const stacks = new Map<number, SliceRow[]>();
  for (const s of slices) {
    const stack = stacks.get(s.track) ?? [];
    while (stack.length && !contains(stack[stack.length - 1]!, s)) stack.pop();
    s.depth = stack.length;
    s.parent = stack[stack.length - 1]?.id ?? null;
    if (s.dur !== 0) stack.push(s);
    stacks.set(s.track, stack);
  }
  const args: unknown[][] = [];
  let argSet = 0;
  const sliceRows = slices.map((s) => {
    let set: number | null = null;
    if (Object.keys(s.args).length) {
      set = ++argSet;
      for (const [k, v] of Object.entries(s.args)) flatten(args, set, `debug.${k}`, `debug.${k}`, v);
    }
    return [s.id, s.ts, s.dur, s.track, s.category, s.name, s.depth, s.parent, set, s.seq];
  });
  temp.insert('slice', ['id', 'ts', 'dur', 'track_id', 'category', 'name', 'depth', 'parent_id', 'arg_set_id', 'seq'], sliceRows);
  // trace_processor's extract_arg(arg_set_id, key), answered from memory: a SQL
  // function may not query its own connection.
  const byKey = new Map<string, unknown>();
  for (const a of args) byKey.set(`${a[0] as number}\u0000${a[2] as string}`, a[3] ?? a[4] ?? a[5]);
  temp.fn('extract_arg', (set: number | null, key: string) => (set === null ? null : byKey.get(`${set}\u0000${key}`) ?? null));
  temp.insert('args', ['arg_set_id', 'flat_key', 'key', 'int_value', 'string_value', 'real_value', 'value_type', 'display_value'], args);
  temp.insert('counter', ['ts', 'track_id', 'value'], counters.map((c) => [c.ts, c.track, c.value]));

  const occurrences = new Map<number, SliceRow[]>();
  for (const s of slices) for (const f of s.flows) (occurrences.get(f) ?? occurrences.set(f, []).get(f)!).push(s);
  const flows: unknown[][] = [];
  for (const [id, list] of occurrences) for (let i = 1; i < list.length; i++) flows.push([list[i - 1]!.id, list[i]!.id, id]);
  temp.insert('flow', ['slice_out', 'slice_in', 'trace_id'], flows);
}

/** Does `outer` (an open slice) enclose `s`? An unfinished slice (dur -1) encloses everything after it. */
function contains(outer: SliceRow, s: SliceRow): boolean {
  if (outer.dur < 0) return true;
  return s.ts >= outer.ts && s.ts + Math.max(s.dur, 0) <= outer.ts + outer.dur && !(s.ts === outer.ts + outer.dur && s.dur > 0);
}

function flatten(out: unknown[][], set: number, flatKey: string, key: string, v: ArgValue): void {
  if (Array.isArray(v)) {
    (v as readonly ArgValue[]).forEach((x, i) => flatten(out, set, flatKey, `${key}[${i}]`, x));
    return;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatten(out, set, `${flatKey}.${k}`, `${key}.${k}`, x);
    return;
  }
  if (typeof v === 'boolean') out.push([set, flatKey, key, v ? 1 : 0, null, null, 'bool', String(v)]);
  else if (typeof v === 'number' && Number.isSafeInteger(v)) out.push([set, flatKey, key, v, null, null, 'int', String(v)]);
  else if (typeof v === 'number') out.push([set, flatKey, key, null, null, v, 'real', String(v)]);
  else out.push([set, flatKey, key, null, v === null ? 'null' : v, null, 'string', v === null ? 'null' : v]);
}
