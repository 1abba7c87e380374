/**
 * ioctl-level replay (ARCHITECTURE.md §3): a capture's kernel-boundary inputs fed,
 * in recorded order, into a fresh KMD + hardware model; everything the kernel and
 * the GPU report is regenerated and handed to a sink (a Verifier, usually).
 *
 * Model
 * - Inputs are exactly what crossed from userspace into the kernel: process
 *   operations (spawn, open, close, mmap, munmap, pass_fd), ioctls (argument bytes
 *   and the bytes the kernel copied in from user memory) and CPU writes into mapped
 *   BOs (`mem.write`, which also carries the UMD's own command-stream writes). API
 *   events, frames and thread switches are the app's side and are not needed here.
 * - Before each input the virtual clock is advanced to its recorded time: the app
 *   spent CPU time between calls and the GPU ran meanwhile. (All inputs in between
 *   an ioctl's entry and return are the kernel's: one CPU runs app code, so the
 *   recorded order of `kmd.ioctl` events is the order the calls were made, and the
 *   call is issued at its entry time.) After the last input the clock runs to the
 *   capture's last event, so work the GPU finished after the app's last call shows.
 * - An ioctl is issued as the recording issued it: the `in` copies are written back
 *   at their addresses (heap addresses as they were: the replay process's heap is
 *   grown to hold them; addresses in CPU mappings move with the mapping), the
 *   argument struct is placed right after them, and `kmd.ioctl` runs with the
 *   recorded request. A recorded argument the kernel never read (EFAULT on argp, an
 *   unknown request, a bad fd) is passed as a NULL pointer.
 * - `mem.write` goes into the BO through the GEM object (the mapping's backing
 *   does the same), in the file of the writing process's UMD.
 * - Numbers the fresh run hands out differently are remapped both ways (remap.ts,
 *   event-remap.ts): inputs before issuing, regenerated events before the sink —
 *   so the sink sees the capture's numbering. Events emitted during an input are
 *   held until the input's results are learned, then passed on in order.
 * - `start` begins from a restored checkpoint instead of a fresh stack (seek.ts):
 *   inputs after the checkpoint's seq are applied, with the remapper starting as the
 *   identity (the restored stack is the recording's). `toSeq` stops before the first
 *   input past it and leaves the clock where the last input left it.
 * - `interpose` lets a caller act on the fresh stack before the first input and
 *   after each process operation (the remapping tests allocate extra objects
 *   there). Its events are dropped; it must not spend virtual time.
 *
 * Example:
 *   const v = new Verifier(reader, { regenerates: regeneratedByIoctlReplay });
 *   replayIoctl(reader, { sink: v, shouldStop: () => v.stopped })
 *   // → { ok: true, value: { inputs: 92, events: 211, virtualNs: 69746, lastSeq: 369, … } }
 */
import { resolveBugs } from '../engine/bugs';
import type { DrmFile } from '../engine/kmd/file';
import { ioctlByNr } from '../engine/kmd/uapi';
import type { UserMemory } from '../engine/base/user-memory';
import { Session, type StepResult } from '../engine/session-base';
import { restoreStack, type ModelSnapshot } from '../engine/snapshot';
import { createStack, type Stack } from '../engine/stack';
import { eventKinds, type EventKind, type IoctlEvent, type MemWriteEvent, type ProcessOpEvent, type TraceEvent } from '../engine/trace/events';
import type { TraceSink } from '../engine/trace/sink';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';
import { MergedCursor } from '../recorder/capture/capture-cursor';
import { eventToRecorded, learnIoctlOutputs, remapIoctlArgs } from './event-remap';
import { Remapper, type RemapSummary } from './remap';

export interface ReplayRunOptions {
  /** Regenerated events, in the capture's numbering. */
  readonly sink?: TraceSink;
  /** Bugs to inject instead of the capture's own (names from engine/bugs.ts). */
  readonly inject?: readonly string[];
  /** Checked before every input; true ends the replay early (a verifier stopped). */
  readonly shouldStop?: () => boolean;
  /** Called with the seq of each input applied. */
  readonly onProgress?: (seq: number) => void;
}

export interface IoctlReplayOptions extends ReplayRunOptions {
  readonly interpose?: (stack: Stack, after: ProcessOpEvent | null) => void;
  /**
   * Start from a restored checkpoint instead of a fresh stack: the snapshot taken
   * just after event `afterSeq`; inputs from `afterSeq + 1` on are applied. The
   * restored stack has the recording's own numbering, so the remapper starts as
   * the identity with the snapshot's DRM files bound (`adoptFiles`).
   */
  readonly start?: { readonly snapshot: ModelSnapshot; readonly afterSeq: number };
  /** Apply no input after this seq; the clock is then not run on to the capture's end. */
  readonly toSeq?: number;
}

export interface ReplayStats {
  /** Inputs applied. */
  readonly inputs: number;
  /** Regenerated events handed to the sink. */
  readonly events: number;
  /** The fresh stack's virtual clock at the end. */
  readonly virtualNs: number;
  /** Seq of the last input applied (0 when none). */
  readonly lastSeq: number;
  /** The replay stopped before the capture's end because `shouldStop` said so. */
  readonly stopped: boolean;
  /** Inputs that could not be applied (a BO that no longer exists…), first few. */
  readonly skipped: readonly { readonly seq: number; readonly message: string }[];
  readonly remapped: RemapSummary;
  /** Bugs the fresh stack ran with. */
  readonly injected: readonly string[];
}

export type ReplayErrorCode = 'unknown-bug' | 'incompatible' | 'bad-capture' | 'not-available';

export interface ReplayError {
  readonly code: ReplayErrorCode;
  readonly message: string;
}

export type ReplayResult = { readonly ok: true; readonly value: ReplayStats } | { readonly ok: false; readonly error: ReplayError };

/** The kinds an ioctl-level replay regenerates: everything the kernel and the GPU report. */
export function regeneratedByIoctlReplay(kind: EventKind): boolean {
  return eventKinds[kind].layer !== 'api';
}

const INPUT_KINDS = ['kmd.process_op', 'kmd.ioctl', 'mem.write'] as const;
const MAX_SKIPPED = 20;

export function replayIoctl(reader: CaptureReader, options: IoctlReplayOptions = {}): ReplayResult {
  const meta = reader.meta();
  const names = options.inject ?? meta.injectedBugs;
  const bugs = resolveBugs(names);
  if (bugs.unknown.length) return { ok: false, error: { code: 'unknown-bug', message: `unknown bug(s): ${bugs.unknown.join(', ')} (see tracefold bugs)` } };
  const session = new IoctlReplaySession(reader, meta.seed, bugs, options);
  const run = session.run(options.shouldStop);
  if (run.error !== undefined) return { ok: false, error: session.failure ?? { code: 'bad-capture', message: run.error } };
  return {
    ok: true,
    value: {
      inputs: session.inputs, events: session.forwarded, virtualNs: session.stack.sim.nowNs, lastSeq: session.lastSeq,
      stopped: run.stopped, skipped: session.skipped, remapped: session.remap.summary(), injected: names,
    },
  };
}

/** What the stack's sink does with an event right now. */
type TapMode = 'forward' | 'hold' | 'drop';

export class IoctlReplaySession extends Session {
  readonly remap = new Remapper();
  inputs = 0;
  forwarded = 0;
  lastSeq = 0;
  readonly skipped: { seq: number; message: string }[] = [];
  failure: ReplayError | undefined;
  private readonly cursor: MergedCursor;
  private mode: TapMode = 'forward';
  private held: TraceEvent[] = [];
  /** The replay's DrmFile objects, by the recorded file name the remapper uses. */
  private readonly files = new Map<string, DrmFile>();
  private started = false;

  constructor(
    private readonly reader: CaptureReader,
    seed: number,
    bugs: { readonly hw: ReadonlySet<string>; readonly kmd: ReadonlySet<string> },
    private readonly options: IoctlReplayOptions,
  ) {
    // The driver probes the GPU while the stack is built, before this object exists:
    // those events are the capture's first ones too, so they are kept and passed on.
    const early: TraceEvent[] = [];
    const sink = { session: undefined as IoctlReplaySession | undefined, emit(e: TraceEvent) { if (this.session) this.session.tap(e); else early.push(e); } };
    super(options.start ? restored(options.start.snapshot, sink) : createStack({ seed, sink, gpu: { bugs: new Set(bugs.hw) }, kmd: { bugs: new Set(bugs.kmd) } }));
    sink.session = this;
    this.cursor = new MergedCursor(reader, INPUT_KINDS, (options.start?.afterSeq ?? 0) + 1);
    if (options.start) {
      this.adoptFiles();
      this.lastSeq = options.start.afterSeq;
    }
    for (const e of early) this.tap(e);
  }

  /**
   * Binds the restored stack's DRM files as the recording's (same pids, fds and
   * handles): each process's files in fd order, so a pid's lowest DRM fd is its
   * primary file, and an fd passed to another process names the same file.
   */
  private adoptFiles(): void {
    const names = new Map<DrmFile, string>();
    const files = this.stack.kmd.files();
    const pids = [...new Set(files.map((f) => f.process.pid))].sort((a, b) => a - b);
    for (const pid of pids) {
      const fds = [...(this.stack.kmd.process(pid)?.fds.entries() ?? [])].sort(([a], [b]) => a - b);
      for (const [fd, obj] of fds) {
        if (obj.kind !== 'drm') continue;
        let name = names.get(obj.file);
        if (name === undefined) {
          this.remap.openFile(pid, fd, fd);
          name = this.remap.fileOf(pid, fd)!;
          names.set(obj.file, name);
          this.files.set(name, obj.file);
        } else this.remap.bindFd(pid, fd, fd, name);
      }
    }
  }

  step(): StepResult {
    if (!this.started) {
      this.started = true;
      this.interpose(null);
    }
    const next = this.cursor.peek();
    if (next && this.options.toSeq !== undefined && next.seq > this.options.toSeq) return { done: true };
    const d = this.cursor.next();
    if (!d) return this.options.toSeq !== undefined && this.cursor.error === undefined ? { done: true } : this.finish();
    const e = d.event;
    this.advanceTo(e.tsNs);
    const error = e.kind === 'kmd.process_op' ? this.processOp(e) : e.kind === 'kmd.ioctl' ? this.ioctl(e) : e.kind === 'mem.write' ? this.memWrite(d, e) : undefined;
    if (error !== undefined) return this.fail('incompatible', `event ${d.seq} (${e.kind}): ${error}`);
    this.inputs++;
    this.lastSeq = d.seq;
    this.options.onProgress?.(d.seq);
    return { done: false };
  }

  private fail(code: ReplayErrorCode, message: string): StepResult {
    this.failure = { code, message };
    return { done: true, error: message };
  }

  private tap(e: TraceEvent): void {
    if (this.mode === 'drop') return;
    if (this.mode === 'hold') this.held.push(e);
    else this.forward(e, undefined);
  }

  private forward(e: TraceEvent, file: string | undefined): void {
    this.forwarded++;
    this.options.sink?.emit(eventToRecorded(e, this.remap, { file }));
  }

  /** Runs `fn` with the stack's events held, then learns from them and passes them on. */
  private holding<T>(fn: () => T, learn: (result: T, held: readonly TraceEvent[]) => string | undefined): T {
    this.mode = 'hold';
    const result = fn();
    this.mode = 'forward';
    const held = this.held;
    this.held = [];
    const file = learn(result, held);
    for (const h of held) this.forward(h, file);
    return result;
  }

  private advanceTo(tsNs: number): void {
    if (tsNs > this.stack.sim.nowNs) this.stack.sim.advanceTo(tsNs);
  }

  private interpose(after: ProcessOpEvent | null): void {
    if (!this.options.interpose) return;
    this.mode = 'drop';
    this.options.interpose(this.stack, after);
    this.mode = 'forward';
  }

  private finish(): StepResult {
    if (this.cursor.error !== undefined) return this.fail('bad-capture', this.cursor.error.message);
    const last = lastEvent(this.reader);
    if (last) this.advanceTo(last.event.tsNs);
    return { done: true };
  }

  private processOp(rec: ProcessOpEvent): string | undefined {
    const kmd = this.stack.kmd;
    const r = this.remap;
    const pid = r.pid(rec.pid, 'toReplay');
    if (rec.op !== 'spawn' && !kmd.process(pid)) return `process ${rec.pid} was never spawned in the capture (recorded before kmd.process_op existed?)`;
    let replayed: ProcessOpEvent | undefined;
    this.holding(() => {
      switch (rec.op) {
        case 'spawn': return kmd.spawn({ privileged: rec.arg === 1 }).pid;
        case 'open': return kmd.open(pid);
        case 'close': return kmd.close(pid, r.fd(rec.pid, rec.arg, 'toReplay'));
        case 'mmap': return kmd.mmap(pid, r.fd(rec.pid, rec.arg, 'toReplay'), r.mmapOffset(rec.offset, 'toReplay'), rec.lengthBytes);
        case 'munmap': return kmd.munmap(pid, r.userAddr(rec.pid, rec.arg, 'toReplay'));
        case 'pass_fd': return kmd.passFd(pid, r.fd(rec.pid, rec.arg, 'toReplay'), r.pid(rec.offset, 'toReplay'));
      }
    }, (result, held) => {
      replayed = held.find((h): h is ProcessOpEvent => h.kind === 'kmd.process_op');
      this.learnProcessOp(rec, pid, result);
      return undefined;
    });
    if (replayed) this.interpose(replayed);
    return undefined;
  }

  private learnProcessOp(rec: ProcessOpEvent, pid: number, result: number): void {
    const r = this.remap;
    switch (rec.op) {
      case 'spawn':
        r.bindPid(rec.result, result);
        return;
      case 'open': {
        if (rec.result < 0 || result < 0) return;
        r.openFile(rec.pid, rec.result, result);
        const obj = this.stack.kmd.process(pid)?.fds.get(result);
        const name = r.fileOf(rec.pid, rec.result);
        if (obj?.kind === 'drm' && name) this.files.set(name, obj.file);
        return;
      }
      case 'mmap':
        r.bindMapping(rec.pid, rec.result, result, rec.lengthBytes);
        return;
      case 'pass_fd':
        r.bindFd(rec.offset, rec.result, result, r.fileOf(rec.pid, rec.arg));
        return;
      default:
    }
  }

  private ioctl(rec: IoctlEvent): string | undefined {
    const r = this.remap;
    const pid = r.pid(rec.pid, 'toReplay');
    const proc = this.stack.kmd.process(pid);
    if (!proc) return `process ${rec.pid} was never spawned in the capture (recorded before kmd.process_op existed?)`;
    const fd = r.fd(rec.pid, rec.fd, 'toReplay');
    const file = r.fileOf(rec.pid, rec.fd);
    const args = remapIoctlArgs(ioctlByNr(rec.request), rec, r, rec.pid, file, 'toReplay');
    growHeap(proc.memory, args.copies);
    for (const c of args.copies) if (c.dir === 'in') proc.memory.write(c.addr, c.bytes);
    // Right after everything the call touches, so writing it clobbers none of it.
    const argp = args.argIn.length ? proc.memory.allocBytes(args.argIn) : 0;
    this.holding(() => this.stack.kmd.ioctl(pid, fd, rec.request, argp), (_ret, held) => {
      const replayed = findLast(held, (h): h is IoctlEvent => h.kind === 'kmd.ioctl' && h.pid === pid);
      if (replayed) learnIoctlOutputs(rec, replayed, r, rec.pid, file);
      return file;
    });
    return undefined;
  }

  private memWrite(d: DecodedEvent, rec: MemWriteEvent): string | undefined {
    const r = this.remap;
    const fileName = r.primaryFile(rec.pid);
    const file = fileName ? this.files.get(fileName) : undefined;
    const bo = file?.bos.get(r.handle(fileName, 'bo', rec.bo, 'toReplay'));
    if (!bo || rec.offsetBytes + rec.bytes.length > bo.sizeBytes) {
      if (this.skipped.length < MAX_SKIPPED) this.skipped.push({ seq: d.seq, message: `mem.write to BO ${rec.bo} of pid ${rec.pid}: ${bo ? 'past its end' : 'no such BO'} in the replay` });
      return undefined;
    }
    this.stack.kmd.gem.write(bo, rec.offsetBytes, rec.bytes);
    return undefined;
  }
}

/**
 * Grow the heap of the replay process so every recorded heap address the call
 * touches is valid (the recording's heap had grown that far by then). Addresses in
 * or above the CPU-mapping area are left alone: mappings come from mmap.
 */
function growHeap(memory: UserMemory, copies: readonly { addr: number; bytes: Uint8Array }[]): void {
  const [heap, ...mapped] = memory.mappings();
  if (!heap) return;
  const mapBase = Math.min(...mapped.map((m) => m.start), MMAP_AREA_START);
  let end = heap.start + heap.sizeBytes;
  for (const c of copies) {
    const top = c.addr + c.bytes.length;
    if (c.addr >= heap.start && top < mapBase && top > end) {
      memory.alloc(top - end);
      end = top;
    }
  }
}

/** Where engine/base/user-memory.ts starts CPU mappings; heap addresses stay below. */
const MMAP_AREA_START = 0x7f00_0000_0000;

/** A restored stack for the session's constructor (a version mismatch throws: callers check first). */
function restored(snapshot: ModelSnapshot, sink: TraceSink): Stack {
  const r = restoreStack(snapshot, sink);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function findLast<T, S extends T>(list: readonly T[], pred: (t: T) => t is S): S | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return list[i] as S;
  return undefined;
}

function lastEvent(reader: CaptureReader): DecodedEvent | undefined {
  const count = reader.meta().eventCount ?? reader.summary().events;
  const r = reader.events({ fromSeq: count, limit: 1 });
  return r.ok ? r.value[0] : undefined;
}
