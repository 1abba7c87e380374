/**
 * The API reads a capture while it is being recorded: the recorder (a child process,
 * WAL mode, small batches) keeps committing while the server lists it as 'recording'
 * and serves its events; later requests see the events committed since, and never an
 * event the recorder has not reported committed. Damaged captures in the folder are
 * answered with a reason, not a crash.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureListItem, EventPage } from '../../api/contract';
import { spawnFixture, type FixtureChild } from '../support/fixture-child';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
let child: FixtureChild | undefined;
let committed = 0;

function waitForCommitted(n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (committed >= n) {
        clearInterval(timer);
        resolve();
      } else if (child?.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`recorder exited at ${committed} committed events`));
      }
    }, 5);
  });
}

beforeAll(() => {
  f = apiFixture(['vkcube']);
  child = spawnFixture('record-stress-child.ts', [path.join(f.dir, 'live.tfcap')], (line) => {
    const m = /^committed (\d+)$/.exec(line);
    if (m) committed = Number(m[1]);
  });
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  f.remove();
});

describe('a capture still being recorded', () => {
  it('is listed as recording, and its events grow between requests', async () => {
    await waitForCommitted(500);
    const floor1 = committed;
    const live1 = (await f.json<CaptureListItem[]>('/api/captures')).find((c) => c.id === 'live.tfcap')!;
    expect(live1.state).toBe('recording');
    expect(live1.events).toBeGreaterThanOrEqual(floor1);

    await waitForCommitted(live1.events + 1000);
    const floor2 = committed;
    const live2 = (await f.json<CaptureListItem[]>('/api/captures')).find((c) => c.id === 'live.tfcap')!;
    expect(live2.events).toBeGreaterThanOrEqual(floor2);
    expect(live2.events).toBeGreaterThan(live1.events);

    // The events committed since the first look are served, in order, with no gap.
    const page = await f.json<EventPage>(`/api/captures/live.tfcap/events?from=${live1.events + 1}&limit=500`);
    expect(page.events[0]!.seq).toBe(live1.events + 1);
    expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => live1.events + 1 + i));
    expect(page.events.length).toBe(500);
    const detail = await f.json<{ state: string; events: number }>('/api/captures/live.tfcap');
    expect(detail.state).toBe('recording');
    expect(detail.events).toBeGreaterThanOrEqual(live2.events);
  }, 60_000);
});

describe('damaged captures in the folder', () => {
  it('are answered with a reason (4xx/5xx JSON), never a crash', async () => {
    const good = path.join(f.dir, 'vkcube.tfcap');
    const bytes = readFileSync(good);
    const cut = Buffer.from(bytes.subarray(0, bytes.length >> 1));
    writeFileSync(path.join(f.dir, 'cut.tfcap'), cut);
    const flipped = Buffer.from(bytes);
    for (let i = 0; i < 64; i++) flipped[(bytes.length >> 2) * 3 + i] = (i * 37) & 0xff;
    writeFileSync(path.join(f.dir, 'garbled.tfcap'), flipped);
    writeFileSync(path.join(f.dir, 'text.tfcap'), 'not a capture');
    copyFileSync(good, path.join(f.dir, 'copy.tfcap'));
    const list = await f.json<CaptureListItem[]>('/api/captures');
    expect(list.map((c) => c.id)).toContain('copy.tfcap');
    let tried = 0;
    for (const id of ['cut.tfcap', 'garbled.tfcap', 'text.tfcap']) {
      for (const route of ['', '/events?limit=2000', '/tracks', '/timeline?startNs=0&endNs=1000000&widthPx=800', '/frames', '/state?at=50', '/export', '/events/20']) {
        const res = await f.request(`/api/captures/${id}${route}`);
        tried++;
        if (res.status >= 400) {
          const body = (await res.json()) as { error?: string };
          expect(typeof body.error === 'string' && body.error.length > 10, `${id}${route} → ${res.status} ${JSON.stringify(body)}`).toBe(true);
        } else {
          await res.arrayBuffer();
        }
      }
    }
    expect(tried).toBe(24);
    // And the server still answers.
    expect((await f.request('/api/captures/copy.tfcap')).status).toBe(200);
  }, 60_000);
});
