/**
 * Buffer-object ioctls: BO_CREATE, BO_MMAP_OFFSET, GEM_CLOSE, and PRIME export /
 * import. A dma-buf is the BO itself behind an fd; importing it in another file (or
 * another process, after passing the fd) gives a handle to the same pages.
 */
import { Errno } from '../base/errno';
import { typed, type IoctlHandler } from './ioctl-context';
import { DRM_CLOEXEC, DRM_RDWR, drm_gem_close, drm_prime_handle } from './uapi/drm-core';
import { drm_panthor_bo_create, drm_panthor_bo_mmap_offset, DRM_PANTHOR_BO_NO_MMAP } from './uapi/panthor';

/** Largest single BO (1 GiB); larger requests are EINVAL before any allocation. */
export const MAX_BO_BYTES = 1 << 30;

const boCreate = typed(drm_panthor_bo_create, (ctx, a) => {
  if (a.flags & ~DRM_PANTHOR_BO_NO_MMAP) return Errno.EINVAL;
  if (a.size === 0 || a.size > MAX_BO_BYTES) return Errno.EINVAL;
  let exclusiveVm = 0;
  if (a.exclusive_vm_id) {
    const vm = ctx.file.vms.get(a.exclusive_vm_id);
    if (!vm || vm.destroyed) return Errno.EINVAL;
    exclusiveVm = vm.id;
  }
  const bo = ctx.dev.gem.create(a.size, a.flags, exclusiveVm, `bo.f${ctx.file.id}`);
  if (!bo) return Errno.ENOMEM;
  const handle = ctx.file.bos.add(bo);
  return { out: { handle, size: bo.sizeBytes } };
});

const boMmapOffset = typed(drm_panthor_bo_mmap_offset, (ctx, a) => {
  const bo = ctx.file.bos.get(a.handle);
  if (!bo) return Errno.ENOENT;
  if (bo.flags & DRM_PANTHOR_BO_NO_MMAP) return Errno.EPERM;
  return { out: { offset: ctx.dev.gem.assignMmapOffset(bo) } };
});

const gemClose = typed(drm_gem_close, (ctx, a) => {
  const bo = ctx.file.bos.remove(a.handle);
  if (!bo) return Errno.EINVAL;
  ctx.dev.gem.put(bo);
  return 0;
});

const primeHandleToFd = typed(drm_prime_handle, (ctx, a) => {
  if (a.flags & ~(DRM_CLOEXEC | DRM_RDWR)) return Errno.EINVAL;
  const bo = ctx.file.bos.get(a.handle);
  if (!bo) return Errno.ENOENT;
  if (bo.exclusiveVm) return Errno.EINVAL; // VM-private BOs cannot be shared
  const fd = ctx.file.process.installFd({ kind: 'dmabuf', bo: ctx.dev.gem.get(bo) });
  return { out: { fd } };
});

const primeFdToHandle = typed(drm_prime_handle, (ctx, a) => {
  const obj = ctx.file.process.fds.get(a.fd);
  if (!obj) return Errno.EBADF;
  if (obj.kind !== 'dmabuf') return Errno.EINVAL;
  const existing = ctx.file.bos.find(obj.bo);
  if (existing !== undefined) return { out: { handle: existing } };
  const handle = ctx.file.bos.add(ctx.dev.gem.get(obj.bo));
  return { out: { handle } };
});

export const gemHandlers: Readonly<Record<string, IoctlHandler>> = {
  BO_CREATE: boCreate,
  BO_MMAP_OFFSET: boMmapOffset,
  GEM_CLOSE: gemClose,
  PRIME_HANDLE_TO_FD: primeHandleToFd,
  PRIME_FD_TO_HANDLE: primeFdToHandle,
};
