/**
 * VkDeviceMemory: one BO bound into the device VM. Memory type 0 is device-local
 * only (the BO cannot be mmap'ed); type 1 is host-visible and coherent (unified
 * memory: the same pages, mappable). Mapping goes through the tracker
 * (memory-tracking.ts), which decides when CPU writes reach the BO.
 */
import type { DeviceCore, GpuAllocation } from './device';
import type { Mapping } from './memory-tracking';
import { VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT, type VkMemoryType } from './vk-types';

export const MEMORY_TYPES: readonly VkMemoryType[] = [
  { propertyFlags: VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT },
  { propertyFlags: VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT },
];

export const HOST_VISIBLE_TYPE = 1;

export class DeviceMemory {
  mapping: Mapping | undefined;

  constructor(
    readonly device: DeviceCore,
    readonly alloc: GpuAllocation,
    readonly memoryTypeIndex: number,
  ) {}

  get hostVisible(): boolean {
    return this.memoryTypeIndex === HOST_VISIBLE_TYPE;
  }

  get sizeBytes(): number {
    return this.alloc.sizeBytes;
  }

  get va(): number {
    return this.alloc.va;
  }
}
