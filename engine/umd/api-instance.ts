/**
 * Instance, physical device, device and queue entry points.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import * as U from '../kmd/uapi';
import { MAX_PUSH_CONSTANT_BYTES } from './command-buffer';
import { DeviceCore } from './device';
import type * as H from './handles';
import { MEMORY_TYPES } from './memory';
import { Queue } from './queue';
import { fail, ok, VK_ERROR_INITIALIZATION_FAILED, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import { QUEUE_FAMILIES, type DeviceState, type UmdState } from './state';

export function instanceApi(st: UmdState) {
  const { instances, physicals, devices, queues, backend, options, bad, invalid, dev, waitResult } = st;
  return {
    vkCreateInstance(info: { readonly applicationName?: string } = {}): Created<H.VkInstance> {
      void info;
      const core0 = st.core ?? DeviceCore.create(backend, options);
      if (typeof core0 === 'number') return fail(VK_ERROR_INITIALIZATION_FAILED, `vkCreateInstance: VM_CREATE failed (errno ${core0})`);
      st.core = core0;
      const query = (type: number, struct: { sizeBytes: number }) => {
        const ptr = st.core!.drm.scratch(new Uint8Array(struct.sizeBytes));
        const r = st.core!.drm.call(U.DRM_IOCTL_PANTHOR_DEV_QUERY, { type, size: struct.sizeBytes, pointer: ptr });
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
      if (!physicals.get(physical) || !st.core) return invalid('vkCreateDevice', 'unknown physical device');
      const state: DeviceState = { core: st.core, queues: new Map(), lost: false };
      for (const q of info.queues) {
        const fam = QUEUE_FAMILIES[q.family];
        if (!fam || q.count < 1 || q.count > fam.queueCount) return invalid('vkCreateDevice', `bad queue family ${q.family} × ${q.count}`);
        for (let index = 0; index < q.count; index++) {
          const queues0 = st.core.drm.array(U.drm_panthor_queue_create, [{ priority: 8, ringbuf_size: 64 * 1024 }]);
          const g = st.core.drm.call(U.DRM_IOCTL_PANTHOR_GROUP_CREATE, {
            queues: queues0, max_compute_cores: 1, max_fragment_cores: 1, max_tiler_cores: 1,
            priority: q.priority !== undefined && q.priority > 0.5 ? U.PANTHOR_GROUP_PRIORITY_MEDIUM : U.PANTHOR_GROUP_PRIORITY_LOW,
            compute_core_mask: 0xf, fragment_core_mask: 0xf, tiler_core_mask: 1, vm_id: st.core.vmId,
          });
          const progress = st.core.syncobjCreate();
          if (g.errno || progress === undefined) return fail(VK_ERROR_INITIALIZATION_FAILED, `vkCreateDevice: GROUP_CREATE failed (errno ${g.errno})`);
          const queue = new Queue(st.core, q.family, index, g.out.group_handle, progress);
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
  };
}
