/**
 * multiqueue: a compute queue produces the vertex data a graphics queue draws,
 * ordered across the two queues by a timeline semaphore.
 *
 * Scene: `size` flat-coloured rectangles (default 48) with seeded positions,
 * sizes, colours and velocities (rect-scene.ts). Per frame f the compute shader — one
 * workgroup per rectangle, one invocation per vertex — moves each rectangle to
 * (offX + (x + vx·f) mod spanX, offY + (y + vy·f) mod spanY) (spans are powers of
 * two, so the modulus is a mask; the offsets centre the span) and writes its six vertices (NDC position and colour) into
 * vertex slot f mod 2. The graphics queue clears, draws them and copies the image into
 * a host-visible read-back slot; the frame is presented.
 *
 * Synchronisation:
 * - Compute (queue family 1) signals the timeline semaphore `vertexReady` at f + 1;
 *   the graphics submit (family 0), made right after it with no CPU wait between,
 *   waits for f + 1. The GPU does the ordering: nothing on the CPU knows the compute
 *   work is done when the graphics work is submitted.
 * - Two frames in flight: slot s = f mod 2 owns a compute and a graphics command
 *   buffer, a vertex region, a read-back region, a fence (signalled by the graphics
 *   submit) and the acquire / render-done binary semaphores. Before reusing a slot
 *   the app waits its fence: graphics f − 2 finished, and since it waited for
 *   compute f − 2, so did that.
 *
 * Checks, per frame once its fence has signalled: `vertices[f]` — the compute
 * output equals the CPU's vertex bytes bit for bit; `frame[f]` — the drawn image
 * equals the CPU rasterisation of the same rectangles over the background.
 */
import type { VkCommandBuffer, VkDevice, VkFence, VkSemaphore } from '../umd/handles';
import * as T from '../umd/vk-types';
import type { Vk } from '../umd/vulkan';
import type { App, AppContext } from './app';
import { createHostBuffer, firstOf } from './device-setup';
import { must } from './must';
import {
  clearValue, imageMismatch, packRgba, RECT_FRAGMENT_SHADER, RECT_VERTEX_SHADER, RECT_VERTEX_STRIDE_BYTES, rectPipelineInfo, rectVertexBytes, renderRects,
  VERTICES_PER_RECT, type PixelRect,
} from './rect-scene';
import { addressWords, addToAddress, floatBits, pushWords } from './shader-util';

export const DEFAULT_RECTS = 48;
const FRAMES_IN_FLIGHT = 2;
const SWAPCHAIN_IMAGES = 3;
const BACKGROUND = packRgba(16, 20, 32);
const PARAM_WORDS = 8;
const WAIT_TIMEOUT_NS = 10e9;

/** A rectangle's motion: position at frame f is (offX + ((x + vx·f) & maskX), offY + ((y + vy·f) & maskY)). */
export interface MovingRect {
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: number;
}

/**
 * One invocation per vertex: workgroup = rectangle, local id = corner (0..5).
 * Push: params (0,1), vertices (2,3), frame (4), maskX (5), maskY (6), fl(2/W) (7),
 * fl(2/H) (8), offX (9), offY (10). Params: 8 words per rect (x, y, vx, vy, width, height, rgba, 0).
 * A corner is right for ids 1, 2, 4 (bits of 22) and bottom for 2, 4, 5 (bits of 52).
 */
export const VERTEX_GEN_SHADER = `
  S2R r0, WGID_X
  S2R r1, LID_X
  S2R r2, GID_X
  LDPC r4, 0
  LDPC r5, 1
  LDPC r6, 2
  LDPC r7, 3
  LDPC r8, 4
  LDPC r9, 5
  LDPC r10, 6
  LDPC r11, 7
  LDPC r12, 8
  LDPC r30, 9
  LDPC r31, 10
  MOVI r14, ${PARAM_WORDS * 4}
  IMUL r15, r0, r14
${addToAddress(4, 15)}
  LD32 r16, d4, 0
  LD32 r17, d4, 4
  LD32 r18, d4, 8
  LD32 r19, d4, 12
  LD32 r20, d4, 16
  LD32 r21, d4, 20
  LD32 r22, d4, 24
  IMUL r23, r18, r8
  IADD r23, r23, r16
  IAND r23, r23, r9
  IADD r23, r23, r30        ; left edge at frame f
  IMUL r24, r19, r8
  IADD r24, r24, r17
  IAND r24, r24, r10
  IADD r24, r24, r31        ; top edge at frame f
  MOVI r26, 1
  MOVI r25, 22
  ISHR r25, r25, r1
  IAND r25, r25, r26        ; right corner?
  MOVI r27, 52
  ISHR r27, r27, r1
  IAND r27, r27, r26        ; bottom corner?
  IMUL r25, r25, r20
  IADD r23, r23, r25
  IMUL r27, r27, r21
  IADD r24, r24, r27
  I2F r23, r23
  I2F r24, r24
  MOVF r28, -1.0
  FFMA r23, r23, r11, r28   ; px · 2/W − 1
  FFMA r24, r24, r12, r28
  MOVI r29, ${RECT_VERTEX_STRIDE_BYTES}
  IMUL r29, r2, r29
${addToAddress(6, 29)}
  ST32 d6, r23, 0
  ST32 d6, r24, 4
  ST32 d6, r22, 8
  END
`;

/** Largest power of two ≤ v (v ≥ 1). */
function pow2Floor(v: number): number {
  return 2 ** Math.floor(Math.log2(v));
}

export interface MultiqueueScene {
  readonly rects: readonly MovingRect[];
  readonly maskX: number;
  readonly maskY: number;
  readonly offX: number;
  readonly offY: number;
}

export function makeScene(rng: AppContext['rng'], count: number, width: number, height: number): MultiqueueScene {
  const maxW = Math.max(2, Math.floor(width / 4));
  const maxH = Math.max(2, Math.floor(height / 4));
  const below = (n: number) => rng.below(n);
  const rects = Array.from({ length: count }, (): MovingRect => ({
    x: below(width), y: below(height), vx: 1 + below(7), vy: 1 + below(5),
    width: 2 + below(maxW - 1), height: 2 + below(maxH - 1),
    rgba: packRgba(40 + below(216), 40 + below(216), 40 + below(216)),
  }));
  const spanX = pow2Floor(width - maxW);
  const spanY = pow2Floor(height - maxH);
  return { rects, maskX: spanX - 1, maskY: spanY - 1, offX: Math.floor((width - maxW - spanX) / 2), offY: Math.floor((height - maxH - spanY) / 2) };
}

/** Where the rectangles are at frame f (the CPU side of the compute shader). */
export function sceneAt(scene: MultiqueueScene, frame: number): PixelRect[] {
  return scene.rects.map((r) => ({
    x: scene.offX + (((r.x + r.vx * frame) & scene.maskX) >>> 0), y: scene.offY + (((r.y + r.vy * frame) & scene.maskY) >>> 0),
    width: r.width, height: r.height, rgba: r.rgba,
  }));
}

interface Slot {
  readonly compute: VkCommandBuffer;
  readonly graphics: VkCommandBuffer;
  readonly fence: VkFence;
  readonly acquired: VkSemaphore;
  readonly rendered: VkSemaphore;
}


export const multiqueue: App = {
  name: 'multiqueue',
  description: 'a compute queue writes the vertices of N moving rectangles (N = size / --work, default 48); a graphics queue waits for them on a timeline semaphore, draws and presents; checked against CPU references',
  defaults: { frames: 4, size: DEFAULT_RECTS },
  run(ctx: AppContext): void {
    const vk: Vk = ctx.vk;
    const { width, height, frames } = ctx.options;
    if (width < 8 || height < 8) throw new RangeError(`multiqueue needs at least 8×8 pixels, got ${width}×${height}`);
    const count = ctx.options.size > 0 ? Math.floor(ctx.options.size) : DEFAULT_RECTS;
    const scene = makeScene(ctx.rng, count, width, height);

    const instance = must(vk, 'vkCreateInstance', vk.vkCreateInstance({ applicationName: 'multiqueue' }));
    const physical = must(vk, 'vkEnumeratePhysicalDevices', vk.vkEnumeratePhysicalDevices(instance))[0];
    if (physical === undefined) throw new Error('vkEnumeratePhysicalDevices returned no device');
    const device: VkDevice = must(vk, 'vkCreateDevice', vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }, { family: 1, count: 1 }] }));
    const graphicsQueue = must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 0, 0));
    const computeQueue = must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 1, 0));

    const params = createHostBuffer(vk, device, count * PARAM_WORDS * 4, T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT);
    const words = new Uint32Array(params.view.buffer, params.view.byteOffset, count * PARAM_WORDS);
    scene.rects.forEach((r, i) => words.set([r.x, r.y, r.vx, r.vy, r.width, r.height, r.rgba, 0], i * PARAM_WORDS));
    const slotVertexBytes = Math.ceil((count * VERTICES_PER_RECT * RECT_VERTEX_STRIDE_BYTES) / 256) * 256;
    const vertices = createHostBuffer(vk, device, slotVertexBytes * FRAMES_IN_FLIGHT, T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT);
    const imageBytes = width * height * 4;
    const readback = createHostBuffer(vk, device, imageBytes * FRAMES_IN_FLIGHT, T.VK_BUFFER_USAGE_TRANSFER_DST_BIT);

    const genShader = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: VERTEX_GEN_SHADER }));
    const genPipeline = firstOf(must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{ shader: genShader, localSize: [VERTICES_PER_RECT, 1, 1], pushConstantSizeBytes: 44 }])), 'vkCreateComputePipelines');
    const vs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_VERTEX_SHADER }));
    const fs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_FRAGMENT_SHADER }));
    const drawPipeline = firstOf(must(vk, 'vkCreateGraphicsPipelines', vk.vkCreateGraphicsPipelines(device, [rectPipelineInfo(vs, fs)])), 'vkCreateGraphicsPipelines');

    const swapchain = must(vk, 'vkCreateSwapchainKHR', vk.vkCreateSwapchainKHR(device, { width, height, imageCount: SWAPCHAIN_IMAGES }));
    const swapImages = must(vk, 'vkGetSwapchainImagesKHR', vk.vkGetSwapchainImagesKHR(device, swapchain));
    const vertexReady = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE', initialValue: 0 }));
    const computePool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 1 }));
    const graphicsPool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const computeCbs = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: computePool, count: FRAMES_IN_FLIGHT }));
    const graphicsCbs = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: graphicsPool, count: FRAMES_IN_FLIGHT }));
    const slots: Slot[] = computeCbs.map((compute, i) => ({
      compute, graphics: graphicsCbs[i]!,
      fence: must(vk, 'vkCreateFence', vk.vkCreateFence(device, { signaled: true })),
      acquired: must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device)),
      rendered: must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device)),
    }));

    const checkFrame = (f: number): void => {
      const s = f % FRAMES_IN_FLIGHT;
      const rects = sceneAt(scene, f);
      const want = rectVertexBytes(rects, width, height);
      const got = vertices.view.subarray(s * slotVertexBytes, s * slotVertexBytes + want.length);
      const bad = want.findIndex((b, i) => got[i] !== b);
      ctx.check(`vertices[${f}]`, bad < 0, bad < 0 ? `${count * VERTICES_PER_RECT} vertices match the CPU reference` : `first differing byte ${bad} (vertex ${Math.floor(bad / RECT_VERTEX_STRIDE_BYTES)})`);
      const image = readback.view.subarray(s * imageBytes, (s + 1) * imageBytes);
      const diff = imageMismatch(image, renderRects(width, height, BACKGROUND, rects), width);
      ctx.check(`frame[${f}]`, diff === undefined, diff ?? `${width}×${height} image matches the CPU rasterisation`);
    };

    for (let f = 0; f < frames; f++) {
      const slot = slots[f % FRAMES_IN_FLIGHT]!;
      const s = f % FRAMES_IN_FLIGHT;
      must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [slot.fence], true, WAIT_TIMEOUT_NS));
      if (f >= FRAMES_IN_FLIGHT) checkFrame(f - FRAMES_IN_FLIGHT);
      must(vk, 'vkResetFences', vk.vkResetFences(device, [slot.fence]));

      must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(slot.compute));
      vk.vkCmdBindPipeline(slot.compute, 'COMPUTE', genPipeline);
      vk.vkCmdPushConstants(slot.compute, 0, pushWords([
        ...addressWords(params.va), ...addressWords(vertices.va + s * slotVertexBytes), f, scene.maskX, scene.maskY,
        floatBits(2 / width), floatBits(2 / height), scene.offX, scene.offY,
      ]));
      vk.vkCmdDispatch(slot.compute, count);
      must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(slot.compute));
      must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(computeQueue, [{ commandBuffers: [slot.compute], signalSemaphores: [{ semaphore: vertexReady, value: f + 1 }] }]));

      const imageIndex = must(vk, 'vkAcquireNextImageKHR', vk.vkAcquireNextImageKHR(device, swapchain, { semaphore: slot.acquired }));
      const image = swapImages[imageIndex];
      if (image === undefined) throw new Error(`vkAcquireNextImageKHR returned image ${imageIndex} of ${swapImages.length}`);
      const cb = slot.graphics;
      must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
      vk.vkCmdBeginRendering(cb, { colorAttachment: { image, loadOp: 'CLEAR', clearValue: clearValue(BACKGROUND) } });
      vk.vkCmdSetViewport(cb, { x: 0, y: 0, width, height, minDepth: 0, maxDepth: 1 });
      vk.vkCmdBindPipeline(cb, 'GRAPHICS', drawPipeline);
      vk.vkCmdBindVertexBuffers(cb, 0, [vertices.buffer], [s * slotVertexBytes]);
      vk.vkCmdDraw(cb, count * VERTICES_PER_RECT);
      vk.vkCmdEndRendering(cb);
      vk.vkCmdPipelineBarrier2(cb);
      vk.vkCmdCopyImageToBuffer(cb, image, readback.buffer, s * imageBytes);
      vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
      must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
      must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(graphicsQueue, [{
        waitSemaphores: [{ semaphore: slot.acquired }, { semaphore: vertexReady, value: f + 1 }],
        commandBuffers: [cb],
        signalSemaphores: [{ semaphore: slot.rendered }],
      }], slot.fence));
      must(vk, 'vkQueuePresentKHR', vk.vkQueuePresentKHR(graphicsQueue, { waitSemaphores: [slot.rendered], swapchain, imageIndex }));
    }

    must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
    for (let f = Math.max(0, frames - FRAMES_IN_FLIGHT); f < frames; f++) checkFrame(f);
    const timeline = must(vk, 'vkGetSemaphoreCounterValue', vk.vkGetSemaphoreCounterValue(device, vertexReady));
    ctx.check('timeline', timeline === frames, `vertexReady reached ${timeline}, want ${frames}`);
  },
};
