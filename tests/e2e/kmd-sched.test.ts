/**
 * The scheduler under pressure: more queues than hardware slots, group priorities,
 * and dependencies between jobs through syncobjs (binary and timeline) — checked on
 * the trace (what started when) and on memory (what each job computed).
 */
import { userStream } from '../support/streams';
import { describe, expect, it } from 'vitest';
import * as U from '../../engine/kmd/uapi';
import { createStack } from '../../engine/stack';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { Client } from '../support/client';

/** A stream that copies 1 MiB (≈65 µs on the DMA engine, far longer than an ioctl) and then stores `value`. */
function storeStream(c: Client, vm: number, base: number, value: number): { va: number; size: number; resultCpu: number } {
  const buf = c.buffer(vm, base, 0x21_0000);
  const cs = userStream([
    ['MOV48', { d: 0, imm: base + 0x11_0000 }],
    ['MOV48', { d: 2, imm: base + 0x1_0000 }],
    ['MOV48', { d: 4, imm: 0x10_0000 }],
    ['COPY', { dst: 0, src: 2, size: 4 }],
    ['BARRIER'],
    ['MOV48', { d: 6, imm: base + 0x100 }],
    ['MOV32', { r: 8, imm: value }],
    ['STORE', { r: 8, a: 6, count: 0, offset: 0 }],
  ]);
  c.write(buf.cpu + 0xc000, cs);
  return { va: base + 0xc000, size: cs.length, resultCpu: buf.cpu + 0x100 };
}

const started = (events: readonly TraceEvent[]): number[] => events.flatMap((e) => (e.kind === 'kmd.job_started' ? [e.jobId] : []));
const finishedAt = (events: readonly TraceEvent[], jobId: number): number => events.find((e) => e.kind === 'kmd.job_finished' && e.jobId === jobId)!.tsNs;
const startedAt = (events: readonly TraceEvent[], jobId: number): number => events.find((e) => e.kind === 'kmd.job_started' && e.jobId === jobId)!.tsNs;

describe('scheduler', () => {
  it('runs more queues than hardware slots to completion, higher priority first', () => {
    const sink = new MemorySink();
    const stack = createStack({ sink, gpu: { csSlots: 2 } });
    const c = new Client(stack, { privileged: true });
    const vm = c.vmCreate();
    const jobs = [0, 1, 2, 3, 4, 5].map((i) => storeStream(c, vm, 0x100_0000 * (i + 1), 100 + i));
    const priorities = [0, 0, 0, 0, 2, 3]; // the last two are HIGH and REALTIME
    const groups = priorities.map((p) => c.groupCreate(vm, { priority: p }));
    // Submit while the CPU holds the clock, so all six compete for two slots at once.
    const done = jobs.map(() => c.syncobjCreate());
    jobs.forEach((j, i) => c.submit(groups[i]!, 0, j.va, j.size, { signal: [done[i]!] }));
    c.wait(done, { timeoutNs: 100e6 });
    jobs.forEach((j, i) => expect(new DataView(c.read(j.resultCpu, 4).buffer).getUint32(0, true)).toBe(100 + i));
    const order = started(sink.events);
    expect(order).toHaveLength(6);
    // Jobs 1 and 2 got the two free slots at submit; of the rest, REALTIME (6) and HIGH (5) go before LOW (3, 4).
    expect(order.slice(0, 2)).toEqual([1, 2]);
    expect(order.slice(2, 4)).toEqual([6, 5]);
    expect(order.slice(4)).toEqual([3, 4]);
  });

  it('orders a job after the job whose syncobj it waits on, across groups', () => {
    const sink = new MemorySink();
    const c = new Client(createStack({ sink }));
    const vm = c.vmCreate();
    const a = storeStream(c, vm, 0x100_0000, 1);
    const b = storeStream(c, vm, 0x200_0000, 2);
    const ga = c.groupCreate(vm);
    const gb = c.groupCreate(vm);
    const link = c.syncobjCreate();
    const end = c.syncobjCreate();
    // B is submitted first but must wait for A.
    const binary = c.syncobjCreate();
    c.submit(gb, 0, b.va, b.size, { wait: [link], signal: [end], err: 22 /* EINVAL: nothing to wait on yet */ });
    c.submit(ga, 0, a.va, a.size, { signal: [link, binary] });
    c.submit(gb, 0, b.va, b.size, { wait: [link], signal: [end] });
    c.wait([end, binary], { timeoutNs: 100e6 });
    const jobA = 1;
    const jobB = 2;
    expect(startedAt(sink.events, jobB)).toBeGreaterThanOrEqual(finishedAt(sink.events, jobA));
  });

  it('timeline points: a job waiting on point 2 runs only after the job signalling point 2', () => {
    const sink = new MemorySink();
    const c = new Client(createStack({ sink }));
    const vm = c.vmCreate();
    const s1 = storeStream(c, vm, 0x100_0000, 1);
    const s2 = storeStream(c, vm, 0x200_0000, 2);
    const s3 = storeStream(c, vm, 0x300_0000, 3);
    const [g1, g2, g3] = [c.groupCreate(vm), c.groupCreate(vm), c.groupCreate(vm)];
    const tl = c.syncobjCreate();
    c.submit(g1, 0, s1.va, s1.size, { signalPoints: [[tl, 1]] });
    c.submit(g2, 0, s2.va, s2.size, { signalPoints: [[tl, 2]] });
    c.submit(g3, 0, s3.va, s3.size, { waitPoints: [[tl, 2]], signalPoints: [[tl, 3]] });
    c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, {
      handles: c.u32s([tl]), points: c.u64s([3]), count_handles: 1, timeout_nsec: stack(c) + 100e6, flags: U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
    });
    expect(startedAt(sink.events, 3)).toBeGreaterThanOrEqual(Math.max(finishedAt(sink.events, 1), finishedAt(sink.events, 2)));
    const points = c.u64s([0]);
    c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([tl]), points, count_handles: 1 });
    expect(new DataView(c.read(points, 8).buffer).getBigUint64(0, true)).toBe(3n);
  });
});

function stack(c: Client): number {
  return c.stack.sim.nowNs;
}
