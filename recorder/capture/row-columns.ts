/**
 * A batch's event rows as columns, built to cross to the commit thread cheaply: the
 * numbers in typed arrays and the args texts as UTF-8 bytes in one growing buffer
 * (written there directly, args-bytes.ts), all moved to the thread (their buffers
 * transferred), none copied. Sending the same rows as one flat array of mixed values
 * cost ~0.8 ms per 2,048 rows in structured cloning, an array of args strings still
 * ~0.45 ms. batch-commit.mjs binds each text's bytes and stores them as TEXT
 * (`CAST(? AS TEXT)`): exactly the bytes binding the string would store. null (no
 * object, no cause) is stored as NaN.
 *
 * Use: write a row's args at `at` (ByteOut), then `endRow(…)` with its other columns.
 * Example: `c.endRow(10, 3, null, null)` after writing `{}` → c.count 1,
 * c.objectId[0] NaN, c.bytes.subarray(0, c.argsEnd[0]) is `{}`.
 */
import type { ByteOut } from './args-bytes';

/** Bytes reserved per row at first; the buffer doubles when a batch needs more. */
const ARGS_BYTES_PER_ROW = 128;

export class RowColumns implements ByteOut {
  readonly tsNs: Float64Array;
  readonly kindId: Float64Array;
  readonly objectId: Float64Array;
  readonly causeSeq: Float64Array;
  /** Row i's args text is bytes[argsEnd[i - 1] (0 for the first) .. argsEnd[i]). */
  bytes: Buffer;
  at = 0;
  readonly argsEnd: Int32Array;
  count = 0;

  constructor(readonly capacity: number) {
    this.tsNs = new Float64Array(capacity);
    this.kindId = new Float64Array(capacity);
    this.objectId = new Float64Array(capacity);
    this.causeSeq = new Float64Array(capacity);
    this.argsEnd = new Int32Array(capacity);
    this.bytes = ownBuffer(capacity * ARGS_BYTES_PER_ROW);
  }

  /** Ends the row whose args were just written. */
  endRow(tsNs: number, kindId: number, objectId: number | null, causeSeq: number | null): void {
    const i = this.count++;
    this.tsNs[i] = tsNs;
    this.kindId[i] = kindId;
    this.objectId[i] = objectId ?? NaN;
    this.causeSeq[i] = causeSeq ?? NaN;
    this.argsEnd[i] = this.at;
  }

  reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const bigger = ownBuffer(Math.max(this.at + n, this.bytes.length * 2));
    this.bytes.copy(bigger, 0, 0, this.at);
    this.bytes = bigger;
  }

  /** Forgets every row (a failed writer drops what it buffered). */
  clear(): void {
    this.count = 0;
    this.at = 0;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }
}

/** A Buffer with an ArrayBuffer of its own (never a slice of Node's shared pool), so it can be transferred. */
export function ownBuffer(bytes: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes);
}
