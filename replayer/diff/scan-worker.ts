/**
 * The body of a scan worker (scan-worker.mjs boots it): opens one capture, scans
 * it (side-scan.ts) and posts the result on the port it was given, transferring
 * the typed arrays.
 *
 * Example: runScan({ path: 'b.tfcap', limit: Infinity, port }) → posts { ok: true, value: SideScan }
 */
import type { MessagePort } from 'node:worker_threads';
import { openCapture } from '../../recorder/capture/reader';
import { eventCount } from './align-streams';
import { scanSide } from './side-scan';

export function runScan(data: { readonly path: string; readonly limit: number; readonly port: MessagePort }): void {
  const opened = openCapture(data.path);
  if (!opened.ok) {
    data.port.postMessage(opened);
    return;
  }
  try {
    const r = scanSide(opened.value, eventCount(opened.value), data.limit);
    if (!r.ok) data.port.postMessage(r);
    else data.port.postMessage(r, [r.value.roles.buffer, r.value.keys.buffer, r.value.kinds.buffer] as ArrayBuffer[]);
  } finally {
    opened.value.close();
  }
}
