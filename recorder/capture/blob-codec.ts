/**
 * How blob payloads are stored: zstd (level 1) when the payload is at least
 * `COMPRESS_MIN_BYTES` and compression actually saves an eighth, else raw.
 *
 * Why zstd: measured on the blobs of vkcube + sharing + stress + compute runs
 * (docs/capture-format.md, "Codec choice"): on memory writes / command streams of
 * ≥ 256 B, zstd-1 gives 2.24× at ~150 MB/s against deflate-1 2.66× at ~18 MB/s and
 * brotli-1 2.32× at ~32 MB/s; on frames zstd gives ~300× where deflate-1 gives 83×.
 * Small ioctl argument structs (≤ 56 B) and user copies barely compress with any
 * codec and cost microseconds per call, hence the threshold; they are deduplicated
 * instead. Level: on the 2002 distinct ≥ 128 B blobs of the stress stream (~370 B
 * each) levels -5, -1, 1 and 3 all took ~4 ms (the per-call cost dominates) for
 * 2.83×, 3.31×, 3.31× and 3.39×, so a faster level buys nothing at ingest; 1 stays.
 *
 * Example: `encodeBlob(new Uint8Array(4096))` → `{ codec: 'zstd', data: <~20 bytes> }`;
 * `decodeBlob('zstd', data)` gives the 4096 zero bytes back.
 */
import { Compressor, Decompressor } from 'zstd-napi';
import type { BlobCodec } from './schema';

export const COMPRESS_MIN_BYTES = 128;
export const ZSTD_LEVEL = 1;

let compressor: Compressor | undefined;
let decompressor: Decompressor | undefined;

export interface StoredBlob {
  readonly codec: BlobCodec;
  readonly data: Uint8Array;
}

/** Chooses the codec for `bytes`; the result never aliases `bytes`. */
export function encodeBlob(bytes: Uint8Array, minBytes = COMPRESS_MIN_BYTES): StoredBlob {
  if (bytes.length >= minBytes) {
    if (!compressor) {
      compressor = new Compressor();
      compressor.setParameters({ compressionLevel: ZSTD_LEVEL });
    }
    const packed = compressor.compress(bytes);
    if (packed.length <= bytes.length - (bytes.length >> 3)) return { codec: 'zstd', data: packed };
  }
  return { codec: 'raw', data: Uint8Array.prototype.slice.call(bytes) };
}

export function decodeBlob(codec: string, data: Uint8Array): Uint8Array {
  switch (codec) {
    case 'raw':
      return new Uint8Array(data);
    case 'zstd': {
      decompressor ??= new Decompressor();
      const out = decompressor.decompress(data);
      return new Uint8Array(out.buffer, out.byteOffset, out.length).slice();
    }
    default:
      throw new Error(`unknown blob codec '${codec}'`);
  }
}
