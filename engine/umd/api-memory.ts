/**
 * Device memory entry points: allocate (or import), map, flush, invalidate, free.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import type * as H from './handles';
import { importMemoryFd } from './external';
import { DeviceMemory, HOST_VISIBLE_TYPE, MEMORY_TYPES } from './memory';
import { fail, ok, VK_ERROR_INVALID_EXTERNAL_HANDLE, VK_ERROR_MEMORY_MAP_FAILED, VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import type { UmdState } from './state';

export function memoryApi(st: UmdState) {
  const { memories, bad, invalid, dev } = st;
  return {
    vkAllocateMemory(device: H.VkDevice, info: T.VkMemoryAllocateInfo): Created<H.VkDeviceMemory> {
      const d = dev(device);
      if (!d) return invalid('vkAllocateMemory', 'unknown device');
      if (!MEMORY_TYPES[info.memoryTypeIndex]) return invalid('vkAllocateMemory', `no memory type ${info.memoryTypeIndex}`);
      if (!Number.isInteger(info.sizeBytes) || info.sizeBytes <= 0) return invalid('vkAllocateMemory', `sizeBytes ${info.sizeBytes} must be a positive integer`);
      if (info.importFd !== undefined) {
        const owned = (bo: number): boolean => memories.values().some((m) => m.device === d.core && m.alloc.bo === bo);
        const imported = importMemoryFd(d.core, info.importFd, info.sizeBytes, info.memoryTypeIndex === HOST_VISIBLE_TYPE, owned);
        if (typeof imported === 'number') return fail(VK_ERROR_INVALID_EXTERNAL_HANDLE, `vkAllocateMemory: importing fd ${info.importFd} failed (errno ${imported})`);
        return ok(memories.add(new DeviceMemory(d.core, imported, info.memoryTypeIndex)));
      }
      const a = d.core.allocate(info.sizeBytes, { mappable: info.memoryTypeIndex === HOST_VISIBLE_TYPE });
      if (typeof a === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkAllocateMemory: ${info.sizeBytes} bytes (errno ${a})`);
      return ok(memories.add(new DeviceMemory(d.core, a, info.memoryTypeIndex)));
    },

    vkFreeMemory(device: H.VkDevice, memory: H.VkDeviceMemory): VkResult {
      const m = memories.get(memory);
      if (!dev(device) || !m) return bad('vkFreeMemory', 'unknown device or memory');
      if (m.mapping) m.device.tracker.unmap(m.mapping);
      memories.remove(memory);
      m.device.release(m.alloc);
      return VK_SUCCESS;
    },

    /** Maps the whole allocation; the view is valid until vkUnmapMemory. */
    vkMapMemory(device: H.VkDevice, memory: H.VkDeviceMemory): Created<Uint8Array> {
      const m = memories.get(memory);
      if (!dev(device) || !m) return invalid('vkMapMemory', 'unknown device or memory');
      if (!m.hostVisible) return fail(VK_ERROR_MEMORY_MAP_FAILED, 'vkMapMemory: memory type is not HOST_VISIBLE');
      if (m.mapping) return invalid('vkMapMemory', 'memory is already mapped');
      const mapping = m.device.tracker.map(memory, m.alloc.bo, m.alloc.cpu, m.sizeBytes);
      if (!mapping) return fail(VK_ERROR_MEMORY_MAP_FAILED, 'vkMapMemory: mapping unreadable');
      m.mapping = mapping;
      return ok(mapping.view);
    },

    vkUnmapMemory(device: H.VkDevice, memory: H.VkDeviceMemory): VkResult {
      const m = memories.get(memory);
      if (!dev(device) || !m?.mapping) return bad('vkUnmapMemory', 'memory is not mapped');
      m.device.tracker.unmap(m.mapping);
      m.mapping = undefined;
      return VK_SUCCESS;
    },

    vkFlushMappedMemoryRanges(device: H.VkDevice, ranges: readonly T.VkMappedMemoryRange[]): VkResult {
      return eachMappedRange('vkFlushMappedMemoryRanges', device, ranges, (m, offsetBytes, sizeBytes) => m.device.tracker.flush(m.mapping!, offsetBytes, sizeBytes));
    },

    vkInvalidateMappedMemoryRanges(device: H.VkDevice, ranges: readonly T.VkMappedMemoryRange[]): VkResult {
      return eachMappedRange('vkInvalidateMappedMemoryRanges', device, ranges, (m, offsetBytes, sizeBytes) => m.device.tracker.refreshRange(m.mapping!, offsetBytes, sizeBytes));
    },
  };

  /** Checks each range (mapped memory, inside the allocation; size < 0 = to the end), then applies `fn` to it. */
  function eachMappedRange(name: string, device: H.VkDevice, ranges: readonly T.VkMappedMemoryRange[],
    fn: (m: NonNullable<ReturnType<typeof memories.get>>, offsetBytes: number, sizeBytes: number) => void): VkResult {
    for (const r of ranges) {
      const m = memories.get(r.memory);
      if (!dev(device) || !m?.mapping) return bad(name, 'memory is not mapped');
      const size = r.sizeBytes < 0 ? m.sizeBytes - r.offsetBytes : r.sizeBytes;
      if (r.offsetBytes < 0 || r.offsetBytes + size > m.sizeBytes) return bad(name, 'range outside the allocation');
      fn(m, r.offsetBytes, size);
    }
    return VK_SUCCESS;
  }
}
