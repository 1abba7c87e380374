/**
 * Swapchain and presentation entry points.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import * as U from '../kmd/uapi';
import type * as H from './handles';
import { DeviceMemory, HOST_VISIBLE_TYPE } from './memory';
import type { SyncPoint } from './queue';
import { Image } from './resources';
import { Swapchain } from './swapchain';
import { fail, ok, VK_ERROR_DEVICE_LOST, VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import type { UmdState } from './state';

export function presentApi(st: UmdState) {
  const { queues, images, semaphores, fences, swapchains, backend, options, bad, invalid, dev, waitResult } = st;
  return {
    vkCreateSwapchainKHR(device: H.VkDevice, info: T.VkSwapchainCreateInfoKHR): Created<H.VkSwapchainKHR> {
      const d = dev(device);
      if (!d) return invalid('vkCreateSwapchainKHR', 'unknown device');
      if (info.imageCount < 1 || info.imageCount > 8) return invalid('vkCreateSwapchainKHR', `imageCount ${info.imageCount} outside 1..8`);
      const imgs: Image[] = [];
      for (let i = 0; i < info.imageCount; i++) {
        const image = new Image('R8G8B8A8_UNORM', info.width, info.height, T.VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
        const a = d.core.allocate(image.sizeBytes, { mappable: true, noExec: true });
        if (typeof a === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkCreateSwapchainKHR: errno ${a}`);
        image.memory = new DeviceMemory(d.core, a, HOST_VISIBLE_TYPE);
        imgs.push(image);
      }
      return ok(swapchains.add(new Swapchain(imgs, info.width, info.height)));
    },

    vkGetSwapchainImagesKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR): Created<H.VkImage[]> {
      const sc = swapchains.get(swapchain);
      if (!dev(device) || !sc) return invalid('vkGetSwapchainImagesKHR', 'unknown swapchain');
      return ok(sc.images.map((i) => images.add(i)));
    },

    vkAcquireNextImageKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR, info: T.VkAcquireInfo = {}): Created<number> {
      const d = dev(device);
      const sc = swapchains.get(swapchain);
      if (!d || !sc) return invalid('vkAcquireNextImageKHR', 'unknown swapchain');
      const index = sc.next;
      sc.next = (sc.next + 1) % sc.images.length;
      const handles: number[] = [];
      if (info.semaphore !== undefined) {
        const s = semaphores.get(info.semaphore);
        if (!s || s.timeline) return invalid('vkAcquireNextImageKHR', 'unknown or timeline semaphore');
        handles.push(s.syncobj);
      }
      if (info.fence !== undefined) {
        const f = fences.get(info.fence);
        if (!f) return invalid('vkAcquireNextImageKHR', 'unknown fence');
        handles.push(f.syncobj);
      }
      if (handles.length) d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: d.core.drm.u32s(handles), count_handles: handles.length });
      return ok(index);
    },

    vkQueuePresentKHR(queue: H.VkQueue, info: T.VkPresentInfoKHR): VkResult {
      const q = queues.get(queue);
      const sc = swapchains.get(info.swapchain);
      if (!q || !sc) return bad('vkQueuePresentKHR', 'unknown queue or swapchain');
      const image = sc.images[info.imageIndex];
      if (!image?.memory) return bad('vkQueuePresentKHR', `imageIndex ${info.imageIndex} out of range`);
      const waits: SyncPoint[] = [];
      for (const h of info.waitSemaphores ?? []) {
        const s = semaphores.get(h);
        if (!s || s.timeline) return bad('vkQueuePresentKHR', 'unknown or timeline semaphore');
        waits.push({ handle: s.syncobj, point: 0 });
      }
      const core0 = q.device.core;
      if (waits.length) {
        const r = waitResult(core0.waitSyncobjs(waits, true, Number.MAX_SAFE_INTEGER));
        if (r !== VK_SUCCESS) return r;
        core0.drm.call(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: core0.drm.u32s(waits.map((w) => w.handle)), count_handles: waits.length });
      }
      const rgba = backend.memory.read(image.memory.alloc.cpu + image.offsetBytes, image.sizeBytes);
      if (!rgba) return VK_ERROR_DEVICE_LOST;
      const frame = sc.presented++;
      options.sink.emit({ kind: 'frame.present', tsNs: backend.nowNs(), pid: options.pid, frame, width: sc.width, height: sc.height, rgba });
      options.frameSink?.({ frame, width: sc.width, height: sc.height, rgba });
      return VK_SUCCESS;
    },

    vkDestroySwapchainKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR): VkResult {
      const d = dev(device);
      const sc = swapchains.remove(swapchain);
      if (!d || !sc) return bad('vkDestroySwapchainKHR', 'unknown swapchain');
      sc.destroyed = true;
      for (const i of sc.images) if (i.memory) d.core.release(i.memory.alloc);
      return VK_SUCCESS;
    },
  };
}
