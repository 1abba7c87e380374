/**
 * Jobs: long work (replay, diff, bisect, minimise) started by POST /api/jobs and
 * followed by polling (GET /api/jobs/:id) or server-sent events.
 *
 * Model
 * - A job is in memory only: `running` → `done` | `failed`, with its latest progress
 *   and, when done, its result. The registry keeps MAX_FINISHED finished jobs.
 * - Replay runs in a worker thread (job-worker.ts, started by ts-worker.ts); diff / bisect / minimise call the
 *   AnalysisBackend in-process.
 * - Listeners get every progress update and the final JobInfo; a listener that joins
 *   late gets the current progress first (the SSE route sends it), so every stream
 *   shows progress before done.
 * - At most MAX_RUNNING jobs run at once; more is a 429 at POST.
 *
 * Example:
 *   const job = registry.start('replay', (report) => runReplayWorker(path, 'ioctl', report));
 *   registry.subscribe(job.id, (e) => …)  // { kind: 'progress', progress } …, then { kind: 'done', info }
 */
import type { JobInfo, JobProgress, JobRequest } from './contract';
import type { ProgressFn } from './analysis';
import type { ReplayJobData } from './job-worker';
import { runJobWorker } from './ts-worker';

export const MAX_RUNNING = 4;
const MAX_FINISHED = 100;

export type JobEvent = { readonly kind: 'progress'; readonly progress: JobProgress } | { readonly kind: 'done'; readonly info: JobInfo };

export type JobOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

interface Job {
  info: JobInfo;
  readonly listeners: Set<(e: JobEvent) => void>;
}

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private nextId = 1;

  running(): number {
    return [...this.jobs.values()].filter((j) => j.info.state === 'running').length;
  }

  get(id: string): JobInfo | undefined {
    return this.jobs.get(id)?.info;
  }

  /** Starts `work` as a job of `type`; its promise's outcome ends the job. */
  start(type: JobRequest['type'], work: (report: ProgressFn) => Promise<JobOutcome>): JobInfo {
    const id = `job-${this.nextId++}`;
    const job: Job = {
      info: { id, type, state: 'running', progress: { done: 0, total: 0, phase: 'starting' }, result: null, error: null },
      listeners: new Set(),
    };
    this.jobs.set(id, job);
    const report: ProgressFn = (progress) => {
      if (job.info.state !== 'running') return;
      job.info = { ...job.info, progress };
      for (const l of job.listeners) l({ kind: 'progress', progress });
    };
    const finish = (o: JobOutcome): void => {
      job.info = o.ok ? { ...job.info, state: 'done', result: o.value } : { ...job.info, state: 'failed', error: o.error };
      for (const l of job.listeners) l({ kind: 'done', info: job.info });
      job.listeners.clear();
      this.prune();
    };
    // Started on the next tick so the POST answers first, whatever the work does synchronously.
    setImmediate(() => {
      work(report).then(finish, (e: unknown) => finish({ ok: false, error: `job failed: ${(e as Error).message}` }));
    });
    return job.info;
  }

  /** Calls `listener` with the job's further events; returns the unsubscribe function (undefined: no such job). */
  subscribe(id: string, listener: (e: JobEvent) => void): (() => void) | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    if (job.info.state !== 'running') {
      listener({ kind: 'done', info: job.info });
      return () => {};
    }
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) this.jobs.delete(j.info.id);
  }
}

/** Runs a replay of `capturePath` in a worker thread, reporting its progress. */
export function runReplayWorker(capturePath: string, level: 'ioctl' | 'api', report: ProgressFn): Promise<JobOutcome> {
  const data: ReplayJobData = { path: capturePath, level };
  return runJobWorker(new URL('./job-worker.ts', import.meta.url), data, 'replay', report);
}
