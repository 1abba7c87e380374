/**
 * Jobs and diff: a real replay job in its worker thread (its SSE stream shows
 * progress, then done with the replay's result, equal to an in-process replay), job
 * polling, the analyses answering 501 until a backend is given, and with a (stub)
 * backend the diff route and diff / bisect jobs carrying its progress and report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, JobProgress } from '../../api/contract';
import { replayCapture } from '../../replayer/replay';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
let g: ApiFixture;
const calls: string[][] = [];

beforeAll(() => {
  f = apiFixture(['vkcube']);
  g = apiFixture(['compute'], {
    analysis: {
      diff: (a, b, onProgress) => {
        calls.push(['diff', a, b]);
        onProgress({ done: 1, total: 2, phase: 'align' });
        onProgress({ done: 2, total: 2, phase: 'align' });
        return { ok: true, value: { identical: true, a, b } };
      },
      bisect: async () => ({ ok: false, error: { message: 'the good capture diverges already' } }),
    },
  });
});
afterAll(() => {
  f.remove();
  g.remove();
});

const post = (fx: ApiFixture, body: unknown): Promise<Response> =>
  fx.request('/api/jobs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Reads a whole SSE response into its events. */
async function sse(res: Response): Promise<{ event: string; data: unknown }[]> {
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.trim()).map((block) => {
    const lines = block.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
    const data = JSON.parse(lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as unknown;
    return { event, data };
  });
}

describe('replay jobs', () => {
  it('stream progress then done, with the result an in-process replay gives', async () => {
    const res = await post(f, { type: 'replay', capture: 'vkcube.tfcap' });
    expect(res.status).toBe(202);
    const job = (await res.json()) as JobInfo;
    expect(job).toMatchObject({ type: 'replay', state: 'running', result: null, error: null });
    const events = await sse(await f.request(`/api/jobs/${job.id}/events`));
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('progress');
    expect(kinds.at(-1)).toBe('done');
    expect(kinds.filter((k) => k === 'done').length).toBe(1);
    const done = events.at(-1)!.data as JobInfo;
    const expected = replayCapture(f.reader('vkcube.tfcap'), { level: 'ioctl' });
    if (!expected.ok) throw new Error(expected.error.message);
    expect(done).toMatchObject({ id: job.id, state: 'done', error: null });
    const result = done.result as typeof expected.value;
    expect(result).toMatchObject({ level: 'ioctl', verify: 'strict', diverged: false, compared: expected.value.compared, divergences: [] });
    expect(result.stats.inputs).toBe(expected.value.stats.inputs);
    const total = (events.find((e) => e.event === 'progress' && (e.data as JobProgress).total > 0)?.data as JobProgress | undefined)?.total;
    expect(done.progress).toEqual({ done: total, total, phase: 'replay (ioctl level)' });
    // Polling and a late stream both see the finished job.
    expect(await f.json<JobInfo>(`/api/jobs/${job.id}`)).toEqual(done);
    const late = await sse(await f.request(`/api/jobs/${job.id}/events`));
    expect(late.map((e) => e.event)).toEqual(['progress', 'done']);
  });

  it('an API-level replay reports what the app observed', async () => {
    const job = (await (await post(f, { type: 'replay', capture: 'vkcube.tfcap', level: 'api' })).json()) as JobInfo;
    const events = await sse(await f.request(`/api/jobs/${job.id}/events`));
    expect(events.at(-1)!.data).toMatchObject({ state: 'done', result: { level: 'api', verify: 'outputs', diverged: false } });
  });

  it('refuses bad requests, missing captures and escapes', async () => {
    const refused = async (body: unknown, status: number, reason: RegExp): Promise<void> => {
      const res = await post(f, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(reason);
    };
    await refused({ type: 'replay' }, 400, /'capture'/);
    await refused({ type: 'replay', capture: 'vkcube.tfcap', level: 'hw' }, 400, /'level'/);
    await refused({ type: 'explode' }, 400, /'type'/);
    await refused({ type: 'replay', capture: 'vkcube.tfcap', extra: 1 }, 400, /unknown body field.*'extra'/);
    await refused({ type: 'replay', capture: 'gone.tfcap' }, 404, /no capture 'gone.tfcap'/);
    await refused({ type: 'replay', capture: '../vkcube.tfcap' }, 400, /bad capture id/);
    await f.expectError('/api/jobs/job-999', 404, /no job 'job-999'/);
    await f.expectError('/api/jobs/job-999/events', 404, /no job/);
  });
});

describe('diff, bisect and minimise', () => {
  it('answer 501 with a reason while no analysis backend is wired', async () => {
    await f.expectError('/api/diff?a=vkcube.tfcap&b=vkcube.tfcap', 501, /diff is not available/);
    for (const body of [{ type: 'diff', a: 'vkcube.tfcap', b: 'vkcube.tfcap' }, { type: 'bisect', good: 'vkcube.tfcap', bad: 'vkcube.tfcap' }, { type: 'minimize', capture: 'vkcube.tfcap', until: 'fault' }]) {
      const res = await post(f, body);
      expect(res.status).toBe(501);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`${body.type} is not available`));
    }
  });

  it('validate their captures before anything runs', async () => {
    await f.expectError('/api/diff?a=vkcube.tfcap', 400, /'b'/);
    await f.expectError('/api/diff?a=vkcube.tfcap&b=gone.tfcap', 404, /no capture 'gone.tfcap'/);
    await f.expectError('/api/diff?a=%2e%2e%2fx.tfcap&b=vkcube.tfcap', 400, /bad capture id/);
  });

  it('with a backend: the diff route and job pass the capture paths and carry progress and report', async () => {
    const report = await g.json<{ identical: boolean; a: string }>('/api/diff?a=compute.tfcap&b=compute.tfcap');
    // The backend got paths; the client sees capture ids.
    expect(report).toMatchObject({ identical: true, a: 'compute.tfcap' });
    const job = (await (await post(g, { type: 'diff', a: 'compute.tfcap', b: 'compute.tfcap' })).json()) as JobInfo;
    const events = await sse(await g.request(`/api/jobs/${job.id}/events`));
    expect(events.at(-1)).toEqual({ event: 'done', data: { ...job, state: 'done', progress: { done: 2, total: 2, phase: 'align' }, result: report } });
    const failed = (await (await post(g, { type: 'bisect', good: 'compute.tfcap', bad: 'compute.tfcap' })).json()) as JobInfo;
    const fe = await sse(await g.request(`/api/jobs/${failed.id}/events`));
    expect(fe.at(-1)!.data).toMatchObject({ state: 'failed', error: 'the good capture diverges already', result: null });
    expect(calls.length).toBe(2);
  });
});
