/**
 * External memory and semaphore fds (see external.ts).
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import type * as H from './handles';
import { exportMemoryFd, exportSyncobjFd, importSyncobjFd } from './external';
import { fail, ok, VK_ERROR_INVALID_EXTERNAL_HANDLE, VK_ERROR_OUT_OF_HOST_MEMORY, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import type { UmdState } from './state';

export function externalApi(st: UmdState) {
  const { memories, semaphores, bad, invalid, dev } = st;
  return {
    /** VK_KHR_external_memory_fd: a dma-buf fd of the allocation, to pass to another process. */
    vkGetMemoryFdKHR(device: H.VkDevice, memory: H.VkDeviceMemory): Created<number> {
      const m = memories.get(memory);
      if (!dev(device) || !m) return invalid('vkGetMemoryFdKHR', 'unknown device or memory');
      const fd = exportMemoryFd(m.device, m.alloc.bo);
      return fd < 0 ? fail(VK_ERROR_OUT_OF_HOST_MEMORY, `vkGetMemoryFdKHR: PRIME_HANDLE_TO_FD failed (errno ${-fd})`) : ok(fd);
    },

    /** VK_KHR_external_semaphore_fd: an fd of the semaphore's syncobj (binary or timeline). */
    vkGetSemaphoreFdKHR(device: H.VkDevice, semaphore: H.VkSemaphore): Created<number> {
      const d = dev(device);
      const s = semaphores.get(semaphore);
      if (!d || !s) return invalid('vkGetSemaphoreFdKHR', 'unknown device or semaphore');
      const fd = exportSyncobjFd(d.core, s.syncobj);
      return fd < 0 ? fail(VK_ERROR_OUT_OF_HOST_MEMORY, `vkGetSemaphoreFdKHR: SYNCOBJ_HANDLE_TO_FD failed (errno ${-fd})`) : ok(fd);
    },

    /** The semaphore takes the fd's syncobj as its payload (its own syncobj is destroyed). */
    vkImportSemaphoreFdKHR(device: H.VkDevice, info: T.VkImportSemaphoreFdInfoKHR): VkResult {
      const d = dev(device);
      const s = semaphores.get(info.semaphore);
      if (!d || !s) return bad('vkImportSemaphoreFdKHR', 'unknown device or semaphore');
      const handle = importSyncobjFd(d.core, info.fd);
      if (handle < 0) {
        st.lastError = `vkImportSemaphoreFdKHR: SYNCOBJ_FD_TO_HANDLE failed for fd ${info.fd} (errno ${-handle})`;
        return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      }
      d.core.syncobjDestroy(s.syncobj);
      s.syncobj = handle;
      return VK_SUCCESS;
    },
  };
}
