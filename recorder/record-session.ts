/**
 * Recording one run: `recordApp` creates a capture, runs the app with the capture
 * writer as the run's TraceSink and finishes the file.
 *
 * Model
 * - The meta row holds the run's resolved options (defaults filled in, as runApp
 *   resolves them), seed and injected bugs; the engine version comes from the
 *   caller (reading package.json is I/O the CLI does), created time and host are
 *   the writer's defaults.
 * - The file ends 'complete' when the app ran to its end, even when a check failed
 *   (a failing run is what one records a bug with); 'aborted' when the app threw,
 *   asked for something impossible, or the engine itself threw. The reason is in
 *   the returned summary's `error`.
 * - Unknown bug names are refused before any file is created.
 * - Every UMD entry point is tapped (api.call / api.return events) and every event
 *   gets its causal link (cause_seq) from a CausalLinker over the writer. `wrapSink`
 *   replaces that linker (it may call `writer.append(event, causeSeq)` itself) and
 *   `tapApi: false` turns the tap off. Progress is counted on what the engine emits.
 * - Checkpoints (engine/snapshot.ts): one at the first syscall exit (the device probed
 *   and the app's process opened it, before the app's first call), then one at the
 *   first quiescent syscall exit after every `checkpointEveryEvents` events, and one
 *   when the app returns (if the model is quiescent then). Each is a state hash plus a
 *   snapshot whose pages and chunks are content-addressed blobs, so checkpoints share
 *   what did not change. The default cadence is measured in bench's
 *   record_overhead_ratio (see CHECKPOINT_EVERY_EVENTS); 0 turns checkpoints off.
 *
 * Example:
 *   recordApp(vkcube, { frames: 2, seed: 1 }, 'a.tfcap', { engineVersion: '0.1.0' })
 *   // → { ok: true, value: { state: 'complete', events: 1490, frames: 2, checks: [...], sizeBytes: 123904, … } }
 */
import { statSync } from 'node:fs';
import { defaultAppOptions, type App, type AppOptions } from '../engine/apps/app';
import { bugByName } from '../engine/bugs';
import { runApp, type Check } from '../engine/session';
import { encodeStack, notQuiescent } from '../engine/snapshot';
import { PartHasher } from '../engine/snapshot-codec';
import type { Stack } from '../engine/stack';
import { withApiTap } from './api-tap';
import { CausalLinker } from './causality';
import type { TraceEvent } from '../engine/trace/events';
import type { TraceSink } from '../engine/trace/sink';
import { ok, type CaptureError, type Result } from './capture/result';
import type { CaptureState } from './capture/schema';
import { CaptureWriter, type WriterOptions } from './capture/writer';

export interface RecordOptions extends Partial<AppOptions> {
  readonly inject?: readonly string[];
}

export interface RecordProgress {
  readonly events: number;
  readonly frames: number;
  /** Frames (or iterations) the run was asked for. */
  readonly totalFrames: number;
}

export interface RecordHooks {
  /** Written into the meta row (the CLI reads it from package.json). */
  readonly engineVersion: string;
  /** Replace an existing file (default: refuse with an 'exists' error). */
  readonly overwrite?: boolean;
  /** Called on every presented frame and every PROGRESS_EVENTS events. */
  readonly onProgress?: (p: RecordProgress) => void;
  /** Record API calls through the tap (default true). */
  readonly tapApi?: boolean;
  /** The sink the run emits into, given the writer (default: a CausalLinker over it). */
  readonly wrapSink?: (writer: CaptureWriter) => TraceSink;
  readonly writer?: WriterOptions;
  /** Events between checkpoints (default CHECKPOINT_EVERY_EVENTS; 0 = no checkpoints). */
  readonly checkpointEveryEvents?: number;
}

export interface RecordSummary {
  readonly path: string;
  readonly state: Exclude<CaptureState, 'recording'>;
  readonly app: string;
  readonly options: AppOptions;
  readonly injectedBugs: readonly string[];
  readonly events: number;
  readonly frames: number;
  readonly checks: readonly Check[];
  /** Why the run was aborted; undefined when it ran to its end. */
  readonly error: string | undefined;
  readonly sizeBytes: number;
  readonly blobs: number;
  /** Checkpoint rows written. */
  readonly checkpoints: number;
}

/** Why nothing was recorded: the capture could not be created or finished, or a bug name is unknown. */
export type RecordError = CaptureError | { readonly code: 'unknown-bug'; readonly message: string };

const PROGRESS_EVENTS = 4096;

/**
 * Default checkpoint cadence. A checkpoint costs ~2 ms of snapshot and encoding on
 * vkcube's state (plus compressing the pages that changed), and a seek replays at most
 * this many events past one. vkcube 10 frames (1,047 events) thus gets two (start and
 * end): measured in one process, recording time moved by less than run-to-run noise
 * (bench record_overhead_ratio); stress gets one per 2,048 events.
 */
export const CHECKPOINT_EVERY_EVENTS = 2048;

export function recordApp(app: App, run: RecordOptions, path: string, hooks: RecordHooks): Result<RecordSummary, RecordError> {
  const inject = run.inject ?? [];
  const unknown = inject.filter((b) => !bugByName(b));
  if (unknown.length) return { ok: false, error: { code: 'unknown-bug', message: `unknown bug(s): ${unknown.join(', ')}` } };
  const options = resolveOptions(app, run);
  const created = CaptureWriter.create(path, {
    app: app.name, options, seed: options.seed, injectedBugs: inject, engineVersion: hooks.engineVersion,
  }, { ...hooks.writer, overwrite: hooks.overwrite ?? false });
  if (!created.ok) return created;
  const writer = created.value;

  // By default every event gets its causal link, and every API call is tapped (recorder/causality.ts, api-tap.ts).
  const linked = hooks.wrapSink ? hooks.wrapSink(writer) : new CausalLinker(writer);
  const checkpoints = new Checkpointer(writer, hooks.checkpointEveryEvents ?? CHECKPOINT_EVERY_EVENTS);
  const inner: TraceSink = checkpoints.enabled ? { emit: (e) => (linked.emit(e), checkpoints.events++) } : linked;
  const progress = { events: 0, frames: 0, totalFrames: options.frames };
  const onProgress = hooks.onProgress;
  const sink: TraceSink = onProgress
    ? {
      emit(e: TraceEvent) {
        inner.emit(e);
        progress.events++;
        if (e.kind === 'frame.present') progress.frames++;
        if (e.kind === 'frame.present' || progress.events % PROGRESS_EVENTS === 0) onProgress({ ...progress });
      },
    }
    : inner;

  let error: string | undefined;
  let checks: readonly Check[] = [];
  let frames = 0;
  try {
    const result = runApp(app, {
      ...options, inject, sink, keepFrames: false, onFrame: () => void frames++,
      wrapVk: hooks.tapApi === false ? undefined : (vk, pid, nowNs) => withApiTap(vk, sink, pid, nowNs),
      atSyscallExit: checkpoints.enabled ? (stack) => checkpoints.maybe(stack) : undefined,
    });
    error = result.error;
    checks = result.checks;
    if (checkpoints.enabled) checkpoints.take(result.stack);
  } catch (e) {
    // runApp catches the app's exceptions; one reaching here is the engine's own.
    error = `engine error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  const state = error === undefined ? 'complete' : 'aborted';
  const done = writer.finish(state, error);
  if (!done.ok) return done;
  if (onProgress) onProgress({ ...progress, events: done.value.events });
  return ok({
    path, state, app: app.name, options, injectedBugs: inject, events: done.value.events, frames, checks, error,
    sizeBytes: statSync(path).size, blobs: done.value.blobs, checkpoints: checkpoints.written,
  });
}

/** Takes the run's checkpoints into the writer (cadence in the module header). */
class Checkpointer {
  /** Events emitted so far. */
  events = 0;
  written = 0;
  private dueAt = 0;
  private readonly hasher = new PartHasher();

  constructor(private readonly writer: CaptureWriter, private readonly everyEvents: number) {}

  get enabled(): boolean {
    return this.everyEvents > 0;
  }

  /** At a syscall exit: checkpoint if one is due and the model is quiescent. */
  maybe(stack: Stack): void {
    if (this.events < this.dueAt || notQuiescent(stack) !== undefined) return;
    this.take(stack);
  }

  /** Checkpoint now if the model is quiescent (a non-quiescent end is left without one). */
  take(stack: Stack): void {
    const enc = encodeStack(stack, this.hasher);
    if (!enc.ok) return;
    if (this.writer.checkpoint(enc.value.stateHash, enc.value.manifest, enc.value.parts)) this.written++;
    this.dueAt = this.events + this.everyEvents;
  }
}

/** The options runApp will use: the app's defaults under what was asked for. */
export function resolveOptions(app: App, run: Partial<AppOptions>): AppOptions {
  const asked: Record<string, unknown> = {};
  for (const k of ['frames', 'width', 'height', 'seed', 'threads', 'size'] as const) if (run[k] !== undefined) asked[k] = run[k];
  return { ...defaultAppOptions, ...app.defaults, ...(asked as Partial<AppOptions>) };
}
