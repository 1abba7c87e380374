/**
 * Both captures of a diff scanned together, seq by seq, by one normaliser, for as
 * long as they provably share its state: most of two runs of the same work is the
 * same rows, and a row both have needs its state change once and no key at all.
 *
 * Model
 * - Invariant: after seq s, the normaliser's state is the one each capture's own
 *   normaliser would have (side-scan.ts). It holds at the start (empty), and a seq
 *   keeps it when both rows have the same kind and cause and
 *   - the same args text, blob ids read as their blobs' hashes (equal hash ⇔ equal
 *     bytes) and ts_ns ignored (never compared): the event is visited once
 *     (`visitShared`: role and learned names, no key), and both sides get the key
 *     UNKEYED — equal, whatever the views hash to;
 *   - or other args that agree on what changes the state: the same role fields and
 *     the same names learned (`visitPair`, a dry run for B): both get real keys.
 *   Anything else (another kind, cause or role, other names learned, a row that
 *   does not decode, a format 1 capture) and the scan gives up: `undefined`, and the
 *   caller scans each capture on its own, as before. Results are the same either way.
 * - When one capture ends (or reaches its limit), the other goes on alone with the
 *   same normaliser, which is then simply its own; its keys are real.
 * - Both captures get one role per seq, so the alignment is made as the scan goes
 *   (pair-join.ts), nothing kept per event. That needs every role to occur once
 *   (UNKEYED keys, too, only say "same" for the same seq on both sides): a role
 *   given twice (EventRoles.repeated) makes the scan give up.
 * - The normaliser keeps state for `windowEvents` back (capture-normaliser.ts); if
 *   that was too short the result is 'lost' (scan again without a window).
 * - Cost of a shared row: its role, and its view only where the view may learn
 *   (viewMayLearn); a shared row without blobs is decoded once per distinct text
 *   (SharedEvents). From FEED_MIN_EVENTS, rows are read by two workers (row-feed.ts),
 *   B's compared with A's by SQLite, so this thread reads B's text only where it
 *   differs. A stress diff of 2 × 1M events spends ~4 µs per seq here.
 *
 * Example (stress, clean vs dma-drop-partial-page): the ~23 differing hw.job,
 *   mem.write and ioctl rows per thousand go through `visitPair`; the rest are
 *   compared as text and visited once → ok(Alignment) with ~23 changed hw.job per
 *   thousand seqs, counted.
 */
import type { TraceEvent } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { ok, type CaptureError, type Result } from '../../recorder/capture/result';
import { startRowFeed, type RowFeed } from './row-feed';
import { CaptureNormaliser, VIEW_LEARNS_KINDS, type NormalisedEvent } from './capture-normaliser';
import { boNamer, type Alignment } from './align-streams';
import { PairJoin } from './pair-join';
import type { BlobStandIns } from './blob-stand-ins';
import { RowPager, type RawEventRow } from './row-pager';
import { viewMayLearn } from './event-view';
import { boNamesOf, type SideScan } from './side-scan';
import { TimingCollector, compareTracks } from './timing-tracks';
import { JobTimingJoin } from './job-timing-join';

const PAGE_EVENTS = 1024;
/** From this many events in each, rows are read (and B's compared) in workers (row-feed.ts). */
const FEED_MIN_EVENTS = 50_000;
const BLOB_OPEN = '{"$blob":';

/** One capture's reading and what its scan collects besides the alignment. */
class Side {
  readonly timing: TimingCollector;
  events = 0;
  boNames: SideScan['boNames'] | undefined;
  /** The first row past the limit, once read: a scan on its own visits it before it stops (side-scan.ts). */
  overflow: RawEventRow | undefined;

  /** Set when a fed row said "as A's" with no row of A's at hand: the scan gives up. */
  lost = false;

  constructor(readonly pager: RowPager, readonly limit: number, jobs: JobTimingJoin, side: 'a' | 'b', private readonly feed?: RowFeed) {
    this.timing = new TimingCollector((job, track, durNs) => jobs.add(side, job, track, durNs));
  }

  get error(): CaptureError | undefined {
    return this.pager.error ?? this.feed?.error;
  }

  /**
   * The next row within the limit, or undefined (end, limit — see `overflow` — or a
   * read error: see `error`). `partner`: the other capture's row of the same seq, if
   * read, whose text a fed row with null args has.
   */
  next(partner?: RawEventRow): RawEventRow | undefined {
    if (this.overflow) return undefined;
    let row: RawEventRow | undefined;
    if (this.feed) {
      const f = this.feed.next();
      if (f && f[4] === null) {
        if (!partner || partner[0] !== f[0]) {
          this.lost = true;
          return undefined;
        }
        row = [f[0], f[1], f[2], f[3], partner[4]];
      } else {
        row = f as RawEventRow | undefined;
      }
    } else {
      row = this.pager.nextRow();
    }
    if (row && Number(row[0]) > this.limit) this.overflow = row;
    return this.overflow ? undefined : row;
  }

  record(seq: number, e: TraceEvent, n: NormalisedEvent): void {
    this.events = seq;
    this.timing.visit(e, n);
  }
}

/**
 * Shared rows decoded once per distinct args text: a shared row's event is read
 * for its role, its kind and (where its view learns) its view, never for its time,
 * and views build new objects, so one decoded event serves every row with that
 * text. Not cached: rows with blobs (an ioctl's argument images are worked on in
 * place, and their texts rarely repeat) and job starts and ends (timing reads
 * their time).
 */
class SharedEvents {
  private readonly seen = new Map<string, TraceEvent>();

  constructor(private readonly pager: RowPager) {}

  decode(row: RawEventRow): { readonly event: TraceEvent } | undefined {
    const kind = this.pager.kindOf(row);
    const text = row[4];
    if (kind === 'kmd.ioctl') {
      // Its argument bytes are read only where its view may learn.
      const d = this.pager.decode(row, true);
      return d && viewMayLearn(d.event, (k) => VIEW_LEARNS_KINDS.has(k)) ? this.pager.decode(row) : d;
    }
    if (kind === 'kmd.job_started' || kind === 'kmd.job_finished' || text.includes(BLOB_OPEN)) return this.pager.decode(row);
    const cached = this.seen.get(text);
    if (cached) return { event: cached };
    const d = this.pager.decode(row);
    if (!d) return undefined;
    if (this.seen.size >= 65_536) this.seen.clear();
    this.seen.set(text, d.event);
    return d;
  }
}

/**
 * Both captures aligned (pair-join.ts); undefined when they could not be scanned
 * together (scan each on its own then); 'lost' when the window of `windowEvents`
 * was too short (capture-normaliser.ts: scan again without one).
 */
export function lockstepScan(
  a: CaptureReader, b: CaptureReader, limitA: number, limitB: number, tick?: (seq: number) => void, windowEvents = Infinity,
): Result<Alignment> | 'lost' | undefined {
  const pa = new RowPager(a, PAGE_EVENTS);
  const pb = new RowPager(b, PAGE_EVENTS);
  if (!pa.rowsReadable || !pb.rowsReadable) return undefined;
  // Big captures: both read in workers (A's as it is, B's compared with A's), this
  // thread only decodes and normalises.
  const big = limitB >= FEED_MIN_EVENTS && limitA >= FEED_MIN_EVENTS;
  const feedA = big ? startRowFeed(null, a.path, limitA, limitA, PAGE_EVENTS) : undefined;
  const feedB = big ? startRowFeed(a.path, b.path, limitA, limitB, PAGE_EVENTS) : undefined;
  try {
    const normaliser = new CaptureNormaliser({ keysOnly: true, windowEvents });
    const r = scanTogether(normaliser, pa, pb, limitA, limitB, feedA, feedB, tick);
    return normaliser.lost ? 'lost' : r;
  } finally {
    feedA?.close();
    feedB?.close();
  }
}

function scanTogether(
  normaliser: CaptureNormaliser, pa: RowPager, pb: RowPager, limitA: number, limitB: number, feedA: RowFeed | undefined, feedB: RowFeed | undefined, tick?: (seq: number) => void,
): Result<Alignment> | undefined {
  const jobs = new JobTimingJoin();
  const A = new Side(pa, limitA, jobs, 'a', feedA);
  const B = new Side(pb, limitB, jobs, 'b', feedB);
  const join = new PairJoin();
  // A role seen twice, or a name no longer kept: the pairs by seq cannot be trusted.
  const unsure = (): boolean => normaliser.roles.repeated || normaliser.lost;
  const shared = new SharedEvents(pa);
  let ra = A.next();
  let rb = B.next(ra ?? A.overflow);
  for (; ra && rb; ra = A.next(), rb = B.next(ra ?? A.overflow)) {
    const seq = Number(ra[0]);
    if (Number(rb[0]) !== seq || ra[3] !== rb[3] || pa.kindOf(ra) !== pb.kindOf(rb)) return undefined;
    const causeSeq = ra[3] === null ? null : Number(ra[3]);
    if (sameArgs(ra[4], rb[4], pa.standIns, pb.standIns)) {
      const d = shared.decode(ra);
      if (!d) return undefined;
      const n = normaliser.visitShared(seq, causeSeq, d.event);
      A.record(seq, d.event, n);
      // Only timing reads ts_ns, of job starts and ends: there B's event is A's with B's time.
      const timed = d.event.kind === 'kmd.job_started' || d.event.kind === 'kmd.job_finished';
      B.record(seq, timed && d.event.tsNs !== Number(rb[1]) ? { ...d.event, tsNs: Number(rb[1]) } : d.event, n);
      join.pair(seq, d.event.kind, n.key, n.key, pixelsOf(d.event));
    } else {
      const da = pa.decode(ra);
      const db = pb.decode(rb);
      if (!da || !db) return undefined;
      const p = normaliser.visitPair(seq, causeSeq, da.event, da.argsText, db.event, db.argsText);
      if (!p.inStep) return undefined;
      A.record(seq, da.event, p.a);
      B.record(seq, db.event, p.b!);
      join.pair(seq, da.event.kind, p.a.key, p.b!.key, pixelsOf(db.event));
    }
    if (unsure()) return undefined;
    tick?.(seq);
  }
  if (A.error || B.error || A.lost || B.lost) return undefined;
  const result = (): Alignment => {
    jobs.end('a');
    jobs.end('b');
    return join.alignment(compareTracks(A.timing, B.timing, jobs), boNamer(A.boNames ?? boNamesOf(normaliser)), boNamer(B.boNames ?? boNamesOf(normaliser)));
  };
  if (!ra && !rb) return finish(normaliser, A, B) && !unsure() ? ok(result()) : undefined;
  // One capture is done: the other goes on alone, the normaliser now its own.
  const [done, rest, first] = ra ? [B, A, ra] : [A, B, rb!];
  const only = (seq: number, e: TraceEvent): void => (rest === A ? join.onlyA(seq, e.kind) : join.onlyB(seq, e.kind));
  jobs.end(done === A ? 'a' : 'b');
  const named = boNamesOf(normaliser);
  let r: RawEventRow | undefined = first;
  const over = done.overflow;
  if (over && VIEW_LEARNS_KINDS.has(done.pager.kindOf(over))) {
    // A scan on its own learns from the row past its limit: it must be what the
    // other capture has at that seq.
    const d = rest.pager.decode(first);
    const o = done.pager.decode(over);
    if (!d || !o || d.seq !== o.seq || d.causeSeq !== o.causeSeq) return undefined;
    const p = normaliser.visitPair(d.seq, d.causeSeq, d.event, d.argsText, o.event, o.argsText);
    if (!p.inStep) return undefined;
    done.boNames = boNamesOf(normaliser);
    rest.record(d.seq, d.event, p.a);
    only(d.seq, d.event);
    r = rest.next();
  } else {
    done.boNames = named;
  }
  for (; r; r = rest.next()) {
    const d = rest.pager.decode(r);
    if (!d) return undefined;
    const n = normaliser.visit(d.seq, d.causeSeq, d.event, d.argsText);
    rest.record(d.seq, d.event, n);
    only(d.seq, d.event);
    if (unsure()) return undefined;
    tick?.(d.seq);
  }
  if (A.error || B.error || A.lost || B.lost || !finish(normaliser, rest) || unsure()) return undefined;
  return ok(result());
}

/** A presented frame's size in pixels (0 for other events). */
function pixelsOf(e: TraceEvent): number {
  return e.kind === 'frame.present' ? e.width * e.height : 0;
}

/**
 * The end of the scans of `sides`, which end together: each side's BO names are
 * the state's after visiting its row past the limit, if it has one (as a scan on
 * its own does). False when that cannot be told apart for the two.
 */
function finish(normaliser: CaptureNormaliser, ...sides: Side[]): boolean {
  const before = boNamesOf(normaliser);
  const over = sides.filter((s) => s.overflow && VIEW_LEARNS_KINDS.has(s.pager.kindOf(s.overflow)));
  for (const s of sides) if (!over.includes(s)) s.boNames ??= before;
  if (over.length === 1) {
    const d = over[0]!.pager.decode(over[0]!.overflow!);
    if (!d) return false;
    normaliser.visit(d.seq, d.causeSeq, d.event, d.argsText);
  } else if (over.length === 2) {
    const x = over[0]!.pager.decode(over[0]!.overflow!);
    const y = over[1]!.pager.decode(over[1]!.overflow!);
    if (!x || !y || x.seq !== y.seq || x.causeSeq !== y.causeSeq) return false;
    if (!normaliser.visitPair(x.seq, x.causeSeq, x.event, x.argsText, y.event, y.argsText).inStep) return false;
  }
  const after = over.length ? boNamesOf(normaliser) : before;
  for (const s of over) s.boNames = after;
  normaliser.roles.release();
  return true;
}

/**
 * Same args text, blob ids read as their blobs' contents: the texts agree char for
 * char outside `{"$blob":<id>}`, and the ids name blobs of one hash (blob-stand-ins.ts).
 * Example: `{"bytes":{"$blob":7}}` and `{"bytes":{"$blob":5}}` are the same when
 * A's blob 7 and B's blob 5 have one hash.
 */
function sameArgs(x: string, y: string, blobsA: BlobStandIns, blobsB: BlobStandIns): boolean {
  if (x === y && !x.includes(BLOB_OPEN)) return true;
  let i = 0;
  let j = 0;
  for (;;) {
    const bi = x.indexOf(BLOB_OPEN, i);
    const bj = y.indexOf(BLOB_OPEN, j);
    if (bi < 0 || bj < 0) return bi < 0 && bj < 0 && sameSpan(x, i, x.length, y, j, y.length);
    if (!sameSpan(x, i, bi, y, j, bj)) return false;
    const ei = x.indexOf('}', bi);
    const ej = y.indexOf('}', bj);
    if (ei < 0 || ej < 0) return false;
    const idA = Number(x.slice(bi + BLOB_OPEN.length, ei));
    const idB = Number(y.slice(bj + BLOB_OPEN.length, ej));
    if (!Number.isInteger(idA) || !Number.isInteger(idB) || !blobsA.same(idA, blobsB, idB)) return false;
    i = ei + 1;
    j = ej + 1;
  }
}

function sameSpan(x: string, i: number, ie: number, y: string, j: number, je: number): boolean {
  if (ie - i !== je - j) return false;
  for (; i < ie; i++, j++) if (x.charCodeAt(i) !== y.charCodeAt(j)) return false;
  return true;
}
