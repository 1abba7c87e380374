/**
 * vkcube end to end: frame 0 against a committed reference, pixel for pixel; the
 * cube's shape measured independently of the reference (so a reference regenerated
 * from a broken renderer fails here); the cube turns and is lit; a run is a pure
 * function of its options and seed (frames and the event stream, byte for byte).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../cli/png';
import { frameMatrices, vkcube } from '../../engine/apps/vkcube';
import { runApp, type RunResult } from '../../engine/session';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { coverage, eventStreamHash, pixel } from './frame-checks';

const REFERENCE = new URL('../fixtures/vkcube-frame0.png', import.meta.url);
const MATERIAL = [0.95, 0.55, 0.2];

function traced(seed = 1): { result: RunResult; events: TraceEvent[] } {
  const sink = new MemorySink();
  return { result: runApp(vkcube, { frames: 3, seed, sink }), events: sink.events };
}

describe('vkcube', () => {
  let run: ReturnType<typeof traced>;
  beforeAll(() => {
    run = traced();
  });

  it('presents three 256×256 frames without error', () => {
    expect(run.result.error).toBeUndefined();
    expect(run.result.frames.map((f) => [f.frame, f.width, f.height])).toEqual([[0, 256, 256], [1, 256, 256], [2, 256, 256]]);
  });

  it('frame 0 matches the committed reference pixel for pixel', () => {
    const ref = decodePng(readFileSync(REFERENCE));
    const f = run.result.frames[0]!;
    expect([ref.width, ref.height]).toEqual([f.width, f.height]);
    expect(Buffer.from(ref.rgba).equals(Buffer.from(f.rgba))).toBe(true);
  });

  it('the reference itself shows a cube-sized, centred silhouette on the clear colour', () => {
    // Checked on the reference file, so regenerating it from a broken renderer fails.
    const ref = decodePng(readFileSync(REFERENCE));
    const c = coverage({ frame: 0, ...ref });
    expect(pixel({ frame: 0, ...ref }, 0, 0)).toEqual([20, 23, 31, 255]); // CLEAR_COLOR (0.08, 0.09, 0.12, 1)
    expect(c.fraction).toBeGreaterThan(0.2);
    expect(c.fraction).toBeLessThan(0.4);
    const w = c.maxX - c.minX + 1, h = c.maxY - c.minY + 1;
    for (const extent of [w, h]) {
      expect(extent).toBeGreaterThan(0.5 * 256);
      expect(extent).toBeLessThan(0.8 * 256);
    }
    expect(Math.abs((c.minX + c.maxX) / 2 - 128)).toBeLessThan(20);
    expect(Math.abs((c.minY + c.maxY) / 2 - 128)).toBeLessThan(20);
    // A convex silhouette nearly filling its box's width in the middle row: a solid cube, not spikes.
    const mid = Math.round((c.minY + c.maxY) / 2);
    let row = 0;
    for (let x = 0; x < 256; x++) if (pixel({ frame: 0, ...ref }, x, mid).join() !== '20,23,31,255') row++;
    expect(row).toBeGreaterThan(0.8 * w);
  });

  it('is shaded: three faces of distinct brightness, all the material colour scaled by the lighting, brightest on top', () => {
    for (const f of run.result.frames) {
      const c = coverage(f);
      const faces = c.colors.filter(([, n]) => n > 0.02 * f.width * f.height).map(([w]) => [w & 255, (w >>> 8) & 255, (w >>> 16) & 255]);
      expect(faces.length).toBe(3);
      const luma = faces.map(([r]) => r!).sort((a, b) => a - b);
      expect(luma[1]! - luma[0]!).toBeGreaterThan(10);
      expect(luma[2]! - luma[1]!).toBeGreaterThan(10);
      for (const [r, g, b] of faces) {
        const intensity = r! / (MATERIAL[0]! * 255);
        expect(intensity).toBeGreaterThanOrEqual(0.17); // ambient 0.18, minus rounding
        expect(intensity).toBeLessThanOrEqual(1);
        expect(Math.abs(g! - MATERIAL[1]! * 255 * intensity)).toBeLessThanOrEqual(1.5);
        expect(Math.abs(b! - MATERIAL[2]! * 255 * intensity)).toBeLessThanOrEqual(1.5);
      }
      // The light comes from above: just below the silhouette's top is the top face, the brightest.
      const top = pixel(f, Math.round((c.minX + c.maxX) / 2), c.minY + 6);
      expect(top[0]).toBe(luma[2]);
    }
  });

  it('turns between frames: every frame differs, the silhouette moves and the side faces change brightness', () => {
    const [f0, f1, f2] = run.result.frames;
    for (const [a, b] of [[f0!, f1!], [f1!, f2!], [f0!, f2!]] as const) expect(Buffer.from(a.rgba).equals(Buffer.from(b.rgba))).toBe(false);
    const c = run.result.frames.map(coverage);
    expect(c[1]!.minX).toBeLessThan(c[0]!.minX);
    expect(c[2]!.minX).toBeLessThan(c[1]!.minX);
    const shades = c.map((x) => x.colors.slice(0, 3).map(([w]) => w).sort().join());
    expect(new Set(shades).size).toBe(3);
  });

  it('has the real vkcube structure in its trace: one submit and one present per frame, uniforms written through the mapping', () => {
    const ioctls = (name: string) => run.events.filter((e) => e.kind === 'kmd.ioctl' && e.name === name).length;
    expect(ioctls('DRM_IOCTL_PANTHOR_GROUP_SUBMIT')).toBe(3);
    expect(run.events.filter((e) => e.kind === 'frame.present').map((e) => (e.kind === 'frame.present' ? e.frame : -1))).toEqual([0, 1, 2]);
    // Each frame's MVP reaches the GPU as a mem.write of the slot's mapped uniform buffer, before its submit.
    const uniformWrites = [0, 1, 2].map((frame) => {
      const mvp = new Uint8Array(Float32Array.from(frameMatrices(frame, 256, 256).mvp).buffer);
      const at = run.events.findIndex((e) => e.kind === 'mem.write' && e.offsetBytes === 0 && Buffer.from(e.bytes.subarray(0, 64)).equals(mvp));
      const submit = run.events.filter((e, i) => i > at && e.kind === 'kmd.ioctl' && e.name === 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT')[0];
      const present = run.events.findIndex((e) => e.kind === 'frame.present' && e.frame === frame);
      expect(at).toBeGreaterThan(0);
      expect(submit).toBeDefined();
      expect(run.events.indexOf(submit!)).toBeLessThan(present);
      const e = run.events[at]!;
      return e.kind === 'mem.write' ? e.bo : -1;
    });
    // Two frames in flight: frames 0 and 1 use different uniform buffers, frame 2 reuses frame 0's.
    expect(uniformWrites[0]).not.toBe(uniformWrites[1]);
    expect(uniformWrites[2]).toBe(uniformWrites[0]);
  });

  it('is deterministic: the same seed gives identical frames and an identical event stream', () => {
    const again = traced();
    expect(again.events.length).toBe(run.events.length);
    expect(eventStreamHash(again.events)).toBe(eventStreamHash(run.events));
    again.result.frames.forEach((f, i) => expect(Buffer.from(f.rgba).equals(Buffer.from(run.result.frames[i]!.rgba))).toBe(true));
  });

  it('a different seed moves timings, never pixels', () => {
    const other = traced(2);
    expect(eventStreamHash(other.events)).not.toBe(eventStreamHash(run.events));
    other.result.frames.forEach((f, i) => expect(Buffer.from(f.rgba).equals(Buffer.from(run.result.frames[i]!.rgba))).toBe(true));
  });

  it('an injected UMD bug shows in the frame (the reference comparison has teeth)', () => {
    const broken = runApp(vkcube, { frames: 1, inject: ['wrong-vertex-stride'] });
    expect(broken.error).toBeUndefined();
    expect(coverage(broken.frames[0]!).fraction).toBeLessThan(0.1);
  });

  it('keeps the aspect ratio at other sizes', () => {
    const wide = runApp(vkcube, { frames: 1, width: 320, height: 200 });
    const c = coverage(wide.frames[0]!);
    const w = c.maxX - c.minX + 1, h = c.maxY - c.minY + 1;
    // The reference's box is about 159×167 at 256×256; at 320×200 the cube scales with the height.
    expect(w / h).toBeGreaterThan(0.85);
    expect(w / h).toBeLessThan(1.05);
  });

  it('a failing Vulkan call ends the run with the call, the VkResult and the driver message', () => {
    const r = runApp(vkcube, { frames: 1, width: 5000, height: 8 });
    expect(r.error).toMatch(/^VkError: vkCreateImage failed with VK_ERROR_VALIDATION_FAILED_EXT: .*vkCreateImage/);
    expect(r.frames).toHaveLength(0);
  });
});
