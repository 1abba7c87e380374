// Worker-thread body for replayer/diff/row-feed.ts: reads capture B's event rows
// for a lockstep scan, in pages, with SQLite itself comparing each row's args to
// capture A's row of the same seq (attached): an args text equal to A's comes back
// as null, so the scanning thread never reads B's copy of a shared row.
// Plain JavaScript (no TypeScript loader): it only needs better-sqlite3.
// Posts one message per page ({ page } as columns, or { error }), counts pages posted in
// shared[0], and waits while more than `ahead` pages are unread (shared[1] counts
// pages read) so a fast reader does not buffer a whole capture.
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { pathA, pathB, limitA, limitB, pageSize, ahead, shared, port } = workerData;
const counts = new Int32Array(shared);
const posted = () => {
  Atomics.add(counts, 0, 1);
  Atomics.notify(counts, 0);
};
let db;
try {
  db = new Database(pathB, { readonly: true, fileMustExist: true });
  // Without pathA: B's rows as they are (a feed of the first capture itself).
  if (pathA !== null) db.prepare('ATTACH DATABASE ? AS a').run(pathA);
  const page = pathA !== null
    ? db.prepare(`SELECT b.seq, b.ts_ns, b.kind_id, b.cause_seq, CASE WHEN b.args = a.args THEN NULL ELSE b.args END
        FROM main.event_rows AS b LEFT JOIN a.event_rows AS a ON a.seq = b.seq AND a.seq <= ?
        WHERE b.seq >= ? ORDER BY b.seq LIMIT ?`).raw(true)
    : db.prepare('SELECT seq, ts_ns, kind_id, cause_seq, args FROM event_rows WHERE seq >= ? ORDER BY seq LIMIT ?').raw(true);
  let from = 1;
  for (;;) {
    const rows = pathA !== null ? page.all(limitA, from, pageSize) : page.all(from, pageSize);
    while (Atomics.load(counts, 0) - Atomics.load(counts, 1) >= ahead) Atomics.wait(counts, 1, Atomics.load(counts, 1), 1000);
    // Columns, transferred: cheaper to send than an array per row.
    const n = rows.length;
    const seq = new Float64Array(n);
    const ts = new Float64Array(n);
    const kind = new Float64Array(n);
    const cause = new Float64Array(n);
    const textAt = [];
    const texts = [];
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      seq[i] = r[0];
      ts[i] = r[1];
      kind[i] = r[2];
      cause[i] = r[3] === null ? NaN : r[3];
      if (r[4] !== null) {
        textAt.push(i);
        texts.push(r[4]);
      }
    }
    port.postMessage({ page: { seq, ts, kind, cause, textAt: Int32Array.from(textAt), texts } }, [seq.buffer, ts.buffer, kind.buffer, cause.buffer]);
    posted();
    // The row past B's limit is sent too (a scan visits it before it stops).
    if (rows.length < pageSize || rows[rows.length - 1][0] > limitB) break;
    from = rows[rows.length - 1][0] + 1;
  }
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  posted();
} finally {
  db?.close();
}
