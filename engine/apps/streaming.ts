/**
 * streaming: an asset loader — the shape of a game's background streaming. Every
 * round, four assets are uploaded from a host staging buffer on four upload queues, a
 * fifth asset is generated on the GPU, and a consumer pass, waiting for all five on
 * the GPU, summarises them; the CPU recycles the staging buffer as soon as the
 * round's uploads are done.
 *
 * Options: `size` = KiB of the largest upload (default 128); the others halve (64, 32,
 * 16 by default, at least 4 KiB); the generated asset is 4 KiB. `frames` = rounds
 * (default 3), each on fresh seeded data.
 *
 * Queues: four upload queues (family 1, indices 0..3) and one compute queue (family 0)
 * — five queues with work for the GPU's four CS slots, so the kernel scheduler keeps
 * one waiting, as a loader does on real hardware. Per round r (buffer set r mod 2):
 * - upload queue s copies staging region s into asset s of the set (DMA engine) and
 *   signals the timeline semaphore `loaded` = 5r + s + 1;
 * - the compute queue generates asset 4 (word i = i·0x9E3779B1 ⊕ salt(r)) and
 *   signals `loaded` = 5r + 5;
 * - the compute queue then runs the consumer: one invocation per 1 KiB block of every
 *   asset writes the block's 32-bit wrapping sum into the set's sums buffer. It waits
 *   on the GPU for `loaded` ≥ 5r + 5 — a timeline value is reached once every value
 *   below it is — and signals the set's fence.
 * - Before writing round r + 1 into the staging buffer, the CPU waits on the host
 *   (vkWaitSemaphores) for `loaded` ≥ 5r + 4: the last upload of round r has read it.
 *   The values do not complete in order: the uploads serialise on the DMA engine
 *   (the largest, first, ~8 µs), while the generated asset (5r + 5) is short work on
 *   the compute engine and usually signals before uploads 2 and 3. (Vulkan asks
 *   signal values to increase in execution order; loaders that share one timeline
 *   across queues rarely manage it.)
 * - Round r's sums are checked after round r + 1 is submitted, once the fence of
 *   round r has signalled; the set is reused by round r + 2.
 * Every command buffer but the generator's (its salt changes) is recorded once, before
 * the first round, and resubmitted.
 *
 * Checks: `round[r]` — every block sum equals the CPU's sum of the bytes it wrote (or,
 * for asset 4, of the generator's function).
 */
import type { VkCommandBuffer, VkFence } from '../umd/handles';
import * as T from '../umd/vk-types';
import type { App, AppContext } from './app';
import { createDeviceBuffer, createHostBuffer, firstOf } from './device-setup';
import { must } from './must';
import { addressWords, addToAddress, pushWords } from './shader-util';

export const DEFAULT_LARGEST_KIB = 128;
const UPLOADS = 4;
const GENERATED_BYTES = 4 * 1024;
const BLOCK_BYTES = 1024;
const BLOCK_WORDS = BLOCK_BYTES / 4;
const SETS = 2;
const GOLDEN = 0x9e3779b1;
const WAIT_TIMEOUT_NS = 10e9;
const USAGE = T.VK_BUFFER_USAGE_TRANSFER_SRC_BIT | T.VK_BUFFER_USAGE_TRANSFER_DST_BIT | T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;

/** out[i] = i · 0x9E3779B1 ⊕ salt, one word per invocation. Push: out (0,1), salt (2). */
export const GENERATE_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  MOVI r5, 4
  IMUL r6, r0, r5
${addToAddress(2, 6)}
  MOVI r7, ${GOLDEN | 0}
  IMUL r8, r0, r7
  IXOR r8, r8, r4
  ST32 d2, r8, 0
  END
`;

/** sums[b] = Σ words of 1 KiB block b (mod 2^32), one block per invocation. Push: in (0,1), sums (2,3). */
export const BLOCK_SUM_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  MOVI r6, ${BLOCK_BYTES}
  IMUL r6, r0, r6
${addToAddress(2, 6)}
  MOVI r7, 4
  IMUL r7, r0, r7
${addToAddress(4, 7)}
  MOVI r8, 0
  MOVI r9, ${BLOCK_WORDS}
  MOVI r10, 4
loop:
  LD32 r11, d2, 0
  IADD r8, r8, r11
${addToAddress(2, 10)}
  IADDI r9, r9, -1
  BRNZ r9, loop
  ST32 d4, r8, 0
  END
`;

/** Upload sizes for a largest upload of `largestKib` KiB: halving, each at least 4 KiB. */
export function uploadSizes(largestKib: number): number[] {
  return Array.from({ length: UPLOADS }, (_, s) => Math.max(4, Math.floor(largestKib / 2 ** s)) * 1024);
}

/** The generator's function (the CPU side of GENERATE_SHADER). */
export function generatedWord(i: number, salt: number): number {
  return (Math.imul(i, GOLDEN) ^ salt) >>> 0;
}


function blockSums(words: Uint32Array): Uint32Array {
  const out = new Uint32Array(words.length / BLOCK_WORDS);
  for (let b = 0; b < out.length; b++) {
    let sum = 0;
    for (let k = 0; k < BLOCK_WORDS; k++) sum = (sum + words[b * BLOCK_WORDS + k]!) >>> 0;
    out[b] = sum;
  }
  return out;
}


export const streaming: App = {
  name: 'streaming',
  description: 'an asset loader: per round four uploads of halving size (largest = size KiB, default 128) on four upload queues, one asset generated on the GPU, and a consumer pass summing every 1 KiB block; one timeline semaphore orders them and paces the staging buffer; checked against CPU sums',
  defaults: { frames: 3, size: DEFAULT_LARGEST_KIB },
  run(ctx: AppContext): void {
    const vk = ctx.vk;
    const rounds = Math.max(1, Math.floor(ctx.options.frames));
    const sizes = uploadSizes(ctx.options.size > 0 ? Math.floor(ctx.options.size) : DEFAULT_LARGEST_KIB);
    const offsets = sizes.map((_, s) => sizes.slice(0, s).reduce((a, b) => a + b, 0));
    const stagingBytes = sizes.reduce((a, b) => a + b, 0);
    const assetBytes = [...sizes, GENERATED_BYTES];
    const assetBlocks = assetBytes.map((b) => b / BLOCK_BYTES);
    const firstBlock = assetBlocks.map((_, a) => assetBlocks.slice(0, a).reduce((x, y) => x + y, 0));
    const totalBlocks = assetBlocks.reduce((a, b) => a + b, 0);
    const assetOffset = (a: number) => firstBlock[a]! * BLOCK_BYTES;
    const points = UPLOADS + 1;
    const uploaded = (r: number, s: number) => r * points + s + 1;
    const generated = (r: number) => r * points + points;

    const instance = must(vk, 'vkCreateInstance', vk.vkCreateInstance({ applicationName: 'streaming' }));
    const physical = firstOf(must(vk, 'vkEnumeratePhysicalDevices', vk.vkEnumeratePhysicalDevices(instance)), 'vkEnumeratePhysicalDevices');
    const device = must(vk, 'vkCreateDevice', vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 1 }, { family: 1, count: UPLOADS }] }));
    const computeQueue = must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 0, 0));
    const uploadQueues = sizes.map((_, s) => must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 1, s)));

    const staging = createHostBuffer(vk, device, stagingBytes, USAGE);
    const stagingWords = new Uint32Array(staging.view.buffer, staging.view.byteOffset, stagingBytes / 4);
    const sets = Array.from({ length: SETS }, () => ({
      pool: createDeviceBuffer(vk, device, totalBlocks * BLOCK_BYTES, USAGE),
      sums: createHostBuffer(vk, device, totalBlocks * 4, USAGE),
      fence: must(vk, 'vkCreateFence', vk.vkCreateFence(device, { signaled: true })) as VkFence,
    }));
    const loaded = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE', initialValue: 0 }));

    const generate = firstOf(must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{
      shader: must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: GENERATE_SHADER })), localSize: [64, 1, 1], pushConstantSizeBytes: 12,
    }])), 'vkCreateComputePipelines');
    const sum = firstOf(must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{
      shader: must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: BLOCK_SUM_SHADER })), localSize: [1, 1, 1], pushConstantSizeBytes: 16,
    }])), 'vkCreateComputePipelines');

    // Record everything but the generator once: a round is then only submits.
    const uploadPool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 1 }));
    const computePool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 0 }));
    const uploadCbs: VkCommandBuffer[][] = sets.map((set) => {
      const cbs = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: uploadPool, count: UPLOADS }));
      cbs.forEach((cb, s) => {
        must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
        vk.vkCmdCopyBuffer(cb, staging.buffer, set.pool.buffer, [{ srcOffsetBytes: offsets[s]!, dstOffsetBytes: assetOffset(s), sizeBytes: sizes[s]! }]);
        must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
      });
      return cbs;
    });
    const generateCbs = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: computePool, count: SETS }));
    const recordGenerate = (cb: VkCommandBuffer, set: (typeof sets)[number], salt: number): void => {
      must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
      vk.vkCmdBindPipeline(cb, 'COMPUTE', generate);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(set.pool.va + assetOffset(UPLOADS)), salt]));
      vk.vkCmdDispatch(cb, GENERATED_BYTES / 4 / 64);
      must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
    };
    generateCbs.forEach((cb, i) => recordGenerate(cb, sets[i]!, 0));
    const consumeCbs = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: computePool, count: SETS }));
    consumeCbs.forEach((cb, i) => {
      const set = sets[i]!;
      must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
      vk.vkCmdBindPipeline(cb, 'COMPUTE', sum);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(set.pool.va), ...addressWords(set.sums.va)]));
      vk.vkCmdDispatch(cb, totalBlocks);
      vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: T.VK_ACCESS_2_HOST_READ_BIT }]);
      must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
    });

    const expected: Uint32Array[] = [];
    const salts = Array.from({ length: rounds }, () => ctx.rng.nextU32());
    const check = (r: number): void => {
      const set = sets[r % SETS]!;
      must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [set.fence], true, WAIT_TIMEOUT_NS));
      const want = expected[r % SETS]!;
      const got = new Uint32Array(set.sums.view.buffer, set.sums.view.byteOffset, totalBlocks);
      const bad = want.findIndex((w, b) => got[b] !== w);
      const asset = firstBlock.findLastIndex((first) => first <= bad);
      ctx.check(`round[${r}]`, bad < 0, bad < 0
        ? `${totalBlocks} block sums over ${assetBytes.length} assets match the CPU`
        : `asset ${asset} block ${bad - firstBlock[asset]!}: sum 0x${got[bad]!.toString(16)}, want 0x${want[bad]!.toString(16)}`);
    };

    for (let r = 0; r < rounds; r++) {
      const setIndex = r % SETS;
      const set = sets[setIndex]!;
      // The staging buffer is free once the previous round's last upload has read it.
      if (r > 0) must(vk, 'vkWaitSemaphores', vk.vkWaitSemaphores(device, [{ semaphore: loaded, value: uploaded(r - 1, UPLOADS - 1) }], true, WAIT_TIMEOUT_NS));
      for (let w = 0; w < stagingWords.length; w++) stagingWords[w] = ctx.rng.nextU32();
      const generatedWords = Uint32Array.from({ length: GENERATED_BYTES / 4 }, (_, i) => generatedWord(i, salts[r]!));
      const sums = new Uint32Array(totalBlocks);
      sizes.forEach((bytes, s) => sums.set(blockSums(stagingWords.subarray(offsets[s]! / 4, (offsets[s]! + bytes) / 4)), firstBlock[s]!));
      sums.set(blockSums(generatedWords), firstBlock[UPLOADS]!);
      expected[setIndex] = sums;

      must(vk, 'vkResetFences', vk.vkResetFences(device, [set.fence]));
      uploadQueues.forEach((queue, s) => must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{
        commandBuffers: [uploadCbs[setIndex]![s]!], signalSemaphores: [{ semaphore: loaded, value: uploaded(r, s) }],
      }])));
      recordGenerate(generateCbs[setIndex]!, set, salts[r]!);
      must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(computeQueue, [{ commandBuffers: [generateCbs[setIndex]!], signalSemaphores: [{ semaphore: loaded, value: generated(r) }] }]));
      must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(computeQueue, [{ waitSemaphores: [{ semaphore: loaded, value: generated(r) }], commandBuffers: [consumeCbs[setIndex]!] }], set.fence));
      if (r > 0) check(r - 1);
    }
    check(rounds - 1);
    must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  },
};
