/**
 * Projects a capture's events, in seq order, onto the timeline (items.ts): one pass,
 * state bounded by what is open (calls, jobs in flight, live BOs and mappings, fences
 * a wait may still name), so a million-event capture streams through.
 *
 * Flows: each chain is named by the seq of the ioctl that started it
 * (`kmd.ioctl_enter`); a job inherits its submit's chain, a fence signal its job's
 * (or its signalling ioctl's), a wait end the fence's. An ioctl slice carries its
 * chain only when something joined it before the ioctl returned (a job queued, a
 * fence signalled), so lone ioctls start no dangling flows.
 * `chainOf` holds only the seqs a later event can still name as its cause: an
 * ioctl's enter until it returns, a job's queued/started events until it finishes,
 * its finished event until its fence signals, and the last SIGNALS_KEPT fence
 * signals (a wait may end on a fence signalled long before; one ended by an older
 * signal gets no flow arrow). Keeping every member made a 10M-event export hold
 * ~2M entries.
 *
 * Counters are derived from the ioctls that change them: BO memory allocated
 * (BO_CREATE out size; GEM_CLOSE and closing the file release it), VM bytes mapped
 * (VM_BIND MAP / UNMAP ops of a successful bind, counted when the ioctl returns;
 * VM_DESTROY releases the VM's), jobs in flight (queued, not yet finished).
 *
 * Example:
 *   const p = new Projector(sink, 'vkcube');
 *   for (const { seq, causeSeq, event } of events) p.event(seq, causeSeq, event);
 *   p.finish(lastTsNs);   // closes calls and jobs still open at the end of the capture
 */
import { errnoName } from '../../engine/base/errno';
import { ioctlByNr, OBJ_ARRAY_ELEMENTS, type AnyIoctl, DRM_PANTHOR_VM_BIND_OP_TYPE_MASK, DRM_PANTHOR_VM_BIND_OP_TYPE_MAP, DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP } from '../../engine/kmd/uapi';
import { eventKinds, type EventKind, type EventOf, type IoctlEvent, type TraceEvent } from '../../engine/trace/events';
import type { ArgValue, Args, TimelineSink } from './items';
import { TrackTree } from './tracks';

/** The flows of an item on no chain: one shared empty list (most items; consumers that keep items keep no copy). */
const NO_FLOWS: readonly number[] = Object.freeze([]);

/**
 * The kinds whose byte fields the projection reads: an ioctl's argument struct (and,
 * for VM_BIND, its op array). Of every other byte array it shows only the length, so a
 * reader may hand it stand-ins of the right length (capture/event-pages.ts).
 */
export const BYTES_READ: ReadonlySet<EventKind> = new Set<EventKind>(['kmd.ioctl']);

/**
 * The args fields the projection reads, for the kinds where that is not all of them (it
 * always reads `kind` and `tsNs`, and forEachEvent reads `durNs` where a kind has one).
 * A reader may hand such an event with only these fields (capture/event-pages.ts: an
 * ioctl's enter is 5% of a stress capture's events, and of it only `id` matters). Only
 * kinds worth it are listed: the worker picks each field out with SQLite's `->`, which
 * for kmd.job_queued (all but `stream`) cost the worker more than it saved (measured).
 * Every other kind keeps all its args.
 * tests/export/args-read.test.ts checks this against what the handlers read on real
 * captures; the worker-vs-reference export test, that the items do not change.
 */
export const ARGS_READ: { readonly [K in EventKind]?: readonly Exclude<keyof EventOf<K>, 'kind' | 'tsNs'>[] } = {
  'kmd.ioctl_enter': ['id'],
};

/** Fence signals a later wait end can still join the chain of (see the header). */
export const SIGNALS_KEPT = 1 << 16;

interface OpenJob {
  readonly queuedSeq: number;
  startedSeq: number | null;
  readonly pid: number;
  readonly group: number;
  readonly queue: number;
  readonly queuedNs: number;
  readonly chain: number | null;
  startedNs: number | null;
  slot: number | null;
}

interface OpenCall {
  readonly track: number;
  readonly name: string;
}

type Handler<K extends EventKind> = (p: Projector, seq: number, cause: number | null, e: EventOf<K>) => void;

export class Projector {
  readonly tracks: TrackTree;
  private readonly thread = new Map<number, number>();
  private readonly calls = new Map<number, OpenCall[]>();
  private readonly jobs = new Map<number, OpenJob>();
  /** seq of a chain member → the chain id (ioctl enters, jobs' events, fence signals). */
  private readonly chainOf = new Map<number, number>();
  private readonly ioctlEnter = new Map<number, number>();
  private readonly usedChains = new Set<number>();
  /** Finished jobs whose fence has not signalled yet → seq of their job_finished. */
  private readonly finishedUnsignalled = new Map<number, number>();
  /** Seqs of the last SIGNALS_KEPT fence signals in chainOf, oldest first from `signalsNext`. */
  private readonly signals: number[] = [];
  private signalsNext = 0;
  private readonly boBytes = new Map<string, number>();
  private readonly vmBytes = new Map<string, number>();
  private boTotal = 0;
  private vmTotal = 0;
  private inFlight = 0;

  constructor(private readonly sink: TimelineSink, appName: string) {
    this.tracks = new TrackTree(sink, appName);
  }

  event(seq: number, cause: number | null, e: TraceEvent): void {
    (handlers[e.kind] as Handler<EventKind>)(this, seq, cause, e);
  }

  /** Ends what is still open at `endNs` (a capture cut short, a hung job). */
  finish(endNs: number): void {
    for (const stack of this.calls.values()) {
      while (stack.length) this.sink.item({ type: 'end', track: stack.pop()!.track, tsNs: endNs, seq: 0, args: { unfinished: true } });
    }
    for (const [jobId, job] of this.jobs) this.jobSlices(0, jobId, job, endNs, 'unfinished');
    this.jobs.clear();
  }

  // ---- helpers used by the handlers ----

  threadTrack(pid: number): number {
    return this.tracks.thread(pid, this.thread.get(pid) ?? 0);
  }

  /** The chain `cause` belongs to, marking it as continued; `remember` when later events may name `seq` as their cause. */
  joinChain(seq: number, cause: number | null, remember = true): number | null {
    const chain = cause === null ? undefined : this.chainOf.get(cause);
    if (chain === undefined) return null;
    if (remember) this.chainOf.set(seq, chain);
    this.usedChains.add(chain);
    return chain;
  }

  /** A fence signal joins its job's (or ioctl's) chain and is kept for the waits it may end. */
  fenceSignal(seq: number, cause: number | null, jobId: number): number | null {
    const chain = this.joinChain(seq, cause);
    const finished = this.finishedUnsignalled.get(jobId);
    if (finished !== undefined) {
      this.finishedUnsignalled.delete(jobId);
      this.chainOf.delete(finished);
    }
    if (chain !== null) {
      if (this.signals.length < SIGNALS_KEPT) this.signals.push(seq);
      else {
        this.chainOf.delete(this.signals[this.signalsNext]!);
        this.signals[this.signalsNext] = seq;
        this.signalsNext = (this.signalsNext + 1) % SIGNALS_KEPT;
      }
    }
    return chain;
  }

  instant(track: number, seq: number, tsNs: number, e: TraceEvent, name: string, args: Args, chain: number | null = null): void {
    this.sink.item({ type: 'instant', track, tsNs, seq, name, category: eventKinds[e.kind].layer, args, flows: chain === null ? NO_FLOWS : [chain] });
  }

  slice(track: number, seq: number, tsNs: number, durNs: number, name: string, category: string, args: Args): void {
    this.sink.item({ type: 'slice', track, tsNs, durNs, seq, name, category, args, flows: NO_FLOWS });
  }

  private counter(track: number, seq: number, tsNs: number, value: number): void {
    this.sink.item({ type: 'counter', track, tsNs, seq, value });
  }

  ioctl(seq: number, e: IoctlEvent): void {
    const enter = this.ioctlEnter.get(e.id);
    this.ioctlEnter.delete(e.id);
    const chain = enter === undefined ? null : this.chainOf.get(enter) ?? null;
    if (enter !== undefined) this.chainOf.delete(enter);
    const flows = chain !== null && this.usedChains.has(chain) ? [chain] : [];
    if (chain !== null) this.usedChains.delete(chain);
    const track = this.tracks.lane(this.tracks.ioctls(e.pid), e.tsNs, e.tsNs + e.durNs);
    // Each struct is decoded once, for the args and for the counters.
    const def = ioctlByNr(e.request);
    const structs = def && decodeStructs(def, e);
    const args: Record<string, ArgValue> = { fd: e.fd, id: e.id, result: e.errno ? `-${errnoName(e.errno)}` : '0', ...ioctlArgs(e, structs) };
    this.sink.item({ type: 'slice', track, tsNs: e.tsNs, durNs: e.durNs, seq, name: shortIoctlName(e.name), category: 'ioctl', args, flows });
    if (!e.errno && def && structs) this.countIoctl(seq, e, def, structs);
  }

  private countIoctl(seq: number, e: IoctlEvent, def: AnyIoctl, structs: IoctlStructs): void {
    const out = structs.out ?? structs.in;
    if (!out) return;
    const file = `${e.pid}.${e.fd}`;
    const end = e.tsNs + e.durNs;
    switch (def.name) {
      case 'DRM_IOCTL_PANTHOR_BO_CREATE':
        this.boBytes.set(`${file}.${num(out.handle)}`, num(out.size));
        this.boTotal += num(out.size);
        break;
      case 'DRM_IOCTL_GEM_CLOSE': {
        const key = `${file}.${num(out.handle)}`;
        this.boTotal -= this.boBytes.get(key) ?? 0;
        this.boBytes.delete(key);
        break;
      }
      case 'DRM_IOCTL_PANTHOR_VM_BIND': {
        const key = `${file}.${num(out.vm_id)}`;
        const delta = vmBindDelta(e, structs.in ?? (def.arg.decode(e.argIn) as Record<string, unknown>));
        this.vmBytes.set(key, (this.vmBytes.get(key) ?? 0) + delta);
        this.vmTotal += delta;
        if (delta) this.counter(this.tracks.counter('VM bytes mapped', 'bytes', 1), seq, end, this.vmTotal);
        return;
      }
      case 'DRM_IOCTL_PANTHOR_VM_DESTROY': {
        const key = `${file}.${num(out.id)}`;
        this.vmTotal -= this.vmBytes.get(key) ?? 0;
        this.vmBytes.delete(key);
        this.counter(this.tracks.counter('VM bytes mapped', 'bytes', 1), seq, end, this.vmTotal);
        return;
      }
      default:
        return;
    }
    this.counter(this.tracks.counter('BO memory allocated', 'bytes', 0), seq, end, this.boTotal);
  }

  /** close(fd) releases the file's BOs and mappings. */
  closeFile(seq: number, tsNs: number, pid: number, fd: number): void {
    const prefix = `${pid}.${fd}.`;
    for (const [map, name, rank] of [[this.boBytes, 'BO memory allocated', 0], [this.vmBytes, 'VM bytes mapped', 1]] as const) {
      let freed = 0;
      for (const [k, v] of map) if (k.startsWith(prefix)) { freed += v; map.delete(k); }
      if (!freed) continue;
      if (rank === 0) this.boTotal -= freed;
      else this.vmTotal -= freed;
      this.counter(this.tracks.counter(name, 'bytes', rank), seq, tsNs, rank === 0 ? this.boTotal : this.vmTotal);
    }
  }

  jobQueued(seq: number, cause: number | null, e: EventOf<'kmd.job_queued'>): void {
    const chain = this.joinChain(seq, cause);
    this.jobs.set(e.jobId, { queuedSeq: seq, startedSeq: null, pid: e.pid, group: e.group, queue: e.queue, queuedNs: e.tsNs, chain, startedNs: null, slot: null });
    const track = this.tracks.queue(e.pid, e.group, e.queue);
    this.instant(track, seq, e.tsNs, e, `queued job ${e.jobId}`, { job: e.jobId, stream_va: e.streamVa, stream_size: e.streamSizeBytes, waits: e.waits, ioctl: e.ioctl });
    this.inFlight++;
    this.counter(this.tracks.counter('jobs in flight', 'count', 2), seq, e.tsNs, this.inFlight);
  }

  jobStarted(seq: number, e: EventOf<'kmd.job_started'>): void {
    const job = this.jobs.get(e.jobId);
    if (!job) return;
    job.startedNs = e.tsNs;
    job.slot = e.slot;
    if (job.startedSeq !== null) this.chainOf.delete(job.startedSeq);
    job.startedSeq = seq;
    if (job.chain !== null) this.chainOf.set(seq, job.chain);
  }

  jobFinished(seq: number, e: EventOf<'kmd.job_finished'>): void {
    const job = this.jobs.get(e.jobId);
    if (!job) return;
    this.jobs.delete(e.jobId);
    this.chainOf.delete(job.queuedSeq);
    if (job.startedSeq !== null) this.chainOf.delete(job.startedSeq);
    if (job.chain !== null) {
      this.chainOf.set(seq, job.chain);
      this.finishedUnsignalled.set(e.jobId, seq);
    }
    this.jobSlices(seq, e.jobId, job, e.tsNs, e.status);
    this.inFlight--;
    this.counter(this.tracks.counter('jobs in flight', 'count', 2), seq, e.tsNs, this.inFlight);
  }

  /** A job's span on its queue (queued → finished, the flow step) and on its slot (started → finished). */
  private jobSlices(seq: number, jobId: number, job: OpenJob, endNs: number, status: string): void {
    const startNs = job.startedNs ?? job.queuedNs;
    const args = { job: jobId, status, slot: job.slot ?? -1, queued_ts: job.queuedNs, wait_ns: startNs - job.queuedNs };
    const q = this.tracks.lane(this.tracks.queue(job.pid, job.group, job.queue), startNs, endNs);
    this.sink.item({ type: 'slice', track: q, tsNs: startNs, durNs: endNs - startNs, seq, name: `job ${jobId}`, category: 'kmd', args, flows: job.chain === null ? NO_FLOWS : [job.chain] });
    if (job.slot !== null) {
      const s = this.tracks.lane(this.tracks.slot(job.slot), startNs, endNs);
      this.sink.item({ type: 'slice', track: s, tsNs: startNs, durNs: endNs - startNs, seq, name: `job ${jobId}`, category: 'hw', args, flows: NO_FLOWS });
    }
  }

  enterIoctl(seq: number, e: EventOf<'kmd.ioctl_enter'>): void {
    this.ioctlEnter.set(e.id, seq);
    this.chainOf.set(seq, seq);
  }

  apiCall(seq: number, e: EventOf<'api.call'>): void {
    const track = this.threadTrack(e.pid);
    const stack = this.calls.get(e.pid) ?? [];
    stack.push({ track, name: e.name });
    this.calls.set(e.pid, stack);
    const args: Record<string, ArgValue> = {};
    // A loop, not forEach and a closure; `in` skips holes as forEach does.
    for (let i = 0; i < e.args.length; i++) if (i in e.args) args[argKey(i)] = argValue(e.args[i]);
    this.sink.item({ type: 'begin', track, tsNs: e.tsNs, seq, name: e.name, category: 'api', args, flows: NO_FLOWS });
  }

  apiReturn(seq: number, e: EventOf<'api.return'>): void {
    const stack = this.calls.get(e.pid);
    const top = stack?.[stack.length - 1];
    if (!stack || !top || top.name !== e.name) return;
    stack.pop();
    const args: Record<string, ArgValue> = { result: e.result };
    if (e.value !== null && e.value !== undefined) args.value = argValue(e.value);
    if (e.message) args.message = e.message;
    this.sink.item({ type: 'end', track: top.track, tsNs: e.tsNs, seq, args });
  }

  switchThread(e: EventOf<'app.thread_switch'>): void {
    this.thread.set(e.pid, e.thread);
  }
}

/** `arg0`, `arg1`, …: made once, not per call (a fresh key string is looked up in V8's string table each time). */
const ARG_KEYS: string[] = [];
const argKey = (i: number): string => (ARG_KEYS[i] ??= `arg${i}`);

/**
 * `read GPU_ID`, …: one string per (op, register), not a fresh one per access. MMIO is
 * a third of a stress capture's events, and a sink that interns names by string (the
 * Perfetto one) hashes a fresh string on every lookup but a reused one only once.
 */
const MMIO_NAMES = { read: new Map<string, string>(), write: new Map<string, string>() };
function mmioName(op: 'read' | 'write', reg: string): string {
  const names = MMIO_NAMES[op] ?? new Map<string, string>();
  let name = names.get(reg);
  if (name === undefined) {
    name = `${op} ${reg}`;
    if (names.size < MMIO_NAMES_MAX) names.set(reg, name);
  }
  return name;
}
/** Registers are a fixed set; the bound keeps a capture with odd names from growing the cache. */
const MMIO_NAMES_MAX = 4096;

const text = (e: TraceEvent): string => eventKinds[e.kind].text(e as never);

const handlers: { readonly [K in EventKind]: Handler<K> } = {
  'api.call': (p, seq, _c, e) => p.apiCall(seq, e),
  'api.return': (p, seq, _c, e) => p.apiReturn(seq, e),
  'app.thread_switch': (p, _s, _c, e) => p.switchThread(e),
  'mem.write': (p, seq, _c, e) => p.instant(p.threadTrack(e.pid), seq, e.tsNs, e, 'mem.write', { memory: e.memory, bo: e.bo, offset: e.offsetBytes, size: e.bytes.length }),
  'mem.read': (p, seq, _c, e) => p.instant(p.threadTrack(e.pid), seq, e.tsNs, e, 'mem.read', { memory: e.memory, bo: e.bo, offset: e.offsetBytes, size: e.lengthBytes, hash: e.hash }),
  'frame.present': (p, seq, _c, e) => p.instant(p.threadTrack(e.pid), seq, e.tsNs, e, `present frame ${e.frame}`, { frame: e.frame, width: e.width, height: e.height }),
  'kmd.ioctl_enter': (p, seq, _c, e) => p.enterIoctl(seq, e),
  'kmd.ioctl': (p, seq, _c, e) => p.ioctl(seq, e),
  'kmd.process_op': (p, seq, _c, e) => {
    p.instant(p.tracks.ioctls(e.pid), seq, e.tsNs, e, e.op, { arg: e.arg, offset: e.offset, length: e.lengthBytes, result: e.result, text: text(e) });
    if (e.op === 'close' && e.result === 0) p.closeFile(seq, e.tsNs, e.pid, e.arg);
  },
  'kmd.wait_end': (p, seq, cause, e) => p.instant(p.tracks.fences(), seq, e.tsNs, e, 'wait ended', {
    pid: e.pid, ioctl: e.ioctl, handles: [...e.handles], points: [...e.points], ended_by: e.endedBy ? `${e.endedBy.context}#${e.endedBy.seqno}` : 'attach', first_signaled: e.firstSignaled,
  }, p.joinChain(seq, cause, false)),
  'hw.mmio': (p, seq, _c, e) => p.instant(p.tracks.mmio(), seq, e.tsNs, e, mmioName(e.op, e.reg), { offset: e.offset, value: e.value }),
  'hw.irq': (p, seq, _c, e) => p.instant(p.tracks.irq(), seq, e.tsNs, e, `irq ${e.line}`, { status: e.status }),
  'hw.fault': (p, seq, _c, e) => p.instant(p.tracks.faults(), seq, e.tsNs, e, `fault ${e.fault}`, { slot: e.slot, as: e.as, va: e.va, access: e.access, detail: e.detail }),
  'hw.job': (p, seq, _c, e) => {
    const track = p.tracks.lane(p.tracks.engine(e.engine), e.tsNs, e.tsNs + e.durNs);
    p.slice(track, seq, e.tsNs, e.durNs, e.op, 'hw', { slot: e.slot, ok: e.ok, work: e.work, write_hash: e.writeHash });
  },
  'kmd.job_queued': (p, seq, cause, e) => p.jobQueued(seq, cause, e),
  'kmd.job_started': (p, seq, _c, e) => p.jobStarted(seq, e),
  'kmd.job_finished': (p, seq, _c, e) => p.jobFinished(seq, e),
  'kmd.fence_signal': (p, seq, cause, e) => p.instant(p.tracks.fences(), seq, e.tsNs, e, `signal ${e.context}#${e.seqno}`, {
    context: e.context, seqno: e.seqno, error: e.error, job: e.jobId, ioctl: e.ioctl,
  }, p.fenceSignal(seq, cause, e.jobId)),
  'kmd.syncobj': (p, seq, _c, e) => p.instant(p.tracks.fences(), seq, e.tsNs, e, `syncobj ${e.op}`, { pid: e.pid, handle: e.handle, point: e.point, ioctl: e.ioctl }),
  'kmd.reset': (p, seq, _c, e) => p.instant(p.tracks.faults(), seq, e.tsNs, e, 'GPU reset', { reason: e.reason, guilty: e.guiltyGroups.join(','), innocent: e.innocentGroups.join(',') }),
  'kmd.group_state': (p, seq, _c, e) => p.instant(p.tracks.faults(), seq, e.tsNs, e, `group ${e.group} state ${e.state}`, { group: e.group, state: e.state, reason: e.reason }),
};

/** DRM_IOCTL_PANTHOR_GROUP_SUBMIT → PANTHOR_GROUP_SUBMIT (what the timeline has room for). */
function shortIoctlName(name: string): string {
  return name.startsWith('DRM_IOCTL_') ? name.slice('DRM_IOCTL_'.length) : name;
}

/** An ioctl's argument struct decoded as copied in and as copied back (undefined when not copied). */
interface IoctlStructs {
  readonly in: Record<string, unknown> | undefined;
  readonly out: Record<string, unknown> | undefined;
}

function decodeStructs(def: AnyIoctl, e: IoctlEvent): IoctlStructs {
  return {
    in: e.argIn.length ? (def.arg.decode(e.argIn) as Record<string, unknown>) : undefined,
    out: e.argOut.length ? (def.arg.decode(e.argOut) as Record<string, unknown>) : undefined,
  };
}

/** The ioctl's argument struct as args: in-fields as copied in, out-fields as copied back. */
function ioctlArgs(e: IoctlEvent, structs: IoctlStructs | undefined): Args {
  if (!structs) return { request: e.request };
  const args: Record<string, ArgValue> = {};
  const put = (v: Record<string, unknown>): void => {
    for (const [k, x] of Object.entries(v)) args[k] = argValue(x);
  };
  if (structs.in) put(structs.in);
  if (structs.out) put(structs.out);
  return { args };
}

/** Bytes mapped minus bytes unmapped by a VM_BIND's ops (read from the user copy of the op array). */
function vmBindDelta(e: IoctlEvent, argIn: Record<string, unknown>): number {
  const bind = argIn as { ops: { stride: number; count: number; array: number } };
  const copy = e.copies.find((c) => c.dir === 'in' && c.addr === bind.ops.array);
  const opStruct = OBJ_ARRAY_ELEMENTS['drm_panthor_vm_bind.ops'];
  if (!copy || !opStruct || bind.ops.stride < opStruct.sizeBytes) return 0;
  let delta = 0;
  for (let i = 0; i < bind.ops.count && (i + 1) * bind.ops.stride <= copy.bytes.length; i++) {
    const op = opStruct.decode(copy.bytes.subarray(i * bind.ops.stride, i * bind.ops.stride + opStruct.sizeBytes)) as { flags: number; size: number };
    const type = (op.flags & DRM_PANTHOR_VM_BIND_OP_TYPE_MASK) >>> 0;
    if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_MAP) delta += op.size;
    else if (type === DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP >>> 0) delta -= op.size;
  }
  return delta;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * An API argument or decoded field as an arg: byte arrays by size, bigints as strings.
 * A value that is already one (arrays and plain objects of numbers, strings, booleans
 * and nulls: most API arguments) is returned as it is, not copied: the copy would
 * deep-equal it, key order and array holes included, and was ~1/3 of the objects the
 * projection allocated per API call. Items therefore share such values with the event
 * (nothing downstream writes into an item's args).
 */
function argValue(v: unknown): ArgValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object' && isArgValue(v, 0)) return v as ArgValue;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (Array.isArray(v)) return v.map(argValue);
  if (typeof v === 'object') {
    const out: Record<string, ArgValue> = {};
    for (const [k, x] of Object.entries(v)) out[k] = argValue(x);
    return out;
  }
  return String(v);
}

/** Nesting past which isArgValue gives up (argValue then copies, as before). */
const ARG_DEPTH_MAX = 8;

/** Whether argValue(v) would deep-equal v: only arrays, plain objects, numbers, strings, booleans and nulls, not too deep. */
function isArgValue(v: object, depth: number): boolean {
  if (depth > ARG_DEPTH_MAX) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') continue;
      if (x === undefined && !(i in v)) continue;
      if (typeof x !== 'object' || !isArgValue(x, depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') continue;
    if (typeof x !== 'object' || !isArgValue(x, depth + 1)) return false;
  }
  return true;
}
