/**
 * The analyses that live on another branch (replayer/diff, replayer/bisect,
 * replayer/minimize), as the API needs them: plug-in functions given to createApp.
 * A missing one makes its route and job type answer 501 with a reason, so the API
 * and its contract stand before the analyses are merged.
 *
 * Wiring (when merged), e.g.:
 *   createApp({ captureDir, analysis: {
 *     diff: (a, b, onProgress) => diffCaptures(a, b, { onProgress: (done, total) => onProgress({ done, total, phase: 'diff' }) }),
 *   } })
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
  readonly minimize?: Analysis<[capturePath: string, goldenPath: string]>;
}

export const errorText = (e: string | { readonly message: string }): string => (typeof e === 'string' ? e : e.message);
