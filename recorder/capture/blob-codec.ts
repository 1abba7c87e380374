/**
 * How blob payloads are stored: zstd (level 1) when the payload is at least
 * `COMPRESS_MIN_BYTES` and compression actually saves an eighth, else raw. The
 * encoding half, and why zstd at that level, is in blob-encode.mjs (the commit thread
 * runs it); this module adds the decoding and a copying `encodeBlob` for callers
 * that keep the result.
 *
 * Example: `encodeBlob(new Uint8Array(4096))` → `{ codec: 'zstd', data: <~20 bytes> }`;
 * `decodeBlob('zstd', data)` gives the 4096 zero bytes back.
 */
import { Decompressor } from 'zstd-napi';
import { storeBlob } from './blob-encode.mjs';
import type { BlobCodec } from './schema';

export { COMPRESS_MIN_BYTES, ZSTD_LEVEL } from './blob-encode.mjs';

let decompressor: Decompressor | undefined;

export interface StoredBlob {
  readonly codec: BlobCodec;
  readonly data: Uint8Array;
}

/** Chooses the codec for `bytes`; the result never aliases `bytes`. */
export function encodeBlob(bytes: Uint8Array): StoredBlob {
  const stored = storeBlob(bytes);
  return stored.data === bytes ? { codec: stored.codec, data: bytes.slice() } : stored;
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
