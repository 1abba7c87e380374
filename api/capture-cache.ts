/**
 * Open captures by id: a small LRU of readers (each holds a SQLite connection and,
 * once asked, the capture's timeline index), so requests on the capture being
 * browsed reuse one connection and one index, while a folder of hundreds of
 * captures keeps only MAX_OPEN connections.
 *
 * Invariants
 * - An entry is keyed by id and remembers the file's size and mtime; a file that
 *   changed (a capture still recording, a re-upload) is reopened and its derived data
 *   dropped.
 * - `forget(id)` closes the reader (delete, replace): nothing else holds it, because
 *   every route uses a reader synchronously within one request.
 * - Perfetto-style SQL gets a worker of its own per capture (perfetto-sql.ts), made on
 *   first use and ended with the entry.
 * - The timeline index is built on first use, in a worker thread so the server keeps
 *   answering meanwhile, and kept with the reader (timeline-index.ts; a one-off cost
 *   per capture, measured by the bench as timeline_index_build_s). Requests that
 *   arrive during the build wait for the same build.
 *
 * Example:
 *   const cache = new CaptureCache('/srv/captures');
 *   cache.open('vkcube-1-1.tfcap')      // → { ok: true, value: { id, path, reader, … } }
 *   await cache.timeline('vkcube-1-1.tfcap')  // → { ok: true, value: TimelineIndex }
 */
import { statSync } from 'node:fs';
import { openCapture, type CaptureReader } from '../recorder/capture/reader';
import { capturePath } from './capture-paths';
import { PerfettoSql } from './perfetto-sql';
import { failure, no, okv, type Outcome } from './errors';
import { TimelineIndex, type BuildResult, type TimelineData } from './timeline-index';
import { startTsWorker } from './ts-worker';

export const MAX_OPEN = 8;

export interface OpenCapture {
  readonly id: string;
  readonly path: string;
  readonly reader: CaptureReader;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  /** The timeline index, once its build (in a worker) has finished; concurrent askers share one build. */
  timeline?: Promise<Outcome<TimelineIndex>>;
  /** The Perfetto-style SQL worker (perfetto-sql.ts), once a query has asked for it. */
  perfetto?: PerfettoSql;
  /** Anything else a route derives once per capture (state seeks, image sizes…). */
  readonly memo: Map<string, unknown>;
}

export class CaptureCache {
  private readonly entries = new Map<string, OpenCapture>();

  constructor(readonly dir: string, private readonly maxOpen = MAX_OPEN) {}

  open(id: string): Outcome<OpenCapture> {
    const p = capturePath(this.dir, id);
    if (!p.ok) return p;
    const st = statSync(p.value);
    const known = this.entries.get(id);
    if (known && known.sizeBytes === st.size && known.mtimeMs === st.mtimeMs && known.path === p.value) {
      this.entries.delete(id);
      this.entries.set(id, known); // most recently used last
      return okv(known);
    }
    if (known) this.forget(id);
    const r = openCapture(p.value);
    if (!r.ok) return no(failure(422, `capture '${id}' cannot be read: ${r.error.message.replace(p.value, id)}`));
    const entry: OpenCapture = { id, path: p.value, reader: r.value, sizeBytes: st.size, mtimeMs: st.mtimeMs, memo: new Map() };
    this.entries.set(id, entry);
    while (this.entries.size > this.maxOpen) this.forget(this.entries.keys().next().value!);
    return okv(entry);
  }

  /** The capture's timeline index, built on first use in a worker thread (timeline-worker.ts). */
  timeline(id: string): Promise<Outcome<TimelineIndex>> {
    const e = this.open(id);
    if (!e.ok) return Promise.resolve(e);
    const entry = e.value;
    entry.timeline ??= buildInWorker(entry.path).then((r) => {
      if (r.ok) return okv(new TimelineIndex(r.value));
      entry.timeline = undefined; // let a later request try again
      return no(failure(422, `capture '${id}': ${r.error}`));
    });
    return entry.timeline;
  }

  /** The capture's Perfetto-style SQL host (its tables built in a worker on first use); a closed one is replaced. */
  perfettoSql(id: string): Outcome<PerfettoSql> {
    const e = this.open(id);
    if (!e.ok) return e;
    if (!e.value.perfetto || e.value.perfetto.closed) e.value.perfetto = new PerfettoSql(e.value.path);
    return okv(e.value.perfetto);
  }

  forget(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    e.reader.close();
    e.perfetto?.close();
  }

  closeAll(): void {
    for (const id of [...this.entries.keys()]) this.forget(id);
  }
}

function buildInWorker(path: string): Promise<BuildResult<TimelineData>> {
  return new Promise((resolve) => {
    const worker = startTsWorker(new URL('./timeline-worker.ts', import.meta.url), { path });
    let settled = false;
    const settle = (r: BuildResult<TimelineData>): void => {
      if (settled) return;
      settled = true;
      resolve(r);
      void worker.terminate();
    };
    worker.on('message', (m: { ok: true; data: TimelineData } | { ok: false; error: string }) => settle(m.ok ? { ok: true, value: m.data } : m));
    worker.on('error', (err) => settle({ ok: false, error: `timeline worker: ${err.message}` }));
    worker.on('exit', (code) => settle({ ok: false, error: `timeline worker exited (code ${code}) without a result` }));
  });
}
