/**
 * A Map that keeps only what a scan set recently: the normaliser's state that later
 * events name (a cause's role by seq, a parent's child counters, an ioctl's or a
 * job's role by id, the names of ioctl and job ids and fences) is needed, in
 * practice, for a few hundred events — kept for a whole capture it made a
 * 10M-event diff hold ~1.3 GB.
 *
 * Model
 * - Entries are filed in generations of `generationEvents` seqs by when they were
 *   last set; `advance(seq)` starts a new generation when the scan reaches it and
 *   forgets the one before the previous. So an entry is kept for at least
 *   `generationEvents` events after it was last set (and at most twice that).
 * - Forgetting must never change a result: the owner asks `mayHaveForgotten` on a
 *   miss (or compares a parent's seq with `horizon`) and, when it cannot tell a
 *   forgotten entry from one never set, declares the scan lost; the scan is then
 *   redone keeping everything (`generationEvents` Infinity, the default).
 *
 * Example: const m = new RecentMap<number, string>(4); m.advance(1); m.set(1, 'a');
 *   m.advance(9); m.get(1) // → undefined, m.mayHaveForgotten(1) // → true
 */
export class RecentMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  /** First seq of the current generation. */
  private start = 0;
  private forgotAny = false;
  /** The largest numeric key forgotten so far (ids grow, so a smaller one may be forgotten too). */
  private maxForgotten = -Infinity;

  constructor(readonly generationEvents = Infinity) {}

  /** Entries last set at or after this seq are surely kept. */
  get horizon(): number {
    return this.start - this.generationEvents;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  advance(seq: number): void {
    if (seq < this.start + this.generationEvents) return;
    const start = seq - (seq % this.generationEvents);
    const kept = start - this.generationEvents === this.start ? this.current : undefined;
    this.forget(this.previous);
    if (!kept) this.forget(this.current);
    this.previous = kept ?? new Map();
    this.current = new Map();
    this.start = start;
  }

  get(key: K): V | undefined {
    const v = this.current.get(key);
    return v !== undefined ? v : this.previous.get(key);
  }

  set(key: K, value: V): void {
    this.current.set(key, value);
  }

  /** Whether a miss for `key` may be an entry forgotten (numeric keys: any not above the largest forgotten). */
  mayHaveForgotten(key: K): boolean {
    return typeof key === 'number' ? key <= this.maxForgotten : this.forgotAny;
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }

  private forget(m: Map<K, V>): void {
    if (m.size === 0) return;
    this.forgotAny = true;
    for (const k of m.keys()) if (typeof k === 'number' && k > this.maxForgotten) this.maxForgotten = k;
  }
}
