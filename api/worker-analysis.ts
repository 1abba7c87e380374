/**
 * The real AnalysisBackend: diff, bisect and minimise each run in a worker thread
 * (analysis-worker.ts), so a long analysis neither blocks the server nor its progress
 * streams. A worker that dies without an answer is an error value, not a hang.
 *
 * Example: createApp({ captureDir, analysis: workerAnalysis('0.1.0') })
 */
import type { AnalysisBackend, AnalysisResult, ProgressFn } from './analysis';
import type { AnalysisJobData } from './analysis-worker';
import { startTsWorker } from './ts-worker';

function inWorker(data: AnalysisJobData, report: ProgressFn): Promise<AnalysisResult> {
  return new Promise((resolve) => {
    const worker = startTsWorker(new URL('./analysis-worker.ts', import.meta.url), data);
    let settled = false;
    const settle = (r: AnalysisResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
      void worker.terminate();
    };
    worker.on('message', (m: { type: string; done?: number; total?: number; phase?: string; result?: unknown; error?: string }) => {
      if (m.type === 'progress') report({ done: m.done ?? 0, total: m.total ?? 0, phase: m.phase ?? data.type });
      else if (m.type === 'done') settle({ ok: true, value: m.result });
      else if (m.type === 'failed') settle({ ok: false, error: m.error ?? `${data.type} failed` });
    });
    worker.on('error', (e) => settle({ ok: false, error: `${data.type} worker: ${e.message}` }));
    worker.on('exit', (code) => settle({ ok: false, error: `${data.type} worker exited (code ${code}) without a result` }));
  });
}

export function workerAnalysis(engineVersion: string): AnalysisBackend {
  return {
    diff: (a, b, report) => inWorker({ type: 'diff', a, b }, report),
    bisect: (good, bad, report) => inWorker({ type: 'bisect', good, bad }, report),
    minimize: (capture, until, out, report) => inWorker({ type: 'minimize', capture, until, out, engineVersion }, report),
  };
}
