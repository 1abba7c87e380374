/**
 * Command-stream fuzzing through the real KMD: 10,000 random streams (random words,
 * random valid encodings, structured programs from cs-gen.ts), each submitted with
 * GROUP_SUBMIT on its own group, waited on with SYNCOBJ_WAIT, and judged with
 * GROUP_GET_STATE. The rule under test (ARCHITECTURE.md §1): whatever a stream
 * does, nothing throws out of the engine, and every job ends — it completes, or
 * its group is FATAL_FAULT or TIMEDOUT — within a bounded virtual time.
 *
 * Set-up, a "world": a read-write data buffer, a read-only buffer (frozen sync
 * objects, shaders, vertex data), a no-exec buffer (dispatch and draw descriptors:
 * valid, mutated, garbage), a stream buffer (streams and callee streams), all mapped
 * in one VM that also has well-known unmapped and kernel-range addresses, and one
 * group. A batch runs one stream in each of BATCH worlds at once, so they share the
 * GPU (slots, engines, resets) but not a VM. A dead group is replaced; a VM made
 * unusable by an MMU fault is replaced by a new one mapping the same buffers.
 * Fixed seed: the run is the same every time.
 *
 * Speed (2 cores, ~8 s for 10,000 streams): most host time is the CS frontend
 * itself (unbounded loops spin until the 100 µs timeout), MMIO register naming for
 * trace events, job-memory commits and CS encoding of the kernel's ring code.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { Rng } from '../../engine/base/rng';
import { csIsa } from '../../engine/hw/cs-isa';
import { DISPATCH_DESC_LAYOUT, DRAW_DESC_LAYOUT, encodeDispatchDesc, encodeDrawDesc, type DescField } from '../../engine/hw/job-descriptors';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import type { TraceSink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { N, scaleShader, setUpCopyCompute } from '../support/scenarios';
import { pick, randomStream, randomWords, structuredStream, type CsKind, type CsTargets } from './cs-gen';

/** Fixed, so `npm test` is deterministic; FUZZ_SEED=<n> explores other runs by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_c5f2);
const STREAMS = 10_000;
const BATCH = 4;
const JOB_TIMEOUT_NS = 100_000;
/**
 * A job needing more work than this (≈260 µs of shader time at the default cost)
 * would be killed by the 100 µs timeout anyway; the GPU calls it hung at once
 * instead of computing it to the end first (see DEFAULT_JOB_WORK_BUDGET).
 */
const JOB_WORK_BUDGET = 2 ** 20;
/** Far beyond timeout + reset + the longest legal job: a wait this long that fails is a hang. */
const WAIT_NS = 50_000_000;
const MAX_WORDS = 64;

const KiB = 1024;
const RW = { va: 0x10_0000, size: 64 * KiB };
const RO = { va: 0x20_0000, size: 16 * KiB };
const NX = { va: 0x30_0000, size: 16 * KiB };
const ST = { va: 0x40_0000, size: 64 * KiB };
const STREAM_SLOT_BYTES = 0x1000;
const CALLEES_OFFSET = 0x8000;
const CALLEE_COUNT = 16;
const CALLEE_SLOT_BYTES = 0x200;

// Read-only buffer layout.
const FROZEN = [{ off: 0, value: 0 }, { off: 8, value: 5 }, { off: 16, value: 2 ** 40 }];
const CODE_OK = RO.va + 0x1000;
const CODE_SPIN = RO.va + 0x1400;
const CODE_GARBAGE = RO.va + 0x1800;
const CODE_NOP = RO.va + 0x1c00;
const CODE_VS = RO.va + 0x2000;
const CODE_FS = RO.va + 0x2400;
const VERTICES = RO.va + 0x3000;
// No-exec buffer layout.
const DISPATCH_SLOTS = 32;
const DRAW_SLOTS = 16;
const PUSH_OK = NX.va + 0x800; // src = RW, dst = RW + 32 KiB
const PUSH_RO = NX.va + 0x810; // dst in the read-only buffer
const DRAW_BASE = NX.va + 0x1000;
const DRAW_STRIDE = 0x180;
const COLOR = RW.va + 0x4000;

const spinShader = assembleShader('spin: BRA spin\nEND');
/** Valid in every stage, touches no memory: a grid of these runs to the end whatever its size. */
const nopShader = assembleShader('MOVI r0, 1\nEND');
const vertexShader = assembleShader(`
  ATTR r0, 0, x
  ATTR r1, 0, y
  ATTR r2, 0, z
  ATTR r3, 0, w
  OUTPOS r0
  ATTR r4, 1, x
  OUTV 0, x, r4
  END`);
const fragmentShader = assembleShader('INV r0, 0, x\nMOVF r1, 0.5\nMOVF r2, 0.25\nMOVF r3, 1.0\nOUTC r0\nEND');

const KERNEL_VA = 2 ** 47;
/** Operand addresses: every buffer, their edges, unmapped holes, the kernel range (rings), beyond 48 bits. */
const ADDRESSES = [
  RW.va, RW.va + 0x8000, RW.va + RW.size - 8, RO.va, RO.va + 0x3800, NX.va, NX.va + 0x800, ST.va, ST.va + CALLEES_OFFSET,
  CODE_OK, COLOR, 0, 8, 0x5_0000, 0x50_0000, RW.va + RW.size, 0x1000_0000, KERNEL_VA - 4096, KERNEL_VA, KERNEL_VA + 0x1000,
  2 ** 48 - 8, 2 ** 48, 2 ** 52, 2 ** 64 - 2 ** 12,
];

const U32_EDGES = [0, 1, 2, 3, 4, 8, 16, 255, 256, 1023, 1024, 1025, 4096, 16384, 16385, 32768, 65535, 65536, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

function u32(bytes: Uint8Array, off: number, v: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(off, v >>> 0, true);
}

function u64(bytes: Uint8Array, off: number, v: number): void {
  u32(bytes, off, v % 0x1_0000_0000);
  u32(bytes, off + 4, Math.floor(v / 0x1_0000_0000));
}

/** Overwrite one descriptor field (or array element field) with an edge or random value. */
function mutateDesc(rng: Rng, bytes: Uint8Array, fields: readonly { offsetBytes: number; field: DescField }[], addresses: readonly number[]): void {
  const { offsetBytes, field } = pick(rng, fields);
  if (field.type === 'u64') {
    u64(bytes, offsetBytes, rng.below(3) === 0 ? rng.nextU32() * 0x1_0000_0000 + rng.nextU32() : pick(rng, addresses) + pick(rng, [0, 0, 1, 4, 8]));
  } else if (field.type === 'f32') {
    const f = pick(rng, [0, -0, 1, -1, 0.5, 1e30, -1e30, Infinity, -Infinity, NaN, 16384, 16385, 32768, 1e-40]);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(offsetBytes, f, true);
  } else {
    u32(bytes, offsetBytes, rng.below(4) === 0 ? rng.nextU32() : pick(rng, U32_EDGES));
  }
}

const flatFields = (layout: typeof DISPATCH_DESC_LAYOUT) => [
  ...layout.fields.map((field) => ({ offsetBytes: field.offsetBytes, field })),
  ...layout.arrays.flatMap((a) => Array.from({ length: a.count }, (_, i) => a.fields.map((field) => ({ offsetBytes: a.offsetBytes + i * a.strideBytes + field.offsetBytes, field }))).flat()),
];
const DISPATCH_FIELDS = flatFields(DISPATCH_DESC_LAYOUT);
const DRAW_FIELDS = flatFields(DRAW_DESC_LAYOUT);

interface Buffer {
  readonly bo: number;
  readonly cpu: number;
  readonly va: number;
  readonly size: number;
  readonly flags: number;
}

/**
 * One slot of a batch: its buffers (created and filled once), and a VM + group that
 * are replaced when a stream kills them. A new VM maps the same buffers, so what
 * earlier streams wrote stays (read-only contents cannot change: only the CPU writes them).
 */
class World {
  vm = 0;
  group = 0;
  readonly buffers: Buffer[] = [];
  readonly targets: CsTargets;

  constructor(
    readonly c: Client,
    readonly rng: Rng,
  ) {
    const rw = this.buffer(RW.va, RW.size, 0);
    const ro = this.buffer(RO.va, RO.size, U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY);
    const nx = this.buffer(NX.va, NX.size, U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC);
    const st = this.buffer(ST.va, ST.size, 0);
    // Read-only: frozen sync objects, shaders, vertices (position f32x4 + colour f32x4).
    for (const f of FROZEN) {
      const b = new Uint8Array(8);
      u64(b, 0, f.value);
      c.write(ro.cpu + f.off, b);
    }
    c.write(ro.cpu + (CODE_OK - RO.va), scaleShader);
    c.write(ro.cpu + (CODE_SPIN - RO.va), spinShader);
    c.write(ro.cpu + (CODE_GARBAGE - RO.va), randomWords(rng, 32));
    c.write(ro.cpu + (CODE_NOP - RO.va), nopShader);
    c.write(ro.cpu + (CODE_VS - RO.va), vertexShader);
    c.write(ro.cpu + (CODE_FS - RO.va), fragmentShader);
    const verts = new Float32Array([-1, -1, 0.5, 1, 1, 0, 0, 1, 1, -1, 0.5, 1, 0, 1, 0, 1, -1, 1, 0.5, 1, 0, 0, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1]);
    c.write(ro.cpu + (VERTICES - RO.va), new Uint8Array(verts.buffer));
    // Data to copy and scale.
    c.write(rw.cpu, randomWords(rng, 512));
    // Push constants: {src, dst} pairs.
    const push = new Uint8Array(32);
    u64(push, 0, RW.va);
    u64(push, 8, RW.va + 32 * KiB);
    u64(push, 16, RW.va);
    u64(push, 24, RO.va + 0x3800);
    c.write(nx.cpu + (PUSH_OK - NX.va), push);
    for (let i = 0; i < DISPATCH_SLOTS; i++) this.writeDispatch(i);
    for (let i = 0; i < DRAW_SLOTS; i++) this.writeDraw(i);
    const callees: [number, number][] = [];
    for (let i = 0; i < CALLEE_COUNT; i++) callees.push([ST.va + CALLEES_OFFSET + i * CALLEE_SLOT_BYTES, 0]);
    this.targets = {
      addresses: ADDRESSES,
      writable: [RW.va, RW.va + 0x8000, COLOR, NX.va + 0x2000],
      readable: [RW.va, RW.va + 0x8000, RO.va, RO.va + 0x3000, NX.va],
      frozenSyncs: FROZEN.map((f) => ({ va: RO.va + f.off, value: f.value })),
      dispatchDescs: [...Array.from({ length: DISPATCH_SLOTS }, (_, i) => NX.va + i * 64), NX.va + 4, CODE_OK],
      drawDescs: [...Array.from({ length: DRAW_SLOTS }, (_, i) => DRAW_BASE + i * DRAW_STRIDE), DRAW_BASE + 8, RW.va],
      callees,
    };
    // Callee streams, structured against the same targets (so they nest).
    for (let i = 0; i < CALLEE_COUNT; i++) {
      const [va] = callees[i]!;
      const bytes = structuredStream(rng, this.targets, va, 1 + rng.below(4), CALLEE_SLOT_BYTES / 8);
      c.write(st.cpu + (va - ST.va), bytes);
      callees[i] = [va, rng.below(8) === 0 ? bytes.length + 8 * rng.below(4) : bytes.length];
    }
    this.newVm();
  }

  private buffer(va: number, size: number, flags: number): Buffer {
    const bo = this.c.boCreate(size);
    const buf = { bo, cpu: this.c.mmap(bo, size), va, size, flags };
    this.buffers.push(buf);
    return buf;
  }

  /** A fresh VM with every buffer mapped, and a group on it. */
  newVm(): void {
    this.vm = this.c.vmCreate();
    for (const b of this.buffers) this.c.map(this.vm, b.bo, b.va, b.size, { flags: b.flags });
    this.group = this.c.groupCreate(this.vm, { ringSizeBytes: 4096 });
  }

  cpu(va: number): number {
    const i = [RW, RO, NX, ST].findIndex((r) => va >= r.va && va < r.va + r.size);
    const r = [RW, RO, NX, ST][i]!;
    return this.buffers[i]!.cpu + (va - r.va);
  }

  /** Dispatch slot i: valid (small), mutated in one or two fields (half the slots), or garbage. */
  writeDispatch(i: number): void {
    const rng = this.rng;
    const kind = i % 4;
    const valid = encodeDispatchDesc({
      shaderVa: pick(rng, [CODE_OK, CODE_OK, CODE_NOP, CODE_NOP, CODE_SPIN, CODE_GARBAGE]), pushConstantsVa: pick(rng, [PUSH_OK, PUSH_RO]),
      pushConstantsSizeBytes: 16, localSizeX: 1 + rng.below(64), localSizeY: 1 + rng.below(2), localSizeZ: 1,
      groupCountX: rng.below(5), groupCountY: 1, groupCountZ: 1,
    });
    if (kind === 1 || kind === 2) for (let n = 1 + rng.below(2); n > 0; n--) mutateDesc(rng, valid, DISPATCH_FIELDS, ADDRESSES);
    if (kind === 3) valid.set(randomWords(rng, 6).subarray(0, 48));
    this.c.write(this.cpu(NX.va + i * 64), valid);
  }

  /** Draw slot i: valid (small), mutated in one to three fields, or garbage. */
  writeDraw(i: number): void {
    const rng = this.rng;
    const w = 1 + rng.below(16);
    const h = 1 + rng.below(16);
    const valid = encodeDrawDesc({
      vertexCount: 3 + rng.below(4), instanceCount: 1 + rng.below(2), firstVertex: 0, firstInstance: 0, indexType: 'none', indexBufferVa: 0,
      vertexShaderVa: CODE_VS, fragmentShaderVa: pick(rng, [CODE_FS, CODE_FS, CODE_SPIN, CODE_GARBAGE, CODE_OK, CODE_NOP]), pushConstantsVa: 0, pushConstantsSizeBytes: 0,
      varyingCount: 1, viewportX: 0, viewportY: 0, viewportWidth: w, viewportHeight: h, viewportMinDepth: 0, viewportMaxDepth: 1,
      cullMode: pick(rng, ['none', 'back', 'front'] as const), frontFace: 'ccw', colorVa: pick(rng, [COLOR, COLOR, RO.va, 0]), colorWidth: w, colorHeight: h,
      colorRowPitchBytes: w * 4, depthRowPitchBytes: w * 4, depthVa: pick(rng, [0, COLOR + 0x2000]), depthTestEnable: rng.below(2) === 1,
      depthWriteEnable: rng.below(2) === 1, depthCompare: 'less', colorWriteMask: 0xf, blendMode: pick(rng, ['none', 'alpha', 'additive'] as const),
      bindings: [{ va: VERTICES, strideBytes: 32, inputRate: 'vertex' }],
      attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x4' }, { binding: 0, offsetBytes: 16, format: 'f32x4' }],
    });
    const kind = i % 4;
    if (kind === 1 || kind === 2) for (let n = 1 + rng.below(3); n > 0; n--) mutateDesc(rng, valid, DRAW_FIELDS, ADDRESSES);
    if (kind === 3) valid.set(randomWords(rng, 44));
    this.c.write(this.cpu(DRAW_BASE + i * DRAW_STRIDE), valid);
  }

  usable(): boolean {
    return this.c.vmState(this.vm) === U.DRM_PANTHOR_VM_STATE_USABLE;
  }

  /** After a stream killed the group: a new group, and a new VM too if the old one is unusable. */
  recover(): 'group' | 'vm' {
    this.c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: this.group });
    if (this.usable()) {
      this.group = this.c.groupCreate(this.vm, { ringSizeBytes: 4096 });
      return 'group';
    }
    this.c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: this.vm });
    this.newVm();
    return 'vm';
  }

  destroy(): void {
    this.c.io(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: this.group });
    this.c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: this.vm });
    for (const b of this.buffers) {
      this.c.mem.unmap(b.cpu);
      this.c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: b.bo });
    }
  }
}

type Outcome = 'done' | 'faulted' | 'timedout' | 'innocent';
const OUTCOMES: readonly Outcome[] = ['done', 'faulted', 'timedout', 'innocent'];
const histogram = (): Record<Outcome, number> => ({ done: 0, faulted: 0, timedout: 0, innocent: 0 });

function outcomeOf(state: number): Outcome {
  expect(state & ~(U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT | U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT | U.DRM_PANTHOR_GROUP_STATE_INNOCENT), 'unknown group state bits').toBe(0);
  if (state === 0) return 'done';
  if (state & U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT) return 'faulted';
  return state & U.DRM_PANTHOR_GROUP_STATE_INNOCENT ? 'innocent' : 'timedout';
}

/** GROUP_SUBMIT of one stream on queue 0 with a signal; 0 or -errno. */
function submit(c: Client, group: number, va: number, sizeBytes: number, signal: number): number {
  const syncs = c.array(U.drm_panthor_sync_op, [{ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: signal }]);
  const qs = c.array(U.drm_panthor_queue_submit, [{ queue_index: 0, stream_size: sizeBytes, stream_addr: va, syncs }]);
  return c.raw(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: qs }).ret;
}

describe('command-stream fuzzing through the KMD', () => {
  it(`runs ${STREAMS} random command streams: every job completes, faults or times out, and nothing throws`, () => {
    const rng = new Rng(SEED);
    // Fault kinds the hardware reported, from its trace events (the sink only counts).
    const faults = new Map<string, number>();
    const engineJobs = new Map<string, number>();
    const maxWork = new Map<string, number>();
    const sink: TraceSink = {
      emit(e) {
        if (e.kind === 'hw.fault') faults.set(e.fault, (faults.get(e.fault) ?? 0) + 1);
        if (e.kind === 'hw.job') {
          const k = `${e.op} ${e.ok ? 'ok' : 'faulted'}`;
          engineJobs.set(k, (engineJobs.get(k) ?? 0) + 1);
          if (e.ok) maxWork.set(e.op, Math.max(maxWork.get(e.op) ?? 0, e.work));
        }
      },
    };
    const c = Client.create({ seed: SEED, sink, gpu: { jobWorkBudget: JOB_WORK_BUDGET }, kmd: { jobTimeoutNs: JOB_TIMEOUT_NS } });
    const syncs = Array.from({ length: BATCH }, () => c.syncobjCreate());
    const outcomes = histogram();
    const byKind: Record<CsKind, Record<Outcome, number>> = { words: histogram(), ops: histogram(), structured: histogram() };
    const opsSeen = new Set<string>();
    const slots = Array.from({ length: BATCH }, (_, i) => new World(c, rng.fork(i)));
    const recreated = { group: 0, vm: 0 };
    let streams = 0;
    // Submits refused with ECANCELED: a reset caused by another slot's stream killed the group first.
    let refused = 0;

    while (streams < STREAMS) {
      const ran: { slot: number; kind: CsKind }[] = [];
      for (let i = 0; i < BATCH; i++) {
        const w = slots[i]!;
        // Refresh a descriptor now and then so later streams see new mutations.
        if (rng.below(4) === 0) w.writeDispatch(rng.below(DISPATCH_SLOTS));
        if (rng.below(4) === 0) w.writeDraw(rng.below(DRAW_SLOTS));
        const va = ST.va + rng.below(CALLEES_OFFSET / STREAM_SLOT_BYTES) * STREAM_SLOT_BYTES;
        const s = randomStream(rng, w.targets, va, MAX_WORDS);
        for (const [lo, hi] of csIsa.fromBytes(s.bytes)) opsSeen.add(csIsa.decode(lo, hi)?.op.name ?? '.invalid');
        c.write(w.cpu(va), s.bytes);
        const ret = submit(c, w.group, va, s.bytes.length, syncs[i]!);
        if (ret === -Errno.ECANCELED) {
          refused++;
          continue;
        }
        expect(ret, 'GROUP_SUBMIT').toBe(0);
        ran.push({ slot: i, kind: s.kind });
      }
      streams += ran.length;
      const handles = ran.map((r) => syncs[r.slot]!);
      const waited = c.raw(U.DRM_IOCTL_SYNCOBJ_WAIT, {
        handles: c.u32s(handles), count_handles: handles.length, timeout_nsec: c.stack.sim.nowNs + WAIT_NS, flags: U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
      });
      expect(waited.ret, `batch ending at stream ${streams}: every job must end within ${WAIT_NS} ns`).toBe(0);
      for (const { slot, kind } of ran) {
        const outcome = outcomeOf(c.groupState(slots[slot]!.group).state);
        outcomes[outcome]++;
        byKind[kind][outcome]++;
      }
      for (const w of slots) {
        if (c.groupState(w.group).state === 0) continue;
        recreated[w.recover()]++;
      }
    }

    console.log(`cs-fuzz: ${streams} streams (${refused} submits refused with ECANCELED), groups recreated ${recreated.group}, VMs recreated ${recreated.vm}, outcomes ${JSON.stringify(outcomes)}, ` +
      `by kind ${JSON.stringify(byKind)}, virtual ${(c.stack.sim.nowNs / 1e6).toFixed(1)} ms, GPU resets ${c.stack.kmd.sched.resets}, ` +
      `faults ${JSON.stringify(Object.fromEntries([...faults].sort((x, y) => y[1] - x[1])))}, ` +
      `engine jobs ${JSON.stringify(Object.fromEntries([...engineJobs].sort()))}, largest ${JSON.stringify(Object.fromEntries(maxWork))}`);
    expect(streams).toBeGreaterThanOrEqual(STREAMS);
    // Every outcome happens many times, for every generator, and every instruction was generated.
    expect(outcomes.done).toBeGreaterThan(STREAMS / 10);
    expect(outcomes.faulted).toBeGreaterThan(STREAMS / 10);
    expect(outcomes.timedout).toBeGreaterThan(STREAMS / 50);
    expect(outcomes.innocent).toBeGreaterThan(0);
    for (const o of OUTCOMES) expect(byKind.structured[o], `structured ${o}`).toBeGreaterThan(0);
    expect(byKind.structured.done).toBeGreaterThan(STREAMS / 20);
    expect(byKind.ops.done).toBeGreaterThan(0);
    expect(byKind.ops.faulted).toBeGreaterThan(0);
    expect(byKind.words.faulted).toBeGreaterThan(0);
    // The hardware took every fault path, and every engine both completed and faulted jobs.
    for (const kind of ['TRANSLATION', 'PERMISSION', 'ALIGNMENT', 'INSTR_INVALID', 'DESC_INVALID', 'STACK']) expect(faults.get(kind) ?? 0, kind).toBeGreaterThan(0);
    for (const op of ['COPY', 'FILL', 'DISPATCH', 'DRAW']) {
      expect(engineJobs.get(`${op} ok`) ?? 0, `${op} ok`).toBeGreaterThan(10);
      expect(engineJobs.get(`${op} faulted`) ?? 0, `${op} faulted`).toBeGreaterThan(10);
    }
    for (const op of csIsa.spec.ops) expect(opsSeen, op.name).toContain(op.name);
    expect(c.stack.kmd.idle()).toBe(true);

    // The device still works: a fresh process runs copy + compute and reads back exact bytes.
    for (const w of slots) w.destroy();
    const fresh = new Client(c.stack);
    const s = setUpCopyCompute(fresh);
    const group = fresh.groupCreate(s.vm);
    const done = fresh.syncobjCreate();
    fresh.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    fresh.wait([done], { timeoutNs: 10e6 });
    expect(fresh.groupState(group).state).toBe(0);
    expect(fresh.read(s.out.cpu, N * 4)).toEqual(s.expected);
  });
});
