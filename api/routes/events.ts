/**
 * Events: the event table's pages and one event in full.
 *
 *   GET /api/captures/:id/events?from&to&layer&kind&object&text&cursor&limit → EventPage
 *   GET /api/captures/:id/events/:seq                                    → EventDetail
 *
 * Paging: a page holds up to `limit` events with seq ≥ max(from, cursor), in seq
 * order; `nextCursor` is the seq of the next match (null when there is none). The
 * range, kind, layer and object filters run in SQL (indexed by kind and object).
 * `text` (case-insensitive substring of the one-line form) needs each event decoded,
 * so a page scans at most TEXT_SCAN_EVENTS events: when it stops there, the page may
 * hold fewer than `limit` events and `nextCursor` is where the scan stopped, so a
 * rare match in a million events is found by following cursors, never by one long
 * request.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { eventKinds } from '../../engine/trace/events';
import type { EventFilter } from '../../recorder/capture/reader';
import type { EventPage, EventRow } from '../contract';
import type { ApiDeps } from '../deps';
import { fail, failure } from '../errors';
import { eventDetail, eventRow, readEvent } from '../event-view';
import { int, valid } from '../validate';

export const PAGE_DEFAULT = 200;
export const PAGE_MAX = 2000;
const TEXT_SCAN_EVENTS = 50_000;
const SCAN_PAGE = 2048;

const pageQuery = z.strictObject({
  from: int(1).optional(),
  to: int(1).optional(),
  layer: z.enum(['api', 'kmd', 'hw']).optional(),
  kind: z.string().refine((k) => k in eventKinds, { message: `must be an event kind (${Object.keys(eventKinds).join(', ')})` }).optional(),
  object: z.string().min(1).max(200).optional(),
  text: z.string().min(1).max(200).optional(),
  cursor: int(1).optional(),
  limit: int(1, PAGE_MAX).optional(),
});

export function eventRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:id/events', valid('query', pageQuery), (c) => {
    const q = c.req.valid('query');
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) return fail(c, failure(400, `query parameter 'from' (${q.from}) is after 'to' (${q.to})`));
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const limit = q.limit ?? PAGE_DEFAULT;
    const filter: EventFilter = { kind: q.kind, layer: q.layer, object: q.object, toSeq: q.to };
    const needle = q.text?.toLowerCase();
    const events: EventRow[] = [];
    let next = Math.max(q.from ?? 1, q.cursor ?? 1);
    let scanned = 0;
    for (;;) {
      // One row more than the page needs tells whether there is a next page.
      const want = needle === undefined ? limit + 1 - events.length : SCAN_PAGE;
      const r = e.value.reader.events({ ...filter, fromSeq: next, limit: want });
      if (!r.ok) return fail(c, failure(422, r.error.message));
      for (const d of r.value) {
        scanned++;
        next = d.seq + 1;
        const row = eventRow(d);
        if (needle !== undefined && !row.text.toLowerCase().includes(needle)) continue;
        if (events.length === limit) return c.json<EventPage>({ events, nextCursor: d.seq });
        events.push(row);
      }
      if (r.value.length < want) return c.json<EventPage>({ events, nextCursor: null });
      if (needle !== undefined && scanned >= TEXT_SCAN_EVENTS) return c.json<EventPage>({ events, nextCursor: next });
    }
  });

  app.get('/:id/events/:seq', valid('param', z.object({ id: z.string(), seq: int(1) })), valid('query', z.strictObject({})), async (c) => {
    const { id, seq } = c.req.valid('param');
    // Effects come from the timeline index; the reader is taken after the wait (the cache may have reopened it).
    const t = await deps.cache.timeline(id);
    if (!t.ok) return fail(c, t.failure);
    const e = deps.cache.open(id);
    if (!e.ok) return fail(c, e.failure);
    const d = readEvent(e.value.reader, seq);
    if (!d.ok) return fail(c, d.failure);
    return c.json(eventDetail(e.value.reader, t.value, d.value));
  });

  return app;
}
