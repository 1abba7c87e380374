/**
 * Read-only SQL on a capture.
 *
 *   POST /api/captures/:id/query  { sql } → QueryResponse
 *
 * The reader's query() refuses anything SQLite does not report as a read-only,
 * row-returning statement (and ATTACH / DETACH by name) — the connection itself is
 * opened read-only too. Results stop at limits.queryMaxRows rows or after
 * limits.queryMaxMs of stepping (`truncated`). The trace_processor-shaped tables
 * (slice, track, …) are built in the connection's TEMP schema when the SQL names
 * one. Blob values come back as `{ $bytes, hex }` (first 4 KiB).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { ensurePerfettoTables, mentionsPerfettoTables, perfettoSql } from '../../recorder/timeline/perfetto-tables';
import type { QueryResponse } from '../contract';
import type { ApiDeps } from '../deps';
import { bad, fail, failure } from '../errors';
import { ARG_HEX_BYTES } from '../event-view';
import { valid } from '../validate';

export function queryRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.post('/:id/query', valid('query', z.strictObject({})), valid('json', z.strictObject({ sql: z.string().min(1).max(100_000) })), (c) => {
    const { sql } = c.req.valid('json');
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    let q: { sql: string; restoreName(name: string): string } = { sql, restoreName: (n) => n };
    if (mentionsPerfettoTables(sql)) {
      const built = ensurePerfettoTables(e.value.reader);
      if (!built.ok) return fail(c, failure(422, built.message));
      q = perfettoSql(sql);
    }
    const r = e.value.reader.query(q.sql, [], { maxRows: deps.limits.queryMaxRows, maxMs: deps.limits.queryMaxMs });
    if (!r.ok) return fail(c, bad(`${r.error.code === 'read-only' ? '' : 'SQL error: '}${r.error.message}`));
    const rows = r.value.rows.map((row) => row.map((v) => (v instanceof Uint8Array ? { $bytes: v.length, hex: Buffer.from(v.subarray(0, ARG_HEX_BYTES)).toString('hex') } : v)));
    return c.json<QueryResponse>({ columns: r.value.columns.map(q.restoreName), rows, truncated: r.value.truncated ?? false });
  });

  return app;
}
