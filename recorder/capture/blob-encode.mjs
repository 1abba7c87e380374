// How a blob is stored, and its content hash — the part of blob-codec.ts that the
// commit thread runs too (plain JavaScript: it loads without a TypeScript loader).
// The writer's thread only deduplicates payloads; the commit thread hashes the small
// ones (the larger ones are keyed by their hash, so the writer has it already) and
// compresses them (all but the largest: blob-store.ts, STORE_HERE_BYTES). In a
// recording the writer's thread also runs the engine while the commit thread is
// mostly idle: a stress recording's writer-thread CPU went from 825 to 792 ms (~9 ms
// per 56k events moved). Writing from memory alone (the ingest bench) the commit
// thread is the busier side, and there it measured the same.
//
// Why zstd: measured on the blobs of vkcube + sharing + stress + compute runs
// (docs/capture-format.md, "Codec choice"): on memory writes / command streams of
// ≥ 256 B, zstd-1 gives 2.24× at ~150 MB/s against deflate-1 2.66× at ~18 MB/s and
// brotli-1 2.32× at ~32 MB/s; on frames zstd gives ~300× where deflate-1 gives 83×.
// Small ioctl argument structs (≤ 56 B) and user copies barely compress with any
// codec and cost microseconds per call, hence the threshold; they are deduplicated
// instead. Level: on the 2002 distinct ≥ 128 B blobs of the stress stream (~370 B
// each) levels -5, -1, 1 and 3 all took ~4 ms (the per-call cost dominates) for
// 2.83×, 3.31×, 3.31× and 3.39×, so a faster level buys nothing at ingest; 1 stays.
import { hash } from 'node:crypto';
import { Compressor } from 'zstd-napi';

export const COMPRESS_MIN_BYTES = 128;
export const ZSTD_LEVEL = 1;

let compressor;

/** The `hash` column: SHA-256 of the uncompressed bytes, hex, truncated to 128 bits (engine/base/hash.ts's hashBytes). */
export function blobHash(bytes) {
  return hash('sha256', bytes, 'hex').slice(0, 32);
}

/**
 * zstd (level 1) when `bytes` is at least COMPRESS_MIN_BYTES long and compression saves an
 * eighth, else raw — then `data` is `bytes` itself (the caller copies if it must).
 */
export function storeBlob(bytes) {
  if (bytes.length >= COMPRESS_MIN_BYTES) {
    if (!compressor) {
      compressor = new Compressor();
      compressor.setParameters({ compressionLevel: ZSTD_LEVEL });
    }
    const packed = compressor.compress(bytes);
    if (packed.length <= bytes.length - (bytes.length >> 3)) return { codec: 'zstd', data: packed };
  }
  return { codec: 'raw', data: bytes };
}
