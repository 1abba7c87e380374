/**
 * Two presented frames compared pixel by pixel, and the comparison as a heat map.
 *
 * Model
 * - A pixel differs when any of its four RGBA8 bytes differs. Frames of different
 *   sizes are compared over the area both cover; the rest counts as differing.
 * - The heat map has A's size: a differing pixel is red, brighter the larger its
 *   largest channel difference (at least 96 so one-step differences show); an
 *   equal pixel is A's grey level at a quarter brightness, so the image stays
 *   recognisable. Written with pngjs (a per-pixel compare needs nothing more).
 *
 * Example: comparePixels({ width: 2, height: 1, rgba: [0,0,0,255, 9,9,9,255] },
 *                        { width: 2, height: 1, rgba: [0,0,0,255, 9,9,8,255] })
 *   // → { differingPixels: 1, totalPixels: 2 }
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface RgbaFrame {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export function comparePixels(a: RgbaFrame, b: RgbaFrame): { differingPixels: number; totalPixels: number } {
  const total = Math.max(a.width * a.height, b.width * b.height);
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  let same = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * a.width + x) * 4;
      const j = (y * b.width + x) * 4;
      if (a.rgba[i] === b.rgba[j] && a.rgba[i + 1] === b.rgba[j + 1] && a.rgba[i + 2] === b.rgba[j + 2] && a.rgba[i + 3] === b.rgba[j + 3]) same++;
    }
  }
  return { differingPixels: total - same, totalPixels: total };
}

export function heatmapRgba(a: RgbaFrame, b: RgbaFrame): Uint8Array {
  const out = new Uint8Array(a.width * a.height * 4);
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4;
      const inB = x < b.width && y < b.height;
      const j = (y * b.width + x) * 4;
      let d = inB ? 0 : 255;
      if (inB) for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a.rgba[i + c]! - b.rgba[j + c]!));
      if (d > 0) {
        out[i] = Math.max(96, d);
        out[i + 1] = 0;
        out[i + 2] = 0;
      } else {
        const grey = ((a.rgba[i]! + a.rgba[i + 1]! + a.rgba[i + 2]!) / 3) >> 2;
        out[i] = out[i + 1] = out[i + 2] = grey;
      }
      out[i + 3] = 255;
    }
  }
  return out;
}

export function writeHeatmapPng(path: string, a: RgbaFrame, b: RgbaFrame): void {
  const png = new PNG({ width: a.width, height: a.height });
  png.data = Buffer.from(heatmapRgba(a, b));
  writeFileSync(path, PNG.sync.write(png, { colorType: 6 }));
}
