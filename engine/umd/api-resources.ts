/**
 * Buffer and image entry points: create, memory requirements, bind, device address, destroy.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import type * as H from './handles';
import { Buffer, BUFFER_ALIGNMENT_BYTES, Image, IMAGE_ALIGNMENT_BYTES } from './resources';
import { fail, ok, VK_ERROR_FORMAT_NOT_SUPPORTED, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import type { UmdState } from './state';

export function resourceApi(st: UmdState) {
  const { memories, buffers, images, bad, invalid, dev } = st;
  return {
    vkCreateBuffer(device: H.VkDevice, info: T.VkBufferCreateInfo): Created<H.VkBuffer> {
      if (!dev(device)) return invalid('vkCreateBuffer', 'unknown device');
      if (!Number.isInteger(info.sizeBytes) || info.sizeBytes <= 0) return invalid('vkCreateBuffer', 'sizeBytes must be > 0');
      return ok(buffers.add(new Buffer(info.sizeBytes, info.usage)));
    },

    vkGetBufferMemoryRequirements(device: H.VkDevice, buffer: H.VkBuffer): Created<T.VkMemoryRequirements> {
      const b = buffers.get(buffer);
      if (!dev(device) || !b) return invalid('vkGetBufferMemoryRequirements', 'unknown buffer');
      return ok({ sizeBytes: Math.ceil(b.sizeBytes / BUFFER_ALIGNMENT_BYTES) * BUFFER_ALIGNMENT_BYTES, alignmentBytes: BUFFER_ALIGNMENT_BYTES, memoryTypeBits: 0b11 });
    },

    vkBindBufferMemory(device: H.VkDevice, buffer: H.VkBuffer, memory: H.VkDeviceMemory, offsetBytes: number): VkResult {
      const b = buffers.get(buffer);
      const m = memories.get(memory);
      if (!dev(device) || !b || !m) return bad('vkBindBufferMemory', 'unknown buffer or memory');
      if (b.memory) return bad('vkBindBufferMemory', 'buffer already bound');
      if (offsetBytes % BUFFER_ALIGNMENT_BYTES !== 0 || offsetBytes + b.sizeBytes > m.sizeBytes) return bad('vkBindBufferMemory', 'offset misaligned or buffer does not fit');
      b.memory = m;
      b.offsetBytes = offsetBytes;
      return VK_SUCCESS;
    },

    vkGetBufferDeviceAddress(device: H.VkDevice, buffer: H.VkBuffer): Created<number> {
      const b = buffers.get(buffer);
      if (!dev(device) || !b?.memory) return invalid('vkGetBufferDeviceAddress', 'unknown or unbound buffer');
      return ok(b.va);
    },

    vkDestroyBuffer(device: H.VkDevice, buffer: H.VkBuffer): VkResult {
      const b = buffers.remove(buffer);
      if (!dev(device) || !b) return bad('vkDestroyBuffer', 'unknown buffer');
      b.destroyed = true;
      return VK_SUCCESS;
    },

    vkCreateImage(device: H.VkDevice, info: T.VkImageCreateInfo): Created<H.VkImage> {
      if (!dev(device)) return invalid('vkCreateImage', 'unknown device');
      if (info.format !== 'R8G8B8A8_UNORM' && info.format !== 'D32_SFLOAT') return fail(VK_ERROR_FORMAT_NOT_SUPPORTED, `vkCreateImage: format ${String(info.format)}`);
      if (!Number.isInteger(info.width) || !Number.isInteger(info.height) || info.width < 1 || info.height < 1 || info.width > 4096 || info.height > 4096) {
        return invalid('vkCreateImage', `size ${info.width}×${info.height} outside 1..4096`);
      }
      return ok(images.add(new Image(info.format, info.width, info.height, info.usage)));
    },

    vkGetImageMemoryRequirements(device: H.VkDevice, image: H.VkImage): Created<T.VkMemoryRequirements> {
      const i = images.get(image);
      if (!dev(device) || !i) return invalid('vkGetImageMemoryRequirements', 'unknown image');
      return ok({ sizeBytes: Math.ceil(i.sizeBytes / IMAGE_ALIGNMENT_BYTES) * IMAGE_ALIGNMENT_BYTES, alignmentBytes: IMAGE_ALIGNMENT_BYTES, memoryTypeBits: 0b11 });
    },

    vkBindImageMemory(device: H.VkDevice, image: H.VkImage, memory: H.VkDeviceMemory, offsetBytes: number): VkResult {
      const i = images.get(image);
      const m = memories.get(memory);
      if (!dev(device) || !i || !m) return bad('vkBindImageMemory', 'unknown image or memory');
      if (i.memory) return bad('vkBindImageMemory', 'image already bound');
      if (offsetBytes % IMAGE_ALIGNMENT_BYTES !== 0 || offsetBytes + i.sizeBytes > m.sizeBytes) return bad('vkBindImageMemory', 'offset misaligned or image does not fit');
      i.memory = m;
      i.offsetBytes = offsetBytes;
      return VK_SUCCESS;
    },

    vkDestroyImage(device: H.VkDevice, image: H.VkImage): VkResult {
      const i = images.remove(image);
      if (!dev(device) || !i) return bad('vkDestroyImage', 'unknown image');
      i.destroyed = true;
      return VK_SUCCESS;
    },
  };
}
