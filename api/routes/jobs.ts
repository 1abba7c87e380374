/**
 * Jobs: replay (real, in a worker thread), diff / bisect / minimise (through the
 * AnalysisBackend; 501 when it lacks them).
 *
 *   POST /api/jobs  JobRequest → 202 JobInfo
 *   GET  /api/jobs/:id         → JobInfo
 *   GET  /api/jobs/:id/events  → text/event-stream: `event: progress` (JobProgress)…, then one `event: done` (JobInfo)
 */
import { existsSync, realpathSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { errorText, withIds, type ProgressFn } from '../analysis';
import { capturePath } from '../capture-paths';
import type { JobInfo } from '../contract';
import type { ApiDeps } from '../deps';
import { fail, failure, type Outcome } from '../errors';
import { runReplayWorker, MAX_RUNNING, type JobEvent, type JobOutcome } from '../jobs';
import { valid } from '../validate';

const jobRequest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('replay'), capture: z.string(), level: z.enum(['ioctl', 'api']).optional() }),
  z.strictObject({ type: z.literal('diff'), a: z.string(), b: z.string() }),
  z.strictObject({ type: z.literal('bisect'), good: z.string(), bad: z.string() }),
  z.strictObject({ type: z.literal('minimize'), capture: z.string(), until: z.string().min(1).max(100) }),
]);

/** Minimise jobs started by this process: numbers their hidden output files. */
let minimizeJobs = 0;

export function jobRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.post('/', valid('query', z.strictObject({})), valid('json', jobRequest), (c) => {
    const req = c.req.valid('json');
    const paths = (...ids: string[]): Outcome<string[]> => {
      const out: string[] = [];
      for (const id of ids) {
        const p = capturePath(deps.dir, id);
        if (!p.ok) return p;
        out.push(p.value);
      }
      return { ok: true, value: out };
    };
    const ids = req.type === 'replay' || req.type === 'minimize' ? [req.capture] : req.type === 'diff' ? [req.a, req.b] : [req.good, req.bad];
    const p = paths(...ids);
    if (!p.ok) return fail(c, p.failure);
    const [first, second] = p.value as [string, string];
    let work: (report: ProgressFn) => Promise<JobOutcome>;
    if (req.type === 'replay') {
      const level = req.level ?? 'ioctl';
      work = (report) => runReplayWorker(first, level, report);
    } else if (req.type === 'minimize') {
      const fn = deps.analysis.minimize;
      if (!fn) return fail(c, failure(501, 'minimize is not available in this build (the analysis backend is not wired into the API)'));
      // Written under a hidden name (not a capture id, so never listed) and renamed to a
      // free id only once complete: a failed minimise leaves nothing that looks like a capture.
      // The hidden name is this job's own, so two minimise jobs of one capture never share it.
      const base = `${req.capture.replace(/\.tfcap$/, '')}-min`;
      const hidden = path.join(deps.dir, `.${base}.${process.pid}-${++minimizeJobs}.partial`);
      work = async (report) => {
        const r = await fn(first, req.until, hidden, report);
        if (!r.ok) {
          for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${hidden}${suffix}`, { force: true });
          return { ok: false, error: errorText(r.error) };
        }
        const final = freeCaptureId(deps.dir, base);
        renameSync(hidden, path.join(deps.dir, final));
        return { ok: true, value: { ...(withIds(r.value, realpathSync(deps.dir)) as object), capture: final } };
      };
    } else {
      const fn = deps.analysis[req.type];
      if (!fn) return fail(c, failure(501, `${req.type} is not available in this build (the analysis backend is not wired into the API)`));
      work = async (report) => {
        const r = await fn(first, second, report);
        return r.ok ? { ok: true, value: withIds(r.value, realpathSync(deps.dir)) } : { ok: false, error: errorText(r.error) };
      };
    }
    if (deps.jobs.running() >= MAX_RUNNING) return fail(c, failure(429, `${MAX_RUNNING} jobs are running already; wait for one to finish`));
    return c.json(deps.jobs.start(req.type, work), 202);
  });

  app.get('/:job', valid('query', z.strictObject({})), (c) => {
    const info = deps.jobs.get(c.req.param('job'));
    return info ? c.json(info) : fail(c, failure(404, `no job '${c.req.param('job').slice(0, 40)}'`));
  });

  app.get('/:job/events', valid('query', z.strictObject({})), (c) => {
    const id = c.req.param('job');
    const current = deps.jobs.get(id);
    if (!current) return fail(c, failure(404, `no job '${id.slice(0, 40)}'`));
    return streamSSE(c, async (stream) => {
      let writes = Promise.resolve();
      const send = (event: string, data: unknown): Promise<void> => (writes = writes.then(() => stream.writeSSE({ event, data: JSON.stringify(data) })));
      await send('progress', current.progress);
      await new Promise<void>((resolve) => {
        const unsubscribe = deps.jobs.subscribe(id, (e: JobEvent) => {
          if (e.kind === 'progress') void send('progress', e.progress);
          else void send('done', e.info satisfies JobInfo).then(resolve);
        });
        stream.onAbort(() => {
          unsubscribe?.();
          resolve();
        });
      });
      await writes;
    });
  });

  return app;
}

/** `<base>-N.tfcap` with the first N from 1 that names no file in `dir`. */
function freeCaptureId(dir: string, base: string): string {
  for (let n = 1; ; n++) {
    const id = `${base}-${n}.tfcap`;
    if (!existsSync(path.join(dir, id))) return id;
  }
}
