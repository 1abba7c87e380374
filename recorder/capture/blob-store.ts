/**
 * The writer's blob deduplication: each distinct payload gets one id and one row,
 * however many events carry it. Rows wait in `pending` (flat: id, hash, size_bytes,
 * codec, data) until the writer's next commit.
 *
 * Keys: payloads up to SMALL_KEY_BYTES (ioctl argument structs, user copies — on the
 * stress stream 20k of 22k references, 10k of them distinct) are keyed by their own
 * bytes as a latin1 string, so a repeat costs no hashing; larger ones are keyed by
 * their SHA-256, which the `hash` column needs anyway. The SHA-256 (engine/base/hash.ts,
 * 128 bits, hex) is computed once per distinct payload. A 32-bit FNV-1a key confirmed
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
 * `put(Uint8Array.of(3))` → 2; `pending` then holds two rows.
 */
import { hash as oneShotHash } from 'node:crypto';
import { encodeBlob } from './blob-codec';
import type { BlobPut } from './row-codec';

/** Payloads up to this size are deduplicated by their bytes, without hashing. */
export const SMALL_KEY_BYTES = 64;

const contentHash = (bytes: Uint8Array): string => oneShotHash('sha256', bytes, 'hex').slice(0, 32);

export class BlobStore implements BlobPut {
  /** Flat bound values of the blobs not yet committed: id, hash, size_bytes, codec, data. */
  pending: unknown[] = [];
  /** Stored bytes in `pending` (the writer flushes early past a limit). */
  pendingBytes = 0;
  /** Blobs stored so far; the last id given. */
  count = 0;
  /** Byte fields put, and their total size, before deduplication. */
  refs = 0;
  refBytes = 0;
  /** Uncompressed bytes of the distinct blobs / bytes stored for them. */
  distinctBytes = 0;
  storedBytes = 0;
  private readonly small = new Map<string, number>();
  private readonly big = new Map<string, number>();
  /** Set once keys have been forgotten: a miss may then be a payload already in the file. */
  private forgotten = false;

  constructor(
    private readonly compressMinBytes?: number,
    /** The id of the committed blob with this hash, if any (used once keys have been forgotten). */
    private readonly lookup?: (hash: string) => number | undefined,
  ) {}

  put(bytes: Uint8Array): number {
    this.refs++;
    this.refBytes += bytes.length;
    const small = bytes.length <= SMALL_KEY_BYTES;
    const key = small ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') : contentHash(bytes);
    const map = small ? this.small : this.big;
    const known = map.get(key);
    if (known !== undefined) return known;
    const hash = small ? contentHash(bytes) : key;
    const id = (this.forgotten ? this.lookup?.(hash) : undefined) ?? this.add(bytes, hash);
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
    if (this.pending.length > 0) throw new Error('BlobStore.forgetIfOver with uncommitted blobs');
    this.small.clear();
    this.big.clear();
    this.forgotten = true;
    return true;
  }

  /** Hands the pending rows over (to be committed) and starts a new batch. */
  take(): unknown[] {
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    return rows;
  }

  private add(bytes: Uint8Array, hash: string): number {
    const id = ++this.count;
    const stored = encodeBlob(bytes, this.compressMinBytes);
    this.pending.push(id, hash, bytes.length, stored.codec, stored.data);
    this.pendingBytes += stored.data.length;
    this.distinctBytes += bytes.length;
    this.storedBytes += stored.data.length;
    return id;
  }
}
