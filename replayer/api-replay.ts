/**
 * API-level replay: the recorded API calls, re-issued in recorded order through the
 * current UMD, KMD and hardware model. This is the level a UMD change is tested at
 * and the one `git bisect run` uses (ARCHITECTURE.md §3).
 *
 * Model
 * - The stack is built as `runApp` builds it: same seed, the capture's injected bugs
 *   (or `inject`), processes spawned and opened at the recorded points, one UMD per
 *   process created the way session.ts creates it, with the API tap over it. The
 *   regenerated stream therefore has a recording's shape — the same events, in the
 *   same order, when nothing changed — and any TraceSink can consume it (the outputs
 *   verifier, the strict verifier, a capture writer behind a CausalLinker).
 * - What is replayed comes from five kinds only, read in pages (capture-cursor.ts):
 *   api.call, api.return, mem.write, kmd.process_op, app.thread_switch. Everything
 *   else (ioctls, jobs, interrupts, frames) is the stack's own doing and regenerated.
 * - A top-level api.call (no call of that process open) is a window that ends at
 *   the process's next api.return. Before the call, every `mem.write` of the window
 *   with memory ≠ 0 — bytes the app had written into a mapping — is written into this
 *   run's view of that VkDeviceMemory (what the replayed vkMapMemory returned), so
 *   the UMD's tracking finds the same changes and publishes them at the same point.
 *   Writes with memory = 0 are the UMD's own (command streams…) and regenerated.
 * - Outside windows, the app and session act: kmd.process_op spawn / open (a new
 *   process and its DRM fd, then its UMD), pass_fd (SCM_RIGHTS), close; and
 *   app.thread_switch, re-emitted as the scheduler emitted it.
 * - Handles: arguments are translated at the entry point's handle slots
 *   (engine/umd/api-handles.ts) through a HandleMap bound from each pair of returns
 *   (recorded, replayed) and from process ops (pids, fds).
 * - Time: the app's CPU time is the gap between a recorded event outside a window
 *   and the end of the previous one; the replay advances its clock by the same gap
 *   (running the GPU meanwhile) before acting. Inside a call, time is the stack's.
 * - Errors are values. A call the UMD rejects is an api.return with an error, for a
 *   verifier to report; a recorded entry point this UMD lacks gets an api.call /
 *   api.return pair with result null and a message saying so; an exception thrown
 *   by the engine ends the run with `error` set (after an api.return saying so).
 *   Only what prevents starting (unreadable capture, unknown bug) is a failed Result.
 *
 * Example:
 *   const v = new OutputsVerifier(reader);
 *   const run = replayApi(reader, { sink: v, shouldStop: () => v.stopped });
 *   if (run.ok && !run.value.stopped) v.finish();
 *   // run.value → { calls: 412, frames: 2, processes: 1, stopped: false, error: undefined, … }
 */
import { resolveBugs } from '../engine/bugs';
import { createStack, kmdBackend, type Stack } from '../engine/stack';
import { withApiTap } from '../engine/trace/api-tap';
import type { ApiCallEvent, ApiReturnEvent, MemWriteEvent, ProcessOpEvent } from '../engine/trace/events';
import type { TraceSink } from '../engine/trace/sink';
import { createVulkan, type Vk, type VulkanOptions } from '../engine/umd/vulkan';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';
import { ok, type CaptureError, type Result } from '../recorder/capture/result';
import { MergedCursor } from '../recorder/capture/capture-cursor';
import { HandleMap } from './handle-map';
import { bindReturn, callArgs } from './recorded-call';

export interface ApiReplayOptions {
  /** Receives the regenerated event stream. */
  readonly sink: TraceSink;
  /** Bugs to inject (default: the capture's own). */
  readonly inject?: readonly string[];
  /** Asked before each top-level call; true ends the replay there (e.g. a verifier that diverged). */
  readonly shouldStop?: () => boolean;
  /** Called with the recorded seq of each top-level call before it is issued. */
  readonly onProgress?: (seq: number) => void;
  /** Test hook: how the replay's UMDs number their handles (VulkanOptions.firstHandle). */
  readonly firstHandle?: VulkanOptions['firstHandle'];
  /** Events per page read from the capture. */
  readonly pageEvents?: number;
  /**
   * Which top-level calls to re-issue, by recorded seq (default: all). A call left
   * out is skipped with its whole window, app writes included (minimize's subsets).
   */
  readonly keep?: (seq: number) => boolean;
}

export interface ApiReplayRun {
  /** Top-level API calls re-issued. */
  readonly calls: number;
  readonly frames: number;
  readonly processes: number;
  /** True when `shouldStop` ended the replay before the capture's end. */
  readonly stopped: boolean;
  /** The last recorded event acted on (0 if none). */
  readonly lastSeq: number;
  /** Recorded app writes written into a mapping, and those with no mapping to go to. */
  readonly memWrites: { readonly applied: number; readonly unapplied: number };
  /** Handle bindings whose numbers differ from the capture's; translations of never-bound handles; binding conflicts. */
  readonly handles: { readonly renumbered: number; readonly unbound: number; readonly conflicts: readonly string[] };
  /** Set when the engine threw (the run ended there) or a process op could not be replayed. */
  readonly error: string | undefined;
}

export type ApiReplayError = CaptureError | { readonly code: 'unknown-bug'; readonly message: string };

/** The kinds an API-level replay reads; the stack regenerates the rest. */
export const REPLAYED_KINDS = ['api.call', 'api.return', 'mem.write', 'kmd.process_op', 'app.thread_switch'] as const;

interface Proc {
  readonly pid: number;
  vk: Vk | undefined;
}

export function replayApi(reader: CaptureReader, options: ApiReplayOptions): Result<ApiReplayRun, ApiReplayError> {
  const meta = reader.meta();
  const bugs = resolveBugs(options.inject ?? meta.injectedBugs);
  if (bugs.unknown.length) return { ok: false, error: { code: 'unknown-bug', message: `unknown bug(s): ${bugs.unknown.join(', ')}` } };
  const replay = new ApiReplay(options, createStack({ seed: meta.seed, sink: options.sink, gpu: { bugs: bugs.hw }, kmd: { bugs: bugs.kmd } }), bugs.umd);
  const cursor = new MergedCursor(reader, REPLAYED_KINDS, 1, options.pageEvents);
  const run = replay.run(cursor);
  if (cursor.error) return { ok: false, error: cursor.error };
  return ok(run);
}

class ApiReplay {
  private readonly map = new HandleMap();
  private readonly procs = new Map<number, Proc>();
  /** This run's mapped views, by recorded "pid:memory". */
  private readonly views = new Map<string, Uint8Array>();
  private readonly conflicts: string[] = [];
  private calls = 0;
  private frames = 0;
  private applied = 0;
  private unapplied = 0;
  private lastSeq = 0;
  private error: string | undefined;
  /** Recorded and replayed time of the last thing done: the origin of the next gap. */
  private recordedMarkNs = 0;
  private replayMarkNs = 0;

  constructor(
    private readonly options: ApiReplayOptions,
    private readonly stack: Stack,
    private readonly umdBugs: ReadonlySet<string>,
  ) {
    this.replayMarkNs = stack.sim.nowNs;
  }

  run(cursor: MergedCursor): ApiReplayRun {
    let stopped = false;
    for (let d = cursor.next(); d && this.error === undefined; d = cursor.next()) {
      const e = d.event;
      if (e.kind === 'api.call') {
        if (this.options.shouldStop?.()) {
          stopped = true;
          break;
        }
        const window = readWindow(cursor, e);
        if (this.options.keep && !this.options.keep(d.seq)) {
          this.lastSeq = d.seq;
          continue;
        }
        this.options.onProgress?.(d.seq);
        this.call(d, e, window);
      } else if (e.kind === 'kmd.process_op') {
        this.processOp(e);
      } else if (e.kind === 'app.thread_switch') {
        this.spendAppTime(e.tsNs);
        this.options.sink.emit({ ...e, tsNs: this.stack.sim.nowNs, pid: this.pid(e.pid) });
      }
      // An api.return or mem.write outside a window has no call to belong to: nothing to do.
      this.lastSeq = d.seq;
    }
    return {
      calls: this.calls, frames: this.frames, processes: this.procs.size, stopped, lastSeq: this.lastSeq,
      memWrites: { applied: this.applied, unapplied: this.unapplied },
      handles: { renumbered: this.map.renumbered(), unbound: this.map.unbound, conflicts: this.conflicts },
      error: this.error,
    };
  }

  /** Recorded app CPU time since the last mark, spent again (the GPU runs meanwhile). */
  private spendAppTime(recordedNs: number): void {
    const targetNs = this.replayMarkNs + Math.max(0, recordedNs - this.recordedMarkNs);
    if (targetNs > this.stack.sim.nowNs) this.stack.sim.advanceTo(targetNs);
    this.mark(recordedNs);
  }

  private mark(recordedNs: number): void {
    this.recordedMarkNs = recordedNs;
    this.replayMarkNs = this.stack.sim.nowNs;
  }

  /** This run's pid for a recorded one (processes are spawned in recorded order, so normally equal). */
  private pid(recordedPid: number): number {
    return this.procs.get(recordedPid)?.pid ?? recordedPid;
  }

  private call(d: DecodedEvent, e: ApiCallEvent, window: Window): void {
    this.spendAppTime(e.tsNs);
    this.calls++;
    for (const w of window.writes) this.applyWrite(w);
    const proc = this.procs.get(e.pid);
    const sink = this.options.sink;
    const fn = proc?.vk ? (proc.vk as unknown as Record<string, unknown>)[e.name] : undefined;
    if (!proc?.vk || typeof fn !== 'function') {
      const why = proc?.vk ? `this UMD has no entry point ${e.name}` : `recorded process ${e.pid} has no UMD in this run`;
      const nowNs = this.stack.sim.nowNs;
      sink.emit({ ...e, tsNs: nowNs, pid: proc?.pid ?? e.pid });
      sink.emit({ kind: 'api.return', tsNs: nowNs, durNs: 0, pid: proc?.pid ?? e.pid, name: e.name, result: null, value: null, message: why });
      this.endWindow(window);
      return;
    }
    const args = callArgs(e.name, e.pid, e.args, this.map);
    let ret: unknown;
    try {
      ret = (fn as (...a: unknown[]) => unknown)(...args);
    } catch (err) {
      const message = `engine error in ${e.name} (recorded seq ${d.seq}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
      const nowNs = this.stack.sim.nowNs;
      sink.emit({ kind: 'api.return', tsNs: nowNs, durNs: 0, pid: proc.pid, name: e.name, result: null, value: null, message });
      this.error = message;
      return;
    }
    this.afterCall(e, ret, window.ret);
    this.endWindow(window);
  }

  private endWindow(window: Window): void {
    this.mark(window.ret?.tsNs ?? this.recordedMarkNs);
  }

  /** Bind returned handles, and keep or drop mapped views. */
  private afterCall(e: ApiCallEvent, ret: unknown, recorded: ApiReturnEvent | undefined): void {
    const created = typeof ret === 'object' && ret !== null && 'result' in ret ? (ret as { result: number; value?: unknown }) : undefined;
    if (recorded && created) this.conflicts.push(...bindReturn(e.name, e.pid, recorded.value, created.value, this.map));
    const memory = e.args[1];
    const key = `${e.pid}:${String(memory)}`;
    if (e.name === 'vkMapMemory' && created?.value instanceof Uint8Array) this.views.set(key, created.value);
    if ((e.name === 'vkUnmapMemory' || e.name === 'vkFreeMemory') && ret === 0) this.views.delete(key);
  }

  private applyWrite(w: MemWriteEvent): void {
    const view = this.views.get(`${w.pid}:${w.memory}`);
    if (!view || w.offsetBytes < 0 || w.offsetBytes + w.bytes.length > view.length) {
      this.unapplied++;
      return;
    }
    view.set(w.bytes, w.offsetBytes);
    this.applied++;
  }

  /** The app's and session's own process and file operations. */
  private processOp(e: ProcessOpEvent): void {
    this.spendAppTime(e.tsNs);
    const kmd = this.stack.kmd;
    switch (e.op) {
      case 'spawn': {
        const proc = kmd.spawn({ privileged: e.arg === 1 });
        this.procs.set(e.result, { pid: proc.pid, vk: undefined });
        break;
      }
      case 'open': {
        const proc = this.procs.get(e.pid);
        const fd = kmd.open(proc?.pid ?? e.pid);
        if (e.result >= 0 && fd >= 0) this.map.bind(e.pid, 'fd', e.result, fd);
        // The process's first DRM file is the one its UMD drives (session.ts startProcess).
        if (proc && !proc.vk && fd >= 0) proc.vk = this.createUmd(proc.pid, fd);
        break;
      }
      case 'pass_fd': {
        const to = e.offset;
        const fd = kmd.passFd(this.pid(e.pid), this.map.translate(e.pid, 'fd', e.arg), this.pid(to));
        if (e.result >= 0 && fd >= 0) this.map.bind(to, 'fd', e.result, fd);
        break;
      }
      case 'close':
        kmd.close(this.pid(e.pid), this.map.translate(e.pid, 'fd', e.arg));
        break;
      case 'mmap':
      case 'munmap':
        // Apps have no mmap of their own: outside a call these cannot come from an app.
        this.error = `cannot replay ${e.op} outside an API call (pid ${e.pid})`;
        break;
    }
    this.mark(e.tsNs);
  }

  private createUmd(pid: number, fd: number): Vk {
    const umd = createVulkan(kmdBackend(this.stack, pid, fd), {
      sink: this.options.sink, pid, tracking: 'shadow', bugs: this.umdBugs,
      frameSink: () => void this.frames++,
      ...(this.options.firstHandle ? { firstHandle: this.options.firstHandle } : {}),
    });
    return withApiTap(umd, this.options.sink, pid, () => this.stack.sim.nowNs);
  }
}

interface Window {
  /** App writes published during the call, in order. */
  readonly writes: readonly MemWriteEvent[];
  /** The recorded return (undefined when the capture ends inside the call). */
  readonly ret: ApiReturnEvent | undefined;
}

/**
 * Consume a top-level call's window: up to and including its process's matching
 * api.return. Calls of the same process nested inside (a layer calling down) are
 * regenerated by the outer call, so they only deepen the count.
 */
function readWindow(cursor: MergedCursor, call: ApiCallEvent): Window {
  const writes: MemWriteEvent[] = [];
  let depth = 1;
  for (let d = cursor.next(); d; d = cursor.next()) {
    const e = d.event;
    if (!('pid' in e) || e.pid !== call.pid) continue;
    if (e.kind === 'api.call') depth++;
    else if (e.kind === 'mem.write' && e.memory !== 0) writes.push(e);
    else if (e.kind === 'api.return' && --depth === 0) return { writes, ret: e };
  }
  return { writes, ret: undefined };
}
