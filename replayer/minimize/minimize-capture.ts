/**
 * `minimizeCapture(FILE, predicate, OUT)`: the smallest set of FILE's API calls that
 * still satisfies the predicate (predicate.ts), found by delta debugging (ddmin.ts)
 * over the API-level event stream with object dependencies respected
 * (call-graph.ts), written to OUT as a capture of its own.
 *
 * Model
 * - The predicate is checked on FILE first: one that does not hold on the whole
 *   capture is an error, not a minimisation. `diverges` without a kind is resolved
 *   to the kind the whole capture first diverges at, so the minimised capture fails
 *   the same way.
 * - OUT is a recording, not an edited file: the kept calls are replayed at API level
 *   on the current stack (the capture's seed and injected bugs) into a capture
 *   writer, so every event below the API — ioctls, jobs, interrupts, frames — is the
 *   stack's own, consistent, and replays at either level. The meta row says what it
 *   was minimised from (options.minimizedFrom). The writer's sink can be wrapped
 *   (`linkCauses`, e.g. recorder/causality.ts's CausalLinker, which the CLI passes)
 *   to give the events their cause_seq; without it they have none.
 * - Processes, files and thread switches are kept: only calls are removed.
 *
 * Example:
 *   minimizeCapture('vkcube-bad.tfcap', { kind: 'diverges' }, 'small.tfcap')   // 24 frames, 64×64, wrong-vertex-stride
 *   // → { ok: true, value: { callsBefore: 421, callsAfter: 35, tests: 225, predicate: { kind: 'diverges', at: 'frame.present' }, … } }
 */
import type { TraceSink } from '../../engine/trace/sink';
import type { TraceEvent } from '../../engine/trace/events';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { CaptureWriter } from '../../recorder/capture/writer';
import { replayApi } from '../api-replay';
import { callGraph } from './call-graph';
import { ddmin } from './ddmin';
import { firstDivergentKind, holds, observe, type MinimizePredicate } from './predicate';

export interface MinimizeReport {
  readonly path: string;
  readonly outPath: string;
  /** The predicate as checked (diverges resolved to its kind). */
  readonly predicate: MinimizePredicate;
  readonly callsBefore: number;
  readonly callsAfter: number;
  /** Predicate evaluations (each one or two API-level replays of a subset). */
  readonly tests: number;
  /** The kept calls: recorded seq and entry point, in order. */
  readonly kept: readonly { readonly seq: number; readonly name: string }[];
  readonly eventsWritten: number;
}

export interface MinimizeOptions {
  readonly onProgress?: (done: number, total: number) => void;
  readonly maxTests?: number;
  /** Wraps the output capture's writer (to link causes); default: append with no cause. */
  readonly linkCauses?: (append: { append(event: TraceEvent, causeSeq: number | null): number }) => TraceSink;
  readonly engineVersion?: string;
}

export function minimizeCapture(path: string, predicate: MinimizePredicate, outPath: string, options: MinimizeOptions = {}): Result<MinimizeReport> {
  const opened = openCapture(path);
  if (!opened.ok) return opened;
  const reader = opened.value;
  try {
    return minimizeReader(reader, predicate, outPath, options);
  } finally {
    reader.close();
  }
}

function minimizeReader(reader: CaptureReader, asked: MinimizePredicate, outPath: string, options: MinimizeOptions): Result<MinimizeReport> {
  const graph = callGraph(reader);
  if (!graph.ok) return graph;
  const calls = graph.value.calls;
  const all = () => true;
  let predicate = asked;
  if (asked.kind === 'diverges' && asked.at === undefined) {
    const at = firstDivergentKind(observe(reader, all), observe(reader, all, []));
    if (!at) return fail('bad-row', `${reader.path}: the predicate does not hold on the whole capture (no observable difference from a clean run)`);
    predicate = { kind: 'diverges', at };
  } else if (!holds(reader, asked, all)) {
    return fail('bad-row', `${reader.path}: the predicate '${describe(asked)}' does not hold on the whole capture`);
  }

  const budget = options.maxTests ?? 2000;
  const result = ddmin(calls.map((c) => c.seq), (kept) => holds(reader, predicate, (s) => kept.has(s)), (removed) => graph.value.closure(removed), {
    maxTests: budget, onTest: (tests) => options.onProgress?.(tests, budget),
  });
  const kept = new Set(result.kept);
  if (!graph.value.consistent(kept)) return fail('bad-row', 'internal: the minimised call set uses an object it does not create');

  const written = writeSubset(reader, kept, outPath, options);
  if (!written.ok) return written;
  options.onProgress?.(budget, budget);
  const byName = new Map(calls.map((c) => [c.seq, c.name]));
  return ok({
    path: reader.path, outPath, predicate, callsBefore: calls.length, callsAfter: kept.size, tests: result.tests,
    kept: result.kept.map((seq) => ({ seq, name: byName.get(seq) ?? '?' })), eventsWritten: written.value,
  });
}

function describe(p: MinimizePredicate): string {
  return p.kind === 'fault' ? 'fault' : `diverges${p.at ? `:${p.at}` : ''}`;
}

/** Replays the kept calls at API level into a new capture; returns the events written. */
function writeSubset(reader: CaptureReader, kept: ReadonlySet<number>, outPath: string, options: MinimizeOptions): Result<number> {
  const meta = reader.meta();
  const created = CaptureWriter.create(outPath, {
    app: meta.app, seed: meta.seed, injectedBugs: meta.injectedBugs, engineVersion: options.engineVersion ?? meta.engineVersion,
    options: { ...(meta.options as Record<string, unknown>), minimizedFrom: reader.path, keptCalls: kept.size },
  }, { overwrite: true });
  if (!created.ok) return created;
  const writer = created.value;
  const sink: TraceSink = options.linkCauses ? options.linkCauses(writer) : { emit: (e) => void writer.append(e, null) };
  const run = replayApi(reader, { sink, keep: (s) => kept.has(s) });
  const error = !run.ok ? run.error.message : run.value.error;
  const done = writer.finish(error === undefined ? 'complete' : 'aborted', error);
  if (!done.ok) return done;
  return ok(done.value.events);
}
