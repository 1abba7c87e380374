/**
 * A run of the stack: one seed, one virtual clock, one event stream. `runApp`
 * assembles the stack (GPU, KMD, a process with the UMD), runs an app against it and
 * returns what it presented and checked. It never throws for a misbehaving app: an
 * exception thrown by app code ends the run with `error` set.
 *
 * Threads: apps that want concurrency give generator bodies to `runThreads`; the
 * scheduler picks which runnable thread continues at each `yield` with an Rng forked
 * from the seed, so the interleaving is part of what the seed determines.
 */
import { Rng } from './base/rng';
import { defaultAppOptions, type App, type AppContext, type AppOptions, type AppProcess } from './apps/app';
import { resolveBugs } from './bugs';
import { createStack, kmdBackend, type Stack } from './stack';
import type { TraceSink } from './trace/sink';
import { nullSink } from './trace/sink';
import type { TrackingMode } from './umd/memory-tracking';
import type { PresentedFrame } from './umd/swapchain';
import { createVulkan, type Vk } from './umd/vulkan';

export interface RunOptions extends Partial<AppOptions> {
  readonly inject?: readonly string[];
  readonly sink?: TraceSink;
  readonly tracking?: TrackingMode;
  /** Called for every presented frame (in addition to collecting them). */
  readonly onFrame?: (frame: PresentedFrame) => void;
  /** Keep presented frames in the result (default true). */
  readonly keepFrames?: boolean;
  /**
   * Wrap each process's UMD dispatch table before the app sees it, as a Vulkan layer
   * does (the recorder's API tap). `nowNs` reads the virtual clock.
   */
  readonly wrapVk?: (vk: Vk, pid: number, nowNs: () => number) => Vk;
  /**
   * Called with the stack whenever no system call is in progress: once the device has
   * probed, and after every ioctl, mmap, munmap, fd pass and CPU time step of any
   * process. The only points where the model may be checkpointed (engine/snapshot.ts
   * says which of them are quiescent); the recorder's checkpoint hook.
   */
  readonly atSyscallExit?: (stack: Stack) => void;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface RunResult {
  readonly stack: Stack;
  readonly options: AppOptions;
  readonly frames: readonly PresentedFrame[];
  readonly checks: readonly Check[];
  readonly log: readonly string[];
  /** Set when the app threw or asked for something impossible (unknown bug…). */
  readonly error: string | undefined;
}

export function runApp(app: App, run: RunOptions = {}): RunResult {
  const options: AppOptions = { ...defaultAppOptions, ...app.defaults, ...definedOnly(run) };
  const bugs = resolveBugs(run.inject ?? []);
  const sink = run.sink ?? nullSink;
  const stack = createStack({ seed: options.seed, sink, gpu: { bugs: bugs.hw }, kmd: { bugs: bugs.kmd } });
  const frames: PresentedFrame[] = [];
  const checks: Check[] = [];
  const log: string[] = [];
  if (bugs.unknown.length) return { stack, options, frames, checks, log, error: `unknown bug(s): ${bugs.unknown.join(', ')}` };
  const exit = run.atSyscallExit;
  const syscall = exit ? <T>(result: T): T => (exit(stack), result) : <T>(result: T): T => result;

  const startProcess = (): AppProcess => {
    const proc = stack.kmd.spawn();
    const fd = stack.kmd.open(proc.pid);
    const backend = kmdBackend(stack, proc.pid, fd);
    const umd = createVulkan(exit ? {
      ...backend,
      ioctl: (request, argp) => syscall(backend.ioctl(request, argp)),
      mmap: (offset, length) => syscall(backend.mmap(offset, length)),
      munmap: (addr) => syscall(backend.munmap(addr)),
      spendNs: (durationNs) => syscall(backend.spendNs(durationNs)),
    } : backend, {
      sink, pid: proc.pid, tracking: run.tracking ?? 'shadow', bugs: bugs.umd,
      frameSink: (f) => {
        if (run.keepFrames !== false) frames.push(f);
        run.onFrame?.(f);
      },
    });
    const vk = run.wrapVk ? run.wrapVk(umd, proc.pid, () => stack.sim.nowNs) : umd;
    return { pid: proc.pid, vk };
  };
  const main = startProcess();
  const rng = new Rng(options.seed).fork(0x4150);
  const scheduler = rng.fork(0x7468);
  const ctx: AppContext = {
    options,
    vk: main.vk,
    pid: main.pid,
    rng,
    spawnProcess: startProcess,
    passFd: (from, fd, to) => syscall(stack.kmd.passFd(from, fd, to)),
    runThreads: (bodies) => runThreads(bodies, scheduler, (thread) => sink.emit({ kind: 'app.thread_switch', tsNs: stack.sim.nowNs, pid: main.pid, thread })),
    check: (name, ok, detail = '') => void checks.push({ name, ok, detail }),
    log: (m) => void log.push(m),
  };
  let error: string | undefined;
  try {
    syscall(undefined);
    app.run(ctx);
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return { stack, options, frames, checks, log, error };
}

/** Interleave generator threads: at every yield the seeded scheduler picks who runs next. */
function runThreads(bodies: ReadonlyArray<() => Generator<void, void, void>>, rng: Rng, onSwitch: (thread: number) => void): void {
  const threads = bodies.map((b) => b());
  const live = threads.map((_, i) => i);
  let current = -1;
  while (live.length) {
    const pick = rng.below(live.length);
    const index = live[pick]!;
    if (index !== current) onSwitch(index);
    current = index;
    if (threads[index]!.next().done) live.splice(pick, 1);
  }
}

function definedOnly(o: Partial<AppOptions>): Partial<AppOptions> {
  const out: Record<string, unknown> = {};
  for (const k of ['frames', 'width', 'height', 'seed', 'threads', 'size'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out as Partial<AppOptions>;
}
