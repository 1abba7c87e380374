/**
 * ioctl fuzzing: 100,000+ ioctls from two processes (one privileged) with three
 * open DRM files against one stack. The rule under test (ARCHITECTURE.md §1): a
 * malformed ioctl gets an errno — never an exception out of the engine — and the
 * device keeps working.
 *
 * The mix, per call:
 * - 10% fully random: any request number (random, or type 'd' with a random nr,
 *   direction and size) and any argp (0, random, inside the heap, fresh random bytes);
 * - 20% every ioctl of the uAPI table (IOCTLS) with random argument bytes;
 * - 70% structure-aware: a valid-looking struct for one ioctl — real handles, fds,
 *   VAs and mmap offsets from earlier successful calls, obj_arrays of sync ops /
 *   bind ops / queue submits / queue creates, GROUP_SUBMITs of small random command
 *   streams (cs-gen.ts) written into mapped BOs, waits with short timeouts so
 *   virtual time passes and the scheduler's timeouts and faults fire — and in half
 *   of them one or two fields (of the struct or of an array element) mutated: bit
 *   flips, 0, 1, 0xffffffff, 2^32, 2^48-1, all-ones, huge counts, bad pointers,
 *   small random handles, non-zero pads; arrays sometimes use a longer or shorter stride.
 * Around 1% of steps are the other entry points an app reaches: mmap, close, fd passing.
 *
 * Checked: nothing throws; every return is 0 or a negative errno from errno.ts; a
 * few per-call invariants; that the fuzzer reaches deep code (many distinct errnos,
 * many successes, every implemented ioctl succeeds and fails, jobs complete, fault
 * and time out); that closing everything gives every page back (but those of BOs a
 * process still has mmap'ed: the model has no munmap); and that a fresh process can
 * still run copy + compute and read back the right bytes.
 *
 * Fixed seed (FUZZ_SEED=<n> to explore by hand); ~4 s on 2 cores.
 */
import { describe, expect, it } from 'vitest';
import { Errno, errnoName } from '../../engine/base/errno';
import { Rng } from '../../engine/base/rng';
import type { UserMemory } from '../../engine/base/user-memory';
import { implementedIoctls } from '../../engine/kmd/drv';
import * as U from '../../engine/kmd/uapi';
import type { AnyIoctl, AnyStruct, AnyStructInput } from '../../engine/kmd/uapi';
import { createStack, type Stack } from '../../engine/stack';
import type { TraceSink } from '../../engine/trace/sink';
import { encodeCs, SYNC_CONDITIONS } from '../../engine/hw/cs-isa';
import { Client } from '../support/client';
import { N, setUpCopyCompute } from '../support/scenarios';
import { pick, randomStream, type CsTargets } from './cs-gen';

/** Fixed, so `npm test` is deterministic; FUZZ_SEED=<n> explores other runs by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x10c7_1f22);
const CALLS = 100_000;
const JOB_TIMEOUT_NS = 200_000;
const PAGE = 4096;
const ERRNOS: ReadonlySet<number> = new Set(Object.values(Errno));
const BY_NAME = new Map(U.IOCTLS.map((d) => [d.shortName, d]));

// ---- byte-level helpers ----

interface Leaf {
  readonly path: string;
  readonly offset: number;
  readonly size: number;
  readonly pad: boolean;
}

/** Every scalar of a struct (nested structs and array elements included), by byte range. */
function leaves(def: AnyStruct, base = 0, prefix = ''): Leaf[] {
  return def.fields.flatMap((f): Leaf[] => {
    if (f.kind === 'struct') return leaves(f.struct!, base + f.offsetBytes, `${prefix}${f.name}.`);
    const size = f.sizeBytes / f.count;
    return Array.from({ length: f.count }, (_, i) => ({
      path: f.count > 1 ? `${prefix}${f.name}[${i}]` : `${prefix}${f.name}`, offset: base + f.offsetBytes + i * size, size, pad: f.pad !== undefined,
    }));
  });
}
const LEAVES = new Map<AnyStruct, Leaf[]>();
const leavesOf = (def: AnyStruct): Leaf[] => LEAVES.get(def) ?? (LEAVES.set(def, leaves(def)), LEAVES.get(def)!);

function getLE(b: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}

function setLE(b: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.below(256);
  return b;
}

const u64 = (rng: Rng): bigint => (BigInt(rng.nextU32()) << 32n) | BigInt(rng.nextU32());

// ---- model of what the fuzzer has created (hints for valid-looking calls) ----

interface BoInfo {
  readonly handle: number;
  readonly size: number;
  cpu: number;
}

interface Mapping {
  readonly va: number;
  readonly size: number;
  readonly bo: BoInfo;
  readonly readOnly: boolean;
}

interface VmInfo {
  readonly id: number;
  readonly userVaRange: number;
  maps: Mapping[];
  /** Seen unusable (VM_GET_STATE, or a submit refused): an app would replace it. */
  dead: boolean;
}

interface GroupInfo {
  readonly handle: number;
  readonly vm: VmInfo;
  readonly queues: number;
  /** A submit was refused with ECANCELED: the group is dead and should be destroyed. */
  dead: boolean;
}

interface FileCtx {
  readonly proc: ProcCtx;
  fd: number;
  vms: VmInfo[];
  bos: BoInfo[];
  syncobjs: number[];
  /** Syncobjs that have (or had) a fence: binary waits on them are valid. */
  fenced: Set<number>;
  /** Highest timeline point used per syncobj. */
  points: Map<number, number>;
  groups: GroupInfo[];
  heaps: number[];
  mmapOffsets: number[];
}

interface ProcCtx {
  readonly pid: number;
  readonly mem: UserMemory;
  readonly privileged: boolean;
  readonly files: FileCtx[];
  /** dma-buf fds and the size of their BO. */
  dmabufs: { fd: number; size: number }[];
  syncFds: number[];
}

const LIMITS = { vms: 10, bos: 48, syncobjs: 48, groups: 12, heaps: 3, maps: 24 };

function newFile(proc: ProcCtx, fd: number): FileCtx {
  return { proc, fd, vms: [], bos: [], syncobjs: [], fenced: new Set(), points: new Map(), groups: [], heaps: [], mmapOffsets: [] };
}

/** What one structured call is: its ioctl, the struct, and what to learn from the answer. */
interface Call {
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Called with the decoded struct after the ioctl; `clean` = no field was mutated. */
  readonly after?: (ret: number, out: Record<string, number>, clean: boolean) => void;
}

class Fuzzer {
  readonly stack: Stack;
  readonly procs: ProcCtx[] = [];
  /** Calls per ioctl name (or 'unknown'), by result ('ok' or errno name). */
  readonly results = new Map<string, Map<string, number>>();
  readonly errnos = new Map<string, number>();
  readonly groupStates = new Map<number, number>();
  readonly modes = { random: 0, table: 0, structured: 0, mutated: 0, other: 0 };
  /** BO id → pages, for BOs a CPU mapping pins. */
  readonly pinnedPages = new Map<number, number>();
  calls = 0;
  successes = 0;
  submitted = 0;
  private mutated = false;
  private mutating = false;
  /** Bookkeeping to apply if the current structured call succeeds. */
  private onSuccess: (() => void)[] = [];

  /** Job ends and GPU faults, counted from the trace (the sink only counts). */
  readonly jobs = new Map<string, number>();
  readonly faults = new Map<string, number>();

  constructor(readonly rng: Rng) {
    const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
    const sink: TraceSink = {
      emit: (e) => {
        if (e.kind === 'kmd.job_finished') count(this.jobs, e.status);
        else if (e.kind === 'hw.fault') count(this.faults, e.fault);
      },
    };
    this.stack = createStack({ seed: SEED, sink, gpu: { memSizeBytes: 64 << 20, jobWorkBudget: 2 ** 20 }, kmd: { jobTimeoutNs: JOB_TIMEOUT_NS } });
    for (const privileged of [false, true]) {
      const p = this.stack.kmd.spawn({ privileged });
      const proc: ProcCtx = { pid: p.pid, mem: p.memory, privileged, files: [], dmabufs: [], syncFds: [] };
      for (let i = 0; i < (privileged ? 1 : 2); i++) proc.files.push(newFile(proc, this.stack.kmd.open(p.pid)));
      this.procs.push(proc);
    }
  }

  // ---- the one ioctl entry ----

  ioctl(proc: ProcCtx, fd: number, request: number, argp: number, label: string): number {
    let ret: number;
    try {
      ret = this.stack.kmd.ioctl(proc.pid, fd, request, argp);
    } catch (e) {
      const bytes = proc.mem.read(argp, U.ioctlByRequest(request)?.arg.sizeBytes ?? 16);
      throw new Error(`call #${this.calls} ${label} (request 0x${(request >>> 0).toString(16)}, argp 0x${argp.toString(16)}, ` +
        `arg ${bytes ? Buffer.from(bytes).toString('hex') : 'unmapped'}) threw: ${e instanceof Error ? e.stack : String(e)}`);
    }
    this.calls++;
    const ok = ret === 0 || (Number.isInteger(ret) && ret < 0 && ERRNOS.has(-ret));
    if (!ok) throw new Error(`call #${this.calls} ${label} returned ${ret}, not 0 or -errno`);
    // Requests the table knows by number only (another size or direction) are counted apart.
    const near = U.ioctlByNr(request);
    const name = U.ioctlByRequest(request)?.shortName ?? (near ? `${near.shortName}~` : 'unknown');
    const result = ret === 0 ? 'ok' : errnoName(-ret);
    const byName = this.results.get(name) ?? new Map<string, number>();
    byName.set(result, (byName.get(result) ?? 0) + 1);
    this.results.set(name, byName);
    this.errnos.set(result, (this.errnos.get(result) ?? 0) + 1);
    if (ret === 0) this.successes++;
    return ret;
  }

  // ---- value pickers ----

  chance(p: number): boolean {
    return this.rng.nextU32() / 0x1_0000_0000 < p;
  }

  /** A handle from `list` mostly, else a small or absurd number. */
  handle(list: readonly number[]): number {
    if (list.length && this.chance(0.9)) return pick(this.rng, list);
    return pick(this.rng, [0, 1, 2, 3, 7, 100, 0xffff_ffff, this.rng.below(64)]);
  }

  badPointer(proc: ProcCtx): bigint {
    const heap = proc.mem.mappings()[0]!;
    return pick(this.rng, [0n, 8n, 0xfff0n, BigInt(heap.start + heap.sizeBytes), BigInt(heap.start + heap.sizeBytes - 4), 0x7f00_0000_0000n, 2n ** 53n + 8n, 2n ** 63n, 2n ** 64n - 8n]);
  }

  /** A mutated value for a field of `size` bytes currently holding `cur`. */
  mutant(proc: ProcCtx, size: number, cur: bigint): bigint {
    const mask = (1n << BigInt(size * 8)) - 1n;
    const rng = this.rng;
    const v = [
      () => cur ^ (1n << BigInt(rng.below(size * 8))),
      () => 0n,
      () => 1n,
      () => 0xffff_ffffn,
      () => 1n << 32n,
      () => (1n << 48n) - 1n,
      () => mask,
      () => BigInt(rng.nextU32()),
      () => u64(rng),
      () => cur + (rng.below(2) ? 1n : -1n),
      () => this.badPointer(proc),
      () => BigInt(rng.below(24)),
      () => 1n << BigInt(rng.below(size * 8)),
    ][rng.below(13)]!();
    return v & mask;
  }

  /** Mutate one or two leaves of `bytes` laid out as `def` (pads included). */
  mutate(proc: ProcCtx, def: AnyStruct, bytes: Uint8Array, stride = def.sizeBytes): void {
    const all = leavesOf(def);
    if (all.length === 0) return;
    const elements = Math.max(1, Math.floor(bytes.length / stride));
    for (let n = 1 + this.rng.below(2); n > 0; n--) {
      const leaf = pick(this.rng, all);
      const base = this.rng.below(elements) * stride;
      if (leaf.offset + leaf.size > stride) continue; // shortened stride cut this field off
      const at = base + leaf.offset;
      const next = leaf.pad ? BigInt(1 + this.rng.below(255)) << BigInt(8 * this.rng.below(leaf.size)) : this.mutant(proc, leaf.size, getLE(bytes, at, leaf.size));
      setLE(bytes, at, leaf.size, next);
    }
    this.mutated = true;
  }

  // ---- argument builders ----

  alloc(proc: ProcCtx, bytes: Uint8Array): number {
    return proc.mem.allocBytes(bytes);
  }

  /** An obj_array of `items`, sometimes with a longer (zero-padded) or shorter stride, maybe mutated. */
  array(proc: ProcCtx, elem: AnyStruct, items: readonly AnyStructInput[]): { stride: number; count: number; array: number } {
    if (items.length === 0) return { stride: elem.sizeBytes, count: 0, array: this.chance(0.1) ? 8 : 0 };
    const packed = U.encodeArray(elem, items);
    const r = this.rng.below(20);
    const stride = r === 0 ? elem.sizeBytes + 8 : r === 1 ? Math.max(8, elem.sizeBytes - 8) : elem.sizeBytes;
    const bytes = new Uint8Array(stride * items.length);
    for (let i = 0; i < items.length; i++) {
      bytes.set(packed.subarray(i * elem.sizeBytes, i * elem.sizeBytes + Math.min(stride, elem.sizeBytes)), i * stride);
    }
    if (this.mutating && this.chance(0.3)) this.mutate(proc, elem, bytes, stride);
    return { stride, count: items.length, array: this.alloc(proc, bytes) };
  }

  u32s(proc: ProcCtx, values: readonly number[]): number {
    const b = new Uint8Array(Math.max(4, values.length * 4));
    values.forEach((v, i) => setLE(b, i * 4, 4, BigInt(v >>> 0)));
    return this.alloc(proc, b);
  }

  u64s(proc: ProcCtx, values: readonly number[]): number {
    const b = new Uint8Array(Math.max(8, values.length * 8));
    values.forEach((v, i) => setLE(b, i * 8, 8, BigInt(v)));
    return this.alloc(proc, b);
  }

  /** A few syncobj handles (sometimes repeated). */
  handles(f: FileCtx, max = 4): number[] {
    return Array.from({ length: 1 + this.rng.below(max) }, () => this.handle(f.syncobjs));
  }

  /** A timeline point: to wait on (mostly one already submitted) or to signal (mostly the next one). */
  timeline(f: FileCtx, h: number, advance: boolean): number {
    const last = f.points.get(h) ?? 0;
    if (!advance) return this.chance(0.8) && last > 0 ? 1 + this.rng.below(last) : last + 1 + this.rng.below(3);
    const next = this.chance(0.9) ? last + 1 + this.rng.below(2) : Math.max(1, last - 1);
    this.onSuccess.push(() => f.points.set(h, Math.max(f.points.get(h) ?? 0, next)));
    return next;
  }

  /**
   * drm_panthor_sync_op items: waits on and signals of syncobjs, binary or timeline.
   * Binary waits mostly pick syncobjs that have a fence (else the op is EINVAL).
   */
  syncOps(f: FileCtx, max: number): AnyStructInput[] {
    return Array.from({ length: this.rng.below(max + 1) }, () => {
      const signal = this.chance(0.6);
      const timeline = this.chance(0.3);
      const h = !signal && !timeline && f.fenced.size && this.chance(0.9) ? this.handle([...f.fenced]) : this.handle(f.syncobjs);
      if (signal) this.onSuccess.push(() => f.fenced.add(h));
      return {
        flags: (timeline ? U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ : U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ) | (signal ? U.DRM_PANTHOR_SYNC_OP_SIGNAL : 0),
        handle: h,
        timeline_value: timeline ? this.timeline(f, h, signal) : 0,
      };
    });
  }

  /** An absolute timeout: mostly a little after now (so jobs progress), sometimes past or far. */
  timeout(): number {
    const now = this.stack.sim.nowNs;
    const r = this.rng.below(20);
    if (r === 0) return 0;
    if (r === 1) return now - 1;
    if (r === 2) return now + 1e9;
    return now + this.rng.below(2 * JOB_TIMEOUT_NS);
  }

  /** A 1 MiB-aligned VA slot inside the VM's user range (BOs here are at most 64 KiB). */
  vaSlot(vm: VmInfo | undefined): number {
    const slots = Math.max(1, Math.min(32, Math.floor((vm?.userVaRange ?? 2 ** 47) / 0x10_0000) - 1));
    return 0x10_0000 * (1 + this.rng.below(slots));
  }

  // ---- structured calls, one generator per ioctl ----

  /** Mostly create what a call needs first: a submit without a group is only an EINVAL. */
  feasible(f: FileCtx, name: string): string {
    if (this.chance(0.1)) return name;
    const needs: Record<string, [unknown[], string]> = {
      GROUP_SUBMIT: [f.groups, 'GROUP_CREATE'], GROUP_DESTROY: [f.groups, 'GROUP_CREATE'], GROUP_GET_STATE: [f.groups, 'GROUP_CREATE'],
      GROUP_CREATE: [f.vms, 'VM_CREATE'], VM_BIND: [f.bos, 'BO_CREATE'], BO_MMAP_OFFSET: [f.bos, 'BO_CREATE'], GEM_CLOSE: [f.bos, 'BO_CREATE'],
      PRIME_HANDLE_TO_FD: [f.bos, 'BO_CREATE'], TILER_HEAP_CREATE: [f.vms, 'VM_CREATE'], VM_GET_STATE: [f.vms, 'VM_CREATE'], VM_DESTROY: [f.vms, 'VM_CREATE'],
      SYNCOBJ_WAIT: [f.syncobjs, 'SYNCOBJ_CREATE'], SYNCOBJ_TIMELINE_WAIT: [f.syncobjs, 'SYNCOBJ_CREATE'], SYNCOBJ_TRANSFER: [f.syncobjs, 'SYNCOBJ_CREATE'],
    };
    const need = needs[name];
    if (!need || need[0].length) return name;
    return this.feasible(f, need[1]);
  }

  structured(f: FileCtx, name: string): Call {
    const rng = this.rng;
    const proc = f.proc;
    const vm = (): VmInfo | undefined => (f.vms.length ? pick(rng, f.vms) : undefined);
    const bo = (): BoInfo | undefined => (f.bos.length ? pick(rng, f.bos) : undefined);
    switch (name) {
      case 'VERSION': {
        // Buffers of 64 bytes; lengths up to 47 (some shorter than the strings: truncated copies).
        const [name_len, date_len, desc_len] = [rng.below(48), rng.below(48), rng.below(48)];
        return { name, args: { name_len, name: proc.mem.alloc(64), date_len, date: date_len ? proc.mem.alloc(64) : 0, desc_len, desc: proc.mem.alloc(64) } };
      }
      case 'GET_CAP':
        return { name, args: { capability: pick(rng, [U.DRM_CAP_PRIME, U.DRM_CAP_SYNCOBJ, U.DRM_CAP_SYNCOBJ_TIMELINE, 0x1, 0xff]) } };
      case 'DEV_QUERY': {
        const ptr = rng.below(3) ? proc.mem.alloc(256) : 0;
        return { name, args: { type: rng.below(7), size: pick(rng, [0, 4, 8, 16, 64, 256, 0xffff_ffff]), pointer: ptr } };
      }
      case 'VM_CREATE': {
        if (f.vms.length >= LIMITS.vms) return this.structured(f, 'VM_DESTROY');
        const range = this.chance(0.8) ? 0 : pick(rng, [2 ** 32, 2 ** 40, 2 ** 47, 0x400_0000, 2 ** 48 - PAGE, 2 ** 48, PAGE]);
        return {
          name, args: { flags: 0, user_va_range: range },
          after: (ret, out) => ret === 0 && f.vms.push({ id: out.id!, userVaRange: out.user_va_range!, maps: [], dead: false }),
        };
      }
      case 'VM_DESTROY': {
        const dead = f.vms.filter((x) => x.dead);
        const v = dead.length && this.chance(0.8) ? pick(rng, dead) : vm();
        return { name, args: { id: v ? v.id : this.handle([]) }, after: (ret, _, clean) => ret === 0 && clean && v && (f.vms = f.vms.filter((x) => x !== v)) };
      }
      case 'VM_GET_STATE': {
        const v = vm();
        return {
          name, args: { vm_id: v ? v.id : this.handle([]) },
          after: (ret, out, clean) => {
            if (ret !== 0) return;
            expect([U.DRM_PANTHOR_VM_STATE_USABLE, U.DRM_PANTHOR_VM_STATE_UNUSABLE], 'VM_GET_STATE state').toContain(out.state);
            if (clean && v && out.state === U.DRM_PANTHOR_VM_STATE_UNUSABLE) v.dead = true;
          },
        };
      }
      case 'VM_BIND': {
        const v = vm();
        const async = this.chance(0.3);
        const ops: AnyStructInput[] = [];
        const effects: (() => void)[] = [];
        for (let n = 1 + rng.below(3); n > 0; n--) {
          const r = rng.below(10);
          const b = bo();
          if (r < 6 && b && v) {
            const offset = b.size > PAGE && this.chance(0.2) ? PAGE * rng.below(b.size / PAGE) : 0;
            const size = this.chance(0.8) ? b.size - offset : PAGE;
            const va = this.vaSlot(v);
            const ro = this.chance(0.2);
            const flags = U.DRM_PANTHOR_VM_BIND_OP_TYPE_MAP | (ro ? U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY : 0) |
              (this.chance(0.2) ? U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC : 0) | (this.chance(0.1) ? U.DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED : 0);
            ops.push({ flags, bo_handle: b.handle, bo_offset: offset, va, size, syncs: this.array(proc, U.drm_panthor_sync_op, async ? this.syncOps(f, 2) : []) });
            if (offset === 0) effects.push(() => v.maps.length < LIMITS.maps && !v.maps.some((m) => m.va < va + size && va < m.va + m.size) && v.maps.push({ va, size, bo: b, readOnly: ro }));
          } else if (r < 9 && v) {
            const m = v.maps.length && this.chance(0.7) ? pick(rng, v.maps) : { va: this.vaSlot(v), size: PAGE * (1 + rng.below(16)) };
            const size = this.chance(0.8) ? m.size : PAGE;
            ops.push({ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP, va: m.va, size, syncs: this.array(proc, U.drm_panthor_sync_op, async ? this.syncOps(f, 2) : []) });
            effects.push(() => (v.maps = v.maps.filter((x) => !(x.va < m.va + size && m.va < x.va + x.size))));
          } else if (async) {
            ops.push({ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY, syncs: this.array(proc, U.drm_panthor_sync_op, [{ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: this.handle(f.syncobjs) }, ...this.syncOps(f, 2)]) });
          }
        }
        return {
          name, args: { vm_id: v ? v.id : this.handle([]), flags: async ? U.DRM_PANTHOR_VM_BIND_ASYNC : 0, ops: this.array(proc, U.drm_panthor_vm_bind_op, ops.length ? ops : [{ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP, va: this.vaSlot(v), size: PAGE }]) },
          after: (ret, _, clean) => ret === 0 && clean && effects.forEach((e) => e()),
        };
      }
      case 'BO_CREATE': {
        if (f.bos.length >= LIMITS.bos) return this.structured(f, 'GEM_CLOSE');
        const size = pick(rng, [PAGE, PAGE, 2 * PAGE, 16 * PAGE, 1, 4097, 1 + rng.below(65536), 65536]);
        const v = this.chance(0.2) ? vm() : undefined;
        return {
          name, args: { size, flags: pick(rng, [0, 0, 0, U.DRM_PANTHOR_BO_NO_MMAP]), exclusive_vm_id: v ? v.id : 0 },
          after: (ret, out) => {
            if (ret !== 0) return;
            expect(out.handle, 'BO_CREATE handle').toBeGreaterThan(0);
            expect(out.size! % PAGE, 'BO_CREATE size is whole pages').toBe(0);
            f.bos.push({ handle: out.handle!, size: out.size!, cpu: 0 });
          },
        };
      }
      case 'BO_MMAP_OFFSET': {
        const b = bo();
        return {
          name, args: { handle: b ? b.handle : this.handle([]) },
          after: (ret, out, clean) => {
            if (ret !== 0) return;
            f.mmapOffsets.push(out.offset!);
            if (clean && b && !b.cpu) {
              const cpu = this.mmap(proc, f.fd, out.offset!, b.size);
              if (cpu > 0) b.cpu = cpu;
            }
          },
        };
      }
      case 'GEM_CLOSE': {
        const b = bo();
        return { name, args: { handle: b ? b.handle : this.handle([]) }, after: (ret, _, clean) => ret === 0 && clean && (f.bos = f.bos.filter((x) => x !== b)) };
      }
      case 'PRIME_HANDLE_TO_FD': {
        const b = bo();
        return {
          name, args: { handle: b ? b.handle : this.handle([]), flags: pick(rng, [0, U.DRM_CLOEXEC | U.DRM_RDWR, U.DRM_RDWR]) },
          after: (ret, out) => ret === 0 && b && proc.dmabufs.push({ fd: out.fd!, size: b.size }),
        };
      }
      case 'PRIME_FD_TO_HANDLE': {
        const d = proc.dmabufs.length && this.chance(0.9) ? pick(rng, proc.dmabufs) : { fd: this.handle([f.fd, ...proc.syncFds]), size: PAGE };
        return {
          name, args: { fd: d.fd, flags: 0 },
          after: (ret, out) => ret === 0 && !f.bos.some((x) => x.handle === out.handle) && f.bos.push({ handle: out.handle!, size: d.size, cpu: 0 }),
        };
      }
      case 'GROUP_CREATE': {
        if (f.groups.length >= LIMITS.groups) return this.structured(f, 'GROUP_DESTROY');
        const live = f.vms.filter((x) => !x.dead);
        if (!live.length && this.chance(0.9)) return this.structured(f, 'VM_CREATE');
        const v = live.length && this.chance(0.95) ? pick(rng, live) : vm();
        // Valid but for an occasional bad count, ring size or priority (the mutations do the rest).
        const n = this.chance(0.97) ? 1 + rng.below(4) : 5;
        const queues = Array.from({ length: n }, () => ({ priority: rng.below(16), ringbuf_size: this.chance(0.97) ? pick(rng, [4096, 4096, 8192, 65536]) : pick(rng, [3000, 131072]) }));
        const priority = this.chance(0.95) ? rng.below(proc.privileged ? 4 : 2) : pick(rng, [2, 3, 4]);
        return {
          name,
          args: {
            queues: this.array(proc, U.drm_panthor_queue_create, queues), max_compute_cores: 1 + rng.below(2), max_fragment_cores: 1, max_tiler_cores: 1,
            priority, compute_core_mask: pick(rng, [0xf, 0x3]), fragment_core_mask: 0xf, tiler_core_mask: 1, vm_id: v ? v.id : this.handle([]),
          },
          after: (ret, out) => {
            if (ret !== 0 || !v) return;
            expect(out.group_handle, 'GROUP_CREATE handle').toBeGreaterThan(0);
            f.groups.push({ handle: out.group_handle!, vm: v, queues: n, dead: false });
          },
        };
      }
      case 'GROUP_DESTROY': {
        const dead = f.groups.filter((x) => x.dead);
        const g = dead.length && this.chance(0.8) ? pick(rng, dead) : f.groups.length ? pick(rng, f.groups) : undefined;
        return { name, args: { group_handle: g ? g.handle : this.handle([]) }, after: (ret, _, clean) => ret === 0 && clean && (f.groups = f.groups.filter((x) => x !== g)) };
      }
      case 'GROUP_GET_STATE': {
        return {
          name, args: { group_handle: this.handle(f.groups.map((g) => g.handle)) },
          after: (ret, out) => {
            if (ret !== 0) return;
            const known = U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT | U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT | U.DRM_PANTHOR_GROUP_STATE_INNOCENT;
            expect(out.state! & ~known, 'GROUP_GET_STATE state bits').toBe(0);
            this.groupStates.set(out.state!, (this.groupStates.get(out.state!) ?? 0) + 1);
          },
        };
      }
      case 'GROUP_SUBMIT': {
        const live = f.groups.filter((x) => !x.dead);
        // Like an app: replace a dead group before submitting again.
        if (f.groups.length !== live.length && this.chance(0.5)) return this.structured(f, 'GROUP_DESTROY');
        if (!live.length && this.chance(0.9)) return this.structured(f, 'GROUP_CREATE');
        const g = live.length && this.chance(0.95) ? pick(rng, live) : f.groups.length ? pick(rng, f.groups) : undefined;
        const submits = Array.from({ length: 1 + rng.below(g ? Math.min(3, g.queues) : 2) }, () => {
          const stream = g ? this.stream(proc, g.vm) : undefined;
          return {
            queue_index: g && this.chance(0.95) ? rng.below(g.queues) : rng.below(6),
            stream_size: stream?.size ?? 0, stream_addr: stream?.va ?? 0, latest_flush: 0,
            syncs: this.array(proc, U.drm_panthor_sync_op, this.syncOps(f, 3)),
          };
        });
        return {
          name, args: { group_handle: g ? g.handle : this.handle([]), queue_submits: this.array(proc, U.drm_panthor_queue_submit, submits) },
          after: (ret, _, clean) => {
            if (ret === 0) this.submitted += submits.length;
            if (ret === -Errno.ECANCELED && clean && g) {
              g.dead = true;
              g.vm.dead ||= this.vmUnusable(proc, f, g.vm);
            }
          },
        };
      }
      case 'TILER_HEAP_CREATE': {
        if (f.heaps.length >= LIMITS.heaps) return this.structured(f, 'TILER_HEAP_DESTROY');
        const v = vm();
        const count = 1 + rng.below(2);
        return {
          name, args: { vm_id: v ? v.id : this.handle([]), initial_chunk_count: count, chunk_size: pick(rng, [128 * 1024, 256 * 1024]), max_chunks: count + rng.below(4), target_in_flight: 1 + rng.below(4) },
          after: (ret, out) => ret === 0 && f.heaps.push(out.handle!),
        };
      }
      case 'TILER_HEAP_DESTROY': {
        const h = this.handle(f.heaps);
        return { name, args: { handle: h }, after: (ret, _, clean) => ret === 0 && clean && (f.heaps = f.heaps.filter((x) => x !== h)) };
      }
      case 'SYNCOBJ_CREATE': {
        if (f.syncobjs.length >= LIMITS.syncobjs) return this.structured(f, 'SYNCOBJ_DESTROY');
        const signalled = this.chance(0.3);
        return {
          name, args: { flags: signalled ? U.DRM_SYNCOBJ_CREATE_SIGNALED : 0 },
          after: (ret, out, clean) => {
            if (ret !== 0) return;
            f.syncobjs.push(out.handle!);
            if (signalled && clean) f.fenced.add(out.handle!);
          },
        };
      }
      case 'SYNCOBJ_DESTROY': {
        const h = this.handle(f.syncobjs);
        return { name, args: { handle: h }, after: (ret, _, clean) => ret === 0 && clean && (f.syncobjs = f.syncobjs.filter((x) => x !== h)) };
      }
      case 'SYNCOBJ_HANDLE_TO_FD':
        return { name, args: { handle: this.handle(f.syncobjs), flags: 0, point: 0 }, after: (ret, out) => ret === 0 && proc.syncFds.push(out.fd!) };
      case 'SYNCOBJ_FD_TO_HANDLE':
        return {
          name, args: { fd: this.handle(proc.syncFds), flags: 0, point: 0 },
          after: (ret, out) => ret === 0 && !f.syncobjs.includes(out.handle!) && f.syncobjs.push(out.handle!),
        };
      case 'SYNCOBJ_WAIT':
      case 'SYNCOBJ_TIMELINE_WAIT': {
        const hs = this.handles(f);
        const flags = pick(rng, [0, U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
          U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE]);
        const args: Record<string, unknown> = { handles: this.u32s(proc, hs), count_handles: hs.length, timeout_nsec: this.timeout(), flags };
        if (name === 'SYNCOBJ_TIMELINE_WAIT') args.points = this.u64s(proc, hs.map((h) => this.timeline(f, h, false)));
        return {
          name, args,
          after: (ret, out) => ret === 0 && expect(out.first_signaled, 'first_signaled < count').toBeLessThan(hs.length),
        };
      }
      case 'SYNCOBJ_RESET':
      case 'SYNCOBJ_SIGNAL': {
        const hs = this.handles(f);
        if (name === 'SYNCOBJ_SIGNAL') this.onSuccess.push(() => hs.forEach((h) => f.fenced.add(h)));
        return { name, args: { handles: this.u32s(proc, hs), count_handles: hs.length } };
      }
      case 'SYNCOBJ_TIMELINE_SIGNAL': {
        const hs = this.handles(f);
        return { name, args: { handles: this.u32s(proc, hs), points: this.u64s(proc, hs.map((h) => this.timeline(f, h, true))), count_handles: hs.length, flags: 0 } };
      }
      case 'SYNCOBJ_QUERY': {
        const hs = this.handles(f);
        return {
          name, args: { handles: this.u32s(proc, hs), points: proc.mem.alloc(hs.length * 8), count_handles: hs.length, flags: pick(rng, [0, U.DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED]) },
        };
      }
      case 'SYNCOBJ_TRANSFER': {
        const src = this.handle(f.syncobjs);
        const dst = this.handle(f.syncobjs);
        return {
          name, args: {
            src_handle: src, dst_handle: dst, src_point: this.chance(0.5) ? 0 : this.timeline(f, src, false), dst_point: this.chance(0.5) ? 0 : this.timeline(f, dst, true),
            flags: pick(rng, [0, 0, U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT]),
          },
        };
      }
      case 'SYNCOBJ_EVENTFD':
        return { name, args: { handle: this.handle(f.syncobjs), flags: 0, point: rng.below(4), fd: rng.below(16) } };
      case 'BO_SET_LABEL':
        return { name, args: { handle: this.handle(f.bos.map((b) => b.handle)), label: this.alloc(proc, new TextEncoder().encode('fuzz\0')) } };
      case 'SET_USER_MMIO_OFFSET':
        return { name, args: { offset: pick(rng, [U.DRM_PANTHOR_USER_MMIO_OFFSET_32BIT, U.DRM_PANTHOR_USER_MMIO_OFFSET_64BIT]) } };
      case 'BO_SYNC': {
        const b = bo();
        return { name, args: { ops: this.array(proc, U.drm_panthor_bo_sync_op, [{ handle: b?.handle ?? 1, type: rng.below(2), offset: 0, size: b?.size ?? PAGE }]) } };
      }
      case 'BO_QUERY_INFO':
        return { name, args: { handle: this.handle(f.bos.map((b) => b.handle)) } };
      default:
        throw new Error(`no generator for ${name}`);
    }
  }

  /** VM_GET_STATE as an app would ask it after a refused submit (counted like any ioctl). */
  vmUnusable(proc: ProcCtx, f: FileCtx, vm: VmInfo): boolean {
    const d = U.DRM_IOCTL_PANTHOR_VM_GET_STATE;
    const argp = this.alloc(proc, d.arg.encode({ vm_id: vm.id }));
    if (this.ioctl(proc, f.fd, d.request, argp, 'VM_GET_STATE (after ECANCELED)') !== 0) return false;
    return d.arg.decode(proc.mem.read(argp, d.arg.sizeBytes)!).state === U.DRM_PANTHOR_VM_STATE_UNUSABLE;
  }

  /** Write a small random command stream into a CPU-visible mapping of `vm`. */
  stream(proc: ProcCtx, vm: VmInfo): { va: number; size: number } | undefined {
    const rng = this.rng;
    const maps = vm.maps.filter((m) => m.bo.cpu);
    if (!maps.length || this.chance(0.1)) return this.chance(0.5) ? undefined : { va: 64 * rng.below(1 << 20), size: 8 * rng.below(32) };
    const m = pick(rng, maps);
    const slot = 64 * rng.below(Math.min(m.size, m.bo.size) / 64 - 1);
    const targets: CsTargets = {
      addresses: [...vm.maps.map((x) => x.va), 0, 0x5000, 2 ** 47, 2 ** 48 - 8],
      writable: vm.maps.filter((x) => !x.readOnly).map((x) => x.va).concat(vm.maps.length ? [] : [m.va]),
      readable: vm.maps.map((x) => x.va),
      // Mapped words that hold 0 unless something wrote there: WAIT ... EQ 0x123456789ab+1 never passes.
      frozenSyncs: vm.maps.map((x) => ({ va: x.va + 8 * rng.below(8), value: 0x1234_5678_9ab })),
      dispatchDescs: [],
      drawDescs: [],
      callees: [],
    };
    if (!targets.writable.length) (targets.writable as number[]).push(m.va);
    // Now and then a stream that can only end by the job timeout: a WAIT for a value nobody writes.
    const s = this.chance(0.15)
      ? { bytes: encodeCs([['MOV48', { d: 0, imm: pick(rng, targets.readable) }], ['MOV48', { d: 2, imm: 0xdead_0000_0000 + rng.nextU32() }], ['WAIT', { a: 0, v: 2, cond: SYNC_CONDITIONS.indexOf('EQ') }]]) }
      : randomStream(rng, targets, m.va + slot, Math.min(24, (m.size - slot) / 8));
    proc.mem.write(m.bo.cpu + slot, s.bytes);
    return { va: m.va + slot, size: s.bytes.length };
  }

  /**
   * kmd.mmap, remembering which BO a successful one pinned: the model has no munmap,
   * so a CPU mapping holds its BO (and its pages) for the life of the process.
   */
  mmap(proc: ProcCtx, fd: number, offset: number, length: number): number {
    const addr = this.stack.kmd.mmap(proc.pid, fd, offset, length);
    expect(Number.isInteger(addr), 'mmap result').toBe(true);
    if (addr <= 0) {
      expect(ERRNOS.has(-addr), 'mmap errno').toBe(true);
      return addr;
    }
    const label = proc.mem.mappings().find((m) => m.start === addr)!.label;
    const id = Number(/bo(\d+)/.exec(label)![1]);
    for (const obj of this.stack.kmd.process(proc.pid)!.fds.values()) {
      const bos = obj.kind === 'drm' ? obj.file.bos.values() : obj.kind === 'dmabuf' ? [obj.bo] : [];
      const bo = bos.find((b) => b.id === id);
      if (bo) this.pinnedPages.set(id, bo.sizeBytes / PAGE);
    }
    expect(this.pinnedPages.has(id), `mmap'ed BO ${id} is one of the process's`).toBe(true);
    return addr;
  }

  // ---- one step ----

  step(): void {
    const rng = this.rng;
    const proc = pick(rng, this.procs);
    const f = pick(rng, proc.files);
    const r = rng.below(1000);
    if (r < 10) return this.other(proc);
    if (r < 110) return this.randomCall(proc, f);
    if (r < 310) return this.tableCall(proc, f);
    this.structuredCall(proc, f);
  }

  private randomCall(proc: ProcCtx, f: FileCtx): void {
    const rng = this.rng;
    this.modes.random++;
    const request = rng.below(2)
      ? rng.nextU32()
      : (((rng.below(4) << 30) | (rng.below(0x4000) << 16) | (U.DRM_IOCTL_BASE << 8) | rng.below(256)) >>> 0);
    const argp = pick(rng, [0, rng.nextU32(), proc.mem.mappings()[0]!.start + rng.below(proc.mem.mappings()[0]!.sizeBytes), this.alloc(proc, randomBytes(rng, rng.below(128)))]);
    const fd = this.chance(0.9) ? f.fd : pick(rng, [-1, 0, 1, 2, 999, ...proc.dmabufs.map((d) => d.fd), ...proc.syncFds]);
    this.ioctl(proc, fd, request, argp, 'random');
  }

  private tableCall(proc: ProcCtx, f: FileCtx): void {
    const rng = this.rng;
    this.modes.table++;
    const def = pick(rng, U.IOCTLS);
    const size = pick(rng, [def.arg.sizeBytes, def.arg.sizeBytes, def.arg.sizeBytes, rng.below(def.arg.sizeBytes + 1)]);
    const bytes = randomBytes(rng, size);
    // Random bytes rarely hold a live handle: sometimes plant one in the first u32.
    if (size >= 4 && this.chance(0.3)) setLE(bytes, 0, 4, BigInt(this.handle([...f.syncobjs, ...f.bos.map((b) => b.handle), ...f.vms.map((v) => v.id)])));
    this.ioctl(proc, f.fd, def.request, this.alloc(proc, bytes), `table ${def.shortName}`);
  }

  private structuredCall(proc: ProcCtx, f: FileCtx): void {
    const rng = this.rng;
    this.modes.structured++;
    this.mutating = this.chance(0.5);
    this.mutated = false;
    this.onSuccess = [];
    const call = this.structured(f, this.feasible(f, pick(rng, WEIGHTED).shortName));
    const d: AnyIoctl = BY_NAME.get(call.name)!;
    const bytes = d.arg.encode(call.args as AnyStructInput);
    if (this.mutating && (!this.mutated || this.chance(0.5))) this.mutate(proc, d.arg, bytes);
    if (this.mutated) this.modes.mutated++;
    const argp = this.mutating && this.chance(0.03) ? Number(this.badPointer(proc) & 0x1f_ffff_ffff_ffffn) : this.alloc(proc, bytes);
    const ret = this.ioctl(proc, f.fd, d.request, argp, `${call.name}${this.mutated ? ' (mutated)' : ''}`);
    if (ret === 0) this.onSuccess.forEach((e) => e());
    const after = proc.mem.read(argp, d.arg.sizeBytes);
    if (call.after && after) call.after(ret, d.arg.decode(after) as unknown as Record<string, number>, !this.mutated);
  }

  /** The other entry points an app reaches: mmap, close, passing fds. */
  private other(proc: ProcCtx): void {
    const rng = this.rng;
    const kmd = this.stack.kmd;
    this.modes.other++;
    const f = pick(rng, proc.files);
    const r = rng.below(10);
    if (r < 5) {
      const offset = f.mmapOffsets.length && this.chance(0.7) ? pick(rng, f.mmapOffsets) + PAGE * rng.below(3) : rng.nextU32() * 2;
      this.mmap(proc, pick(rng, [f.fd, f.fd, ...proc.dmabufs.map((d) => d.fd), 77]), offset, pick(rng, [PAGE, 2 * PAGE, 0, -1, 1 << 30]));
    } else if (r < 8) {
      // SCM_RIGHTS: the receiver gets a new fd for the same dma-buf or syncobj.
      const fds = [...proc.dmabufs.map((d) => d.fd), ...proc.syncFds, 4321];
      const from = pick(rng, fds);
      const to = pick(rng, this.procs);
      const fd = kmd.passFd(proc.pid, from, to.pid);
      if (fd < 0) return void expect(fd, 'passFd of an unknown fd').toBe(-Errno.EBADF);
      const dmabuf = proc.dmabufs.find((d) => d.fd === from);
      if (dmabuf) to.dmabufs.push({ fd, size: dmabuf.size });
      else to.syncFds.push(fd);
    } else if (r < 9) {
      const fd = pick(rng, [...proc.dmabufs.map((d) => d.fd), ...proc.syncFds, 12345]);
      expect([0, -Errno.EBADF], 'close').toContain(kmd.close(proc.pid, fd));
      proc.dmabufs = proc.dmabufs.filter((d) => d.fd !== fd);
      proc.syncFds = proc.syncFds.filter((x) => x !== fd);
    } else {
      // Close a whole DRM file with everything in it (groups, VMs, heaps), and open a new one.
      expect(kmd.close(proc.pid, f.fd), 'close DRM fd').toBe(0);
      for (const b of f.bos) if (b.cpu) proc.mem.unmap(b.cpu);
      Object.assign(f, newFile(proc, kmd.open(proc.pid)));
    }
  }
}

/** Structured-call weights: busy paths (submit, bind, wait) more often than one-off queries. */
const WEIGHTS: Readonly<Record<string, number>> = {
  GROUP_SUBMIT: 24, VM_BIND: 10, SYNCOBJ_WAIT: 8, BO_CREATE: 5, BO_MMAP_OFFSET: 5, GROUP_GET_STATE: 5, SYNCOBJ_CREATE: 5, GROUP_CREATE: 4,
  SYNCOBJ_TIMELINE_WAIT: 3, SYNCOBJ_TIMELINE_SIGNAL: 3, SYNCOBJ_SIGNAL: 2, SYNCOBJ_RESET: 2, SYNCOBJ_QUERY: 2, SYNCOBJ_TRANSFER: 3, VM_CREATE: 2, VM_GET_STATE: 3,
  PRIME_HANDLE_TO_FD: 2, PRIME_FD_TO_HANDLE: 2, SYNCOBJ_HANDLE_TO_FD: 2, SYNCOBJ_FD_TO_HANDLE: 2, GEM_CLOSE: 2, GROUP_DESTROY: 2, SYNCOBJ_DESTROY: 1,
  VM_DESTROY: 1, TILER_HEAP_CREATE: 1, TILER_HEAP_DESTROY: 1, DEV_QUERY: 2, VERSION: 1,
};
const WEIGHTED: readonly AnyIoctl[] = U.IOCTLS.flatMap((d) => Array.from({ length: WEIGHTS[d.shortName] ?? 1 }, () => d));

describe('ioctl fuzzing', () => {
  it(`survives ${CALLS} random, table-driven and structure-aware ioctls; every answer is 0 or an errno`, () => {
    const fz = new Fuzzer(new Rng(SEED));
    const stack = fz.stack;
    while (fz.calls < CALLS) fz.step();

    const histogram = Object.fromEntries([...fz.errnos].sort((a, b) => b[1] - a[1]));
    const perIoctl = Object.fromEntries([...fz.results].sort().map(([k, v]) => [k, Object.fromEntries([...v].sort((a, b) => b[1] - a[1]))]));
    console.log(`ioctl-fuzz: ${fz.calls} ioctls, ${fz.successes} ok, modes ${JSON.stringify(fz.modes)}, jobs submitted ${fz.submitted}, ` +
      `virtual ${(stack.sim.nowNs / 1e6).toFixed(1)} ms, GPU resets ${stack.kmd.sched.resets}\n  results ${JSON.stringify(histogram)}\n` +
      `  group states seen ${JSON.stringify(Object.fromEntries(fz.groupStates))}, jobs ${JSON.stringify(Object.fromEntries(fz.jobs))}, ` +
      `GPU faults ${JSON.stringify(Object.fromEntries(fz.faults))}, pages free ${stack.kmd.pages.available()}\n  per ioctl ${JSON.stringify(perIoctl)}`);

    // Deep code was reached: many successes, many kinds of failure, every implemented
    // ioctl both succeeded and failed, jobs ran and ended in every way.
    expect(fz.calls).toBeGreaterThanOrEqual(CALLS);
    expect(fz.successes).toBeGreaterThan(CALLS / 5);
    expect(fz.errnos.size - 1).toBeGreaterThanOrEqual(10);
    for (const name of implementedIoctls()) {
      const r = fz.results.get(name);
      expect(r?.get('ok') ?? 0, `${name} succeeded`).toBeGreaterThan(0);
      expect([...(r?.keys() ?? [])].filter((k) => k !== 'ok').length, `${name} failed`).toBeGreaterThan(0);
    }
    expect(fz.submitted).toBeGreaterThan(1000);
    expect(fz.groupStates.get(0) ?? 0, 'healthy groups').toBeGreaterThan(0);
    expect(fz.groupStates.get(U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT) ?? 0, 'faulted groups').toBeGreaterThan(0);
    expect(fz.groupStates.get(U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT) ?? 0, 'timed-out groups').toBeGreaterThan(0);
    expect(stack.kmd.sched.resets).toBeGreaterThan(0);

    // Closing every fd of every process releases every page the driver allocated,
    // except those of BOs the processes still have mmap'ed.
    for (const p of fz.procs) {
      for (const fd of [...stack.kmd.process(p.pid)!.fds.keys()]) expect(stack.kmd.close(p.pid, fd)).toBe(0);
    }
    stack.sim.runUntil(() => stack.kmd.idle(), stack.sim.nowNs + 1e9);
    expect(stack.kmd.idle()).toBe(true);
    const pinned = [...fz.pinnedPages.values()].reduce((a, b) => a + b, 0);
    expect(stack.kmd.pages.allocated, 'pages still allocated after every fd was closed').toBe(pinned);

    // The device still works: a fresh process runs copy + compute and reads back exact bytes.
    const c = new Client(stack);
    const s = setUpCopyCompute(c);
    const group = c.groupCreate(s.vm);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    c.wait([done], { timeoutNs: 10e6 });
    expect(c.groupState(group).state).toBe(0);
    expect(c.read(s.out.cpu, N * 4)).toEqual(s.expected);
  });
});
