/**
 * The real AnalysisBackend: diff, bisect and minimise each run in a worker thread
 * (analysis-worker.ts), so a long analysis neither blocks the server nor its progress
 * streams. A worker that dies without an answer is an error value, not a hang.
 *
 * Example: createApp({ captureDir, analysis: workerAnalysis('0.1.0') })
 */
import type { AnalysisBackend, AnalysisResult, ProgressFn } from './analysis';
import type { AnalysisJobData } from './analysis-worker';
import { runJobWorker } from './ts-worker';

function inWorker(data: AnalysisJobData, report: ProgressFn): Promise<AnalysisResult> {
  return runJobWorker(new URL('./analysis-worker.ts', import.meta.url), data, data.type, report);
}

export function workerAnalysis(engineVersion: string): AnalysisBackend {
  return {
    diff: (a, b, report) => inWorker({ type: 'diff', a, b }, report),
    bisect: (good, bad, report) => inWorker({ type: 'bisect', good, bad }, report),
    minimize: (capture, until, out, report) => inWorker({ type: 'minimize', capture, until, out, engineVersion }, report),
  };
}
