/**
 * Scanning the second capture of a diff in a worker thread while the calling thread
 * scans the first: the two scans share nothing, and each costs as much as the
 * whole join after them.
 *
 * Model
 * - The API stays synchronous: the caller blocks on a shared flag (Atomics.wait)
 *   once its own scan is done, then takes the worker's result off the port with
 *   receiveMessageOnPort. The worker flags 2 when it has started and 1 when it has
 *   posted (result or error).
 * - Any trouble with the worker itself — it cannot be created, it does not start
 *   within START_TIMEOUT_MS, it ends without a result — makes `wait` return
 *   undefined, and the caller scans in its own thread instead. Results are the same
 *   either way; only the time differs.
 *
 * Example: const w = startScan('b.tfcap', Infinity); …scan a…; const b = w?.wait() ?? scanSide(…)
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Result } from '../../recorder/capture/result';
import type { SideScan } from './side-scan';

const START_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 30 * 60_000;

export interface PendingScan {
  /** The worker's result, or undefined when the worker failed (scan in-thread then). */
  wait(): Result<SideScan> | undefined;
}

export function startScan(path: string, limit: number): PendingScan | undefined {
  let worker: Worker;
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const { port1, port2 } = new MessageChannel();
  try {
    worker = new Worker(new URL('./scan-worker.mjs', import.meta.url), {
      workerData: { path, limit, shared, port: port2 }, transferList: [port2],
    });
  } catch {
    port1.close();
    return undefined;
  }
  worker.unref();
  const end = (): void => {
    port1.close();
    void worker.terminate();
  };
  return {
    wait() {
      if (Atomics.wait(flag, 0, 0, START_TIMEOUT_MS) === 'timed-out') {
        end();
        return undefined;
      }
      const until = Date.now() + RUN_TIMEOUT_MS;
      while (Atomics.load(flag, 0) !== 1 && Date.now() < until) Atomics.wait(flag, 0, 2, 1000);
      const m = receiveMessageOnPort(port1);
      end();
      return m ? (m.message as Result<SideScan>) : undefined;
    },
  };
}
