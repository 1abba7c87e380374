/**
 * Misuse gets a clear VkResult and message, never an exception out of the UMD:
 * destroyed handles, a command buffer submitted to the wrong queue family, mapping
 * device-local memory, and recording errors that stay sticky until vkEndCommandBuffer.
 */
import { describe, expect, it } from 'vitest';
import { createStack, kmdBackend } from '../../engine/stack';
import { nullSink } from '../../engine/trace/sink';
import { createVulkan } from '../../engine/umd/vulkan';
import { VK_ERROR_MEMORY_MAP_FAILED, VK_ERROR_VALIDATION_FAILED_EXT, VK_SUCCESS, type Created } from '../../engine/umd/vk-result';

function must<T>(r: Created<T>): T {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`unexpected ${r.result}`);
  return r.value;
}

function setUp() {
  const stack = createStack();
  const proc = stack.kmd.spawn();
  const vk = createVulkan(kmdBackend(stack, proc.pid, stack.kmd.open(proc.pid)), { sink: nullSink, pid: proc.pid, tracking: 'shadow', bugs: new Set() });
  const instance = must(vk.vkCreateInstance());
  const physical = must(vk.vkEnumeratePhysicalDevices(instance))[0]!;
  const device = must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }, { family: 1, count: 1 }] }));
  return { vk, device, graphics: must(vk.vkGetDeviceQueue(device, 0, 0)), compute: must(vk.vkGetDeviceQueue(device, 1, 0)) };
}

describe('UMD misuse', () => {
  it('a destroyed buffer handle is a validation error with a message, twice over', () => {
    const { vk, device } = setUp();
    const buffer = must(vk.vkCreateBuffer(device, { sizeBytes: 64, usage: 0 }));
    expect(vk.vkDestroyBuffer(device, buffer)).toBe(VK_SUCCESS);
    expect(vk.vkDestroyBuffer(device, buffer)).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
    expect(vk.vkGetLastErrorMessage()).toMatch(/vkDestroyBuffer: unknown buffer/);
    expect(vk.vkGetBufferMemoryRequirements(device, buffer).result).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
  });

  it('mapping device-local memory fails with VK_ERROR_MEMORY_MAP_FAILED', () => {
    const { vk, device } = setUp();
    const memory = must(vk.vkAllocateMemory(device, { sizeBytes: 4096, memoryTypeIndex: 0 }));
    const r = vk.vkMapMemory(device, memory);
    expect(r.result).toBe(VK_ERROR_MEMORY_MAP_FAILED);
    expect('message' in r ? r.message : '').toMatch(/HOST_VISIBLE/);
  });

  it('a recording error is sticky and reported by vkEndCommandBuffer; the buffer cannot be submitted', () => {
    const { vk, device, graphics } = setUp();
    const pool = must(vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const [cb] = must(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
    vk.vkBeginCommandBuffer(cb!);
    vk.vkCmdDispatch(cb!, 1); // no compute pipeline bound
    vk.vkCmdFillBuffer(cb!, 12345 as never, 0, 4, 0); // ignored after the first error
    expect(vk.vkEndCommandBuffer(cb!)).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
    expect(vk.vkGetLastErrorMessage()).toMatch(/vkCmdDispatch: no compute pipeline bound/);
    expect(vk.vkQueueSubmit2(graphics, [{ commandBuffers: [cb!] }])).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
  });

  it('a command buffer from one queue family cannot be submitted to another', () => {
    const { vk, device, compute } = setUp();
    const pool = must(vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const [cb] = must(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
    vk.vkBeginCommandBuffer(cb!);
    expect(vk.vkEndCommandBuffer(cb!)).toBe(VK_SUCCESS);
    expect(vk.vkQueueSubmit2(compute, [{ commandBuffers: [cb!] }])).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
    expect(vk.vkGetLastErrorMessage()).toMatch(/queue family 0, not 1/);
    expect(vk.vkFreeCommandBuffers(device, pool, [cb!])).toBe(VK_SUCCESS);
    expect(vk.vkBeginCommandBuffer(cb!)).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
  });
});
