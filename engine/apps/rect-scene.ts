/**
 * Flat-coloured, axis-aligned rectangles on pixel boundaries: the scene `multiqueue`
 * and `sharing` draw, its vertex layout, its shaders, and its CPU reference.
 *
 * Why this scene: its exact image is known without a second rasteriser. Every
 * rectangle edge lies on an integer pixel coordinate and pixels are sampled at their
 * centres (x + 0.5), so no centre ever lies on an edge and the top-left rule never
 * decides anything; the GPU must produce, byte for byte, "each pixel takes the colour
 * of the last rectangle that covers it, else the background". NDC coordinates go
 * through binary32 (px · fl(2 / width) − 1, one rounding, the same FFMA the
 * multiqueue compute shader does); the error is far below the rasteriser's 1/256-pixel
 * snapping, so an edge still lands exactly on its pixel boundary.
 *
 * Vertex layout (12 bytes): x, y as f32 NDC, then the colour as R8G8B8A8_UNORM.
 * Six vertices per rectangle, two triangles: TL TR BR, TL BR BL (`CORNERS`).
 * Colours are packed RGBA8 words, red in the low byte (the byte order of an RGBA8
 * pixel in memory).
 */
import type { VkShaderModule } from '../umd/handles';
import type { VkGraphicsPipelineCreateInfo } from '../umd/vk-types';

export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Packed RGBA8, red in bits 0–7. */
  readonly rgba: number;
}

export const RECT_VERTEX_STRIDE_BYTES = 12;
export const VERTICES_PER_RECT = 6;
/** (right, bottom) of each vertex of a rectangle, in draw order. */
export const CORNERS: ReadonlyArray<readonly [number, number]> = [[0, 0], [1, 0], [1, 1], [0, 0], [1, 1], [0, 1]];

export const RECT_VERTEX_SHADER = `
  ATTR r0, 0, x
  ATTR r1, 0, y
  MOVF r2, 0.0
  MOVF r3, 1.0
  OUTPOS r0
  ATTR r4, 1, x
  ATTR r5, 1, y
  ATTR r6, 1, z
  ATTR r7, 1, w
  OUTV 0, x, r4
  OUTV 0, y, r5
  OUTV 0, z, r6
  OUTV 0, w, r7
  END
`;

export const RECT_FRAGMENT_SHADER = `
  INV r0, 0, x
  INV r1, 0, y
  INV r2, 0, z
  INV r3, 0, w
  OUTC r0
  END
`;

export function rectPipelineInfo(vertexShader: VkShaderModule, fragmentShader: VkShaderModule): VkGraphicsPipelineCreateInfo {
  return {
    vertexShader, fragmentShader, varyingCount: 1,
    vertexBindings: [{ binding: 0, strideBytes: RECT_VERTEX_STRIDE_BYTES }],
    vertexAttributes: [
      { location: 0, binding: 0, format: 'R32G32_SFLOAT', offsetBytes: 0 },
      { location: 1, binding: 0, format: 'R8G8B8A8_UNORM', offsetBytes: 8 },
    ],
  };
}

export function packRgba(r: number, g: number, b: number, a = 255): number {
  return (r | (g << 8) | (b << 16) | (a << 24)) >>> 0;
}

/** A packed colour as the float clear value Vulkan takes (exact: c / 255 · 255 rounds back to c). */
export function clearValue(rgba: number): number[] {
  return [0, 8, 16, 24].map((s) => ((rgba >>> s) & 255) / 255);
}

/** NDC of pixel coordinate `px` on an axis of `extent` pixels, as the GPU computes it. */
export function ndc(px: number, extent: number): number {
  return Math.fround(px * Math.fround(2 / extent) - 1);
}

/** The vertex bytes of `rects` on a `width`×`height` target. */
export function rectVertexBytes(rects: readonly PixelRect[], width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(rects.length * VERTICES_PER_RECT * RECT_VERTEX_STRIDE_BYTES);
  const view = new DataView(bytes.buffer);
  rects.forEach((r, i) => {
    CORNERS.forEach(([right, bottom], v) => {
      const o = (i * VERTICES_PER_RECT + v) * RECT_VERTEX_STRIDE_BYTES;
      view.setFloat32(o, ndc(r.x + right * r.width, width), true);
      view.setFloat32(o + 4, ndc(r.y + bottom * r.height, height), true);
      view.setUint32(o + 8, r.rgba, true);
    });
  });
  return bytes;
}

/** CPU reference: RGBA8 pixels of `rects` drawn in order over `background`. */
export function renderRects(width: number, height: number, background: number, rects: readonly PixelRect[]): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  const words = new Uint32Array(out.buffer);
  words.fill(background);
  for (const r of rects) {
    const x1 = Math.min(width, r.x + r.width);
    const y1 = Math.min(height, r.y + r.height);
    for (let y = Math.max(0, r.y); y < y1; y++) words.fill(r.rgba, y * width + Math.max(0, r.x), y * width + x1);
  }
  return out;
}

/** Copy an RGBA8 `src` image (srcWidth wide) into `dst` (dstWidth wide) at (x, y). */
export function blit(dst: Uint8Array, dstWidth: number, src: Uint8Array, srcWidth: number, x: number, y: number): void {
  const rows = src.length / (srcWidth * 4);
  for (let row = 0; row < rows; row++) dst.set(src.subarray(row * srcWidth * 4, (row + 1) * srcWidth * 4), ((y + row) * dstWidth + x) * 4);
}

/** undefined when equal; otherwise where and how two RGBA8 images first differ. */
export function imageMismatch(got: Uint8Array, want: Uint8Array, width: number): string | undefined {
  if (got.length !== want.length) return `size ${got.length} bytes, want ${want.length}`;
  let diff = 0;
  let first = -1;
  for (let i = 0; i < want.length; i += 4) {
    if (got[i] !== want[i] || got[i + 1] !== want[i + 1] || got[i + 2] !== want[i + 2] || got[i + 3] !== want[i + 3]) {
      diff++;
      if (first < 0) first = i / 4;
    }
  }
  if (!diff) return undefined;
  const hex = (b: Uint8Array, p: number) => Array.from(b.subarray(p * 4, p * 4 + 4), (v) => v.toString(16).padStart(2, '0')).join('');
  return `${diff} pixels differ; first at (${first % width}, ${Math.floor(first / width)}): got #${hex(got, first)}, want #${hex(want, first)}`;
}
