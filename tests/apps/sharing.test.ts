/**
 * sharing: two processes share a window through a dma-buf and timeline syncobjs. The
 * imported window and the composited frames match the CPU references; the buffer and
 * the syncobjs really cross the process boundary (PRIME and syncobj fds in the
 * trace); the shared `ready` syncobj is what orders the compositor after the client;
 * corrupted client input and a wrong compositing shader fail the checks; a run is a
 * pure function of its options and seed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { imageMismatch } from '../../engine/apps/rect-scene';
import { COMPOSITE_FRAGMENT_SHADER, compositeReference, makeLayout, sharing } from '../../engine/apps/sharing';
import { Rng } from '../../engine/base/rng';
import { runApp, type RunOptions, type RunResult } from '../../engine/session';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { eventStreamHash } from './frame-checks';
import { busyQueue, corruptMapping, dropTimelineWaits, layered, replaceShader, type Layer } from './vk-layers';

/** Apply `layer` to the client process only (the one the app spawns). */
const clientOnly = (layer: Layer): Layer => (vk, pid, ctx) => (pid === ctx.pid ? vk : layer(vk, pid, ctx));
const compositorOnly = (layer: Layer): Layer => (vk, pid, ctx) => (pid === ctx.pid ? layer(vk, pid, ctx) : vk);

function run(options: RunOptions = {}, ...layers: Layer[]): { result: RunResult; rng: Rng; events: TraceEvent[] } {
  let state: [number, number, number, number] | undefined;
  const app: App = layers.reduce<App>((a, l) => layered(a, l), sharing);
  const sink = new MemorySink();
  const result = runApp({ ...app, run: (ctx) => ((state = ctx.rng.snapshot()), app.run(ctx)) }, { sink, ...options });
  const rng = new Rng(0);
  rng.restore(state!);
  return { result, rng, events: sink.events };
}

const verdicts = (r: RunResult) => Object.fromEntries(r.checks.map((c) => [c.name, c.ok]));
const ioctls = (events: readonly TraceEvent[], name: string) => events.flatMap((e) => (e.kind === 'kmd.ioctl' && e.name === name && e.errno === 0 ? [e.pid] : []));

describe('sharing', () => {
  let plain: ReturnType<typeof run>;
  beforeAll(() => {
    plain = run();
  });

  it('presents 3 frames; the window, the composite and the mapped dma-buf all match', () => {
    const r = plain.result;
    expect(r.error).toBeUndefined();
    expect(r.frames).toHaveLength(3);
    expect(r.checks.map((c) => c.name)).toEqual(['window[0]', 'composite[0]', 'window[1]', 'composite[1]', 'window[2]', 'composite[2]', 'mapped']);
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('the presented frames are the CPU composition of the client’s window', () => {
    const layout = makeLayout(plain.rng, plain.result.options);
    for (const f of plain.result.frames) expect(imageMismatch(f.rgba, compositeReference(layout, f.frame), layout.width)).toBeUndefined();
  });

  it('the buffer and the syncobjs cross processes as fds: exported by one pid, imported by the other', () => {
    const { events, result } = plain;
    const pids = [...new Set(events.flatMap((e) => (e.kind === 'kmd.ioctl' ? [e.pid] : [])))];
    expect(pids).toHaveLength(2);
    expect(result.frames).toHaveLength(3);
    const compositor = events.flatMap((e) => (e.kind === 'frame.present' ? [e.pid] : []))[0];
    const client = pids.find((p) => p !== compositor)!;
    expect(ioctls(events, 'DRM_IOCTL_PRIME_HANDLE_TO_FD')).toEqual([client]);
    expect(ioctls(events, 'DRM_IOCTL_PRIME_FD_TO_HANDLE')).toEqual([compositor]);
    expect(ioctls(events, 'DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD').sort()).toEqual([client, compositor].sort());
    expect(ioctls(events, 'DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE').sort()).toEqual([client, compositor].sort());
  });

  it('the shared `ready` syncobj orders the compositor: a late client changes nothing…', () => {
    const r = run({}, clientOnly(busyQueue(() => true))).result;
    expect(r.error).toBeUndefined();
    for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('…but a compositor that does not wait for it composites a half-drawn window', () => {
    const r = run({}, clientOnly(busyQueue(() => true)), compositorOnly(dropTimelineWaits(() => true))).result;
    expect(r.error).toBeUndefined();
    // The compositor samples the window while the client is still drawing it (cleared, rectangles
    // missing); its later copy of the window, after its own draw, finds the client done.
    expect(verdicts(r)).toMatchObject({ 'composite[0]': false, 'composite[1]': false, 'window[0]': true, 'window[1]': true });
    expect(r.checks.find((c) => c.name === 'composite[0]')!.detail).toMatch(/got #ecece4ff/);
  });

  it('client vertices corrupted after the client wrote them fail that frame only', () => {
    const r = run({}, clientOnly(corruptMapping({ mapping: 0, offsetBytes: 0, submit: 0 }))).result;
    expect(r.error).toBeUndefined();
    expect(verdicts(r)).toEqual({ 'window[0]': false, 'composite[0]': false, 'window[1]': true, 'composite[1]': true, 'window[2]': true, 'composite[2]': true, mapped: true });
  });

  it('a wrong compositing shader (red reads green) fails the composite, not the window', () => {
    const wrong = COMPOSITE_FRAGMENT_SHADER.replace('MOVI r12, 0\n', 'MOVI r12, 8\n');
    const r = run({ frames: 1 }, replaceShader(COMPOSITE_FRAGMENT_SHADER, wrong)).result;
    expect(verdicts(r)).toEqual({ 'window[0]': true, 'composite[0]': false, mapped: true });
  });

  it('the same seed gives identical frames and event streams; another seed another run, still correct', () => {
    const traced = (seed: number) => {
      const { result, events } = run({ seed, frames: 2, width: 64, height: 48 });
      return { result, hash: eventStreamHash(events) };
    };
    const a = traced(8);
    const b = traced(8);
    const c = traced(9);
    expect(b.hash).toBe(a.hash);
    expect(b.result.frames).toEqual(a.result.frames);
    expect(c.hash).not.toBe(a.hash);
    expect(c.result.frames[0]!.rgba).not.toEqual(a.result.frames[0]!.rgba);
    for (const x of [a, b, c]) for (const k of x.result.checks) expect(k.ok, `${k.name}: ${k.detail}`).toBe(true);
  });
});
