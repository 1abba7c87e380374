/**
 * Read-only SQL on a capture.
 *
 *   POST /api/captures/:id/query  { sql } → QueryResponse
 *
 * The reader's query() refuses anything SQLite does not report as a read-only,
 * row-returning statement (and ATTACH / DETACH by name) — the connection itself is
 * opened read-only too. Results stop at limits.queryMaxRows rows or after
 * limits.queryMaxMs of stepping (`truncated`). The trace_processor-shaped tables
 * (slice, track, …) are built when the SQL names one, in a worker thread per capture
 * that then answers those queries (perfetto-sql.ts), so a big capture's build never
 * stalls the server. Blob values come back as `{ $bytes, hex }` (first 4 KiB).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { QueryResult } from '../../recorder/capture/reader';
import { mentionsPerfettoTables } from '../../recorder/timeline/perfetto-tables';
import type { QueryResponse } from '../contract';
import type { ApiDeps } from '../deps';
import { bad, fail, failure } from '../errors';
import { ARG_HEX_BYTES } from '../event-view';
import { valid } from '../validate';

export function queryRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.post('/:id/query', valid('query', z.strictObject({})), valid('json', z.strictObject({ sql: z.string().min(1).max(100_000) })), async (c) => {
    const { sql } = c.req.valid('json');
    const limits = { maxRows: deps.limits.queryMaxRows, maxMs: deps.limits.queryMaxMs };
    let result: QueryResult;
    if (mentionsPerfettoTables(sql)) {
      // The tables live in a worker per capture: building them takes seconds on a big capture.
      const host = deps.cache.perfettoSql(c.req.param('id'));
      if (!host.ok) return fail(c, host.failure);
      const a = await host.value.query(sql, limits);
      if (!a.ok) return fail(c, a.code === 'build' ? failure(422, a.message) : bad(`${a.code === 'read-only' || a.code === 'stopped' ? '' : 'SQL error: '}${a.message}`));
      result = a.value;
    } else {
      const e = deps.cache.open(c.req.param('id'));
      if (!e.ok) return fail(c, e.failure);
      const r = e.value.reader.query(sql, [], limits);
      if (!r.ok) return fail(c, bad(`${r.error.code === 'read-only' ? '' : 'SQL error: '}${r.error.message}`));
      result = r.value;
    }
    const rows = result.rows.map((row) => row.map((v) => (v instanceof Uint8Array ? { $bytes: v.length, hex: Buffer.from(v.subarray(0, ARG_HEX_BYTES)).toString('hex') } : v)));
    return c.json<QueryResponse>({ columns: [...result.columns], rows, truncated: result.truncated ?? false });
  });

  return app;
}
