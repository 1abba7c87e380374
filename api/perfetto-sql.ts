/**
 * Perfetto-style SQL of one capture, answered by a worker thread that holds the
 * capture's trace_processor-shaped tables (perfetto-sql-worker.ts): built once, off the
 * event loop, and queried as often as asked. Queries go to the worker one at a time.
 *
 * Time limit: the worker's reader stops stepping a query at `maxMs` (rows so far,
 * truncated), but one step SQLite cannot interrupt (an aggregate over a huge join)
 * would hold the worker; HARD_STOP_GRACE_MS past the limit the worker is ended, the
 * query answered as stopped, and the host closed (the next query builds anew).
 *
 * Example:
 *   const host = new PerfettoSql('/srv/captures/vkcube-1-1.tfcap');
 *   await host.query('SELECT count(*) FROM slice', { maxRows: 10_000, maxMs: 5_000 })
 *   // → { ok: true, value: { columns: ['count(*)'], rows: [[1234]] } }
 */
import type { QueryResult } from '../recorder/capture/reader';
import { startTsWorker } from './ts-worker';

export const HARD_STOP_GRACE_MS = 5_000;

export type PerfettoAnswer =
  | { readonly ok: true; readonly value: QueryResult }
  /** code: the reader's error code ('read-only', 'sql'…), or 'build' / 'stopped' / 'worker'. */
  | { readonly ok: false; readonly code: string; readonly message: string };

type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: string }
  | ({ readonly type: 'answer'; readonly id: number } & PerfettoAnswer);

export class PerfettoSql {
  private readonly worker;
  private readonly ready: Promise<PerfettoAnswer | undefined>;
  private readonly waiting = new Map<number, (a: PerfettoAnswer) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;
  /** Why the worker is gone (ended, crashed, build failed); the cache then makes a new host. */
  closed: string | undefined;

  constructor(path: string) {
    this.worker = startTsWorker(new URL('./perfetto-sql-worker.ts', import.meta.url), { path });
    this.ready = new Promise((resolve) => {
      const gone = (why: string): void => {
        this.closed ??= why;
        resolve({ ok: false, code: 'worker', message: why });
        for (const answer of this.waiting.values()) answer({ ok: false, code: 'worker', message: why });
        this.waiting.clear();
      };
      this.worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve(undefined);
        else if (m.type === 'failed') {
          resolve({ ok: false, code: 'build', message: m.error });
          this.close(m.error);
        } else {
          const answer = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          answer?.(m.ok ? { ok: true, value: m.value } : { ok: false, code: m.code, message: m.message });
        }
      });
      this.worker.on('error', (e) => gone(`the Perfetto SQL worker failed: ${e.message}`));
      this.worker.on('exit', (code) => gone(`the Perfetto SQL worker exited (code ${code})`));
    });
  }

  /** Runs `sql` over the tables (building them first, once). */
  query(sql: string, limits: { readonly maxRows: number; readonly maxMs: number }): Promise<PerfettoAnswer> {
    const run = async (): Promise<PerfettoAnswer> => {
      const failed = await this.ready;
      if (failed) return failed;
      if (this.closed) return { ok: false, code: 'worker', message: this.closed };
      const id = ++this.nextId;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.waiting.delete(id);
          const why = `the query was still running ${limits.maxMs + HARD_STOP_GRACE_MS} ms after it started and was stopped (limit ${limits.maxMs} ms)`;
          resolve({ ok: false, code: 'stopped', message: why });
          this.close(why);
        }, limits.maxMs + HARD_STOP_GRACE_MS);
        this.waiting.set(id, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
        this.worker.postMessage({ id, sql, maxRows: limits.maxRows, maxMs: limits.maxMs });
      });
    };
    const answer = this.queue.then(run);
    this.queue = answer;
    return answer;
  }

  close(why = 'closed'): void {
    this.closed ??= why;
    void this.worker.terminate();
  }
}
