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
