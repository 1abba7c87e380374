/**
 * Building blocks for the uAPI tests (tests/uapi), on top of the IGT-style Client:
 *
 * - `ioctlAt`: an ioctl with an arbitrary argp or request number, for EFAULT and
 *   size-versioning tests the typed helpers cannot express.
 * - `GpuProbe`: "is this VA readable / writable by the GPU, and with which bytes?",
 *   answered by running a real COPY or FILL job in the VM and reading the result back
 *   through a CPU mapping. A probe that faults reports the group state instead.
 * - `Gate`: a fence the test controls. A job on queue 0 of a private group WAITs on a
 *   sync word until `release()` submits a SYNC_SET of it from queue 1, so "a dependency
 *   that has not signalled yet" can be held across any number of ioctls. (Everything
 *   the CPU signals itself signals at once, and a long GPU job would finish while the
 *   test issues ioctls.) Hold a gate for microseconds, not for the 500 ms job timeout.
 */
import { userStream } from './streams';
import { Errno } from '../../engine/base/errno';
import { encodeCs, SYNC_CONDITIONS } from '../../engine/hw/cs-isa';
import type { IoctlDef } from '../../engine/kmd/uapi/ioc';
import type { FieldSpec } from '../../engine/kmd/uapi/struct';
import * as U from '../../engine/kmd/uapi';
import type { Client } from './client';

export const PAGE = 4096;

/** The ioctl `def` (or a raw `request`) with `argp` as given: 0 or the positive errno. */
export function ioctlAt(c: Client, def: IoctlDef<readonly FieldSpec[]> | number, argp: number, fd = c.fd): number {
  const request = typeof def === 'number' ? def : def.request;
  const ret = c.stack.kmd.ioctl(c.proc.pid, fd, request, argp);
  return ret === 0 ? 0 : -ret;
}

/** Bytes filled with `value`. */
export function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

/** Deterministic non-trivial bytes. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

type CsOps = Parameters<typeof encodeCs>[0];

/**
 * Runs small command streams in one VM: a stream BO at `baseVa` and a read-back BO
 * at `baseVa + 1 MiB`, both in the user range of the VM, and a one-queue group.
 */
export class GpuProbe {
  private readonly stream: { bo: number; cpu: number };
  readonly out: { bo: number; cpu: number };
  readonly group: number;
  private next = 0;
  static readonly STREAM_BYTES = 64 * 1024;
  static readonly OUT_BYTES = 64 * 1024;

  constructor(
    private readonly c: Client,
    readonly vm: number,
    readonly baseVa = 0x7000_0000,
  ) {
    this.stream = c.buffer(vm, baseVa, GpuProbe.STREAM_BYTES);
    this.out = c.buffer(vm, this.outVa, GpuProbe.OUT_BYTES);
    this.group = c.groupCreate(vm);
  }

  get outVa(): number {
    return this.baseVa + 0x10_0000;
  }

  /** Write `ops` as a fresh 64-byte-aligned stream; its VA and size. */
  place(ops: CsOps): { va: number; size: number } {
    const cs = userStream(ops);
    const off = this.next;
    this.next = (off + Math.ceil(cs.length / 64) * 64) % GpuProbe.STREAM_BYTES;
    this.c.write(this.stream.cpu + off, cs);
    return { va: this.baseVa + off, size: cs.length };
  }

  /** Submit `ops` on the probe's group and wait; the group state after (0 = healthy). */
  run(ops: CsOps, e: { wait?: number[]; signal?: number[]; timeoutNs?: number } = {}): number {
    const s = this.place(ops);
    const done = this.c.syncobjCreate();
    this.c.submit(this.group, 0, s.va, s.size, { wait: e.wait, signal: [done, ...(e.signal ?? [])] });
    this.c.wait([done], { timeoutNs: e.timeoutNs ?? 10e6 });
    return this.c.groupState(this.group).state;
  }

  /** The GPU's view of [va, va+size) (size ≤ 64 KiB), or undefined if the read faulted. */
  read(va: number, size: number): Uint8Array | undefined {
    this.c.write(this.out.cpu, filled(size, 0xee));
    const state = this.run([
      ['MOV48', { d: 0, imm: this.outVa }],
      ['MOV48', { d: 2, imm: va }],
      ['MOV48', { d: 4, imm: size }],
      ['COPY', { dst: 0, src: 2, size: 4 }],
      ['BARRIER'],
    ]);
    return state === 0 ? this.c.read(this.out.cpu, size) : undefined;
  }

  /** GPU FILL of [va, va+size) with a 32-bit pattern; the group state after. */
  fill(va: number, size: number, value: number): number {
    return this.run([
      ['MOV48', { d: 0, imm: va }],
      ['MOV48', { d: 2, imm: size }],
      ['MOV32', { r: 4, imm: value >>> 0 }],
      ['FILL', { dst: 0, size: 2, value: 4 }],
      ['BARRIER'],
    ]);
  }
}

const GATE_VA = 0x10_0000;

export class Gate {
  /** Binary syncobj the gate's job signals (unless other signals were given). */
  readonly syncobj: number;
  private readonly group: number;
  private readonly streamVa = GATE_VA + PAGE;
  private readonly releaseSize: number;

  constructor(
    private readonly c: Client,
    e: { signal?: number[]; signalPoints?: [number, number][] } = {},
  ) {
    const vm = c.vmCreate();
    c.buffer(vm, GATE_VA, PAGE); // the sync word, zeroed
    const stream = c.buffer(vm, this.streamVa, PAGE);
    const waitCs = encodeCs([
      ['MOV48', { d: 0, imm: GATE_VA }],
      ['MOV48', { d: 2, imm: 1 }],
      ['WAIT', { a: 0, v: 2, cond: SYNC_CONDITIONS.indexOf('GE') }],
    ]);
    const releaseCs = encodeCs([
      ['MOV48', { d: 0, imm: GATE_VA }],
      ['MOV48', { d: 2, imm: 1 }],
      ['SYNC_SET', { a: 0, v: 2, irq: 0 }],
    ]);
    c.write(stream.cpu, waitCs);
    c.write(stream.cpu + 64, releaseCs);
    this.releaseSize = releaseCs.length;
    this.group = c.groupCreate(vm, { queues: 2 });
    this.syncobj = c.syncobjCreate();
    const signal = e.signal ?? (e.signalPoints ? [] : [this.syncobj]);
    c.submit(this.group, 0, this.streamVa, waitCs.length, { signal, signalPoints: e.signalPoints });
  }

  /** Let the gated job finish (its fences signal once the GPU gets to it). */
  release(): void {
    this.c.submit(this.group, 1, this.streamVa + 64, this.releaseSize);
  }

  /** The syncobj is still unsignalled: a zero-timeout wait times out. */
  expectClosed(): void {
    this.c.wait([this.syncobj], { timeoutNs: 0, err: Errno.ETIME });
  }
}

/** Assert the syncobj (binary) is signalled, running the GPU for at most `timeoutNs`. */
export function expectSignalled(c: Client, handle: number, timeoutNs = 10e6): void {
  c.wait([handle], { timeoutNs });
}

/** TIMELINE/binary QUERY of one syncobj. */
export function queryPoint(c: Client, handle: number, flags = 0): number {
  const points = c.u64s([0xdead]);
  c.io(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: c.u32s([handle]), points, count_handles: 1, flags });
  const b = c.read(points, 8);
  const v = new DataView(b.buffer, b.byteOffset, 8);
  return v.getUint32(0, true) + v.getUint32(4, true) * 0x1_0000_0000;
}
