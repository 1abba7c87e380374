/**
 * DISPATCH and DRAW as engine work: decode the descriptor through the job's memory,
 * run it on the shader cores / rasteriser, and turn what was done into virtual
 * time with the cost model. Shader instructions are spread over the shader cores;
 * fixed-function raster work costs per pixel.
 */
import { runDispatch } from './compute-unit';
import type { CostModel } from './cost-model';
import type { WorkResult } from './engine-queue';
import type { GpuMemoryPort } from './gpu-port';
import { decodeDispatchDesc, decodeDrawDesc } from './job-descriptors';
import { runDraw } from './rasteriser';
import type { ShaderRunOptions } from './shader-core';

export function dispatchWork(port: GpuMemoryPort, cost: CostModel, descVa: number, options: ShaderRunOptions = {}): WorkResult {
  const r = runDispatch(port, decodeDispatchDesc(port, descVa), options);
  const busyNs = cost.computeSetupNs + (r.instructions * cost.shaderInstructionNs) / cost.shaderCores;
  return { work: r.instructions, busyNs, hung: r.hung };
}

export function drawWork(port: GpuMemoryPort, cost: CostModel, descVa: number, options: ShaderRunOptions = {}): WorkResult {
  const r = runDraw(port, decodeDrawDesc(port, descVa), options);
  const shaderNs = ((r.vertexInstructions + r.fragmentInstructions) * cost.shaderInstructionNs) / cost.shaderCores;
  const busyNs = cost.drawSetupNs + shaderNs + r.pixelsShaded * cost.rasterPixelNs;
  return { work: r.pixelsWritten, busyNs, hung: r.hung };
}
