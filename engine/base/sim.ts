/**
 * The virtual clock: a discrete-event simulation in nanoseconds.
 *
 * Model: every block that acts over time (CS slots, engines, the KMD's timers)
 * schedules callbacks at absolute virtual times. `runUntil` pops them in order of
 * (time, insertion sequence), so two runs with the same inputs execute the same
 * callbacks in the same order — there is no wall clock and no host timer anywhere.
 *
 * Invariants:
 * - time never goes backwards; scheduling in the past runs "now";
 * - ties run in scheduling order (FIFO), which is what makes runs reproducible;
 * - a cancelled timer is skipped lazily, so cancel is O(1).
 *
 * Snapshot: the clock and the dispatch count only. Pending callbacks are closures and
 * cannot be stored; a model snapshot is taken where every pending callback is one its
 * owner re-creates on restore (engine/snapshot.ts), and `restore` starts from an
 * empty queue. Insertion sequence numbers only order ties among pending entries, so
 * re-created entries keep their relative order by being re-created in it.
 *
 * Rejected alternative: a process-per-block coroutine model. It reads nicer but makes
 * snapshot/restore of in-flight state impossible, and replay needs checkpoints.
 */
export interface Timer {
  readonly atNs: number;
  readonly label: string;
  cancelled: boolean;
}

interface Entry extends Timer {
  readonly seq: number;
  readonly fn: () => void;
}

export interface SimState {
  readonly nowNs: number;
  readonly dispatched: number;
}

export class Sim {
  private heap: Entry[] = [];
  private seq = 0;
  private now = 0;
  /** Callbacks run so far; a cheap progress measure and a guard against livelock. */
  dispatched = 0;

  get nowNs(): number {
    return this.now;
  }

  /** Schedule `fn` at absolute time `atNs` (clamped to now). */
  at(atNs: number, label: string, fn: () => void): Timer {
    const entry: Entry = { atNs: Math.max(atNs, this.now), label, fn, seq: this.seq++, cancelled: false };
    this.push(entry);
    return entry;
  }

  after(delayNs: number, label: string, fn: () => void): Timer {
    return this.at(this.now + delayNs, label, fn);
  }

  cancel(timer: Timer | undefined): void {
    if (timer) timer.cancelled = true;
  }

  /** Time of the next pending callback, or Infinity. */
  nextAtNs(): number {
    this.dropCancelled();
    return this.heap.length ? this.heap[0]!.atNs : Infinity;
  }

  /**
   * Run callbacks in order until `done()` holds (checked before each callback) or the
   * next callback lies past `deadlineNs`. The clock then stands at the time `done`
   * became true, or at the deadline. Returns whether `done()` holds.
   */
  runUntil(done: () => boolean, deadlineNs: number): boolean {
    for (;;) {
      if (done()) return true;
      this.dropCancelled();
      const next = this.heap[0];
      if (!next || next.atNs > deadlineNs) {
        if (deadlineNs !== Infinity) this.now = Math.max(this.now, deadlineNs);
        return done();
      }
      this.pop();
      this.now = next.atNs;
      this.dispatched++;
      next.fn();
    }
  }

  /** Advance the clock to `tNs`, running everything due on the way. */
  advanceTo(tNs: number): void {
    this.runUntil(() => false, tNs);
  }

  /** Live timers in the order they will run. */
  pendingTimers(): Timer[] {
    return this.heap.filter((e) => !e.cancelled).sort((a, b) => (before(a, b) ? -1 : 1));
  }

  snapshot(): SimState {
    return { nowNs: this.now, dispatched: this.dispatched };
  }

  /** Set the clock and drop every pending callback (their owners re-create what they need). */
  restore(s: SimState): void {
    this.heap = [];
    this.now = s.nowNs;
    this.dispatched = s.dispatched;
  }

  /** Number of live timers (for tests and idle detection). */
  pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      const tmp = heap[i]!;
      heap[i] = heap[parent]!;
      heap[parent] = tmp;
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        const tmp = heap[i]!;
        heap[i] = heap[m]!;
        heap[m] = tmp;
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}
