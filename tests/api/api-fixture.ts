/**
 * The API under test: small real captures recorded into a temp folder (vkcube: 2
 * frames at 32×32, compute: 1 iteration — tests/support/small-captures.ts) and an app
 * over that folder, plus helpers to read JSON and assert error bodies.
 *
 * Example:
 *   const f = apiFixture(['vkcube']);   // in beforeAll
 *   const page = await f.json<EventPage>('/api/captures/vkcube.tfcap/events?limit=5');
 */
import { expect } from 'vitest';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import type { AnalysisBackend } from '../../api/analysis';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

export interface ApiFixture {
  readonly dir: string;
  readonly app: ReturnType<typeof createApp>;
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T>(path: string, init?: RequestInit): Promise<T>;
  /** Asserts the status and that the body is an ApiError whose reason matches. */
  expectError(path: string, status: number, reason: RegExp, init?: RequestInit): Promise<void>;
  /** A reader of capture `id` (closed by remove()). */
  reader(id: string): CaptureReader;
  remove(): void;
}

export function apiFixture(apps: readonly string[], options: { limits?: Partial<ApiDeps['limits']>; analysis?: AnalysisBackend } = {}): ApiFixture {
  const tmp = tempDir();
  for (const a of apps) recordSmall(a, tmp.path(`${a}.tfcap`));
  const app = createApp({ captureDir: tmp.dir, limits: options.limits, analysis: options.analysis, log: () => {} });
  const readers: CaptureReader[] = [];
  const request = (path: string, init?: RequestInit): Promise<Response> => Promise.resolve(app.request(path, init));
  return {
    dir: tmp.dir,
    app,
    request,
    async json<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await request(path, init);
      const body = await res.text();
      expect(res.status, `${path}: ${body.slice(0, 300)}`).toBeLessThan(300);
      return JSON.parse(body) as T;
    },
    async expectError(path, status, reason, init) {
      const res = await request(path, init);
      const body = (await res.json()) as { error?: unknown };
      expect({ status: res.status, body }, path).toMatchObject({ status, body: { error: expect.stringMatching(reason) } });
    },
    reader(id) {
      const r = openCapture(`${tmp.dir}/${id}`);
      if (!r.ok) throw new Error(r.error.message);
      readers.push(r.value);
      return r.value;
    },
    remove() {
      for (const r of readers) r.close();
      app.tracefold.close();
      tmp.remove();
    },
  };
}
