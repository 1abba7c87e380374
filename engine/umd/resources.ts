/**
 * VkBuffer and VkImage: ranges of a VkDeviceMemory. Images are linear (row pitch =
 * width × 4 bytes for both formats), which is what the rasteriser reads and writes.
 */
import type { DeviceMemory } from './memory';
import type { VkFormat } from './vk-types';

export const BUFFER_ALIGNMENT_BYTES = 256;
export const IMAGE_ALIGNMENT_BYTES = 4096;

export class Buffer {
  memory: DeviceMemory | undefined;
  offsetBytes = 0;
  destroyed = false;
  constructor(
    readonly sizeBytes: number,
    readonly usage: number,
  ) {}

  /** GPU VA of the buffer's first byte (0 until bound). */
  get va(): number {
    return this.memory ? this.memory.va + this.offsetBytes : 0;
  }
}

export class Image {
  memory: DeviceMemory | undefined;
  offsetBytes = 0;
  destroyed = false;
  constructor(
    readonly format: VkFormat,
    readonly width: number,
    readonly height: number,
    readonly usage: number,
  ) {}

  get rowPitchBytes(): number {
    return this.width * 4;
  }

  get sizeBytes(): number {
    return this.rowPitchBytes * this.height;
  }

  get va(): number {
    return this.memory ? this.memory.va + this.offsetBytes : 0;
  }
}
