/**
 * `bisectFrame(FILE, GOLDEN, N)`: the first event of FILE after which the image that
 * FILE presents as frame N departs from what GOLDEN has in the same image — the
 * predicate "frame N matches the golden frame N", bisected on state.
 *
 * Model
 * - Frame N is the N-th `frame.present` (its `frame` field) of each capture. If the
 *   two presented images are equal, the predicate holds: nothing to bisect.
 * - The image's BO is found in FILE's state at its present: the BO of the presenting
 *   process whose bytes begin with the presented pixels (images are linear RGBA8).
 *   The same pid and handle name it in GOLDEN (same app and seed, numbered alike).
 * - Then bisect-captures.ts with that BO as the whole state (`focus`), up to FILE's
 *   present: the first event after which the BO's bytes differ from GOLDEN's at the
 *   counterpart event, which byte ranges, and the events that wrote it.
 *
 * Example: bisectFrame('bad.tfcap', 'golden.tfcap', 0)
 *   // → { ok: true, value: { identical: false, seq: 137, kind: 'mem.write', stateDiff: { bos: [{ …, differingBytes: 1 }] }, … } }
 */
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { stateAt } from '../seek';
import { bisectReaders, type BisectOptions, type BisectReport } from './bisect-captures';

export function bisectFrame(filePath: string, goldenPath: string, frame: number, options: BisectOptions = {}): Result<BisectReport> {
  const rf = openCapture(filePath);
  if (!rf.ok) return rf;
  const rg = openCapture(goldenPath);
  if (!rg.ok) {
    rf.value.close();
    return rg;
  }
  try {
    return bisectFrameReaders(rf.value, rg.value, frame, options);
  } finally {
    rf.value.close();
    rg.value.close();
  }
}

function presentOf(r: CaptureReader, frame: number): Result<{ seq: number; pid: number; rgba: Uint8Array } | undefined> {
  const ev = r.events({ kind: 'frame.present' });
  if (!ev.ok) return ev;
  const d = ev.value.find((x) => x.event.kind === 'frame.present' && x.event.frame === frame);
  if (!d || d.event.kind !== 'frame.present') return ok(undefined);
  return ok({ seq: d.seq, pid: d.event.pid, rgba: d.event.rgba });
}

export function bisectFrameReaders(file: CaptureReader, golden: CaptureReader, frame: number, options: BisectOptions = {}): Result<BisectReport> {
  const f = presentOf(file, frame);
  if (!f.ok) return f;
  const g = presentOf(golden, frame);
  if (!g.ok) return g;
  if (!f.value) return fail('bad-row', `${file.path} presents no frame ${frame}`);
  if (!g.value) return fail('bad-row', `${golden.path} presents no frame ${frame}`);
  const at = f.value;
  if (Buffer.from(at.rgba).equals(Buffer.from(g.value.rgba))) {
    return ok(identicalReport(golden, file));
  }
  const state = stateAt(file, at.seq);
  if (!state.ok) return fail('bad-row', `${file.path}: ${state.error}`);
  let handle: number | undefined;
  for (const fl of state.value.stack.kmd.files()) {
    if (fl.process.pid !== at.pid) continue;
    for (const [h, bo] of fl.bos.entries()) {
      if (bo.sizeBytes < at.rgba.length) continue;
      const bytes = state.value.stack.kmd.gem.read(bo, 0, at.rgba.length);
      if (Buffer.from(bytes).equals(Buffer.from(at.rgba))) handle = h;
    }
  }
  if (handle === undefined) return fail('bad-row', `${file.path}: no BO of pid ${at.pid} holds frame ${frame}'s pixels at its present (seq ${at.seq})`);
  return bisectReaders(golden, file, { ...options, focus: { pid: at.pid, handle, until: at.seq } });
}

function identicalReport(golden: CaptureReader, file: CaptureReader): BisectReport {
  const side = (r: CaptureReader) => {
    const m = r.meta();
    return { path: r.path, app: m.app, seed: m.seed, injectedBugs: m.injectedBugs, events: m.eventCount ?? 0 };
  };
  return {
    good: side(golden), bad: side(file), identical: true, seq: null, seqGood: null, layer: null, kind: null, object: null, text: null,
    stateDiff: null, writers: [], checkpoints: { compared: 0, lastEqualSeq: 0, firstDifferentSeq: null }, probes: [],
  };
}
