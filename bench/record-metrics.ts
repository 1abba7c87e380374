/**
 * Recorder metrics (issue: recorder and capture format).
 *
 * - record_overhead_ratio: vkcube, 10 frames, seed 1, recorded by recordApp to a
 *   temporary file (the engine emitting into CaptureWriter, finish and indexes
 *   included) ÷ the same run with no sink. Both are timed alternately, ITERATIONS
 *   times each in one run, and the ratio is of their medians, so a slow moment
 *   of the machine hits both sides.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appByName } from '../engine/apps/catalogue';
import { runApp } from '../engine/session';
import { recordApp } from '../recorder/record-session';
import { median, type Metric } from './harness';

const ITERATIONS = 5;
const RUN = { frames: 10, seed: 1 } as const;

export const recordOverheadRatio: Metric = {
  name: 'record_overhead_ratio',
  unit: '×',
  target: { max: 1.3 },
  doc: `vkcube ${RUN.frames} frames: recordApp to a temp file ÷ runApp without a sink, medians of ${ITERATIONS} alternating runs`,
  run() {
    const app = appByName('vkcube')!;
    const dir = mkdtempSync(join(tmpdir(), 'tracefold-bench-'));
    try {
      const plain: number[] = [];
      const recorded: number[] = [];
      runApp(app, { ...RUN, keepFrames: false }); // warm-up: JIT and module state
      for (let i = 0; i < ITERATIONS; i++) {
        let t0 = performance.now();
        const r = runApp(app, { ...RUN, keepFrames: false });
        plain.push(performance.now() - t0);
        if (r.error !== undefined) throw new Error(r.error);
        t0 = performance.now();
        const rec = recordApp(app, RUN, join(dir, `vkcube-${i}.tfcap`), { engineVersion: 'bench' });
        recorded.push(performance.now() - t0);
        if (!rec.ok) throw new Error(rec.error.message);
        if (rec.value.state !== 'complete') throw new Error(`recording ended ${rec.value.state}: ${rec.value.error}`);
      }
      return median(recorded) / median(plain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
