/**
 * /state, /bos and /frames: the state at an event as `tracefold state --json` sees
 * it, BO bytes identical to `tracefold state --bo` dumps, BO images and presented
 * frames as PNGs of the right size and pixels, and bad or missing parameters.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateCommand } from '../../cli/state';
import { decodePng } from '../../cli/png';
import { BO_BYTES_MAX, type FrameInfo, type StateAt } from '../../api/contract';
import { tempDir } from '../support/capture-files';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
const out = tempDir();
const base = '/api/captures/vkcube.tfcap';
let lastPresent: number;
let total: number;

function cliState(flags: Parameters<typeof stateCommand>[1]): { code: number; out: string[]; err: string[] } {
  const lines = { out: [] as string[], err: [] as string[] };
  const code = stateCommand(`${f.dir}/vkcube.tfcap`, flags, { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) });
  return { code, ...lines };
}

beforeAll(() => {
  f = apiFixture(['vkcube']);
  const r = f.reader('vkcube.tfcap').query(`SELECT max(seq) FILTER (WHERE kind = 'frame.present'), max(seq) FROM events`);
  if (!r.ok) throw new Error(r.error.message);
  [lastPresent, total] = r.value.rows[0] as [number, number];
});
afterAll(() => {
  f.remove();
  out.remove();
});

describe('state at an event', () => {
  it('matches tracefold state --json', async () => {
    const s = await f.json<StateAt>(`${base}/state?at=${lastPresent}`);
    const cli = cliState({ at: String(lastPresent), json: true });
    expect(cli.code).toBe(0);
    const d = (JSON.parse(cli.out.join('\n')) as { state: { tsNs: number; bos: { id: number; sizeBytes: number; contentHash: string }[]; vms: { id: number }[]; syncobjs: { id: number; payload: number }[]; groups: { id: number; state: number }[] } }).state;
    expect(s.seq).toBe(lastPresent);
    expect(s.tsNs).toBe(d.tsNs);
    expect(s.stateHash).toMatch(/^[0-9a-f]{32}$/);
    expect(s.bos.map((b) => [b.id, b.sizeBytes, b.contentHash])).toEqual(d.bos.map((b) => [b.id, b.sizeBytes, b.contentHash]));
    expect(s.vms.map((v) => v.id)).toEqual(d.vms.map((v) => v.id));
    expect(s.syncobjs.map((o) => [o.id, o.payload])).toEqual(d.syncobjs.map((o) => [o.id, o.payload]));
    expect(s.groups.map((g) => [g.id, g.state, g.stateText])).toEqual(d.groups.map((g) => [g.id, g.state, 'ok']));
    expect(s.bos.some((b) => b.image?.width === 32 && b.image.height === 32)).toBe(true);
  });

  it('refuses a seq outside the capture (404) and bad ones (400)', async () => {
    await f.expectError(`${base}/state?at=${total + 1}`, 404, /no event/);
    await f.expectError(`${base}/state?at=0`, 400, /'at'.*≥ 1/);
    await f.expectError(`${base}/state`, 400, /'at'/);
    await f.expectError('/api/captures/gone.tfcap/state?at=1', 404, /no capture/);
  });
});

describe('BO bytes and images', () => {
  it('serves the bytes tracefold state --bo dumps, whole and as a range', async () => {
    const s = await f.json<StateAt>(`${base}/state?at=${lastPresent}`);
    const bo = s.bos.find((b) => b.image !== null && b.handles.length > 0)!;
    const h = bo.handles[0]!;
    const file = out.path('bo.bin');
    expect(cliState({ at: String(lastPresent), bo: String(h.handle), pid: String(h.pid), output: file }).code).toBe(0);
    const dumped = readFileSync(file);
    const res = await f.request(`${base}/bos/${bo.id}?at=${lastPresent}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(dumped)).toBe(true);
    const part = await f.request(`${base}/bos/${bo.id}?at=${lastPresent}&offset=100&length=64`);
    expect(Buffer.from(await part.arrayBuffer()).equals(dumped.subarray(100, 164))).toBe(true);
  });

  it('serves an image BO as a PNG of the image the app created, pixels as stored', async () => {
    const s = await f.json<StateAt>(`${base}/state?at=${lastPresent}`);
    const bo = s.bos.find((b) => b.image !== null)!;
    const res = await f.request(`${base}/bos/${bo.id}/image.png?at=${lastPresent}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = decodePng(new Uint8Array(await res.arrayBuffer()));
    expect([png.width, png.height]).toEqual([bo.image!.width, bo.image!.height]);
    const raw = new Uint8Array(await (await f.request(`${base}/bos/${bo.id}?at=${lastPresent}`)).arrayBuffer());
    expect(Buffer.from(png.rgba).equals(Buffer.from(raw.subarray(0, png.width * png.height * 4)))).toBe(true);
    const explicit = decodePng(new Uint8Array(await (await f.request(`${base}/bos/${bo.id}/image.png?at=${lastPresent}&width=16&height=8`)).arrayBuffer()));
    expect([explicit.width, explicit.height]).toEqual([16, 8]);
  });

  it('refuses missing BOs, ranges past the end and images that do not fit', async () => {
    const s = await f.json<StateAt>(`${base}/state?at=${lastPresent}`);
    const bo = s.bos.find((b) => b.image !== null)!;
    await f.expectError(`${base}/bos/99999?at=${lastPresent}`, 404, /no BO 99999/);
    await f.expectError(`${base}/bos/${bo.id}?at=${lastPresent}&offset=${bo.sizeBytes - 10}&length=20`, 400, /past the end/);
    await f.expectError(`${base}/bos/${bo.id}?at=${lastPresent}&length=${BO_BYTES_MAX + 1}`, 400, /'length'.*≤/);
    await f.expectError(`${base}/bos/${bo.id}?at=${lastPresent}&offset=x`, 400, /'offset'.*integer/);
    await f.expectError(`${base}/bos/${bo.id}/image.png?at=${lastPresent}&width=4`, 400, /'width' and 'height' go together/);
    await f.expectError(`${base}/bos/${bo.id}/image.png?at=${lastPresent}&width=4000&height=4000`, 400, /needs 64000000 bytes/);
    const small = s.bos.find((b) => b.image === null)!;
    await f.expectError(`${base}/bos/${small.id}/image.png?at=${lastPresent}`, 400, /cannot tell the image size.*'width' and 'height'/);
    await f.expectError(`${base}/bos/x?at=1`, 400, /'bo'.*integer/);
  });
});

describe('frames', () => {
  it('lists the presented frames and serves each as the PNG of its pixels', async () => {
    const frames = await f.json<FrameInfo[]>(`${base}/frames`);
    const stored = f.reader('vkcube.tfcap').events({ kind: 'frame.present' });
    if (!stored.ok) throw new Error(stored.error.message);
    expect(frames).toEqual(stored.value.map((d, index) => ({ index, seq: d.seq, tsNs: d.event.tsNs, width: 32, height: 32 })));
    for (const [i, d] of stored.value.entries()) {
      const res = await f.request(`${base}/frames/${i}.png`);
      expect(res.headers.get('content-type')).toBe('image/png');
      const png = decodePng(new Uint8Array(await res.arrayBuffer()));
      if (d.event.kind !== 'frame.present') throw new Error('not a frame');
      expect([png.width, png.height]).toEqual([32, 32]);
      expect(Buffer.from(png.rgba).equals(Buffer.from(d.event.rgba))).toBe(true);
    }
  });

  it('404 for a frame that is not there, 400 for a bad name', async () => {
    await f.expectError(`${base}/frames/2.png`, 404, /no frame 2 .*2 frame/);
    await f.expectError(`${base}/frames/one.png`, 400, /<index>.png/);
    await f.expectError(`${base}/frames/1.jpg`, 400, /<index>.png/);
    await f.expectError('/api/captures/gone.tfcap/frames', 404, /no capture/);
  });
});
