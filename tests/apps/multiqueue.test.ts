/**
 * multiqueue: the compute queue's vertices and the graphics queue's frames match the
 * CPU references; the timeline semaphore is what orders them (with the compute queue
 * kept busy, frames stay right — and go wrong once the graphics queue's timeline wait
 * is dropped); corrupted input and a wrong shader fail the checks; a run is a pure
 * function of its options and seed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { makeScene, multiqueue, sceneAt, VERTEX_GEN_SHADER } from '../../engine/apps/multiqueue';
import { imageMismatch, packRgba, renderRects } from '../../engine/apps/rect-scene';
import { Rng } from '../../engine/base/rng';
import { runApp, type RunOptions, type RunResult } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { eventStreamHash } from './frame-checks';
import { busyQueue, corruptMapping, dropTimelineWaits, layered, replaceShader, type Layer } from './vk-layers';

const COMPUTE_FAMILY = 1;
const GRAPHICS_FAMILY = 0;

/** Run, keeping the app's Rng state at start so the test can rebuild the scene. */
function run(options: RunOptions = {}, ...layers: Layer[]): { result: RunResult; rng: Rng } {
  let state: [number, number, number, number] | undefined;
  const app: App = layers.reduce<App>((a, l) => layered(a, l), multiqueue);
  const result = runApp({ ...app, run: (ctx) => ((state = ctx.rng.snapshot()), app.run(ctx)) }, options);
  const rng = new Rng(0);
  rng.restore(state!);
  return { result, rng };
}

const verdicts = (r: RunResult, prefix: string) => r.checks.filter((c) => c.name.startsWith(prefix)).map((c) => c.ok);

describe('multiqueue', () => {
  let plain: ReturnType<typeof run>;
  beforeAll(() => {
    plain = run();
  });

  it('presents 4 frames; every vertex and frame check passes and the timeline ends at 4', () => {
    const r = plain.result;
    expect(r.error).toBeUndefined();
    expect(r.frames).toHaveLength(4);
    expect(r.checks.map((c) => c.name)).toEqual([
      'vertices[0]', 'frame[0]', 'vertices[1]', 'frame[1]', 'vertices[2]', 'frame[2]', 'vertices[3]', 'frame[3]', 'timeline',
    ]);
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('the presented frames are the CPU rasterisation of the moving rectangles', () => {
    const { result, rng } = plain;
    const scene = makeScene(rng, 48, 256, 256);
    for (const f of result.frames) {
      expect(imageMismatch(f.rgba, renderRects(256, 256, packRgba(16, 20, 32), sceneAt(scene, f.frame)), 256)).toBeUndefined();
    }
    // The rectangles move: consecutive frames differ.
    expect(Buffer.from(result.frames[1]!.rgba).equals(Buffer.from(result.frames[0]!.rgba))).toBe(false);
  });

  it('the timeline semaphore orders the queues: a busy compute queue changes nothing…', () => {
    const r = run({}, busyQueue((f) => f === COMPUTE_FAMILY)).result;
    expect(r.error).toBeUndefined();
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('…but without the graphics queue’s timeline wait the draw reads stale vertices', () => {
    const r = run({}, busyQueue((f) => f === COMPUTE_FAMILY), dropTimelineWaits((f) => f === GRAPHICS_FAMILY)).result;
    expect(r.error).toBeUndefined();
    expect(verdicts(r, 'vertices')).toEqual([true, true, true, true]);
    expect(verdicts(r, 'frame')).toEqual([false, false, false, false]);
  });

  it('corrupted rectangle parameters (after the app wrote them) fail vertices and frames', () => {
    const r = run({}, corruptMapping({ mapping: 0, offsetBytes: 16, submit: 0 })).result;
    expect(r.error).toBeUndefined();
    expect(verdicts(r, 'vertices')).toEqual([false, false, false, false]);
    expect(verdicts(r, 'frame')).toEqual([false, false, false, false]);
  });

  it('a wrong vertex-generation shader (bad corner table) fails vertices and frames', () => {
    const r = run({ frames: 2 }, replaceShader(VERTEX_GEN_SHADER, VERTEX_GEN_SHADER.replace('MOVI r25, 22', 'MOVI r25, 20'))).result;
    expect(verdicts(r, 'vertices')).toEqual([false, false]);
    expect(verdicts(r, 'frame')).toEqual([false, false]);
  });

  it('the same seed gives identical frames and event streams; another seed another scene, still correct', () => {
    const traced = (seed: number) => {
      const sink = new MemorySink();
      const { result } = run({ seed, frames: 2, size: 16, width: 96, height: 64, sink });
      return { result, hash: eventStreamHash(sink.events) };
    };
    const a = traced(3);
    const b = traced(3);
    const c = traced(4);
    expect(b.hash).toBe(a.hash);
    expect(b.result.frames).toEqual(a.result.frames);
    expect(c.hash).not.toBe(a.hash);
    expect(c.result.frames[0]!.rgba).not.toEqual(a.result.frames[0]!.rgba);
    for (const x of [a, b, c]) for (const k of x.result.checks) expect(k.ok, `${k.name}: ${k.detail}`).toBe(true);
  });
});
