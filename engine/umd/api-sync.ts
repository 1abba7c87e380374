/**
 * Fence, semaphore and queue submission / wait entry points.
 * Part of the `Vk` dispatch table assembled in vulkan.ts; state lives in state.ts.
 */
import * as U from '../kmd/uapi';
import type * as H from './handles';
import type { SyncPoint } from './queue';
import { Fence, Semaphore } from './sync';
import { fail, ok, VK_ERROR_DEVICE_LOST, VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_NOT_READY, VK_SUCCESS, type Created, type VkResult } from './vk-result';
import * as T from './vk-types';
import { ETIME, type UmdState } from './state';

export function syncApi(st: UmdState) {
  const { queues, cmdBuffers, semaphores, fences, bad, invalid, dev, waitResult } = st;
  return {
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
  };
}
