/**
 * The hardware-model bug of the catalogue (engine/bugs.ts): 'dma-drop-partial-page',
 * injected through GpuConfig.bugs — with raw ioctls (exact sizes and bytes), and
 * through `runApp --inject` with a Vulkan buffer copy, which is how a user meets it.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { runApp } from '../../engine/session';
import { VK_SUCCESS, type Created } from '../../engine/umd/vk-result';
import * as T from '../../engine/umd/vk-types';
import type { Vk } from '../../engine/umd/vulkan';
import { Client } from '../support/client';
import { filled, GpuProbe, PAGE, pattern } from '../support/igt';

const SRC = 0x100_0000;
const DST = 0x200_0000;

/** COPY `sizeBytes` from a patterned source to a destination filled with 0xee; the group state and the destination after. */
function copy(bugs: readonly string[], sizeBytes: number): { state: number; dst: Uint8Array; src: Uint8Array } {
  const c = Client.create({ gpu: { bugs: new Set(bugs) } });
  const vm = c.vmCreate();
  const probe = new GpuProbe(c, vm);
  const src = c.buffer(vm, SRC, 4 * PAGE);
  const dst = c.buffer(vm, DST, 4 * PAGE);
  const bytes = pattern(4 * PAGE, 7);
  c.write(src.cpu, bytes);
  c.write(dst.cpu, filled(4 * PAGE, 0xee));
  const state = probe.run([
    ['MOV48', { d: 0, imm: DST }],
    ['MOV48', { d: 2, imm: SRC }],
    ['MOV48', { d: 4, imm: sizeBytes }],
    ['COPY', { dst: 0, src: 2, size: 4 }],
  ]);
  return { state, dst: c.read(dst.cpu, 4 * PAGE), src: bytes };
}

function must<V>(r: Created<V>): V {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`Vulkan call failed: ${r.result}`);
  return r.value;
}

/** vkCmdCopyBuffer of 5000 bytes between host-visible buffers; the destination as the CPU reads it after the fence. */
function vulkanCopy(vk: Vk): Uint8Array {
  const instance = must(vk.vkCreateInstance());
  const physical = must(vk.vkEnumeratePhysicalDevices(instance))[0]!;
  const device = must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] }));
  const queue = must(vk.vkGetDeviceQueue(device, 0, 0));
  const host = (fill: Uint8Array) => {
    const buffer = must(vk.vkCreateBuffer(device, { sizeBytes: 8192, usage: T.VK_BUFFER_USAGE_TRANSFER_SRC_BIT | T.VK_BUFFER_USAGE_TRANSFER_DST_BIT }));
    const memory = must(vk.vkAllocateMemory(device, { sizeBytes: 8192, memoryTypeIndex: 1 }));
    expect(vk.vkBindBufferMemory(device, buffer, memory, 0)).toBe(VK_SUCCESS);
    const view = must(vk.vkMapMemory(device, memory));
    view.set(fill);
    return { buffer, view };
  };
  const src = host(pattern(8192, 3));
  const dst = host(filled(8192, 0xee));
  const pool = must(vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const cb = must(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }))[0]!;
  expect(vk.vkBeginCommandBuffer(cb)).toBe(VK_SUCCESS);
  vk.vkCmdCopyBuffer(cb, src.buffer, dst.buffer, [{ srcOffsetBytes: 0, dstOffsetBytes: 0, sizeBytes: 5000 }]);
  vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
  expect(vk.vkEndCommandBuffer(cb)).toBe(VK_SUCCESS);
  const fence = must(vk.vkCreateFence(device));
  expect(vk.vkQueueSubmit2(queue, [{ commandBuffers: [cb] }], fence)).toBe(VK_SUCCESS);
  expect(vk.vkWaitForFences(device, [fence], true, 1e9)).toBe(VK_SUCCESS);
  return dst.view.slice();
}

describe('hardware bugs', () => {
  it('dma-drop-partial-page: a COPY of 2 pages + 100 bytes leaves the last 100 bytes unwritten, without a fault', () => {
    const size = 2 * PAGE + 100;
    const good = copy([], size);
    expect(good.state).toBe(0);
    expect(good.dst.subarray(0, size)).toEqual(good.src.subarray(0, size));
    expect(good.dst.subarray(size).every((b) => b === 0xee)).toBe(true);

    const bad = copy(['dma-drop-partial-page'], size);
    expect(bad.state).toBe(0); // the job completed normally
    expect(bad.dst.subarray(0, 2 * PAGE)).toEqual(bad.src.subarray(0, 2 * PAGE));
    expect(bad.dst.subarray(2 * PAGE).every((b) => b === 0xee)).toBe(true); // the tail kept its old bytes
  });

  it('dma-drop-partial-page: page-aligned copies are unaffected; a copy under a page does nothing', () => {
    const aligned = copy(['dma-drop-partial-page'], 3 * PAGE);
    expect(aligned.dst.subarray(0, 3 * PAGE)).toEqual(aligned.src.subarray(0, 3 * PAGE));
    const small = copy(['dma-drop-partial-page'], 256);
    expect(small.state).toBe(0);
    expect(small.dst.every((b) => b === 0xee)).toBe(true);
  });

  it('dma-drop-partial-page through runApp --inject: the tail of a 5000-byte vkCmdCopyBuffer is stale', () => {
    let good: Uint8Array | undefined;
    let bad: Uint8Array | undefined;
    const app = (set: (b: Uint8Array) => void): App => ({ name: 'copy', description: 'one buffer copy', run: (ctx) => set(vulkanCopy(ctx.vk)) });
    expect(runApp(app((b) => (good = b))).error).toBeUndefined();
    const injected = runApp(app((b) => (bad = b)), { inject: ['dma-drop-partial-page'] });
    expect(injected.error).toBeUndefined();
    expect(injected.stack.gpu.config.bugs.has('dma-drop-partial-page')).toBe(true);
    const src = pattern(8192, 3);
    expect(good!.subarray(0, 5000)).toEqual(src.subarray(0, 5000));
    expect(bad!.subarray(0, PAGE)).toEqual(src.subarray(0, PAGE));
    expect(bad!.subarray(PAGE, 5000).every((b) => b === 0xee)).toBe(true); // bytes 4096..4999 never copied
  });
});
