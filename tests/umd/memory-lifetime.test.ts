/**
 * vkFreeMemory really gives the memory back: the CPU mapping is unmapped, the GPU
 * mapping unbound and the handle closed, so the kernel frees the pages.
 */
import { describe, expect, it } from 'vitest';
import { createStack, kmdBackend } from '../../engine/stack';
import { nullSink } from '../../engine/trace/sink';
import { createVulkan } from '../../engine/umd/vulkan';
import { VK_SUCCESS, type Created } from '../../engine/umd/vk-result';

function must<T>(r: Created<T>): T {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`unexpected ${r.result}`);
  return r.value;
}

describe('UMD memory lifetime', () => {
  it.each([0, 1])('memory type %i: allocate, map, free returns every page', (memoryTypeIndex) => {
    const stack = createStack();
    const proc = stack.kmd.spawn();
    const vk = createVulkan(kmdBackend(stack, proc.pid, stack.kmd.open(proc.pid)), { sink: nullSink, pid: proc.pid, tracking: 'shadow', bugs: new Set() });
    const physical = must(vk.vkEnumeratePhysicalDevices(must(vk.vkCreateInstance())))[0]!;
    const device = must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] }));
    const before = stack.kmd.pages.allocated;
    const memory = must(vk.vkAllocateMemory(device, { sizeBytes: 64 * 4096, memoryTypeIndex }));
    if (memoryTypeIndex === 1) must(vk.vkMapMemory(device, memory))[0] = 7;
    expect(stack.kmd.pages.allocated).toBeGreaterThanOrEqual(before + 64);
    expect(vk.vkFreeMemory(device, memory)).toBe(VK_SUCCESS);
    // Page-table pages created for the mapping stay with the VM; the BO's 64 pages are gone.
    expect(stack.kmd.pages.allocated).toBeLessThan(before + 64);
  });
});
