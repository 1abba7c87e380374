/**
 * Which image a BO holds, from the capture: the sizes of the swapchains and images
 * the app created up to an event (vkCreateSwapchainKHR / vkCreateImage arguments),
 * and which of them fit a BO — RGBA8 pixels that fill it with less than a page to
 * spare. Moved here from cli/state.ts so `tracefold state --image` and the API's BO
 * image view size a BO the same way.
 *
 * Example:
 *   imageSizeFor(reader, 421, 16384)   // → { width: 64, height: 64 }
 *   imageSizeFor(reader, 421, 100)     // → { error: 'cannot tell the image size of a 100-byte BO: no image the app created fits it; give --width and --height' }
 */
import type { CaptureReader } from './capture/reader';

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Distinct sizes of the images and swapchains created at or before `seq`. */
export function imageSizes(reader: CaptureReader, seq: number): ImageSize[] | { error: string } {
  const r = reader.query(
    `SELECT args FROM events WHERE kind = 'api.call' AND object IN ('api:vkCreateSwapchainKHR', 'api:vkCreateImage') AND seq <= ? ORDER BY seq`, [seq]);
  if (!r.ok) return { error: `reading image sizes: ${r.error.message}` };
  const sizes = new Map<string, ImageSize>();
  for (const [args] of r.value.rows) {
    let info: { width?: unknown; height?: unknown } | undefined;
    try {
      info = (JSON.parse(String(args)) as { args?: unknown[] }).args?.[1] as typeof info;
    } catch {
      continue;
    }
    const w = Number(info?.width);
    const h = Number(info?.height);
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) continue;
    sizes.set(`${w}x${h}`, { width: w, height: h });
  }
  return [...sizes.values()];
}

/** The sizes among `sizes` whose RGBA8 pixels fill a `sizeBytes` BO with less than a page to spare. */
export function fittingSizes(sizes: readonly ImageSize[], sizeBytes: number): ImageSize[] {
  return sizes.filter((s) => {
    const need = s.width * s.height * 4;
    return need <= sizeBytes && sizeBytes - need < 4096;
  });
}

/**
 * The size of the image a BO of `sizeBytes` holds, from the images the app created
 * up to `seq`: one size that fits, or an error asking for --width/--height.
 */
export function imageSizeFor(reader: CaptureReader, seq: number, sizeBytes: number): ImageSize | { error: string } {
  const all = imageSizes(reader, seq);
  if ('error' in all) return all;
  const fit = fittingSizes(all, sizeBytes);
  if (fit.length !== 1) {
    const what = fit.length ? `several images fit it (${fit.map((s) => `${s.width}x${s.height}`).join(', ')})` : 'no image the app created fits it';
    return { error: `cannot tell the image size of a ${sizeBytes}-byte BO: ${what}; give --width and --height` };
  }
  return fit[0]!;
}
