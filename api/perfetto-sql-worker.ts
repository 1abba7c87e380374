/**
 * A capture's Perfetto-shaped SQL tables (recorder/timeline/perfetto-tables.ts), kept
 * in a worker thread: the tables are TEMP tables of one connection, so the connection
 * lives here, built once (~15 s for a 1M-event capture) off the server's event loop,
 * and every later Perfetto-style query of the capture runs on it (perfetto-sql.ts).
 *
 * In: workerData { path }; then messages { id, sql, maxRows, maxMs }.
 * Out: { type: 'ready' } | { type: 'failed', error } once; then per query
 *      { type: 'answer', id, ok: true, value: QueryResult } | { type: 'answer', id, ok: false, code, message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCapture } from '../recorder/capture/reader';
import { ensurePerfettoTables, perfettoSql } from '../recorder/timeline/perfetto-tables';

export interface PerfettoQueryRequest {
  readonly id: number;
  readonly sql: string;
  readonly maxRows: number;
  readonly maxMs: number;
}

const port = parentPort!;
const opened = openCapture((workerData as { path: string }).path);
if (!opened.ok) port.postMessage({ type: 'failed', error: opened.error.message });
else {
  const reader = opened.value;
  let built: ReturnType<typeof ensurePerfettoTables>;
  try {
    built = ensurePerfettoTables(reader);
  } catch (e) {
    built = { ok: false, message: `building the Perfetto-style tables threw: ${(e as Error).message}` };
  }
  if (!built.ok) {
    port.postMessage({ type: 'failed', error: built.message });
    reader.close();
  } else {
    port.postMessage({ type: 'ready' });
    port.on('message', (m: PerfettoQueryRequest) => {
      try {
        const q = perfettoSql(m.sql);
        const r = reader.query(q.sql, [], { maxRows: m.maxRows, maxMs: m.maxMs });
        if (r.ok) port.postMessage({ type: 'answer', id: m.id, ok: true, value: { ...r.value, columns: r.value.columns.map(q.restoreName) } });
        else port.postMessage({ type: 'answer', id: m.id, ok: false, code: r.error.code, message: r.error.message });
      } catch (e) {
        port.postMessage({ type: 'answer', id: m.id, ok: false, code: 'damaged', message: (e as Error).message });
      }
    });
  }
}
