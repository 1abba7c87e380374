/**
 * The HTTP API over a capture folder (ARCHITECTURE.md §4: thin — validate, call the
 * recorder / replayer, map errors). `createApp` returns the Hono app and does not
 * listen: cli/serve.ts serves it, tests call `app.request()`.
 *
 * Routes (bodies in api/contract.ts), one module per resource under routes/:
 *   /api/captures …           list, detail, upload, delete           routes/captures.ts
 *   /api/captures/:id/events  pages, one event                       routes/events.ts
 *   /api/captures/:id/tracks|timeline|flows                          routes/timeline.ts
 *   /api/captures/:id/state|bos                                      routes/state.ts
 *   /api/captures/:id/frames                                         routes/frames.ts
 *   /api/captures/:id/export                                         routes/export.ts
 *   /api/captures/:id/query                                          routes/query.ts
 *   /api/diff                                                        routes/diff.ts
 *   /api/jobs …                                                      routes/jobs.ts
 * Anything unmatched under /api is a 404 with a reason; a thrown error is a 500 with
 * its message (logged), never a crash.
 *
 * Example:
 *   const app = createApp({ captureDir: 'captures' });
 *   await (await app.request('/api/captures')).json()   // → [{ id: 'vkcube-1-1.tfcap', state: 'complete', … }]
 */
import { mkdirSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AnalysisBackend } from './analysis';
import { CaptureCache } from './capture-cache';
import type { ApiLimits } from './deps';
import { JobRegistry } from './jobs';
import { captureRoutes } from './routes/captures';
import { diffRoutes } from './routes/diff';
import { eventRoutes } from './routes/events';
import { exportRoutes } from './routes/export';
import { frameRoutes } from './routes/frames';
import { jobRoutes } from './routes/jobs';
import { queryRoutes } from './routes/query';
import { stateRoutes } from './routes/state';
import { timelineRoutes } from './routes/timeline';

export interface AppOptions {
  readonly captureDir: string;
  readonly analysis?: AnalysisBackend;
  readonly limits?: Partial<ApiLimits>;
  /** Where unexpected errors are logged (default console.error). */
  readonly log?: (message: string) => void;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxUploadBytes: 1 << 30,
  queryMaxRows: 10_000,
  queryMaxMs: 5_000,
};

/** Largest request body other than an upload. */
export const JSON_BODY_MAX_BYTES = 1 << 20;

export interface TracefoldApp {
  readonly app: Hono;
  readonly cache: CaptureCache;
  /** Closes every open capture. */
  close(): void;
}

export function createApp(options: AppOptions): Hono & { readonly tracefold: TracefoldApp } {
  mkdirSync(options.captureDir, { recursive: true });
  const cache = new CaptureCache(options.captureDir);
  const deps = {
    dir: options.captureDir, cache, jobs: new JobRegistry(), analysis: options.analysis ?? {},
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  const log = options.log ?? ((m: string) => console.error(m));
  const app = new Hono();
  // JSON bodies (SQL, job requests) are small; only an upload may be large (its own limit, routes/captures.ts).
  const jsonLimit = bodyLimit({ maxSize: JSON_BODY_MAX_BYTES, onError: (c) => c.json({ error: `request body exceeds ${JSON_BODY_MAX_BYTES} bytes` }, 413) });
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && c.req.path === '/api/captures' ? next() : jsonLimit(c, next)));
  app.route('/api/captures', captureRoutes(deps));
  for (const routes of [eventRoutes, timelineRoutes, stateRoutes, frameRoutes, exportRoutes, queryRoutes]) app.route('/api/captures', routes(deps));
  app.route('/api/diff', diffRoutes(deps));
  app.route('/api/jobs', jobRoutes(deps));
  app.all('/api/*', (c) => c.json({ error: `no route ${c.req.method} ${new URL(c.req.url).pathname.slice(0, 200)}` }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.json({ error: err.message || 'bad request' }, err.status);
    log(`tracefold api: ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return c.json({ error: `internal error: ${err.message}` }, 500);
  });
  const tracefold: TracefoldApp = { app, cache, close: () => cache.closeAll() };
  return Object.assign(app, { tracefold });
}
