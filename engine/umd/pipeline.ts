/**
 * Shader modules and pipelines. A shader module holds ISA code (assembled from text,
 * with line-numbered errors, or given as a binary). A pipeline uploads its shaders
 * into read-only, executable GPU memory at creation and keeps the fixed-function
 * state the draw / dispatch descriptors need.
 */
import type { GpuAllocation } from './device';
import type { VkBlend, VkCompareOp, VkCullMode, VkFrontFace, VkVertexInputAttribute, VkVertexInputBinding } from './vk-types';

export class ShaderModule {
  constructor(readonly code: Uint8Array) {}
}

export interface ComputePipeline {
  readonly kind: 'compute';
  readonly code: GpuAllocation;
  readonly shaderVa: number;
  readonly localSize: readonly [number, number, number];
  readonly pushConstantSizeBytes: number;
}

export interface GraphicsPipeline {
  readonly kind: 'graphics';
  readonly code: GpuAllocation;
  readonly vertexShaderVa: number;
  readonly fragmentShaderVa: number;
  readonly vertexBindings: readonly VkVertexInputBinding[];
  readonly vertexAttributes: readonly VkVertexInputAttribute[];
  readonly varyingCount: number;
  readonly cullMode: VkCullMode;
  readonly frontFace: VkFrontFace;
  readonly depthTest: boolean;
  readonly depthWrite: boolean;
  readonly depthCompareOp: VkCompareOp;
  readonly blend: VkBlend;
  readonly pushConstantSizeBytes: number;
}

export type Pipeline = (ComputePipeline | GraphicsPipeline) & { destroyed?: boolean };
