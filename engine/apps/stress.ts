/**
 * stress: many small submissions and CPU memory writes, from `threads` app threads
 * recording and submitting concurrently — the load for benchmarks and for captures
 * whose thread interleaving matters.
 *
 * Options: `size` = total submissions over all threads (default 2000; a few hundred
 * thousand give millions of events); `threads` = app threads (default 1). `frames`
 * is not used.
 *
 * One device with four queues (families 0 and 1, two each); thread t submits to queue
 * t mod 4, from its own command pool (Vulkan's external-synchronisation rule: a pool
 * belongs to one thread). Per submission i of thread t:
 *   - wait (CPU) until the thread's timeline semaphore shows submission i − RING done,
 *     so its ring slot — a command buffer and 16 staging bytes — is free;
 *   - write 16 bytes of seeded data into the slot through the persistent mapping of a
 *     staging buffer shared by all threads (a `mem.write` at the next submit);
 *   - record: copy the slot into result A [i] (DMA engine) and a 4-invocation dispatch
 *     writing 3·v + t + 1 per word into result B [i] (compute engine);
 *   - submit, signalling the timeline at i + 1.
 * The thread yields between those steps, so the seeded scheduler interleaves the
 * threads' writes, recordings and submits — a different seed, a different order of
 * GROUP_SUBMITs and memory writes, with the same results. Results are mapped only at
 * the end (a mapping is compared at every submit in shadow tracking, and the load
 * should be the submissions, not that compare).
 *
 * Checks: `thread[t]` — result A holds exactly the bytes written and result B the
 * shader's function of them, for every submission of the thread.
 */
import { Rng } from '../base/rng';
import type { VkBuffer, VkCommandBuffer, VkDeviceMemory, VkQueue, VkSemaphore } from '../umd/handles';
import { HOST_VISIBLE_TYPE } from '../umd/memory';
import * as T from '../umd/vk-types';
import type { Vk } from '../umd/vulkan';
import type { App, AppContext } from './app';
import { createHostBuffer } from './device-setup';
import { must } from './must';
import { addressWords, addToAddress, pushWords } from './shader-util';

export const DEFAULT_SUBMISSIONS = 2000;
/** Submissions a thread may have in flight (command buffers and staging slots per thread). */
const RING = 8;
const PAYLOAD_WORDS = 4;
const PAYLOAD_BYTES = PAYLOAD_WORDS * 4;
const QUEUES: ReadonlyArray<readonly [family: number, index: number]> = [[0, 0], [1, 0], [0, 1], [1, 1]];
const WAIT_TIMEOUT_NS = 10e9;
const USAGE = T.VK_BUFFER_USAGE_TRANSFER_SRC_BIT | T.VK_BUFFER_USAGE_TRANSFER_DST_BIT | T.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | T.VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;

/** out[i] = 3 · in[i] + salt, one word per invocation. Push: in (0,1), out (2,3), salt (4). */
export const STRESS_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  LDPC r6, 4
  MOVI r7, 4
  IMUL r7, r0, r7
${addToAddress(2, 7)}
${addToAddress(4, 7)}
  LD32 r8, d2, 0
  MOVI r9, 3
  IMUL r8, r8, r9
  IADD r8, r8, r6
  ST32 d4, r8, 0
  END
`;

/** How many submissions thread t of `threads` makes out of `total`. */
export function submissionsOf(total: number, threads: number, t: number): number {
  return Math.floor(total / threads) + (t < total % threads ? 1 : 0);
}

interface Result {
  readonly buffer: VkBuffer;
  readonly memory: VkDeviceMemory;
  readonly va: number;
}

function resultBuffer(vk: Vk, device: Parameters<Vk['vkCreateBuffer']>[0], sizeBytes: number): Result {
  const buffer = must(vk, 'vkCreateBuffer', vk.vkCreateBuffer(device, { sizeBytes, usage: USAGE }));
  const req = must(vk, 'vkGetBufferMemoryRequirements', vk.vkGetBufferMemoryRequirements(device, buffer));
  const memory = must(vk, 'vkAllocateMemory', vk.vkAllocateMemory(device, { sizeBytes: req.sizeBytes, memoryTypeIndex: HOST_VISIBLE_TYPE }));
  must(vk, 'vkBindBufferMemory', vk.vkBindBufferMemory(device, buffer, memory, 0));
  return { buffer, memory, va: must(vk, 'vkGetBufferDeviceAddress', vk.vkGetBufferDeviceAddress(device, buffer)) };
}

export const stress: App = {
  name: 'stress',
  description: 'N small submissions in all (N = size / --work, default 2000; a copy, a dispatch and a 16-byte CPU write each) from --threads concurrent app threads; every result checked',
  defaults: { threads: 1, size: DEFAULT_SUBMISSIONS },
  run(ctx: AppContext): void {
    const vk = ctx.vk;
    const threads = Math.max(1, Math.floor(ctx.options.threads));
    const total = ctx.options.size > 0 ? Math.floor(ctx.options.size) : DEFAULT_SUBMISSIONS;
    const instance = must(vk, 'vkCreateInstance', vk.vkCreateInstance({ applicationName: 'stress' }));
    const physical = must(vk, 'vkEnumeratePhysicalDevices', vk.vkEnumeratePhysicalDevices(instance))[0];
    if (physical === undefined) throw new Error('vkEnumeratePhysicalDevices returned no device');
    const device = must(vk, 'vkCreateDevice', vk.vkCreateDevice(physical, { queues: [{ family: 0, count: 2 }, { family: 1, count: 2 }] }));
    const queues: VkQueue[] = QUEUES.map(([family, index]) => must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, family, index)));
    const staging = createHostBuffer(vk, device, threads * RING * PAYLOAD_BYTES, USAGE);
    const shader = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code: STRESS_SHADER }));
    const pipeline = must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{ shader, localSize: [PAYLOAD_WORDS, 1, 1], pushConstantSizeBytes: 20 }]))[0];
    if (pipeline === undefined) throw new Error('vkCreateComputePipelines returned no pipeline');
    // Per-thread data streams, forked in thread order before any thread runs, so a
    // thread's data does not depend on the interleaving.
    const rngs = Array.from({ length: threads }, (_, t) => ctx.rng.fork(t + 1));

    const body = function* (t: number): Generator<void, void, void> {
      const count = submissionsOf(total, threads, t);
      const [family] = QUEUES[t % QUEUES.length]!;
      const queue = queues[t % QUEUES.length]!;
      const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: family }));
      const cbs: VkCommandBuffer[] = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: RING }));
      const progress: VkSemaphore = must(vk, 'vkCreateSemaphore', vk.vkCreateSemaphore(device, { type: 'TIMELINE' }));
      const bytes = Math.max(1, count) * PAYLOAD_BYTES;
      const copies = resultBuffer(vk, device, bytes);
      const computed = resultBuffer(vk, device, bytes);
      const rng: Rng = rngs[t]!;
      const written = new Uint32Array(count * PAYLOAD_WORDS);
      const slotOffset = (slot: number) => (t * RING + slot) * PAYLOAD_BYTES;
      const slotWords = (slot: number) => new Uint32Array(staging.view.buffer, staging.view.byteOffset + slotOffset(slot), PAYLOAD_WORDS);
      yield;

      for (let i = 0; i < count; i++) {
        const slot = i % RING;
        if (i >= RING) must(vk, 'vkWaitSemaphores', vk.vkWaitSemaphores(device, [{ semaphore: progress, value: i - RING + 1 }], true, WAIT_TIMEOUT_NS));
        const words = slotWords(slot);
        for (let k = 0; k < PAYLOAD_WORDS; k++) words[k] = written[i * PAYLOAD_WORDS + k] = rng.nextU32();
        yield;
        const cb = cbs[slot]!;
        must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
        vk.vkCmdCopyBuffer(cb, staging.buffer, copies.buffer, [{ srcOffsetBytes: slotOffset(slot), dstOffsetBytes: i * PAYLOAD_BYTES, sizeBytes: PAYLOAD_BYTES }]);
        vk.vkCmdBindPipeline(cb, 'COMPUTE', pipeline);
        vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(staging.va + slotOffset(slot)), ...addressWords(computed.va + i * PAYLOAD_BYTES), t + 1]));
        vk.vkCmdDispatch(cb, 1);
        must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
        yield;
        must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{ commandBuffers: [cb], signalSemaphores: [{ semaphore: progress, value: i + 1 }] }]));
        yield;
      }

      if (count > 0) must(vk, 'vkWaitSemaphores', vk.vkWaitSemaphores(device, [{ semaphore: progress, value: count }], true, WAIT_TIMEOUT_NS));
      const gotCopies = new Uint32Array(must(vk, 'vkMapMemory', vk.vkMapMemory(device, copies.memory)).slice(0, count * PAYLOAD_BYTES).buffer);
      const gotComputed = new Uint32Array(must(vk, 'vkMapMemory', vk.vkMapMemory(device, computed.memory)).slice(0, count * PAYLOAD_BYTES).buffer);
      must(vk, 'vkUnmapMemory', vk.vkUnmapMemory(device, copies.memory));
      must(vk, 'vkUnmapMemory', vk.vkUnmapMemory(device, computed.memory));
      let bad = -1;
      for (let w = 0; w < written.length && bad < 0; w++) {
        if (gotCopies[w] !== written[w] || gotComputed[w] !== (Math.imul(written[w]!, 3) + t + 1) >>> 0) bad = w;
      }
      ctx.check(`thread[${t}]`, bad < 0, bad < 0
        ? `${count} submissions on queue ${QUEUES[t % QUEUES.length]!.join(':')}: copies and dispatch results all correct`
        : `submission ${Math.floor(bad / PAYLOAD_WORDS)} word ${bad % PAYLOAD_WORDS}: copy 0x${(gotCopies[bad] ?? 0).toString(16)}, computed 0x${(gotComputed[bad] ?? 0).toString(16)}, wrote 0x${written[bad]!.toString(16)}`);
    };
    ctx.runThreads(Array.from({ length: threads }, (_, t) => () => body(t)));
    must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  },
};
