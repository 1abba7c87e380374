/**
 * An event as diff compares it: every field except time, with every number the run
 * handed out replaced by its name by role (value-names.ts), and the event's cause
 * named by its role. Two events with equal views did the same thing.
 *
 * Model
 * - Time is not compared: `tsNs`, `durNs`, and any ioctl argument field whose unit
 *   is `ns` (SYNCOBJ_*WAIT's absolute deadline, computed from the clock) read
 *   `(time)`. Timing is reported apart (timing-tracks.ts).
 * - Handles in ioctl arguments are found by uAPI field knowledge (uapi-walk.ts): an
 *   `out` handle of a successful ioctl is learned as created by that ioctl, every
 *   other one is named. Argument structs are decoded field by field (so a report
 *   says `in.flags`, not a byte offset); array elements the kernel read from user
 *   memory are listed by path (`elems['ops[0].bo_handle']`), and the copies keep
 *   their bytes with those slots zeroed.
 * - API handles follow engine/umd/api-handles.ts: a `Created` value is learned, a
 *   parameter slot is named. Device addresses and bytes the app wrote are values.
 * - Kernel-global ids are named by the event that made them: job ids by their
 *   `kmd.job_queued`, ioctl ids by their `kmd.ioctl_enter`, group ids `g<N>` by
 *   the N-th successful GROUP_CREATE, stub fences (one global timeline) by their
 *   signal.
 * - Rules are one `Record<EventKind, …>`: a new kind fails to compile until it says
 *   which of its numbers are the run's.
 *
 * Example: `{ kind: 'kmd.syncobj', tsNs: 812, pid: 100, handle: 3, op: 'signal', point: 0, ioctl: 36 }`
 *   → `{ kind: 'kmd.syncobj', pid: 'p0', handle: 'syncobj@p0.t0/call#5/enter#0/ret',
 *        op: 'signal', point: 0, ioctl: 'ioctl@p0.t0/call#31/enter#0', cause: 'p0.t0/call#31/enter#0' }`
 */
import { ioctlByNr, type AnyIoctl } from '../../engine/kmd/uapi';
import { handleSlots, mapSlot } from '../../engine/umd/api-handles';
import type { EventKind, EventOf, IoctlEvent, TraceEvent } from '../../engine/trace/events';
import { ArgImage, ioctlSlots, namespaceOf, type Slot } from '../uapi-walk';
import type { AnyStruct } from '../../engine/kmd/uapi/struct';
import type { EventRoles } from './event-roles';
import type { ValueNames } from './value-names';

export type View = Readonly<Record<string, unknown>>;

export interface ViewContext {
  readonly roles: EventRoles;
  readonly names: ValueNames;
  /** The role of the event being viewed. */
  readonly role: string;
  /** Successful GROUP_CREATEs so far (global group ids count up from 1). */
  groups: number;
}

type ViewRule<K extends EventKind> = (e: EventOf<K>, c: ViewContext) => View;

const G = 'global';
const TIME = '(time)';

export function eventView(e: TraceEvent, c: ViewContext, causeRole: string | undefined): View {
  const v = (VIEW_RULES[e.kind] as ViewRule<EventKind>)(e as never, c);
  return { ...v, cause: causeRole ?? null };
}

const pidName = (pid: number, c: ViewContext): string => c.roles.proc(pid);
const ioctlName = (id: number, c: ViewContext): string | number => c.names.name(G, 'ioctl', id);
const jobName = (id: number, c: ViewContext): string | number => c.names.name(G, 'job', id);
/** `g3.q0` → `group@<role>.q0`; `stub` stays. */
const contextName = (ctx: string, c: ViewContext): string => ctx.replace(/^g(\d+)/, (m, id: string) => {
  const n = c.names.name(G, 'gid', Number(id));
  return typeof n === 'string' ? n : m;
});
const fenceName = (ctx: string, seqno: number, c: ViewContext): string => c.names.name(G, 'fence', `${ctx}:${seqno}`);

const VIEW_RULES: { readonly [K in EventKind]: ViewRule<K> } = {
  'api.call': (e, c) => {
    const proc = pidName(e.pid, c);
    let args: unknown = e.args;
    for (const s of handleSlots(e.name).params) {
      args = mapSlot(args, s.path, (h) => c.names.name(proc, s.kind, h) as number);
    }
    return { kind: e.kind, pid: proc, name: e.name, args };
  },
  'api.return': (e, c) => {
    const proc = pidName(e.pid, c);
    let root: unknown = { value: e.value };
    if (e.result === 0 || e.result === null) {
      for (const s of handleSlots(e.name).returns) {
        root = mapSlot(root, s.path, (h) => (h ? c.names.learn(proc, s.kind, h, c.role) : h) as unknown as number);
      }
    }
    return { kind: e.kind, pid: proc, name: e.name, result: e.result, value: (root as { value: unknown }).value, message: e.message };
  },
  'app.thread_switch': (e, c) => ({ kind: e.kind, pid: pidName(e.pid, c), thread: e.thread }),
  'mem.write': (e, c) => {
    const proc = pidName(e.pid, c);
    return { kind: e.kind, pid: proc, memory: c.names.name(proc, 'VkDeviceMemory', e.memory), bo: c.names.name(proc, 'bo', e.bo), offsetBytes: e.offsetBytes, bytes: e.bytes };
  },
  'mem.read': (e, c) => {
    const proc = pidName(e.pid, c);
    return { kind: e.kind, pid: proc, memory: c.names.name(proc, 'VkDeviceMemory', e.memory), bo: c.names.name(proc, 'bo', e.bo), offsetBytes: e.offsetBytes, lengthBytes: e.lengthBytes, hash: e.hash };
  },
  'frame.present': (e, c) => ({ kind: e.kind, pid: pidName(e.pid, c), frame: e.frame, width: e.width, height: e.height, rgba: e.rgba }),
  'kmd.ioctl_enter': (e, c) => {
    const proc = pidName(e.pid, c);
    c.names.learn(G, 'ioctl', e.id, c.role);
    return { kind: e.kind, pid: proc, fd: c.names.name(proc, 'fd', e.fd), name: e.name };
  },
  'kmd.ioctl': (e, c) => ioctlView(e, c),
  'kmd.wait_end': (e, c) => {
    const proc = pidName(e.pid, c);
    return {
      kind: e.kind, pid: proc, ioctl: ioctlName(e.ioctl, c), handles: e.handles.map((h) => c.names.name(proc, 'syncobj', h)), points: e.points,
      endedBy: e.endedBy ? fenceName(e.endedBy.context, e.endedBy.seqno, c) : null, firstSignaled: e.firstSignaled,
    };
  },
  'kmd.syncobj': (e, c) => {
    const proc = pidName(e.pid, c);
    return { kind: e.kind, pid: proc, handle: c.names.name(proc, 'syncobj', e.handle), op: e.op, point: e.point, ioctl: ioctlName(e.ioctl, c) };
  },
  'kmd.job_queued': (e, c) => {
    const proc = pidName(e.pid, c);
    c.names.learn(G, 'job', e.jobId, c.role);
    return {
      kind: e.kind, pid: proc, group: c.names.name(proc, 'group', e.group), queue: e.queue, streamVa: e.streamVa,
      streamSizeBytes: e.streamSizeBytes, stream: e.stream, waits: e.waits, ioctl: ioctlName(e.ioctl, c),
    };
  },
  'kmd.job_started': (e, c) => ({ kind: e.kind, job: jobName(e.jobId, c), slot: e.slot }),
  'kmd.job_finished': (e, c) => ({ kind: e.kind, job: jobName(e.jobId, c), status: e.status }),
  'kmd.fence_signal': (e, c) => {
    const context = contextName(e.context, c);
    // Stub fences share one global timeline: their seqno is allocation order, the role names them.
    const name = c.names.learn(G, 'fence', `${e.context}:${e.seqno}`, c.role);
    return {
      kind: e.kind, fence: e.context === 'stub' ? name : `${context}:${e.seqno}`, error: e.error,
      job: e.jobId ? jobName(e.jobId, c) : 0, ioctl: e.ioctl ? ioctlName(e.ioctl, c) : 0,
    };
  },
  'hw.job': (e) => ({ kind: e.kind, slot: e.slot, engine: e.engine, op: e.op, ok: e.ok, work: e.work, writeHash: e.writeHash }),
  'kmd.group_state': (e, c) => ({ kind: e.kind, group: contextName(e.group, c), state: e.state, reason: e.reason }),
  'kmd.reset': (e, c) => ({
    kind: e.kind, reason: e.reason, guiltyGroups: e.guiltyGroups.map((g) => contextName(g, c)), innocentGroups: e.innocentGroups.map((g) => contextName(g, c)),
  }),
  'kmd.process_op': (e, c) => processOpView(e, c),
  'hw.mmio': (e) => ({ kind: e.kind, op: e.op, offset: e.offset, reg: e.reg, value: e.value }),
  'hw.irq': (e) => ({ kind: e.kind, line: e.line, status: e.status }),
  'hw.fault': (e) => ({ kind: e.kind, slot: e.slot, as: e.as, fault: e.fault, va: e.va, access: e.access, detail: e.detail }),
};

function processOpView(e: EventOf<'kmd.process_op'>, c: ViewContext): View {
  const proc = pidName(e.pid, c);
  const base = { kind: e.kind, pid: proc, op: e.op, lengthBytes: e.lengthBytes };
  const ok = e.result >= 0;
  switch (e.op) {
    case 'spawn': return { ...base, arg: e.arg, offset: e.offset, result: ok ? pidName(e.result, c) : e.result };
    case 'open': return { ...base, arg: e.arg, offset: e.offset, result: ok ? c.names.learn(proc, 'fd', e.result, c.role) : e.result };
    case 'close': return { ...base, arg: c.names.name(proc, 'fd', e.arg), offset: e.offset, result: e.result };
    case 'mmap': return {
      ...base, arg: c.names.name(proc, 'fd', e.arg), offset: c.names.name(G, 'mmap_offset', e.offset),
      result: ok && e.result > 0 ? c.names.learn(proc, 'mapping', e.result, c.role) : e.result,
    };
    case 'munmap': return { ...base, arg: c.names.name(proc, 'mapping', e.arg), offset: e.offset, result: e.result };
    case 'pass_fd': {
      const to = pidName(e.offset, c);
      return { ...base, arg: c.names.name(proc, 'fd', e.arg), offset: to, result: ok ? c.names.learn(to, 'fd', e.result, c.role) : e.result };
    }
  }
}

/** Scope of a handle namespace: per process for file handles and fds, global for mmap offsets. */
function scopeOf(ns: Slot['ns'], proc: string): string {
  return ns === 'mmap_offset' ? G : proc;
}

const NAMED = new Set<Slot['ns']>(['bo', 'syncobj', 'vm', 'group', 'heap', 'fd', 'mmap_offset']);

function ioctlView(e: IoctlEvent, c: ViewContext): View {
  const proc = pidName(e.pid, c);
  const def = ioctlByNr(e.request);
  const head = { kind: e.kind, pid: proc, fd: c.names.name(proc, 'fd', e.fd), name: e.name, errno: e.errno, ioctl: ioctlName(e.id, c) };
  if (!def) return { ...head, argIn: e.argIn, argOut: e.argOut, copies: e.copies };
  const inImage = new ArgImage(e.argIn, e.copies);
  const outImage = new ArgImage(e.argOut, []);
  const names: Record<string, unknown> = {};
  const elems: Record<string, unknown> = {};
  const name = (image: ArgImage, s: Slot, side: 'in' | 'out'): void => {
    if (!NAMED.has(s.ns)) return;
    const v = image.read(s);
    if (v === undefined || v === 0) return;
    const scope = scopeOf(s.ns, proc);
    const created = side === 'out' && s.dir !== 'in' && e.errno === 0;
    const n = created ? c.names.learn(scope, s.ns, v, c.role) : c.names.name(scope, s.ns, v);
    if ('arg' in s.at) names[`${side}.${s.path}`] = n;
    else elems[s.path] = n;
    image.write(s, 0);
  };
  for (const s of ioctlSlots(def, inImage, true)) name(inImage, s, 'in');
  for (const s of ioctlSlots(def, outImage, false)) name(outImage, s, 'out');
  if (e.errno === 0 && def.shortName === 'GROUP_CREATE') c.names.learn(G, 'gid', ++c.groups, c.role);
  const view: Record<string, unknown> = {
    ...head,
    in: decoded(def, inImage.arg, names, 'in'),
    out: decoded(def, outImage.arg, names, 'out'),
  };
  if (Object.keys(elems).length) view.elems = elems;
  if (inImage.copies.length) view.copies = inImage.copies.map((k) => ({ dir: k.dir, addr: k.addr, bytes: k.bytes }));
  return view;
}

/** The argument struct decoded, named slots and time fields put in place of their numbers. */
function decoded(def: AnyIoctl, bytes: Uint8Array, names: Readonly<Record<string, unknown>>, side: string): unknown {
  if (bytes.length !== def.arg.sizeBytes) return bytes;
  const obj = JSON.parse(JSON.stringify(def.arg.decode(bytes))) as Record<string, unknown>;
  for (const f of def.arg.fields) if (f.unit === 'ns' && f.name in obj) obj[f.name] = TIME;
  for (const [path, n] of Object.entries(names)) {
    if (!path.startsWith(`${side}.`)) continue;
    setPath(obj, path.slice(side.length + 1).split('.'), n);
  }
  return obj;
}

function setPath(obj: Record<string, unknown>, parts: readonly string[], v: unknown): void {
  let o: Record<string, unknown> = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = o[parts[i]!];
    if (typeof next !== 'object' || next === null) return;
    o = next as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = v;
}

/**
 * Whether viewing `e` can learn a name (or count a group): false only where the
 * rule above provably learns nothing — a kind whose rule never learns (`learns`
 * says which do), an API return with no handle slot in its value or a failed one,
 * an ioctl that failed or has no handle its out side can create (the out walk
 * does not follow arrays, so the struct's own fields are all it can learn from).
 * Lets a scan that needs no key skip the view (lockstep-scan.ts).
 */
export function viewMayLearn(e: TraceEvent, learns: (kind: EventKind) => boolean): boolean {
  if (!learns(e.kind)) return false;
  if (e.kind === 'api.return') return (e.result === 0 || e.result === null) && handleSlots(e.name).returns.length > 0;
  if (e.kind === 'kmd.ioctl') {
    if (e.errno !== 0) return false;
    const def = ioctlByNr(e.request);
    return def !== undefined && (def.shortName === 'GROUP_CREATE' || outCreates(def));
  }
  return true;
}

const outCreatesByDef = new Map<AnyIoctl, boolean>();

function outCreates(def: AnyIoctl): boolean {
  let v = outCreatesByDef.get(def);
  if (v === undefined) outCreatesByDef.set(def, (v = structCreates(def.arg)));
  return v;
}

function structCreates(struct: AnyStruct): boolean {
  return struct.fields.some((f) => (f.kind === 'struct' && f.struct ? structCreates(f.struct)
    : f.dir !== 'in' && NAMED.has(namespaceOf(struct, f) as Slot['ns'])));
}
