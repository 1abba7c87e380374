/**
 * A replay job's thread (worker_threads): opens the capture itself (a connection of
 * its own), runs replayer/replay.ts and posts progress, then the outcome. Replay is
 * synchronous and can take seconds to minutes; in a worker it neither blocks the
 * server nor keeps the progress stream from flowing.
 *
 * Messages out: { type: 'progress', done, total, phase } (at most every
 * PROGRESS_EVERY_MS), then { type: 'done', result } or { type: 'failed', error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCapture } from '../recorder/capture/reader';
import { replayCapture } from '../replayer/replay';

export interface ReplayJobData {
  readonly path: string;
  readonly level: 'ioctl' | 'api';
}

const PROGRESS_EVERY_MS = 100;

function run(data: ReplayJobData): void {
  const port = parentPort!;
  const opened = openCapture(data.path);
  if (!opened.ok) {
    port.postMessage({ type: 'failed', error: opened.error.message });
    return;
  }
  const reader = opened.value;
  try {
    const total = reader.meta().eventCount ?? reader.summary().events;
    const phase = `replay (${data.level} level)`;
    port.postMessage({ type: 'progress', done: 0, total, phase });
    let last = 0;
    const r = replayCapture(reader, {
      level: data.level,
      onProgress: (seq) => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        port.postMessage({ type: 'progress', done: seq, total, phase });
      },
    });
    if (!r.ok) {
      port.postMessage({ type: 'failed', error: r.error.message });
      return;
    }
    port.postMessage({ type: 'progress', done: total, total, phase });
    port.postMessage({ type: 'done', result: r.value });
  } catch (e) {
    port.postMessage({ type: 'failed', error: `replay threw: ${(e as Error).message}` });
  } finally {
    reader.close();
  }
}

run(workerData as ReplayJobData);
