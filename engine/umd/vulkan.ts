/**
 * The UMD's API: `createVulkan(backend, config)` returns the dispatch table `Vk`,
 * whose entry points keep Vulkan's names. The table is a plain object of functions so
 * a layer (the recorder's API tap) can wrap every entry point, as a Vulkan layer does.
 *
 * Mapping onto the kernel (see each module's header for details):
 *   VkDevice → one GPU VM; VkQueue → one scheduling group; VkDeviceMemory → one BO;
 *   VkFence / VkSemaphore → syncobjs; vkQueueSubmit2 → GROUP_SUBMIT; waits → SYNCOBJ
 *   (TIMELINE_)WAIT with absolute deadlines on the virtual clock.
 * Queue families: 0 = graphics + compute + transfer, 1 = compute + transfer; two
 * queues each. Memory types: 0 device-local, 1 host-visible + coherent.
 *
 * Every entry point validates its handles and arguments and answers with a VkResult;
 * none throws for bad input. The object state lives in `UmdState` (state.ts); the
 * entry points in one `api-*.ts` module per object family.
 */
import { commandApi } from './api-commands';
import { externalApi } from './api-external';
import { instanceApi } from './api-instance';
import { memoryApi } from './api-memory';
import { pipelineApi } from './api-pipelines';
import { presentApi } from './api-present';
import { resourceApi } from './api-resources';
import { syncApi } from './api-sync';
import type { KmdBackend } from './kmd-backend';
import { UmdState, type VulkanOptions } from './state';

export { QUEUE_FAMILIES, type VulkanOptions } from './state';

export function createVulkan(backend: KmdBackend, options: VulkanOptions) {
  const s = new UmdState(backend, options);
  return {
    /** Last validation message (for apps and tests printing why a call failed). */
    vkGetLastErrorMessage(): string {
      return s.lastError;
    },
    ...instanceApi(s),
    ...memoryApi(s),
    ...resourceApi(s),
    ...pipelineApi(s),
    ...commandApi(s),
    ...syncApi(s),
    ...externalApi(s),
    ...presentApi(s),
  };
}

export type Vk = ReturnType<typeof createVulkan>;
