/**
 * Presented frames (`frame.present` events): the list, and one as a PNG.
 *
 *   GET /api/captures/:id/frames              → FrameInfo[] (index 0, 1, … in capture order)
 *   GET /api/captures/:id/frames/:index.png   → the frame's RGBA8 pixels as a PNG
 *
 * The list reads sizes from the stored args (no pixel blob is decoded); the PNG
 * decodes the one event.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { FrameInfo } from '../contract';
import type { ApiDeps } from '../deps';
import type { OpenCapture } from '../capture-cache';
import { bad, fail, failure, no, okv, type Outcome } from '../errors';
import { readEvent } from '../event-view';
import { valid } from '../validate';
import { encodePng } from './state';

function frameList(entry: OpenCapture): FrameInfo[] | { error: string } {
  const known = entry.memo.get('frames') as FrameInfo[] | undefined;
  if (known) return known;
  const r = entry.reader.query(
    `SELECT seq, ts_ns, json_extract(args, '$.width'), json_extract(args, '$.height') FROM events WHERE kind = 'frame.present' ORDER BY seq`);
  if (!r.ok) return { error: r.error.message };
  const frames = r.value.rows.map(([seq, ts, w, h], index) => ({ index, seq: Number(seq), tsNs: Number(ts), width: Number(w), height: Number(h) }));
  entry.memo.set('frames', frames);
  return frames;
}

/** Frame `index` (0-based, capture order) with its pixels, or why not. */
export function frameAt(entry: OpenCapture, index: number): Outcome<{ width: number; height: number; rgba: Uint8Array; seq: number }> {
  const frames = frameList(entry);
  if ('error' in frames) return no(failure(422, frames.error));
  const f = frames[index];
  if (!f) return no(failure(404, `no frame ${index} in capture '${entry.id}' (${frames.length} frame(s))`));
  const d = readEvent(entry.reader, f.seq);
  if (!d.ok) return d;
  const ev = d.value.event;
  if (ev.kind !== 'frame.present') return no(failure(422, `event ${f.seq} is not a frame`));
  return okv({ width: ev.width, height: ev.height, rgba: ev.rgba, seq: f.seq });
}

export function frameRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:id/frames', valid('query', z.strictObject({})), (c) => {
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const frames = frameList(e.value);
    if ('error' in frames) return fail(c, failure(422, frames.error));
    return c.json(frames);
  });

  app.get('/:id/frames/:name', valid('query', z.strictObject({})), (c) => {
    const m = /^(\d{1,9})\.png$/.exec(c.req.param('name'));
    if (!m) return fail(c, bad(`path parameter 'index': a frame is fetched as <index>.png, got '${c.req.param('name').slice(0, 40)}'`));
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const f = frameAt(e.value, Number(m[1]));
    if (!f.ok) return fail(c, f.failure);
    return c.body(new Uint8Array(encodePng(f.value.width, f.value.height, f.value.rgba)), 200, { 'content-type': 'image/png' });
  });

  return app;
}
