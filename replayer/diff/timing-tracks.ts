/**
 * Timing, kept apart from what diff compares: per queue, how many jobs ran and
 * their total time on the GPU (kmd.job_started → kmd.job_finished, virtual ns), and
 * per job the same duration, matched across captures by the job's role.
 *
 * Model
 * - A queue is named by role (the group's creating ioctl and the queue index), so
 *   the same queue of two runs is one track; its label is the first capture's
 *   numbering (`pid 100 group 1 queue 0`).
 * - A different seed moves every duration by up to 2 % (engine/hw/cost-model.ts):
 *   that shows here and nowhere else in a diff.
 *
 * - A collector either keeps every job's duration (`jobs`) or hands each over as
 *   it finishes (`onJob`: a lockstep scan matches them as it goes,
 *   job-timing-join.ts, so a capture's worth is never held).
 *
 * Example: tracks(a, b)
 *   // → [{ track: 'pid 100 group 1 queue 0', jobsA: 3, jobsB: 3, totalDurNsA: 181220, totalDurNsB: 183004 }]
 */
import type { TraceEvent } from '../../engine/trace/events';
import type { NormalisedEvent } from './capture-normaliser';
import { JobTimingJoin } from './job-timing-join';

export interface TimingTrack {
  readonly track: string;
  readonly jobsA: number;
  readonly jobsB: number;
  readonly totalDurNsA: number;
  readonly totalDurNsB: number;
}

export interface JobTiming {
  readonly job: string;
  readonly track: string;
  readonly durNsA: number | null;
  readonly durNsB: number | null;
}

interface Track { label: string; jobs: number; totalDurNs: number }

/** A collector's results as plain data (what a scan worker sends back). */
export interface TimingData {
  readonly tracks: readonly [string, Track][];
  readonly jobs: readonly [string, { track: string; durNs: number }][];
}

export class TimingCollector {
  readonly tracks = new Map<string, Track>();
  /** Job role → duration (empty with `onJob`). */
  readonly jobs = new Map<string, { track: string; durNs: number }>();
  private readonly jobTrack = new Map<number, { key: string; role: string }>();
  private readonly started = new Map<number, number>();

  /** `onJob`: every finished job's role, track key and duration, handed over instead of kept. */
  constructor(private readonly onJob?: (job: string, track: string, durNs: number) => void) {}

  data(): TimingData {
    return { tracks: [...this.tracks], jobs: [...this.jobs] };
  }

  static from(d: TimingData): TimingCollector {
    const c = new TimingCollector();
    for (const [k, t] of d.tracks) c.tracks.set(k, t);
    for (const [k, j] of d.jobs) c.jobs.set(k, j);
    return c;
  }

  visit(e: TraceEvent, n: NormalisedEvent): void {
    switch (e.kind) {
      case 'kmd.job_queued': {
        const key = `${String(n.view.group)}.q${e.queue}`;
        if (!this.tracks.has(key)) this.tracks.set(key, { label: `pid ${e.pid} group ${e.group} queue ${e.queue}`, jobs: 0, totalDurNs: 0 });
        this.jobTrack.set(e.jobId, { key, role: n.role });
        return;
      }
      case 'kmd.job_started':
        this.started.set(e.jobId, e.tsNs);
        return;
      case 'kmd.job_finished': {
        const t = this.jobTrack.get(e.jobId);
        const start = this.started.get(e.jobId);
        if (!t || start === undefined) return;
        const track = this.tracks.get(t.key)!;
        const durNs = e.tsNs - start;
        track.jobs++;
        track.totalDurNs += durNs;
        if (this.onJob) this.onJob(t.role, t.key, durNs);
        else this.jobs.set(t.role, { track: t.key, durNs });
        this.jobTrack.delete(e.jobId);
        this.started.delete(e.jobId);
        return;
      }
      default:
    }
  }
}

/** Both captures' timing as a report shows it: tracks, and the jobs whose durations differ most. */
export interface TimingComparison {
  readonly tracks: TimingTrack[];
  readonly jobs: JobTiming[];
}

/** Both captures' tracks, matched by role; and the jobs whose durations differ most (at most `maxJobs`). */
export function compareTiming(a: TimingCollector, b: TimingCollector, maxJobs = 20): TimingComparison {
  const join = new JobTimingJoin(maxJobs);
  for (const [role, j] of a.jobs) join.add('a', role, j.track, j.durNs);
  join.end('a');
  for (const [role, j] of b.jobs) join.add('b', role, j.track, j.durNs);
  join.end('b');
  return compareTracks(a, b, join);
}

/** The tracks of both collectors, and the jobs `join` kept, labelled by track. */
export function compareTracks(a: TimingCollector, b: TimingCollector, join: JobTimingJoin): TimingComparison {
  const keys = [...new Set([...a.tracks.keys(), ...b.tracks.keys()])];
  const label = (k: string): string => a.tracks.get(k)?.label ?? b.tracks.get(k)?.label ?? k;
  const tracks = keys.map((k) => ({
    track: label(k), jobsA: a.tracks.get(k)?.jobs ?? 0, jobsB: b.tracks.get(k)?.jobs ?? 0,
    totalDurNsA: a.tracks.get(k)?.totalDurNs ?? 0, totalDurNsB: b.tracks.get(k)?.totalDurNs ?? 0,
  }));
  return { tracks, jobs: join.jobs(label) };
}
