// Types of blob-encode.mjs (plain JavaScript so the commit thread needs no TypeScript loader).
import type { BlobCodec } from './schema';

export declare const COMPRESS_MIN_BYTES: number;
export declare const ZSTD_LEVEL: number;
export declare function blobHash(bytes: Uint8Array): string;
export declare function storeBlob(bytes: Uint8Array): { readonly codec: BlobCodec; readonly data: Uint8Array };
