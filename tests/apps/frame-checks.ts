/**
 * Pixel measurements the app tests share: what a frame covers (pixels that differ
 * from the background, taken as the top-left pixel), the silhouette's bounding box
 * and the distinct colours inside it, and a canonical hash of an event stream.
 */
import { createHash } from 'node:crypto';
import type { TraceEvent } from '../../engine/trace/events';
import type { PresentedFrame } from '../../engine/umd/swapchain';

export interface Coverage {
  /** Covered pixels ÷ all pixels. */
  readonly fraction: number;
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
  /** Covered pixels per distinct RGBA word, most frequent first. */
  readonly colors: ReadonlyArray<readonly [rgba: number, pixels: number]>;
}

export function pixel(f: PresentedFrame, x: number, y: number): [number, number, number, number] {
  const i = (y * f.width + x) * 4;
  return [f.rgba[i]!, f.rgba[i + 1]!, f.rgba[i + 2]!, f.rgba[i + 3]!];
}

export function coverage(f: PresentedFrame): Coverage {
  const bytes = f.rgba.byteOffset % 4 === 0 ? f.rgba : f.rgba.slice();
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, f.width * f.height);
  const background = words[0]!;
  const colors = new Map<number, number>();
  let covered = 0, minX = f.width, maxX = -1, minY = f.height, maxY = -1;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const w = words[y * f.width + x]!;
      if (w === background) continue;
      covered++;
      colors.set(w, (colors.get(w) ?? 0) + 1);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { fraction: covered / (f.width * f.height), minX, maxX, minY, maxY, colors: [...colors].sort((a, b) => b[1] - a[1]) };
}

/** Canonical text of an event stream (Uint8Array → hex), hashed. */
export function eventStreamHash(events: readonly TraceEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) {
    h.update(JSON.stringify(e, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value)));
    h.update('\n');
  }
  return h.digest('hex');
}
