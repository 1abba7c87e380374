/**
 * The UMD's API: `createVulkan(backend, config)` returns the dispatch table `Vk`,
 * whose entry points keep Vulkan's names. The table is a plain object of functions so
 * a layer (the recorder's API tap) can wrap every entry point, as a Vulkan layer does.
 *
 * Mapping onto the kernel (see each module's header for details):
 *   VkDevice → one GPU VM; VkQueue → one scheduling group; VkDeviceMemory → one BO;
 *   VkFence / VkSemaphore → syncobjs; vkQueueSubmit2 → GROUP_SUBMIT; waits → SYNCOBJ
 *   (TIMELINE_)WAIT with absolute deadlines on the virtual clock.
 * Queue families: 0 = graphics + compute + transfer, 1 = compute + transfer; two
 * queues each. Memory types: 0 device-local, 1 host-visible + coherent.
 *
 * Every entry point validates its handles and arguments and answers with a VkResult;
 * none throws for bad input. The object state lives in `UmdState` tables.
 */
import { assembleShader } from '../hw/shader-isa';
import * as U from '../kmd/uapi';
import { cmdPipelineBarrier2 } from './cmd-barrier';
import { cmdCopyBuffer, cmdCopyBufferToImage, cmdCopyImageToBuffer, cmdFillBuffer } from './cmd-copy';
import { cmdDispatch } from './cmd-dispatch';
import { cmdBeginRendering, cmdDraw, cmdEndRendering } from './cmd-draw';
import { CommandBuffer, MAX_PUSH_CONSTANT_BYTES } from './command-buffer';
import { DeviceCore, type UmdConfig } from './device';
import { HandleTable } from './handles';
import type * as H from './handles';
import type { KmdBackend } from './kmd-backend';
import { exportMemoryFd, exportSyncobjFd, importMemoryFd, importSyncobjFd } from './external';
import { DeviceMemory, HOST_VISIBLE_TYPE, MEMORY_TYPES } from './memory';
import { ShaderModule, type Pipeline } from './pipeline';
import { Queue, type SyncPoint } from './queue';
import { Buffer, BUFFER_ALIGNMENT_BYTES, Image, IMAGE_ALIGNMENT_BYTES } from './resources';
import { Fence, Semaphore } from './sync';
import { Swapchain, type FrameSink } from './swapchain';
import {
  fail, ok, VK_ERROR_DEVICE_LOST, VK_ERROR_FORMAT_NOT_SUPPORTED, VK_ERROR_INITIALIZATION_FAILED, VK_ERROR_INVALID_EXTERNAL_HANDLE, VK_ERROR_INVALID_SHADER_NV,
  VK_ERROR_OUT_OF_HOST_MEMORY,
  VK_ERROR_MEMORY_MAP_FAILED, VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_VALIDATION_FAILED_EXT, VK_NOT_READY, VK_SUCCESS, VK_TIMEOUT,
  type Created, type VkResult,
} from './vk-result';
import * as T from './vk-types';

export const QUEUE_FAMILIES: readonly T.VkQueueFamilyProperties[] = [
  { queueFlags: T.VK_QUEUE_GRAPHICS_BIT | T.VK_QUEUE_COMPUTE_BIT | T.VK_QUEUE_TRANSFER_BIT, queueCount: 2 },
  { queueFlags: T.VK_QUEUE_COMPUTE_BIT | T.VK_QUEUE_TRANSFER_BIT, queueCount: 2 },
];

const ETIME = 62;

interface DeviceState {
  readonly core: DeviceCore;
  readonly queues: Map<string, { handle: H.VkQueue; queue: Queue }>;
  lost: boolean;
}

export interface VulkanOptions extends UmdConfig {
  /** Receives every presented frame. */
  readonly frameSink?: FrameSink;
}

export function createVulkan(backend: KmdBackend, options: VulkanOptions) {
  const instances = new HandleTable<H.VkInstance, { physical: H.VkPhysicalDevice }>('VkInstance');
  const physicals = new HandleTable<H.VkPhysicalDevice, T.VkPhysicalDeviceProperties>('VkPhysicalDevice');
  const devices = new HandleTable<H.VkDevice, DeviceState>('VkDevice');
  const queues = new HandleTable<H.VkQueue, { device: DeviceState; queue: Queue }>('VkQueue');
  const memories = new HandleTable<H.VkDeviceMemory, DeviceMemory>('VkDeviceMemory');
  const buffers = new HandleTable<H.VkBuffer, Buffer>('VkBuffer');
  const images = new HandleTable<H.VkImage, Image>('VkImage');
  const shaders = new HandleTable<H.VkShaderModule, ShaderModule>('VkShaderModule');
  const pipelines = new HandleTable<H.VkPipeline, Pipeline>('VkPipeline');
  const pools = new HandleTable<H.VkCommandPool, { family: number; buffers: Set<H.VkCommandBuffer> }>('VkCommandPool');
  const cmdBuffers = new HandleTable<H.VkCommandBuffer, CommandBuffer>('VkCommandBuffer');
  const semaphores = new HandleTable<H.VkSemaphore, Semaphore>('VkSemaphore');
  const fences = new HandleTable<H.VkFence, Fence>('VkFence');
  const swapchains = new HandleTable<H.VkSwapchainKHR, Swapchain>('VkSwapchainKHR');
  let core: DeviceCore | undefined;

  const bad = (fn: string, what: string): VkResult => {
    lastError = `${fn}: ${what}`;
    return VK_ERROR_VALIDATION_FAILED_EXT;
  };
  let lastError = '';
  const invalid = <X>(fn: string, what: string): Created<X> => fail(VK_ERROR_VALIDATION_FAILED_EXT, `${fn}: ${what}`);
  const dev = (device: H.VkDevice): DeviceState | undefined => devices.get(device);
  const cmd = (cb: H.VkCommandBuffer, fn: string): CommandBuffer | undefined => {
    const c = cmdBuffers.get(cb);
    if (c && !c.recording(fn)) return undefined;
    return c;
  };
  const waitResult = (errno: number): VkResult => (errno === 0 ? VK_SUCCESS : errno === ETIME ? VK_TIMEOUT : VK_ERROR_DEVICE_LOST);

  const vk = {
    /** Last validation message (for apps and tests printing why a call failed). */
    vkGetLastErrorMessage(): string {
      return lastError;
    },

    vkCreateInstance(info: { readonly applicationName?: string } = {}): Created<H.VkInstance> {
      void info;
      const core0 = core ?? DeviceCore.create(backend, options);
      if (typeof core0 === 'number') return fail(VK_ERROR_INITIALIZATION_FAILED, `vkCreateInstance: VM_CREATE failed (errno ${core0})`);
      core = core0;
      const query = (type: number, struct: { sizeBytes: number }) => {
        const ptr = core!.drm.scratch(new Uint8Array(struct.sizeBytes));
        const r = core!.drm.call(U.DRM_IOCTL_PANTHOR_DEV_QUERY, { type, size: struct.sizeBytes, pointer: ptr });
        return r.errno ? undefined : backend.memory.read(ptr, struct.sizeBytes);
      };
      const gpu = query(U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, U.drm_panthor_gpu_info);
      if (!gpu) return fail(VK_ERROR_INITIALIZATION_FAILED, 'vkCreateInstance: DEV_QUERY failed');
      const info0 = U.drm_panthor_gpu_info.decode(gpu);
      let cores = 0;
      for (let m = info0.shader_present; m > 0; m = Math.floor(m / 2)) cores += m % 2;
      const physical = physicals.add({
        deviceName: `Tracefold Mali-like GPU (id 0x${info0.gpu_id.toString(16)})`, driverVersion: 'tracefold-umd 0.1',
        gpuId: info0.gpu_id, shaderCoreCount: cores, maxComputeWorkGroupInvocations: info0.thread_max_workgroup_size,
        maxPushConstantsSizeBytes: MAX_PUSH_CONSTANT_BYTES, queueFamilies: QUEUE_FAMILIES, memoryTypes: MEMORY_TYPES,
      });
      return ok(instances.add({ physical }));
    },

    vkDestroyInstance(instance: H.VkInstance): VkResult {
      return instances.remove(instance) ? VK_SUCCESS : bad('vkDestroyInstance', 'unknown instance');
    },

    vkEnumeratePhysicalDevices(instance: H.VkInstance): Created<H.VkPhysicalDevice[]> {
      const i = instances.get(instance);
      return i ? ok([i.physical]) : invalid('vkEnumeratePhysicalDevices', 'unknown instance');
    },

    vkGetPhysicalDeviceProperties(physical: H.VkPhysicalDevice): Created<T.VkPhysicalDeviceProperties> {
      const p = physicals.get(physical);
      return p ? ok(p) : invalid('vkGetPhysicalDeviceProperties', 'unknown physical device');
    },

    vkCreateDevice(physical: H.VkPhysicalDevice, info: T.VkDeviceCreateInfo): Created<H.VkDevice> {
      if (!physicals.get(physical) || !core) return invalid('vkCreateDevice', 'unknown physical device');
      const state: DeviceState = { core, queues: new Map(), lost: false };
      for (const q of info.queues) {
        const fam = QUEUE_FAMILIES[q.family];
        if (!fam || q.count < 1 || q.count > fam.queueCount) return invalid('vkCreateDevice', `bad queue family ${q.family} × ${q.count}`);
        for (let index = 0; index < q.count; index++) {
          const queues0 = core.drm.array(U.drm_panthor_queue_create, [{ priority: 8, ringbuf_size: 64 * 1024 }]);
          const g = core.drm.call(U.DRM_IOCTL_PANTHOR_GROUP_CREATE, {
            queues: queues0, max_compute_cores: 1, max_fragment_cores: 1, max_tiler_cores: 1,
            priority: q.priority !== undefined && q.priority > 0.5 ? U.PANTHOR_GROUP_PRIORITY_MEDIUM : U.PANTHOR_GROUP_PRIORITY_LOW,
            compute_core_mask: 0xf, fragment_core_mask: 0xf, tiler_core_mask: 1, vm_id: core.vmId,
          });
          const progress = core.syncobjCreate();
          if (g.errno || progress === undefined) return fail(VK_ERROR_INITIALIZATION_FAILED, `vkCreateDevice: GROUP_CREATE failed (errno ${g.errno})`);
          const queue = new Queue(core, q.family, index, g.out.group_handle, progress);
          const handle = queues.add({ device: state, queue });
          state.queues.set(`${q.family}:${index}`, { handle, queue });
        }
      }
      return ok(devices.add(state));
    },

    vkGetDeviceQueue(device: H.VkDevice, family: number, index: number): Created<H.VkQueue> {
      const q = dev(device)?.queues.get(`${family}:${index}`);
      return q ? ok(q.handle) : invalid('vkGetDeviceQueue', `no queue ${family}:${index}`);
    },

    vkDeviceWaitIdle(device: H.VkDevice): VkResult {
      const d = dev(device);
      if (!d) return bad('vkDeviceWaitIdle', 'unknown device');
      const points = [...d.queues.values()].filter((q) => q.queue.lastPoint > 0).map((q) => ({ handle: q.queue.progress, point: q.queue.lastPoint }));
      return points.length ? waitResult(d.core.waitSyncobjs(points, true, Number.MAX_SAFE_INTEGER)) : VK_SUCCESS;
    },

    vkDestroyDevice(device: H.VkDevice): VkResult {
      const d = devices.remove(device);
      if (!d) return bad('vkDestroyDevice', 'unknown device');
      for (const { queue } of d.queues.values()) d.core.drm.call(U.DRM_IOCTL_PANTHOR_GROUP_DESTROY, { group_handle: queue.group });
      return VK_SUCCESS;
    },

    // ---- memory ----

    vkAllocateMemory(device: H.VkDevice, info: T.VkMemoryAllocateInfo): Created<H.VkDeviceMemory> {
      const d = dev(device);
      if (!d) return invalid('vkAllocateMemory', 'unknown device');
      if (!MEMORY_TYPES[info.memoryTypeIndex]) return invalid('vkAllocateMemory', `no memory type ${info.memoryTypeIndex}`);
      if (!Number.isInteger(info.sizeBytes) || info.sizeBytes <= 0) return invalid('vkAllocateMemory', `sizeBytes ${info.sizeBytes} must be a positive integer`);
      if (info.importFd !== undefined) {
        const owned = (bo: number): boolean => memories.values().some((m) => m.device === d.core && m.alloc.bo === bo);
        const imported = importMemoryFd(d.core, info.importFd, info.sizeBytes, info.memoryTypeIndex === HOST_VISIBLE_TYPE, owned);
        if (typeof imported === 'number') return fail(VK_ERROR_INVALID_EXTERNAL_HANDLE, `vkAllocateMemory: importing fd ${info.importFd} failed (errno ${imported})`);
        return ok(memories.add(new DeviceMemory(d.core, imported, info.memoryTypeIndex)));
      }
      const a = d.core.allocate(info.sizeBytes, { mappable: info.memoryTypeIndex === HOST_VISIBLE_TYPE });
      if (typeof a === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkAllocateMemory: ${info.sizeBytes} bytes (errno ${a})`);
      return ok(memories.add(new DeviceMemory(d.core, a, info.memoryTypeIndex)));
    },

    vkFreeMemory(device: H.VkDevice, memory: H.VkDeviceMemory): VkResult {
      const m = memories.get(memory);
      if (!dev(device) || !m) return bad('vkFreeMemory', 'unknown device or memory');
      if (m.mapping) m.device.tracker.unmap(m.mapping);
      memories.remove(memory);
      m.device.release(m.alloc);
      return VK_SUCCESS;
    },

    /** Maps the whole allocation; the view is valid until vkUnmapMemory. */
    vkMapMemory(device: H.VkDevice, memory: H.VkDeviceMemory): Created<Uint8Array> {
      const m = memories.get(memory);
      if (!dev(device) || !m) return invalid('vkMapMemory', 'unknown device or memory');
      if (!m.hostVisible) return fail(VK_ERROR_MEMORY_MAP_FAILED, 'vkMapMemory: memory type is not HOST_VISIBLE');
      if (m.mapping) return invalid('vkMapMemory', 'memory is already mapped');
      const mapping = m.device.tracker.map(m.alloc.bo, m.alloc.cpu, m.sizeBytes);
      if (!mapping) return fail(VK_ERROR_MEMORY_MAP_FAILED, 'vkMapMemory: mapping unreadable');
      m.mapping = mapping;
      return ok(mapping.view);
    },

    vkUnmapMemory(device: H.VkDevice, memory: H.VkDeviceMemory): VkResult {
      const m = memories.get(memory);
      if (!dev(device) || !m?.mapping) return bad('vkUnmapMemory', 'memory is not mapped');
      m.device.tracker.unmap(m.mapping);
      m.mapping = undefined;
      return VK_SUCCESS;
    },

    vkFlushMappedMemoryRanges(device: H.VkDevice, ranges: readonly T.VkMappedMemoryRange[]): VkResult {
      for (const r of ranges) {
        const m = memories.get(r.memory);
        if (!dev(device) || !m?.mapping) return bad('vkFlushMappedMemoryRanges', 'memory is not mapped');
        const size = r.sizeBytes < 0 ? m.sizeBytes - r.offsetBytes : r.sizeBytes;
        if (r.offsetBytes < 0 || r.offsetBytes + size > m.sizeBytes) return bad('vkFlushMappedMemoryRanges', 'range outside the allocation');
        m.device.tracker.flush(m.mapping, r.offsetBytes, size);
      }
      return VK_SUCCESS;
    },

    vkInvalidateMappedMemoryRanges(device: H.VkDevice, ranges: readonly T.VkMappedMemoryRange[]): VkResult {
      for (const r of ranges) {
        const m = memories.get(r.memory);
        if (!dev(device) || !m?.mapping) return bad('vkInvalidateMappedMemoryRanges', 'memory is not mapped');
        const size = r.sizeBytes < 0 ? m.sizeBytes - r.offsetBytes : r.sizeBytes;
        if (r.offsetBytes < 0 || r.offsetBytes + size > m.sizeBytes) return bad('vkInvalidateMappedMemoryRanges', 'range outside the allocation');
        m.device.tracker.refreshRange(m.mapping, r.offsetBytes, size);
      }
      return VK_SUCCESS;
    },

    // ---- buffers and images ----

    vkCreateBuffer(device: H.VkDevice, info: T.VkBufferCreateInfo): Created<H.VkBuffer> {
      if (!dev(device)) return invalid('vkCreateBuffer', 'unknown device');
      if (!Number.isInteger(info.sizeBytes) || info.sizeBytes <= 0) return invalid('vkCreateBuffer', 'sizeBytes must be > 0');
      return ok(buffers.add(new Buffer(info.sizeBytes, info.usage)));
    },

    vkGetBufferMemoryRequirements(device: H.VkDevice, buffer: H.VkBuffer): Created<T.VkMemoryRequirements> {
      const b = buffers.get(buffer);
      if (!dev(device) || !b) return invalid('vkGetBufferMemoryRequirements', 'unknown buffer');
      return ok({ sizeBytes: Math.ceil(b.sizeBytes / BUFFER_ALIGNMENT_BYTES) * BUFFER_ALIGNMENT_BYTES, alignmentBytes: BUFFER_ALIGNMENT_BYTES, memoryTypeBits: 0b11 });
    },

    vkBindBufferMemory(device: H.VkDevice, buffer: H.VkBuffer, memory: H.VkDeviceMemory, offsetBytes: number): VkResult {
      const b = buffers.get(buffer);
      const m = memories.get(memory);
      if (!dev(device) || !b || !m) return bad('vkBindBufferMemory', 'unknown buffer or memory');
      if (b.memory) return bad('vkBindBufferMemory', 'buffer already bound');
      if (offsetBytes % BUFFER_ALIGNMENT_BYTES !== 0 || offsetBytes + b.sizeBytes > m.sizeBytes) return bad('vkBindBufferMemory', 'offset misaligned or buffer does not fit');
      b.memory = m;
      b.offsetBytes = offsetBytes;
      return VK_SUCCESS;
    },

    vkGetBufferDeviceAddress(device: H.VkDevice, buffer: H.VkBuffer): Created<number> {
      const b = buffers.get(buffer);
      if (!dev(device) || !b?.memory) return invalid('vkGetBufferDeviceAddress', 'unknown or unbound buffer');
      return ok(b.va);
    },

    vkDestroyBuffer(device: H.VkDevice, buffer: H.VkBuffer): VkResult {
      const b = buffers.remove(buffer);
      if (!dev(device) || !b) return bad('vkDestroyBuffer', 'unknown buffer');
      b.destroyed = true;
      return VK_SUCCESS;
    },

    vkCreateImage(device: H.VkDevice, info: T.VkImageCreateInfo): Created<H.VkImage> {
      if (!dev(device)) return invalid('vkCreateImage', 'unknown device');
      if (info.format !== 'R8G8B8A8_UNORM' && info.format !== 'D32_SFLOAT') return fail(VK_ERROR_FORMAT_NOT_SUPPORTED, `vkCreateImage: format ${String(info.format)}`);
      if (!Number.isInteger(info.width) || !Number.isInteger(info.height) || info.width < 1 || info.height < 1 || info.width > 4096 || info.height > 4096) {
        return invalid('vkCreateImage', `size ${info.width}×${info.height} outside 1..4096`);
      }
      return ok(images.add(new Image(info.format, info.width, info.height, info.usage)));
    },

    vkGetImageMemoryRequirements(device: H.VkDevice, image: H.VkImage): Created<T.VkMemoryRequirements> {
      const i = images.get(image);
      if (!dev(device) || !i) return invalid('vkGetImageMemoryRequirements', 'unknown image');
      return ok({ sizeBytes: Math.ceil(i.sizeBytes / IMAGE_ALIGNMENT_BYTES) * IMAGE_ALIGNMENT_BYTES, alignmentBytes: IMAGE_ALIGNMENT_BYTES, memoryTypeBits: 0b11 });
    },

    vkBindImageMemory(device: H.VkDevice, image: H.VkImage, memory: H.VkDeviceMemory, offsetBytes: number): VkResult {
      const i = images.get(image);
      const m = memories.get(memory);
      if (!dev(device) || !i || !m) return bad('vkBindImageMemory', 'unknown image or memory');
      if (i.memory) return bad('vkBindImageMemory', 'image already bound');
      if (offsetBytes % IMAGE_ALIGNMENT_BYTES !== 0 || offsetBytes + i.sizeBytes > m.sizeBytes) return bad('vkBindImageMemory', 'offset misaligned or image does not fit');
      i.memory = m;
      i.offsetBytes = offsetBytes;
      return VK_SUCCESS;
    },

    vkDestroyImage(device: H.VkDevice, image: H.VkImage): VkResult {
      const i = images.remove(image);
      if (!dev(device) || !i) return bad('vkDestroyImage', 'unknown image');
      i.destroyed = true;
      return VK_SUCCESS;
    },

    // ---- shaders and pipelines ----

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

    // ---- command pools and buffers ----

    vkCreateCommandPool(device: H.VkDevice, info: T.VkCommandPoolCreateInfo): Created<H.VkCommandPool> {
      if (!dev(device)) return invalid('vkCreateCommandPool', 'unknown device');
      if (!QUEUE_FAMILIES[info.queueFamily]) return invalid('vkCreateCommandPool', `no queue family ${info.queueFamily}`);
      return ok(pools.add({ family: info.queueFamily, buffers: new Set() }));
    },

    vkDestroyCommandPool(device: H.VkDevice, pool: H.VkCommandPool): VkResult {
      const p = pools.remove(pool);
      if (!dev(device) || !p) return bad('vkDestroyCommandPool', 'unknown pool');
      for (const cb of p.buffers) cmdBuffers.remove(cb)?.destroy();
      return VK_SUCCESS;
    },

    vkAllocateCommandBuffers(device: H.VkDevice, info: T.VkCommandBufferAllocateInfo): Created<H.VkCommandBuffer[]> {
      const d = dev(device);
      const p = pools.get(info.commandPool);
      if (!d || !p) return invalid('vkAllocateCommandBuffers', 'unknown device or pool');
      const out = Array.from({ length: info.count }, () => cmdBuffers.add(new CommandBuffer(d.core, p.family)));
      out.forEach((cb) => p.buffers.add(cb));
      return ok(out);
    },

    vkFreeCommandBuffers(device: H.VkDevice, pool: H.VkCommandPool, buffers0: readonly H.VkCommandBuffer[]): VkResult {
      const p = pools.get(pool);
      if (!dev(device) || !p) return bad('vkFreeCommandBuffers', 'unknown device or pool');
      if (buffers0.some((cb) => !p.buffers.has(cb))) return bad('vkFreeCommandBuffers', 'command buffer not from this pool');
      for (const cb of buffers0) {
        p.buffers.delete(cb);
        cmdBuffers.remove(cb)?.destroy();
      }
      return VK_SUCCESS;
    },

    vkBeginCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkBeginCommandBuffer', 'unknown command buffer');
      c.begin();
      return VK_SUCCESS;
    },

    /** Returns the first error recorded since vkBeginCommandBuffer (sticky), or the upload's result. */
    vkEndCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkEndCommandBuffer', 'unknown command buffer');
      const r = c.end();
      if (r !== VK_SUCCESS && c.errorMessage) lastError = c.errorMessage;
      return r;
    },

    vkResetCommandBuffer(commandBuffer: H.VkCommandBuffer): VkResult {
      const c = cmdBuffers.get(commandBuffer);
      if (!c) return bad('vkResetCommandBuffer', 'unknown command buffer');
      c.state = 'initial';
      return VK_SUCCESS;
    },

    vkCmdCopyBuffer(commandBuffer: H.VkCommandBuffer, src: H.VkBuffer, dst: H.VkBuffer, regions: readonly T.VkBufferCopy[]): void {
      const c = cmd(commandBuffer, 'vkCmdCopyBuffer');
      if (!c) return;
      const s = buffers.get(src);
      const d = buffers.get(dst);
      if (!s || !d) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBuffer: unknown buffer');
      cmdCopyBuffer(c, s, d, regions);
    },

    vkCmdFillBuffer(commandBuffer: H.VkCommandBuffer, dst: H.VkBuffer, offsetBytes: number, sizeBytes: number, data: number): void {
      const c = cmd(commandBuffer, 'vkCmdFillBuffer');
      if (!c) return;
      const d = buffers.get(dst);
      if (!d) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdFillBuffer: unknown buffer');
      cmdFillBuffer(c, d, offsetBytes, sizeBytes, data);
    },

    vkCmdCopyImageToBuffer(commandBuffer: H.VkCommandBuffer, src: H.VkImage, dst: H.VkBuffer, dstOffsetBytes = 0): void {
      const c = cmd(commandBuffer, 'vkCmdCopyImageToBuffer');
      if (!c) return;
      const i = images.get(src);
      const b = buffers.get(dst);
      if (!i || !b) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyImageToBuffer: unknown image or buffer');
      cmdCopyImageToBuffer(c, i, b, dstOffsetBytes);
    },

    vkCmdCopyBufferToImage(commandBuffer: H.VkCommandBuffer, src: H.VkBuffer, dst: H.VkImage, srcOffsetBytes = 0): void {
      const c = cmd(commandBuffer, 'vkCmdCopyBufferToImage');
      if (!c) return;
      const b = buffers.get(src);
      const i = images.get(dst);
      if (!i || !b) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdCopyBufferToImage: unknown image or buffer');
      cmdCopyBufferToImage(c, b, srcOffsetBytes, i);
    },

    vkCmdPipelineBarrier2(commandBuffer: H.VkCommandBuffer, barriers: readonly T.VkMemoryBarrier2[] = []): void {
      const c = cmd(commandBuffer, 'vkCmdPipelineBarrier2');
      if (c) cmdPipelineBarrier2(c, barriers);
    },

    vkCmdBindPipeline(commandBuffer: H.VkCommandBuffer, bindPoint: 'COMPUTE' | 'GRAPHICS', pipeline: H.VkPipeline): void {
      const c = cmd(commandBuffer, 'vkCmdBindPipeline');
      if (!c) return;
      const p = pipelines.get(pipeline);
      if (!p || (bindPoint === 'COMPUTE') !== (p.kind === 'compute')) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdBindPipeline: pipeline is not a ${bindPoint.toLowerCase()} pipeline`);
      if (bindPoint === 'COMPUTE') c.computePipeline = p;
      else c.graphicsPipeline = p;
    },

    vkCmdPushConstants(commandBuffer: H.VkCommandBuffer, offsetBytes: number, data: Uint8Array): void {
      const c = cmd(commandBuffer, 'vkCmdPushConstants');
      if (!c) return;
      if (offsetBytes < 0 || offsetBytes % 4 !== 0 || data.length % 4 !== 0 || offsetBytes + data.length > MAX_PUSH_CONSTANT_BYTES) {
        return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, `vkCmdPushConstants: range ${offsetBytes}+${data.length} outside 0..${MAX_PUSH_CONSTANT_BYTES} or unaligned`);
      }
      c.pushConstants.set(data, offsetBytes);
    },

    vkCmdDispatch(commandBuffer: H.VkCommandBuffer, x: number, y = 1, z = 1): void {
      const c = cmd(commandBuffer, 'vkCmdDispatch');
      if (c) cmdDispatch(c, x, y, z);
    },

    vkCmdBeginRendering(commandBuffer: H.VkCommandBuffer, info: T.VkRenderingInfo): void {
      const c = cmd(commandBuffer, 'vkCmdBeginRendering');
      if (!c) return;
      const att = (a: T.VkRenderingAttachment | undefined) => {
        if (!a) return undefined;
        const image = images.get(a.image);
        return image ? { image, att: a } : null;
      };
      const color = att(info.colorAttachment);
      const depth = att(info.depthAttachment);
      if (color === null || depth === null) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBeginRendering: unknown image');
      cmdBeginRendering(c, color, depth);
    },

    vkCmdEndRendering(commandBuffer: H.VkCommandBuffer): void {
      const c = cmd(commandBuffer, 'vkCmdEndRendering');
      if (c) cmdEndRendering(c);
    },

    vkCmdSetViewport(commandBuffer: H.VkCommandBuffer, viewport: T.VkViewport): void {
      const c = cmd(commandBuffer, 'vkCmdSetViewport');
      if (c) c.viewport = viewport;
    },

    vkCmdBindVertexBuffers(commandBuffer: H.VkCommandBuffer, firstBinding: number, bufs: readonly H.VkBuffer[], offsetsBytes: readonly number[] = []): void {
      const c = cmd(commandBuffer, 'vkCmdBindVertexBuffers');
      if (!c) return;
      for (let i = 0; i < bufs.length; i++) {
        const b = buffers.get(bufs[i]!);
        if (!b?.memory || firstBinding + i > 3) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBindVertexBuffers: unknown or unbound buffer, or binding > 3');
        c.vertexBuffers[firstBinding + i] = { va: b.va + (offsetsBytes[i] ?? 0) };
      }
    },

    vkCmdBindIndexBuffer(commandBuffer: H.VkCommandBuffer, buffer: H.VkBuffer, offsetBytes: number, type: T.VkIndexType): void {
      const c = cmd(commandBuffer, 'vkCmdBindIndexBuffer');
      if (!c) return;
      const b = buffers.get(buffer);
      if (!b?.memory) return c.fail(VK_ERROR_VALIDATION_FAILED_EXT, 'vkCmdBindIndexBuffer: unknown or unbound buffer');
      c.indexBuffer = { va: b.va + offsetBytes, type };
    },

    vkCmdDraw(commandBuffer: H.VkCommandBuffer, vertexCount: number, instanceCount = 1, firstVertex = 0, firstInstance = 0): void {
      const c = cmd(commandBuffer, 'vkCmdDraw');
      if (c) cmdDraw(c, vertexCount, instanceCount, firstVertex, firstInstance, false);
    },

    vkCmdDrawIndexed(commandBuffer: H.VkCommandBuffer, indexCount: number, instanceCount = 1, vertexOffset = 0, firstInstance = 0): void {
      const c = cmd(commandBuffer, 'vkCmdDrawIndexed');
      if (c) cmdDraw(c, indexCount, instanceCount, vertexOffset, firstInstance, true);
    },

    // ---- synchronisation ----

    vkCreateFence(device: H.VkDevice, info: T.VkFenceCreateInfo = {}): Created<H.VkFence> {
      const d = dev(device);
      if (!d) return invalid('vkCreateFence', 'unknown device');
      const s = d.core.syncobjCreate(info.signaled ?? false);
      return s === undefined ? fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, 'vkCreateFence: SYNCOBJ_CREATE failed') : ok(fences.add(new Fence(s)));
    },

    vkDestroyFence(device: H.VkDevice, fence: H.VkFence): VkResult {
      const f = fences.remove(fence);
      const d = dev(device);
      if (!d || !f) return bad('vkDestroyFence', 'unknown fence');
      d.core.syncobjDestroy(f.syncobj);
      return VK_SUCCESS;
    },

    vkWaitForFences(device: H.VkDevice, fs: readonly H.VkFence[], waitAll: boolean, timeoutNs: number): VkResult {
      const d = dev(device);
      const objs = fs.map((f) => fences.get(f));
      if (!d || objs.some((f) => !f)) return bad('vkWaitForFences', 'unknown device or fence');
      return waitResult(d.core.waitSyncobjs(objs.map((f) => ({ handle: f!.syncobj, point: 0 })), waitAll, timeoutNs));
    },

    vkResetFences(device: H.VkDevice, fs: readonly H.VkFence[]): VkResult {
      const d = dev(device);
      const objs = fs.map((f) => fences.get(f));
      if (!d || objs.some((f) => !f)) return bad('vkResetFences', 'unknown device or fence');
      const r = d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: d.core.drm.u32s(objs.map((f) => f!.syncobj)), count_handles: objs.length });
      return r.errno ? VK_ERROR_DEVICE_LOST : VK_SUCCESS;
    },

    vkGetFenceStatus(device: H.VkDevice, fence: H.VkFence): VkResult {
      const d = dev(device);
      const f = fences.get(fence);
      if (!d || !f) return bad('vkGetFenceStatus', 'unknown fence');
      const r = d.core.waitSyncobjs([{ handle: f.syncobj, point: 0 }], true, 0);
      return r === 0 ? VK_SUCCESS : r === ETIME ? VK_NOT_READY : VK_ERROR_DEVICE_LOST;
    },

    vkCreateSemaphore(device: H.VkDevice, info: T.VkSemaphoreCreateInfo = {}): Created<H.VkSemaphore> {
      const d = dev(device);
      if (!d) return invalid('vkCreateSemaphore', 'unknown device');
      const s = d.core.syncobjCreate();
      if (s === undefined) return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, 'vkCreateSemaphore: SYNCOBJ_CREATE failed');
      const timeline = info.type === 'TIMELINE';
      if (timeline && (info.initialValue ?? 0) > 0) {
        d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, { handles: d.core.drm.u32s([s]), points: d.core.drm.u64s([info.initialValue!]), count_handles: 1, flags: 0 });
      }
      return ok(semaphores.add(new Semaphore(s, timeline)));
    },

    vkDestroySemaphore(device: H.VkDevice, semaphore: H.VkSemaphore): VkResult {
      const s = semaphores.remove(semaphore);
      const d = dev(device);
      if (!d || !s) return bad('vkDestroySemaphore', 'unknown semaphore');
      d.core.syncobjDestroy(s.syncobj);
      return VK_SUCCESS;
    },

    vkSignalSemaphore(device: H.VkDevice, semaphore: H.VkSemaphore, value: number): VkResult {
      const d = dev(device);
      const s = semaphores.get(semaphore);
      if (!d || !s?.timeline) return bad('vkSignalSemaphore', 'unknown or binary semaphore');
      const r = d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, { handles: d.core.drm.u32s([s.syncobj]), points: d.core.drm.u64s([value]), count_handles: 1, flags: 0 });
      return r.errno ? VK_ERROR_DEVICE_LOST : VK_SUCCESS;
    },

    vkWaitSemaphores(device: H.VkDevice, waits: readonly { semaphore: H.VkSemaphore; value: number }[], waitAll: boolean, timeoutNs: number): VkResult {
      const d = dev(device);
      const objs = waits.map((w) => semaphores.get(w.semaphore));
      if (!d || objs.some((s) => !s?.timeline)) return bad('vkWaitSemaphores', 'unknown or binary semaphore');
      return waitResult(d.core.waitSyncobjs(waits.map((w, i) => ({ handle: objs[i]!.syncobj, point: w.value })), waitAll, timeoutNs));
    },

    vkGetSemaphoreCounterValue(device: H.VkDevice, semaphore: H.VkSemaphore): Created<number> {
      const d = dev(device);
      const s = semaphores.get(semaphore);
      if (!d || !s?.timeline) return invalid('vkGetSemaphoreCounterValue', 'unknown or binary semaphore');
      const points = d.core.drm.u64s([0]);
      const r = d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_QUERY, { handles: d.core.drm.u32s([s.syncobj]), points, count_handles: 1, flags: 0 });
      return r.errno ? fail(VK_ERROR_DEVICE_LOST, 'vkGetSemaphoreCounterValue: QUERY failed') : ok(d.core.drm.readU64s(points, 1)[0] ?? 0);
    },

    vkQueueSubmit2(queue: H.VkQueue, submits: readonly T.VkSubmitInfo2[], fence?: H.VkFence): VkResult {
      const q = queues.get(queue);
      if (!q) return bad('vkQueueSubmit2', 'unknown queue');
      if (q.device.lost) return VK_ERROR_DEVICE_LOST;
      const f = fence !== undefined ? fences.get(fence) : undefined;
      if (fence !== undefined && !f) return bad('vkQueueSubmit2', 'unknown fence');
      for (let i = 0; i < submits.length; i++) {
        const s = submits[i]!;
        const resolve = (list: readonly T.VkSemaphoreSubmitInfo[] | undefined): SyncPoint[] | undefined => {
          const out: SyncPoint[] = [];
          for (const w of list ?? []) {
            const sem = semaphores.get(w.semaphore);
            if (!sem) return undefined;
            out.push({ handle: sem.syncobj, point: sem.timeline ? (w.value ?? 0) : 0 });
          }
          return out;
        };
        const waits = resolve(s.waitSemaphores);
        const signals = resolve(s.signalSemaphores);
        if (!waits || !signals) return bad('vkQueueSubmit2', 'unknown semaphore');
        const streams = [];
        for (const h of s.commandBuffers ?? []) {
          const c = cmdBuffers.get(h);
          if (!c || c.state !== 'executable') return bad('vkQueueSubmit2', `command buffer ${h} is not executable`);
          if (c.queueFamily !== q.queue.family) return bad('vkQueueSubmit2', `command buffer ${h} belongs to queue family ${c.queueFamily}, not ${q.queue.family}`);
          streams.push({ va: c.streamVa, sizeBytes: c.streamSizeBytes });
        }
        const last = i === submits.length - 1;
        const errno = q.queue.submit(streams, waits, last && f ? [...signals, { handle: f.syncobj, point: 0 }] : signals);
        if (errno) {
          q.device.lost = errno === 125; /* ECANCELED: the group is dead */
          return q.device.lost ? VK_ERROR_DEVICE_LOST : bad('vkQueueSubmit2', `GROUP_SUBMIT failed with errno ${errno}`);
        }
        // A binary semaphore is consumed by the wait: its fence was captured at submit.
        const consumed = (s.waitSemaphores ?? []).map((w) => semaphores.get(w.semaphore)!).filter((x) => !x.timeline);
        if (consumed.length) q.device.core.drm.call(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: q.device.core.drm.u32s(consumed.map((x) => x.syncobj)), count_handles: consumed.length });
      }
      if (submits.length === 0 && f) q.queue.submit([], [], [{ handle: f.syncobj, point: 0 }]);
      return VK_SUCCESS;
    },

    vkQueueWaitIdle(queue: H.VkQueue): VkResult {
      const q = queues.get(queue);
      if (!q) return bad('vkQueueWaitIdle', 'unknown queue');
      if (q.queue.lastPoint === 0) return VK_SUCCESS;
      const r = waitResult(q.device.core.waitSyncobjs([{ handle: q.queue.progress, point: q.queue.lastPoint }], true, Number.MAX_SAFE_INTEGER));
      if (r === VK_SUCCESS && q.queue.state() !== 0) q.device.lost = true;
      return q.device.lost ? VK_ERROR_DEVICE_LOST : r;
    },

    // ---- external memory and semaphores (opaque fds; see external.ts) ----

    /** VK_KHR_external_memory_fd: a dma-buf fd of the allocation, to pass to another process. */
    vkGetMemoryFdKHR(device: H.VkDevice, memory: H.VkDeviceMemory): Created<number> {
      const m = memories.get(memory);
      if (!dev(device) || !m) return invalid('vkGetMemoryFdKHR', 'unknown device or memory');
      const fd = exportMemoryFd(m.device, m.alloc.bo);
      return fd < 0 ? fail(VK_ERROR_OUT_OF_HOST_MEMORY, `vkGetMemoryFdKHR: PRIME_HANDLE_TO_FD failed (errno ${-fd})`) : ok(fd);
    },

    /** VK_KHR_external_semaphore_fd: an fd of the semaphore's syncobj (binary or timeline). */
    vkGetSemaphoreFdKHR(device: H.VkDevice, semaphore: H.VkSemaphore): Created<number> {
      const d = dev(device);
      const s = semaphores.get(semaphore);
      if (!d || !s) return invalid('vkGetSemaphoreFdKHR', 'unknown device or semaphore');
      const fd = exportSyncobjFd(d.core, s.syncobj);
      return fd < 0 ? fail(VK_ERROR_OUT_OF_HOST_MEMORY, `vkGetSemaphoreFdKHR: SYNCOBJ_HANDLE_TO_FD failed (errno ${-fd})`) : ok(fd);
    },

    /** The semaphore takes the fd's syncobj as its payload (its own syncobj is destroyed). */
    vkImportSemaphoreFdKHR(device: H.VkDevice, info: T.VkImportSemaphoreFdInfoKHR): VkResult {
      const d = dev(device);
      const s = semaphores.get(info.semaphore);
      if (!d || !s) return bad('vkImportSemaphoreFdKHR', 'unknown device or semaphore');
      const handle = importSyncobjFd(d.core, info.fd);
      if (handle < 0) {
        lastError = `vkImportSemaphoreFdKHR: SYNCOBJ_FD_TO_HANDLE failed for fd ${info.fd} (errno ${-handle})`;
        return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      }
      d.core.syncobjDestroy(s.syncobj);
      s.syncobj = handle;
      return VK_SUCCESS;
    },

    // ---- presentation ----

    vkCreateSwapchainKHR(device: H.VkDevice, info: T.VkSwapchainCreateInfoKHR): Created<H.VkSwapchainKHR> {
      const d = dev(device);
      if (!d) return invalid('vkCreateSwapchainKHR', 'unknown device');
      if (info.imageCount < 1 || info.imageCount > 8) return invalid('vkCreateSwapchainKHR', `imageCount ${info.imageCount} outside 1..8`);
      const imgs: Image[] = [];
      for (let i = 0; i < info.imageCount; i++) {
        const image = new Image('R8G8B8A8_UNORM', info.width, info.height, T.VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
        const a = d.core.allocate(image.sizeBytes, { mappable: true, noExec: true });
        if (typeof a === 'number') return fail(VK_ERROR_OUT_OF_DEVICE_MEMORY, `vkCreateSwapchainKHR: errno ${a}`);
        image.memory = new DeviceMemory(d.core, a, HOST_VISIBLE_TYPE);
        imgs.push(image);
      }
      return ok(swapchains.add(new Swapchain(imgs, info.width, info.height)));
    },

    vkGetSwapchainImagesKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR): Created<H.VkImage[]> {
      const sc = swapchains.get(swapchain);
      if (!dev(device) || !sc) return invalid('vkGetSwapchainImagesKHR', 'unknown swapchain');
      return ok(sc.images.map((i) => images.add(i)));
    },

    vkAcquireNextImageKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR, info: T.VkAcquireInfo = {}): Created<number> {
      const d = dev(device);
      const sc = swapchains.get(swapchain);
      if (!d || !sc) return invalid('vkAcquireNextImageKHR', 'unknown swapchain');
      const index = sc.next;
      sc.next = (sc.next + 1) % sc.images.length;
      const handles: number[] = [];
      if (info.semaphore !== undefined) {
        const s = semaphores.get(info.semaphore);
        if (!s || s.timeline) return invalid('vkAcquireNextImageKHR', 'unknown or timeline semaphore');
        handles.push(s.syncobj);
      }
      if (info.fence !== undefined) {
        const f = fences.get(info.fence);
        if (!f) return invalid('vkAcquireNextImageKHR', 'unknown fence');
        handles.push(f.syncobj);
      }
      if (handles.length) d.core.drm.call(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: d.core.drm.u32s(handles), count_handles: handles.length });
      return ok(index);
    },

    vkQueuePresentKHR(queue: H.VkQueue, info: T.VkPresentInfoKHR): VkResult {
      const q = queues.get(queue);
      const sc = swapchains.get(info.swapchain);
      if (!q || !sc) return bad('vkQueuePresentKHR', 'unknown queue or swapchain');
      const image = sc.images[info.imageIndex];
      if (!image?.memory) return bad('vkQueuePresentKHR', `imageIndex ${info.imageIndex} out of range`);
      const waits: SyncPoint[] = [];
      for (const h of info.waitSemaphores ?? []) {
        const s = semaphores.get(h);
        if (!s || s.timeline) return bad('vkQueuePresentKHR', 'unknown or timeline semaphore');
        waits.push({ handle: s.syncobj, point: 0 });
      }
      const core0 = q.device.core;
      if (waits.length) {
        const r = waitResult(core0.waitSyncobjs(waits, true, Number.MAX_SAFE_INTEGER));
        if (r !== VK_SUCCESS) return r;
        core0.drm.call(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: core0.drm.u32s(waits.map((w) => w.handle)), count_handles: waits.length });
      }
      const rgba = backend.memory.read(image.memory.alloc.cpu + image.offsetBytes, image.sizeBytes);
      if (!rgba) return VK_ERROR_DEVICE_LOST;
      const frame = sc.presented++;
      options.sink.emit({ kind: 'frame.present', tsNs: backend.nowNs(), pid: options.pid, frame, width: sc.width, height: sc.height, rgba });
      options.frameSink?.({ frame, width: sc.width, height: sc.height, rgba });
      return VK_SUCCESS;
    },

    vkDestroySwapchainKHR(device: H.VkDevice, swapchain: H.VkSwapchainKHR): VkResult {
      const d = dev(device);
      const sc = swapchains.remove(swapchain);
      if (!d || !sc) return bad('vkDestroySwapchainKHR', 'unknown swapchain');
      sc.destroyed = true;
      for (const i of sc.images) if (i.memory) d.core.release(i.memory.alloc);
      return VK_SUCCESS;
    },
  };
  return vk;
}

export type Vk = ReturnType<typeof createVulkan>;

/** Upload shader binaries into one read-only executable BO, 256-byte aligned each. */
function uploadCode(core: DeviceCore, codes: readonly Uint8Array[]): { alloc: import('./device').GpuAllocation; vas: number[] } | number {
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
