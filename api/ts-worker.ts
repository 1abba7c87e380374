/**
 * Worker threads running this project's TypeScript modules. The project runs .ts
 * directly (tsx for the CLI, vite for tests), and a worker starts with neither, so it
 * boots through a small eval'd script that registers tsx's ESM loader, then imports
 * the module.
 *
 * Example: const w = startTsWorker(new URL('./job-worker.ts', import.meta.url), { path, level });
 *          w.on('message', …)
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

let tsxApi: string | undefined;

/** tsx's ESM loader API, as a file URL (resolved from here, not from the worker's cwd). */
function tsxApiUrl(): string {
  tsxApi ??= pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  return tsxApi;
}

export function startTsWorker(module: URL, workerData: unknown): Worker {
  const boot = `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** What a job worker posts: progress any number of times, then done or failed once. */
type JobMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly phase: string }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'failed'; readonly error: string };

/**
 * Runs a job module (job-worker.ts, analysis-worker.ts) in a worker thread to its one
 * answer, passing its progress on. A worker that throws or exits without an answer
 * resolves as a failure naming `label`, never a hang; the worker is ended once answered.
 */
export function runJobWorker(
  module: URL, workerData: unknown, label: string,
  report: (p: { done: number; total: number; phase: string }) => void,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const worker = startTsWorker(module, workerData);
    let settled = false;
    const settle = (r: { ok: true; value: unknown } | { ok: false; error: string }): void => {
      if (settled) return;
      settled = true;
      resolve(r);
      void worker.terminate();
    };
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'progress') report({ done: m.done, total: m.total, phase: m.phase });
      else if (m.type === 'done') settle({ ok: true, value: m.result });
      else settle({ ok: false, error: m.error || `${label} failed` });
    });
    worker.on('error', (e) => settle({ ok: false, error: `${label} worker: ${e.message}` }));
    worker.on('exit', (code) => settle({ ok: false, error: `${label} worker exited (code ${code}) without a result` }));
  });
}
