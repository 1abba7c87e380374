/**
 * The ioctl table and its one dispatch path. Every ioctl goes through the same
 * steps, as in drm_ioctl() + panthor's handlers:
 *   1. find the request in the uAPI table (unknown → EINVAL, as the DRM core does);
 *   2. copy the argument struct in (EFAULT on a bad pointer);
 *   3. the handler rejects non-zero pads and unknown flags, looks up handles, calls
 *      the block, and fills the output fields;
 *   4. copy the struct back out (always, like drm_ioctl; a failed copy is EFAULT).
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
import { ioctlByRequest } from './uapi';
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
  const def: AnyIoctl | undefined = ioctlByRequest(request);
  const copier = new UserCopier(file.process.memory);
  const empty = new Uint8Array(0);
  const handler = def && handlers[def.shortName];
  if (!def || !handler) {
    return { errno: Errno.EINVAL, name: def?.name ?? `0x${(request >>> 0).toString(16)}`, argIn: empty, argOut: empty, copies: [] };
  }
  const size = def.arg.sizeBytes;
  const copyIn = def.dir === 'w' || def.dir === 'rw';
  const copyOut = def.dir === 'r' || def.dir === 'rw';
  let arg: Uint8Array = new Uint8Array(size);
  if (copyIn) {
    const bytes = file.process.memory.read(argp, size);
    if (!bytes) return { errno: Errno.EFAULT, name: def.name, argIn: empty, argOut: empty, copies: [] };
    arg = bytes;
  }
  const argIn = arg.slice();
  const ctx: IoctlContext = { dev, file, copier };
  let errno = handler(ctx, arg);
  if (copyOut && !file.process.memory.write(argp, arg)) errno = Errno.EFAULT;
  return { errno, name: def.name, argIn, argOut: copyOut ? arg.slice() : empty, copies: copier.copies };
}
