/**
 * The UMD's object state: one handle table per Vulkan object type, the device core
 * (created with the first instance), the last validation message, and the helpers
 * every entry point shares. The entry points live in one `api-*.ts` module per object
 * family; `vulkan.ts` assembles them into the dispatch table.
 */
import type { CommandBuffer } from './command-buffer';
import type { DeviceCore, UmdConfig } from './device';
import { HandleTable } from './handles';
import type * as H from './handles';
import type { KmdBackend } from './kmd-backend';
import type { DeviceMemory } from './memory';
import type { Pipeline, ShaderModule } from './pipeline';
import type { Queue } from './queue';
import type { Buffer, Image } from './resources';
import type { Fence, Semaphore } from './sync';
import type { FrameSink, Swapchain } from './swapchain';
import { fail, VK_ERROR_DEVICE_LOST, VK_ERROR_VALIDATION_FAILED_EXT, VK_SUCCESS, VK_TIMEOUT, type Created, type VkResult } from './vk-result';
import { VK_QUEUE_COMPUTE_BIT, VK_QUEUE_GRAPHICS_BIT, VK_QUEUE_TRANSFER_BIT } from './vk-types';
import type * as T from './vk-types';

export const QUEUE_FAMILIES: readonly T.VkQueueFamilyProperties[] = [
  { queueFlags: VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, queueCount: 4 },
  { queueFlags: VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, queueCount: 4 },
];

/** Linux ETIME: what a syncobj wait answers when its deadline passes. */
export const ETIME = 62;

export interface DeviceState {
  readonly core: DeviceCore;
  readonly queues: Map<string, { handle: H.VkQueue; queue: Queue }>;
  lost: boolean;
}

export interface VulkanOptions extends UmdConfig {
  /** Receives every presented frame. */
  readonly frameSink?: FrameSink;
  /**
   * The first handle each table hands out, by type name (default 1). For tests of
   * tools that must not assume a run numbers objects as a capture did.
   */
  readonly firstHandle?: (typeName: string) => number;
}

export class UmdState {
  readonly instances = new HandleTable<H.VkInstance, { physical: H.VkPhysicalDevice }>('VkInstance', () => this.first('VkInstance'));
  readonly physicals = new HandleTable<H.VkPhysicalDevice, T.VkPhysicalDeviceProperties>('VkPhysicalDevice', () => this.first('VkPhysicalDevice'));
  readonly devices = new HandleTable<H.VkDevice, DeviceState>('VkDevice', () => this.first('VkDevice'));
  readonly queues = new HandleTable<H.VkQueue, { device: DeviceState; queue: Queue }>('VkQueue', () => this.first('VkQueue'));
  readonly memories = new HandleTable<H.VkDeviceMemory, DeviceMemory>('VkDeviceMemory', () => this.first('VkDeviceMemory'));
  readonly buffers = new HandleTable<H.VkBuffer, Buffer>('VkBuffer', () => this.first('VkBuffer'));
  readonly images = new HandleTable<H.VkImage, Image>('VkImage', () => this.first('VkImage'));
  readonly shaders = new HandleTable<H.VkShaderModule, ShaderModule>('VkShaderModule', () => this.first('VkShaderModule'));
  readonly pipelines = new HandleTable<H.VkPipeline, Pipeline>('VkPipeline', () => this.first('VkPipeline'));
  readonly pools = new HandleTable<H.VkCommandPool, { family: number; buffers: Set<H.VkCommandBuffer> }>('VkCommandPool', () => this.first('VkCommandPool'));
  readonly cmdBuffers = new HandleTable<H.VkCommandBuffer, CommandBuffer>('VkCommandBuffer', () => this.first('VkCommandBuffer'));
  readonly semaphores = new HandleTable<H.VkSemaphore, Semaphore>('VkSemaphore', () => this.first('VkSemaphore'));
  readonly fences = new HandleTable<H.VkFence, Fence>('VkFence', () => this.first('VkFence'));
  readonly swapchains = new HandleTable<H.VkSwapchainKHR, Swapchain>('VkSwapchainKHR', () => this.first('VkSwapchainKHR'));
  /** Created by the first vkCreateInstance: the process's DRM device, VM and tracker. */
  core: DeviceCore | undefined;
  lastError = '';

  constructor(
    readonly backend: KmdBackend,
    readonly options: VulkanOptions,
  ) {}

  private first(typeName: string): number {
    return this.options.firstHandle?.(typeName) ?? 1;
  }

  /** A validation failure of a VkResult-returning entry point; the message is kept for vkGetLastErrorMessage. */
  readonly bad = (fn: string, what: string): VkResult => {
    this.lastError = `${fn}: ${what}`;
    return VK_ERROR_VALIDATION_FAILED_EXT;
  };

  /** A validation failure of a creating entry point. */
  readonly invalid = <X>(fn: string, what: string): Created<X> => fail(VK_ERROR_VALIDATION_FAILED_EXT, `${fn}: ${what}`);

  readonly dev = (device: H.VkDevice): DeviceState | undefined => this.devices.get(device);

  /** The command buffer if it may record `fn` now (otherwise the failure is recorded, sticky). */
  readonly cmd = (cb: H.VkCommandBuffer, fn: string): CommandBuffer | undefined => {
    const c = this.cmdBuffers.get(cb);
    if (c && !c.recording(fn)) return undefined;
    return c;
  };

  /** A syncobj wait's errno as a VkResult: ETIME is a timeout, anything else a lost device. */
  readonly waitResult = (errno: number): VkResult => (errno === 0 ? VK_SUCCESS : errno === ETIME ? VK_TIMEOUT : VK_ERROR_DEVICE_LOST);
}
