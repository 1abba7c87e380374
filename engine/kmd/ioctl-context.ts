/**
 * What an ioctl handler gets, and helpers every handler shares: typed decode /
 * encode of the argument struct in place, and drm_panthor_obj_array copy-in with
 * stride versioning.
 */
import { Errno } from '../base/errno';
import type { PanthorDevice } from './device';
import type { DrmFile } from './file';
import type { FieldSpec, StructDef, StructInput, StructValue } from './uapi/struct';
import { decodeArray } from './uapi/struct';
import type { UserCopier } from './user-copy';

export interface IoctlContext {
  readonly dev: PanthorDevice;
  readonly file: DrmFile;
  readonly copier: UserCopier;
}

/** Mutates `arg` (the kernel copy of the struct) and returns an errno. */
export type IoctlHandler = (ctx: IoctlContext, arg: Uint8Array) => number;

/** Largest element count accepted in one obj_array (bounds kernel allocations). */
export const MAX_OBJ_ARRAY_COUNT = 4096;

/**
 * Wrap a typed handler: decodes the struct, rejects non-zero pads with EINVAL, and
 * writes back whatever output fields the handler returns — with an errno too when a
 * failure still reports something (VM_BIND's ops.count).
 */
export function typed<F extends readonly FieldSpec[]>(
  struct: StructDef<F>,
  fn: (ctx: IoctlContext, args: StructValue<F>) => number | { readonly out: StructInput<F>; readonly errno?: number },
): IoctlHandler {
  return (ctx, arg) => {
    if (!struct.padIsZero(arg)) return Errno.EINVAL;
    const args = struct.decode(arg);
    const result = fn(ctx, args);
    if (typeof result === 'number') return result;
    arg.set(struct.encode({ ...(args as unknown as StructInput<F>), ...result.out }));
    return result.errno ?? 0;
  };
}

export interface ObjArray {
  readonly stride: number;
  readonly count: number;
  readonly array: number;
}

/**
 * Copy in an obj_array of `elem`. A shorter stride reads missing fields as zero; a
 * longer one requires the extra bytes to be zero (E2BIG otherwise); pads must be zero.
 */
export function readObjArray<F extends readonly FieldSpec[]>(
  ctx: IoctlContext,
  elem: StructDef<F>,
  arr: ObjArray,
  minStrideBytes = 8,
): readonly StructValue<F>[] | number {
  if (arr.count === 0) return [];
  if (arr.count > MAX_OBJ_ARRAY_COUNT) return Errno.EINVAL;
  if (arr.stride < minStrideBytes || arr.stride % 4 !== 0) return Errno.EINVAL;
  const bytes = ctx.copier.fromUser(arr.array, arr.stride * arr.count);
  if (typeof bytes === 'number') return bytes;
  for (let i = 0; i < arr.count; i++) {
    const el = bytes.subarray(i * arr.stride, (i + 1) * arr.stride);
    if (arr.stride > elem.sizeBytes && el.subarray(elem.sizeBytes).some((b) => b !== 0)) return Errno.E2BIG;
    const padded = new Uint8Array(elem.sizeBytes);
    padded.set(el.subarray(0, Math.min(arr.stride, elem.sizeBytes)));
    if (!elem.padIsZero(padded)) return Errno.EINVAL;
  }
  return decodeArray(elem, bytes, arr.stride, arr.count);
}
