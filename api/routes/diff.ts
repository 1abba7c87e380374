/**
 * GET /api/diff?a=ID&b=ID → the diff report of two captures, computed in the request
 * (for small captures; the `diff` job gives the same report with progress). 501 when
 * the AnalysisBackend has no diff (analysis.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { errorText } from '../analysis';
import { capturePath } from '../capture-paths';
import type { ApiDeps } from '../deps';
import { fail, failure } from '../errors';
import { valid } from '../validate';

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
    return c.json(r.value as object);
  });

  return app;
}
