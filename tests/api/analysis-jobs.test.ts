/**
 * Diff, bisect and minimise through the API with the real backend (worker threads, as
 * `tracefold serve` wires them), on a clean and a buggy (wrong-vertex-stride) vkcube:
 * the diff report and its frame heat map agree with each other and with a direct
 * diffCaptures call; a bisect job names BAD's departing event; a minimise job leaves a
 * new, listed, replayable capture and nothing half-written.
 */
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureListItem, JobInfo } from '../../api/contract';
import { withIds } from '../../api/analysis';
import { workerAnalysis } from '../../api/worker-analysis';
import { diffCaptures } from '../../replayer/diff/diff-captures';
import { recordSmall } from '../support/small-captures';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;

beforeAll(() => {
  f = apiFixture(['vkcube'], { analysis: workerAnalysis('test') });
  recordSmall('vkcube', path.join(f.dir, 'vkcube-bug.tfcap'), { inject: ['wrong-vertex-stride'] });
}, 120_000);
afterAll(() => f.remove());

async function finished(job: JobInfo): Promise<JobInfo> {
  for (let i = 0; i < 600; i++) {
    const j = await f.json<JobInfo>(`/api/jobs/${job.id}`);
    if (j.state !== 'running') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${job.id} still running`);
}

async function start(body: object): Promise<JobInfo> {
  const res = await f.request('/api/jobs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(202);
  return (await res.json()) as JobInfo;
}

describe('real analyses', () => {
  it('diff: the report equals diffCaptures, and the heat map counts the same pixels', async () => {
    const report = await f.json<{ identical: boolean; firstDivergence: { kind: string } | null; frames: { index: number; differingPixels: number; totalPixels: number }[] }>(
      '/api/diff?a=vkcube.tfcap&b=vkcube-bug.tfcap');
    const direct = diffCaptures(path.join(f.dir, 'vkcube.tfcap'), path.join(f.dir, 'vkcube-bug.tfcap'));
    if (!direct.ok) throw new Error(direct.error.message);
    // The same report, with the capture paths shown as ids.
    expect(report).toEqual(withIds(JSON.parse(JSON.stringify(direct.value)), realpathSync(f.dir)));
    expect(JSON.stringify(report)).not.toContain(f.dir);
    expect((report as unknown as { a: { path: string } }).a.path).toBe('vkcube.tfcap');
    expect(report.identical).toBe(false);
    expect(report.firstDivergence).not.toBeNull();
    const frame = report.frames.find((x) => x.differingPixels > 0)!;
    expect(frame).toBeDefined();
    const res = await f.request(`/api/diff/heatmap.png?a=vkcube.tfcap&b=vkcube-bug.tfcap&frame=${frame.index}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-differing-pixels')).toBe(String(frame.differingPixels));
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    expect(png.width * png.height).toBe(frame.totalPixels);
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! >= 96 && png.data[i + 1] === 0 && png.data[i + 2] === 0) red++;
    expect(red).toBe(frame.differingPixels);
    await f.expectError('/api/diff/heatmap.png?a=vkcube.tfcap&b=vkcube-bug.tfcap&frame=99', 404, /no frame 99/);
  }, 120_000);

  it('bisect job: names the event of BAD after which its state departs', async () => {
    const job = await finished(await start({ type: 'bisect', good: 'vkcube.tfcap', bad: 'vkcube-bug.tfcap' }));
    expect(job.state).toBe('done');
    const r = job.result as { identical: boolean; seq: number | null; kind: string | null };
    expect(r.identical).toBe(false);
    expect(r.seq).toBeGreaterThan(0);
    expect(typeof r.kind).toBe('string');
  }, 120_000);

  it('minimize job: a new capture in the folder that still shows the bug, nothing partial left', async () => {
    const job = await finished(await start({ type: 'minimize', capture: 'vkcube-bug.tfcap', until: 'diverges:frame.present' }));
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    const r = job.result as { capture: string };
    expect(r.capture).toBe('vkcube-bug-min-1.tfcap');
    const list = await f.json<CaptureListItem[]>('/api/captures');
    const small = list.find((c) => c.id === r.capture)!;
    const big = list.find((c) => c.id === 'vkcube-bug.tfcap')!;
    expect(small.state).toBe('complete');
    expect(small.events).toBeLessThan(big.events);
    expect(readdirSync(f.dir).filter((n) => n.startsWith('.'))).toEqual([]);
    const bad = await start({ type: 'minimize', capture: 'vkcube.tfcap', until: 'fault' });
    const failed = await finished(bad);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/.{10,}/);
    expect(readdirSync(f.dir).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 300_000);

  it('two minimise jobs of one capture at once: two new captures, neither clobbering the other', async () => {
    const before = new Set((await f.json<CaptureListItem[]>('/api/captures')).map((c) => c.id));
    const jobs = await Promise.all([0, 1].map(() => start({ type: 'minimize', capture: 'vkcube-bug.tfcap', until: 'diverges:frame.present' })));
    const done = await Promise.all(jobs.map(finished));
    expect(done.map((j) => [j.state, j.error])).toEqual([['done', null], ['done', null]]);
    const made = done.map((j) => (j.result as { capture: string }).capture);
    expect(new Set(made).size).toBe(2);
    const list = await f.json<CaptureListItem[]>('/api/captures');
    for (const id of made) {
      expect(before.has(id)).toBe(false);
      expect(list.find((c) => c.id === id)?.state).toBe('complete');
    }
    expect(readdirSync(f.dir).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 300_000);
});
