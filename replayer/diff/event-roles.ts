/**
 * An event's role: what it is in the run's work, independent of the numbers and
 * times the run happened to get. Two captures are aligned by matching roles, so the
 * alignment is a hash join — linear in the number of events — and survives a
 * different interleaving of threads or processes.
 *
 * Model
 * - Roots are the app's calls: `api.call` is the n-th call of its thread in its
 *   process (`p0.t1/call#17`); pids are named by spawn order (`p0`, `p1`), threads
 *   by the seeded scheduler's `app.thread_switch` events.
 * - Every other event hangs under the event that caused it, numbered per kind:
 *   `p0.t0/call#17/enter#0` (the call's first ioctl), `…/enter#0/ret` (its return),
 *   `…/enter#0/job#0` (the job that ioctl queued), `…/job#0/started#0`. Where the
 *   capture names the parent by id rather than by cause_seq (an ioctl's id, a job
 *   id), the id is used: a wait_end hangs under its ioctl, not under the fence that
 *   ended it, so a wait ended by a different fence is one changed event, not a
 *   deleted and an inserted one.
 * - Hardware register traffic and interrupts have no cause: they hang under the
 *   last event that opens a context (`ANCHORS`: the call, ioctl, interrupt or GPU
 *   job in progress), per register (`…/mmio:GPU_IRQ_CLEAR#0`), so one extra register write displaces
 *   nothing but itself.
 * - Events with neither cause nor anchor (the device probe, before any process)
 *   are numbered per stream (`probe/mmio:GPU_ID#0`).
 *
 * Example (vkcube): seq 167 `ioctl(3, DRM_IOCTL_SYNCOBJ_CREATE) = 0` has the role
 *   `p0.t0/call#39/enter#0/ret` (vkCreateFence, the 40th call of the main thread), whatever
 *   seq, fd and id it had; the syncobj it creates is `syncobj@p0.t0/call#39/enter#0/ret`.
 */
import type { EventKind, EventOf, TraceEvent } from '../../engine/trace/events';
import { hash53 } from './hash53';
import { RecentMap } from './recent-map';

/**
 * Events that open a context register traffic happens in: a call, an ioctl (its
 * entry, and after its return whatever follows), an interrupt, a job on the GPU.
 * Effects inside a context (a fence signalled, a job queued, a syncobj changed) are
 * not anchors, so a bug that adds or moves one does not move the register traffic
 * around it.
 */
const ANCHORS: ReadonlySet<EventKind> = new Set<EventKind>([
  'api.call', 'api.return', 'app.thread_switch', 'mem.write', 'mem.read', 'frame.present',
  'kmd.ioctl_enter', 'kmd.ioctl', 'kmd.process_op', 'hw.irq', 'hw.job', 'hw.fault', 'kmd.reset',
]);

/**
 * The kinds recorder/causality.ts names as causes (docs/capture-format.md): only
 * their roles are kept by seq, so a million register accesses cost no memory after
 * they are counted. A cause of another kind (a capture linked by something else)
 * reads as no cause: the rule's fallback places the event, the same way in both
 * captures.
 */
const CAUSES: ReadonlySet<EventKind> = new Set<EventKind>([
  'api.call', 'kmd.ioctl_enter', 'kmd.job_queued', 'kmd.job_started', 'kmd.job_finished', 'kmd.fence_signal',
]);

/**
 * A role other events can hang under, with the seq of the event that has it; a
 * parent no event made (a process, thread, slot or fixed root) is a plain string.
 * `ret` says whether its `…/ret` role has been given: a second one repeats a role.
 */
export interface Parent {
  readonly role: string;
  readonly seq: number;
  ret: boolean;
}

type ParentLike = Parent | string;
type RoleRule<K extends EventKind> = (e: EventOf<K>, r: EventRoles, cause: Parent | undefined) => string;

/**
 * Roles are unique by construction — `child` numbers every parent's children, and a
 * parent (a child role itself) gives `…/ret` once — except where a capture gives
 * one parent two returns; `repeated` says so. The alignment pairs events by seq only
 * while no role repeats (pair-join.ts).
 *
 * `windowEvents` (recent-map.ts): what later events name is kept only for recent
 * events; naming something no longer kept sets `lost` (redo the scan keeping all).
 */
export class EventRoles {
  /** seq → role, for the kinds other events name as their cause (CAUSES). */
  private readonly bySeq: RecentMap<number, Parent>;
  /** hash53(`parent/what`) → children so far (hashed: the keys would outweigh the roles). */
  private readonly counters: RecentMap<number, number>;
  /** The same for parents no event made, kept for the whole scan (a few per process and thread). */
  private readonly eternalCounters = new Map<number, number>();
  private readonly pids = new Map<number, string>();
  private readonly ioctls: RecentMap<number, Parent>;
  private readonly jobs: RecentMap<number, Parent>;
  private thread = 0;
  private anchor: ParentLike = 'probe';
  private seq = 0;
  /** The Parent of the event being assigned, once made. */
  private self: Parent | undefined;
  repeated = false;
  lost = false;

  constructor(windowEvents = Infinity) {
    this.bySeq = new RecentMap(windowEvents);
    this.counters = new RecentMap(windowEvents);
    this.ioctls = new RecentMap(windowEvents);
    this.jobs = new RecentMap(windowEvents);
  }

  /** The role of event `seq` (its cause at `causeSeq`, if any); events must come in seq order. */
  assign(seq: number, causeSeq: number | null, e: TraceEvent): string {
    this.seq = seq;
    this.self = undefined;
    this.bySeq.advance(seq);
    this.counters.advance(seq);
    this.ioctls.advance(seq);
    this.jobs.advance(seq);
    const cause = causeSeq !== null ? this.causeAt(causeSeq) : undefined;
    const role = (ROLE_RULES[e.kind] as RoleRule<EventKind>)(e as never, this, cause);
    if (CAUSES.has(e.kind)) this.bySeq.set(seq, this.parentFor(role));
    if (ANCHORS.has(e.kind)) this.anchor = this.parentFor(role);
    return role;
  }

  /** Drops what only a pass in progress needs (roles by seq, child counters): names stay. */
  release(): void {
    this.bySeq.clear();
    this.counters.clear();
    this.eternalCounters.clear();
  }

  /** Entries held (roles by seq and id, child counters, processes): what the window bounds. */
  get retainedEntries(): number {
    return this.bySeq.size + this.counters.size + this.eternalCounters.size + this.ioctls.size + this.jobs.size + this.pids.size;
  }

  /** The role of `seq`, when it is of a kind that causes others (CAUSES). */
  roleOf(seq: number): string | undefined {
    return this.causeAt(seq)?.role;
  }

  /** `<parent>/<what>#n`, n counting per parent and what. */
  child(parent: ParentLike, what: string): string {
    const eternal = typeof parent === 'string';
    const key = `${eternal ? parent : parent.role}/${what}`;
    const h = hash53(key);
    const counters = eternal ? this.eternalCounters : this.counters;
    let n = counters.get(h);
    // A parent older than what is kept may have had children already.
    if (n === undefined && !eternal && parent.seq < this.counters.horizon) this.lost = true;
    n ??= 0;
    counters.set(h, n + 1);
    return `${key}#${n}`;
  }

  /** `<parent>/ret`: a parent's return, given once (see `repeated`). */
  ret(parent: Parent): string {
    if (parent.ret) this.repeated = true;
    parent.ret = true;
    return `${parent.role}/ret`;
  }

  /** A process's name: spawn order (`p0`, `p1`, …); a pid never spawned keeps its number. */
  proc(pid: number): string {
    return this.pids.get(pid) ?? `pid${pid}`;
  }

  /** Every spawned pid with its name. */
  processes(): [number, string][] {
    return [...this.pids];
  }

  spawned(pid: number): void {
    if (!this.pids.has(pid)) this.pids.set(pid, `p${this.pids.size}`);
  }

  setThread(thread: number): void {
    this.thread = thread;
  }

  get currentThread(): number {
    return this.thread;
  }

  get currentAnchor(): ParentLike {
    return this.anchor;
  }

  ioctlRole(id: number): Parent | undefined {
    return this.byId(this.ioctls, id);
  }

  setIoctl(id: number, role: string): void {
    this.ioctls.set(id, this.parentFor(role));
  }

  jobRole(id: number): Parent | undefined {
    return this.byId(this.jobs, id);
  }

  setJob(id: number, role: string): void {
    this.jobs.set(id, this.parentFor(role));
  }

  private parentFor(role: string): Parent {
    if (this.self?.role !== role) this.self = { role, seq: this.seq, ret: false };
    return this.self;
  }

  private causeAt(seq: number): Parent | undefined {
    const p = this.bySeq.get(seq);
    if (p === undefined && seq < this.bySeq.horizon) this.lost = true;
    return p;
  }

  private byId(m: RecentMap<number, Parent>, id: number): Parent | undefined {
    const p = m.get(id);
    if (p === undefined && m.mayHaveForgotten(id)) this.lost = true;
    return p;
  }
}

const underCause = (what: string, fallback: (r: EventRoles) => ParentLike) => (_e: unknown, r: EventRoles, cause: Parent | undefined): string =>
  r.child(cause ?? fallback(r), what);

const ROLE_RULES: { readonly [K in EventKind]: RoleRule<K> } = {
  'api.call': (e, r) => r.child(`${r.proc(e.pid)}.t${r.currentThread}`, 'call'),
  'api.return': (e, r, cause) => (cause ? r.ret(cause) : r.child(`${r.proc(e.pid)}.t${r.currentThread}`, 'ret')),
  'app.thread_switch': (e, r) => {
    r.setThread(e.thread);
    return r.child(`${r.proc(e.pid)}.t${e.thread}`, 'switch');
  },
  'mem.write': (e, r, cause) => r.child(cause ?? r.proc(e.pid), 'mem.write'),
  'mem.read': (e, r, cause) => r.child(cause ?? r.proc(e.pid), 'mem.read'),
  'frame.present': (e, r, cause) => r.child(cause ?? r.proc(e.pid), 'present'),
  'kmd.ioctl_enter': (e, r, cause) => {
    const role = r.child(cause ?? r.proc(e.pid), 'enter');
    r.setIoctl(e.id, role);
    return role;
  },
  'kmd.ioctl': (e, r, cause) => {
    const enter = r.ioctlRole(e.id) ?? cause;
    return enter ? r.ret(enter) : r.child(r.proc(e.pid), 'ioctl');
  },
  'kmd.wait_end': (e, r, cause) => r.child(r.ioctlRole(e.ioctl) ?? cause ?? r.proc(e.pid), 'wait_end'),
  'kmd.syncobj': (e, r, cause) => r.child(r.ioctlRole(e.ioctl) ?? cause ?? r.proc(e.pid), 'syncobj'),
  'kmd.job_queued': (e, r, cause) => {
    const role = r.child(r.ioctlRole(e.ioctl) ?? cause ?? r.proc(e.pid), 'job');
    r.setJob(e.jobId, role);
    return role;
  },
  'kmd.job_started': (e, r, cause) => r.child(r.jobRole(e.jobId) ?? cause ?? 'jobs', 'started'),
  'kmd.job_finished': (e, r, cause) => r.child(r.jobRole(e.jobId) ?? cause ?? 'jobs', 'finished'),
  'kmd.fence_signal': (e, r, cause) => {
    const parent = (e.jobId ? r.jobRole(e.jobId) : undefined) ?? (e.ioctl ? r.ioctlRole(e.ioctl) : undefined) ?? cause ?? 'fences';
    return r.child(parent, 'signal');
  },
  'hw.job': (e, r, cause) => r.child(cause ?? `slot${e.slot}`, 'hw.job'),
  'kmd.group_state': (e, r, cause) => r.child(cause ?? r.currentAnchor, 'group_state'),
  'kmd.reset': (_e, r, cause) => r.child(cause ?? 'gpu', 'reset'),
  'kmd.process_op': (e, r, cause) => {
    if (e.op === 'spawn' && e.result > 0) r.spawned(e.result);
    return r.child(cause ?? r.proc(e.pid), `op:${e.op}`);
  },
  'hw.mmio': (e, r) => r.child(r.currentAnchor, `mmio:${e.reg}`),
  'hw.irq': (e, r) => r.child(r.currentAnchor, `irq:${e.line}`),
  'hw.fault': underCause('fault', (r) => r.currentAnchor),
};

/**
 * The fields each role rule reads (ROLE_RULES above; keep the two together): two
 * events of a kind that agree on these, with the same cause, get the same role from
 * the same state and change it the same way (lockstep-scan.ts relies on that).
 */
export const ROLE_FIELDS: { readonly [K in EventKind]: readonly (keyof EventOf<K>)[] } = {
  'api.call': ['pid'],
  'api.return': ['pid'],
  'app.thread_switch': ['pid', 'thread'],
  'mem.write': ['pid'],
  'mem.read': ['pid'],
  'frame.present': ['pid'],
  'kmd.ioctl_enter': ['pid', 'id'],
  'kmd.ioctl': ['pid', 'id'],
  'kmd.wait_end': ['pid', 'ioctl'],
  'kmd.syncobj': ['pid', 'ioctl'],
  'kmd.job_queued': ['pid', 'ioctl', 'jobId'],
  'kmd.job_started': ['jobId'],
  'kmd.job_finished': ['jobId'],
  'kmd.fence_signal': ['jobId', 'ioctl'],
  'hw.job': ['slot'],
  'kmd.group_state': [],
  'kmd.reset': [],
  'kmd.process_op': ['pid', 'op', 'result'],
  'hw.mmio': ['reg'],
  'hw.irq': ['line'],
  'hw.fault': [],
};

/** Whether `x` and `y` (of one kind) agree on every field their role rule reads. */
export function sameRoleFields(x: TraceEvent, y: TraceEvent): boolean {
  if (x.kind !== y.kind) return false;
  for (const f of ROLE_FIELDS[x.kind] as readonly string[]) {
    if ((x as unknown as Record<string, unknown>)[f] !== (y as unknown as Record<string, unknown>)[f]) return false;
  }
  return true;
}
