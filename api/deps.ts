/**
 * What every route module is given by createApp (app.ts): the capture folder, the
 * open-capture cache, the job registry and the limits. One object, so a route's
 * signature is `(deps) => Hono`.
 */
import type { CaptureCache } from './capture-cache';
import type { AnalysisBackend } from './analysis';
import type { JobRegistry } from './jobs';

export interface ApiLimits {
  /** Largest upload accepted (413 above). */
  readonly maxUploadBytes: number;
  /** Rows a user query returns at most (contract: 10,000). */
  readonly queryMaxRows: number;
  /** Wall time a user query may step for (checked between rows). */
  readonly queryMaxMs: number;
}

export interface ApiDeps {
  readonly dir: string;
  readonly cache: CaptureCache;
  readonly jobs: JobRegistry;
  readonly analysis: AnalysisBackend;
  readonly limits: ApiLimits;
}
