/**
 * The track tree of a capture's timeline, declared lazily as events need tracks.
 *
 * Layout, top-down as a driver engineer reads a stack (ranks keep this order):
 *   <app> pid P            process: one thread track per app thread (API calls,
 *                          CPU writes, frames) and an `ioctls` track (ioctls and
 *                          process ops)
 *   KMD scheduler          one group track per (pid, group), a track per queue
 *   GPU                    a track per CS slot, per engine, MMIO and IRQ
 *   Fences                 fence signals, syncobj changes, waits ended
 *   Faults & resets
 *   counters               BO memory allocated, VM bytes mapped, jobs in flight
 *
 * Thread ids: an app thread has no OS tid, so thread T of process P is tid
 * P * 1000 + T (unique in the trace, readable back).
 *
 * Lanes: complete slices on one logical track must not overlap (trace_processor
 * nests by time on a track), so a slice that overlaps the previous one goes on a
 * sibling lane with the same name — what Perfetto's importers do with overlapping
 * async work.
 */
import type { TimelineSink, TrackDef, TrackKind } from './items';

export const tidOf = (pid: number, thread: number): number => pid * 1000 + thread;

const RANK_PROCESS = 0;
const RANK_SCHED = 100_000;
const RANK_GPU = 100_001;
const RANK_FENCES = 100_002;
const RANK_FAULTS = 100_003;
const RANK_COUNTERS = 100_004;

/** Slots of TrackTree.known: a kind of track, plus its numbers (pid, thread), each `small`. */
const KEY_STRIDE = 1 << 20;
const KEY_MMIO = 1;
const KEY_IRQ = 2;
const KEY_FENCES = 3;
const KEY_FAULTS = 4;
const KEY_IOCTLS = 2 * KEY_STRIDE;
const KEY_THREAD = 2 ** 40;

interface Lane {
  readonly id: number;
  endNs: number;
}

export class TrackTree {
  private readonly byKey = new Map<string, TrackDef>();
  private readonly byId = new Map<number, TrackDef>();
  private readonly lanes = new Map<number, Lane[]>();
  private nextId = 1;

  constructor(private readonly sink: TimelineSink, private readonly appName: string) {}

  /**
   * Ids of tracks already declared, by a key the hot methods build without a string
   * (they run once or twice per event: a template key and a closure each time were
   * ~3% of an export). The first call goes the string-keyed way and caches the id, so
   * a track is still declared, its parents before it, exactly when first asked for.
   */
  private readonly known = new Map<number, number>();
  /** Counter track ids by name (names are literals: their hash is computed once). */
  private readonly counters = new Map<string, number>();

  /** The track for `key`, declared on first use by `make`. */
  private get(key: string, make: () => Omit<TrackDef, 'id'>): number {
    const known = this.byKey.get(key);
    if (known) return known.id;
    const def: TrackDef = { id: this.nextId++, ...make() };
    this.byKey.set(key, def);
    this.byId.set(def.id, def);
    this.sink.item({ type: 'track', track: def });
    return def.id;
  }

  private plain(key: string, name: string, kind: TrackKind, parent: number | null, rank: number, extra: Partial<TrackDef> = {}): number {
    return this.get(key, () => ({ name, kind, parent, rank, ...extra }));
  }

  /** Caches a declared track's id under `slot`; returns the id. */
  private remember(slot: number, id: number): number {
    this.known.set(slot, id);
    return id;
  }

  process(pid: number): number {
    return this.plain(`p${pid}`, `${this.appName} pid ${pid}`, 'process', null, RANK_PROCESS + pid, { pid });
  }

  thread(pid: number, thread: number): number {
    if (!(small(pid) && small(thread))) return this.declareThread(pid, thread);
    const slot = KEY_THREAD + pid * KEY_STRIDE + thread;
    return this.known.get(slot) ?? this.remember(slot, this.declareThread(pid, thread));
  }

  private declareThread(pid: number, thread: number): number {
    const parent = this.process(pid);
    return this.plain(`t${pid}.${thread}`, thread === 0 ? 'main thread' : `thread ${thread}`, 'thread', parent, thread, { pid, tid: tidOf(pid, thread) });
  }

  ioctls(pid: number): number {
    if (!small(pid)) return this.declareIoctls(pid);
    return this.known.get(KEY_IOCTLS + pid) ?? this.remember(KEY_IOCTLS + pid, this.declareIoctls(pid));
  }

  private declareIoctls(pid: number): number {
    return this.plain(`io${pid}`, 'ioctls', 'slices', this.process(pid), 1000, { pid });
  }

  queue(pid: number, group: number, queue: number): number {
    const root = this.plain('sched', 'KMD scheduler', 'group', null, RANK_SCHED);
    const g = this.plain(`g${pid}.${group}`, `pid ${pid} group ${group}`, 'group', root, pid * 1000 + group);
    return this.plain(`q${pid}.${group}.${queue}`, `pid ${pid} group ${group} queue ${queue}`, 'slices', g, queue);
  }

  private gpu(): number {
    return this.plain('gpu', 'GPU', 'group', null, RANK_GPU);
  }

  slot(slot: number): number {
    return this.plain(`slot${slot}`, `CS slot ${slot}`, 'slices', this.gpu(), slot);
  }

  engine(engine: string): number {
    return this.plain(`eng.${engine}`, `engine ${engine}`, 'slices', this.gpu(), 100 + engineRank(engine));
  }

  mmio(): number {
    return this.known.get(KEY_MMIO) ?? this.remember(KEY_MMIO, this.plain('mmio', 'MMIO', 'slices', this.gpu(), 200));
  }

  irq(): number {
    return this.known.get(KEY_IRQ) ?? this.remember(KEY_IRQ, this.plain('irq', 'IRQ', 'slices', this.gpu(), 201));
  }

  fences(): number {
    return this.known.get(KEY_FENCES) ?? this.remember(KEY_FENCES, this.plain('fences', 'Fences', 'slices', null, RANK_FENCES));
  }

  faults(): number {
    return this.known.get(KEY_FAULTS) ?? this.remember(KEY_FAULTS, this.plain('faults', 'Faults & resets', 'slices', null, RANK_FAULTS));
  }

  counter(name: string, unit: 'bytes' | 'count', rankOffset: number): number {
    const id = this.counters.get(name);
    if (id !== undefined) return id;
    const declared = this.plain(`c.${name}`, name, 'counter', null, RANK_COUNTERS + rankOffset, { unit });
    this.counters.set(name, declared);
    return declared;
  }

  /**
   * The lane of track `base` free at `tsNs` (base itself when free), reserving it
   * until `endNs`. Lanes are siblings of `base` with its name.
   */
  lane(base: number, tsNs: number, endNs: number): number {
    let lanes = this.lanes.get(base);
    if (!lanes) {
      lanes = [{ id: base, endNs: -Infinity }];
      this.lanes.set(base, lanes);
    }
    let lane: Lane | undefined;
    for (const l of lanes) {
      if (l.endNs <= tsNs) {
        lane = l;
        break;
      }
    }
    if (!lane) {
      const { id: _base, ...def } = this.byId.get(base)!;
      lane = { id: this.get(`lane.${base}.${lanes.length}`, () => def), endNs: -Infinity };
      lanes.push(lane);
    }
    lane.endNs = Math.max(lane.endNs, endNs);
    return lane.id;
  }
}

/** Numbers a slot of TrackTree.known can hold without two tracks sharing it. */
const small = (n: number): boolean => n >>> 0 === n && n < KEY_STRIDE;

function engineRank(engine: string): number {
  return engine === 'compute' ? 0 : engine === 'fragment' ? 1 : engine === 'dma' ? 2 : 3;
}
