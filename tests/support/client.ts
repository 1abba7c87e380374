/**
 * IGT-style userspace for tests: a process with an open DRM fd that issues raw
 * ioctls with exact argument structs. Every helper takes the errno it expects
 * (`err`, default 0) and fails the test when the kernel answers differently —
 * the style of igt's `do_ioctl_err()`. It throws instead of using a test framework,
 * so benchmarks and the demo can drive the kernel the same way until the UMD exists.
 */
import { errnoName } from '../../engine/base/errno';
import { createStack, type Stack, type StackOptions } from '../../engine/stack';
import type { IoctlDef } from '../../engine/kmd/uapi/ioc';
import type { FieldSpec, StructDef, StructInput, StructValue } from '../../engine/kmd/uapi/struct';
import { encodeArray } from '../../engine/kmd/uapi/struct';
import * as U from '../../engine/kmd/uapi';
import type { Process } from '../../engine/kmd/file';

export interface Expect {
  readonly err?: number;
}

/** Thrown when the kernel answers differently from what the caller expected. */
export class UnexpectedResult extends Error {
  override name = 'UnexpectedResult';
}

export function ensure(condition: boolean, message: string): void {
  if (!condition) throw new UnexpectedResult(message);
}

function check(ret: number, err: number, what: string): void {
  const got = ret === 0 ? 'success' : errnoName(-ret);
  const want = err === 0 ? 'success' : errnoName(err);
  ensure(got === want, `${what}: expected ${want}, got ${got}`);
}

export class Client {
  readonly proc: Process;
  readonly fd: number;

  constructor(
    readonly stack: Stack,
    /** `proc` + `fd`: act as that process on a DRM fd it already has (e.g. after a restore). */
    options: { privileged?: boolean; proc?: Process; fd?: number } = {},
  ) {
    this.proc = options.proc ?? stack.kmd.spawn({ privileged: options.privileged ?? false });
    this.fd = options.fd ?? stack.kmd.open(this.proc.pid);
  }

  static create(options: StackOptions = {}): Client {
    return new Client(createStack(options));
  }

  get mem() {
    return this.proc.memory;
  }

  /** Raw ioctl with an argument struct in user memory; returns the kernel's answer and the struct after. */
  raw<F extends readonly FieldSpec[]>(def: IoctlDef<F>, args: StructInput<F> | Uint8Array, fd = this.fd): { ret: number; out: StructValue<F>; argp: number } {
    const bytes = args instanceof Uint8Array ? args : def.arg.encode(args);
    const argp = this.mem.allocBytes(bytes);
    const ret = this.stack.kmd.ioctl(this.proc.pid, fd, def.request, argp);
    return { ret, out: def.arg.decode(this.mem.read(argp, def.arg.sizeBytes)!), argp };
  }

  /** ioctl that must answer `err` (0 = success). */
  io<F extends readonly FieldSpec[]>(def: IoctlDef<F>, args: StructInput<F> | Uint8Array, e: Expect = {}): StructValue<F> {
    const { ret, out } = this.raw(def, args);
    check(ret, e.err ?? 0, def.shortName);
    return out;
  }

  /** An obj_array pointing at freshly allocated elements. */
  array<F extends readonly FieldSpec[]>(elem: StructDef<F>, items: readonly StructInput<F>[]): { stride: number; count: number; array: number } {
    if (items.length === 0) return { stride: elem.sizeBytes, count: 0, array: 0 };
    return { stride: elem.sizeBytes, count: items.length, array: this.mem.allocBytes(encodeArray(elem, items)) };
  }

  u32s(values: readonly number[]): number {
    const b = new Uint8Array(values.length * 4);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, true));
    return this.mem.allocBytes(b);
  }

  u64s(values: readonly number[]): number {
    const b = new Uint8Array(values.length * 8);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setBigUint64(i * 8, BigInt(x), true));
    return this.mem.allocBytes(b);
  }

  // ---- helpers in the IGT style: expected errno is an argument ----

  vmCreate(e: Expect & { userVaRange?: number; flags?: number } = {}): number {
    return this.io(U.DRM_IOCTL_PANTHOR_VM_CREATE, { flags: e.flags ?? 0, user_va_range: e.userVaRange ?? 0 }, e).id;
  }

  boCreate(sizeBytes: number, e: Expect & { flags?: number; exclusiveVm?: number } = {}): number {
    return this.io(U.DRM_IOCTL_PANTHOR_BO_CREATE, { size: sizeBytes, flags: e.flags ?? 0, exclusive_vm_id: e.exclusiveVm ?? 0 }, e).handle;
  }

  map(vm: number, bo: number, va: number, sizeBytes: number, e: Expect & { flags?: number; boOffset?: number } = {}): void {
    const ops = this.array(U.drm_panthor_vm_bind_op, [{ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_MAP | (e.flags ?? 0), bo_handle: bo, bo_offset: e.boOffset ?? 0, va, size: sizeBytes }]);
    this.io(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: vm, flags: 0, ops }, e);
  }

  unmap(vm: number, va: number, sizeBytes: number, e: Expect = {}): void {
    const ops = this.array(U.drm_panthor_vm_bind_op, [{ flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP, va, size: sizeBytes }]);
    this.io(U.DRM_IOCTL_PANTHOR_VM_BIND, { vm_id: vm, flags: 0, ops }, e);
  }

  /** BO_MMAP_OFFSET + mmap: the user address of the BO's bytes. */
  mmap(bo: number, sizeBytes: number): number {
    const offset = this.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }).offset;
    const addr = this.stack.kmd.mmap(this.proc.pid, this.fd, offset, sizeBytes);
    ensure(addr > 0, `mmap of BO ${bo} failed: ${addr}`);
    return addr;
  }

  syncobjCreate(e: Expect & { flags?: number } = {}): number {
    return this.io(U.DRM_IOCTL_SYNCOBJ_CREATE, { flags: e.flags ?? 0 }, e).handle;
  }

  groupCreate(vm: number, e: Expect & { queues?: number; priority?: number; ringSizeBytes?: number } = {}): number {
    const queues = this.array(U.drm_panthor_queue_create, Array.from({ length: e.queues ?? 1 }, () => ({ priority: 1, ringbuf_size: e.ringSizeBytes ?? 16384 })));
    return this.io(U.DRM_IOCTL_PANTHOR_GROUP_CREATE, {
      queues, max_compute_cores: 1, max_fragment_cores: 1, max_tiler_cores: 1, priority: e.priority ?? 1,
      compute_core_mask: 0xf, fragment_core_mask: 0xf, tiler_core_mask: 1, vm_id: vm,
    }, e).group_handle;
  }

  submit(group: number, queue: number, streamVa: number, streamSizeBytes: number, e: Expect & { signal?: number[]; wait?: number[]; signalPoints?: [number, number][]; waitPoints?: [number, number][] } = {}): void {
    const syncs = [
      ...(e.wait ?? []).map((h) => ({ flags: U.DRM_PANTHOR_SYNC_OP_WAIT, handle: h, timeline_value: 0 })),
      ...(e.signal ?? []).map((h) => ({ flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: h, timeline_value: 0 })),
      ...(e.waitPoints ?? []).map(([h, p]) => ({ flags: U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ, handle: h, timeline_value: p })),
      ...(e.signalPoints ?? []).map(([h, p]) => ({ flags: U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ | U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: h, timeline_value: p })),
    ];
    const qs = this.array(U.drm_panthor_queue_submit, [{ queue_index: queue, stream_size: streamSizeBytes, stream_addr: streamVa, syncs: this.array(U.drm_panthor_sync_op, syncs) }]);
    this.io(U.DRM_IOCTL_PANTHOR_GROUP_SUBMIT, { group_handle: group, queue_submits: qs }, e);
  }

  /** SYNCOBJ_WAIT with an absolute timeout `timeoutNs` from now. */
  wait(handles: readonly number[], e: Expect & { timeoutNs?: number; flags?: number } = {}): number {
    const deadline = this.stack.sim.nowNs + (e.timeoutNs ?? 1e9);
    return this.io(U.DRM_IOCTL_SYNCOBJ_WAIT, { handles: this.u32s(handles), count_handles: handles.length, timeout_nsec: deadline, flags: e.flags ?? U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL }, e).first_signaled;
  }

  groupState(group: number): { state: number; fatalQueues: number } {
    const out = this.io(U.DRM_IOCTL_PANTHOR_GROUP_GET_STATE, { group_handle: group });
    return { state: out.state, fatalQueues: out.fatal_queues };
  }

  vmState(vm: number): number {
    return this.io(U.DRM_IOCTL_PANTHOR_VM_GET_STATE, { vm_id: vm }).state;
  }

  /** A BO mapped at `va` and CPU-mapped: the usual "upload buffer". */
  buffer(vm: number, va: number, sizeBytes: number, flags = 0): { bo: number; cpu: number } {
    const bo = this.boCreate(sizeBytes);
    this.map(vm, bo, va, sizeBytes, { flags });
    return { bo, cpu: this.mmap(bo, sizeBytes) };
  }

  write(addr: number, bytes: Uint8Array): void {
    ensure(this.mem.write(addr, bytes), `write to unmapped user address 0x${addr.toString(16)}`);
  }

  read(addr: number, length: number): Uint8Array {
    const b = this.mem.read(addr, length);
    ensure(b !== undefined, `read from unmapped user address 0x${addr.toString(16)}`);
    return b!;
  }
}
