/**
 * The reading half of event-pages.ts, run in a worker thread: steps SQLite through a
 * format-2 capture's `event_rows` a page at a time and posts each page as ONE JSON
 * text, built by SQLite itself, that JSON.parse turns straight into the page's events:
 *
 *   [[seq, cause_seq, {"kind": kind_id, "tsNs": ts_ns, <args…>}, refers_to_blobs], …]
 *
 * (`kind` is the kind's id; the reading thread swaps in its name), with the blobs the
 * page refers to: every one's size, and the bytes (as stored, undecoded) of those that
 * the kinds in `bytesKinds` refer to.
 *
 * Why plain JavaScript: this file imports nothing of the project, so the worker
 * starts without tsx (measured on the 2-core bench machine: ~30 ms for a plain worker
 * with better-sqlite3, ~190 ms once tsx registers, ~650 ms with the reader's module
 * graph), which matters when a whole export takes about a second.
 * Why one text per page: better-sqlite3 builds a JS array and one JS value per column
 * for every row (~0.65 µs per row for five columns); SQLite concatenating the page in C
 * costs ~0.5 µs per row here, off the main thread, and a string crosses threads as
 * one copy.
 *
 * Protocol (workerData: { path, fromSeq, toSeq, pageEvents, bytesKindIds, port, state }):
 * - each page goes out on `port` as { json, count, firstSeq, lastSeq, sizes, bytes },
 *   or { fallback: [fromSeq, toSeq] } when the page holds something this text form
 *   cannot carry exactly (a non-integer ts_ns or cause_seq): the reading thread then
 *   decodes that range itself, through the reader;
 * - { end: true } after the last page; { error } if anything throws;
 * - after each post, state[PRODUCED] is incremented and notified; the worker waits
 *   while it is MAX_AHEAD pages ahead of state[CONSUMED] (so memory stays bounded).
 */
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const PRODUCED = 0;
const CONSUMED = 1;
const MAX_AHEAD = 3;
const BLOB_REF = /"\$blob":(\d+)/g;

const { path, fromSeq, toSeq, pageEvents, bytesKindIds, port, state } = workerData;
const counters = new Int32Array(state);

function post(message) {
  port.postMessage(message);
  Atomics.add(counters, PRODUCED, 1);
  Atomics.notify(counters, PRODUCED);
}

function run() {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  // The subquery's ORDER BY … LIMIT fixes the order group_concat visits rows in (an
  // ORDER BY inside the aggregate would sort again: 2× slower); the reading thread
  // checks the seqs come out ascending and as many as `count` says.
  const page = db.prepare(`SELECT '[' || group_concat('[' || seq || ',' || ifnull(cause_seq, 'null') || ',{"kind":' || kind_id || ',"tsNs":' || ts_ns
      || CASE WHEN args = '{}' THEN '}' ELSE ',' || substr(args, 2) END || ',' || (instr(args, '"$blob"') > 0) || ']', ',') || ']',
      count(*), min(seq), max(seq), sum(typeof(ts_ns) <> 'integer' OR (cause_seq IS NOT NULL AND typeof(cause_seq) <> 'integer'))
    FROM (SELECT seq, ts_ns, kind_id, cause_seq, args FROM event_rows WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?)`).raw(true);
  const bytesArgs = db.prepare(`SELECT group_concat(args, ',') FROM event_rows WHERE seq >= ? AND seq <= ? AND kind_id IN (SELECT value FROM json_each(?))`).pluck(true);
  const blobSizes = db.prepare(`SELECT id, size_bytes FROM blobs WHERE id IN (SELECT value FROM json_each(?))`).raw(true);
  const blobData = db.prepare(`SELECT id, codec, data FROM blobs WHERE id IN (SELECT value FROM json_each(?))`).raw(true);
  const kindIds = JSON.stringify(bytesKindIds);
  let next = fromSeq;
  for (;;) {
    while (Atomics.load(counters, PRODUCED) - Atomics.load(counters, CONSUMED) >= MAX_AHEAD) {
      Atomics.wait(counters, CONSUMED, Atomics.load(counters, CONSUMED), 100);
    }
    const [json, count, firstSeq, lastSeq, inexact] = page.get(next, toSeq, pageEvents);
    if (!count) break;
    if (inexact) {
      post({ fallback: [firstSeq, lastSeq] });
    } else {
      const sizes = new Map();
      if (json.includes('"$blob"')) {
        const ids = new Set();
        for (const m of json.matchAll(BLOB_REF)) ids.add(Number(m[1]));
        const withBytes = new Set();
        const text = bytesArgs.get(firstSeq, lastSeq, kindIds);
        if (text) for (const m of text.matchAll(BLOB_REF)) withBytes.add(Number(m[1]));
        for (const [id, size] of blobSizes.all(JSON.stringify([...ids]))) sizes.set(id, size);
        const bytes = new Map();
        if (withBytes.size) for (const [id, codec, data] of blobData.all(JSON.stringify([...withBytes]))) bytes.set(id, [codec, data]);
        post({ json, count, firstSeq, lastSeq, sizes, bytes });
      } else {
        post({ json, count, firstSeq, lastSeq, sizes, bytes: new Map() });
      }
    }
    if (count < pageEvents || lastSeq >= toSeq) break;
    next = lastSeq + 1;
  }
  db.close();
  post({ end: true });
}

try {
  run();
} catch (err) {
  post({ error: String(err && err.message ? err.message : err) });
}
