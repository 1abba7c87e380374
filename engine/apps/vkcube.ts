/**
 * vkcube: a lit cube turning about its vertical axis, the shape of LunarG's vkcube
 * (and what a driver engineer runs first on a new stack).
 *
 * What it does, as the real one does:
 * - 36 vertices (6 faces × 2 triangles, position + per-face normal) in a
 *   host-visible vertex buffer written once through vkMapMemory.
 * - Camera at (0, 3, 5) looking at the origin, 45° vertical field of view, near 0.1,
 *   far 100, Vulkan clip space (y down, depth 0…1); back faces culled
 *   (counter-clockwise front faces), depth test LESS with depth writes.
 * - Per frame: the model matrix turns by SPIN_DEG degrees — the angle comes from the
 *   frame index, never from a clock, so a run is a pure function of its options.
 * - Diffuse lighting in the vertex shader: one directional light fixed in world
 *   space plus ambient, on one material colour, so the faces' brightness differs
 *   only by lighting and changes as the cube turns.
 * - Two frames in flight. Each slot owns a command buffer (re-recorded each frame),
 *   a uniform buffer in host-visible memory written through its persistent mapping
 *   (and flushed, so the app is also correct under 'assisted' tracking), a fence
 *   created signalled and waited on before the slot is reused, and acquire /
 *   render-complete binary semaphores. A 3-image swapchain; every frame is
 *   acquire → record → submit → present, cleared to CLEAR_COLOR with depth 1.0.
 *
 * Uniforms have no descriptor sets in this UMD: the shader loads them with LD32 from
 * the uniform buffer's GPU address, which the draw passes as push constants
 * (buffer-device-address style). Uniform layout (bytes): 0 MVP, 64 model (its upper
 * 3×3 turns normals: a pure rotation), 128 light direction xyz + ambient, 144
 * material rgb.
 */
import type { VkCommandBuffer, VkFence, VkSemaphore } from '../umd/handles';
import * as T from '../umd/vk-types';
import type { App, AppContext } from './app';
import { createHostBuffer, destroyHostBuffer, openDevice, type HostBuffer } from './device-setup';
import { cross, lookAt, multiply, normalize, perspective, rotateY, type Mat4, type Vec3 } from './math';
import { must } from './must';

export const FRAMES_IN_FLIGHT = 2;
const SWAPCHAIN_IMAGES = 3;
/** Degrees the cube turns per frame. */
export const SPIN_DEG = 10;
/** Its angle at frame 0: three faces in view. */
const START_DEG = 30;
const CLEAR_COLOR = [0.08, 0.09, 0.12, 1] as const;
const LIGHT_DIR: Vec3 = normalize([-0.5, 1, 0.6]);
const AMBIENT = 0.18;
const MATERIAL: Vec3 = [0.95, 0.55, 0.2];
const UNIFORM_BYTES = 160;
const VERTEX_STRIDE_BYTES = 24;
/** Virtual time an app waits for a fence before it gives up (the GPU is hung). */
const WAIT_TIMEOUT_NS = 2e9;

/**
 * Clip position = MVP · position; colour = material · (ambient + (1 − ambient) · max(0, n′ · L)),
 * n′ = model₃ₓ₃ · normal. Registers: r8–r23 MVP (column-major), r24–r32 model 3×3,
 * r33–r35 light direction, r36 ambient, r37–r39 material, r40/r41 the uniform address.
 */
export const VKCUBE_VERTEX_SHADER = `
  LDPC r40, 0              ; uniform buffer address, low word
  LDPC r41, 1              ; high word
${range(16).map((i) => `  LD32 r${8 + i}, d40, ${i * 4}`).join('\n')}
${range(9).map((i) => `  LD32 r${24 + i}, d40, ${64 + (Math.floor(i / 3) * 4 + (i % 3)) * 4}`).join('\n')}
${range(4).map((i) => `  LD32 r${33 + i}, d40, ${128 + i * 4}`).join('\n')}
${range(3).map((i) => `  LD32 r${37 + i}, d40, ${144 + i * 4}`).join('\n')}
  ATTR r0, 0, x
  ATTR r1, 0, y
  ATTR r2, 0, z
${range(4).map((i) => `  FMUL r${4 + i}, r${8 + i}, r0\n  FFMA r${4 + i}, r${12 + i}, r1, r${4 + i}\n  FFMA r${4 + i}, r${16 + i}, r2, r${4 + i}\n  FADD r${4 + i}, r${4 + i}, r${20 + i}`).join('\n')}
  OUTPOS r4
  ATTR r0, 1, x
  ATTR r1, 1, y
  ATTR r2, 1, z
${range(3).map((i) => `  FMUL r${44 + i}, r${24 + i}, r0\n  FFMA r${44 + i}, r${27 + i}, r1, r${44 + i}\n  FFMA r${44 + i}, r${30 + i}, r2, r${44 + i}`).join('\n')}
  FMUL r47, r44, r33       ; n' . L
  FFMA r47, r45, r34, r47
  FFMA r47, r46, r35, r47
  MOVF r48, 0.0
  FMAX r47, r47, r48
  MOVF r49, 1.0
  FSUB r50, r49, r36       ; 1 - ambient
  FFMA r51, r50, r47, r36  ; intensity
  FMUL r52, r37, r51
  FMUL r53, r38, r51
  FMUL r54, r39, r51
  OUTV 0, x, r52
  OUTV 0, y, r53
  OUTV 0, z, r54
  OUTV 0, w, r49
  END
`;

export const VKCUBE_FRAGMENT_SHADER = `
  INV r0, 0, x
  INV r1, 0, y
  INV r2, 0, z
  MOVF r3, 1.0
  OUTC r0
  END
`;

export const vkcube: App = {
  name: 'vkcube',
  description: `a lit cube turning ${SPIN_DEG}° per frame, depth-tested, 2 frames in flight with fences and semaphores, uniforms through mapped memory`,
  defaults: { frames: 3, width: 256, height: 256 },
  run: runVkcube,
};

interface FrameSlot {
  readonly cmd: VkCommandBuffer;
  readonly uniforms: HostBuffer;
  readonly fence: VkFence;
  readonly imageAvailable: VkSemaphore;
  readonly renderFinished: VkSemaphore;
}

function runVkcube(ctx: AppContext): void {
  const { vk } = ctx;
  const { width, height, frames } = ctx.options;
  const { device, queue } = openDevice(vk, 'vkcube');

  const swapchain = must(vk, 'vkCreateSwapchainKHR', vk.vkCreateSwapchainKHR(device, { width, height, imageCount: SWAPCHAIN_IMAGES }));
  const swapImages = must(vk, 'vkGetSwapchainImagesKHR', vk.vkGetSwapchainImagesKHR(device, swapchain));
  const depthImage = must(vk, 'vkCreateImage', vk.vkCreateImage(device, { format: 'D32_SFLOAT', width, height, usage: T.VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT }));
  const depthReq = must(vk, 'vkGetImageMemoryRequirements', vk.vkGetImageMemoryRequirements(device, depthImage));
  const depthMemory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: depthReq.sizeBytes, memoryTypeIndex: 0 }));
  must(vk, 'vkBindImageMemory', vk.vkBindImageMemory(device, depthImage, depthMemory, 0));

  const vertices = cubeVertices();
  const vbo = createHostBuffer(vk, device, vertices.byteLength, T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  vbo.view.set(new Uint8Array(vertices.buffer));
  must(vk, 'vkUnmapMemory', vk.vkUnmapMemory(device, vbo.memory));

  const vs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: VKCUBE_VERTEX_SHADER }));
  const fs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: VKCUBE_FRAGMENT_SHADER }));
  const [pipeline] = must(vk, 'vkCreateGraphicsPipelines', vk.vkCreateGraphicsPipelines(device, [{
    vertexShader: vs, fragmentShader: fs,
    vertexBindings: [{ binding: 0, strideBytes: VERTEX_STRIDE_BYTES }],
    vertexAttributes: [
      { location: 0, binding: 0, format: 'R32G32B32_SFLOAT', offsetBytes: 0 },
      { location: 1, binding: 0, format: 'R32G32B32_SFLOAT', offsetBytes: 12 },
    ],
    varyingCount: 1, cullMode: 'BACK', frontFace: 'COUNTER_CLOCKWISE',
    depthTest: true, depthWrite: true, depthCompareOp: 'LESS', pushConstantSizeBytes: 8,
  }]));
  must(vk, 'vkDestroyShaderModule', vk.vkDestroyShaderModule(device, vs));
  must(vk, 'vkDestroyShaderModule', vk.vkDestroyShaderModule(device, fs));

  const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const cmds = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: FRAMES_IN_FLIGHT }));
  const slots: FrameSlot[] = cmds.map((cmd) => ({
    cmd,
    uniforms: createHostBuffer(vk, device, UNIFORM_BYTES, T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT),
    fence: must(vk, 'vkCreateFence', vk.vkCreateFence(device, { signaled: true })),
    imageAvailable: must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device)),
    renderFinished: must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device)),
  }));

  for (let frame = 0; frame < frames; frame++) {
    const slot = slots[frame % FRAMES_IN_FLIGHT]!;
    // The slot's previous frame must be done with its command buffer and uniforms.
    must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [slot.fence], true, WAIT_TIMEOUT_NS));
    must(vk, 'vkResetFences', vk.vkResetFences(device, [slot.fence]));
    const imageIndex = must(vk, 'vkAcquireNextImageKHR', vk.vkAcquireNextImageKHR(device, swapchain, { semaphore: slot.imageAvailable }));
    const colorImage = swapImages[imageIndex];
    if (colorImage === undefined) throw new Error(`vkAcquireNextImageKHR returned image ${imageIndex} of ${swapImages.length}`);

    const { mvp, model } = frameMatrices(frame, width, height);
    writeUniforms(slot.uniforms.view, mvp, model);
    must(vk, 'vkFlushMappedMemoryRanges', vk.vkFlushMappedMemoryRanges(device, [{ memory: slot.uniforms.memory, offsetBytes: 0, sizeBytes: T.VK_WHOLE_SIZE }]));

    const cb = slot.cmd;
    must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
    vk.vkCmdBeginRendering(cb, {
      colorAttachment: { image: colorImage, loadOp: 'CLEAR', clearValue: CLEAR_COLOR },
      depthAttachment: { image: depthImage, loadOp: 'CLEAR', clearValue: [1] },
    });
    vk.vkCmdSetViewport(cb, { x: 0, y: 0, width, height, minDepth: 0, maxDepth: 1 });
    vk.vkCmdBindPipeline(cb, 'GRAPHICS', pipeline!);
    vk.vkCmdPushConstants(cb, 0, addressWords(slot.uniforms.va));
    vk.vkCmdBindVertexBuffers(cb, 0, [vbo.buffer]);
    vk.vkCmdDraw(cb, vertices.length / 6);
    vk.vkCmdEndRendering(cb);
    must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));

    must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{
      waitSemaphores: [{ semaphore: slot.imageAvailable }],
      commandBuffers: [cb],
      signalSemaphores: [{ semaphore: slot.renderFinished }],
    }], slot.fence));
    must(vk, 'vkQueuePresentKHR', vk.vkQueuePresentKHR(queue, { waitSemaphores: [slot.renderFinished], swapchain, imageIndex }));
  }

  must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  for (const s of slots) {
    must(vk, 'vkDestroyFence', vk.vkDestroyFence(device, s.fence));
    must(vk, 'vkDestroySemaphore', vk.vkDestroySemaphore(device, s.imageAvailable));
    must(vk, 'vkDestroySemaphore', vk.vkDestroySemaphore(device, s.renderFinished));
    destroyHostBuffer(vk, device, s.uniforms);
  }
  must(vk, 'vkDestroyCommandPool', vk.vkDestroyCommandPool(device, pool));
  must(vk, 'vkDestroyPipeline', vk.vkDestroyPipeline(device, pipeline!));
  destroyHostBuffer(vk, device, vbo);
  must(vk, 'vkDestroyImage', vk.vkDestroyImage(device, depthImage));
  must(vk, 'vkFreeMemory', vk.vkFreeMemory(device, depthMemory));
  must(vk, 'vkDestroySwapchainKHR', vk.vkDestroySwapchainKHR(device, swapchain));
  must(vk, 'vkDestroyDevice', vk.vkDestroyDevice(device));
}

/** The model matrix (the cube turned by the frame's angle) and model-view-projection of frame `frame`. */
export function frameMatrices(frame: number, width: number, height: number): { mvp: Mat4; model: Mat4 } {
  const view = lookAt([0, 3, 5], [0, 0, 0], [0, 1, 0]);
  const projection = perspective((45 * Math.PI) / 180, width / height, 0.1, 100);
  const model = rotateY(((START_DEG + SPIN_DEG * frame) * Math.PI) / 180);
  return { mvp: multiply(projection, multiply(view, model)), model };
}

/** 6 faces × 2 counter-clockwise (seen from outside) triangles × (position xyz, normal xyz). */
export function cubeVertices(): Float32Array {
  const faces: ReadonlyArray<readonly [n: Vec3, u: Vec3]> = [
    [[1, 0, 0], [0, 0, -1]],
    [[-1, 0, 0], [0, 0, 1]],
    [[0, 1, 0], [1, 0, 0]],
    [[0, -1, 0], [1, 0, 0]],
    [[0, 0, 1], [1, 0, 0]],
    [[0, 0, -1], [-1, 0, 0]],
  ];
  const corners: ReadonlyArray<readonly [number, number]> = [[-1, -1], [1, -1], [1, 1], [-1, -1], [1, 1], [-1, 1]];
  const out = new Float32Array(faces.length * corners.length * 6);
  let o = 0;
  for (const [n, u] of faces) {
    const v = cross(n, u); // u × v = n: (u, v) is a right-handed basis of the face seen from outside
    for (const [a, b] of corners) {
      for (let k = 0; k < 3; k++) out[o++] = n[k]! + a * u[k]! + b * v[k]!;
      for (let k = 0; k < 3; k++) out[o++] = n[k]!;
    }
  }
  return out;
}

function writeUniforms(view: Uint8Array, mvp: Mat4, model: Mat4): void {
  const f = new Float32Array(view.buffer, view.byteOffset, UNIFORM_BYTES / 4);
  f.set(mvp, 0);
  f.set(model, 16);
  f.set([...LIGHT_DIR, AMBIENT], 32);
  f.set([...MATERIAL, 0], 36);
}

/** A GPU address as the two little-endian push-constant words the shader reads with LDPC. */
export function addressWords(va: number): Uint8Array {
  return new Uint8Array(Uint32Array.of(va >>> 0, Math.floor(va / 2 ** 32)).buffer);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

