/**
 * Builds a capture's timeline data (timeline-index.ts) in a worker thread, so the
 * server keeps answering while a million-event capture is projected (~13 s), and
 * posts it back with its arrays transferred, not copied.
 *
 * In: workerData { path }. Out: { ok: true, data } | { ok: false, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCapture } from '../recorder/capture/reader';
import { buildTimelineData, transferables } from './timeline-index';

function run(path: string): void {
  const port = parentPort!;
  const opened = openCapture(path);
  if (!opened.ok) {
    port.postMessage({ ok: false, error: opened.error.message });
    return;
  }
  try {
    const built = buildTimelineData(opened.value);
    if (!built.ok) port.postMessage({ ok: false, error: built.error });
    else port.postMessage({ ok: true, data: built.value }, transferables(built.value));
  } catch (e) {
    port.postMessage({ ok: false, error: `timeline build threw: ${(e as Error).message}` });
  } finally {
    opened.value.close();
  }
}

run((workerData as { path: string }).path);
