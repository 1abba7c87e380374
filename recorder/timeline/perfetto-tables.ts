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
import { rewriteExtractArgQuery, type RewrittenSql } from './extract-arg';
import { ARGS_READ, BYTES_READ, Projector } from './project';

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
  'CREATE INDEX temp.args_by_set ON args (arg_set_id, key)',
];

/** A slice as emitted by the projection, before its id, depth and parent are known. */
interface StagedSlice {
  readonly ts: number;
  dur: number;
  readonly track: number;
  readonly category: string;
  readonly name: string;
  args: Args;
  readonly flows: readonly number[];
  readonly seq: number;
}

/** An open slice on a track's nesting stack (ids in time order). */
interface Nested {
  readonly id: number;
  readonly ts: number;
  readonly dur: number;
}

/** Rows per insert transaction, and per chunk when ids are assigned: bounds the memory of a build (default). */
const BATCH_ROWS = 10_000;

/** `sql` as it runs over the tables: trace_processor's functions it uses rewritten (extract-arg.ts). */
export function perfettoSql(sql: string): RewrittenSql {
  return rewriteExtractArgQuery(sql);
}

/** True when `sql` names one of the tables (word match; cheap enough to decide whether to build). */
export function mentionsPerfettoTables(sql: string): boolean {
  return [...PERFETTO_TABLES, 'extract_arg'].some((t) => new RegExp(`\\b${t}\\b`, 'i').test(sql));
}

/**
 * Builds the tables in the reader's TEMP schema, once per connection, in bounded
 * memory: the projection's slices go to a staging table as they are emitted (their
 * args straight into `args`), SQLite sorts them on disk, and ids, depth, parent and
 * flows are assigned walking that order in chunks. Only open slices, each track's
 * nesting stack and each flow's last slice stay in memory. (Holding every slice in
 * memory took 1.7 GB for a 1M-event capture.)
 */
export function ensurePerfettoTables(reader: CaptureReader, batchRows = BATCH_ROWS): { ok: true } | { ok: false; message: string } {
  const temp = reader.temp();
  if (temp.has('slice')) return { ok: true };
  let built: { ok: true } | { ok: false; message: string };
  try {
    built = build(reader, temp, batchRows);
  } catch (e) {
    built = { ok: false, message: `building the Perfetto-style tables failed: ${(e as Error).message}` };
  }
  // Half-built tables would look complete to the next query (`has('slice')`): none are left.
  if (!built.ok) for (const t of [...PERFETTO_TABLES, 'slice_stage']) temp.exec(`DROP TABLE IF EXISTS temp.${t}`);
  return built;
}

function build(reader: CaptureReader, temp: TempSchema, batchRows: number): { ok: true } | { ok: false; message: string } {
  for (const ddl of DDL) temp.exec(ddl);
  temp.exec('CREATE TEMP TABLE slice_stage (id INTEGER PRIMARY KEY, ts INTEGER, neg_dur INTEGER, seq INTEGER, track_id INTEGER, category TEXT, name TEXT, arg_set_id INTEGER, flows TEXT)');
  const build = new StagedBuild(temp, batchRows);
  const tracks: TrackDef[] = [];
  const open = new Map<number, StagedSlice[]>();
  const sink = {
    item(i: TimelineItem): void {
      switch (i.type) {
        case 'track': tracks.push(i.track); break;
        case 'slice': build.slice({ ts: i.tsNs, dur: i.durNs, track: i.track, category: i.category, name: i.name, args: i.args, flows: i.flows, seq: i.seq }); break;
        case 'instant': build.slice({ ts: i.tsNs, dur: 0, track: i.track, category: i.category, name: i.name, args: i.args, flows: i.flows, seq: i.seq }); break;
        case 'begin': {
          // Held until its end (whose args it takes), so it is staged with its duration.
          const stack = open.get(i.track) ?? [];
          stack.push({ ts: i.tsNs, dur: -1, track: i.track, category: i.category, name: i.name, args: i.args, flows: i.flows, seq: i.seq });
          open.set(i.track, stack);
          break;
        }
        case 'end': {
          const r = open.get(i.track)?.pop();
          if (r) {
            r.dur = i.tsNs - r.ts;
            r.args = { ...r.args, ...i.args };
            build.slice(r);
          }
          break;
        }
        case 'counter': build.counter(i.tsNs, i.track, i.value); break;
      }
    },
  };
  const projector = new Projector(sink, reader.meta().app);
  // Read as the export reads (a worker thread, only the bytes and args the projection uses).
  const r = forEachEvent(reader, undefined, undefined, undefined, (seq, cause, e) => projector.event(seq, cause, e), BYTES_READ, ARGS_READ);
  if (!r.ok) return { ok: false, message: r.error.message };
  projector.finish(r.value.lastTsNs);
  // A slice never ended (dur -1) is staged in begin order, as the projection opened it.
  for (const stack of open.values()) for (const s of stack) build.slice(s);
  build.flush();
  fillTracks(temp, tracks);
  build.assignIds();
  temp.exec('DROP TABLE temp.slice_stage');
  temp.fn('extract_arg', () => {
    throw new Error('extract_arg(arg_set_id, key) is rewritten into a lookup in `args` before the query runs (rewriteExtractArg)');
  });
  return { ok: true };
}

/** The streaming half of the build: staged slices, args and counters, then ids in time order. */
class StagedBuild {
  private stage: unknown[][] = [];
  private args: unknown[][] = [];
  private counters: unknown[][] = [];
  private argSet = 0;

  constructor(private readonly temp: TempSchema, private readonly batchRows: number) {}

  slice(s: StagedSlice): void {
    let set: number | null = null;
    if (Object.keys(s.args).length) {
      set = ++this.argSet;
      for (const [k, v] of Object.entries(s.args)) flatten(this.args, set, `debug.${k}`, `debug.${k}`, v);
    }
    this.stage.push([s.ts, -s.dur, s.seq, s.track, s.category, s.name, set, s.flows.length ? s.flows.join(',') : null]);
    if (this.stage.length >= this.batchRows || this.args.length >= this.batchRows) this.flush();
  }

  counter(ts: number, track: number, value: number): void {
    this.counters.push([ts, track, value]);
    if (this.counters.length >= this.batchRows) this.flush();
  }

  flush(): void {
    this.temp.insert('slice_stage', ['ts', 'neg_dur', 'seq', 'track_id', 'category', 'name', 'arg_set_id', 'flows'], this.stage);
    this.temp.insert('args', ['arg_set_id', 'flat_key', 'key', 'int_value', 'string_value', 'real_value', 'value_type', 'display_value'], this.args);
    this.temp.insert('counter', ['ts', 'track_id', 'value'], this.counters);
    this.stage = [];
    this.args = [];
    this.counters = [];
  }

  /**
   * Ids in time order (ts, longer first, then emission order), depth and parent by
   * nesting on each track, and a flow from each slice carrying a flow id to the next
   * one carrying it — chunk by chunk, through an index on the staging table.
   */
  assignIds(): void {
    const temp = this.temp;
    // Index entries end with the rowid (id: emission order), the last key of the order.
    temp.exec('CREATE INDEX temp.slice_stage_order ON slice_stage (ts, neg_dur, seq)');
    const stacks = new Map<number, Nested[]>();
    const lastOfFlow = new Map<number, number>();
    let id = 0;
    let after: unknown[] = [-Infinity, -Infinity, -Infinity, -Infinity];
    for (;;) {
      const chunk = temp.all(
        `SELECT ts, neg_dur, seq, id, track_id, category, name, arg_set_id, flows FROM slice_stage
         WHERE (ts, neg_dur, seq, id) > (?, ?, ?, ?) ORDER BY ts, neg_dur, seq, id LIMIT ${this.batchRows}`, after);
      if (chunk.length === 0) break;
      const slices: unknown[][] = [];
      const flows: unknown[][] = [];
      for (const [ts, negDur, seq, , track, category, name, set, flowList] of chunk as [number, number, number, number, number, string, string, number | null, string | null][]) {
        const s: Nested = { id: ++id, ts, dur: -negDur };
        const stack = stacks.get(track) ?? [];
        while (stack.length && !contains(stack[stack.length - 1]!, s)) stack.pop();
        slices.push([s.id, ts, s.dur, track, category, name, stack.length, stack[stack.length - 1]?.id ?? null, set, seq]);
        if (s.dur !== 0) stack.push(s);
        stacks.set(track, stack);
        for (const f of flowList === null ? [] : flowList.split(',').map(Number)) {
          const prev = lastOfFlow.get(f);
          if (prev !== undefined) flows.push([prev, s.id, f]);
          lastOfFlow.set(f, s.id);
        }
      }
      temp.insert('slice', ['id', 'ts', 'dur', 'track_id', 'category', 'name', 'depth', 'parent_id', 'arg_set_id', 'seq'], slices);
      temp.insert('flow', ['slice_out', 'slice_in', 'trace_id'], flows);
      after = chunk[chunk.length - 1]!.slice(0, 4);
    }
  }
}

function fillTracks(temp: TempSchema, tracks: readonly TrackDef[]): void {
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
}

/** Does `outer` (an open slice) enclose `s`? An unfinished slice (dur -1) encloses everything after it. */
function contains(outer: Nested, s: Nested): boolean {
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
