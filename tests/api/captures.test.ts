/**
 * /api/captures: the list and detail against the capture's own meta and rows,
 * upload (valid, too large, not a capture, existing, bad name) and delete, and
 * every way of naming a file outside the capture folder refused.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListItem } from '../../api/contract';
import { captureOverview } from '../../recorder/capture-overview';
import { tempDir } from '../support/capture-files';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
const outside = tempDir();
const LIMIT = 4 << 20;

beforeAll(() => {
  f = apiFixture(['vkcube', 'compute'], { limits: { maxUploadBytes: LIMIT } });
  copyFileSync(path.join(f.dir, 'compute.tfcap'), outside.path('secret.tfcap'));
  writeFileSync(outside.path('passwd'), 'root:x:0:0\n');
});
afterAll(() => {
  f.remove();
  outside.remove();
});

describe('list and detail', () => {
  it('lists the captures with their meta, counts, duration and size', async () => {
    const list = await f.json<CaptureListItem[]>('/api/captures');
    expect(list.map((c) => c.id).sort()).toEqual(['compute.tfcap', 'vkcube.tfcap']);
    for (const item of list) {
      const o = captureOverview(f.reader(item.id));
      expect(item).toEqual({
        id: item.id, state: 'complete', app: o.meta.app, seed: 3, injectedBugs: [], events: o.summary.events,
        durationNs: o.durationNs, sizeBytes: o.sizeBytes, createdAt: o.meta.createdAt,
      });
    }
  });

  it('details one capture as tracefold info sees it', async () => {
    const d = await f.json<CaptureDetail>('/api/captures/vkcube.tfcap');
    const o = captureOverview(f.reader('vkcube.tfcap'));
    expect(d).toMatchObject({
      id: 'vkcube.tfcap', app: 'vkcube', events: o.summary.events, byLayer: o.summary.byLayer, pids: o.pids,
      objects: o.objects, formatVersion: o.meta.formatVersion, engineVersion: 'test', error: null, frames: 2,
    });
    expect(d.byKind).toEqual(o.summary.byKind);
    expect(d.checkpoints).toBeGreaterThan(0);
  });

  it('a damaged file in the folder is a 422 with the reader\'s reason, and is not listed', async () => {
    writeFileSync(path.join(f.dir, 'damaged.tfcap'), 'SQLite format 3\0 but not really');
    try {
      await f.expectError('/api/captures/damaged.tfcap', 422, /capture 'damaged.tfcap' cannot be read: .*not a SQLite database/);
      await f.expectError('/api/captures/damaged.tfcap/events', 422, /cannot be read/);
      expect((await f.json<CaptureListItem[]>('/api/captures')).map((c) => c.id)).not.toContain('damaged.tfcap');
    } finally {
      (await import('node:fs')).unlinkSync(path.join(f.dir, 'damaged.tfcap'));
    }
  });

  it('404 for a capture that is not there, 400 for an id that is not a capture id', async () => {
    await f.expectError('/api/captures/nope.tfcap', 404, /no capture 'nope.tfcap'/);
    await f.expectError('/api/captures/vkcube.txt', 400, /bad capture id/);
    await f.expectError('/api/nothing-here', 404, /no route GET \/api\/nothing-here/);
  });
});

describe('paths outside the capture folder', () => {
  it('refuses .., absolute and URL-encoded escapes', async () => {
    const escapes = [
      `/api/captures/..%2F${path.basename(outside.dir)}%2Fsecret.tfcap`,
      '/api/captures/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      `/api/captures/${encodeURIComponent(outside.path('secret.tfcap'))}`,
      '/api/captures/..%252f..%252fetc%252fpasswd',
      '/api/captures/.hidden.tfcap',
    ];
    for (const url of escapes) {
      const res = await f.request(url);
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { error: string }).error, url).toMatch(/bad capture id/);
    }
    // Unencoded ../ is resolved by URL parsing before routing: it never reaches a capture route.
    const res = await f.request('/api/captures/../../etc/passwd');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('root:');
  });

  it('refuses a symlink in the folder that leads out of it, and does not list it', async () => {
    symlinkSync(outside.path('secret.tfcap'), path.join(f.dir, 'link.tfcap'));
    try {
      await f.expectError('/api/captures/link.tfcap', 403, /outside the capture folder/);
      await f.expectError('/api/captures/link.tfcap/events', 403, /outside the capture folder/);
      await f.expectError('/api/captures/link.tfcap', 403, /outside/, { method: 'DELETE' });
      expect(existsSync(outside.path('secret.tfcap'))).toBe(true);
      const list = await f.json<CaptureListItem[]>('/api/captures');
      expect(list.map((c) => c.id)).not.toContain('link.tfcap');
    } finally {
      (await import('node:fs')).unlinkSync(path.join(f.dir, 'link.tfcap'));
    }
  });
});

describe('upload and delete', () => {
  const post = (name: string, body: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> =>
    f.request(`/api/captures?name=${encodeURIComponent(name)}`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream', ...headers } });

  it('stores a valid capture under its name and lists it', async () => {
    const bytes = readFileSync(path.join(f.dir, 'compute.tfcap'));
    const res = await post('uploaded.tfcap', bytes);
    const item = (await res.json()) as CaptureListItem;
    expect(res.status).toBe(201);
    expect(item).toMatchObject({ id: 'uploaded.tfcap', app: 'compute', state: 'complete', sizeBytes: bytes.length });
    expect(readFileSync(path.join(f.dir, 'uploaded.tfcap')).equals(bytes)).toBe(true);
    expect((await f.json<CaptureListItem[]>('/api/captures')).map((c) => c.id)).toContain('uploaded.tfcap');
    expect((await f.json<CaptureDetail>('/api/captures/uploaded.tfcap')).events).toBe(item.events);
    expect(readdirSync(f.dir).filter((n) => n.startsWith('.upload-'))).toEqual([]);
    await f.expectError('/api/captures?name=uploaded.tfcap', 409, /already exists/, { method: 'POST', body: bytes });
  });

  it('refuses too large (413), not a capture (422) and bad names (400), leaving nothing behind', async () => {
    await f.expectError('/api/captures?name=big.tfcap', 413, /exceeds the limit of 4194304 bytes/, { method: 'POST', body: new Uint8Array(LIMIT + 1) });
    // Without a Content-Length (a stream), the count stops it as well.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(1 << 20));
        c.close();
      },
    });
    await f.expectError('/api/captures?name=big2.tfcap', 413, /exceeds the limit/, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const broken = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000));
        c.error(new Error('connection reset'));
      },
    });
    await f.expectError('/api/captures?name=cut.tfcap', 400, /upload interrupted: connection reset/, { method: 'POST', body: broken, duplex: 'half' } as RequestInit);
    await f.expectError('/api/captures?name=junk.tfcap', 422, /not a valid capture: junk.tfcap is not a SQLite database/, { method: 'POST', body: 'hello, not sqlite' });
    await f.expectError('/api/captures?name=empty.tfcap', 422, /not a valid capture/, { method: 'POST', body: '' });
    await f.expectError('/api/captures?name=..%2Fescape.tfcap', 400, /bad capture id/, { method: 'POST', body: 'x' });
    await f.expectError('/api/captures?name=x.sqlite', 400, /bad capture id/, { method: 'POST', body: 'x' });
    await f.expectError('/api/captures', 400, /'name'/, { method: 'POST', body: 'x' });
    expect(readdirSync(f.dir).sort()).toEqual(['compute.tfcap', 'uploaded.tfcap', 'vkcube.tfcap']);
  });

  it('deletes a capture (then 404), and refuses bad ids', async () => {
    await f.json('/api/captures/uploaded.tfcap/events?limit=1'); // opened in the cache
    expect(await f.json('/api/captures/uploaded.tfcap', { method: 'DELETE' })).toEqual({ deleted: 'uploaded.tfcap' });
    expect(existsSync(path.join(f.dir, 'uploaded.tfcap'))).toBe(false);
    await f.expectError('/api/captures/uploaded.tfcap', 404, /no capture/);
    await f.expectError('/api/captures/uploaded.tfcap', 404, /no capture/, { method: 'DELETE' });
    await f.expectError('/api/captures/..%2Fvkcube.tfcap', 400, /bad capture id/, { method: 'DELETE' });
  });
});
