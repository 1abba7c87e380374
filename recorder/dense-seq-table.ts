/**
 * id → seq for the counters the engine numbers densely from 1 (ioctl ids, job ids,
 * a fence context's seqnos): a growable Float64Array indexed by id, 8 bytes an id,
 * where a Map<number, number> costs ~30–40. The causal linker keeps one entry per
 * ioctl, job and fence of a whole recording (a 10M-event stress run has ~0.9M
 * ioctls and ~0.5M jobs and fences), so this is what keeps its memory small.
 * Ids that are not small non-negative integers go to a Map, so any id works.
 *
 * Example: `t.set(3, 17); t.get(3)` → 17; `t.get(4)` → undefined; `t.delete(3)`.
 */
/** Ids at or above this go to the Map (an array of 2^24 slots is 128 MiB). */
const MAX_DENSE_ID = 1 << 24;
/** Marks an empty slot (seqs are positive). */
const EMPTY = 0;

export class DenseSeqTable {
  private slots = new Float64Array(1024);
  private readonly sparse = new Map<number, number>();

  get(id: number): number | undefined {
    if (!isDense(id)) return this.sparse.get(id);
    const v = id < this.slots.length ? this.slots[id]! : EMPTY;
    return v === EMPTY ? this.sparse.get(id) : v;
  }

  set(id: number, seq: number): void {
    if (!isDense(id) || seq === EMPTY) {
      if (isDense(id) && id < this.slots.length) this.slots[id] = EMPTY;
      this.sparse.set(id, seq);
      return;
    }
    if (id >= this.slots.length) {
      let size = this.slots.length * 2;
      while (size <= id) size *= 2;
      const grown = new Float64Array(size);
      grown.set(this.slots);
      this.slots = grown;
    }
    this.slots[id] = seq;
  }

  delete(id: number): void {
    if (isDense(id) && id < this.slots.length) this.slots[id] = EMPTY;
    this.sparse.delete(id);
  }
}

function isDense(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < MAX_DENSE_ID;
}
