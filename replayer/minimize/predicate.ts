/**
 * What a minimized capture must keep doing: the predicate delta debugging holds on
 * to, checked by replaying a subset of the capture's API calls (api-replay.ts
 * `keep`) on the current stack.
 *
 * Predicates (JSON-serialisable; `parsePredicate` reads the CLI's text form):
 * - `fault` — the run (with the capture's injected bugs) has a GPU fault (`hw.fault`).
 * - `diverges` / `diverges:<kind>` — what the app observes differs between the run
 *   with the capture's injected bugs and the same calls on a clean stack, and the
 *   first difference is an event of `<kind>` (`frame.present`, `mem.read` or
 *   `api.return`); without a kind, the kind the whole capture first diverges at. The
 *   bug's symptom, kept at the same kind of event while the calls around it go.
 *
 * Observed outputs are compared in order, as OutputsVerifier does: frame pixels,
 * read-back hashes, each call's result and returned value.
 *
 * Example: parsePredicate('diverges:frame.present') → { kind: 'diverges', at: 'frame.present' }
 */
import { hashBytes } from '../../engine/base/hash';
import type { TraceEvent } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { replayApi } from '../api-replay';

export type OutputKind = 'frame.present' | 'mem.read' | 'api.return';
const OUTPUT_KINDS: readonly OutputKind[] = ['frame.present', 'mem.read', 'api.return'];

export type MinimizePredicate =
  | { readonly kind: 'fault' }
  | { readonly kind: 'diverges'; readonly at?: OutputKind };

export function parsePredicate(text: string): MinimizePredicate | { error: string } {
  const t = text.trim();
  if (t === 'fault') return { kind: 'fault' };
  if (t === 'diverges') return { kind: 'diverges' };
  const m = /^diverges:(.+)$/.exec(t);
  if (m && (OUTPUT_KINDS as readonly string[]).includes(m[1]!)) return { kind: 'diverges', at: m[1] as OutputKind };
  return { error: `unknown predicate '${text}': use fault, diverges or diverges:<${OUTPUT_KINDS.join('|')}>` };
}

interface Observed {
  readonly outputs: string[];
  readonly kinds: OutputKind[];
  faults: number;
  error: string | undefined;
}

/** The app-observable outputs of a run of the kept calls (bugs: the capture's, or none). */
export function observe(reader: CaptureReader, keep: (seq: number) => boolean, inject?: readonly string[]): Observed {
  const seen: Observed = { outputs: [], kinds: [], faults: 0, error: undefined };
  const emit = (e: TraceEvent): void => {
    if (e.kind === 'hw.fault') seen.faults++;
    const o = outputOf(e);
    if (o !== undefined) {
      seen.outputs.push(o);
      seen.kinds.push(e.kind as OutputKind);
    }
  };
  const r = replayApi(reader, { sink: { emit }, keep, inject });
  if (!r.ok) seen.error = r.error.message;
  else if (r.value.error) seen.error = r.value.error;
  return seen;
}

function outputOf(e: TraceEvent): string | undefined {
  switch (e.kind) {
    case 'frame.present': return `frame ${e.frame} ${e.width}x${e.height} ${hashBytes(e.rgba)}`;
    case 'mem.read': return `read ${e.offsetBytes}+${e.lengthBytes} ${e.hash}`;
    case 'api.return': return `${e.name} ${e.result} ${JSON.stringify(e.value, (_k, v: unknown) => (v instanceof Uint8Array ? v.length : v))}`;
    default: return undefined;
  }
}

/** The kind of the first observed output that differs between the buggy and the clean run, if any. */
export function firstDivergentKind(buggy: Observed, clean: Observed): OutputKind | undefined {
  const n = Math.max(buggy.outputs.length, clean.outputs.length);
  for (let i = 0; i < n; i++) {
    if (buggy.outputs[i] !== clean.outputs[i]) return buggy.kinds[i] ?? clean.kinds[i];
  }
  return undefined;
}

/** Does running the kept calls still satisfy the predicate? `at` must be resolved for diverges. */
export function holds(reader: CaptureReader, predicate: MinimizePredicate, keep: (seq: number) => boolean): boolean {
  const buggy = observe(reader, keep);
  if (buggy.error !== undefined) return false;
  if (predicate.kind === 'fault') return buggy.faults > 0;
  const clean = observe(reader, keep, []);
  if (clean.error !== undefined) return false;
  const at = firstDivergentKind(buggy, clean);
  return at !== undefined && (predicate.at === undefined || at === predicate.at);
}
