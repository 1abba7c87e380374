/**
 * Create-info structures and enums of the Vulkan-shaped API, TypeScript-friendly:
 * plain readonly objects, sizes in bytes with the unit in the name, enums as string
 * literals where Vulkan has a closed set the app picks from.
 */
import type { VkBuffer, VkCommandBuffer, VkCommandPool, VkDeviceMemory, VkFence, VkImage, VkPipeline, VkSemaphore, VkShaderModule, VkSwapchainKHR } from './handles';

export const VK_QUEUE_GRAPHICS_BIT = 1;
export const VK_QUEUE_COMPUTE_BIT = 2;
export const VK_QUEUE_TRANSFER_BIT = 4;

export const VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT = 1;
export const VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT = 2;
export const VK_MEMORY_PROPERTY_HOST_COHERENT_BIT = 4;

export const VK_BUFFER_USAGE_TRANSFER_SRC_BIT = 1;
export const VK_BUFFER_USAGE_TRANSFER_DST_BIT = 2;
export const VK_BUFFER_USAGE_STORAGE_BUFFER_BIT = 0x20;
export const VK_BUFFER_USAGE_INDEX_BUFFER_BIT = 0x40;
export const VK_BUFFER_USAGE_VERTEX_BUFFER_BIT = 0x80;
export const VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT = 0x20000;

export const VK_IMAGE_USAGE_TRANSFER_SRC_BIT = 1;
export const VK_IMAGE_USAGE_TRANSFER_DST_BIT = 2;
export const VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT = 0x10;
export const VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT = 0x20;

export const VK_ACCESS_2_HOST_READ_BIT = 0x2000;
export const VK_WHOLE_SIZE = -1;

export type VkFormat = 'R8G8B8A8_UNORM' | 'D32_SFLOAT';
export type VkVertexFormat = 'R32_SFLOAT' | 'R32G32_SFLOAT' | 'R32G32B32_SFLOAT' | 'R32G32B32A32_SFLOAT' | 'R8G8B8A8_UNORM';
export type VkCompareOp = 'NEVER' | 'LESS' | 'EQUAL' | 'LESS_OR_EQUAL' | 'GREATER' | 'NOT_EQUAL' | 'GREATER_OR_EQUAL' | 'ALWAYS';
export type VkCullMode = 'NONE' | 'BACK' | 'FRONT';
export type VkFrontFace = 'COUNTER_CLOCKWISE' | 'CLOCKWISE';
export type VkBlend = 'NONE' | 'ALPHA' | 'ADDITIVE';
export type VkIndexType = 'UINT16' | 'UINT32';

export interface VkQueueFamilyProperties {
  readonly queueFlags: number;
  readonly queueCount: number;
}

export interface VkMemoryType {
  readonly propertyFlags: number;
}

export interface VkPhysicalDeviceProperties {
  readonly deviceName: string;
  readonly driverVersion: string;
  readonly gpuId: number;
  readonly shaderCoreCount: number;
  readonly maxComputeWorkGroupInvocations: number;
  readonly maxPushConstantsSizeBytes: number;
  readonly queueFamilies: readonly VkQueueFamilyProperties[];
  readonly memoryTypes: readonly VkMemoryType[];
}

export interface VkDeviceCreateInfo {
  readonly queues: ReadonlyArray<{ readonly family: number; readonly count: number; readonly priority?: number }>;
}

export interface VkMemoryAllocateInfo {
  readonly sizeBytes: number;
  readonly memoryTypeIndex: number;
  /**
   * VkImportMemoryFdInfoKHR: a dma-buf fd (from vkGetMemoryFdKHR, possibly in another
   * process) whose memory this allocation is, instead of new memory. See external.ts.
   */
  readonly importFd?: number;
}

export interface VkMappedMemoryRange {
  readonly memory: VkDeviceMemory;
  readonly offsetBytes: number;
  /** VK_WHOLE_SIZE (-1) for the rest of the allocation. */
  readonly sizeBytes: number;
}

export interface VkBufferCreateInfo {
  readonly sizeBytes: number;
  readonly usage: number;
}

export interface VkImageCreateInfo {
  readonly format: VkFormat;
  readonly width: number;
  readonly height: number;
  readonly usage: number;
}

export interface VkMemoryRequirements {
  readonly sizeBytes: number;
  readonly alignmentBytes: number;
  readonly memoryTypeBits: number;
}

/** Shader source: assembly text (assembled, errors carry line numbers) or a binary. */
export interface VkShaderModuleCreateInfo {
  readonly code: string | Uint8Array;
}

export interface VkComputePipelineCreateInfo {
  readonly shader: VkShaderModule;
  /** Our ISA has no workgroup-size declaration, so it is pipeline state. */
  readonly localSize: readonly [number, number, number];
  readonly pushConstantSizeBytes?: number;
}

export interface VkVertexInputBinding {
  readonly binding: number;
  readonly strideBytes: number;
  readonly inputRate?: 'VERTEX' | 'INSTANCE';
}

export interface VkVertexInputAttribute {
  readonly location: number;
  readonly binding: number;
  readonly format: VkVertexFormat;
  readonly offsetBytes: number;
}

export interface VkGraphicsPipelineCreateInfo {
  readonly vertexShader: VkShaderModule;
  readonly fragmentShader: VkShaderModule;
  readonly vertexBindings: readonly VkVertexInputBinding[];
  readonly vertexAttributes: readonly VkVertexInputAttribute[];
  /** vec4 varyings the vertex shader writes (0..8). */
  readonly varyingCount: number;
  readonly cullMode?: VkCullMode;
  readonly frontFace?: VkFrontFace;
  readonly depthTest?: boolean;
  readonly depthWrite?: boolean;
  readonly depthCompareOp?: VkCompareOp;
  readonly blend?: VkBlend;
  readonly pushConstantSizeBytes?: number;
}

export interface VkCommandPoolCreateInfo {
  readonly queueFamily: number;
}

export interface VkCommandBufferAllocateInfo {
  readonly commandPool: VkCommandPool;
  readonly count: number;
}

export interface VkBufferCopy {
  readonly srcOffsetBytes: number;
  readonly dstOffsetBytes: number;
  readonly sizeBytes: number;
}

export interface VkMemoryBarrier2 {
  /** VK_ACCESS_2_* bits of the consumer; HOST_READ makes GPU writes CPU-visible. */
  readonly dstAccessMask?: number;
}

export interface VkRenderingAttachment {
  readonly image: VkImage;
  readonly loadOp: 'LOAD' | 'CLEAR' | 'DONT_CARE';
  /** RGBA floats for colour, [depth] for depth. */
  readonly clearValue?: readonly number[];
}

export interface VkRenderingInfo {
  readonly colorAttachment?: VkRenderingAttachment;
  readonly depthAttachment?: VkRenderingAttachment;
}

export interface VkViewport {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly minDepth: number;
  readonly maxDepth: number;
}

export interface VkSemaphoreCreateInfo {
  readonly type?: 'BINARY' | 'TIMELINE';
  readonly initialValue?: number;
}

/** VkImportSemaphoreFdInfoKHR (opaque fd): `semaphore` takes the fd's payload. */
export interface VkImportSemaphoreFdInfoKHR {
  readonly semaphore: VkSemaphore;
  readonly fd: number;
}

export interface VkFenceCreateInfo {
  readonly signaled?: boolean;
}

export interface VkSemaphoreSubmitInfo {
  readonly semaphore: VkSemaphore;
  /** Timeline point; ignored for binary semaphores. */
  readonly value?: number;
}

export interface VkSubmitInfo2 {
  readonly waitSemaphores?: readonly VkSemaphoreSubmitInfo[];
  readonly commandBuffers?: readonly VkCommandBuffer[];
  readonly signalSemaphores?: readonly VkSemaphoreSubmitInfo[];
}

export interface VkSwapchainCreateInfoKHR {
  readonly width: number;
  readonly height: number;
  readonly imageCount: number;
}

export interface VkPresentInfoKHR {
  readonly waitSemaphores?: readonly VkSemaphore[];
  readonly swapchain: VkSwapchainKHR;
  readonly imageIndex: number;
}

export interface VkAcquireInfo {
  readonly semaphore?: VkSemaphore;
  readonly fence?: VkFence;
}

export type { VkBuffer, VkCommandBuffer, VkDeviceMemory, VkImage, VkPipeline };
