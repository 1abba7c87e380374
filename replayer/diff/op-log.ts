/**
 * The differences an alignment found, as a report needs them: exact counts per
 * kind and op, and only the first KEPT_OPS differences by position — a report shows
 * 200 (diff-captures.ts), bisect tries 16. One object per difference made a
 * 10M-event diff of two runs that differ every ~40 events hold hundreds of
 * thousands of them.
 *
 * Model
 * - Order is position in A's order, then B's seq (align-streams.ts): a total order,
 *   since no two differences share both. Differences may come in any order; the
 *   kept ones are the first by that order whatever the arrival order, so a log is
 *   the same as sorting every difference and keeping a prefix.
 * - Kept ones are held in a buffer of up to 2 × KEPT_OPS, sorted and cut back to
 *   KEPT_OPS when full: O(n log KEPT_OPS) for n differences, memory O(KEPT_OPS).
 *
 * Example: const log = new OpLog(); log.add({ op: 'changed', seqA: 9, seqB: 9, kind: 'hw.job', pos: 8.5 });
 *   log.total // → 1; log.first() // → [that op]; log.counts.get('hw.job') // → { inserted: 0, deleted: 0, changed: 1 }
 */
import type { EventKind } from '../../engine/trace/events';

export type OpKind = 'inserted' | 'deleted' | 'changed';

export interface AlignOp {
  readonly op: OpKind;
  readonly seqA: number | null;
  readonly seqB: number | null;
  readonly kind: EventKind;
  /** Position in A's order (align-streams.ts). */
  readonly pos: number;
}

export type OpCounts = Record<OpKind, number>;

/** How many differences a log keeps: at least what any reader shows (diff's MAX_CHANGES). */
export const KEPT_OPS = 256;

const byPosition = (x: AlignOp, y: AlignOp): number => x.pos - y.pos || (x.seqB ?? 0) - (y.seqB ?? 0);

export class OpLog {
  /** Per kind, in order of first appearance. */
  readonly counts = new Map<EventKind, OpCounts>();
  total = 0;
  private kept: AlignOp[] = [];
  private sorted = true;

  constructor(readonly keep = KEPT_OPS) {}

  add(o: AlignOp): void {
    let c = this.counts.get(o.kind);
    if (!c) this.counts.set(o.kind, (c = { inserted: 0, deleted: 0, changed: 0 }));
    c[o.op]++;
    this.total++;
    if (this.kept.length > 0 && byPosition(this.kept[this.kept.length - 1]!, o) > 0) this.sorted = false;
    // Past `keep` ops in order, a later one can never be among the first.
    if (this.sorted && this.kept.length >= this.keep) return;
    this.kept.push(o);
    if (this.kept.length >= 2 * this.keep) this.cut();
  }

  /** Differences held now (at most 2 × keep). */
  get held(): number {
    return this.kept.length;
  }

  /** The first `keep` differences by position. */
  first(): readonly AlignOp[] {
    this.cut();
    return this.kept;
  }

  private cut(): void {
    if (!this.sorted) this.kept.sort(byPosition);
    this.sorted = true;
    if (this.kept.length > this.keep) this.kept.length = this.keep;
  }
}
