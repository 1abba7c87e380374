/**
 * External memory and semaphores (opaque fds) between two processes on one GPU:
 * exported memory imported elsewhere is the same pages, an imported semaphore is the
 * same syncobj, and every way an import can be wrong is VK_ERROR_INVALID_EXTERNAL_HANDLE
 * with nothing left behind.
 */
import { describe, expect, it } from 'vitest';
import { createStack, kmdBackend, type Stack } from '../../engine/stack';
import { MemorySink } from '../../engine/trace/sink';
import type { VkDevice } from '../../engine/umd/handles';
import { VK_ERROR_INVALID_EXTERNAL_HANDLE, VK_ERROR_VALIDATION_FAILED_EXT, VK_SUCCESS, type Created } from '../../engine/umd/vk-result';
import { createVulkan, type Vk } from '../../engine/umd/vulkan';

function must<T>(r: Created<T>): T {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`${r.result}: ${'message' in r ? r.message : ''}`);
  return r.value;
}

interface Proc {
  readonly pid: number;
  readonly vk: Vk;
  readonly device: VkDevice;
}

function process(stack: Stack, sink: MemorySink): Proc {
  const proc = stack.kmd.spawn();
  const fd = stack.kmd.open(proc.pid);
  const vk = createVulkan(kmdBackend(stack, proc.pid, fd), { sink, pid: proc.pid, tracking: 'shadow', bugs: new Set() });
  const physical = must(vk.vkEnumeratePhysicalDevices(must(vk.vkCreateInstance())))[0]!;
  return { pid: proc.pid, vk, device: must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] })) };
}

function setUp() {
  const sink = new MemorySink();
  const stack = createStack({ sink });
  return { stack, sink, a: process(stack, sink), b: process(stack, sink) };
}

const SIZE = 8192;

describe('UMD: external memory and semaphores', () => {
  it('memory exported by one process and imported by another is the same pages, both ways', () => {
    const { stack, a, b } = setUp();
    const memA = must(a.vk.vkAllocateMemory(a.device, { sizeBytes: SIZE, memoryTypeIndex: 1 }));
    const viewA = must(a.vk.vkMapMemory(a.device, memA));
    viewA.set([1, 2, 3, 4], 5000);
    expect(a.vk.vkUnmapMemory(a.device, memA)).toBe(VK_SUCCESS);
    const fd = stack.kmd.passFd(a.pid, must(a.vk.vkGetMemoryFdKHR(a.device, memA)), b.pid);
    const memB = must(b.vk.vkAllocateMemory(b.device, { sizeBytes: SIZE, memoryTypeIndex: 1, importFd: fd }));
    const viewB = must(b.vk.vkMapMemory(b.device, memB));
    expect([...viewB.subarray(5000, 5004)]).toEqual([1, 2, 3, 4]);
    viewB.set([9, 8], 100);
    expect(b.vk.vkUnmapMemory(b.device, memB)).toBe(VK_SUCCESS);
    expect([...must(a.vk.vkMapMemory(a.device, memA)).subarray(100, 102)]).toEqual([9, 8]);
    expect(a.vk.vkUnmapMemory(a.device, memA)).toBe(VK_SUCCESS);
    // Freeing the import leaves the exporter's memory intact.
    expect(b.vk.vkFreeMemory(b.device, memB)).toBe(VK_SUCCESS);
    expect([...must(a.vk.vkMapMemory(a.device, memA)).subarray(5000, 5004)]).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad imports with VK_ERROR_INVALID_EXTERNAL_HANDLE and closes what it opened', () => {
    const { stack, sink, a, b } = setUp();
    const host = must(a.vk.vkAllocateMemory(a.device, { sizeBytes: SIZE, memoryTypeIndex: 1 }));
    const local = must(a.vk.vkAllocateMemory(a.device, { sizeBytes: SIZE, memoryTypeIndex: 0 }));
    const hostFd = stack.kmd.passFd(a.pid, must(a.vk.vkGetMemoryFdKHR(a.device, host)), b.pid);
    const localFd = stack.kmd.passFd(a.pid, must(a.vk.vkGetMemoryFdKHR(a.device, local)), b.pid);
    const sem = must(a.vk.vkCreateSemaphore(a.device));
    const semFd = stack.kmd.passFd(a.pid, must(a.vk.vkGetSemaphoreFdKHR(a.device, sem)), b.pid);
    const importB = (sizeBytes: number, memoryTypeIndex: number, importFd: number) => b.vk.vkAllocateMemory(b.device, { sizeBytes, memoryTypeIndex, importFd });

    expect(importB(SIZE, 1, 999).result).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE); // no such fd
    expect(importB(SIZE, 1, semFd).result).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE); // not a dma-buf
    const before = sink.events.length;
    expect(importB(SIZE + 4096, 1, hostFd).result).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE); // past the buffer's end
    expect(importB(SIZE, 1, localFd).result).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE); // not mappable
    const closes = sink.events.slice(before).filter((e) => e.kind === 'kmd.ioctl' && (e.name === 'DRM_IOCTL_GEM_CLOSE' || e.name === 'DRM_IOCTL_PRIME_FD_TO_HANDLE'));
    expect(closes.map((e) => (e.kind === 'kmd.ioctl' ? `${e.name}:${e.errno}` : ''))).toEqual([
      'DRM_IOCTL_PRIME_FD_TO_HANDLE:0', 'DRM_IOCTL_GEM_CLOSE:0', 'DRM_IOCTL_PRIME_FD_TO_HANDLE:0', 'DRM_IOCTL_GEM_CLOSE:0',
    ]);
    // The same fds import fine when asked correctly.
    expect(importB(SIZE, 1, hostFd).result).toBe(VK_SUCCESS);
    expect(importB(SIZE, 0, localFd).result).toBe(VK_SUCCESS);

    // Importing into the exporting device would alias its own GEM handle.
    const selfFd = must(a.vk.vkGetMemoryFdKHR(a.device, host));
    expect(a.vk.vkAllocateMemory(a.device, { sizeBytes: SIZE, memoryTypeIndex: 1, importFd: selfFd }).result).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE);
    expect(must(a.vk.vkMapMemory(a.device, host)).length).toBe(SIZE);

    expect(a.vk.vkGetMemoryFdKHR(a.device, 12345 as never).result).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
  });

  it('an imported semaphore is the same syncobj: timeline values signalled on one side are seen on the other', () => {
    const { stack, a, b } = setUp();
    const semA = must(a.vk.vkCreateSemaphore(a.device, { type: 'TIMELINE' }));
    const semB = must(b.vk.vkCreateSemaphore(b.device, { type: 'TIMELINE' }));
    const fd = stack.kmd.passFd(a.pid, must(a.vk.vkGetSemaphoreFdKHR(a.device, semA)), b.pid);
    expect(b.vk.vkImportSemaphoreFdKHR(b.device, { semaphore: semB, fd })).toBe(VK_SUCCESS);
    expect(a.vk.vkSignalSemaphore(a.device, semA, 5)).toBe(VK_SUCCESS);
    expect(must(b.vk.vkGetSemaphoreCounterValue(b.device, semB))).toBe(5);
    expect(b.vk.vkSignalSemaphore(b.device, semB, 7)).toBe(VK_SUCCESS);
    expect(must(a.vk.vkGetSemaphoreCounterValue(a.device, semA))).toBe(7);
    expect(b.vk.vkWaitSemaphores(b.device, [{ semaphore: semB, value: 7 }], true, 0)).toBe(VK_SUCCESS);

    expect(b.vk.vkImportSemaphoreFdKHR(b.device, { semaphore: semB, fd: 999 })).toBe(VK_ERROR_INVALID_EXTERNAL_HANDLE);
    expect(must(b.vk.vkGetSemaphoreCounterValue(b.device, semB))).toBe(7); // a failed import keeps the payload
    expect(b.vk.vkImportSemaphoreFdKHR(b.device, { semaphore: 4242 as never, fd })).toBe(VK_ERROR_VALIDATION_FAILED_EXT);
  });
});
