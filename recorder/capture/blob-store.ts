/**
 * The writer's blob deduplication: each distinct payload gets one id and one row,
 * however many events carry it. New payloads wait in `pending` (blob-columns.ts: a
 * copy of each, and its hash or null) until the writer's next commit; the committer
 * (batch-commit.mjs) compresses them and fills in a missing hash — except large ones
 * (STORE_HERE_BYTES), compressed here.
 *
 * Keys: payloads up to SMALL_KEY_BYTES (ioctl argument structs, user copies — on the
 * stress stream 20k of 22k references, 10k of them distinct) are keyed by their own
 * bytes as a latin1 string, so a repeat costs no hashing, and their SHA-256 is left
 * to the committer (hash null); larger ones are keyed by their SHA-256 (blob-encode.mjs,
 * 128 bits, hex), which the `hash` column then reuses. A 32-bit FNV-1a key confirmed
 * byte for byte measured the same as the latin1 key (~11 ms CPU for the 20k small
 * references on a loaded machine), so the simpler key stays.
 *
 * Memory: the keys of every distinct payload would grow with the recording (a
 * 10M-event stress run has 1.7M distinct payloads: ~130 MB of keys). After a commit
 * the writer calls `forgetIfOver(maxKeys)`; past it the keys are dropped, and from
 * then on a payload not found by key is looked up by its hash in the file (`lookup`,
 * the blobs_by_hash index) before it is added. Ids stay exactly as without forgetting
 * — a repeat always finds its first id — so the capture is the same, byte for byte.
 * Uncommitted payloads are never forgotten (forgetting happens after a commit).
 *
 * Example: `put(Uint8Array.of(1, 2))` → 1, `put(Uint8Array.of(1, 2))` → 1 again,
 * `put(Uint8Array.of(3))` → 2; `pending` then holds two blobs.
 */
import { BlobColumns } from './blob-columns';
import { blobHash, storeBlob } from './blob-encode.mjs';
import type { BlobPut } from './row-codec';

/**
 * Payloads at least this big (frames, mostly) are compressed here rather than in the
 * commit thread: copying a 256 KiB frame into the batch only to compress it there
 * cost more than compressing it where it is — vkcube's recording overhead 1.29 →
 * 1.23 (medians of five alternating runs). Always above SMALL_KEY_BYTES, so these
 * have their hash already.
 */
const STORE_HERE_BYTES = 64 << 10;

/** Payloads up to this size are deduplicated by their bytes, without hashing. */
export const SMALL_KEY_BYTES = 64;

export class BlobStore implements BlobPut {
  /** The blobs not yet committed. */
  pending = new BlobColumns(1);
  /** Blobs stored so far; the last id given. */
  count = 0;
  /** Byte fields put, and their total size, before deduplication. */
  refs = 0;
  refBytes = 0;
  /** Uncompressed bytes of the distinct blobs. */
  distinctBytes = 0;
  private readonly small = new Map<string, number>();
  private readonly big = new Map<string, number>();
  /** Set once keys have been forgotten: a miss may then be a payload already in the file. */
  private forgotten = false;

  constructor(
    /** The id of the committed blob with this hash, if any (used once keys have been forgotten). */
    private readonly lookup?: (hash: string) => number | undefined,
  ) {}

  /** The id of `bytes`' blob, adding it if new. `knownHash`: their blobHash, when the caller has it already (checkpoint parts). */
  put(bytes: Uint8Array, knownHash?: string): number {
    this.refs++;
    this.refBytes += bytes.length;
    const small = bytes.length <= SMALL_KEY_BYTES;
    const key = small ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') : (knownHash ?? blobHash(bytes));
    const map = small ? this.small : this.big;
    const known = map.get(key);
    if (known !== undefined) return known;
    let id: number | undefined;
    if (this.forgotten) {
      // A miss may be a payload committed before the keys were dropped: look it up by hash.
      const hash = small ? blobHash(bytes) : key;
      id = this.lookup?.(hash) ?? this.add(bytes, hash);
    } else id = this.add(bytes, small ? (knownHash ?? null) : key);
    map.set(key, id);
    return id;
  }

  /** Distinct payloads whose keys are held. */
  get keys(): number {
    return this.small.size + this.big.size;
  }

  /** Drops every key when more than `maxKeys` are held; call only when nothing is pending. Returns whether it did. */
  forgetIfOver(maxKeys: number): boolean {
    if (this.keys <= maxKeys) return false;
    if (this.pending.count > 0) throw new Error('BlobStore.forgetIfOver with uncommitted blobs');
    this.small.clear();
    this.big.clear();
    this.forgotten = true;
    return true;
  }

  /** Hands the pending blobs over (to be committed) and starts a new batch. */
  take(): BlobColumns {
    const blobs = this.pending;
    this.pending = new BlobColumns(this.count + 1);
    return blobs;
  }

  private add(bytes: Uint8Array, hash: string | null): number {
    if (bytes.length >= STORE_HERE_BYTES) {
      // Frames and other large payloads: compressed here, so only their stored bytes are copied and sent.
      const stored = storeBlob(bytes);
      this.pending.add(stored.data, hash, stored.codec, bytes.length);
    } else this.pending.add(bytes, hash);
    this.distinctBytes += bytes.length;
    return ++this.count;
  }
}
