/**
 * An analysis job's thread (worker_threads): diff, bisect or minimise
 * (replayer/diff, replayer/bisect, replayer/minimize) on capture paths, with progress
 * posted at most every PROGRESS_EVERY_MS. They are synchronous and can take seconds
 * on big captures; here they neither block the server nor hold up progress streams.
 *
 * Messages out: { type: 'progress', done, total, phase }…, then { type: 'done', result }
 * or { type: 'failed', error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CausalLinker } from '../recorder/causality';
import { bisectCaptures } from '../replayer/bisect/bisect-captures';
import { diffCaptures } from '../replayer/diff/diff-captures';
import { minimizeCapture } from '../replayer/minimize/minimize-capture';
import { parsePredicate } from '../replayer/minimize/predicate';

export type AnalysisJobData =
  | { readonly type: 'diff'; readonly a: string; readonly b: string }
  | { readonly type: 'bisect'; readonly good: string; readonly bad: string }
  | { readonly type: 'minimize'; readonly capture: string; readonly until: string; readonly out: string; readonly engineVersion: string };

const PROGRESS_EVERY_MS = 100;

function run(data: AnalysisJobData): void {
  const port = parentPort!;
  let last = 0;
  const onProgress = (done: number, total: number): void => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS && done < total) return;
    last = now;
    port.postMessage({ type: 'progress', done, total, phase: data.type });
  };
  try {
    let r: { ok: true; value: unknown } | { ok: false; error: { message: string } };
    if (data.type === 'diff') r = diffCaptures(data.a, data.b, { onProgress });
    else if (data.type === 'bisect') r = bisectCaptures(data.good, data.bad, { onProgress });
    else {
      const predicate = parsePredicate(data.until);
      if ('error' in predicate) {
        port.postMessage({ type: 'failed', error: predicate.error });
        return;
      }
      r = minimizeCapture(data.capture, predicate, data.out, { onProgress, engineVersion: data.engineVersion, linkCauses: (w) => new CausalLinker(w) });
    }
    if (r.ok) port.postMessage({ type: 'done', result: r.value });
    else port.postMessage({ type: 'failed', error: r.error.message });
  } catch (e) {
    port.postMessage({ type: 'failed', error: `${data.type} threw: ${(e as Error).message}` });
  }
}

run(workerData as AnalysisJobData);
