/**
 * sharing: two processes, a client and a compositor, sharing a window buffer as a
 * dma-buf and synchronised through shared timeline syncobjs — the shape of a Wayland
 * client with linux-dmabuf and explicit sync.
 *
 * Processes and objects:
 * - The client (a second process, `ctx.spawnProcess()`) allocates its window image
 *   (width/2 × height/2, RGBA8, host-visible memory), exports the memory
 *   (vkGetMemoryFdKHR → PRIME_HANDLE_TO_FD) and a timeline semaphore `ready`
 *   (vkGetSemaphoreFdKHR → SYNCOBJ_HANDLE_TO_FD), and passes both fds to the
 *   compositor (SCM_RIGHTS, `ctx.passFd`) with the buffer's size and extent.
 * - The compositor (the app's first process) imports them (vkAllocateMemory with
 *   importFd; vkImportSemaphoreFdKHR), binds a VkBuffer (for its shader) and a VkImage
 *   (for copies) to the imported memory, and sends back its own exported timeline
 *   semaphore `released`.
 * - Frame f: the client waits (on the GPU) for `released` ≥ f — the compositor has
 *   finished reading frame f − 1 — renders `size` moving rectangles (default 12)
 *   into the window and signals `ready` = f + 1, then "commits" f (an app-level
 *   message, like wl_surface.commit). The compositor, on the commit, records a frame
 *   that waits (on the GPU) for `ready` ≥ f + 1: background, a task bar, a border
 *   around the window, then the window itself, drawn by a fragment shader that loads
 *   each texel of the imported buffer through its GPU address; it signals `released`
 *   = f + 1, tells the client, presents, and copies both its frame and the imported
 *   image into a read-back buffer.
 * - Both sides run as app threads interleaved by the seeded scheduler; a side that
 *   needs a message the other has not sent yet yields. Every GPU wait is therefore on
 *   a point already submitted, which is what GROUP_SUBMIT requires (no
 *   wait-before-signal in this UMD).
 *
 * Visibility: the client's stream ends with FLUSH(CLEAN) before its fence signals
 * (command-buffer.ts), so the compositor's job, ordered after it by the syncobj,
 * reads the pixels from memory.
 *
 * Checks per frame: `window[f]` — the imported image as the compositor sees it equals
 * the CPU rendering of the client's rectangles; `composite[f]` — the compositor's
 * frame equals the CPU composition (background, bars, window at its position). At the
 * end `mapped` — the compositor's CPU mapping of the imported memory holds the last
 * window.
 */
import { HOST_VISIBLE_TYPE } from '../umd/memory';
import * as T from '../umd/vk-types';
import type { App, AppContext, AppProcess } from './app';
import { createHostBuffer, firstOf, openDevice } from './device-setup';
import { must } from './must';
import {
  blit, clearValue, imageMismatch, packRgba, RECT_FRAGMENT_SHADER, RECT_VERTEX_SHADER, rectPipelineInfo, rectVertexBytes, renderRects,
  VERTICES_PER_RECT, type PixelRect,
} from './rect-scene';
import { addressWords, addToAddress, pushWords } from './shader-util';

export const DEFAULT_CLIENT_RECTS = 12;
const CLIENT_BACKGROUND = packRgba(236, 236, 228);
const DESKTOP = packRgba(30, 60, 90);
const TASKBAR = packRgba(20, 20, 24);
const BORDER = packRgba(90, 90, 110);
const BORDER_PX = 2;
const WAIT_TIMEOUT_NS = 10e9;

/**
 * Draws the client window: texel (x − ox, y − oy) of the imported RGBA8 buffer.
 * Push: buffer address (0,1), ox (2), oy (3), window width in pixels (4).
 */
export const COMPOSITE_FRAGMENT_SHADER = `
  S2R r0, FRAG_X
  S2R r1, FRAG_Y
  F2U r0, r0
  F2U r1, r1
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  LDPC r6, 4
  ISUB r0, r0, r4
  ISUB r1, r1, r5
  IMUL r7, r1, r6
  IADD r7, r7, r0
  MOVI r8, 4
  IMUL r7, r7, r8
${addToAddress(2, 7)}
  LD32 r9, d2, 0
  MOVI r10, 255
  MOVF r11, 255.0
${[0, 1, 2, 3].map((k) => `  MOVI r12, ${k * 8}\n  ISHR r13, r9, r12\n  IAND r13, r13, r10\n  U2F r13, r13\n  FDIV r${20 + k}, r13, r11`).join('\n')}
  OUTC r20
  END
`;

interface MovingRect extends PixelRect {
  readonly vx: number;
  readonly vy: number;
}

export interface SharingLayout {
  readonly width: number;
  readonly height: number;
  readonly windowWidth: number;
  readonly windowHeight: number;
  readonly rects: readonly MovingRect[];
}

export function makeLayout(rng: AppContext['rng'], options: AppContext['options']): SharingLayout {
  const { width, height } = options;
  if (width < 16 || height < 16) throw new RangeError(`sharing needs at least 16×16 pixels, got ${width}×${height}`);
  const windowWidth = Math.floor(width / 2);
  const windowHeight = Math.floor(height / 2);
  const count = options.size > 0 ? Math.floor(options.size) : DEFAULT_CLIENT_RECTS;
  const rects = Array.from({ length: count }, (): MovingRect => {
    const w = 2 + rng.below(Math.floor(windowWidth / 3));
    const h = 2 + rng.below(Math.floor(windowHeight / 3));
    return {
      x: rng.below(windowWidth - w), y: rng.below(windowHeight - h), width: w, height: h, vx: rng.below(9) - 4, vy: rng.below(7) - 3,
      rgba: packRgba(rng.below(200), rng.below(200), rng.below(200)),
    };
  });
  return { width, height, windowWidth, windowHeight, rects };
}

/** The client's rectangles at frame f (positions wrap inside the window). */
export function clientRects(l: SharingLayout, f: number): PixelRect[] {
  const wrap = (v: number, n: number) => ((v % n) + n) % n;
  return l.rects.map((r) => ({ ...r, x: wrap(r.x + r.vx * f, l.windowWidth - r.width + 1), y: wrap(r.y + r.vy * f, l.windowHeight - r.height + 1) }));
}

/** Where the compositor places the window at frame f (inside the frame, border included). */
export function windowOrigin(l: SharingLayout, f: number): { x: number; y: number } {
  const spanX = l.width - l.windowWidth - 2 * BORDER_PX + 1;
  const spanY = l.height - l.windowHeight - 2 * BORDER_PX - 4 + 1;
  return { x: BORDER_PX + ((Math.floor(l.width / 8) + 5 * f) % spanX), y: BORDER_PX + ((Math.floor(l.height / 8) + 3 * f) % spanY) };
}

/** The compositor's own rectangles at frame f: task bar, window border. */
function compositorRects(l: SharingLayout, f: number): PixelRect[] {
  const o = windowOrigin(l, f);
  return [
    { x: 0, y: l.height - 4, width: l.width, height: 4, rgba: TASKBAR },
    { x: o.x - BORDER_PX, y: o.y - BORDER_PX, width: l.windowWidth + 2 * BORDER_PX, height: l.windowHeight + 2 * BORDER_PX, rgba: BORDER },
  ];
}

export function windowReference(l: SharingLayout, f: number): Uint8Array {
  return renderRects(l.windowWidth, l.windowHeight, CLIENT_BACKGROUND, clientRects(l, f));
}

export function compositeReference(l: SharingLayout, f: number): Uint8Array {
  const frame = renderRects(l.width, l.height, DESKTOP, compositorRects(l, f));
  const o = windowOrigin(l, f);
  blit(frame, l.width, windowReference(l, f), l.windowWidth, o.x, o.y);
  return frame;
}

/** The app-level socket between the two processes. */
type Message =
  | { readonly kind: 'connect'; readonly memoryFd: number; readonly readyFd: number; readonly sizeBytes: number }
  | { readonly kind: 'connected'; readonly releasedFd: number }
  | { readonly kind: 'commit'; readonly frame: number }
  | { readonly kind: 'release'; readonly frame: number };

class Inbox {
  private readonly messages: Message[] = [];
  send(m: Message): void {
    this.messages.push(m);
  }
  /** Yield until a message of `kind` arrives; returns it. */
  *receive<K extends Message['kind']>(kind: K): Generator<void, Extract<Message, { kind: K }>, void> {
    for (;;) {
      const i = this.messages.findIndex((m) => m.kind === kind);
      if (i >= 0) return this.messages.splice(i, 1)[0] as Extract<Message, { kind: K }>;
      yield;
    }
  }
}



function* client(ctx: AppContext, proc: AppProcess, l: SharingLayout, toClient: Inbox, toCompositor: Inbox): Generator<void, void, void> {
  const { pid, vk } = proc;
  const compositorPid = ctx.pid;
  const { device, queue } = openDevice(vk, 'sharing-client');
  const window = must(vk, 'vkCreateImage', vk.vkCreateImage(device, { format: 'R8G8B8A8_UNORM', width: l.windowWidth, height: l.windowHeight, usage: T.VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT }));
  const req = must(vk, 'vkGetImageMemoryRequirements', vk.vkGetImageMemoryRequirements(device, window));
  const memory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: HOST_VISIBLE_TYPE }));
  must(vk, 'vkBindImageMemory', vk.vkBindImageMemory(device, window, memory, 0));
  const ready = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE' }));
  const released = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE' }));
  const vertices = createHostBuffer(vk, device, l.rects.length * VERTICES_PER_RECT * 12, T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  const vs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_VERTEX_SHADER }));
  const fs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_FRAGMENT_SHADER }));
  const pipeline = firstOf(must(vk, 'vkCreateGraphicsPipelines', vk.vkCreateGraphicsPipelines(device, [rectPipelineInfo(vs, fs)])), 'vkCreateGraphicsPipelines');
  const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const cb = firstOf(must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 })), 'vkAllocateCommandBuffers');
  const fence = must(vk, 'vkCreateFence', vk.vkCreateFence(device, { signaled: true }));

  const memoryFd = ctx.passFd(pid, must(vk, 'vkGetMemoryFdKHR', vk.vkGetMemoryFdKHR(device, memory)), compositorPid);
  const readyFd = ctx.passFd(pid, must(vk, 'vkGetSemaphoreFdKHR', vk.vkGetSemaphoreFdKHR(device, ready)), compositorPid);
  if (memoryFd < 0 || readyFd < 0) throw new Error(`passing fds to the compositor failed (${memoryFd}, ${readyFd})`);
  toCompositor.send({ kind: 'connect', memoryFd, readyFd, sizeBytes: req.sizeBytes });
  const { releasedFd } = yield* toClient.receive('connected');
  must(vk, 'vkImportSemaphoreFdKHR', vk.vkImportSemaphoreFdKHR(device, { semaphore: released, fd: releasedFd }));
  yield;

  for (let f = 0; f < ctx.options.frames; f++) {
    // The compositor must have submitted its read of frame f − 1 before we wait for it.
    if (f > 0) yield* toClient.receive('release');
    must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [fence], true, WAIT_TIMEOUT_NS));
    must(vk, 'vkResetFences', vk.vkResetFences(device, [fence]));
    vertices.view.set(rectVertexBytes(clientRects(l, f), l.windowWidth, l.windowHeight));
    must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
    vk.vkCmdBeginRendering(cb, { colorAttachment: { image: window, loadOp: 'CLEAR', clearValue: clearValue(CLIENT_BACKGROUND) } });
    vk.vkCmdSetViewport(cb, { x: 0, y: 0, width: l.windowWidth, height: l.windowHeight, minDepth: 0, maxDepth: 1 });
    vk.vkCmdBindPipeline(cb, 'GRAPHICS', pipeline);
    vk.vkCmdBindVertexBuffers(cb, 0, [vertices.buffer]);
    vk.vkCmdDraw(cb, l.rects.length * VERTICES_PER_RECT);
    vk.vkCmdEndRendering(cb);
    must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
    yield;
    must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{
      waitSemaphores: f > 0 ? [{ semaphore: released, value: f }] : [],
      commandBuffers: [cb],
      signalSemaphores: [{ semaphore: ready, value: f + 1 }],
    }], fence));
    toCompositor.send({ kind: 'commit', frame: f });
    yield;
  }
  must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
}

function* compositor(ctx: AppContext, clientPid: number, l: SharingLayout, toClient: Inbox, toCompositor: Inbox): Generator<void, void, void> {
  const vk = ctx.vk;
  const { width, height, windowWidth, windowHeight } = l;
  const { device, queue } = openDevice(vk, 'sharing-compositor');
  const swapchain = must(vk, 'vkCreateSwapchainKHR', vk.vkCreateSwapchainKHR(device, { width, height, imageCount: 2 }));
  const swapImages = must(vk, 'vkGetSwapchainImagesKHR', vk.vkGetSwapchainImagesKHR(device, swapchain));
  const frameBytes = width * height * 4;
  const windowBytes = windowWidth * windowHeight * 4;
  const readback = createHostBuffer(vk, device, frameBytes + windowBytes, T.VK_BUFFER_USAGE_TRANSFER_DST_BIT);
  const vertices = createHostBuffer(vk, device, 3 * VERTICES_PER_RECT * 12, T.VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  const vs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_VERTEX_SHADER }));
  const fs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: RECT_FRAGMENT_SHADER }));
  const cs = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: COMPOSITE_FRAGMENT_SHADER }));
  const [rectPipeline, windowPipeline] = must(vk, 'vkCreateGraphicsPipelines', vk.vkCreateGraphicsPipelines(device, [
    rectPipelineInfo(vs, fs),
    { ...rectPipelineInfo(vs, cs), pushConstantSizeBytes: 20 },
  ]));
  if (rectPipeline === undefined || windowPipeline === undefined) throw new Error('vkCreateGraphicsPipelines returned too few pipelines');
  const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
  const cb = firstOf(must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 })), 'vkAllocateCommandBuffers');
  const fence = must(vk, 'vkCreateFence', vk.vkCreateFence(device));
  const acquired = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device));
  const rendered = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device));
  const released = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE' }));
  const ready = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE' }));

  const hello = yield* toCompositor.receive('connect');
  const shared = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: hello.sizeBytes, memoryTypeIndex: HOST_VISIBLE_TYPE, importFd: hello.memoryFd }));
  must(vk, 'vkImportSemaphoreFdKHR', vk.vkImportSemaphoreFdKHR(device, { semaphore: ready, fd: hello.readyFd }));
  const windowImage = must(vk, 'vkCreateImage', vk.vkCreateImage(device, { format: 'R8G8B8A8_UNORM', width: windowWidth, height: windowHeight, usage: T.VK_IMAGE_USAGE_TRANSFER_SRC_BIT }));
  must(vk, 'vkBindImageMemory', vk.vkBindImageMemory(device, windowImage, shared, 0));
  const windowBuffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes: windowBytes, usage: T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT }));
  must(vk, 'vkBindBufferMemory', vk.vkBindBufferMemory(device, windowBuffer, shared, 0));
  const windowVa = must(vk, 'vkGetBufferDeviceAddress', vk.vkGetBufferDeviceAddress(device, windowBuffer));
  const releasedFd = ctx.passFd(ctx.pid, must(vk, 'vkGetSemaphoreFdKHR', vk.vkGetSemaphoreFdKHR(device, released)), clientPid);
  if (releasedFd < 0) throw new Error(`passing the release semaphore to the client failed (${releasedFd})`);
  toClient.send({ kind: 'connected', releasedFd });

  for (let f = 0; f < ctx.options.frames; f++) {
    const { frame } = yield* toCompositor.receive('commit');
    const o = windowOrigin(l, frame);
    const quad: PixelRect = { x: o.x, y: o.y, width: windowWidth, height: windowHeight, rgba: 0 };
    vertices.view.set(rectVertexBytes([...compositorRects(l, frame), quad], width, height));
    const imageIndex = must(vk, 'vkAcquireNextImageKHR', vk.vkAcquireNextImageKHR(device, swapchain, { semaphore: acquired }));
    const image = swapImages[imageIndex];
    if (image === undefined) throw new Error(`vkAcquireNextImageKHR returned image ${imageIndex} of ${swapImages.length}`);
    must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
    vk.vkCmdBeginRendering(cb, { colorAttachment: { image, loadOp: 'CLEAR', clearValue: clearValue(DESKTOP) } });
    vk.vkCmdSetViewport(cb, { x: 0, y: 0, width, height, minDepth: 0, maxDepth: 1 });
    vk.vkCmdBindVertexBuffers(cb, 0, [vertices.buffer]);
    vk.vkCmdBindPipeline(cb, 'GRAPHICS', rectPipeline);
    vk.vkCmdDraw(cb, 2 * VERTICES_PER_RECT);
    vk.vkCmdBindPipeline(cb, 'GRAPHICS', windowPipeline);
    vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(windowVa), o.x, o.y, windowWidth]));
    vk.vkCmdDraw(cb, VERTICES_PER_RECT, 1, 2 * VERTICES_PER_RECT);
    vk.vkCmdEndRendering(cb);
    vk.vkCmdPipelineBarrier2(cb);
    vk.vkCmdCopyImageToBuffer(cb, image, readback.buffer, 0);
    vk.vkCmdCopyImageToBuffer(cb, windowImage, readback.buffer, frameBytes);
    vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
    must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
    must(vk, 'vkResetFences', vk.vkResetFences(device, [fence]));
    must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{
      waitSemaphores: [{ semaphore: acquired }, { semaphore: ready, value: frame + 1 }],
      commandBuffers: [cb],
      signalSemaphores: [{ semaphore: rendered }, { semaphore: released, value: frame + 1 }],
    }], fence));
    toClient.send({ kind: 'release', frame });
    yield;
    must(vk, 'vkQueuePresentKHR', vk.vkQueuePresentKHR(queue, { waitSemaphores: [rendered], swapchain, imageIndex }));
    must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [fence], true, WAIT_TIMEOUT_NS));
    const windowDiff = imageMismatch(readback.view.slice(frameBytes, frameBytes + windowBytes), windowReference(l, frame), windowWidth);
    ctx.check(`window[${frame}]`, windowDiff === undefined, windowDiff ?? `imported ${windowWidth}×${windowHeight} window matches the client's CPU reference`);
    const frameDiff = imageMismatch(readback.view.slice(0, frameBytes), compositeReference(l, frame), width);
    ctx.check(`composite[${frame}]`, frameDiff === undefined, frameDiff ?? `${width}×${height} composited frame matches the CPU composition`);
  }

  must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  if (ctx.options.frames < 1) return;
  // The imported memory is host-visible: its CPU mapping in this process shows the client's last frame.
  const view = must(vk, 'vkMapMemory', vk.vkMapMemory(device, shared));
  const mappedDiff = imageMismatch(view.slice(0, windowBytes), windowReference(l, ctx.options.frames - 1), windowWidth);
  ctx.check('mapped', mappedDiff === undefined, mappedDiff ?? 'the compositor’s mapping of the dma-buf holds the last window');
  must(vk, 'vkUnmapMemory', vk.vkUnmapMemory(device, shared));
}

export const sharing: App = {
  name: 'sharing',
  description: 'a client process renders N rectangles (N = size / --work, default 12) into a dma-buf; a compositor process imports it and composites it into its frame, synchronised by shared timeline syncobjs; checked against CPU references',
  defaults: { frames: 3, size: DEFAULT_CLIENT_RECTS },
  run(ctx: AppContext): void {
    const l = makeLayout(ctx.rng, ctx.options);
    const proc = ctx.spawnProcess();
    const toClient = new Inbox();
    const toCompositor = new Inbox();
    ctx.runThreads([() => client(ctx, proc, l, toClient, toCompositor), () => compositor(ctx, proc.pid, l, toClient, toCompositor)]);
  },
};
