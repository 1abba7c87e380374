/**
 * Frames to and from PNG (pngjs). A presented frame is the swapchain image's bytes:
 * RGBA8, row-major, row 0 = window y 0 (the top of the image in Vulkan's
 * convention, where +y in NDC points down), so rows go into the PNG in order and
 * the picture comes out right side up. Alpha is written as stored, so the file is
 * the exact image the app presented.
 *
 * Example: decodePng(encodePng({ width: 1, height: 1, rgba: Uint8Array.of(255, 0, 0, 255) }))
 *   // → { width: 1, height: 1, rgba: [255, 0, 0, 255] }
 */
import { PNG } from 'pngjs';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.width * image.height * 4);
  return PNG.sync.write(png, { colorType: 6 });
}

export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}
