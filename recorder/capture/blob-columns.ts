/**
 * A batch's new blobs, built to cross to the commit thread cheaply, as row-columns.ts
 * does for rows: every payload copied end to end into one growing buffer (moved to the
 * thread, not cloned), `ends[i]` where blob i stops, `hashes[i]` its hash when the
 * writer has it (null: the committer computes it), `codecs[i]` how it is stored when
 * the writer compressed it itself (null: the committer chooses) and `sizes[i]` its
 * uncompressed size. Ids are consecutive from `firstId`.
 * One copy into a shared buffer instead of a fresh array per payload: ~12k small
 * arrays per 56k stress events were allocated, then each cloned into the thread.
 *
 * Example: `b = new BlobColumns(5); b.add(Uint8Array.of(1, 2), null); b.add(Uint8Array.of(3), 'ab…')`
 * → ids 5 and 6, b.ends [2, 3], b.bytes.subarray(0, 3) is 01 02 03.
 */
import { ownBuffer } from './row-columns';
import type { BlobCodec } from './schema';

/** Bytes reserved at first; the buffer doubles when a batch needs more. */
const INITIAL_BYTES = 64 << 10;

export class BlobColumns {
  /** Blob i's payload is bytes[ends[i - 1] (0 for the first) .. ends[i]). */
  bytes: Buffer = ownBuffer(INITIAL_BYTES);
  readonly ends: number[] = [];
  readonly hashes: Array<string | null> = [];
  /** How blob i is stored when the writer stored it already (null: the committer chooses), and its uncompressed size. */
  readonly codecs: Array<BlobCodec | null> = [];
  readonly sizes: number[] = [];

  constructor(readonly firstId: number) {}

  get count(): number {
    return this.ends.length;
  }

  /** Payload bytes held. */
  get byteLength(): number {
    return this.ends.length ? this.ends[this.ends.length - 1]! : 0;
  }

  /**
   * Appends a copy of `payload` (the caller's bytes may change before the batch is
   * committed). With `codec`, the payload is already stored that way and `sizeBytes`
   * is its uncompressed size.
   */
  add(payload: Uint8Array, hash: string | null, codec: BlobCodec | null = null, sizeBytes = payload.length): void {
    const at = this.byteLength;
    if (at + payload.length > this.bytes.length) {
      const bigger = ownBuffer(Math.max(at + payload.length, this.bytes.length * 2));
      this.bytes.copy(bigger, 0, 0, at);
      this.bytes = bigger;
    }
    this.bytes.set(payload, at);
    this.ends.push(at + payload.length);
    this.hashes.push(hash);
    this.codecs.push(codec);
    this.sizes.push(sizeBytes);
  }
}
