/**
 * /export (Perfetto protobuf and Chrome JSON downloads, equal to what the exporter
 * writes) and /query (rows as the reader returns them, Perfetto-shaped tables, the
 * row cap, writes refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryResponse } from '../../api/contract';
import { exportCapture } from '../../recorder/export/export-capture';
import { decodeTrace } from '../support/proto-decode';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
const base = '/api/captures/vkcube.tfcap';

beforeAll(() => {
  f = apiFixture(['vkcube'], { limits: { queryMaxRows: 50 } });
});
afterAll(() => f.remove());

function exported(format: 'perfetto' | 'json'): Buffer {
  const chunks: Uint8Array[] = [];
  const r = exportCapture(f.reader('vkcube.tfcap'), { format, out: { write: (b) => void chunks.push(b.slice()) } });
  if (!r.ok) throw new Error(r.error.message);
  return Buffer.concat(chunks);
}

describe('export', () => {
  it('downloads the Perfetto trace the exporter writes, as an attachment that decodes', async () => {
    const res = await f.request(`${base}/export?format=perfetto`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="vkcube.perfetto-trace"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(exported('perfetto'))).toBe(true);
    const trace = decodeTrace(bytes);
    expect(trace.tracks.some((t) => t.kind === 'process')).toBe(true);
    expect(trace.events.some((e) => /GROUP_SUBMIT/.test(e.name ?? ''))).toBe(true);
    const byDefault = Buffer.from(await (await f.request(`${base}/export`)).arrayBuffer());
    expect(byDefault.equals(bytes)).toBe(true);
  });

  it('downloads Chrome JSON', async () => {
    const res = await f.request(`${base}/export?format=json`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="vkcube.json"');
    const text = await res.text();
    expect(text).toBe(exported('json').toString());
    expect((JSON.parse(text) as { traceEvents: unknown[] }).traceEvents.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format and a missing capture', async () => {
    await f.expectError(`${base}/export?format=pdf`, 400, /'format'/);
    await f.expectError('/api/captures/gone.tfcap/export', 404, /no capture/);
  });
});

describe('query', () => {
  const q = (sql: unknown, id = 'vkcube.tfcap'): Promise<Response> =>
    f.request(`/api/captures/${id}/query`, { method: 'POST', body: JSON.stringify({ sql }), headers: { 'content-type': 'application/json' } });

  it('returns the rows SQLite returns', async () => {
    const res = await q(`SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind`);
    const body = (await res.json()) as QueryResponse;
    const direct = f.reader('vkcube.tfcap').query(`SELECT kind, count(*) AS n FROM events GROUP BY kind ORDER BY kind`);
    if (!direct.ok) throw new Error(direct.error.message);
    expect(body).toEqual({ columns: ['kind', 'n'], rows: direct.value.rows, truncated: false });
  });

  it('answers Perfetto-shaped queries on the capture', async () => {
    const body = (await (await q(`SELECT count(*) FROM slice JOIN track ON track.id = slice.track_id WHERE track.name = 'ioctls' AND slice.category = 'ioctl'`)).json()) as QueryResponse;
    const ioctls = f.reader('vkcube.tfcap').query(`SELECT count(*) FROM events WHERE kind = 'kmd.ioctl'`);
    expect(body.rows[0]![0]).toBe(ioctls.ok ? ioctls.value.rows[0]![0] : -1);
  });

  it('caps rows and says so; blobs come back summarised', async () => {
    const body = (await (await q(`SELECT seq FROM events ORDER BY seq`)).json()) as QueryResponse;
    expect(body.rows.length).toBe(50);
    expect(body.rows[49]).toEqual([50]);
    expect(body.truncated).toBe(true);
    const blob = (await (await q(`SELECT data, size_bytes FROM blobs WHERE codec = 'raw' LIMIT 1`)).json()) as QueryResponse;
    expect(blob.rows[0]![0]).toMatchObject({ $bytes: expect.any(Number), hex: expect.stringMatching(/^[0-9a-f]*$/) });
  });

  it('refuses writes, bad SQL and bad bodies with a reason', async () => {
    const refused = async (res: Response, reason: RegExp): Promise<void> => {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    };
    await refused(await q('DELETE FROM blobs'), /read-only/);
    await refused(await q('DROP TABLE meta'), /read-only/);
    await refused(await q(`ATTACH DATABASE '/tmp/x.db' AS x`), /read-only.*ATTACH/);
    await refused(await q('CREATE TEMP TABLE t AS SELECT 1'), /read-only/);
    await refused(await q(`VACUUM INTO '/tmp/tracefold-api-test-copy.tfcap'`), /read-only/);
    await refused(await q('PRAGMA journal_mode = DELETE'), /read-only/);
    await refused(await q(`SELECT load_extension('/tmp/x.so')`), /SQL error: .*not authorized/);
    await refused(await q('SELEKT 1'), /SQL error: .*syntax error/);
    await refused(await q(42), /'sql'/);
    await refused(await q(''), /'sql'/);
    const huge = await q(`SELECT '${'x'.repeat(2 << 20)}'`);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'request body exceeds 1048576 bytes' });
    await refused(await f.request(`${base}/query`, { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } }), /JSON|json/);
    await f.expectError('/api/captures/gone.tfcap/query', 404, /no capture/, { method: 'POST', body: JSON.stringify({ sql: 'SELECT 1' }), headers: { 'content-type': 'application/json' } });
  });
});
