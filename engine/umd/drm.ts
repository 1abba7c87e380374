/**
 * Typed ioctls for the UMD, the libdrm of this stack: encode the argument struct
 * into the process's memory, call, decode what the kernel wrote back. Argument
 * memory comes from a scratch arena reset at every call, so millions of ioctls do
 * not grow the process.
 */
import { Errno } from '../base/errno';
import type { IoctlDef } from '../kmd/uapi/ioc';
import type { FieldSpec, StructDef, StructInput, StructValue } from '../kmd/uapi/struct';
import { encodeArray } from '../kmd/uapi/struct';
import type { KmdBackend } from './kmd-backend';

const ARENA_BYTES = 1 << 20;

export interface IoctlAnswer<F extends readonly FieldSpec[]> {
  /** 0 or a positive errno. */
  readonly errno: number;
  readonly out: StructValue<F>;
}

export class Drm {
  private readonly arena: number;
  private used = 0;

  constructor(readonly backend: KmdBackend) {
    this.arena = backend.memory.alloc(ARENA_BYTES);
  }

  /** Scratch user memory valid until the next `call`. */
  scratch(bytes: Uint8Array): number {
    const size = Math.ceil(bytes.length / 16) * 16;
    if (this.used + size > ARENA_BYTES) {
      // Larger than the arena: a one-off allocation (rare: huge arrays).
      return this.backend.memory.allocBytes(bytes);
    }
    const addr = this.arena + this.used;
    this.used += size;
    this.backend.memory.write(addr, bytes);
    return addr;
  }

  array<F extends readonly FieldSpec[]>(elem: StructDef<F>, items: readonly StructInput<F>[]): { stride: number; count: number; array: number } {
    if (items.length === 0) return { stride: elem.sizeBytes, count: 0, array: 0 };
    return { stride: elem.sizeBytes, count: items.length, array: this.scratch(encodeArray(elem, items)) };
  }

  u32s(values: readonly number[]): number {
    const b = new Uint8Array(Math.max(4, values.length * 4));
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setUint32(i * 4, x >>> 0, true));
    return this.scratch(b);
  }

  u64s(values: readonly number[]): number {
    const b = new Uint8Array(Math.max(8, values.length * 8));
    const v = new DataView(b.buffer);
    values.forEach((x, i) => {
      v.setUint32(i * 8, x >>> 0, true);
      v.setUint32(i * 8 + 4, Math.floor(x / 0x1_0000_0000) >>> 0, true);
    });
    return this.scratch(b);
  }

  readU64s(addr: number, count: number): number[] {
    const b = this.backend.memory.read(addr, count * 8);
    if (!b) return [];
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: count }, (_, i) => v.getUint32(i * 8, true) + v.getUint32(i * 8 + 4, true) * 0x1_0000_0000);
  }

  /** Issue one ioctl; the arena is reset once the answer is decoded. */
  call<F extends readonly FieldSpec[]>(def: IoctlDef<F>, args: StructInput<F>): IoctlAnswer<F> {
    const argp = this.scratch(def.arg.encode(args));
    const ret = this.backend.ioctl(def.request, argp);
    const bytes = this.backend.memory.read(argp, def.arg.sizeBytes);
    this.used = 0;
    if (!bytes) return { errno: Errno.EFAULT, out: def.arg.decode(new Uint8Array(def.arg.sizeBytes)) };
    return { errno: ret < 0 ? -ret : 0, out: def.arg.decode(bytes) };
  }
}
