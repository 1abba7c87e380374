/**
 * Transfer commands: buffer copies and fills, and copies between linear images and
 * buffers. All run on the DMA engine (COPY / FILL), asynchronously to the rest of
 * the stream: a later command that reads the result needs a pipeline barrier.
 */
import type { CommandBuffer } from './command-buffer';
import type { Buffer, Image } from './resources';
import { VK_ERROR_VALIDATION_FAILED_EXT } from './vk-result';
import type { VkBufferCopy } from './vk-types';

function inRange(sizeBytes: number, offset: number, length: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length > 0 && offset + length <= sizeBytes;
}

function copy(cb: CommandBuffer, dstVa: number, srcVa: number, sizeBytes: number): void {
  cb.emit('MOV48', { d: 0, imm: dstVa });
  cb.emit('MOV48', { d: 2, imm: srcVa });
  cb.emit('MOV48', { d: 4, imm: sizeBytes });
  cb.emit('COPY', { dst: 0, src: 2, size: 4 });
  cb.workItems++;
}

export function cmdCopyBuffer(cb: CommandBuffer, src: Buffer, dst: Buffer, regions: readonly VkBufferCopy[]): void {
  if (!src.memory || !dst.memory) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBuffer: buffer has no memory bound');
  for (const r of regions) {
    if (!inRange(src.sizeBytes, r.srcOffsetBytes, r.sizeBytes) || !inRange(dst.sizeBytes, r.dstOffsetBytes, r.sizeBytes)) {
      return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdCopyBuffer: region ${JSON.stringify(r)} outside a buffer`);
    }
    copy(cb, dst.va + r.dstOffsetBytes, src.va + r.srcOffsetBytes, r.sizeBytes);
  }
}

export function cmdFillBuffer(cb: CommandBuffer, dst: Buffer, offsetBytes: number, sizeBytes: number, data: number): void {
  if (!dst.memory) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdFillBuffer: buffer has no memory bound');
  const size = sizeBytes < 0 ? dst.sizeBytes - offsetBytes : sizeBytes;
  if (!inRange(dst.sizeBytes, offsetBytes, size) || offsetBytes % 4 !== 0 || size % 4 !== 0) {
    return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdFillBuffer: offset ${offsetBytes} / size ${size} must be 4-byte aligned and inside the buffer`);
  }
  fill(cb, dst.va + offsetBytes, size, data);
}

export function fill(cb: CommandBuffer, va: number, sizeBytes: number, pattern: number): void {
  cb.emit('MOV48', { d: 0, imm: va });
  cb.emit('MOV48', { d: 2, imm: sizeBytes });
  cb.emit('MOV32', { r: 4, imm: pattern >>> 0 });
  cb.emit('FILL', { dst: 0, size: 2, value: 4 });
  cb.workItems++;
}

/** Linear images: the copy is the image's bytes, row pitch = width × 4. */
export function cmdCopyImageToBuffer(cb: CommandBuffer, src: Image, dst: Buffer, dstOffsetBytes: number): void {
  if (!src.memory || !dst.memory) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyImageToBuffer: no memory bound');
  if (!inRange(dst.sizeBytes, dstOffsetBytes, src.sizeBytes)) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyImageToBuffer: buffer too small');
  copy(cb, dst.va + dstOffsetBytes, src.va, src.sizeBytes);
}

export function cmdCopyBufferToImage(cb: CommandBuffer, src: Buffer, srcOffsetBytes: number, dst: Image): void {
  if (!src.memory || !dst.memory) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBufferToImage: no memory bound');
  if (!inRange(src.sizeBytes, srcOffsetBytes, dst.sizeBytes)) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBufferToImage: buffer too small');
  copy(cb, dst.va, src.va + srcOffsetBytes, dst.sizeBytes);
}
