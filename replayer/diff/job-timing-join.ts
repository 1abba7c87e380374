/**
 * Per-job durations of two captures matched by the job's role, keeping only the
 * `maxJobs` whose durations differ most (timing-tracks.ts's `jobs`): a lockstep
 * scan hands each finished job over as it goes, so a capture's worth of durations
 * (~230k jobs a side in a 10M-event stress capture) is never held.
 *
 * Model
 * - The order is compareTiming's: largest |durNsA − durNsB| first (a missing side
 *   counts 0), ties in first-seen order — A's jobs in the order A finished them,
 *   then jobs only B has in B's order. Jobs with equal durations on both sides are
 *   left out.
 * - A job seen on one side waits for the other side's until that side ends; in
 *   lockstep both finish a job at the same seq, so almost nothing waits.
 * - Each role is handed over at most once per side (roles are unique where this is
 *   used; compareTiming's Maps give it unique roles too).
 *
 * Example: j.add('a', 'p0…/job#0', 'g.q0', 100); j.add('b', 'p0…/job#0', 'g.q0', 130); j.end('a'); j.end('b')
 *   j.jobs((k) => k) // → [{ job: 'p0…/job#0', track: 'g.q0', durNsA: 100, durNsB: 130 }]
 */
import type { JobTiming } from './timing-tracks';

interface Waiting {
  readonly track: string;
  readonly durNs: number;
  readonly order: number;
}

interface Candidate {
  readonly job: string;
  readonly track: string;
  readonly durNsA: number | null;
  readonly durNsB: number | null;
  readonly delta: number;
  /** A's jobs first (their A order), then B-only jobs (B order offset past every A job). */
  readonly onlyB: boolean;
  readonly order: number;
}

const before = (x: Candidate, y: Candidate): boolean =>
  x.delta !== y.delta ? x.delta > y.delta : x.onlyB !== y.onlyB ? !x.onlyB : x.order < y.order;

export class JobTimingJoin {
  private readonly waiting = { a: new Map<string, Waiting>(), b: new Map<string, Waiting>() };
  private readonly ended = { a: false, b: false };
  private readonly seen = { a: 0, b: 0 };
  /** The best candidates so far, best first, at most maxJobs. */
  private readonly top: Candidate[] = [];

  constructor(readonly maxJobs = 20) {}

  add(side: 'a' | 'b', job: string, track: string, durNs: number): void {
    const other = side === 'a' ? 'b' : 'a';
    const order = this.seen[side]++;
    const match = this.waiting[other].get(job);
    if (match) {
      this.waiting[other].delete(job);
      const [a, b] = side === 'a' ? [{ track, durNs, order }, match] : [match, { track, durNs, order }];
      this.offer(job, a, b);
    } else if (this.ended[other]) {
      this.offer(job, side === 'a' ? { track, durNs, order } : undefined, side === 'b' ? { track, durNs, order } : undefined);
    } else {
      this.waiting[side].set(job, { track, durNs, order });
    }
  }

  /** No more jobs from `side`: the other side's waiting ones are its own. */
  end(side: 'a' | 'b'): void {
    this.ended[side] = true;
    const other = side === 'a' ? 'b' : 'a';
    for (const [job, w] of this.waiting[other]) this.offer(job, other === 'a' ? w : undefined, other === 'b' ? w : undefined);
    this.waiting[other].clear();
  }

  /** The kept jobs, largest difference first; `label` names a track key. */
  jobs(label: (track: string) => string): JobTiming[] {
    return this.top.map((c) => ({ job: c.job, track: label(c.track), durNsA: c.durNsA, durNsB: c.durNsB }));
  }

  private offer(job: string, a: Waiting | undefined, b: Waiting | undefined): void {
    if ((a && b && a.durNs === b.durNs) || this.maxJobs <= 0) return;
    const c: Candidate = {
      job, track: (a ?? b)!.track, durNsA: a?.durNs ?? null, durNsB: b?.durNs ?? null,
      delta: Math.abs((a?.durNs ?? 0) - (b?.durNs ?? 0)), onlyB: !a, order: a ? a.order : b!.order,
    };
    if (this.top.length >= this.maxJobs && !before(c, this.top[this.top.length - 1]!)) return;
    let i = this.top.length;
    while (i > 0 && before(c, this.top[i - 1]!)) i--;
    this.top.splice(i, 0, c);
    if (this.top.length > this.maxJobs) this.top.pop();
  }
}
