/**
 * Pipeline barriers. Our hardware has one hazard that matters: engine jobs (copy,
 * dispatch, draw) run asynchronously, so anything that consumes an earlier
 * command's output needs a BARRIER (wait for this stream's engine jobs). A barrier
 * whose consumer is the host also cleans the L2 so the CPU sees the results.
 */
import type { CommandBuffer } from './command-buffer';
import { VK_ACCESS_2_HOST_READ_BIT, type VkMemoryBarrier2 } from './vk-types';

export function cmdPipelineBarrier2(cb: CommandBuffer, barriers: readonly VkMemoryBarrier2[]): void {
  // Injected bug 'missing-barrier': the UMD drops execution barriers, so a draw can
  // read a buffer a dispatch has not finished writing.
  if (!cb.device.bug('missing-barrier')) cb.emit('BARRIER');
  if (barriers.some((b) => ((b.dstAccessMask ?? 0) & VK_ACCESS_2_HOST_READ_BIT) !== 0)) cb.emit('FLUSH', { mode: 0 /* CLEAN */ });
}
