/**
 * Compute: bind a compute pipeline, push constants, dispatch. Each dispatch gets
 * its own descriptor and its own copy of the push constants in the command buffer's
 * data area, so later vkCmdPushConstants calls do not change earlier dispatches.
 */
import { encodeDispatchDesc } from '../hw/job-descriptors';
import type { CommandBuffer } from './command-buffer';
import { VK_ERROR_VALIDATION_FAILED_EXT } from './vk-result';

const MAX_GROUPS = 65535;

export function cmdDispatch(cb: CommandBuffer, x: number, y: number, z: number): void {
  const p = cb.computePipeline;
  if (!p || p.kind !== 'compute') return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdDispatch: no compute pipeline bound');
  for (const n of [x, y, z]) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_GROUPS) return cb.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdDispatch: group count ${n} out of range`);
  }
  if (x * y * z === 0) return;
  const pushSize = p.pushConstantSizeBytes;
  const pushOffset = pushSize ? cb.pushData(cb.pushConstants.slice(0, pushSize), 16) : 0;
  const descOffset = cb.pushDeferred(48, 64, (dataVa) =>
    encodeDispatchDesc({
      shaderVa: p.shaderVa, pushConstantsVa: pushSize ? dataVa + pushOffset : 0, pushConstantsSizeBytes: pushSize,
      localSizeX: p.localSize[0], localSizeY: p.localSize[1], localSizeZ: p.localSize[2],
      groupCountX: x, groupCountY: y, groupCountZ: z,
    }),
  );
  cb.emitDataAddress(0, descOffset);
  cb.emit('DISPATCH', { desc: 0 });
  cb.workItems++;
}
