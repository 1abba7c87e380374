/**
 * External memory and semaphores: VK_KHR_external_memory_fd and
 * VK_KHR_external_semaphore_fd, opaque-fd flavour, over PRIME and syncobj fds.
 *
 * Memory: vkGetMemoryFdKHR exports the allocation's BO as a dma-buf fd
 * (PRIME_HANDLE_TO_FD, DRM_CLOEXEC | DRM_RDWR, as Mesa does). vkAllocateMemory with
 * `importFd` turns such an fd — passed from another process or not — into a
 * VkDeviceMemory of this device: PRIME_FD_TO_HANDLE, VM_BIND at a fresh VA, and, for
 * the host-visible type, BO_MMAP_OFFSET + mmap. The imported allocation is an
 * ordinary VkDeviceMemory: buffers and images bind to it, freeing it unbinds and
 * closes the handle; the pages live until the exporter's handle goes too.
 *
 * Semaphores: vkGetSemaphoreFdKHR exports the whole syncobj (SYNCOBJ_HANDLE_TO_FD,
 * flags 0), so binary and timeline payloads both cross; vkImportSemaphoreFdKHR gives
 * an existing VkSemaphore that syncobj (SYNCOBJ_FD_TO_HANDLE) in place of its own,
 * which it destroys: afterwards both processes signal and wait on one kernel object.
 * The semaphore keeps the type it was created with; as in Vulkan, it must match the
 * exporter's.
 *
 * Choices:
 * - The fd stays open in the process after a successful import. Vulkan says the
 *   implementation owns (and closes) it, but the UMD's kernel interface has no close;
 *   the simulated process never runs out of fds, and a capture shows every fd made.
 * - Importing into the device that exported the same BO is rejected
 *   (VK_ERROR_INVALID_EXTERNAL_HANDLE): PRIME would hand back the exporter's own
 *   handle, and two VkDeviceMemory sharing one GEM handle would close it twice.
 * - The import's `sizeBytes` is trusted only as far as the kernel checks it: a size
 *   past the dma-buf's end fails VM_BIND (EINVAL), which is the import's error.
 */
import { Errno } from '../base/errno';
import * as U from '../kmd/uapi';
import { PAGE, type DeviceCore, type GpuAllocation } from './device';

/** PRIME export: the BO's dma-buf fd, or a negative errno. */
export function exportMemoryFd(core: DeviceCore, bo: number): number {
  const r = core.drm.call(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle: bo, flags: U.DRM_CLOEXEC | U.DRM_RDWR, fd: -1 });
  return r.errno ? -r.errno : r.out.fd;
}

/**
 * PRIME import of `fd` as an allocation of `sizeBytes` (page-rounded), bound at a
 * fresh VA and CPU-mapped when `mappable`. `owned(bo)` says whether this device
 * already holds that GEM handle (a self-import, refused with EEXIST). Returns the
 * allocation or an errno; nothing is left behind on failure.
 */
export function importMemoryFd(core: DeviceCore, fd: number, sizeBytes: number, mappable: boolean, owned: (bo: number) => boolean): GpuAllocation | number {
  const r = core.drm.call(U.DRM_IOCTL_PRIME_FD_TO_HANDLE, { handle: 0, flags: 0, fd });
  if (r.errno) return r.errno;
  const bo = r.out.handle;
  if (owned(bo)) return Errno.EEXIST;
  const size = Math.ceil(sizeBytes / PAGE) * PAGE;
  const va = core.allocVa(size);
  const err = core.bind(bo, va, size, 0);
  if (err) {
    core.drm.call(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    return err;
  }
  let cpu = 0;
  if (mappable) {
    const off = core.drm.call(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo });
    cpu = off.errno ? -off.errno : core.backend.mmap(off.out.offset, size);
    if (cpu < 0) {
      core.release({ bo, sizeBytes: size, va, cpu: 0 });
      return -cpu || Errno.ENOMEM;
    }
  }
  return { bo, sizeBytes: size, va, cpu };
}

/** Syncobj export (the whole object, not a sync_file): the fd, or a negative errno. */
export function exportSyncobjFd(core: DeviceCore, syncobj: number): number {
  const r = core.drm.call(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle: syncobj, flags: 0, fd: -1, point: 0 });
  return r.errno ? -r.errno : r.out.fd;
}

/** Syncobj import: a new handle to the fd's syncobj, or a negative errno. */
export function importSyncobjFd(core: DeviceCore, fd: number): number {
  const r = core.drm.call(U.DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, { handle: 0, flags: 0, fd, point: 0 });
  return r.errno ? -r.errno : r.out.handle;
}
