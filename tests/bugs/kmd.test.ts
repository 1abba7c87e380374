/**
 * The KMD bugs of the catalogue (engine/bugs.ts), driven with raw ioctls through the
 * IGT-style client so each scenario controls exactly what the kernel sees: the same
 * scenario runs on a correct kernel (right result) and with the bug injected through
 * KmdConfig.bugs (a specific wrong result: bytes, fault state, or a wake-up that the
 * trace shows came too early).
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { GROUP_STATE_FATAL_FAULT } from '../../engine/kmd/sched';
import * as U from '../../engine/kmd/uapi';
import type { StackOptions } from '../../engine/stack';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { GpuProbe, PAGE, queryPoint } from '../support/igt';
import { userStream } from '../support/streams';

function client(bugs: readonly string[], options: StackOptions = {}): { c: Client; sink: MemorySink } {
  const sink = new MemorySink();
  return { c: Client.create({ ...options, sink, kmd: { ...options.kmd, bugs: new Set(bugs) } }), sink };
}

function readU32(c: Client, addr: number): number {
  return new DataView(c.read(addr, 4).buffer).getUint32(0, true);
}

function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return b;
}

/**
 * A job that copies `copyBytes` (1 MiB ≈ 65 µs on the DMA engine, far longer than an
 * ioctl) inside a 0x21_0000-byte buffer at `base`, then stores `value` at `storeVa`
 * (default: base + 0x100, CPU address `resultCpu`).
 */
function slowStore(c: Client, vm: number, base: number, value: number, e: { storeVa?: number; copyBytes?: number } = {}) {
  const buf = c.buffer(vm, base, 0x21_0000);
  const cs = userStream([
    ['MOV48', { d: 0, imm: base + 0x11_0000 }],
    ['MOV48', { d: 2, imm: base + 0x1_0000 }],
    ['MOV48', { d: 4, imm: e.copyBytes ?? 0x10_0000 }],
    ['COPY', { dst: 0, src: 2, size: 4 }],
    ['BARRIER'],
    ['MOV48', { d: 6, imm: e.storeVa ?? base + 0x100 }],
    ['MOV32', { r: 8, imm: value }],
    ['STORE', { r: 8, a: 6, count: 0, offset: 0 }],
  ]);
  c.write(buf.cpu + 0xc000, cs);
  return { va: base + 0xc000, size: cs.length, resultCpu: buf.cpu + 0x100 };
}

/** A stream at `va` (its own one-page buffer): copy the word at `fromVa` to `toVa` through registers. */
function copyWordStream(c: Client, vm: number, va: number, fromVa: number, toVa: number) {
  const buf = c.buffer(vm, va, PAGE);
  const cs = userStream([
    ['MOV48', { d: 0, imm: fromVa }],
    ['LOAD', { r: 2, a: 0, count: 0, offset: 0 }],
    ['MOV48', { d: 4, imm: toVa }],
    ['STORE', { r: 2, a: 4, count: 0, offset: 0 }],
  ]);
  c.write(buf.cpu, cs);
  return { va, size: cs.length };
}

const jobIds = (events: readonly TraceEvent[]): number[] => events.flatMap((e) => (e.kind === 'kmd.job_queued' ? [e.jobId] : []));
const startedAt = (events: readonly TraceEvent[], jobId: number): number =>
  events.find((e) => e.kind === 'kmd.job_started' && e.jobId === jobId)!.tsNs;
const finishedAt = (events: readonly TraceEvent[], jobId: number): number =>
  events.find((e) => e.kind === 'kmd.job_finished' && e.jobId === jobId)!.tsNs;
const signalledAt = (events: readonly TraceEvent[], jobId: number): number =>
  events.find((e) => e.kind === 'kmd.fence_signal' && e.jobId === jobId)!.tsNs;

/** Run the GPU until the kernel has nothing left to do. */
function drain(c: Client): void {
  c.stack.sim.runUntil(() => c.stack.kmd.idle(), c.stack.sim.nowNs + 100e6);
}

function timelineWait(c: Client, handle: number, point: number, e: { timeoutNs?: number; err?: number } = {}): void {
  c.io(U.DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, {
    handles: c.u32s([handle]), points: c.u64s([point]), count_handles: 1,
    timeout_nsec: c.stack.sim.nowNs + (e.timeoutNs ?? 100e6), flags: U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
  }, { err: e.err ?? 0 });
}

describe('KMD bugs', () => {
  describe('early-signal', () => {
    function scenario(bugs: readonly string[]) {
      const { c, sink } = client(bugs);
      const vm = c.vmCreate();
      const job = slowStore(c, vm, 0x100_0000, 0x5eed);
      const group = c.groupCreate(vm);
      const done = c.syncobjCreate();
      c.submit(group, 0, job.va, job.size, { signal: [done] });
      c.wait([done], { timeoutNs: 100e6 });
      const wokeAt = c.stack.sim.nowNs;
      const seen = readU32(c, job.resultCpu);
      drain(c);
      const [id] = jobIds(sink.events);
      return { seen, later: readU32(c, job.resultCpu), wokeAt, signalled: signalledAt(sink.events, id!), finished: finishedAt(sink.events, id!) };
    }

    it('signals the syncobj at submit: the waiter wakes while the job runs and reads old memory', () => {
      const good = scenario([]);
      expect(good.seen).toBe(0x5eed);
      expect(good.signalled).toBe(good.finished);
      expect(good.wokeAt).toBeGreaterThanOrEqual(good.finished);

      const bad = scenario(['early-signal']);
      expect(bad.seen).toBe(0); // the job's store has not happened yet
      expect(bad.later).toBe(0x5eed); // ... it does, after the fence said "done"
      // The fence signalled during the submit ioctl, ~65 µs before the job finished.
      expect(bad.finished - bad.signalled).toBeGreaterThan(60_000);
      expect(bad.wokeAt).toBeLessThan(bad.finished);
    });
  });

  describe('unmap-stale-tlb', () => {
    const X = 0x100_0000;

    /**
     * The GPU writes a page of BO A at X (its TLB now caches X → A's page); X is unmapped
     * and A freed; B, a new BO never mapped on the GPU, gets A's page. Then the GPU
     * writes at X again.
     */
    function scenario(bugs: readonly string[]) {
      const { c } = client(bugs);
      const vm = c.vmCreate();
      const probe = new GpuProbe(c, vm); // creates its group and buffers first: no map after the unmap
      const a = c.buffer(vm, X, PAGE);
      expect(probe.fill(X, 64, 0x1111_1111)).toBe(0);
      expect(readU32(c, a.cpu)).toBe(0x1111_1111);
      c.unmap(vm, X, PAGE);
      expect(c.stack.kmd.munmap(c.proc.pid, a.cpu)).toBe(0);
      c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: a.bo });
      const b = c.boCreate(PAGE);
      const bCpu = c.mmap(b, PAGE);
      const state = probe.fill(X, 64, 0x2222_2222);
      return { state, vmState: c.vmState(vm), bFirstWord: readU32(c, bCpu) };
    }

    it('the GPU keeps writing through the stale translation, into pages now owned by another BO', () => {
      const good = scenario([]);
      expect(good.state).toBe(GROUP_STATE_FATAL_FAULT); // TRANSLATION fault at X
      expect(good.vmState).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
      expect(good.bFirstWord).toBe(0);

      const bad = scenario(['unmap-stale-tlb']);
      expect(bad.state).toBe(0); // no fault
      expect(bad.vmState).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
      expect(bad.bFirstWord).toBe(0x2222_2222); // B was corrupted by a write to an unmapped VA
    });
  });

  describe('bind-one-page-short', () => {
    const X = 0x100_0000;

    function scenario(bugs: readonly string[]) {
      const { c, sink } = client(bugs);
      const vm = c.vmCreate();
      const probe = new GpuProbe(c, vm);
      const buf = c.buffer(vm, X, 3 * PAGE);
      const state = probe.fill(X, 3 * PAGE, 0x7777_7777);
      const faults = sink.events.flatMap((e) => (e.kind === 'hw.fault' ? [e] : []));
      return { state, faults, lastPage: readU32(c, buf.cpu + 2 * PAGE), vmState: c.vmState(vm) };
    }

    it('the mapping ends a page early: a FILL over the whole buffer faults on its last page', () => {
      const good = scenario([]);
      expect(good.state).toBe(0);
      expect(good.faults).toEqual([]);
      expect(good.lastPage).toBe(0x7777_7777);

      const bad = scenario(['bind-one-page-short']);
      expect(bad.state).toBe(GROUP_STATE_FATAL_FAULT);
      expect(bad.vmState).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
      // The first two pages took the FILL; the first byte of the third is where it stopped.
      expect(bad.faults.map((f) => [f.fault, f.va, f.access])).toEqual([['TRANSLATION', X + 2 * PAGE, 'write']]);
    });
  });

  describe('sched-ignore-wait', () => {
    const S = 0x800_0000; // the word the producer writes and the consumer reads
    const OUT = S + 0x100;
    const V = 0xc0ffee;

    /**
     * Two slots. `filler` (optional) is a 256 KiB copy that holds one slot for ~17 µs;
     * the producer copies 1 MiB (queued behind it on the DMA engine) and then stores V
     * at S, signalling `link`; the consumer waits on `link` and copies S to OUT.
     */
    function scenario(bugs: readonly string[], filler: boolean) {
      const { c, sink } = client(bugs, { gpu: { csSlots: 2 } });
      const vm = c.vmCreate();
      const shared = c.buffer(vm, S, PAGE);
      c.write(shared.cpu + 0x100, u32(0xeeee_eeee));
      const fill = slowStore(c, vm, 0x100_0000, 1, { copyBytes: 0x4_0000 });
      const producer = slowStore(c, vm, 0x200_0000, V, { storeVa: S });
      const consumer = copyWordStream(c, vm, 0x300_0000, S, OUT);
      const [gFill, gProducer, gConsumer] = [c.groupCreate(vm), c.groupCreate(vm), c.groupCreate(vm)];
      const link = c.syncobjCreate();
      const done = c.syncobjCreate();
      if (filler) c.submit(gFill, 0, fill.va, fill.size);
      c.submit(gProducer, 0, producer.va, producer.size, { signal: [link] });
      c.submit(gConsumer, 0, consumer.va, consumer.size, { wait: [link], signal: [done] });
      c.wait([done], { timeoutNs: 100e6 });
      drain(c);
      const ids = jobIds(sink.events);
      const [p, k] = ids.slice(-2) as [number, number];
      return { out: readU32(c, shared.cpu + 0x100), consumerStart: startedAt(sink.events, k), producerEnd: finishedAt(sink.events, p) };
    }

    it('under slot pressure the consumer runs before the producer it waits on', () => {
      const good = scenario([], true);
      expect(good.out).toBe(V);
      expect(good.consumerStart).toBeGreaterThanOrEqual(good.producerEnd);

      const bad = scenario(['sched-ignore-wait'], true);
      expect(bad.out).toBe(0); // S before the producer's store
      expect(bad.consumerStart).toBeLessThan(bad.producerEnd);
    });

    it('with a free slot the injected scheduler still orders them (the bug needs pressure)', () => {
      const calm = scenario(['sched-ignore-wait'], false);
      expect(calm.out).toBe(V);
      expect(calm.consumerStart).toBeGreaterThanOrEqual(calm.producerEnd);
    });
  });

  describe('timeline-out-of-order', () => {
    /**
     * Point 1 comes from a slow job (1 MiB copy, then a store), point 2 from a fast one
     * on another group, submitted after it: point 2's fence signals first.
     */
    function scenario(bugs: readonly string[]) {
      const { c, sink } = client(bugs);
      const vm = c.vmCreate();
      const slow = slowStore(c, vm, 0x100_0000, 0x5eed);
      const fast = copyWordStream(c, vm, 0x300_0000, 0x300_0000, 0x300_0800);
      const [g1, g2] = [c.groupCreate(vm), c.groupCreate(vm)];
      const tl = c.syncobjCreate();
      const fastDone = c.syncobjCreate();
      c.submit(g1, 0, slow.va, slow.size, { signalPoints: [[tl, 1]] });
      c.submit(g2, 0, fast.va, fast.size, { signal: [fastDone], signalPoints: [[tl, 2]] });
      c.wait([fastDone], { timeoutNs: 100e6 });
      const payloadAfterPoint2 = queryPoint(c, tl);
      timelineWait(c, tl, 1);
      const wokeAt = c.stack.sim.nowNs;
      const seen = readU32(c, slow.resultCpu);
      drain(c);
      const [slowJob] = jobIds(sink.events);
      return { payloadAfterPoint2, wokeAt, seen, slowFinished: finishedAt(sink.events, slowJob!), finalPayload: queryPoint(c, tl) };
    }

    it('a waiter on point 1 wakes when point 2 signals, before point 1\'s work is done', () => {
      const good = scenario([]);
      expect(good.payloadAfterPoint2).toBe(0); // point 1 still pending
      expect(good.wokeAt).toBeGreaterThanOrEqual(good.slowFinished);
      expect(good.seen).toBe(0x5eed);
      expect(good.finalPayload).toBe(2);

      const bad = scenario(['timeline-out-of-order']);
      expect(bad.payloadAfterPoint2).toBe(2); // QUERY claims points 1 and 2 are done
      expect(bad.wokeAt).toBeLessThan(bad.slowFinished); // the too-early wake
      expect(bad.seen).toBe(0); // point 1's store has not happened
      expect(bad.finalPayload).toBe(2);
    });

    it('a zero-timeout wait on the pending point times out on a correct kernel and succeeds with the bug', () => {
      for (const [bugs, err] of [[[], Errno.ETIME], [['timeline-out-of-order'], 0]] as const) {
        const { c } = client(bugs);
        const vm = c.vmCreate();
        const slow = slowStore(c, vm, 0x100_0000, 1);
        const fast = copyWordStream(c, vm, 0x300_0000, 0x300_0000, 0x300_0800);
        const [g1, g2] = [c.groupCreate(vm), c.groupCreate(vm)];
        const tl = c.syncobjCreate();
        c.submit(g1, 0, slow.va, slow.size, { signalPoints: [[tl, 1]] });
        c.submit(g2, 0, fast.va, fast.size, { signalPoints: [[tl, 2]] });
        c.stack.sim.runUntil(() => false, c.stack.sim.nowNs + 10_000); // the fast job is done, the slow one is not
        timelineWait(c, tl, 1, { timeoutNs: 0, err });
      }
    });
  });
});
