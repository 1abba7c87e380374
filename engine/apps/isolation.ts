/**
 * isolation: the kernel's promise to a GPU's other clients — a process's GPU work can
 * never reach memory it no longer owns. Two processes: a faulty client that writes
 * through a stale buffer device address after freeing the buffer (a use-after-free
 * every driver has to contain, as browsers and compositors rely on), and a bystander
 * whose new allocation is given the freed pages.
 *
 * Sequence:
 * - the client (a second process) allocates a 16 KiB device-local buffer, records a
 *   dispatch that fills it through its GPU address, submits it and waits;
 * - it frees the buffer (vkFreeMemory: VM_BIND UNMAP, GEM_CLOSE) but keeps the address
 *   in the recorded command buffer;
 * - the bystander (the app's first process, set up beforehand) allocates a buffer of
 *   the same size — the kernel's page allocator hands it the freed pages — writes its
 *   own pattern and publishes it (vkFlushMappedMemoryRanges);
 * - the client resubmits the recorded dispatch: its writes hit an unmapped range.
 *   A correct kernel faults the client's VM (TRANSLATION): vkQueueWaitIdle reports
 *   VK_ERROR_DEVICE_LOST and nothing is written.
 *
 * Checks: `filled` — the first dispatch completed; `contained` — the stale dispatch
 * ended with VK_ERROR_DEVICE_LOST; `bystander` — the
 * bystander's buffer still holds its own pattern (read after
 * vkInvalidateMappedMemoryRanges).
 */
import * as T from '../umd/vk-types';
import { VK_ERROR_DEVICE_LOST, VK_SUCCESS, vkResultName } from '../umd/vk-result';
import type { App, AppContext } from './app';
import { createHostBuffer, openDevice } from './device-setup';
import { must } from './must';
import { addressWords, addToAddress, pushWords } from './shader-util';

const BUFFER_BYTES = 16 * 1024;
const WORDS = BUFFER_BYTES / 4;
const LOCAL = 64;
const CLIENT_VALUE = 0xc1c1_c1c1;
const USAGE = T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;

/** out[i] = value, one word per invocation. Push: out (0,1), value (2). */
export const FILL_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  MOVI r5, 4
  IMUL r6, r0, r5
${addToAddress(2, 6)}
  ST32 d2, r4, 0
  END
`;

/** The bystander's pattern: word i. */
function bystanderWord(i: number): number {
  return (0xb0000000 | i) >>> 0;
}

export const isolation: App = {
  name: 'isolation',
  description: 'two processes: a client writes through a buffer address after freeing the buffer; the kernel must fault it (device lost) and leave the bystander that got the freed pages untouched',
  run(ctx: AppContext): void {
    // The bystander is set up first, so that after the client's free it allocates
    // nothing but the buffer that receives the freed pages.
    const bystander = openDevice(ctx.vk, 'isolation-bystander');
    const clientProcess = ctx.spawnProcess();
    const vk = clientProcess.vk;
    const client = openDevice(vk, 'isolation-client');
    const device = client.device;

    // Device-local: no CPU mapping keeps the BO alive, so freeing it frees its pages.
    const buffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes: BUFFER_BYTES, usage: USAGE }));
    const req = must(vk, 'vkGetBufferMemoryRequirements', vk.vkGetBufferMemoryRequirements(device, buffer));
    const memory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: 0 }));
    must(vk, 'vkBindBufferMemory', vk.vkBindBufferMemory(device, buffer, memory, 0));
    const va = must(vk, 'vkGetBufferDeviceAddress', vk.vkGetBufferDeviceAddress(device, buffer));
    const shader = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: FILL_SHADER }));
    const [pipeline] = must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{ shader, localSize: [LOCAL, 1, 1], pushConstantSizeBytes: 12 }]));
    if (pipeline === undefined) throw new Error('vkCreateComputePipelines returned no pipeline');
    const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const [cb] = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
    if (cb === undefined) throw new Error('vkAllocateCommandBuffers returned no command buffer');
    must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
    vk.vkCmdBindPipeline(cb, 'COMPUTE', pipeline);
    vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(va), CLIENT_VALUE]));
    vk.vkCmdDispatch(cb, WORDS / LOCAL);
    vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
    must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));

    must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(client.queue, [{ commandBuffers: [cb] }]));
    const first = vk.vkQueueWaitIdle(client.queue);
    ctx.check('filled', first === VK_SUCCESS, `the fill through the buffer address ended with ${vkResultName(first)}`);

    // The use-after-free: the memory goes, the address stays in the command buffer.
    must(vk, 'vkDestroyBuffer', vk.vkDestroyBuffer(device, buffer));
    must(vk, 'vkFreeMemory', vk.vkFreeMemory(device, memory));

    const mine = createHostBuffer(ctx.vk, bystander.device, BUFFER_BYTES, USAGE);
    const words = new Uint32Array(mine.view.buffer, mine.view.byteOffset, WORDS);
    for (let i = 0; i < WORDS; i++) words[i] = bystanderWord(i);
    must(ctx.vk, 'vkFlushMappedMemoryRanges', ctx.vk.vkFlushMappedMemoryRanges(bystander.device, [{ memory: mine.memory, offsetBytes: 0, sizeBytes: -1 }]));

    const submitted = vk.vkQueueSubmit2(client.queue, [{ commandBuffers: [cb] }]);
    const waited = submitted === VK_SUCCESS ? vk.vkQueueWaitIdle(client.queue) : submitted;
    ctx.check('contained', waited === VK_ERROR_DEVICE_LOST, `the stale dispatch ended with ${vkResultName(waited)}, want VK_ERROR_DEVICE_LOST`);

    must(ctx.vk, 'vkInvalidateMappedMemoryRanges', ctx.vk.vkInvalidateMappedMemoryRanges(bystander.device, [{ memory: mine.memory, offsetBytes: 0, sizeBytes: -1 }]));
    const bad = words.findIndex((w, i) => w !== bystanderWord(i));
    ctx.check('bystander', bad < 0, bad < 0
      ? `${WORDS} words still the bystander's own`
      : `word ${bad} is 0x${words[bad]!.toString(16)}, want 0x${bystanderWord(bad).toString(16)}: written by the other process's freed mapping`);
  },
};
