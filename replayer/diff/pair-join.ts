/**
 * The alignment of two captures scanned in lockstep (lockstep-scan.ts), made as the
 * scan goes, keeping nothing per event.
 *
 * Model
 * - In lockstep, both captures' events of one seq get their role from one state:
 *   at every seq both have the same role and kind. While no role repeats
 *   (EventRoles.repeated: the scan gives up when one does), the hash join of
 *   align-streams.ts pairs every B seq with the same A seq, so its result can be
 *   told event by event:
 *   - a seq both have: matched, and `changed` where the keys differ, at position
 *     seq − 0.5 (the earlier of its A seq and just after the previous pair);
 *   - past the shorter capture's end, B's rest is `inserted` just after the last
 *     pair (every A role is taken by then), A's rest `deleted` at its own seq.
 *   The differences come in position order, so the op log (op-log.ts) keeps the
 *   first ones without sorting.
 * - Kept: counts per kind, the first differences, the presented frames; timing
 *   comes compared (job-timing-join.ts).
 *
 * Example: pair(1, 'hw.job', 7, 7); pair(2, 'hw.job', 8, 9); onlyB(3, 'mem.write')
 *   → matched 2, ops: changed hw.job (2/2, pos 1.5), inserted mem.write (-/3, pos 2.5)
 */
import type { EventKind } from '../../engine/trace/events';
import type { Alignment, AlignedFrame } from './align-streams';
import { OpLog } from './op-log';
import type { TimingComparison } from './timing-tracks';

export class PairJoin {
  private readonly ops = new OpLog();
  private readonly frames: AlignedFrame[] = [];
  /** Seqs both captures have (1 … common). */
  private common = 0;
  private eventsA = 0;
  private eventsB = 0;

  /** Seq `seq` of both captures (seqs come in order, all shared ones first). */
  pair(seq: number, kind: EventKind, keyA: number, keyB: number, pixelsB: number): void {
    this.common = this.eventsA = this.eventsB = seq;
    const same = keyA === keyB;
    if (!same) this.ops.add({ op: 'changed', seqA: seq, seqB: seq, kind, pos: seq - 0.5 });
    if (kind === 'frame.present') this.frames.push({ seqA: seq, seqB: seq, same, pixels: pixelsB });
  }

  /** An event only A has, past B's end. */
  onlyA(seq: number, kind: EventKind): void {
    this.eventsA = seq;
    this.ops.add({ op: 'deleted', seqA: seq, seqB: null, kind, pos: seq });
  }

  /** An event only B has, past A's end. */
  onlyB(seq: number, kind: EventKind): void {
    this.eventsB = seq;
    this.ops.add({ op: 'inserted', seqA: null, seqB: seq, kind, pos: this.common + 0.5 });
  }

  alignment(timing: TimingComparison, boNameA: Alignment['boNameA'], boNameB: Alignment['boNameB']): Alignment {
    const common = this.common;
    return {
      eventsA: this.eventsA, eventsB: this.eventsB, matched: common, ops: this.ops, frames: this.frames,
      lastPair: common > 0 ? { seqA: common, seqB: common } : null,
      aOfB: (seqB) => (seqB >= 1 && seqB <= common ? seqB : 0),
      timing, boNameA, boNameB,
    };
  }
}
