/**
 * The start-up every app repeats: instance → physical device → device with one
 * graphics queue (family 0, index 0), and buffers in host-visible or device-local
 * memory. Each call goes through `must`, so a failure names the call that failed.
 */
import type { VkBuffer, VkDevice, VkDeviceMemory, VkQueue } from '../umd/handles';
import { HOST_VISIBLE_TYPE } from '../umd/memory';
import type { Vk } from '../umd/vulkan';
import { must } from './must';

export interface OpenDevice {
  readonly device: VkDevice;
  readonly queue: VkQueue;
}

export function openDevice(vk: Vk, applicationName: string): OpenDevice {
  const instance = must(vk, 'vkCreateInstance', vk.vkCreateInstance({ applicationName }));
  const physical = must(vk, 'vkEnumeratePhysicalDevices', vk.vkEnumeratePhysicalDevices(instance))[0];
  if (physical === undefined) throw new Error('vkEnumeratePhysicalDevices returned no device');
  const device = must(vk, 'vkCreateDevice', vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] }));
  const queue = must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 0, 0));
  return { device, queue };
}

export interface HostBuffer {
  readonly buffer: VkBuffer;
  readonly memory: VkDeviceMemory;
  /** The persistent mapping (vkMapMemory), valid until vkUnmapMemory / vkFreeMemory. */
  readonly view: Uint8Array;
  /** GPU address of the buffer (vkGetBufferDeviceAddress), for shaders that load from it. */
  readonly va: number;
}

/** A buffer in its own host-visible, coherent allocation, mapped. */
export function createHostBuffer(vk: Vk, device: VkDevice, sizeBytes: number, usage: number): HostBuffer {
  const buffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes, usage }));
  const req = must(vk, 'vkGetBufferMemoryRequirements', vk.vkGetBufferMemoryRequirements(device, buffer));
  const memory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: HOST_VISIBLE_TYPE }));
  must(vk, 'vkBindBufferMemory', vk.vkBindBufferMemory(device, buffer, memory, 0));
  const view = must(vk, 'vkMapMemory', vk.vkMapMemory(device, memory));
  const va = must(vk, 'vkGetBufferDeviceAddress', vk.vkGetBufferDeviceAddress(device, buffer));
  return { buffer, memory, view, va };
}

export function destroyHostBuffer(vk: Vk, device: VkDevice, b: HostBuffer): void {
  must(vk, 'vkDestroyBuffer', vk.vkDestroyBuffer(device, b.buffer));
  must(vk, 'vkFreeMemory', vk.vkFreeMemory(device, b.memory));
}

export interface DeviceBuffer {
  readonly buffer: VkBuffer;
  /** GPU address of the buffer, for shaders that load and store through it. */
  readonly va: number;
}

/** A buffer in its own device-local allocation (not mappable: it lives on the GPU only). */
export function createDeviceBuffer(vk: Vk, device: VkDevice, sizeBytes: number, usage: number): DeviceBuffer {
  const buffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes, usage }));
  const req = must(vk, 'vkGetBufferMemoryRequirements', vk.vkGetBufferMemoryRequirements(device, buffer));
  const memory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: 0 }));
  must(vk, 'vkBindBufferMemory', vk.vkBindBufferMemory(device, buffer, memory, 0));
  return { buffer, va: must(vk, 'vkGetBufferDeviceAddress', vk.vkGetBufferDeviceAddress(device, buffer)) };
}

/** The first element of what a call returned as a list (one pipeline, one command buffer…). */
export function firstOf<X>(list: readonly X[], call: string): X {
  const x = list[0];
  if (x === undefined) throw new Error(`${call} returned nothing`);
  return x;
}
