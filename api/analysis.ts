/**
 * The analyses (replayer/diff, replayer/bisect, replayer/minimize) as the API needs
 * them: plug-in functions given to createApp. `tracefold serve` gives workerAnalysis
 * (worker-analysis.ts: each runs in a worker thread); tests may give stubs. A missing
 * one makes its route and job type answer 501 with a reason.
 * Each function gets capture *paths* (already checked to be inside the folder) and
 * returns a Result-like value; an `error` may be a string or `{ message }`.
 */
import type { JobProgress } from './contract';

export type ProgressFn = (p: JobProgress) => void;

export type AnalysisResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string | { readonly message: string } };

type Analysis<Args extends unknown[]> = (...args: [...Args, ProgressFn]) => AnalysisResult | Promise<AnalysisResult>;

export interface AnalysisBackend {
  readonly diff?: Analysis<[pathA: string, pathB: string]>;
  readonly bisect?: Analysis<[goodPath: string, badPath: string]>;
  /** `until`: the predicate's text form (replayer/minimize/predicate.ts); the result is written to `outPath`. */
  readonly minimize?: Analysis<[capturePath: string, until: string, outPath: string]>;
}

export const errorText = (e: string | { readonly message: string }): string => (typeof e === 'string' ? e : e.message);
