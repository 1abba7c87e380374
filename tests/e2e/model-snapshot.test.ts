/**
 * Whole-model snapshots (engine/snapshot.ts): a stack driven at the KMD level is
 * snapshotted at a quiescent point and restored into a fresh stack; the same further
 * ioctls, mmaps and memory writes applied to both give the same events, the same
 * out-arguments and the same state hashes — through GPU work, VM binds, syncobj
 * waits, a GPU fault and a timeout reset. Snapshot → restore → snapshot gives the
 * same bytes, and one byte changed in one BO changes the state hash.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { encodeStack, notQuiescent, restoreStack, snapshotStack, stateHash, type ModelSnapshot } from '../../engine/snapshot';
import { decodeSnapshot, encodeSnapshot } from '../../engine/snapshot-codec';
import { describeState } from '../../engine/state-description';
import { createStack, type Stack } from '../../engine/stack';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink, type TraceSink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { faultingStream, hangingStream, setUpCopyCompute, submitStream } from '../support/scenarios';

const TIMEOUT_NS = 2_000_000;

/** A sink whose target can be switched, so the original's continuation is collected apart. */
class Tap implements TraceSink {
  target: TraceSink = new MemorySink();
  emit(e: TraceEvent): void {
    this.target.emit(e);
  }
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Two processes; copy+compute work done; a timeline syncobj with points; a shared dma-buf. */
function prefix(stack: Stack) {
  const a = new Client(stack);
  const b = new Client(stack);
  const s = setUpCopyCompute(a);
  const group = a.groupCreate(s.vm);
  const done = a.syncobjCreate();
  const timeline = a.syncobjCreate();
  a.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done], signalPoints: [[timeline, 1]] });
  a.wait([done], { timeoutNs: 100e6 });
  const shared = a.boCreate(8192);
  const fd = a.io(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle: shared, flags: 0, fd: 0 }).fd;
  const bFd = stack.kmd.passFd(a.proc.pid, fd, b.proc.pid);
  const bShared = b.io(U.DRM_IOCTL_PRIME_FD_TO_HANDLE, { handle: 0, flags: 0, fd: bFd }).handle;
  const bVm = b.vmCreate();
  b.map(bVm, bShared, 0x80_0000, 8192);
  return { a: { pid: a.proc.pid, fd: a.fd }, b: { pid: b.proc.pid, fd: b.fd }, s, group, done, timeline, bVm };
}

type Prefix = ReturnType<typeof prefix>;

/** What both stacks do after the snapshot; returns what userspace observed. */
function continuation(stack: Stack, p: Prefix): unknown[] {
  const a = new Client(stack, { proc: stack.kmd.process(p.a.pid)!, fd: p.a.fd });
  const b = new Client(stack, { proc: stack.kmd.process(p.b.pid)!, fd: p.b.fd });
  const seen: unknown[] = [];
  // GPU work again on new input, waiting on the earlier timeline point and adding one.
  const input = new Uint8Array(p.s.input.length).map((_, i) => (i * 7) & 0xff);
  a.write(p.s.src.cpu, input);
  const done2 = a.syncobjCreate();
  a.submit(p.group, 0, 0x60_0000, p.s.streamSize, { signal: [done2], waitPoints: [[p.timeline, 1]], signalPoints: [[p.timeline, 2]] });
  seen.push(a.wait([done2], { timeoutNs: 100e6 }));
  seen.push(a.read(p.s.out.cpu, 64));
  // VM binds: map a fresh BO, write through an mmap, unmap part of it.
  const bo = a.boCreate(16384);
  a.map(p.s.vm, bo, 0x70_0000, 16384);
  const cpu = a.mmap(bo, 16384);
  a.write(cpu + 4096, new Uint8Array([1, 2, 3, 4]));
  a.unmap(p.s.vm, 0x70_0000 + 8192, 4096);
  a.map(p.s.vm, bo, 0x70_0000 + 8192, 4096, { err: Errno.EINVAL, boOffset: 16384 });
  // The other process writes the shared BO through its own VM's work: a fault on a new VM.
  const bad = submitStream(b, b.vmCreate(), 0x90_0000, faultingStream);
  seen.push(b.wait([bad.done], { timeoutNs: 100e6 }), b.groupState(bad.group));
  // A hang: the timeout resets the GPU.
  b.buffer(p.bVm, 0xb0_0000, 4096);
  const hung = submitStream(b, p.bVm, 0x90_0000, hangingStream(0xb0_0000));
  b.wait([hung.done], { timeoutNs: TIMEOUT_NS / 2, err: Errno.ETIME });
  seen.push(b.wait([hung.done], { timeoutNs: 10 * TIMEOUT_NS }), b.groupState(hung.group));
  // Work after the reset still computes the right bytes.
  const done3 = a.syncobjCreate();
  a.submit(p.group, 0, 0x60_0000, p.s.streamSize, { signal: [done3] });
  seen.push(a.wait([done3], { timeoutNs: 100e6 }), a.read(p.s.out.cpu, 64), a.groupState(p.group));
  return seen;
}

function start(): { stack: Stack; tap: Tap; p: Prefix } {
  const tap = new Tap();
  const stack = createStack({ seed: 7, sink: tap, kmd: { jobTimeoutNs: TIMEOUT_NS } });
  return { stack, tap, p: prefix(stack) };
}

/** Through the bytes, as a checkpoint stores it. */
function roundTrip(snap: ModelSnapshot): ModelSnapshot {
  const enc = encodeSnapshot(snap);
  return must(decodeSnapshot<ModelSnapshot>(enc.manifest, (h) => enc.parts.get(h)));
}

describe('whole-model snapshot / restore', () => {
  it('a restored stack continues exactly as the original: events, outputs, state hashes', () => {
    const { stack, tap, p } = start();
    expect(notQuiescent(stack)).toBeUndefined();
    const snap = roundTrip(must(snapshotStack(stack)));
    const before = must(stateHash(stack));

    const restoredSink = new MemorySink();
    const twin = must(restoreStack(snap, restoredSink));
    expect(must(stateHash(twin))).toBe(before);
    expect(describeState(twin)).toEqual(describeState(stack));

    const originalSink = new MemorySink();
    tap.target = originalSink;
    const seenOriginal = continuation(stack, p);
    const seenTwin = continuation(twin, p);

    expect(seenTwin).toEqual(seenOriginal);
    expect(originalSink.events.length).toBeGreaterThan(100);
    expect(restoredSink.events).toEqual(originalSink.events);
    const kinds = new Set(originalSink.events.map((e) => e.kind));
    for (const k of ['hw.job', 'hw.fault', 'kmd.reset', 'kmd.wait_end', 'kmd.fence_signal'] as const) expect(kinds).toContain(k);
    expect(must(stateHash(twin))).toBe(must(stateHash(stack)));
    expect(must(stateHash(stack))).not.toBe(before);
    expect(twin.gpu.memoryHash()).toBe(stack.gpu.memoryHash());
  });

  it('snapshot → restore → snapshot gives the same bytes', () => {
    const { stack } = start();
    const first = must(encodeStack(stack));
    const twin = must(restoreStack(roundTrip(must(snapshotStack(stack)))));
    const second = must(encodeStack(twin));
    expect(Buffer.from(second.manifest).equals(Buffer.from(first.manifest))).toBe(true);
    expect([...second.parts.keys()]).toEqual([...first.parts.keys()]);
    expect(second.stateHash).toBe(first.stateHash);
  });

  it('one byte changed in one BO changes the state hash; changing it back restores it', () => {
    const { stack, p } = start();
    const a = new Client(stack, { proc: stack.kmd.process(p.a.pid)!, fd: p.a.fd });
    const before = must(stateHash(stack));
    const old = a.read(p.s.mid.cpu + 100, 1);
    a.write(p.s.mid.cpu + 100, new Uint8Array([old[0]! ^ 1]));
    const changed = must(stateHash(stack));
    expect(changed).not.toBe(before);
    a.write(p.s.mid.cpu + 100, old);
    expect(must(stateHash(stack))).toBe(before);
  });

  it('refuses to snapshot with a job in flight, and says why', () => {
    const { stack, p } = start();
    const a = new Client(stack, { proc: stack.kmd.process(p.a.pid)!, fd: p.a.fd });
    a.submit(p.group, 0, 0x60_0000, p.s.streamSize);
    expect(notQuiescent(stack)).toBe('jobs are queued or in flight');
    const r = snapshotStack(stack);
    expect(r.ok).toBe(false);
  });

  it('describes BOs, VMs, syncobjs, groups and slots as plain data', () => {
    const { stack, p } = start();
    const d = describeState(stack);
    const srcMapping = d.vms.find((v) => v.mappings.some((m) => m.va === 0x10_0000))!;
    expect(srcMapping.handles).toEqual([{ pid: p.a.pid, file: 1, handle: p.s.vm }]);
    const src = d.bos.find((b) => b.id === srcMapping.mappings.find((m) => m.va === 0x10_0000)!.bo)!;
    expect(src.vmMappings).toEqual([{ vm: srcMapping.id, va: 0x10_0000, sizeBytes: src.sizeBytes, boOffsetBytes: 0 }]);
    expect(src.cpuMappings).toHaveLength(1);
    const shared = d.bos.find((b) => b.handles.length === 2)!;
    expect(shared.handles.map((h) => h.pid)).toEqual([p.a.pid, p.b.pid]);
    const timeline = d.syncobjs.find((s) => s.handles.some((h) => h.handle === p.timeline))!;
    expect(timeline).toMatchObject({ binary: false, payload: 1, lastSubmitted: 1 });
    expect(d.groups).toHaveLength(1);
    expect(d.groups[0]).toMatchObject({ pid: p.a.pid, state: 0, queues: [{ index: 0, pendingJobs: 0, inflightJobs: 0 }] });
    expect(d.slots).toHaveLength(4);
  });
});
