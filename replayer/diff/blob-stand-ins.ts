/**
 * Every blob's 16-byte stand-in (row-pager.ts) in one table indexed by blob id:
 * the bytes of its `blobs.hash`, 128 bits of hex — equal stand-ins ⇔ equal hashes
 * ⇔ equal contents.
 *
 * Model
 * - 16 bytes and a presence flag per blob, read from `blobs` in id pages. A map of
 *   hash texts by id, a cache of stand-ins and a map of hash texts to classes cost
 *   ~250 bytes per blob: ~800 MB for the two 1.7M-blob captures of a 10M-event diff.
 * - A hash that is not 32 hex digits (none is, in captures the recorder writes) is
 *   kept apart as the stand-in the old decoding made of it, so stand-ins never
 *   depend on the table.
 *
 * Example: const s = BlobStandIns.load(reader); s.of(7) // → Buffer(16) of blob 7's hash; s.same(7, other, 5)
 */
import type { CaptureReader } from '../../recorder/capture/reader';

const STAND_IN_BYTES = 16;
const PAGE_BLOBS = 65_536;
const HASH = /^[0-9a-f]{32}$/i;

export class BlobStandIns {
  private constructor(
    private readonly table: Buffer,
    private readonly present: Uint8Array,
    private readonly odd: ReadonlyMap<number, Buffer>,
  ) {}

  static load(reader: CaptureReader): BlobStandIns {
    const max = reader.query('SELECT max(id) FROM blobs');
    const maxId = max.ok ? Number(max.value.rows[0]?.[0] ?? 0) : 0;
    const table = Buffer.alloc((maxId + 1) * STAND_IN_BYTES);
    const present = new Uint8Array(maxId + 1);
    const odd = new Map<number, Buffer>();
    for (let after = 0; ;) {
      const q = reader.query('SELECT id, hash FROM blobs WHERE id > ? ORDER BY id LIMIT ?', [after, PAGE_BLOBS]);
      if (!q.ok || q.value.rows.length === 0) break;
      for (const [idValue, hashValue] of q.value.rows) {
        const id = Number(idValue);
        const hash = String(hashValue);
        if (id < 0 || id > maxId) continue;
        present[id] = 1;
        if (HASH.test(hash)) table.write(hash, id * STAND_IN_BYTES, STAND_IN_BYTES, 'hex');
        else odd.set(id, Buffer.from(hash.padEnd(32, '0').slice(0, 32), 'hex'));
      }
      after = Number(q.value.rows[q.value.rows.length - 1]![0]);
    }
    return new BlobStandIns(table, present, odd);
  }

  /** Blob `id`'s stand-in, a fresh copy (undefined when there is no such blob). */
  of(id: number): Buffer | undefined {
    if (!this.present[id]) return undefined;
    return this.odd.get(id) ?? Buffer.from(this.table.subarray(id * STAND_IN_BYTES, (id + 1) * STAND_IN_BYTES));
  }

  /** Whether blob `id` here and blob `otherId` of `other` both exist with one hash. */
  same(id: number, other: BlobStandIns, otherId: number): boolean {
    if (!this.present[id] || !other.present[otherId]) return false;
    if (!this.odd.has(id) && !other.odd.has(otherId)) {
      return this.table.compare(other.table, otherId * STAND_IN_BYTES, (otherId + 1) * STAND_IN_BYTES, id * STAND_IN_BYTES, (id + 1) * STAND_IN_BYTES) === 0;
    }
    const x = this.of(id);
    const y = other.of(otherId);
    return x !== undefined && y !== undefined && x.equals(y);
  }
}
