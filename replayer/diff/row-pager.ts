/**
 * A capture's events read for alignment, as fast as the format allows: raw rows of
 * `event_rows` in seq pages (no view, no row objects), decoded with the capture's
 * own codec, and byte arrays resolved by content hash instead of content.
 *
 * Model
 * - Alignment compares views by key (capture-normaliser.ts), and a byte array's key
 *   is its content hash. Blobs are content-addressed, so a blob's stored hash stands
 *   for its bytes: every byte array is decoded as a 16-byte stand-in made from the
 *   `blobs.hash` of its blob — equal stand-ins ⇔ equal bytes — except for the kinds
 *   whose bytes are read field by field (`BYTES_READ`: an ioctl's argument struct and
 *   copies, where handles are named), which get their real bytes.
 * - Stand-ins never reach a report: report-views.ts decodes the few events it shows
 *   through the reader's ordinary path.
 * - Format 1 captures (no `event_rows`) are read through the reader's cursor and
 *   their byte arrays replaced by the same stand-ins (the hash of the bytes, which is
 *   what `blobs.hash` holds), so a format-1 and a format-2 capture still compare.
 *
 * Example: for (let r = pager.next(); r; r = pager.next()) … r.event.kind === 'mem.write' && r.event.bytes.length === 16
 */
import { hashBytes } from '../../engine/base/hash';
import type { EventKind, TraceEvent } from '../../engine/trace/events';
import { KindCursor } from '../../recorder/capture/capture-cursor';
import type { CaptureReader, DecodedEvent } from '../../recorder/capture/reader';
import type { CaptureError } from '../../recorder/capture/result';
import { decodeBlob } from '../../recorder/capture/blob-codec';
import { decodeEvent } from '../../recorder/capture/row-codec';
import { BlobStandIns } from './blob-stand-ins';

/** `[seq, ts_ns, kind_id, cause_seq, args]`, as SQLite returns it. */
export type RawEventRow = readonly [number, number, number, number | null, string];

const BYTES_READ: ReadonlySet<EventKind> = new Set<EventKind>(['kmd.ioctl']);

export class RowPager {
  private page: readonly (readonly unknown[])[] = [];
  private index = 0;
  private nextSeq = 1;
  private done = false;
  private readonly kinds = new Map<number, string>();
  private standInTable: BlobStandIns | undefined;
  private readonly cursor: KindCursor | undefined;
  /** The real bytes of the page's BYTES_READ blobs, fetched in one query per page. */
  private bytes = new Map<number, Uint8Array>();
  private readonly bytesKindIds = new Set<number>();
  error: CaptureError | undefined;

  constructor(private readonly reader: CaptureReader, private readonly pageSize = 8192) {
    const v2 = reader.query(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'event_rows'`);
    if (!v2.ok || v2.value.rows.length === 0) {
      this.cursor = new KindCursor(reader, undefined, 1, pageSize);
      return;
    }
    const kinds = reader.query('SELECT id, name FROM kinds');
    if (kinds.ok) {
      for (const [id, name] of kinds.value.rows) {
        this.kinds.set(Number(id), String(name));
        if (BYTES_READ.has(String(name) as EventKind)) this.bytesKindIds.add(Number(id));
      }
    }
  }

  /** One query for every blob the page's BYTES_READ rows reference (instead of one per blob). */
  private prefetch(): void {
    const ids = new Set<number>();
    for (const row of this.page) {
      if (!this.bytesKindIds.has(Number(row[2]))) continue;
      for (const m of String(row[4]).matchAll(/"\$blob":(\d+)/g)) ids.add(Number(m[1]));
    }
    this.bytes = new Map();
    if (ids.size === 0) return;
    const q = this.reader.query(`SELECT id, codec, data FROM blobs WHERE id IN (${[...ids].join(',')})`);
    if (!q.ok) return;
    for (const [id, codec, data] of q.value.rows) this.bytes.set(Number(id), decodeBlob(String(codec), data as Uint8Array));
  }

  /** False for format 1 captures (no `event_rows`): only `next()` reads them. */
  get rowsReadable(): boolean {
    return this.cursor === undefined;
  }

  /** The next raw `event_rows` row `[seq, ts_ns, kind_id, cause_seq, args]` (format 2 only). */
  nextRow(): RawEventRow | undefined {
    if (this.index >= this.page.length) {
      if (this.done) return undefined;
      const q = this.reader.query('SELECT seq, ts_ns, kind_id, cause_seq, args FROM event_rows WHERE seq >= ? ORDER BY seq LIMIT ?', [this.nextSeq, this.pageSize]);
      if (!q.ok) {
        this.error = q.error;
        this.done = true;
        return undefined;
      }
      this.page = q.value.rows;
      this.index = 0;
      this.prefetch();
      if (this.page.length < this.pageSize) this.done = true;
      if (this.page.length === 0) return undefined;
      this.nextSeq = Number(this.page[this.page.length - 1]![0]) + 1;
    }
    return this.page[this.index++] as RawEventRow;
  }

  /** A row's kind name. */
  kindOf(row: RawEventRow): string {
    return this.kinds.get(Number(row[2])) ?? '?';
  }

  /** Every blob's stand-in (blob-stand-ins.ts), read on first use. */
  get standIns(): BlobStandIns {
    return (this.standInTable ??= BlobStandIns.load(this.reader));
  }

  /** Blob `id`'s stand-in (undefined when there is no such blob). */
  private standInOf(id: number): Uint8Array | undefined {
    return this.standIns.of(id);
  }

  /**
   * A row decoded as `next()` decodes it (undefined, with `error` set, when it does
   * not decode); its blobs are read from the current page's prefetch, else one by
   * one. `standInsOnly`: every byte array a stand-in, even where `next()` reads the
   * bytes (for a look at the other fields).
   */
  decode(row: RawEventRow, standInsOnly = false): (DecodedEvent & { readonly argsText: string }) | undefined {
    const seq = Number(row[0]);
    const kind = this.kindOf(row);
    const blob = !standInsOnly && BYTES_READ.has(kind as EventKind) ? (id: number) => this.bytes.get(id) ?? this.reader.blob(id) : (id: number) => this.standInOf(id);
    const d = decodeEvent({ ts_ns: Number(row[1]), dur_ns: null, pid: null, kind, args: String(row[4]) }, blob);
    if (!d.ok) {
      this.error = { code: 'bad-row', message: `event ${seq}: ${d.error.message}` };
      this.done = true;
      this.page = [];
      return undefined;
    }
    return { seq, causeSeq: row[3] === null ? null : Number(row[3]), event: d.value as TraceEvent, argsText: String(row[4]) };
  }

  /** The next event; from `event_rows`, with its stored args text. */
  next(): (DecodedEvent & { readonly argsText?: string }) | undefined {
    if (this.cursor) {
      const d = this.cursor.next();
      if (this.cursor.error) this.error = this.cursor.error;
      if (!d || BYTES_READ.has(d.event.kind)) return d;
      return { ...d, event: standInBytes(d.event) as TraceEvent };
    }
    const row = this.nextRow();
    return row && this.decode(row);
  }
}

/** The 16-byte stand-in of a blob whose `blobs.hash` is `hash`. */
function standIn(hash: string): Uint8Array {
  return Buffer.from(hash.padEnd(32, '0').slice(0, 32), 'hex');
}

/** Format-1 fallback: real byte arrays replaced by the stand-in of their hash, as format 2 reads them. */
function standInBytes(v: unknown): unknown {
  if (v instanceof Uint8Array) return standIn(hashBytes(v));
  if (Array.isArray(v)) return v.map(standInBytes);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, standInBytes(x)]));
  return v;
}
