/**
 * GET /api/diff?a=ID&b=ID → the diff report of two captures (replayer/diff's DiffReport),
 * computed by the AnalysisBackend (a worker thread under `tracefold serve`); the `diff`
 * job gives the same report with progress. 501 when the backend has no diff.
 *
 * GET /api/diff/heatmap.png?a=ID&b=ID&frame=N → frame N (0-based) of A against frame N of
 * B as a heat map (replayer/diff/frame-diff.ts: differing pixels red, the rest A dimmed),
 * with the differing pixel count in `x-differing-pixels`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { realpathSync } from 'node:fs';
import { errorText, withIds } from '../analysis';
import { capturePath } from '../capture-paths';
import type { ApiDeps } from '../deps';
import { fail, failure } from '../errors';
import { comparePixels, heatmapRgba } from '../../replayer/diff/frame-diff';
import { int, valid } from '../validate';
import { frameAt } from './frames';
import { encodePng } from './state';

export function diffRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/', valid('query', z.strictObject({ a: z.string(), b: z.string() })), async (c) => {
    const { a, b } = c.req.valid('query');
    const pa = capturePath(deps.dir, a);
    if (!pa.ok) return fail(c, pa.failure);
    const pb = capturePath(deps.dir, b);
    if (!pb.ok) return fail(c, pb.failure);
    const diff = deps.analysis.diff;
    if (!diff) return fail(c, failure(501, 'diff is not available in this build (the analysis backend is not wired into the API)'));
    const r = await diff(pa.value, pb.value, () => {});
    if (!r.ok) return fail(c, failure(422, errorText(r.error)));
    return c.json(withIds(r.value, realpathSync(deps.dir)) as object);
  });

  app.get('/heatmap.png', valid('query', z.strictObject({ a: z.string(), b: z.string(), frame: int(0) })), (c) => {
    const { a, b, frame } = c.req.valid('query');
    const ea = deps.cache.open(a);
    if (!ea.ok) return fail(c, ea.failure);
    const fa = frameAt(ea.value, frame);
    if (!fa.ok) return fail(c, fa.failure);
    const eb = deps.cache.open(b);
    if (!eb.ok) return fail(c, eb.failure);
    const fb = frameAt(eb.value, frame);
    if (!fb.ok) return fail(c, fb.failure);
    const counts = comparePixels(fa.value, fb.value);
    return c.body(new Uint8Array(encodePng(fa.value.width, fa.value.height, heatmapRgba(fa.value, fb.value))), 200, {
      'content-type': 'image/png', 'x-differing-pixels': String(counts.differingPixels), 'x-total-pixels': String(counts.totalPixels),
    });
  });

  return app;
}
