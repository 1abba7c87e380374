/**
 * Test layers over the `Vk` dispatch table, the way a Vulkan layer sits between an
 * app and its driver: they prove an app's checks compare real GPU output by changing
 * what the GPU gets — corrupting an input after the app wrote it, swapping in a wrong
 * shader, dropping a semaphore wait, or keeping a queue busy — while the app computes
 * its CPU reference from what it meant to do.
 *
 * `layered(app, layer)` runs `app` with `layer` wrapped around the UMD of every
 * process it uses (its own and any it spawns).
 */
import type { App, AppContext } from '../../engine/apps/app';
import type { VkCommandBuffer, VkDevice, VkQueue } from '../../engine/umd/handles';
import { VK_SUCCESS, type Created } from '../../engine/umd/vk-result';
import type { VkSubmitInfo2 } from '../../engine/umd/vk-types';
import type { Vk } from '../../engine/umd/vulkan';

export type Layer = (vk: Vk, pid: number, ctx: AppContext) => Vk;

export function layered(app: App, layer: Layer): App {
  return {
    ...app,
    run(ctx: AppContext): void {
      app.run({
        ...ctx,
        vk: layer(ctx.vk, ctx.pid, ctx),
        spawnProcess: () => {
          const p = ctx.spawnProcess();
          return { pid: p.pid, vk: layer(p.vk, p.pid, ctx) };
        },
      });
    },
  };
}

function value<T>(r: Created<T>): T {
  if (r.result !== VK_SUCCESS || r.value === undefined) throw new Error(`layer call failed: ${'message' in r ? r.message : r.result}`);
  return r.value;
}

/**
 * Flip every bit of the 32-bit word at `offsetBytes` of the `mapping`-th memory the
 * process maps, just before its `submit`-th vkQueueSubmit2 — after the app wrote its
 * input, before the GPU reads it.
 */
export function corruptMapping(options: { mapping: number; offsetBytes: number; submit: number; pid?: (pid: number, ctx: AppContext) => boolean }): Layer {
  return (vk, pid, ctx) => {
    if (options.pid && !options.pid(pid, ctx)) return vk;
    const views: Uint8Array[] = [];
    let submits = 0;
    return {
      ...vk,
      vkMapMemory: (device, memory) => {
        const r = vk.vkMapMemory(device, memory);
        if (r.value) views.push(r.value);
        return r;
      },
      vkQueueSubmit2: (queue, submitInfos, fence) => {
        const view = views[options.mapping];
        if (submits++ === options.submit && view) {
          for (let i = 0; i < 4; i++) view[options.offsetBytes + i] = ~view[options.offsetBytes + i]! & 0xff;
        }
        return vk.vkQueueSubmit2(queue, submitInfos, fence);
      },
    };
  };
}

/** Replace shader source `original` by `replacement` wherever the app creates it. */
export function replaceShader(original: string, replacement: string): Layer {
  if (original === replacement) throw new Error('replaceShader: the replacement is the original');
  return (vk) => ({
    ...vk,
    vkCreateShaderModule: (device, info) => vk.vkCreateShaderModule(device, info.code === original ? { code: replacement } : info),
  });
}

/** Remove the timeline waits (entries with a `value`) from submits to queues `which` selects. */
export function dropTimelineWaits(which: (family: number) => boolean): Layer {
  return (vk) => {
    const families = new Map<VkQueue, number>();
    return {
      ...vk,
      vkGetDeviceQueue: (device, family, index) => {
        const r = vk.vkGetDeviceQueue(device, family, index);
        if (r.value !== undefined) families.set(r.value, family);
        return r;
      },
      vkQueueSubmit2: (queue, submits, fence) => {
        if (!which(families.get(queue) ?? -1)) return vk.vkQueueSubmit2(queue, submits, fence);
        const stripped: VkSubmitInfo2[] = submits.map((s) => ({ ...s, waitSemaphores: (s.waitSemaphores ?? []).filter((w) => w.value === undefined) }));
        return vk.vkQueueSubmit2(queue, stripped, fence);
      },
    };
  };
}

/** A compute shader that spins `iterations` times per invocation: GPU time, no memory effect. */
export const SPIN_SHADER = (iterations: number) => `
  MOVI r0, ${iterations}
loop:
  IADDI r0, r0, -1
  BRNZ r0, loop
  END
`;

/**
 * Before every submit to a queue of a family `which` selects, submit a job to the same
 * queue that keeps the compute engine busy for a while, so the app's own work on that
 * queue runs late. Correct synchronisation must make this invisible in the results.
 */
export function busyQueue(which: (family: number) => boolean, invocations = 16, iterations = 4000): Layer {
  return (vk) => {
    const queues = new Map<VkQueue, { device: VkDevice; family: number }>();
    const spinners = new Map<number, VkCommandBuffer>();
    let device: VkDevice | undefined;
    const spinner = (family: number): VkCommandBuffer => {
      const known = spinners.get(family);
      if (known !== undefined || device === undefined) return known!;
      const shader = value(vk.vkCreateShaderModule(device, { code: SPIN_SHADER(iterations) }));
      const [pipeline] = value(vk.vkCreateComputePipelines(device, [{ shader, localSize: [invocations, 1, 1] }]));
      const pool = value(vk.vkCreateCommandPool(device, { queueFamily: family }));
      const [cb] = value(vk.vkAllocateCommandBuffers(device, { commandPool: pool, count: 1 }));
      vk.vkBeginCommandBuffer(cb!);
      vk.vkCmdBindPipeline(cb!, 'COMPUTE', pipeline!);
      vk.vkCmdDispatch(cb!, 1);
      if (vk.vkEndCommandBuffer(cb!) !== VK_SUCCESS) throw new Error('busyQueue: recording the spinner failed');
      spinners.set(family, cb!);
      return cb!;
    };
    return {
      ...vk,
      vkCreateDevice: (physical, info) => {
        const r = vk.vkCreateDevice(physical, info);
        device = r.value ?? device;
        return r;
      },
      vkGetDeviceQueue: (dev, family, index) => {
        const r = vk.vkGetDeviceQueue(dev, family, index);
        if (r.value !== undefined) queues.set(r.value, { device: dev, family });
        return r;
      },
      vkQueueSubmit2: (queue, submits, fence) => {
        const q = queues.get(queue);
        if (q && which(q.family)) {
          const r = vk.vkQueueSubmit2(queue, [{ commandBuffers: [spinner(q.family)] }]);
          if (r !== VK_SUCCESS) throw new Error(`busyQueue: submitting the spinner failed (${r})`);
        }
        return vk.vkQueueSubmit2(queue, submits, fence);
      },
    };
  };
}
