/**
 * The UMD end to end on a compute workload: buffers in host-visible memory written
 * through vkMapMemory, a shader assembled from text, a compute pipeline with push
 * constants, a dispatch, a fence, and the result read back through the mapping.
 */
import { describe, expect, it } from 'vitest';
import { createStack, kmdBackend } from '../../engine/stack';
import { MemorySink } from '../../engine/trace/sink';
import { createVulkan, type Vk } from '../../engine/umd/vulkan';
import { VK_ERROR_INVALID_SHADER_NV, VK_SUCCESS, type Created } from '../../engine/umd/vk-result';

function must<T>(r: Created<T>): T {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`${r.result}: ${'message' in r ? r.message : ''}`);
  return r.value;
}

function setUp(sink = new MemorySink()) {
  const stack = createStack({ sink });
  const proc = stack.kmd.spawn();
  const fd = stack.kmd.open(proc.pid);
  const vk = createVulkan(kmdBackend(stack, proc.pid, fd), { sink, pid: proc.pid, tracking: 'shadow', bugs: new Set() });
  const instance = must(vk.vkCreateInstance());
  const physical = must(vk.vkEnumeratePhysicalDevices(instance))[0]!;
  const device = must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] }));
  const queue = must(vk.vkGetDeviceQueue(device, 0, 0));
  return { stack, vk, device, queue, sink };
}

const N = 4096;
const shader = `
  S2R r0, GID_X
  LDPC r2, 0        ; input address lo
  LDPC r3, 1        ; input address hi
  LDPC r4, 2        ; output address lo
  LDPC r5, 3        ; output address hi
  LDPC r10, 4       ; multiplier
  MOVI r6, 4
  IMUL r7, r0, r6
  IADD r2, r2, r7
  IADD r4, r4, r7
  LD32 r8, d2, 0
  IMUL r8, r8, r10
  ST32 d4, r8, 0
  END
`;

function hostBuffer(vk: Vk, device: ReturnType<typeof setUp>['device'], sizeBytes: number) {
  const buffer = must(vk.vkCreateBuffer(device, { sizeBytes, usage: 0x20 }));
  const memory = must(vk.vkAllocateMemory(device, { sizeBytes, memoryTypeIndex: 1 }));
  expect(vk.vkBindBufferMemory(device, buffer, memory, 0)).toBe(VK_SUCCESS);
  const view = must(vk.vkMapMemory(device, memory));
  return { buffer, memory, view, va: must(vk.vkGetBufferDeviceAddress(device, buffer)) };
}

describe('UMD: compute', () => {
  it('multiplies 4096 integers on the GPU and reads them back through the mapping', () => {
    const { vk, device, queue, sink } = setUp();
    const input = hostBuffer(vk, device, N * 4);
    const output = hostBuffer(vk, device, N * 4);
    const values = new Uint32Array(input.view.buffer, input.view.byteOffset, N);
    for (let i = 0; i < N; i++) values[i] = i * 7 + 1;
    const module = must(vk.vkCreateShaderModule(device, { code: shader }));
    const [pipeline] = must(vk.vkCreateComputePipelines(device, [{ shader: module, localSize: [64, 1, 1], pushConstantSizeBytes: 20 }]));
    const pool = must(vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const [cb] = must(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
    const push = new Uint32Array([input.va >>> 0, Math.floor(input.va / 2 ** 32), output.va >>> 0, Math.floor(output.va / 2 ** 32), 3]);
    expect(vk.vkBeginCommandBuffer(cb!)).toBe(VK_SUCCESS);
    vk.vkCmdBindPipeline(cb!, 'COMPUTE', pipeline!);
    vk.vkCmdPushConstants(cb!, 0, new Uint8Array(push.buffer));
    vk.vkCmdDispatch(cb!, N / 64);
    expect(vk.vkEndCommandBuffer(cb!)).toBe(VK_SUCCESS);
    const fence = must(vk.vkCreateFence(device));
    expect(vk.vkQueueSubmit2(queue, [{ commandBuffers: [cb!] }], fence)).toBe(VK_SUCCESS);
    expect(vk.vkWaitForFences(device, [fence], true, 1e9)).toBe(VK_SUCCESS);
    const out = new Uint32Array(output.view.buffer, output.view.byteOffset, N);
    for (let i = 0; i < N; i++) expect(out[i]).toBe(((i * 7 + 1) * 3) >>> 0);
    // The input bytes reached the GPU as recorded mem.write events before the submit.
    const writes = sink.events.filter((e) => e.kind === 'mem.write');
    expect(writes.reduce((n, e) => n + (e.kind === 'mem.write' ? e.bytes.length : 0), 0)).toBeGreaterThanOrEqual(N * 4);
  });

  it('reports a shader syntax error with its line number', () => {
    const { vk, device } = setUp();
    const r = vk.vkCreateShaderModule(device, { code: 'S2R r0, GID_X\nBOGUS r1\nEND' });
    expect(r.result).toBe(VK_ERROR_INVALID_SHADER_NV);
    expect('message' in r ? r.message : '').toMatch(/line 2/);
  });
});
