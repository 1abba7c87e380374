/**
 * compute: a real compute workload on the compute-only queue, checked against a CPU
 * reference — an inclusive prefix sum over `size` 32-bit integers and an SGEMM.
 *
 * Options: `size` = prefix-sum elements (default 16384); the SGEMM is d×d·d×d with
 * d = max(8, round(√size / 2)) (64 by default); `frames` = iterations (default 2),
 * each on fresh data from the seeded Rng.
 *
 * The GPU has no workgroup barriers or shared memory (compute-unit.ts), so the scan is
 * the classic reduce-then-scan in three dispatches, each a separate pass:
 *   1. block scan: one invocation per block of SCAN_BLOCK elements scans its block
 *      sequentially into `out` and writes the block total to `sums`;
 *   2. one invocation turns `sums` into exclusive prefix sums (the block offsets);
 *   3. one invocation per element adds its block's offset.
 * The SGEMM computes one output element per invocation (8×8 workgroups), a K-long
 * FFMA chain in ascending k. The CPU reference does the same chain with the same
 * rounding (product exact, sum rounded via binary64 to binary32), so the comparison is
 * bit-exact, not approximate.
 *
 * Per iteration, one command buffer: copy the inputs from a host-visible staging
 * buffer into device-local buffers, barrier, the three scan passes and the SGEMM
 * (barriers between dependent passes), barrier, copy the results into a host-visible
 * read-back buffer, a host-read barrier; one submit with a fence; wait; compare.
 * Checks: `scan[i]` and `sgemm[i]` per iteration.
 */
import type { VkCommandBuffer, VkDevice, VkPipeline } from '../umd/handles';
import { VK_ACCESS_2_HOST_READ_BIT, VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, VK_BUFFER_USAGE_TRANSFER_DST_BIT, VK_BUFFER_USAGE_TRANSFER_SRC_BIT } from '../umd/vk-types';
import type { Vk } from '../umd/vulkan';
import type { App, AppContext } from './app';
import { createDeviceBuffer, createHostBuffer, type HostBuffer } from './device-setup';
import { must } from './must';
import { addressWords, addToAddress, pushWords } from './shader-util';

export const DEFAULT_SCAN_ELEMENTS = 16384;
/** Elements one block-scan invocation handles (a power of two: pass 3 shifts by its log2). */
export const SCAN_BLOCK = 64;
const SCAN_BLOCK_LOG2 = 6;
const SCAN_LOCAL = 64;
const SGEMM_TILE = 8;
const WAIT_TIMEOUT_NS = 10e9;
const USAGE = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;

/** Pass 1. Push: in (0,1), out (2,3), sums (4,5), n (6). One invocation per block. */
export const SCAN_BLOCKS_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  LDPC r6, 4
  LDPC r7, 5
  LDPC r8, 6
  MOVI r9, ${SCAN_BLOCK}
  IMUL r10, r0, r9          ; first element of the block
  UCMP r11, r10, r8, LT
  BRZ r11, done             ; block past the end
  ISUB r12, r8, r10
  IMIN r12, r12, r9         ; elements in this block
  MOVI r13, 4
  IMUL r14, r10, r13
${addToAddress(2, 14)}
${addToAddress(4, 14)}
  IMUL r15, r0, r13
${addToAddress(6, 15)}
  MOVI r16, 0               ; running sum
loop:
  LD32 r17, d2, 0
  IADD r16, r16, r17
  ST32 d4, r16, 0
${addToAddress(2, 13)}
${addToAddress(4, 13)}
  IADDI r12, r12, -1
  BRNZ r12, loop
  ST32 d6, r16, 0
done:
  END
`;

/** Pass 2. Push: sums (0,1), block count (2). One invocation: exclusive scan in place. */
export const SCAN_SUMS_SHADER = `
  LDPC r2, 0
  LDPC r3, 1
  LDPC r8, 2
  MOVI r13, 4
  MOVI r16, 0
loop:
  LD32 r17, d2, 0
  ST32 d2, r16, 0
  IADD r16, r16, r17
${addToAddress(2, 13)}
  IADDI r8, r8, -1
  BRNZ r8, loop
  END
`;

/** Pass 3. Push: out (0,1), sums (2,3), n (4). One invocation per element. */
export const SCAN_ADD_SHADER = `
  S2R r0, GID_X
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  LDPC r8, 4
  UCMP r11, r0, r8, LT
  BRZ r11, done
  MOVI r13, 4
  IMUL r14, r0, r13
${addToAddress(2, 14)}
  MOVI r15, ${SCAN_BLOCK_LOG2}
  ISHR r15, r0, r15
  IMUL r15, r15, r13
${addToAddress(4, 15)}
  LD32 r17, d2, 0
  LD32 r18, d4, 0
  IADD r17, r17, r18
  ST32 d2, r17, 0
done:
  END
`;

/** C = A·B, row-major d×d. Push: A (0,1), B (2,3), C (4,5), d (6). One invocation per C element. */
export const SGEMM_SHADER = `
  S2R r0, GID_X             ; column
  S2R r1, GID_Y             ; row
  LDPC r2, 0
  LDPC r3, 1
  LDPC r4, 2
  LDPC r5, 3
  LDPC r6, 4
  LDPC r7, 5
  LDPC r8, 6
  UCMP r11, r0, r8, LT
  BRZ r11, done
  UCMP r11, r1, r8, LT
  BRZ r11, done
  MOVI r13, 4
  IMUL r14, r1, r8
  IMUL r14, r14, r13        ; row · d · 4
${addToAddress(2, 14)}
  IMUL r15, r0, r13         ; column · 4
${addToAddress(4, 15)}
  IMUL r16, r8, r13         ; row stride of B
  MOV r12, r8
  MOVI r20, 0               ; +0.0f
loop:
  LD32 r21, d2, 0
  LD32 r22, d4, 0
  FFMA r20, r21, r22, r20
${addToAddress(2, 13)}
${addToAddress(4, 16)}
  IADDI r12, r12, -1
  BRNZ r12, loop
  IADD r14, r14, r15
${addToAddress(6, 14)}
  ST32 d6, r20, 0
done:
  END
`;

export interface ComputeSizes {
  readonly scanElements: number;
  readonly sgemmDim: number;
}

export function computeSizes(size: number): ComputeSizes {
  const scanElements = size > 0 ? Math.floor(size) : DEFAULT_SCAN_ELEMENTS;
  return { scanElements, sgemmDim: Math.max(8, Math.round(Math.sqrt(scanElements) / 2)) };
}

/** CPU reference: inclusive prefix sum mod 2^32. */
export function prefixSumReference(input: Uint32Array): Uint32Array {
  const out = new Uint32Array(input.length);
  let acc = 0;
  for (let i = 0; i < input.length; i++) out[i] = acc = (acc + input[i]!) >>> 0;
  return out;
}

/** CPU reference: C = A·B (row-major d×d) with the shader's FFMA chain, bit for bit. */
export function sgemmReference(a: Float32Array, b: Float32Array, d: number): Float32Array {
  const c = new Float32Array(d * d);
  for (let row = 0; row < d; row++) {
    for (let col = 0; col < d; col++) {
      let acc = 0;
      for (let k = 0; k < d; k++) acc = Math.fround(a[row * d + k]! * b[k * d + col]! + acc);
      c[row * d + col] = acc;
    }
  }
  return c;
}

/** undefined when equal; else the count of differing words and the first one. */
function wordMismatch(got: Uint32Array, want: Uint32Array): string | undefined {
  let diff = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      diff++;
      if (first < 0) first = i;
    }
  }
  if (!diff) return undefined;
  const hex = (v: number | undefined) => `0x${(v ?? 0).toString(16).padStart(8, '0')}`;
  return `${diff}/${want.length} words differ; first [${first}]: got ${hex(got[first])}, want ${hex(want[first])}`;
}


function computePipeline(vk: Vk, device: VkDevice, code: string, localSize: readonly [number, number, number], pushWordCount: number): VkPipeline {
  const shader = must(vk, 'vkCreateShaderModule', vk.vkCreateShaderModule(device, { code }));
  const [pipeline] = must(vk, 'vkCreateComputePipelines', vk.vkCreateComputePipelines(device, [{ shader, localSize, pushConstantSizeBytes: pushWordCount * 4 }]));
  if (pipeline === undefined) throw new Error('vkCreateComputePipelines returned no pipeline');
  return pipeline;
}

export const compute: App = {
  name: 'compute',
  description: 'prefix sum of N integers (N = size / --work, default 16384; three passes) and a d×d SGEMM (d = √N / 2) on the compute queue, checked bit for bit against CPU references; frames = iterations',
  defaults: { frames: 2, size: DEFAULT_SCAN_ELEMENTS },
  run(ctx: AppContext): void {
    const vk = ctx.vk;
    const { scanElements: n, sgemmDim: d } = computeSizes(ctx.options.size);
    const blocks = Math.ceil(n / SCAN_BLOCK);
    const instance = must(vk, 'vkCreateInstance', vk.vkCreateInstance({ applicationName: 'compute' }));
    const physical = must(vk, 'vkEnumeratePhysicalDevices', vk.vkEnumeratePhysicalDevices(instance))[0];
    if (physical === undefined) throw new Error('vkEnumeratePhysicalDevices returned no device');
    // Family 1 is compute + transfer only: the workload needs nothing else.
    const device = must(vk, 'vkCreateDevice', vk.vkCreateDevice(physical, { queues: [{ family: 1, count: 1 }] }));
    const queue = must(vk, 'vkGetDeviceQueue', vk.vkGetDeviceQueue(device, 1, 0));

    // Staging: [scan input | A | B]; read-back: [scan output | C]. Offsets 256-aligned.
    const align = (v: number) => Math.ceil(v / 256) * 256;
    const scanBytes = n * 4;
    const matBytes = d * d * 4;
    const offA = align(scanBytes);
    const offB = offA + align(matBytes);
    const staging: HostBuffer = createHostBuffer(vk, device, offB + matBytes, USAGE);
    const readback: HostBuffer = createHostBuffer(vk, device, offA + matBytes, USAGE);
    const scanIn = createDeviceBuffer(vk, device, scanBytes, USAGE);
    const scanOut = createDeviceBuffer(vk, device, scanBytes, USAGE);
    const sums = createDeviceBuffer(vk, device, blocks * 4, USAGE);
    const matA = createDeviceBuffer(vk, device, matBytes, USAGE);
    const matB = createDeviceBuffer(vk, device, matBytes, USAGE);
    const matC = createDeviceBuffer(vk, device, matBytes, USAGE);

    const scanBlocks = computePipeline(vk, device, SCAN_BLOCKS_SHADER, [SCAN_LOCAL, 1, 1], 7);
    const scanSums = computePipeline(vk, device, SCAN_SUMS_SHADER, [1, 1, 1], 3);
    const scanAdd = computePipeline(vk, device, SCAN_ADD_SHADER, [SCAN_LOCAL, 1, 1], 5);
    const sgemm = computePipeline(vk, device, SGEMM_SHADER, [SGEMM_TILE, SGEMM_TILE, 1], 7);

    const pool = must(vk, 'vkCreateCommandPool', vk.vkCreateCommandPool(device, { queueFamily: 1 }));
    const cb: VkCommandBuffer | undefined = must(vk, 'vkAllocateCommandBuffers', vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }))[0];
    if (cb === undefined) throw new Error('vkAllocateCommandBuffers returned no command buffer');
    const fence = must(vk, 'vkCreateFence', vk.vkCreateFence(device));

    const stagingWords = new Uint32Array(staging.view.buffer, staging.view.byteOffset, n);
    const stagingA = new Float32Array(staging.view.buffer, staging.view.byteOffset + offA, d * d);
    const stagingB = new Float32Array(staging.view.buffer, staging.view.byteOffset + offB, d * d);
    const unit = () => Math.fround((ctx.rng.nextU32() / 0x1_0000_0000) * 2 - 1);

    for (let iter = 0; iter < ctx.options.frames; iter++) {
      const input = Uint32Array.from({ length: n }, () => ctx.rng.nextU32());
      const a = Float32Array.from({ length: d * d }, unit);
      const b = Float32Array.from({ length: d * d }, unit);
      stagingWords.set(input);
      stagingA.set(a);
      stagingB.set(b);

      must(vk, 'vkBeginCommandBuffer', vk.vkBeginCommandBuffer(cb));
      vk.vkCmdCopyBuffer(cb, staging.buffer, scanIn.buffer, [{ srcOffsetBytes: 0, dstOffsetBytes: 0, sizeBytes: scanBytes }]);
      vk.vkCmdCopyBuffer(cb, staging.buffer, matA.buffer, [{ srcOffsetBytes: offA, dstOffsetBytes: 0, sizeBytes: matBytes }]);
      vk.vkCmdCopyBuffer(cb, staging.buffer, matB.buffer, [{ srcOffsetBytes: offB, dstOffsetBytes: 0, sizeBytes: matBytes }]);
      vk.vkCmdPipelineBarrier2(cb);
      vk.vkCmdBindPipeline(cb, 'COMPUTE', scanBlocks);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(scanIn.va), ...addressWords(scanOut.va), ...addressWords(sums.va), n]));
      vk.vkCmdDispatch(cb, Math.ceil(blocks / SCAN_LOCAL));
      vk.vkCmdBindPipeline(cb, 'COMPUTE', sgemm);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(matA.va), ...addressWords(matB.va), ...addressWords(matC.va), d]));
      vk.vkCmdDispatch(cb, Math.ceil(d / SGEMM_TILE), Math.ceil(d / SGEMM_TILE));
      vk.vkCmdPipelineBarrier2(cb);
      vk.vkCmdBindPipeline(cb, 'COMPUTE', scanSums);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(sums.va), blocks]));
      vk.vkCmdDispatch(cb, 1);
      vk.vkCmdPipelineBarrier2(cb);
      vk.vkCmdBindPipeline(cb, 'COMPUTE', scanAdd);
      vk.vkCmdPushConstants(cb, 0, pushWords([...addressWords(scanOut.va), ...addressWords(sums.va), n]));
      vk.vkCmdDispatch(cb, Math.ceil(n / SCAN_LOCAL));
      vk.vkCmdPipelineBarrier2(cb);
      vk.vkCmdCopyBuffer(cb, scanOut.buffer, readback.buffer, [{ srcOffsetBytes: 0, dstOffsetBytes: 0, sizeBytes: scanBytes }]);
      vk.vkCmdCopyBuffer(cb, matC.buffer, readback.buffer, [{ srcOffsetBytes: 0, dstOffsetBytes: offA, sizeBytes: matBytes }]);
      vk.vkCmdPipelineBarrier2(cb, [{ dstAccessMask: VK_ACCESS_2_HOST_READ_BIT }]);
      must(vk, 'vkEndCommandBuffer', vk.vkEndCommandBuffer(cb));
      must(vk, 'vkResetFences', vk.vkResetFences(device, [fence]));
      must(vk, 'vkQueueSubmit2', vk.vkQueueSubmit2(queue, [{ commandBuffers: [cb] }], fence));
      must(vk, 'vkWaitForFences', vk.vkWaitForFences(device, [fence], true, WAIT_TIMEOUT_NS));

      const gotScan = new Uint32Array(readback.view.slice(0, scanBytes).buffer);
      const gotC = new Uint32Array(readback.view.slice(offA, offA + matBytes).buffer);
      const scanDiff = wordMismatch(gotScan, prefixSumReference(input));
      const sgemmDiff = wordMismatch(gotC, new Uint32Array(sgemmReference(a, b, d).buffer));
      ctx.check(`scan[${iter}]`, scanDiff === undefined, scanDiff ?? `${n} elements match the CPU prefix sum`);
      ctx.check(`sgemm[${iter}]`, sgemmDiff === undefined, sgemmDiff ?? `${d}×${d} matrix matches the CPU reference bit for bit`);
    }
    must(vk, 'vkDeviceWaitIdle', vk.vkDeviceWaitIdle(device));
  },
};
