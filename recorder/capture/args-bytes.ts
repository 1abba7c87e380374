/**
 * An event's args (row-codec.ts: every field but `kind` and `tsNs`, byte arrays as
 * `{"$blob":id}`) as UTF-8 JSON written straight into a byte buffer: exactly the bytes
 * of JSON.stringify's text (a test holds every sample app's events to that), without
 * building the text first. The writer's rows cross to the commit thread as bytes
 * (row-columns.ts); building each args string and then copying it out cost ~35 ms per
 * 56k stress events in concatenation, garbage and the copy, most of which writing
 * bytes directly avoids: keys are pre-encoded per kind, integers are written digit by
 * digit, and only strings and non-integers go through a JS string. `argsText` gives
 * the same as a string (row-codec's encodeEvent).
 *
 * Example: for hw.irq, `{ line: 2, status: 1 }` appends the 21 bytes of
 * `{"line":2,"status":1}` at `out.at`.
 */
import type { TraceEvent } from '../../engine/trace/events';
import type { BlobPut } from './row-codec';

/** A growing byte buffer: `bytes[0 .. at)` is written. */
export interface ByteOut {
  bytes: Buffer;
  at: number;
  /** Makes room for `n` more bytes. */
  reserve(n: number): void;
}

export type ArgsBytesWriter = (e: Record<string, unknown>, blobs: BlobPut, out: ByteOut) => void;

/** Fields that are columns, not args (row-codec.ts). Every field of a kind is required, so one key list per kind. */
const COLUMN_FIELDS = new Set(['kind', 'tsNs']);
const writers = new Map<string, ArgsBytesWriter>();

/** The args writer of `e`'s kind, compiled on first use from its keys (every event of a kind has the same). */
export function argsBytesWriterFor(e: TraceEvent): ArgsBytesWriter {
  let w = writers.get(e.kind);
  if (w === undefined) writers.set(e.kind, (w = compile(Object.keys(e).filter((k) => !COLUMN_FIELDS.has(k)))));
  return w;
}

function compile(keys: readonly string[]): ArgsBytesWriter {
  // Each field's prefix (`{"line":`, `,"status":`) as bytes, copied per event.
  const prefixes = keys.map((k, i) => Buffer.from(`${i ? ',' : '{'}${JSON.stringify(k)}:`));
  const close = keys.length ? '}' : '{}';
  return (e, blobs, out) => {
    for (let i = 0; i < keys.length; i++) {
      writeBytes(prefixes[i]!, out);
      writeValue(e[keys[i]!], blobs, out);
    }
    writeAscii(close, out);
  };
}

/** A growing buffer for argsText. */
const scratch: ByteOut = {
  bytes: Buffer.alloc(1024),
  at: 0,
  reserve(n) {
    if (this.at + n <= this.bytes.length) return;
    const bigger = Buffer.alloc(Math.max(this.at + n, this.bytes.length * 2));
    this.bytes.copy(bigger, 0, 0, this.at);
    this.bytes = bigger;
  },
};

/** The args text of `e` (off the hot path: the writer writes bytes). */
export function argsText(e: TraceEvent, blobs: BlobPut): string {
  scratch.at = 0;
  argsBytesWriterFor(e)(e as unknown as Record<string, unknown>, blobs, scratch);
  return scratch.bytes.toString('utf8', 0, scratch.at);
}

const BLOB_OPEN = Buffer.from('{"$blob":');

/** A few bytes, copied one by one: for a dozen bytes Buffer.copy's call costs more than the copy. */
function writeBytes(p: Uint8Array, out: ByteOut): void {
  out.reserve(p.length);
  const bytes = out.bytes;
  let at = out.at;
  for (let j = 0; j < p.length; j++) bytes[at++] = p[j]!;
  out.at = at;
}

/** One value, as row-codec.ts's jsonValue writes it (JSON.stringify's text; byte arrays as blob references). */
function writeValue(x: unknown, blobs: BlobPut, out: ByteOut): void {
  switch (typeof x) {
    case 'number':
      if (Number.isSafeInteger(x)) writeInteger(x, out);
      else writeAscii(Number.isFinite(x) ? `${x}` : 'null', out);
      return;
    case 'string':
      writeString(x, out);
      return;
    case 'boolean':
      writeAscii(x ? 'true' : 'false', out);
      return;
    case 'object':
      if (x === null) writeAscii('null', out);
      else if (x instanceof Uint8Array) {
        writeBytes(BLOB_OPEN, out);
        writeInteger(blobs.put(x), out);
        writeByte(0x7d, out); // }
      } else if (Array.isArray(x)) writeArray(x, blobs, out);
      else writeObject(x as Record<string, unknown>, blobs, out);
      return;
    default:
      writeAscii('null', out);
  }
}

function writeArray(x: readonly unknown[], blobs: BlobPut, out: ByteOut): void {
  writeByte(0x5b, out); // [
  for (let i = 0; i < x.length; i++) {
    if (i) writeByte(0x2c, out); // ,
    const v = x[i];
    if (v === undefined || typeof v === 'function') writeAscii('null', out);
    else writeValue(v, blobs, out);
  }
  writeByte(0x5d, out); // ]
}

function writeObject(o: Record<string, unknown>, blobs: BlobPut, out: ByteOut): void {
  let first = true;
  writeByte(0x7b, out); // {
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const v = o[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) writeByte(0x2c, out); // ,
    writeString(k, out);
    writeByte(0x3a, out); // :
    writeValue(v, blobs, out);
    first = false;
  }
  writeByte(0x7d, out); // }
}

/** A safe integer in decimal, as `${x}` writes it (-0 as 0). */
function writeInteger(x: number, out: ByteOut): void {
  out.reserve(17);
  const bytes = out.bytes;
  if (x < 0) {
    bytes[out.at++] = 0x2d; // -
    x = -x;
  }
  let digits = 1;
  for (let p = 10; p <= x; p *= 10) digits++;
  let at = out.at + digits;
  out.at = at;
  do {
    bytes[--at] = 0x30 + (x % 10);
    x = Math.floor(x / 10);
  } while (x > 0);
}

/**
 * A string as JSON.stringify quotes it. Printable ASCII needing no escape (nearly every
 * string an event holds: names, enum values) is written code by code; anything else
 * goes through JSON.stringify and Buffer.write.
 */
function writeString(x: string, out: ByteOut): void {
  out.reserve(x.length + 2);
  const bytes = out.bytes;
  let at = out.at;
  bytes[at++] = 0x22; // "
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      const text = JSON.stringify(x);
      // A UTF-16 code unit takes at most 3 UTF-8 bytes.
      out.reserve(text.length * 3);
      out.at += out.bytes.write(text, out.at, 'utf8');
      return;
    }
    bytes[at++] = c;
  }
  bytes[at++] = 0x22;
  out.at = at;
}

/** Text known to be ASCII (number text, literals). */
function writeAscii(text: string, out: ByteOut): void {
  out.reserve(text.length);
  const bytes = out.bytes;
  let at = out.at;
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  out.at = at;
}

function writeByte(byte: number, out: ByteOut): void {
  out.reserve(1);
  out.bytes[out.at++] = byte;
}
