/**
 * Determinism is the product: the same scenario and seed give byte-identical event
 * streams and memory; a different seed changes only what cost-model.ts documents
 * it changes — engine job durations, hence timestamps and the interleaving of
 * concurrent work — and never what the GPU computed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStack } from '../../engine/stack';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { setUpCopyCompute } from '../support/scenarios';
import { drawSquare } from '../support/scenarios';

/**
 * Canonical text of an event. Without time, timestamps and durations are dropped, and
 * so are the argument bytes of SYNCOBJ_*WAIT: the app computes their absolute
 * deadline from the clock, so they are time too.
 */
function canonical(e: TraceEvent, withTime: boolean): string {
  const clockDerived = !withTime && e.kind === 'kmd.ioctl' && e.name.includes('WAIT');
  return JSON.stringify(e, (key, value: unknown) => {
    if (!withTime && (key === 'tsNs' || key === 'durNs')) return undefined;
    if (clockDerived && (key === 'argIn' || key === 'argOut')) return undefined;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
    return value;
  });
}

function streamHash(events: readonly TraceEvent[], withTime = true): string {
  const h = createHash('sha256');
  for (const e of events) h.update(canonical(e, withTime)).update('\n');
  return h.digest('hex');
}

/** Three processes at once: copy+compute, a draw, and a faulting stream, all overlapping on the GPU. */
function concurrentScenario(seed: number) {
  const sink = new MemorySink();
  const stack = createStack({ seed, sink });
  const a = new Client(stack);
  const b = new Client(stack);
  const s = setUpCopyCompute(a);
  const group = a.groupCreate(s.vm);
  const done = a.syncobjCreate();
  a.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
  const pixels = drawSquare(b);
  a.wait([done], { timeoutNs: 100e6 });
  return { events: sink.events, memory: stack.gpu.memoryHash(), out: a.read(s.out.cpu, s.expected.length), pixels };
}

function sequentialScenario(seed: number) {
  const sink = new MemorySink();
  const stack = createStack({ seed, sink });
  const c = new Client(stack);
  const s = setUpCopyCompute(c);
  const group = c.groupCreate(s.vm);
  for (let i = 0; i < 3; i++) {
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    c.wait([done], { timeoutNs: 100e6 });
  }
  return { events: sink.events, memory: stack.gpu.memoryHash() };
}

describe('determinism', () => {
  it('the same seed gives byte-identical event streams and memory', () => {
    const one = concurrentScenario(7);
    const two = concurrentScenario(7);
    expect(one.events.length).toBeGreaterThan(50);
    expect(streamHash(two.events)).toBe(streamHash(one.events));
    expect(two.memory).toBe(one.memory);
  });

  it('a different seed changes job durations and timestamps, never results', () => {
    const one = concurrentScenario(1);
    const two = concurrentScenario(2);
    expect(two.memory).toBe(one.memory);
    expect(two.out).toEqual(one.out);
    expect(two.pixels).toEqual(one.pixels);
    const durations = (r: typeof one) => r.events.filter((e) => e.kind === 'hw.job').map((e) => e.durNs);
    expect(durations(two)).not.toEqual(durations(one));
    // Every ioctl answered the same, with the same bytes copied out.
    const ioctls = (r: typeof one) => r.events.filter((e) => e.kind === 'kmd.ioctl').map((e) => canonical(e, false));
    expect(ioctls(two)).toEqual(ioctls(one));
  });

  it('with no concurrency, a different seed changes only times', () => {
    const one = sequentialScenario(1);
    const two = sequentialScenario(2);
    expect(streamHash(two.events)).not.toBe(streamHash(one.events));
    expect(streamHash(two.events, false)).toBe(streamHash(one.events, false));
    expect(two.memory).toBe(one.memory);
  });
});
