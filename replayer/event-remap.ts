/**
 * Applying a `Remapper` to whole events: an ioctl's argument bytes and user copies
 * (rewritten slot by slot, see uapi-walk.ts), and the numbers other events carry
 * (pids, fds, handles, mapping addresses, mmap offsets). The ioctl replay uses it
 * both ways: recorded inputs → the fresh run's numbering before issuing them, and
 * every regenerated event → the capture's numbering before verification, so a
 * replay that allocated differently still compares equal where it behaved the same.
 *
 * Per-kind rules are one `Record<EventKind, …>`: a new kind fails to compile until
 * it says which of its numbers the kernel handed out. Kernel-internal ids (job ids,
 * ioctl ids, fence contexts, group ids) and everything in hw.* are not remapped:
 * they are not part of the uAPI and a replay that matches issues them in the same
 * order (see remap.ts for physical addresses).
 *
 * Example: with pid 100 → 101 and fd 3 → 4 learned, `eventToRecorded(
 *   { kind: 'kmd.ioctl_enter', pid: 101, fd: 4, … }, remap, ctx)` → `{ …, pid: 100, fd: 3 }`.
 */
import type { EventKind, EventOf, IoctlEvent, TraceEvent, UserCopy } from '../engine/trace/events';
import { ioctlByNr, type AnyIoctl } from '../engine/kmd/uapi';
import type { Direction, Remapper } from './remap';
import { ArgImage, ioctlSlots } from './uapi-walk';

export interface IoctlArgs {
  readonly argIn: Uint8Array;
  readonly argOut: Uint8Array;
  readonly copies: readonly UserCopy[];
}

/**
 * An ioctl's argument bytes and copies in the other numbering. `recPid` and `file`
 * name the recorded process and DRM file the call was made on; copies keep their
 * order and direction, their addresses and the objects named inside them move.
 */
export function remapIoctlArgs(def: AnyIoctl | undefined, args: IoctlArgs, remap: Remapper, recPid: number, file: string | undefined, dir: Direction): IoctlArgs {
  if (!def) return args;
  const inImage = new ArgImage(args.argIn, args.copies);
  const outImage = new ArgImage(args.argOut, []);
  // Collect every slot first: locations are addresses in the source numbering.
  const slots = [
    ...ioctlSlots(def, inImage, true).map((s) => [inImage, s] as const),
    ...ioctlSlots(def, outImage, false).map((s) => [outImage, s] as const),
  ];
  for (const [image, slot] of slots) {
    const v = image.read(slot);
    if (v !== undefined) image.write(slot, remap.value(slot.ns, v, recPid, file, dir));
  }
  const copies = inImage.copies.map((c) => ({ dir: c.dir, addr: remap.userAddr(recPid, c.addr, dir), bytes: c.bytes }));
  return { argIn: inImage.arg, argOut: outImage.arg, copies };
}

/**
 * Learn what a create-type ioctl handed out: every `out` / `inout` object field of
 * the argument, recorded value ↔ replay value. Only when both runs succeeded.
 */
export function learnIoctlOutputs(recorded: IoctlEvent, replayed: IoctlEvent, remap: Remapper, recPid: number, file: string | undefined): void {
  const def = ioctlByNr(recorded.request);
  if (!def || recorded.errno !== 0 || replayed.errno !== 0 || recorded.argOut.length !== replayed.argOut.length) return;
  const rec = new ArgImage(recorded.argOut, []);
  const rep = new ArgImage(replayed.argOut, []);
  for (const slot of ioctlSlots(def, rec, false)) {
    if (slot.dir === 'in') continue;
    const a = rec.read(slot);
    const b = rep.read(slot);
    if (a !== undefined && b !== undefined) remap.bindValue(slot.ns, a, b, recPid, file);
  }
}

/** Where a regenerated event happened, for the numbers only its context can place. */
export interface EventContext {
  /** The DRM file of the ioctl being replayed (recorded naming), if one is. */
  readonly file: string | undefined;
}

type Rule<K extends EventKind> = (e: EventOf<K>, r: Remapper, ctx: EventContext) => EventOf<K>;

const D: Direction = 'toRecorded';
const same = <T>(e: T): T => e;
/** The file a pid-only event's handles live in: the ioctl's, else the pid's first. */
const fileFor = (recPid: number, r: Remapper, ctx: EventContext): string | undefined => ctx.file ?? r.primaryFile(recPid);

const rules: { readonly [K in EventKind]: Rule<K> } = {
  'api.call': (e, r) => ({ ...e, pid: r.pid(e.pid, D) }),
  'api.return': (e, r) => ({ ...e, pid: r.pid(e.pid, D) }),
  'app.thread_switch': (e, r) => ({ ...e, pid: r.pid(e.pid, D) }),
  'frame.present': (e, r) => ({ ...e, pid: r.pid(e.pid, D) }),
  'mem.write': (e, r) => {
    const pid = r.pid(e.pid, D);
    return { ...e, pid, bo: r.handle(r.primaryFile(pid), 'bo', e.bo, D) };
  },
  'mem.read': (e, r) => {
    const pid = r.pid(e.pid, D);
    return { ...e, pid, bo: r.handle(r.primaryFile(pid), 'bo', e.bo, D) };
  },
  'kmd.ioctl_enter': (e, r) => {
    const pid = r.pid(e.pid, D);
    return { ...e, pid, fd: r.fd(pid, e.fd, D) };
  },
  'kmd.ioctl': (e, r) => {
    const pid = r.pid(e.pid, D);
    const fd = r.fd(pid, e.fd, D);
    return { ...e, pid, fd, ...remapIoctlArgs(ioctlByNr(e.request), e, r, pid, r.fileOf(pid, fd), D) };
  },
  'kmd.wait_end': (e, r, ctx) => {
    const pid = r.pid(e.pid, D);
    const file = fileFor(pid, r, ctx);
    return { ...e, pid, handles: e.handles.map((h) => r.handle(file, 'syncobj', h, D)) };
  },
  'kmd.syncobj': (e, r, ctx) => {
    const pid = r.pid(e.pid, D);
    return { ...e, pid, handle: r.handle(fileFor(pid, r, ctx), 'syncobj', e.handle, D) };
  },
  'kmd.job_queued': (e, r) => ({ ...e, pid: r.pid(e.pid, D), streamVa: r.value('gpuva', e.streamVa, 0, undefined, D) }),
  'kmd.process_op': (e, r) => processOpToRecorded(e, r),
  'hw.mmio': same,
  'hw.irq': same,
  'hw.fault': same,
  'hw.job': same,
  'kmd.job_started': same,
  'kmd.job_finished': same,
  'kmd.fence_signal': same,
  'kmd.reset': same,
  'kmd.group_state': same,
};

function processOpToRecorded(e: EventOf<'kmd.process_op'>, r: Remapper): EventOf<'kmd.process_op'> {
  const pid = r.pid(e.pid, D);
  switch (e.op) {
    case 'spawn': return { ...e, pid, result: r.pid(e.result, D) };
    case 'open': return { ...e, pid, result: r.fd(pid, e.result, D) };
    case 'close': return { ...e, pid, arg: r.fd(pid, e.arg, D) };
    case 'mmap': return { ...e, pid, arg: r.fd(pid, e.arg, D), offset: r.mmapOffset(e.offset, D), result: e.result > 0 ? r.userAddr(pid, e.result, D) : e.result };
    case 'munmap': return { ...e, pid, arg: r.userAddr(pid, e.arg, D) };
    case 'pass_fd': {
      const to = r.pid(e.offset, D);
      return { ...e, pid, arg: r.fd(pid, e.arg, D), offset: to, result: r.fd(to, e.result, D) };
    }
  }
}

/** A regenerated event in the capture's numbering. */
export function eventToRecorded(e: TraceEvent, remap: Remapper, ctx: EventContext): TraceEvent {
  const rule = rules[e.kind] as Rule<EventKind>;
  return rule(e as never, remap, ctx);
}
