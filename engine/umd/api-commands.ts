/**
 * Command pool and command buffer entry points, and every vkCmd* (recording only; see command-buffer.ts and cmd-*.ts).
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import { cmdPipelineBarrier2 } from './cmd-barrier';
import { cmdCopyBuffer, cmdCopyBufferToImage, cmdCopyImageToBuffer, cmdFillBuffer } from './cmd-copy';
import { cmdDispatch } from './cmd-dispatch';
import { cmdBeginRendering, cmdDraw, cmdEndRendering } from './cmd-draw';
import { CommandBuffer, MAX_PUSH_CONSTANT_BYTES } from './command-buffer';
import type * as H from './handles';
import { ok, VK_ERROR_VALIDATION_FAILED_EXT, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import { QUEUE_FAMILIES, type UmdState } from './state';

export function commandApi(st: UmdState) {
  const { buffers, images, pipelines, pools, cmdBuffers, bad, invalid, dev, cmd } = st;
  return {
    vkCreateCommandPool(device: H.VkDevice, info: T.VkCommandPoolCreateInfo): Created<H.VkCommandPool> {
      if (!dev(device)) return invalid('vkCreateCommandPool', 'unknown device');
      if (!QUEUE_FAMILIES[info.queueFamily]) return invalid('vkCreateCommandPool', `no queue family ${info.queueFamily}`);
      return ok(pools.add({ family: info.queueFamily, buffers: new Set() }));
    },

    vkDestroyCommandPool(device: H.VkDevice, pool: H.VkCommandPool): VkResult {
      const p = pools.remove(pool);
      if (!dev(device) || !p) return bad('vkDestroyCommandPool', 'unknown pool');
      for (const cb of p.buffers) cmdBuffers.remove(cb)?.destroy();
      return VK_SUCCESS;
    },

    vkAllocateCommandBuffers(device: H.VkDevice, info: T.VkCommandBufferAllocateInfo): Created<H.VkCommandBuffer[]> {
      const d = dev(device);
      const p = pools.get(info.commandPool);
      if (!d || !p) return invalid('vkAllocateCommandBuffers', 'unknown device or pool');
      const out = Array.from({ length: info.count }, () => cmdBuffers.add(new CommandBuffer(d.core, p.family)));
      out.forEach((cb) => p.buffers.add(cb));
      return ok(out);
    },

    vkFreeCommandBuffers(device: H.VkDevice, pool: H.VkCommandPool, buffers0: readonly H.VkCommandBuffer[]): VkResult {
      const p = pools.get(pool);
      if (!dev(device) || !p) return bad('vkFreeCommandBuffers', 'unknown device or pool');
      if (buffers0.some((cb) => !p.buffers.has(cb))) return bad('vkFreeCommandBuffers', 'command buffer not from this pool');
      for (const cb of buffers0) {
        p.buffers.delete(cb);
        cmdBuffers.remove(cb)?.destroy();
      }
      return VK_SUCCESS;
    },

    vkBeginCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkBeginCommandBuffer', 'unknown command buffer');
      c.begin();
      return VK_SUCCESS;
    },

    /** Returns the first error recorded since vkBeginCommandBuffer (sticky), or the upload's result. */
    vkEndCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkEndCommandBuffer', 'unknown command buffer');
      const r = c.end();
      if (r !== VK_SUCCESS && c.errorMessage) st.lastError = c.errorMessage;
      return r;
    },

    vkResetCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkResetCommandBuffer', 'unknown command buffer');
      c.state = 'initial';
      return VK_SUCCESS;
    },

    vkCmdCopyBuffer(commandBuffer: H.VkCommandBuffer, src: H.VkBuffer, dst: H.VkBuffer, regions: readonly T.VkBufferCopy[]): void {
      const c = cmd(commandBuffer, 'vkCmdCopyBuffer');
      if (!c) return;
      const s = buffers.get(src);
      const d = buffers.get(dst);
      if (!s || !d) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBuffer: unknown buffer');
      cmdCopyBuffer(c, s, d, regions);
    },

    vkCmdFillBuffer(commandBuffer: H.VkCommandBuffer, dst: H.VkBuffer, offsetBytes: number, sizeBytes: number, data: number): void {
      const c = cmd(commandBuffer, 'vkCmdFillBuffer');
      if (!c) return;
      const d = buffers.get(dst);
      if (!d) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdFillBuffer: unknown buffer');
      cmdFillBuffer(c, d, offsetBytes, sizeBytes, data);
    },

    vkCmdCopyImageToBuffer(commandBuffer: H.VkCommandBuffer, src: H.VkImage, dst: H.VkBuffer, dstOffsetBytes = 0): void {
      const c = cmd(commandBuffer, 'vkCmdCopyImageToBuffer');
      if (!c) return;
      const i = images.get(src);
      const b = buffers.get(dst);
      if (!i || !b) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyImageToBuffer: unknown image or buffer');
      cmdCopyImageToBuffer(c, i, b, dstOffsetBytes);
    },

    vkCmdCopyBufferToImage(commandBuffer: H.VkCommandBuffer, src: H.VkBuffer, dst: H.VkImage, srcOffsetBytes = 0): void {
      const c = cmd(commandBuffer, 'vkCmdCopyBufferToImage');
      if (!c) return;
      const b = buffers.get(src);
      const i = images.get(dst);
      if (!i || !b) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBufferToImage: unknown image or buffer');
      cmdCopyBufferToImage(c, b, srcOffsetBytes, i);
    },

    vkCmdPipelineBarrier2(commandBuffer: H.VkCommandBuffer, barriers: readonly T.VkMemoryBarrier2[] = []): void {
      const c = cmd(commandBuffer, 'vkCmdPipelineBarrier2');
      if (c) cmdPipelineBarrier2(c, barriers);
    },

    vkCmdBindPipeline(commandBuffer: H.VkCommandBuffer, bindPoint: 'COMPUTE' | 'GRAPHICS', pipeline: H.VkPipeline): void {
      const c = cmd(commandBuffer, 'vkCmdBindPipeline');
      if (!c) return;
      const p = pipelines.get(pipeline);
      if (!p || (bindPoint === 'COMPUTE') !== (p.kind === 'compute')) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdBindPipeline: pipeline is not a ${bindPoint.toLowerCase()} pipeline`);
      if (bindPoint === 'COMPUTE') c.computePipeline = p;
      else c.graphicsPipeline = p;
    },

    vkCmdPushConstants(commandBuffer: H.VkCommandBuffer, offsetBytes: number, data: Uint8Array): void {
      const c = cmd(commandBuffer, 'vkCmdPushConstants');
      if (!c) return;
      if (offsetBytes < 0 || offsetBytes % 4 !== 0 || data.length % 4 !== 0 || offsetBytes + data.length > MAX_PUSH_CONSTANT_BYTES) {
        return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdPushConstants: range ${offsetBytes}+${data.length} outside 0..${MAX_PUSH_CONSTANT_BYTES} or unaligned`);
      }
      c.pushConstants.set(data, offsetBytes);
    },

    vkCmdDispatch(commandBuffer: H.VkCommandBuffer, x: number, y = 1, z = 1): void {
      const c = cmd(commandBuffer, 'vkCmdDispatch');
      if (c) cmdDispatch(c, x, y, z);
    },

    vkCmdBeginRendering(commandBuffer: H.VkCommandBuffer, info: T.VkRenderingInfo): void {
      const c = cmd(commandBuffer, 'vkCmdBeginRendering');
      if (!c) return;
      const att = (a: T.VkRenderingAttachment | undefined) => {
        if (!a) return undefined;
        const image = images.get(a.image);
        return image ? { image, att: a } : null;
      };
      const color = att(info.colorAttachment);
      const depth = att(info.depthAttachment);
      if (color === null || depth === null) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: unknown image');
      cmdBeginRendering(c, color, depth);
    },

    vkCmdEndRendering(commandBuffer: H.VkCommandBuffer): void {
      const c = cmd(commandBuffer, 'vkCmdEndRendering');
      if (c) cmdEndRendering(c);
    },

    vkCmdSetViewport(commandBuffer: H.VkCommandBuffer, viewport: T.VkViewport): void {
      const c = cmd(commandBuffer, 'vkCmdSetViewport');
      if (c) c.viewport = viewport;
    },

    vkCmdBindVertexBuffers(commandBuffer: H.VkCommandBuffer, firstBinding: number, bufs: readonly H.VkBuffer[], offsetsBytes: readonly number[] = []): void {
      const c = cmd(commandBuffer, 'vkCmdBindVertexBuffers');
      if (!c) return;
      for (let i = 0; i < bufs.length; i++) {
        const b = buffers.get(bufs[i]!);
        if (!b?.memory || firstBinding + i > 3) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBindVertexBuffers: unknown or unbound buffer, or binding > 3');
        c.vertexBuffers[firstBinding + i] = { va: b.va + (offsetsBytes[i] ?? 0) };
      }
    },

    vkCmdBindIndexBuffer(commandBuffer: H.VkCommandBuffer, buffer: H.VkBuffer, offsetBytes: number, type: T.VkIndexType): void {
      const c = cmd(commandBuffer, 'vkCmdBindIndexBuffer');
      if (!c) return;
      const b = buffers.get(buffer);
      if (!b?.memory) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBindIndexBuffer: unknown or unbound buffer');
      c.indexBuffer = { va: b.va + offsetBytes, type };
    },

    vkCmdDraw(commandBuffer: H.VkCommandBuffer, vertexCount: number, instanceCount = 1, firstVertex = 0, firstInstance = 0): void {
      const c = cmd(commandBuffer, 'vkCmdDraw');
      if (c) cmdDraw(c, vertexCount, instanceCount, firstVertex, firstInstance, false);
    },

    vkCmdDrawIndexed(commandBuffer: H.VkCommandBuffer, indexCount: number, instanceCount = 1, vertexOffset = 0, firstInstance = 0): void {
      const c = cmd(commandBuffer, 'vkCmdDrawIndexed');
      if (c) cmdDraw(c, indexCount, instanceCount, vertexOffset, firstInstance, true);
    },
  };
}
