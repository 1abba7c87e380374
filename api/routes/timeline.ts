/**
 * The timeline: the track tree, a window at a resolution, and the flow arrows through
 * an event (all from the capture's TimelineIndex, built once: timeline-index.ts).
 *
 *   GET /api/captures/:id/tracks                                   → TrackList
 *   GET /api/captures/:id/timeline?startNs&endNs&widthPx[&tracks]  → TimelineWindow
 *   GET /api/captures/:id/flows?seq=S                              → FlowChain
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { bad, fail } from '../errors';
import { int, intList, valid } from '../validate';

export const WIDTH_MAX_PX = 16384;

const windowQuery = z.strictObject({
  startNs: int(0),
  endNs: int(1),
  widthPx: int(1, WIDTH_MAX_PX),
  tracks: intList.optional(),
});

export function timelineRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:id/tracks', valid('query', z.strictObject({})), async (c) => {
    const t = await deps.cache.timeline(c.req.param('id'));
    if (!t.ok) return fail(c, t.failure);
    return c.json(t.value.tracks());
  });

  app.get('/:id/timeline', valid('query', windowQuery), async (c) => {
    const q = c.req.valid('query');
    if (q.endNs <= q.startNs) return fail(c, bad(`query parameter 'endNs' (${q.endNs}) must be after 'startNs' (${q.startNs})`));
    const t = await deps.cache.timeline(c.req.param('id'));
    if (!t.ok) return fail(c, t.failure);
    const unknown = (q.tracks ?? []).filter((id) => !t.value.hasTrack(id));
    if (unknown.length) return fail(c, bad(`query parameter 'tracks': no track ${unknown.join(', ')} in this capture`));
    return c.json(t.value.window(q.startNs, q.endNs, q.widthPx, q.tracks ? new Set(q.tracks) : undefined));
  });

  app.get('/:id/flows', valid('query', z.strictObject({ seq: int(1) })), async (c) => {
    const { seq } = c.req.valid('query');
    const t = await deps.cache.timeline(c.req.param('id'));
    if (!t.ok) return fail(c, t.failure);
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const count = e.value.reader.meta().eventCount ?? e.value.reader.summary().events;
    if (seq > count) return fail(c, { status: 404, error: `no event ${seq} in this capture (events 1..${count})` });
    return c.json(t.value.flows(seq));
  });

  return app;
}
