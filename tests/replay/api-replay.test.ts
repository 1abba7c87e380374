/**
 * API-level replay of real captures: every built-in app, recorded and replayed
 * through the same stack, regenerates the recorded stream event for event (causal
 * links included) and outputs verification finds nothing; a replay whose UMD numbers
 * its handles differently still shows the app the same frames, read-backs and
 * results; a recorded call the UMD cannot take is a divergence, not a crash.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../engine/apps/app';
import { APPS } from '../../engine/apps/catalogue';
import type { ApiCallEvent, TraceEvent } from '../../engine/trace/events';
import { openCapture } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';
import { replayApi } from '../../replayer/api-replay';
import { OutputsVerifier } from '../../replayer/verify-outputs';
import { allEvents, firstDifference, recordCapture, replayAll } from '../support/api-replay';
import { tempDir, testInfo } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Small runs: two frames of 32×32, stress and streaming with little work. */
const SMALL: Readonly<Record<string, Partial<AppOptions>>> = {
  stress: { size: 64, threads: 2 },
  streaming: { size: 16 },
  compute: { size: 64 },
};
const optionsFor = (app: string): Partial<AppOptions> => ({ seed: 7, frames: 2, width: 32, height: 32, ...SMALL[app] });

describe.each(APPS.map((a) => a.name))('%s replayed at API level', (app) => {
  const reader = recordCapture(app, optionsFor(app), tmp.path(`${app}.tfcap`));

  it('regenerates the recorded stream event for event, and outputs verification is clean', () => {
    const recorded = allEvents(reader);
    const r = replayAll(reader);
    expect(r.run.error).toBeUndefined();
    expect(r.run.stopped).toBe(false);
    expect(r.run.handles).toEqual({ renumbered: 0, unbound: 0, conflicts: [] });
    expect(r.run.memWrites.unapplied).toBe(0);
    expect(r.run.calls).toBe(recorded.filter((d) => d.event.kind === 'api.call').length);
    expect(firstDifference(recorded, r.events)).toBeUndefined();
    expect(r.events.length).toBe(recorded.length);
    expect(r.outputs.divergences).toEqual([]);
    expect(r.outputs.compared).toBe(recorded.filter((d) => ['api.return', 'frame.present', 'mem.read'].includes(d.event.kind)).length);
  });
});

describe('handle remapping', () => {
  it.each(['sharing', 'vkcube'])('%s: a UMD numbering handles from 101 shows the app the same outputs', (app) => {
    const reader = recordCapture(app, optionsFor(app), tmp.path(`${app}-remap.tfcap`));
    const recorded = allEvents(reader);
    const r = replayAll(reader, { firstHandle: () => 101 });
    expect(r.run.error).toBeUndefined();
    expect(r.run.handles.conflicts).toEqual([]);
    expect(r.run.handles.unbound).toBe(0);
    expect(r.run.handles.renumbered).toBeGreaterThan(10);
    expect(r.outputs.divergences).toEqual([]);
    // The numbers really changed: the first recorded call taking a handle got another one.
    const firstDeviceCall = (events: readonly TraceEvent[]) => events.find((e): e is ApiCallEvent => e.kind === 'api.call' && e.name === 'vkGetDeviceQueue');
    expect(firstDeviceCall(recorded.map((d) => d.event))?.args[0]).toBe(1);
    expect(firstDeviceCall(r.events.map((e) => e.event))?.args[0]).toBe(101);
    // Frames and read-backs are byte-for-byte the recorded ones.
    const frames = (events: readonly TraceEvent[]) => events.filter((e) => e.kind === 'frame.present' || e.kind === 'mem.read');
    expect(frames(r.events.map((e) => e.event))).toEqual(frames(recorded.map((d) => d.event)).map(renumberMemory));
    // A strict comparison does see the renumbering: vkCreateInstance returned 101, not 1.
    expect(firstDifference(recorded, r.events)?.recorded?.kind).toBe('api.return');
  });

  /** mem.read names the VkDeviceMemory: 1 → 101 etc. in the renumbered run. */
  function renumberMemory(e: TraceEvent): TraceEvent {
    return e.kind === 'mem.read' ? { ...e, memory: e.memory + 100 } : e;
  }
});

describe('calls the current UMD cannot take', () => {
  it('an entry point the UMD lacks and a bad handle are divergences, not exceptions', () => {
    const path = tmp.path('hand-made.tfcap');
    const w = CaptureWriter.create(path, testInfo('hand-made'));
    if (!w.ok) throw new Error(w.error.message);
    const op = (op: 'spawn' | 'open', result: number) => ({ kind: 'kmd.process_op' as const, tsNs: 0, pid: 100, op, arg: 0, offset: 0, lengthBytes: 0, result });
    const call = (name: string, args: unknown[]) => ({ kind: 'api.call' as const, tsNs: 0, pid: 100, name, args });
    const ret = (name: string, result: number | null) => ({ kind: 'api.return' as const, tsNs: 0, durNs: 0, pid: 100, name, result, value: null, message: '' });
    for (const e of [op('spawn', 100), op('open', 3), call('vkFrobnicate', [1]), ret('vkFrobnicate', 0), call('vkDeviceWaitIdle', [7]), ret('vkDeviceWaitIdle', 0)]) w.value.append(e);
    expect(w.value.finish('complete').ok).toBe(true);
    const opened = openCapture(path);
    if (!opened.ok) throw new Error(opened.error.message);

    const v = new OutputsVerifier(opened.value, { keepGoing: true });
    const run = replayApi(opened.value, { sink: v });
    expect(run.ok && run.value.error).toBe(undefined);
    expect(run.ok && run.value.calls).toBe(2);
    v.finish();
    expect(v.divergences.map((d) => [d.seq, d.kind, d.fields.map((f) => `${f.path}: ${f.expected} → ${f.actual}`)])).toEqual([
      [4, 'api.return', ['result: VK_SUCCESS (0) → void']],
      [6, 'api.return', ['result: VK_SUCCESS (0) → VK_ERROR_VALIDATION_FAILED_EXT (-1000011001)']],
    ]);
    expect(v.divergences[0]!.actual).toMatchObject({ message: 'this UMD has no entry point vkFrobnicate' });
    // Recorded VkDevice 7 was never created in this run: it is passed as -1, which no table holds.
    expect(run.ok && run.value.handles.unbound).toBe(1);
  });

  it('stops where asked, and reports nothing past it', () => {
    const reader = recordCapture('triangle', optionsFor('triangle'), tmp.path('stop.tfcap'));
    let calls = 0;
    const seqs: number[] = [];
    const run = replayApi(reader, { sink: { emit() {} }, shouldStop: () => calls++ >= 5, onProgress: (seq) => seqs.push(seq) });
    expect(run.ok && run.value.stopped).toBe(true);
    expect(run.ok && run.value.calls).toBe(5);
    expect(seqs).toHaveLength(5);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
