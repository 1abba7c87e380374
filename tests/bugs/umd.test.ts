/**
 * The UMD bugs of the catalogue (engine/bugs.ts), each injected into a small Vulkan
 * program run through `runApp` — the same path `--inject` takes. Every test runs the
 * program clean (the result is right) and injected (a specific, different result).
 */
import { RECT_FRAGMENT_SHADER, RECT_VERTEX_SHADER, RECT_VERTEX_STRIDE_BYTES, rectPipelineInfo } from '../../engine/apps/rect-scene';
import { describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { runApp } from '../../engine/session';
import type { VkDevice, VkQueue } from '../../engine/umd/handles';
import { VK_SUCCESS, type Created, type VkResult } from '../../engine/umd/vk-result';
import * as T from '../../engine/umd/vk-types';
import type { Vk } from '../../engine/umd/vulkan';

function must<V>(r: Created<V>): V {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`Vulkan call failed: ${r.result} ${'message' in r ? r.message : ''}`);
  return r.value;
}

function ok(r: VkResult): void {
  if (r !== VK_SUCCESS) throw new Error(`Vulkan call failed: ${r}`);
}

/** Run `body` as an app, with the given bugs injected; its return value, or the run's error. */
function run<R>(inject: readonly string[], body: (vk: Vk) => R): R {
  let out: R | undefined;
  const app: App = { name: 'bug-fixture', description: 'test program', run: (ctx) => void (out = body(ctx.vk)) };
  const result = runApp(app, { inject });
  expect(result.error).toBeUndefined();
  return out!;
}

function openDevice(vk: Vk): { device: VkDevice; queue: VkQueue } {
  const instance = must(vk.vkCreateInstance());
  const physical = must(vk.vkEnumeratePhysicalDevices(instance))[0]!;
  const device = must(vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }] }));
  return { device, queue: must(vk.vkGetDeviceQueue(device, 0, 0)) };
}

const HOST_VISIBLE = 1;
const DEVICE_LOCAL = 0;
const ALL_USAGE = T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_TRANSFER_SRC_BIT | T.VK_BUFFER_USAGE_TRANSFER_DST_BIT
  | T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;

function buffer(vk: Vk, device: VkDevice, sizeBytes: number, memoryTypeIndex: number) {
  const buf = must(vk.vkCreateBuffer(device, { sizeBytes, usage: ALL_USAGE }));
  const req = must(vk.vkGetBufferMemoryRequirements(device, buf));
  const memory = must(vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex }));
  ok(vk.vkBindBufferMemory(device, buf, memory, 0));
  const view = memoryTypeIndex === HOST_VISIBLE ? must(vk.vkMapMemory(device, memory)) : undefined;
  return { buffer: buf, memory, view, va: must(vk.vkGetBufferDeviceAddress(device, buf)) };
}

/** Record with `record`, submit once with a fence and wait for it. */
function submitAndWait(vk: Vk, device: VkDevice, queue: VkQueue, record: (cb: Parameters<Vk['vkCmdDispatch']>[0]) => void): void {
  const pool = must(vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const cb = must(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }))[0]!;
  ok(vk.vkBeginCommandBuffer(cb));
  record(cb);
  ok(vk.vkEndCommandBuffer(cb));
  const fence = must(vk.vkCreateFence(device));
  ok(vk.vkQueueSubmit2(queue, [{ commandBuffers: [cb] }], fence));
  ok(vk.vkWaitForFences(device, [fence], true, 1e9));
}

const N = 4096;
const expectedWord = (i: number): number => (i * 3 + 1) >>> 0;

/** out[i] = 3i + 1. Push: out address (0, 1). */
const FILL_SHADER = `
  S2R r0, GID_X
  LDPC r4, 0
  LDPC r5, 1
  MOVI r6, 4
  IMUL r7, r0, r6
  IADD r4, r4, r7
  MOVI r9, 3
  IMUL r8, r0, r9
  IADDI r8, r8, 1
  ST32 d4, r8, 0
  END
`;

function fillPipeline(vk: Vk, device: VkDevice) {
  const shader = must(vk.vkCreateShaderModule(device, { code: FILL_SHADER }));
  return must(vk.vkCreateComputePipelines(device, [{ shader, localSize: [64, 1, 1], pushConstantSizeBytes: 8 }]))[0]!;
}

const addressPush = (va: number): Uint8Array => new Uint8Array(new Uint32Array([va >>> 0, Math.floor(va / 2 ** 32)]).buffer);

/**
 * A dispatch writes a device-local buffer, a barrier, then a DMA copy of it into a
 * host-visible read-back buffer: the copy consumes the dispatch's output.
 */
function dispatchThenCopy(vk: Vk): Uint32Array {
  const { device, queue } = openDevice(vk);
  const produced = buffer(vk, device, N * 4, DEVICE_LOCAL);
  const readback = buffer(vk, device, N * 4, HOST_VISIBLE);
  const pipeline = fillPipeline(vk, device);
  submitAndWait(vk, device, queue, (cb) => {
    vk.vkCmdBindPipeline(cb, 'COMPUTE', pipeline);
    vk.vkCmdPushConstants(cb, 0, addressPush(produced.va));
    vk.vkCmdDispatch(cb, N / 64);
    vk.vkCmdPipelineBarrier2(cb);
    vk.vkCmdCopyBuffer(cb, produced.buffer, readback.buffer, [{ srcOffsetBytes: 0, dstOffsetBytes: 0, sizeBytes: N * 4 }]);
    vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
  });
  return new Uint32Array(readback.view!.slice().buffer);
}

/**
 * A dispatch writes straight into host-visible memory with no host-read barrier:
 * only the end of the command buffer makes the result CPU-visible. Returns what the
 * CPU reads after the fence, and after one more (empty) submission.
 */
function dispatchToHost(vk: Vk): { afterFence: Uint32Array; afterNextSubmit: Uint32Array } {
  const { device, queue } = openDevice(vk);
  const out = buffer(vk, device, N * 4, HOST_VISIBLE);
  const pipeline = fillPipeline(vk, device);
  submitAndWait(vk, device, queue, (cb) => {
    vk.vkCmdBindPipeline(cb, 'COMPUTE', pipeline);
    vk.vkCmdPushConstants(cb, 0, addressPush(out.va));
    vk.vkCmdDispatch(cb, N / 64);
  });
  const afterFence = new Uint32Array(out.view!.slice().buffer);
  submitAndWait(vk, device, queue, () => {});
  return { afterFence, afterNextSubmit: new Uint32Array(out.view!.slice().buffer) };
}

// A 32×32 target; one red square over pixels [8, 24)², on black.
const SIZE = 32;
const RED = 0xff0000ff; // RGBA8, red in the low byte
const BLACK = 0xff000000;
/** Interleaved vertices in the rect scene's layout: x, y (f32 NDC), colour (RGBA8). Two triangles. */
function squareVertices(): Uint8Array {
  const ndc = (px: number): number => Math.fround((px * 2) / SIZE - 1);
  const corners = [[8, 8], [24, 8], [24, 24], [8, 8], [24, 24], [8, 24]] as const;
  const bytes = new Uint8Array(corners.length * RECT_VERTEX_STRIDE_BYTES);
  const view = new DataView(bytes.buffer);
  corners.forEach(([x, y], i) => {
    view.setFloat32(i * RECT_VERTEX_STRIDE_BYTES, ndc(x), true);
    view.setFloat32(i * RECT_VERTEX_STRIDE_BYTES + 4, ndc(y), true);
    view.setUint32(i * RECT_VERTEX_STRIDE_BYTES + 8, RED, true);
  });
  return bytes;
}

function drawSquare(vk: Vk): Uint32Array {
  const { device, queue } = openDevice(vk);
  const vbo = buffer(vk, device, 4096, HOST_VISIBLE);
  vbo.view!.set(squareVertices());
  const readback = buffer(vk, device, SIZE * SIZE * 4, HOST_VISIBLE);
  const image = must(vk.vkCreateImage(device, {
    format: 'R8G8B8A8_UNORM', width: SIZE, height: SIZE, usage: T.VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | T.VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
  }));
  const req = must(vk.vkGetImageMemoryRequirements(device, image));
  const memory = must(vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: DEVICE_LOCAL }));
  ok(vk.vkBindImageMemory(device, image, memory, 0));
  // The rect scene's shaders and vertex layout: position (f32x2) + colour (RGBA8), 12 bytes.
  const vs = must(vk.vkCreateShaderModule(device, { code: RECT_VERTEX_SHADER }));
  const fs = must(vk.vkCreateShaderModule(device, { code: RECT_FRAGMENT_SHADER }));
  const pipeline = must(vk.vkCreateGraphicsPipelines(device, [rectPipelineInfo(vs, fs)]))[0]!;
  submitAndWait(vk, device, queue, (cb) => {
    vk.vkCmdBeginRendering(cb, { colorAttachment: { image, loadOp: 'CLEAR', clearValue: [0, 0, 0, 1] } });
    vk.vkCmdBindPipeline(cb, 'GRAPHICS', pipeline);
    vk.vkCmdBindVertexBuffers(cb, 0, [vbo.buffer]);
    vk.vkCmdDraw(cb, 6);
    vk.vkCmdEndRendering(cb);
    vk.vkCmdPipelineBarrier2(cb);
    vk.vkCmdCopyImageToBuffer(cb, image, readback.buffer);
    vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
  });
  return new Uint32Array(readback.view!.slice().buffer);
}

const pixel = (img: Uint32Array, x: number, y: number): number => img[y * SIZE + x]!;
const count = (img: Uint32Array, value: number): number => img.reduce((n, p) => n + (p === value ? 1 : 0), 0);

describe('UMD bugs', () => {
  it('missing-barrier: the copy after a dispatch reads the buffer before the dispatch wrote it', () => {
    const good = run([], dispatchThenCopy);
    expect(Array.from(good.subarray(0, 4))).toEqual([1, 4, 7, 10]);
    expect(good.every((v, i) => v === expectedWord(i))).toBe(true);

    const bad = run(['missing-barrier'], dispatchThenCopy);
    // The DMA engine copied the buffer while the compute engine was still running: every
    // word is the buffer's initial zero, none is the dispatch's result.
    expect(bad.every((v) => v === 0)).toBe(true);
  });

  it('missing-flush: after the fence the CPU reads stale memory; the results show up one submission late', () => {
    const good = run([], dispatchToHost);
    expect(good.afterFence.every((v, i) => v === expectedWord(i))).toBe(true);

    const bad = run(['missing-flush'], dispatchToHost);
    expect(bad.afterFence.every((v) => v === 0)).toBe(true);
    // The kernel's ring cleans the caches before calling the next stream: the lag.
    expect(bad.afterNextSubmit.every((v, i) => v === expectedWord(i))).toBe(true);
  });

  it('wrong-vertex-stride: vertices fetched 8 bytes apart instead of 12 — a wrong shape instead of the square', () => {
    const good = run([], drawSquare);
    expect(pixel(good, 16, 16)).toBe(RED);
    expect(pixel(good, 16, 23)).toBe(RED);
    expect(pixel(good, 2, 2)).toBe(BLACK);
    expect(count(good, RED)).toBe(16 * 16);

    const bad = run(['wrong-vertex-stride'], drawSquare);
    // Vertex k is fetched at byte 8k: from the second vertex on, positions come from the
    // wrong fields (a colour word read as x). The mesh is garbled into a larger shape
    // that reaches the top-left corner.
    expect(pixel(bad, 2, 2)).toBe(RED);
    expect(pixel(bad, 2, 20)).toBe(RED);
    expect(count(bad, RED)).toBe(24 * 24);
  });
});
