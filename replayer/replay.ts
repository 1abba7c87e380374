/**
 * One replay with verification: the level's runner (levels.ts) emitting into a
 * Verifier (verify.ts), stopping at the first divergence unless keep-going. What
 * `tracefold replay` and the API call.
 *
 * Errors are values: an unknown bug, a level not available in this build, or a
 * capture that cannot be replayed (a row that does not decode, inputs from a
 * process the capture never spawned) come back as `{ ok: false, error }` — the
 * "cannot test" of `git bisect run` — while a divergence is a successful replay
 * with `diverged: true`.
 *
 * Example:
 *   replayCapture(reader, { level: 'ioctl', verify: 'strict' })
 *   // → { ok: true, value: { diverged: false, compared: 211, stats: { inputs: 92, … }, divergences: [] } }
 */
import type { CaptureReader } from '../recorder/capture/reader';
import type { Divergence, ReplayLevel, VerifyMode } from './divergence';
import type { ReplayError, ReplayStats } from './ioctl-replay';
import { LEVELS } from './levels';
import { OutputsVerifier } from './verify-outputs';
import { Verifier } from './verify';

export interface ReplayRequest {
  readonly level?: ReplayLevel;
  readonly verify?: VerifyMode;
  readonly keepGoing?: boolean;
  /** Bugs to inject instead of the capture's own. */
  readonly inject?: readonly string[];
  /** Called with the seq of each input applied. */
  readonly onProgress?: (seq: number) => void;
}

export interface ReplayOutcome {
  readonly level: ReplayLevel;
  readonly verify: VerifyMode;
  readonly stats: ReplayStats;
  /** Regenerated events compared with the capture. */
  readonly compared: number;
  readonly diverged: boolean;
  readonly divergences: readonly Divergence[];
}

export function replayCapture(reader: CaptureReader, request: ReplayRequest = {}): { ok: true; value: ReplayOutcome } | { ok: false; error: ReplayError } {
  const level = request.level ?? 'ioctl';
  // The defaults: strict at ioctl level, what the app observes at API level.
  const verify = request.verify ?? (level === 'api' ? 'outputs' : 'strict');
  const runner = LEVELS[level];
  // At API level, outputs are what the app saw (returns, frames, read-backs): OutputsVerifier.
  const verifier = level === 'api' && verify === 'outputs'
    ? new OutputsVerifier(reader, { keepGoing: request.keepGoing })
    : new Verifier(reader, { regenerates: runner.regenerates, mode: verify, keepGoing: request.keepGoing });
  const run = runner.run(reader, { sink: verifier, inject: request.inject, shouldStop: () => verifier.stopped, onProgress: request.onProgress });
  if (!run.ok) return run;
  verifier.finish();
  if ('error' in verifier && verifier.error !== undefined) return { ok: false, error: { code: 'bad-capture', message: verifier.error } };
  return {
    ok: true,
    value: { level, verify, stats: run.value, compared: verifier.compared, diverged: verifier.diverged, divergences: verifier.divergences },
  };
}
