/**
 * Perfetto (or Chrome JSON) download of a capture.
 *
 *   GET /api/captures/:id/export[?format=perfetto|json] → attachment `<capture>.perfetto-trace` / `.json`
 *
 * exportCapture (recorder/export) writes synchronously in ~1 MiB chunks; they go to a
 * temp file which is then streamed and removed, so a million-event trace is never
 * held in memory whole.
 */
import { createReadStream, closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { exportCapture } from '../../recorder/export/export-capture';
import type { ApiDeps } from '../deps';
import { fail, failure } from '../errors';
import { valid } from '../validate';

export function exportRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:id/export', valid('query', z.strictObject({ format: z.enum(['perfetto', 'json']).optional() })), (c) => {
    const format = c.req.valid('query').format ?? 'perfetto';
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const dir = mkdtempSync(path.join(tmpdir(), 'tracefold-export-'));
    const file = path.join(dir, 'trace');
    const fd = openSync(file, 'w');
    let r: ReturnType<typeof exportCapture>;
    try {
      r = exportCapture(e.value.reader, { format, out: { write: (b) => void writeSync(fd, b) } });
    } finally {
      closeSync(fd);
    }
    if (!r.ok) {
      rmSync(dir, { recursive: true, force: true });
      return fail(c, failure(422, r.error.message));
    }
    const name = `${e.value.id.replace(/\.tfcap$/, '')}${format === 'perfetto' ? '.perfetto-trace' : '.json'}`;
    const stream = createReadStream(file);
    stream.on('close', () => rmSync(dir, { recursive: true, force: true }));
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: {
        'content-type': format === 'perfetto' ? 'application/octet-stream' : 'application/json',
        'content-length': String(statSync(file).size),
        'content-disposition': `attachment; filename="${name}"`,
      },
    });
  });

  return app;
}
