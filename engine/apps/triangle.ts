/**
 * triangle: the "hello triangle" of every Vulkan tutorial — one triangle with a red,
 * a green and a blue corner, colours interpolated across it, on a dark clear colour.
 *
 * The smallest complete graphics path: a vertex buffer (position xy + colour rgb)
 * written through vkMapMemory, a pipeline with one varying, a command buffer
 * recorded per frame, acquire → submit → present with an acquire and a
 * render-complete semaphore, and one fence waited on before the command buffer is
 * re-recorded. The image is the same every frame.
 */
import * as T from '../umd/vk-types';
import type { App, AppContext } from './app';
import { createHostBuffer, destroyHostBuffer, openDevice } from './device-setup';
import { must } from './must';

const CLEAR_COLOR = [0.05, 0.05, 0.08, 1] as const;
const WAIT_TIMEOUT_NS = 2e9;

/** Clip-space x, y (Vulkan: y down, so the first corner is the top one) and rgb. */
export const TRIANGLE_VERTICES = Float32Array.of(
  0.0, -0.7, 1, 0, 0,
  0.7, 0.6, 0, 1, 0,
  -0.7, 0.6, 0, 0, 1,
);
const VERTEX_STRIDE_BYTES = 20;

const VERTEX_SHADER = `
  ATTR r0, 0, x
  ATTR r1, 0, y
  MOVF r2, 0.0
  MOVF r3, 1.0
  OUTPOS r0
  ATTR r4, 1, x
  ATTR r5, 1, y
  ATTR r6, 1, z
  OUTV 0, x, r4
  OUTV 0, y, r5
  OUTV 0, z, r6
  OUTV 0, w, r3
  END
`;

const FRAGMENT_SHADER = `
  INV r0, 0, x
  INV r1, 0, y
  INV r2, 0, z
  MOVF r3, 1.0
  OUTC r0
  END
`;

export const triangle: App = {
  name: 'triangle',
  description: 'one triangle with red, green and blue corners: vertex buffer, pipeline, acquire / submit / present',
  defaults: { frames: 1, width: 256, height: 256 },
  run: runTriangle,
};

function runTriangle(ctx: AppContext): void {
  const { vk } = ctx;
  const { width, height, frames } = ctx.options;
  const { device, queue } = openDevice(vk, 'triangle');
  const swapchain = must(vk, 'vkCreateSwapchainKHR', vk.vkCreateSwapchainKHR(device, { width, height, imageCount: 2 }));
  const swapImages = must(vk, 'vkGetSwapchainImagesKHR', vk.vkGetSwapchainImagesKHR(device, swapchain));

  const vbo = createHostBuffer(vk, device, TRIANGLE_VERTICES.byteLength, T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  vbo.view.set(new Uint8Array(TRIANGLE_VERTICES.buffer));
  must(vk, 'vkUnmapMemory', vk.vkUnmapMemory(device, vbo.memory));

  const vs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: VERTEX_SHADER }));
  const fs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: FRAGMENT_SHADER }));
  const [pipeline] = must(vk, 'vkCreateGraphicsPipelines', vk.vkCreateGraphicsPipelines(device, [{
    vertexShader: vs, fragmentShader: fs,
    vertexBindings: [{ binding: 0, strideBytes: VERTEX_STRIDE_BYTES }],
    vertexAttributes: [
      { location: 0, binding: 0, format: 'R32G32_SFLOAT', offsetBytes: 0 },
      { location: 1, binding: 0, format: 'R32G32B32_SFLOAT', offsetBytes: 8 },
    ],
    varyingCount: 1,
  }]));

  const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const [cb] = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
  const fence = must(vk, 'vkCreateFence', vk.vkCreateFence(device, { signaled: true }));
  const imageAvailable = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device));
  const renderFinished = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device));

  for (let frame = 0; frame < frames; frame++) {
    must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [fence], true, WAIT_TIMEOUT_NS));
    must(vk, 'vkResetFences', vk.vkResetFences(device, [fence]));
    const imageIndex = must(vk, 'vkAcquireNextImageKHR', vk.vkAcquireNextImageKHR(device, swapchain, { semaphore: imageAvailable }));
    must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb!));
    vk.vkCmdBeginRendering(cb!, { colorAttachment: { image: swapImages[imageIndex]!, loadOp: 'CLEAR', clearValue: CLEAR_COLOR } });
    vk.vkCmdBindPipeline(cb!, 'GRAPHICS', pipeline!);
    vk.vkCmdBindVertexBuffers(cb!, 0, [vbo.buffer]);
    vk.vkCmdDraw(cb!, 3);
    vk.vkCmdEndRendering(cb!);
    must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb!));
    must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{
      waitSemaphores: [{ semaphore: imageAvailable }], commandBuffers: [cb!], signalSemaphores: [{ semaphore: renderFinished }],
    }], fence));
    must(vk, 'vkQueuePresentKHR', vk.vkQueuePresentKHR(queue, { waitSemaphores: [renderFinished], swapchain, imageIndex }));
  }

  must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  must(vk, 'vkDestroyFence', vk.vkDestroyFence(device, fence));
  must(vk, 'vkDestroySemaphore', vk.vkDestroySemaphore(device, imageAvailable));
  must(vk, 'vkDestroySemaphore', vk.vkDestroySemaphore(device, renderFinished));
  must(vk, 'vkDestroyCommandPool', vk.vkDestroyCommandPool(device, pool));
  must(vk, 'vkDestroyPipeline', vk.vkDestroyPipeline(device, pipeline!));
  must(vk, 'vkDestroyShaderModule', vk.vkDestroyShaderModule(device, vs));
  must(vk, 'vkDestroyShaderModule', vk.vkDestroyShaderModule(device, fs));
  destroyHostBuffer(vk, device, vbo);
  must(vk, 'vkDestroySwapchainKHR', vk.vkDestroySwapchainKHR(device, swapchain));
  must(vk, 'vkDestroyDevice', vk.vkDestroyDevice(device));
}
