/**
 * triangle: the rasterised triangle has the area its vertices give, its apex at the
 * top (Vulkan: −y in NDC is up the screen), a pure colour near each corner and the
 * average of the three at its centroid.
 */
import { describe, expect, it } from 'vitest';
import { TRIANGLE_VERTICES, triangle } from '../../engine/apps/triangle';
import { runApp } from '../../engine/session';
import { coverage, pixel } from './frame-checks';

const SIZE = 128;
/** Vertex i in window coordinates for a SIZE×SIZE viewport. */
const corner = (i: number): [number, number] => [(TRIANGLE_VERTICES[i * 5]! + 1) * SIZE / 2, (TRIANGLE_VERTICES[i * 5 + 1]! + 1) * SIZE / 2];

describe('triangle', () => {
  const r = runApp(triangle, { width: SIZE, height: SIZE });

  it('presents one frame without error', () => {
    expect(r.error).toBeUndefined();
    expect(r.frames).toHaveLength(1);
  });

  it('covers the area its vertices span, apex up', () => {
    const f = r.frames[0]!;
    const c = coverage(f);
    const [[ax, ay], [bx, by], [cx, cy]] = [corner(0), corner(1), corner(2)];
    const area = Math.abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2;
    expect(Math.abs(c.fraction * SIZE * SIZE - area)).toBeLessThan(SIZE); // edge pixels only
    expect(c.minY).toBeGreaterThanOrEqual(Math.floor(ay)); // a sharp apex covers a pixel centre a row or two below it
    expect(c.minY).toBeLessThanOrEqual(ay + 2);
    expect(c.maxY).toBe(Math.ceil(by - 0.5) - 1); // bottom edge y = by; centres strictly above it
    // Rows widen downwards: the apex is the top of the image.
    const rowWidth = (y: number) => Array.from({ length: SIZE }, (_, x) => pixel(f, x, y)).filter((p) => p.join() !== pixel(f, 0, 0).join()).length;
    expect(rowWidth(c.minY + 10)).toBeLessThan(rowWidth(c.maxY - 10));
  });

  it('interpolates the corner colours: red at the top, green bottom right, blue bottom left, grey in the middle', () => {
    const f = r.frames[0]!;
    const near = (i: number): [number, number, number, number] => {
      const [x, y] = corner(i);
      const [gx, gy] = [SIZE / 2, (corner(0)[1] + corner(1)[1] + corner(2)[1]) / 3];
      return pixel(f, Math.floor(x + (gx - x) * 0.08), Math.floor(y + (gy - y) * 0.08));
    };
    const dominant = (p: number[]) => p.slice(0, 3).indexOf(Math.max(...p.slice(0, 3)));
    expect(dominant(near(0))).toBe(0);
    expect(dominant(near(1))).toBe(1);
    expect(dominant(near(2))).toBe(2);
    const centroid = pixel(f, Math.floor(SIZE / 2), Math.floor((corner(0)[1] + corner(1)[1] + corner(2)[1]) / 3));
    for (const ch of centroid.slice(0, 3)) expect(Math.abs(ch - 85)).toBeLessThanOrEqual(4);
    expect(centroid[3]).toBe(255);
  });
});
