/**
 * stress: every submission's copy and dispatch land where they should, from one thread
 * or several; the workload (and the event stream) scales with `size`; with
 * `--threads 4` the seed decides the interleaving — the same seed gives the same event
 * stream byte for byte, another seed another order of submits and memory writes, with
 * every result still correct; corrupted staging data and a wrong shader fail the checks.
 */
import { describe, expect, it } from 'vitest';
import { STRESS_SHADER, stress, submissionsOf } from '../../engine/apps/stress';
import { runApp, type RunOptions, type RunResult } from '../../engine/session';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { eventStreamHash } from './frame-checks';
import { corruptMapping, layered, replaceShader, type Layer } from './vk-layers';

function run(options: RunOptions, layer?: Layer): { result: RunResult; events: TraceEvent[] } {
  const sink = new MemorySink();
  const result = runApp(layer ? layered(stress, layer) : stress, { sink, ...options });
  return { result, events: sink.events };
}

/** The group handle of every successful GROUP_SUBMIT, in order: which thread's queue submitted when. */
function submitOrder(events: readonly TraceEvent[]): number[] {
  return events.flatMap((e) => (e.kind === 'kmd.ioctl' && e.name === 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT' && e.errno === 0 ? [new DataView(e.argIn.buffer, e.argIn.byteOffset).getUint32(0, true)] : []));
}

const allPass = (r: RunResult) => {
  expect(r.error).toBeUndefined();
  for (const c of r.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
};

describe('stress', () => {
  it('splits `size` submissions over the threads', () => {
    expect([0, 1, 2, 3].map((t) => submissionsOf(10, 4, t))).toEqual([3, 3, 2, 2]);
    expect(submissionsOf(2000, 1, 0)).toBe(2000);
  });

  it('one thread: every copy and dispatch result is right, one submit and one memory write per submission', () => {
    const { result, events } = run({ size: 300 });
    allPass(result);
    expect(result.checks.map((c) => c.name)).toEqual(['thread[0]']);
    expect(submitOrder(events)).toHaveLength(300);
    // 16 bytes per submission reach the GPU as recorded memory writes (plus command streams).
    const payloadWrites = events.filter((e) => e.kind === 'mem.write' && e.bytes.length <= 64);
    expect(payloadWrites.length).toBeGreaterThanOrEqual(300);
  });

  it('the event stream grows with `size`', () => {
    const small = run({ size: 100 }).events.length;
    const large = run({ size: 400 }).events.length;
    expect(large).toBeGreaterThan(3.5 * small);
    expect(large / 400).toBeGreaterThan(15); // events per submission: ioctl, jobs, irqs, mmio, fences, writes
  });

  it('--threads 4: same seed, same interleaving and byte-identical events; another seed, another interleaving, same results', () => {
    const a = run({ size: 400, threads: 4, seed: 1 });
    const b = run({ size: 400, threads: 4, seed: 1 });
    const c = run({ size: 400, threads: 4, seed: 2 });
    for (const r of [a, b, c]) {
      allPass(r.result);
      expect(r.result.checks.map((k) => k.name).sort()).toEqual(['thread[0]', 'thread[1]', 'thread[2]', 'thread[3]']);
    }
    expect(eventStreamHash(b.events)).toBe(eventStreamHash(a.events));
    const orderA = submitOrder(a.events);
    const orderC = submitOrder(c.events);
    expect(submitOrder(b.events)).toEqual(orderA);
    expect(orderC).not.toEqual(orderA);
    // Each thread has its own queue (group) and made its 100 submissions either way.
    const perGroup = (order: number[]) => [...new Set(order)].sort().map((g) => order.filter((x) => x === g).length);
    expect(perGroup(orderA)).toEqual([100, 100, 100, 100]);
    expect(perGroup(orderC)).toEqual([100, 100, 100, 100]);
    // The threads really interleave: the submit order switches queues many times.
    const switches = orderA.filter((g, i) => i > 0 && g !== orderA[i - 1]).length;
    expect(switches).toBeGreaterThan(100);
  });

  it('staging data corrupted after the thread wrote it fails that thread’s check', () => {
    const { result } = run({ size: 50 }, corruptMapping({ mapping: 0, offsetBytes: 4, submit: 0 }));
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([['thread[0]', false]]);
    expect(result.checks[0]!.detail).toMatch(/^submission 0 word 1:/);
  });

  it('a wrong shader fails every thread', () => {
    const { result } = run({ size: 40, threads: 2 }, replaceShader(STRESS_SHADER, STRESS_SHADER.replace('MOVI r9, 3', 'MOVI r9, 5')));
    expect(result.checks.map((c) => c.ok)).toEqual([false, false]);
  });
});
