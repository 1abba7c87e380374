/**
 * A swapchain-like presentation engine. Its images are ordinary linear RGBA8 images
 * in host-visible memory. Acquire hands out images round-robin and signals the
 * acquire semaphore / fence at once (the display is never busy). Present waits for
 * the present semaphores on the CPU, reads the image back (the CPU's view, so a
 * missing cache flush shows as stale pixels) and hands it to the frame sink.
 */
import type { Image } from './resources';

export interface PresentedFrame {
  readonly frame: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export type FrameSink = (frame: PresentedFrame) => void;

export class Swapchain {
  next = 0;
  presented = 0;
  destroyed = false;
  constructor(
    readonly images: readonly Image[],
    readonly width: number,
    readonly height: number,
  ) {}
}
