/**
 * What an app is: a documented scenario that drives the UMD API. Built-in apps
 * implement `App`; a user app is any module exporting `run(vk, options, ctx?)`
 * (cli/run.ts loads one by path; session.ts runs it).
 *
 * Apps see only the UMD API and this context: no KMD, no hardware. Anything
 * nondeterministic on a real machine — thread interleaving — goes through the
 * context's seeded scheduler, so the same seed gives the same run.
 */
import type { Rng } from '../base/rng';
import type { Vk } from '../umd/vulkan';

export interface AppOptions {
  /** Frames to present (graphics apps) or iterations (compute apps). */
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  /** App threads (apps that support them, e.g. stress). */
  readonly threads: number;
  /** Workload size knob (elements, submissions…), app-specific; 0 = the app's default. */
  readonly size: number;
}

export const defaultAppOptions: AppOptions = { frames: 3, width: 256, height: 256, seed: 1, threads: 1, size: 0 };

export interface AppProcess {
  readonly pid: number;
  readonly vk: Vk;
}

export interface AppContext {
  readonly options: AppOptions;
  /** The app's first process and its UMD. */
  readonly vk: Vk;
  readonly pid: number;
  /** Seeded random numbers for app data (never Math.random). */
  readonly rng: Rng;
  /** Start another process with its own DRM fd and UMD (multi-process apps). */
  spawnProcess(): AppProcess;
  /** Pass an fd from one process to another (SCM_RIGHTS); returns the new fd, or -errno. */
  passFd(fromPid: number, fd: number, toPid: number): number;
  /**
   * Run app threads interleaved by the seeded scheduler: each `yield` is a point
   * where another thread may run. Returns when every thread has finished.
   */
  runThreads(bodies: ReadonlyArray<() => Generator<void, void, void>>): void;
  /** Record a result check (e.g. GPU output vs a CPU reference). */
  check(name: string, ok: boolean, detail?: string): void;
  log(message: string): void;
}

export interface App {
  readonly name: string;
  readonly description: string;
  readonly defaults?: Partial<AppOptions>;
  run(ctx: AppContext): void;
}

/** A user module: `export function run(vk, options, ctx)`. */
export interface UserAppModule {
  run(vk: Vk, options: AppOptions, ctx: AppContext): void;
}
