/**
 * The registry of benchmark metrics that `npm run bench` runs, in this order.
 *
 * To add one: write a `Metric` (see harness.ts) in the module it measures or in a
 * file beside this one, import it here and append it to `metrics`. Names are
 * snake_case with the unit in them and must be unique (checked at start-up).
 */
import { Rng } from '../engine/base/rng.js';
import { Sim } from '../engine/base/sim.js';
import { blobCompressionRatio, blobDedupRatio, bytesPerEvent, ingestEventsPerS, ingestVsRawSqliteRatio, rawSqliteEventsPerS } from './capture-metrics.js';
import { memoryTrackingOverheadRatio, vkcubeEventsPerFrame, vkcubeFramesPerS } from './app-metrics.js';
import { recordOverheadRatio } from './record-metrics.js';
import { bisect1mS, diff1mPeakRssMb, diff1mS } from './diff-metrics.js';
import { exportEventsPerS, exportMbPerS, exportPeakRssMb, rawScanEventsPerS } from './export-metrics.js';
import { eventPageMsMedian, timelineIndexBuildS, timelineQueryFullMs, timelineQueryMsMedian } from './api-metrics.js';
import { firstPaintMs } from './ui-metrics.js';
import { loadP99Ms, loadRequestsPerS } from './load-metrics.js';
import { diff10mPeakRssMb, export10mPeakRssMb, record10mPeakRssMb, replay10mPeakRssMb } from './large-metrics.js';
import { csInstructionsPerS, ioctlsPerS, pixelsPerS, shaderInstructionsPerS } from './engine-metrics.js';
import { validateRegistry, type Metric } from './harness.js';

const SIM_TIMERS = 200_000;

/**
 * The virtual clock's raw speed: schedule 200k timers at seeded random times over
 * one virtual second (an eighth of them cancelled, as the KMD's timeouts mostly
 * are), then run the queue dry. Counts dispatched callbacks per wall-clock second,
 * scheduling included — that is the cost every simulated event pays.
 */
export const simEventsPerS: Metric = {
  name: 'sim_events_per_s',
  unit: 'events/s',
  doc: `engine/base/sim.ts: schedule ${SIM_TIMERS} timers (1/8 cancelled), run to completion`,
  run() {
    const rng = new Rng(1);
    const atNs = Array.from({ length: SIM_TIMERS }, () => rng.below(1_000_000_000));
    let fired = 0;
    const onFire = (): void => {
      fired++;
    };

    const t0 = performance.now();
    const sim = new Sim();
    for (let i = 0; i < SIM_TIMERS; i++) {
      const timer = sim.at(atNs[i]!, 'bench', onFire);
      if ((i & 7) === 7) sim.cancel(timer);
    }
    sim.runUntil(() => false, Infinity);
    const seconds = (performance.now() - t0) / 1e3;

    const expected = SIM_TIMERS - (SIM_TIMERS >> 3);
    if (fired !== expected || sim.dispatched !== expected) {
      throw new Error(`sim dispatched ${sim.dispatched} callbacks (${fired} fired), expected ${expected}`);
    }
    return fired / seconds;
  },
};

export const metrics: readonly Metric[] = validateRegistry([
  simEventsPerS, csInstructionsPerS, shaderInstructionsPerS, pixelsPerS, ioctlsPerS,
  vkcubeFramesPerS, vkcubeEventsPerFrame, memoryTrackingOverheadRatio,
  ingestEventsPerS, rawSqliteEventsPerS, ingestVsRawSqliteRatio, bytesPerEvent, blobDedupRatio, blobCompressionRatio,
  recordOverheadRatio, exportEventsPerS, exportMbPerS, exportPeakRssMb, rawScanEventsPerS,
  timelineIndexBuildS, timelineQueryMsMedian, timelineQueryFullMs, eventPageMsMedian, firstPaintMs,
  loadRequestsPerS, loadP99Ms, diff1mS, diff1mPeakRssMb, bisect1mS,
  record10mPeakRssMb, replay10mPeakRssMb, export10mPeakRssMb, diff10mPeakRssMb,
]);
