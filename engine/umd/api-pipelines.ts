/**
 * Shader module and pipeline entry points.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import { assembleShader } from '../hw/shader-isa';
import { MAX_PUSH_CONSTANT_BYTES } from './command-buffer';
import type * as H from './handles';
import { ShaderModule } from './pipeline';
import { fail, ok, VK_ERROR_INVALID_SHADER_NV, VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import type { DeviceCore, GpuAllocation } from './device';
import type { UmdState } from './state';

export function pipelineApi(st: UmdState) {
  const { shaders, pipelines, bad, invalid, dev } = st;
  return {
    vkCreateShaderModule(device: H.VkDevice, info: T.VkShaderModuleCreateInfo): Created<H.VkShaderModule> {
      if (!dev(device)) return invalid('vkCreateShaderModule', 'unknown device');
      if (typeof info.code !== 'string') {
        if (info.code.length === 0 || info.code.length % 8 !== 0) return fail(VK_ERROR_INVALID_SHADER_NV, 'vkCreateShaderModule: binary size must be a non-zero multiple of 8 bytes');
        return ok(shaders.add(new ShaderModule(info.code.slice())));
      }
      try {
        return ok(shaders.add(new ShaderModule(assembleShader(info.code))));
      } catch (e) {
        // The assembler reports bad source with RangeError("shader asm line N: …").
        return fail(VK_ERROR_INVALID_SHADER_NV, `vkCreateShaderModule: ${(e as Error).message}`);
      }
    },

    vkDestroyShaderModule(device: H.VkDevice, module: H.VkShaderModule): VkResult {
      return dev(device) && shaders.remove(module) ? VK_SUCCESS : bad('vkDestroyShaderModule', 'unknown shader module');
    },

    vkCreateComputePipelines(device: H.VkDevice, infos: readonly T.VkComputePipelineCreateInfo[]): Created<H.VkPipeline[]> {
      const d = dev(device);
      if (!d) return invalid('vkCreateComputePipelines', 'unknown device');
      const out: H.VkPipeline[] = [];
      for (const info of infos) {
        const s = shaders.get(info.shader);
        if (!s) return invalid('vkCreateComputePipelines', 'unknown shader module');
        const [x, y, z] = info.localSize;
        if (![x, y, z].every((n) => Number.isInteger(n) && n >= 1) || x * y * z > 1024) return invalid('vkCreateComputePipelines', `localSize ${info.localSize.join('×')} invalid (1..1024 invocations)`);
        const push = info.pushConstantSizeBytes ?? 0;
        if (push % 4 !== 0 || push > MAX_PUSH_CONSTANT_BYTES) return invalid('vkCreateComputePipelines', `pushConstantSizeBytes ${push}`);
        const code = uploadCode(d.core, [s.code]);
        if (typeof code === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkCreateComputePipelines: errno ${code}`);
        out.push(pipelines.add({ kind: 'compute', code: code.alloc, shaderVa: code.vas[0]!, localSize: [x, y, z], pushConstantSizeBytes: push }));
      }
      return ok(out);
    },

    vkCreateGraphicsPipelines(device: H.VkDevice, infos: readonly T.VkGraphicsPipelineCreateInfo[]): Created<H.VkPipeline[]> {
      const d = dev(device);
      if (!d) return invalid('vkCreateGraphicsPipelines', 'unknown device');
      const out: H.VkPipeline[] = [];
      for (const info of infos) {
        const vs = shaders.get(info.vertexShader);
        const fs = shaders.get(info.fragmentShader);
        if (!vs || !fs) return invalid('vkCreateGraphicsPipelines', 'unknown shader module');
        if (info.varyingCount < 0 || info.varyingCount > 8) return invalid('vkCreateGraphicsPipelines', `varyingCount ${info.varyingCount} outside 0..8`);
        if (info.vertexBindings.length > 4 || info.vertexAttributes.length > 8) return invalid('vkCreateGraphicsPipelines', 'at most 4 vertex bindings and 8 attributes');
        for (const a of info.vertexAttributes) {
          if (a.location < 0 || a.location > 7 || !info.vertexBindings.some((b) => b.binding === a.binding)) return invalid('vkCreateGraphicsPipelines', `attribute ${a.location} refers to no binding`);
        }
        const push = info.pushConstantSizeBytes ?? 0;
        if (push % 4 !== 0 || push > MAX_PUSH_CONSTANT_BYTES) return invalid('vkCreateGraphicsPipelines', `pushConstantSizeBytes ${push}`);
        const code = uploadCode(d.core, [vs.code, fs.code]);
        if (typeof code === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkCreateGraphicsPipelines: errno ${code}`);
        out.push(pipelines.add({
          kind: 'graphics', code: code.alloc, vertexShaderVa: code.vas[0]!, fragmentShaderVa: code.vas[1]!,
          vertexBindings: info.vertexBindings, vertexAttributes: info.vertexAttributes, varyingCount: info.varyingCount,
          cullMode: info.cullMode ?? 'NONE', frontFace: info.frontFace ?? 'COUNTER_CLOCKWISE', depthTest: info.depthTest ?? false,
          depthWrite: info.depthWrite ?? false, depthCompareOp: info.depthCompareOp ?? 'LESS', blend: info.blend ?? 'NONE', pushConstantSizeBytes: push,
        }));
      }
      return ok(out);
    },

    vkDestroyPipeline(device: H.VkDevice, pipeline: H.VkPipeline): VkResult {
      const p = pipelines.remove(pipeline);
      const d = dev(device);
      if (!d || !p) return bad('vkDestroyPipeline', 'unknown pipeline');
      p.destroyed = true;
      d.core.release(p.code);
      return VK_SUCCESS;
    },
  };
}

/** Upload shader binaries into one read-only executable BO, 256-byte aligned each. */
function uploadCode(core: DeviceCore, codes: readonly Uint8Array[]): { alloc: GpuAllocation; vas: number[] } | number {
  const offsets: number[] = [];
  let size = 0;
  for (const c of codes) {
    offsets.push(size);
    size = Math.ceil((size + c.length) / 256) * 256;
  }
  const alloc = core.allocate(size, { mappable: true, readOnly: true });
  if (typeof alloc === 'number') return alloc;
  codes.forEach((c, i) => core.upload(alloc, offsets[i]!, c));
  return { alloc, vas: offsets.map((o) => alloc.va + o) };
}
