/**
 * Where an ioctl's arguments hold values a fresh run may hand out differently:
 * handles, VM ids, fds, mmap offsets, user pointers and GPU addresses. Found by uAPI
 * field knowledge — the unit each field of engine/kmd/uapi/* declares — so a new
 * ioctl or field is covered as soon as its struct says what its numbers mean.
 *
 * Model
 * - An `ArgImage` is what one recorded ioctl moved across the boundary: the argument
 *   struct's bytes and the user copies (cloned, so rewriting never touches the
 *   capture's event). A `Slot` is one remappable scalar in it: in the struct at an
 *   offset, or in user memory at an address (array elements, handle lists).
 * - `ioctlSlots(def, image, follow)` walks the struct; with `follow` it also walks
 *   the arrays the struct points at, through the bytes the kernel copied in:
 *   `drm_panthor_obj_array`s (element type from OBJ_ARRAY_ELEMENTS, elements
 *   `stride` apart, only the prefix both sides know) and the u32 syncobj handle
 *   lists of the SYNCOBJ_* ioctls (HANDLE_LISTS).
 * - Which namespace a `handle` is in is not in the unit: it is read from the
 *   struct and field names (`namespaceOf`) — group_handle → group, syncobj and
 *   sync-op structs → syncobj, tiler heaps → heap, everything else → GEM BO. A
 *   unit `id` is a VM id (the only per-file id in the uAPI). Zero never names an
 *   object (uAPI rule: 0 = none), so callers leave it alone.
 *
 * Example: for VM_BIND {vm_id=1, ops={stride=48, count=1, array=0x10040}} with the
 * op copied in, `ioctlSlots(def, image, true)` → vm_id (vm), ops.array (uptr),
 * ops[0].bo_handle (bo), ops[0].va (gpuva), ops[0].syncs.array (uptr).
 */
import type { UserCopy } from '../engine/trace/events';
import {
  drm_panthor_obj_array, OBJ_ARRAY_ELEMENTS,
  type AnyIoctl, type AnyStruct, type Direction, type FieldLayout, type ScalarType,
} from '../engine/kmd/uapi';

export type Namespace = 'bo' | 'syncobj' | 'vm' | 'group' | 'heap' | 'fd' | 'mmap_offset' | 'uptr' | 'gpuva';

/** Per-file object namespaces (the DRM file's handle tables). */
export const FILE_NAMESPACES = ['bo', 'syncobj', 'vm', 'group', 'heap'] as const;
export type FileNamespace = (typeof FILE_NAMESPACES)[number];

export type SlotLocation = { readonly arg: number } | { readonly user: number };

export interface Slot {
  readonly ns: Namespace;
  readonly dir: Direction;
  /** e.g. `ops[0].bo_handle`, for reports. */
  readonly path: string;
  readonly scalar: ScalarType;
  readonly at: SlotLocation;
}

/** u32 arrays of syncobj handles a field points at, with the field that counts them. */
const HANDLE_LISTS: Readonly<Record<string, string>> = {
  'drm_syncobj_wait.handles': 'count_handles',
  'drm_syncobj_timeline_wait.handles': 'count_handles',
  'drm_syncobj_array.handles': 'count_handles',
  'drm_syncobj_timeline_array.handles': 'count_handles',
};

export function namespaceOf(struct: AnyStruct, field: FieldLayout): Namespace | undefined {
  switch (field.unit) {
    case 'fd': return 'fd';
    case 'mmap_offset': return 'mmap_offset';
    case 'uptr': return 'uptr';
    case 'gpuva': return 'gpuva';
    case 'id': return 'vm';
    case 'handle':
      if (field.name === 'group_handle') return 'group';
      if (/syncobj|sync_op/.test(struct.name)) return 'syncobj';
      if (struct.name.includes('tiler_heap')) return 'heap';
      return 'bo';
    default:
      return undefined;
  }
}

const SIZE: Readonly<Record<ScalarType, number>> = { u8: 1, u16: 2, u32: 4, s32: 4, u64: 8, s64: 8 };

/** An ioctl's argument bytes and user copies, rewritable slot by slot. */
export class ArgImage {
  readonly arg: Uint8Array;
  readonly copies: UserCopy[];

  constructor(arg: Uint8Array, copies: readonly UserCopy[]) {
    this.arg = arg.slice();
    this.copies = copies.map((c) => ({ dir: c.dir, addr: c.addr, bytes: c.bytes.slice() }));
  }

  /** `length` bytes at user address `addr` as the kernel copied them in, or undefined. */
  userBytes(addr: number, length: number): Uint8Array | undefined {
    for (const c of this.copies) {
      if (c.dir === 'in' && addr >= c.addr && addr + length <= c.addr + c.bytes.length) return c.bytes.subarray(addr - c.addr, addr - c.addr + length);
    }
    return undefined;
  }

  read(slot: Slot): number | undefined {
    const bytes = this.bytesAt(slot)[0];
    return bytes ? readScalar(bytes, slot.scalar) : undefined;
  }

  /** Rewrites the value everywhere the kernel saw it (a range copied in twice is patched twice). */
  write(slot: Slot, value: number): void {
    for (const bytes of this.bytesAt(slot)) writeScalar(bytes, slot.scalar, value);
  }

  private bytesAt(slot: Slot): Uint8Array[] {
    const size = SIZE[slot.scalar];
    if ('arg' in slot.at) return slot.at.arg + size <= this.arg.length ? [this.arg.subarray(slot.at.arg, slot.at.arg + size)] : [];
    const addr = slot.at.user;
    return this.copies
      .filter((c) => c.dir === 'in' && addr >= c.addr && addr + size <= c.addr + c.bytes.length)
      .map((c) => c.bytes.subarray(addr - c.addr, addr - c.addr + size));
  }
}

/** The remappable slots of `def`'s argument in `image` (see the header). */
export function ioctlSlots(def: AnyIoctl, image: ArgImage, follow: boolean): Slot[] {
  const out: Slot[] = [];
  walk(def.arg, image.arg, (o) => ({ arg: o }), '', image, follow, out);
  return out;
}

function walk(struct: AnyStruct, bytes: Uint8Array, loc: (offset: number) => SlotLocation, path: string, image: ArgImage, follow: boolean, out: Slot[]): void {
  const value = struct.decode(bytes) as Readonly<Record<string, unknown>>;
  for (const f of struct.fields) {
    if (f.pad) continue;
    const p = path ? `${path}.${f.name}` : f.name;
    if (f.kind === 'struct' && f.struct) {
      const inner = bytes.subarray(f.offsetBytes, f.offsetBytes + f.sizeBytes);
      walk(f.struct, inner, (o) => loc(f.offsetBytes + o), p, image, follow, out);
      const elem = OBJ_ARRAY_ELEMENTS[`${struct.name}.${f.name}`];
      if (follow && elem && f.struct === drm_panthor_obj_array) {
        const a = value[f.name] as { stride: number; count: number; array: number };
        const known = Math.min(a.stride, elem.sizeBytes);
        for (let i = 0; i < a.count; i++) {
          const at = a.array + i * a.stride;
          const eb = image.userBytes(at, known);
          if (!eb) break; // the kernel stopped reading here (or never started)
          walk(elem, eb, (o) => ({ user: at + o }), `${p}[${i}]`, image, follow, out);
        }
      }
      continue;
    }
    if (f.kind !== 'scalar' || !f.scalar || f.offsetBytes + f.sizeBytes > bytes.length) continue;
    const ns = namespaceOf(struct, f);
    if (ns) out.push({ ns, dir: f.dir, path: p, scalar: f.scalar, at: loc(f.offsetBytes) });
    const countField = HANDLE_LISTS[`${struct.name}.${f.name}`];
    if (follow && countField) {
      const addr = value[f.name] as number;
      const count = value[countField] as number;
      for (let i = 0; i < count && image.userBytes(addr + i * 4, 4); i++) {
        out.push({ ns: 'syncobj', dir: 'in', path: `${p}[${i}]`, scalar: 'u32', at: { user: addr + i * 4 } });
      }
    }
  }
}

function readScalar(b: Uint8Array, t: ScalarType): number {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  switch (t) {
    case 'u8': return v.getUint8(0);
    case 'u16': return v.getUint16(0, true);
    case 'u32': return v.getUint32(0, true);
    case 's32': return v.getInt32(0, true);
    case 'u64': return v.getUint32(0, true) + v.getUint32(4, true) * 0x1_0000_0000;
    case 's64': return v.getUint32(0, true) + v.getInt32(4, true) * 0x1_0000_0000;
  }
}

function writeScalar(b: Uint8Array, t: ScalarType, value: number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  switch (t) {
    case 'u8': v.setUint8(0, value); return;
    case 'u16': v.setUint16(0, value, true); return;
    case 'u32': case 's32': v.setUint32(0, Number(BigInt.asUintN(32, BigInt(value))), true); return;
    case 'u64': case 's64': v.setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true); return;
  }
}
