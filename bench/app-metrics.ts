/**
 * App-level metrics (issue: apps): vkcube through the whole stack — UMD, KMD,
 * hardware model — as a user runs it. Frame rates are steady state: the time from
 * the first presented frame to the last, so device and pipeline set-up do not count.
 */
import { vkcube } from '../engine/apps/vkcube';
import { runApp } from '../engine/session';
import type { TraceEvent } from '../engine/trace/events';
import type { TrackingMode } from '../engine/umd/memory-tracking';
import { median, type Metric } from './harness';

const FRAMES = 20;

/** Wall-clock seconds between consecutive presents (FRAMES − 1 intervals). */
function vkcubeFrameIntervals(tracking: TrackingMode): number[] {
  const presentedAt: number[] = [];
  const r = runApp(vkcube, { frames: FRAMES, width: 256, height: 256, tracking, keepFrames: false, onFrame: () => void presentedAt.push(performance.now()) });
  if (r.error !== undefined || presentedAt.length !== FRAMES) throw new Error(`vkcube presented ${presentedAt.length}/${FRAMES} frames: ${r.error ?? ''}`);
  return presentedAt.slice(1).map((t, i) => (t - presentedAt[i]!) / 1e3);
}

export const vkcubeFramesPerS: Metric = {
  name: 'vkcube_frames_per_s',
  unit: 'frames/s',
  doc: `vkcube 256×256, ${FRAMES} frames, tracking 'shadow', no sink: steady-state presented frames per wall-clock second`,
  run() {
    const intervals = vkcubeFrameIntervals('shadow');
    return intervals.length / intervals.reduce((a, b) => a + b, 0);
  },
};

export const vkcubeEventsPerFrame: Metric = {
  name: 'vkcube_events_per_frame',
  unit: 'events',
  doc: `trace events (all layers) per vkcube frame in steady state (presents 1…${FRAMES - 1}): what a capture stores per frame`,
  run() {
    const presents: number[] = [];
    let count = 0;
    const sink = {
      emit(e: TraceEvent): void {
        if (e.kind === 'frame.present') presents.push(count);
        count++;
      },
    };
    const r = runApp(vkcube, { frames: FRAMES, sink, keepFrames: false });
    if (r.error !== undefined || presents.length !== FRAMES) throw new Error(`vkcube presented ${presents.length}/${FRAMES} frames: ${r.error ?? ''}`);
    // From frame 1's present on: by then both frame slots have allocated their command-buffer BOs.
    return (presents[FRAMES - 1]! - presents[1]!) / (FRAMES - 2);
  },
};

/**
 * Dirty tracking's cost: vkcube's steady-state frame time with 'shadow' tracking
 * (compare every mapped byte at each submit, publish changed blocks as events)
 * over 'off' (copy every mapped byte, no events). Both are measured in the same
 * run, alternating, three runs of each; the ratio is of the median frame intervals,
 * which a GC pause in one frame does not move.
 */
export const memoryTrackingOverheadRatio: Metric = {
  name: 'memory_tracking_overhead_ratio',
  unit: '×',
  doc: `vkcube 256×256 median frame time, tracking 'shadow' ÷ 'off' (3 alternating runs of ${FRAMES} frames each)`,
  run() {
    const shadow: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < 3; i++) {
      shadow.push(...vkcubeFrameIntervals('shadow'));
      off.push(...vkcubeFrameIntervals('off'));
    }
    return median(shadow) / median(off);
  },
};
