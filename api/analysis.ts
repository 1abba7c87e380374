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

/**
 * A report with every path inside the capture folder shown as the capture id (its file
 * name): the analyses speak in paths, the API in ids, and server paths are not the
 * browser's business.
 * Example: `withIds({ a: { path: '/srv/captures/x.tfcap' } }, '/srv/captures')` → `{ a: { path: 'x.tfcap' } }`
 */
export function withIds(value: unknown, dir: string): unknown {
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.startsWith(prefix) ? v.slice(prefix.length) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}
