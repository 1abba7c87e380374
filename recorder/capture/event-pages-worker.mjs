/**
 * The reading half of event-pages.ts, run in a worker thread: steps SQLite through a
 * format-2 capture's `event_rows` a page at a time and posts each page as ONE JSON
 * text, built by SQLite itself, that JSON.parse turns straight into the page's events:
 *
 *   [{"kind": kind_id, "tsNs": ts_ns, <args…>}, …]
 *
 * (of the kinds in `argsRead`, only the args fields listed there: see eventText),
 * `kind` being the kind's id (the reading thread swaps in its name); the causes and
 * (when the seqs are not contiguous) the seqs as arrays beside it, the indexes of the
 * rows that refer to blobs, and those blobs: every one's size, and the bytes (as
 * stored, undecoded) of those that the kinds in `bytesKindIds` refer to. Seq, cause
 * and flag stay out of the event text: wrapping each event in an array cost the
 * reading thread's JSON.parse ~25% more.
 *
 * Why plain JavaScript: this file imports nothing of the project, so the worker
 * starts without tsx (measured on the 2-core bench machine: ~30 ms for a plain worker
 * with better-sqlite3, ~190 ms once tsx registers, ~650 ms with the reader's module
 * graph), which matters when a whole export takes about a second.
 * Why one text per page: better-sqlite3 builds a JS array and one JS value per column
 * for every row (~0.65 µs per row for five columns, in the thread that reads them), and
 * structured-cloning decoded events costs more than JSON.parse of their text (2× on a
 * page here). A string crosses threads as one copy, and parsing it is the reading
 * thread's only per-event reading cost. This worker spends ~1.15 µs per row in all
 * (1.16 s for the 1M-event stress capture on the 2-core bench machine: the page
 * queries, the blob lookups, posting), while the reading thread projects and encodes.
 *
 * Protocol (workerData: { path, fromSeq, toSeq, pageEvents, bytesKindIds, argsRead, port, state }):
 * - each page goes out on `port` as { events, causes, seqs, blobRows, count, firstSeq,
 *   lastSeq, sizes, bytes }, or { fallback: [fromSeq, toSeq] } when its rows did not
 *   come out in seq order: the reading thread then decodes that range itself, through
 *   the reader (as it does when a page's text does not parse exactly, see there);
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

const { path, fromSeq, toSeq, pageEvents, bytesKindIds, argsRead, port, state } = workerData;
const counters = new Int32Array(state);

function post(message) {
  port.postMessage(message);
  Atomics.add(counters, PRODUCED, 1);
  Atomics.notify(counters, PRODUCED);
}

/**
 * The SQL expression of one event's JSON text: `{"kind":…,"tsNs":…,<args…>}`, or for a
 * kind in `argsRead` ([kindId, fields] pairs) only those fields, each as its JSON text
 * in args (`->` keeps a number's digits as stored). A field the row lacks makes the
 * text unparseable (`"id":}`), so that page goes to the reference path.
 * With `others` = 'args', the other kinds' plain args (what the blob scan looks through).
 * (printf instead of `||` took as much CPU here, measured; `->` per field costs more
 * than copying args through, so it pays only for kinds that keep few of their fields.)
 */
function eventText(argsRead, others) {
  const head = `'{"kind":' || kind_id || ',"tsNs":' || ts_ns`;
  const full = others === 'args' ? 'args' : `${head} || CASE WHEN args = '{}' THEN '}' ELSE ',' || substr(args, 2) END`;
  if (!argsRead.length) return full;
  const reduced = argsRead.map(([kindId, fields]) => {
    if (!Number.isSafeInteger(kindId) || !fields.every((f) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(f))) throw new Error(`bad argsRead entry for kind ${kindId}`);
    return `WHEN ${kindId} THEN ${head}${fields.map((f) => ` || ',"${f}":' || (args -> '$.${f}')`).join('')} || '}'`;
  });
  return `(CASE kind_id ${reduced.join(' ')} ELSE ${full} END)`;
}

function run() {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  // The subquery's ORDER BY … LIMIT fixes the order the aggregates visit rows in (an
  // ORDER BY inside each aggregate would sort again: 2× slower); the seqs come along
  // and are checked here, so a page in any other order goes to the reference path.
  const event = eventText(argsRead, 'full');
  const blobScan = eventText(argsRead, 'args');
  const page = db.prepare(`SELECT
      '[' || group_concat(${event}, ',') || ']',
      '[' || group_concat(ifnull(cause_seq, 'null'), ',') || ']',
      '[' || group_concat(seq, ',') || ']',
      '[' || ifnull(group_concat(CASE WHEN instr(${blobScan}, '"$blob"') > 0 THEN seq END, ','), '') || ']',
      count(*)
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
    const [events, causes, seqText, blobSeqText, count] = page.get(next, toSeq, pageEvents);
    if (!count) break;
    const seqs = JSON.parse(seqText);
    let ascending = true;
    for (let i = 1; i < seqs.length; i++) if (!(seqs[i] > seqs[i - 1])) ascending = false;
    const firstSeq = Math.min(...seqs);
    const lastSeq = Math.max(...seqs);
    if (!ascending || seqs.length !== count) {
      post({ fallback: [firstSeq, lastSeq] });
    } else {
      // Which rows refer to blobs, by index in the page (seqs ascend in both lists).
      const blobRows = [];
      const blobSeqs = JSON.parse(blobSeqText);
      for (let i = 0, j = 0; j < blobSeqs.length && i < seqs.length; i++) {
        if (seqs[i] === blobSeqs[j]) {
          blobRows.push(i);
          j++;
        }
      }
      const sizes = new Map();
      const bytes = new Map();
      if (blobRows.length) {
        const ids = new Set();
        for (const m of events.matchAll(BLOB_REF)) ids.add(Number(m[1]));
        const withBytes = new Set();
        const text = bytesArgs.get(firstSeq, lastSeq, kindIds);
        if (text) for (const m of text.matchAll(BLOB_REF)) withBytes.add(Number(m[1]));
        for (const [id, size] of blobSizes.all(JSON.stringify([...ids]))) sizes.set(id, size);
        if (withBytes.size) for (const [id, codec, data] of blobData.all(JSON.stringify([...withBytes]))) bytes.set(id, [codec, data]);
      }
      const contiguous = lastSeq - firstSeq + 1 === count;
      post({ events, causes, seqs: contiguous ? null : seqs, blobRows, count, firstSeq, lastSeq, sizes, bytes });
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
