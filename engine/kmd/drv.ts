/**
 * The ioctl table and its one dispatch path. Every ioctl goes through the same
 * steps, as in drm_ioctl() + panthor's handlers:
 *   1. find the ioctl by its nr (unknown → EINVAL, as the DRM core does); the size in
 *      the request is the struct size userspace was built with;
 *   2. copy that many bytes in (EFAULT on a bad pointer); a shorter argument is
 *      zero-extended to the kernel struct, the tail of a longer one is ignored
 *      (uapi.ts rule 3);
 *   3. the handler rejects non-zero pads and unknown flags, looks up handles, calls
 *      the block, and fills the output fields;
 *   4. copy the user's size back out (always, like drm_ioctl; a failed copy is EFAULT).
 * Handlers return an errno (0 = success) and never throw for bad input.
 */
import { Errno } from '../base/errno';
import type { UserCopy } from '../trace/events';
import type { PanthorDevice } from './device';
import type { DrmFile } from './file';
import { gemHandlers } from './ioctl-gem';
import { groupHandlers } from './ioctl-group';
import { queryHandlers } from './ioctl-query';
import { syncobjHandlers } from './ioctl-syncobj';
import { vmHandlers } from './ioctl-vm';
import type { AnyIoctl } from './uapi';
import { decodeRequest, ioctlByNr } from './uapi';
import type { IoctlContext, IoctlHandler } from './ioctl-context';
import { UserCopier } from './user-copy';

const handlers: Readonly<Record<string, IoctlHandler>> = {
  ...queryHandlers,
  ...gemHandlers,
  ...vmHandlers,
  ...groupHandlers,
  ...syncobjHandlers,
};

export interface IoctlResult {
  readonly errno: number;
  readonly name: string;
  readonly argIn: Uint8Array;
  readonly argOut: Uint8Array;
  readonly copies: readonly UserCopy[];
}

export function implementedIoctls(): string[] {
  return Object.keys(handlers);
}

export function dispatchIoctl(dev: PanthorDevice, file: DrmFile, request: number, argp: number): IoctlResult {
  const def: AnyIoctl | undefined = ioctlByNr(request);
  const copier = new UserCopier(file.process.memory);
  const empty = new Uint8Array(0);
  const handler = def && handlers[def.shortName];
  if (!def || !handler) {
    return { errno: Errno.EINVAL, name: def?.name ?? `0x${(request >>> 0).toString(16)}`, argIn: empty, argOut: empty, copies: [] };
  }
  // As drm_ioctl(): copy the user's size in and out (only in directions both the
  // request and the ioctl have); the handler sees the kernel struct, zero-extended.
  const user = decodeRequest(request);
  const size = def.arg.sizeBytes;
  const copyIn = (user.dir === 'w' || user.dir === 'rw') && (def.dir === 'w' || def.dir === 'rw');
  const copyOut = (user.dir === 'r' || user.dir === 'rw') && (def.dir === 'r' || def.dir === 'rw');
  const kdata = new Uint8Array(Math.max(size, user.sizeBytes));
  if (copyIn && user.sizeBytes > 0) {
    const bytes = file.process.memory.read(argp, user.sizeBytes);
    if (!bytes) return { errno: Errno.EFAULT, name: def.name, argIn: empty, argOut: empty, copies: [] };
    kdata.set(bytes);
  }
  const argIn = kdata.slice(0, user.sizeBytes);
  const ctx: IoctlContext = { dev, file, copier };
  let errno = handler(ctx, kdata.subarray(0, size));
  const out = kdata.subarray(0, user.sizeBytes);
  if (copyOut && out.length > 0 && !file.process.memory.write(argp, out)) errno = Errno.EFAULT;
  return { errno, name: def.name, argIn, argOut: copyOut ? out.slice() : empty, copies: copier.copies };
}
