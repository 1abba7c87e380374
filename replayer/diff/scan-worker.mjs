// Worker-thread entry for replayer/diff/parallel-scan.ts: TypeScript is loaded
// through tsx (as bin/tracefold.js does), then the scan runs in scan-worker.ts.
// Says it started (flag 2) before the heavy import, so the parent can tell a worker
// that never got going from a slow one.
import { workerData } from 'node:worker_threads';

const flag = new Int32Array(workerData.shared);
Atomics.store(flag, 0, 2);
Atomics.notify(flag, 0);
try {
  const { register } = await import('tsx/esm/api');
  register();
  const { runScan } = await import(new URL('./scan-worker.ts', import.meta.url).href);
  runScan(workerData);
} catch (err) {
  workerData.port.postMessage({ ok: false, error: { code: 'io', message: `scan worker: ${err instanceof Error ? err.message : String(err)}` } });
} finally {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
