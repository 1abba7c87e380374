/**
 * Malformed HTTP requests against the API, seeded: every route template with its path
 * segments, query parameters, methods and bodies mutated (garbage bytes, encodings of
 * `..` and `/`, huge, negative and non-numeric numbers, repeated and unknown
 * parameters, truncated and non-JSON bodies). Every answer must be a status below 500
 * (501 aside: an analysis this server was built without) whose error body, when it is
 * one, says what is wrong; and the capture folder must be unchanged unless a request
 * was a valid upload or delete — no request here is.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Rng } from '../../engine/base/rng';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
beforeAll(() => {
  f = apiFixture(['vkcube']);
}, 60_000);
afterAll(() => f.remove());

const ROUTES = [
  ['GET', '/api/captures'], ['GET', '/api/captures/{id}'], ['POST', '/api/captures?name={name}'], ['DELETE', '/api/captures/{bad}'],
  ['GET', '/api/captures/{id}/events?from={n}&to={n}&kind={s}&limit={n}&cursor={n}'], ['GET', '/api/captures/{id}/events/{n}'],
  ['GET', '/api/captures/{id}/tracks'], ['GET', '/api/captures/{id}/timeline?startNs={n}&endNs={n}&widthPx={n}&tracks={s}'],
  ['GET', '/api/captures/{id}/flows?seq={n}'], ['GET', '/api/captures/{id}/state?at={n}'], ['GET', '/api/captures/{id}/bos/{n}?at={n}&offset={n}&length={n}'],
  ['GET', '/api/captures/{id}/bos/{n}/image.png?at={n}&width={n}&height={n}'], ['GET', '/api/captures/{id}/frames'], ['GET', '/api/captures/{id}/frames/{s}'],
  ['GET', '/api/captures/{id}/export?format={s}'], ['POST', '/api/captures/{id}/query'], ['GET', '/api/diff?a={id}&b={s}'],
  ['POST', '/api/jobs'], ['GET', '/api/jobs/{s}'], ['GET', '/api/jobs/{s}/events'],
] as const;

const NUMBERS = ['-1', '0', '1', '99999999999999999999999', '1e9', 'NaN', '0x10', '', ' 1', '1.5', '9007199254740993', '%00', '１'];
const STRINGS = ['..', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%2F', '/etc/passwd', 'a'.repeat(5000), '\u0000', '%ff%fe', 'kmd.ioctl', '<script>', '"', "'; DROP TABLE events; --", '%'];
const IDS = ['vkcube.tfcap', '../vkcube.tfcap', '..%2fvkcube.tfcap', '%2e%2e%2fsecret.tfcap', 'VKCUBE.TFCAP', 'vkcube.tfcap%00.png', 'nope.tfcap', '.tfcap', 'x'.repeat(300) + '.tfcap', '/abs.tfcap'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.below(xs.length)]!;
}

function body(rng: Rng): string | Uint8Array | undefined {
  switch (rng.below(5)) {
    case 0: return undefined;
    case 1: return '{"sql": ';
    case 2: return JSON.stringify({ sql: pick(rng, STRINGS), type: pick(rng, ['replay', 'bisect', 'diff', 'nope', '']), capture: pick(rng, IDS), level: pick(rng, STRINGS) });
    case 3: return new Uint8Array(Array.from({ length: rng.below(512) }, () => rng.below(256)));
    default: return JSON.stringify([1, 2, { a: null }]);
  }
}

it('answers 2000 malformed requests without a 5xx, each refusal with a reason, the folder untouched', async () => {
  const rng = new Rng(9);
  const before = readdirSync(f.dir).sort();
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 2000; i++) {
    const [method0, template] = pick(rng, ROUTES);
    const method = rng.below(10) === 0 ? pick(rng, ['PUT', 'PATCH', 'DELETE', 'POST', 'GET']) : method0;
    let url: string = template
      .replace(/\{id\}/g, () => pick(rng, IDS))
      .replace(/\{bad\}/g, () => pick(rng, IDS.slice(1)))
      .replace(/\{name\}/g, () => pick(rng, STRINGS))
      .replace(/\{n\}/g, () => pick(rng, NUMBERS))
      .replace(/\{s\}/g, () => pick(rng, STRINGS));
    if (rng.below(4) === 0) url += `${url.includes('?') ? '&' : '?'}${pick(rng, ['junk=1', 'from=1&from=2', '=', '&&', 'limit=']) }`;
    const b = method === 'GET' || method === 'DELETE' ? undefined : body(rng);
    const headers: Record<string, string> = rng.below(2) ? { 'content-type': 'application/json' } : { 'content-type': 'application/octet-stream' };
    let res: Response;
    try {
      res = await f.request(url, { method, body: b, headers });
    } catch (e) {
      throw new Error(`${method} ${url} threw: ${(e as Error).message}`);
    }
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const text = await res.text();
    expect(res.status >= 500 && res.status !== 501, `${method} ${url} → ${res.status} ${text.slice(0, 300)}`).toBe(false);
    if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) {
      const e = JSON.parse(text) as { error?: unknown };
      expect(typeof e.error === 'string' && e.error.length > 5, `${method} ${url} → ${text.slice(0, 200)}`).toBe(true);
    }
  }
  expect(readdirSync(f.dir).sort()).toEqual(before);
  console.log(`http fuzz: 2000 requests, statuses ${JSON.stringify(statuses)}`);
}, 120_000);
