/**
 * A minimal protobuf encoder for building one message at a time into a reusable
 * buffer: varints (numbers up to 2^53 without BigInt, negative int64 as 10-byte
 * two's complement), fixed64, doubles, strings and nested messages (length-prefixed
 * once the nested body is known). Hand-rolled because the exporter writes millions
 * of tiny messages: STACK-NOTES measured ~21 M msg/s hand-rolled against ~5 M for
 * protobufjs.
 *
 * Example:
 *   const w = new ProtoWriter();
 *   w.varintField(8, 1500);            // timestamp
 *   const at = w.begin(11); w.varintField(9, 3); w.end(at);   // track_event { type: INSTANT }
 *   w.finish()   // → [0x40, 0xdc, 0x0b, 0x5a, 0x82, 0x80, 0x80, 0x00, 0x48, 0x03] (length 2, padded)
 */
import { WT } from './fields';

const text = new TextEncoder();
/**
 * Nested messages reserve this many bytes for their length, written as a padded
 * varint (lengths below 2^28) — what Perfetto's own protozero writer does, so a
 * message is written once, front to back.
 */
const LEN_RESERVE = 4;

export class ProtoWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private varint(v: number): void {
    this.ensure(10);
    // Most values (tags, lengths, ids, small ns deltas) fit 32 bits: shifts, no division.
    if (v >>> 0 === v) {
      while (v >= 0x80) {
        this.buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.pos++] = v;
      return;
    }
    if (v < 0) {
      let x = BigInt.asUintN(64, BigInt(Math.trunc(v)));
      for (let i = 0; i < 9; i++) {
        this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
        x >>= 7n;
      }
      this.buf[this.pos++] = Number(x);
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  varintField(field: number, v: number): void {
    this.tag(field, WT.VARINT);
    this.varint(v);
  }

  boolField(field: number, v: boolean): void {
    this.varintField(field, v ? 1 : 0);
  }

  fixed64Field(field: number, v: number): void {
    this.tag(field, WT.I64);
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
  }

  doubleField(field: number, v: number): void {
    this.tag(field, WT.I64);
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  stringField(field: number, s: string): void {
    this.tag(field, WT.LEN);
    // Worst case 3 bytes per UTF-16 unit; encode in place.
    this.ensure(10 + s.length * 3);
    const lenAt = this.pos;
    this.pos += 1;
    if (s.length < 0x80 && this.ascii(s)) {
      this.buf[lenAt] = s.length;
      return;
    }
    const { written } = text.encodeInto(s, this.buf.subarray(this.pos));
    if (written < 0x80) {
      this.buf[lenAt] = written;
      this.pos += written;
      return;
    }
    // Rare: a long string needs a longer length prefix; move the bytes along.
    const bytes = this.buf.slice(this.pos, this.pos + written);
    this.pos = lenAt;
    this.varint(written);
    this.ensure(written);
    this.buf.set(bytes, this.pos);
    this.pos += written;
  }

  /**
   * Writes `s` at pos as its UTF-8 bytes when it is all ASCII (then advancing pos),
   * else writes nothing and returns false. Short names and values are nearly all ASCII,
   * and a loop beats a TextEncoder call for them (the call alone was ~5% of an export).
   */
  private ascii(s: string): boolean {
    const buf = this.buf;
    const at = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[at + i] = c;
    }
    this.pos = at + s.length;
    return true;
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WT.LEN);
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Appends what `w` holds (a message body built in another writer), without a view of it. */
  append(w: ProtoWriter): void {
    const n = w.pos;
    this.ensure(n);
    const from = w.buf;
    const to = this.buf;
    const at = this.pos;
    if (n <= 64) for (let i = 0; i < n; i++) to[at + i] = from[i]!;
    else to.set(from.subarray(0, n), at);
    this.pos = at + n;
  }

  /** Starts a nested message; returns the mark `end` needs. */
  begin(field: number): number {
    this.tag(field, WT.LEN);
    this.ensure(LEN_RESERVE);
    const at = this.pos;
    this.pos += LEN_RESERVE;
    return at;
  }

  /** Ends a nested message: writes its length as a padded varint in the reserved bytes. */
  end(at: number): void {
    const len = this.pos - at - LEN_RESERVE;
    let v = len;
    for (let i = 0; i < LEN_RESERVE - 1; i++) {
      this.buf[at + i] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[at + LEN_RESERVE - 1] = v & 0x7f;
  }

  /** The bytes written since the last reset (a view: copy before reusing the writer). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
