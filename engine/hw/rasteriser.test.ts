import { describe, expect, it } from 'vitest';
import { FlatMemoryPort } from './flat-memory-port';
import type { DrawDesc } from './job-descriptors';
import { runDraw, type DrawResult } from './rasteriser';
import { assembleShader } from './shader-isa';

const VS_VA = 0x1000, FS_VA = 0x1800, PUSH_VA = 0x2000, INDEX_VA = 0x3000, VB_VA = 0x4000, VB2_VA = 0x8000;
const COLOR_VA = 0x1_0000, DEPTH_VA = 0x2_0000;

/** Vertex = clip position (attr 0, f32x4) and colour (attr 1, f32x4, → varying 0). */
const PASS_VS = `
  ATTR r0, 0, x
  ATTR r1, 0, y
  ATTR r2, 0, z
  ATTR r3, 0, w
  OUTPOS r0
  ATTR r4, 1, x
  ATTR r5, 1, y
  ATTR r6, 1, z
  ATTR r7, 1, w
  OUTV 0, x, r4
  OUTV 0, y, r5
  OUTV 0, z, r6
  OUTV 0, w, r7
  END`;
const PASS_FS = 'INV r0, 0, x\nINV r1, 0, y\nINV r2, 0, z\nINV r3, 0, w\nOUTC r0\nEND';

type Rgba = readonly [number, number, number, number];
type Vertex = readonly [px: number, py: number, z: number, w: number, color: Rgba];

class Target {
  readonly mem = new FlatMemoryPort(0x4_0000);
  constructor(readonly width: number, readonly height: number) {
    for (let i = 0; i < width * height; i++) this.mem.writeF32s(DEPTH_VA + i * 4, [1]);
  }

  /** Window position (pixels) → clip coordinates for a full-target viewport. */
  clip(px: number, py: number, z: number, w: number): number[] {
    return [(px / this.width * 2 - 1) * w, (py / this.height * 2 - 1) * w, z * w, w];
  }

  draw(vertices: readonly Vertex[], over: Partial<DrawDesc> = {}, vs = PASS_VS, fs = PASS_FS): DrawResult {
    this.mem.writeBytes(VS_VA, assembleShader(vs));
    this.mem.writeBytes(FS_VA, assembleShader(fs));
    vertices.forEach(([px, py, z, w, color], i) => this.mem.writeF32s(VB_VA + i * 32, [...this.clip(px, py, z, w), ...color]));
    return runDraw(this.mem, this.desc(vertices.length, over));
  }

  desc(vertexCount: number, over: Partial<DrawDesc> = {}): DrawDesc {
    return {
      vertexCount, instanceCount: 1, firstVertex: 0, firstInstance: 0, indexType: 'none', indexBufferVa: 0,
      vertexShaderVa: VS_VA, fragmentShaderVa: FS_VA, pushConstantsVa: PUSH_VA, pushConstantsSizeBytes: 0, varyingCount: 1,
      viewportX: 0, viewportY: 0, viewportWidth: this.width, viewportHeight: this.height, viewportMinDepth: 0, viewportMaxDepth: 1,
      cullMode: 'none', frontFace: 'ccw',
      colorVa: COLOR_VA, colorWidth: this.width, colorHeight: this.height, colorRowPitchBytes: this.width * 4,
      depthVa: DEPTH_VA, depthRowPitchBytes: this.width * 4, depthTestEnable: false, depthWriteEnable: false, depthCompare: 'less',
      colorWriteMask: 15, blendMode: 'none',
      bindings: [{ va: VB_VA, strideBytes: 32, inputRate: 'vertex' }],
      attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x4' }, { binding: 0, offsetBytes: 16, format: 'f32x4' }],
      ...over,
    };
  }

  pixel(x: number, y: number): Rgba {
    const v = this.mem.load32(COLOR_VA + (y * this.width + x) * 4);
    return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
  }

  depth(x: number, y: number): number {
    return this.mem.readF32(DEPTH_VA + (y * this.width + x) * 4);
  }

  /** The red channel of every pixel, row by row. */
  reds(): number[][] {
    return Array.from({ length: this.height }, (_, y) => Array.from({ length: this.width }, (_, x) => this.pixel(x, y)[0]));
  }
}

const QUARTER: Rgba = [0.25, 0, 0, 0]; // additive: 1 coverage → 64, 2 → 128
const v = (px: number, py: number, color: Rgba = QUARTER, z = 0.5, w = 1): Vertex => [px, py, z, w, color];
const grid = (w: number, h: number, inside: (x: number, y: number) => boolean): number[][] =>
  Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => (inside(x, y) ? 64 : 0)));

describe('rasteriser coverage', () => {
  it('draws a quad split on its diagonal with every pixel exactly once (top-left rule)', () => {
    for (const flip of [false, true]) {
      const t = new Target(8, 8);
      const [a, b, c, d] = [v(1.5, 1.5), v(5.5, 1.5), v(5.5, 5.5), v(1.5, 5.5)];
      const tris = flip ? [a, c, b, a, d, c] : [a, b, c, a, c, d];
      const r = t.draw(tris, { blendMode: 'additive' });
      // Edges through pixel centres: left/top included, right/bottom excluded, diagonal once.
      expect(t.reds()).toEqual(grid(8, 8, (x, y) => x >= 1 && x <= 4 && y >= 1 && y <= 4));
      expect(r).toMatchObject({ vertices: 6, pixelsShaded: 16, pixelsWritten: 16, hung: false });
    }
  });

  it('covers a pixel-centre vertex shared by a fan of four triangles exactly once', () => {
    const t = new Target(8, 8);
    const [c, tl, tr, br, bl] = [v(4.5, 4.5), v(0.5, 0.5), v(7.5, 0.5), v(7.5, 7.5), v(0.5, 7.5)];
    const r = t.draw([c, tl, tr, c, tr, br, c, br, bl, c, bl, tl], { blendMode: 'additive' });
    expect(t.reds()).toEqual(grid(8, 8, (x, y) => x <= 6 && y <= 6));
    expect(r.pixelsShaded).toBe(49);
  });

  it('leaves no gap and no overlap in a jittered mesh (not snapped to the subpixel grid)', () => {
    const t = new Target(32, 24);
    const jitter = [0, 0.5, -0.5, 0.37, -1.21, 1, 0.0042, -0.75];
    let seed = 7;
    const next = (): number => jitter[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % jitter.length]!;
    const n = 6, pts: Vertex[][] = [];
    for (let j = 0; j <= n; j++) {
      pts.push([]);
      for (let i = 0; i <= n; i++) {
        const inner = i > 0 && i < n && j > 0 && j < n;
        pts[j]!.push(v((i * 32) / n + (inner ? next() : 0), (j * 24) / n + (inner ? next() : 0)));
      }
    }
    const tris: Vertex[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const [a, b, c, d] = [pts[j]![i]!, pts[j]![i + 1]!, pts[j + 1]![i + 1]!, pts[j + 1]![i]!];
        tris.push(...((i + j) % 2 ? [a, b, c, a, c, d] : [a, b, d, b, c, d]));
      }
    }
    const r = t.draw(tris, { blendMode: 'additive' });
    expect(t.reds()).toEqual(grid(32, 24, () => true));
    expect(r.pixelsWritten).toBe(32 * 24);
  });

  it('clips huge triangles against the guard band without cracks', () => {
    const t = new Target(16, 16);
    const far = 1e7;
    const r = t.draw([v(-far, -far), v(far, -far), v(far, far), v(-far, -far), v(far, far), v(-far, far)], { blendMode: 'additive' });
    expect(t.reds()).toEqual(grid(16, 16, () => true));
    expect(r.pixelsShaded).toBe(256);
  });

  it('drops triangles with NaN or infinite positions without drawing garbage', () => {
    const t = new Target(8, 8);
    expect(t.draw([v(NaN, 1), v(7, 1), v(1, 7)]).pixelsShaded).toBe(0);
    const r = t.draw([v(Infinity, 1), v(7, 1), v(1, 7), v(1, 1), v(7, -Infinity), v(1, 7)]);
    expect(r.hung).toBe(false);
    expect(r.pixelsShaded).toBeLessThanOrEqual(64);
  });

  it('generates pixels only inside the viewport rectangle', () => {
    const t = new Target(8, 8);
    t.draw([v(0, 0), v(8, 0), v(8, 8), v(0, 0), v(8, 8), v(0, 8)], { viewportX: 2, viewportY: 3, viewportWidth: 4, viewportHeight: 2, blendMode: 'additive' });
    expect(t.reds()).toEqual(grid(8, 8, (x, y) => x >= 2 && x <= 5 && y >= 3 && y <= 4));
  });

  it('culls by winding: clockwise on screen is back-facing with frontFace ccw', () => {
    const cwTriangle = [v(1, 1), v(7, 1), v(1, 7)];
    const count = (over: Partial<DrawDesc>): number => new Target(8, 8).draw(cwTriangle, over).pixelsShaded;
    expect(count({ cullMode: 'back', frontFace: 'ccw' })).toBe(0);
    expect(count({ cullMode: 'front', frontFace: 'ccw' })).toBe(15);
    expect(count({ cullMode: 'back', frontFace: 'cw' })).toBe(15);
    expect(count({ cullMode: 'none' })).toBe(15);
    const t = new Target(8, 8);
    t.draw(cwTriangle, { frontFace: 'cw' }, PASS_VS, 'S2R r0, FRONT_FACING\nI2F r0, r0\nOUTC r0\nEND');
    expect(t.pixel(2, 2)).toEqual([255, 0, 0, 0]);
  });
});

describe('rasteriser depth, interpolation and output merger', () => {
  it('keeps the nearest triangle regardless of draw order', () => {
    const quad = (z: number, color: Rgba): Vertex[] => [v(0, 0, color, z), v(8, 0, color, z), v(8, 8, color, z), v(0, 0, color, z), v(8, 8, color, z), v(0, 8, color, z)];
    const red: Rgba = [1, 0, 0, 1], green: Rgba = [0, 1, 0, 1];
    const depthOn = { depthTestEnable: true, depthWriteEnable: true, depthCompare: 'less' } as const;
    for (const order of [[0.2, 0.8], [0.8, 0.2]]) {
      const t = new Target(8, 8);
      const r = t.draw(order.flatMap((z) => quad(z, z === 0.2 ? red : green)), depthOn);
      for (let i = 0; i < 64; i++) expect(t.pixel(i % 8, i >> 3)).toEqual([255, 0, 0, 255]);
      expect(t.depth(3, 5)).toBe(Math.fround(0.2));
      expect(r.pixelsWritten).toBe(order[0] === 0.2 ? 64 : 128);
    }
    const t = new Target(8, 8);
    t.draw(quad(0.2, red), { ...depthOn, viewportMinDepth: 0.5, viewportMaxDepth: 1 });
    expect(t.depth(0, 0)).toBe(Math.fround(0.6));
  });

  it('interpolates varyings perspective-correctly', () => {
    const t = new Target(16, 16);
    const r = t.draw([v(0, 0, [0, 0, 0, 1], 0.5, 1), v(16, 0, [1, 0, 0, 1], 0.5, 4), v(0, 16, [0, 0, 0, 1], 0.5, 1)]);
    let maxAffineError = 0;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16 - y - 1; x++) {
        const l1 = (x + 0.5) / 16, l2 = (y + 0.5) / 16, l0 = 1 - l1 - l2;
        const u = l1 / 4 / (l0 + l1 / 4 + l2);
        expect(Math.abs(t.pixel(x, y)[0] - Math.round(u * 255)), `pixel ${x},${y} got ${t.pixel(x, y)} want ${u * 255} affine ${l1 * 255}`).toBeLessThanOrEqual(1);
        maxAffineError = Math.max(maxAffineError, Math.abs(t.pixel(x, y)[0] - l1 * 255));
      }
    }
    expect(maxAffineError).toBeGreaterThan(50);
    expect(r.pixelsShaded).toBe(120);
  });

  it('clips at the near plane (z < 0) and interpolates depth across the cut', () => {
    const t = new Target(16, 4);
    const left = (py: number): Vertex => [0, py, 0, 1, QUARTER], right = (py: number): Vertex => [16, py, 0, 1, QUARTER];
    // z runs from -1 (x = 0) to +1 (x = 16): the left half is behind the near plane.
    const vb = [left(0), right(0), right(4), left(0), right(4), left(4)];
    t.mem.writeBytes(VS_VA, assembleShader(PASS_VS));
    t.mem.writeBytes(FS_VA, assembleShader(PASS_FS));
    vb.forEach(([px, py, , , color], i) => t.mem.writeF32s(VB_VA + i * 32, [px / 8 - 1, py / 2 - 1, px / 8 - 1, 1, ...color]));
    runDraw(t.mem, t.desc(6, { depthTestEnable: true, depthWriteEnable: true, depthCompare: 'always' }));
    expect(t.reds()).toEqual(grid(16, 4, (x) => x >= 8));
    expect(t.depth(12, 1)).toBe(0.5625);
    expect(new Target(8, 8).draw([v(1, 1, QUARTER, 0.5, -1), v(7, 1, QUARTER, 0.5, -1), v(1, 7, QUARTER, 0.5, -1)]).pixelsShaded).toBe(0);
  });

  it('clips a floor triangle that passes behind the eye instead of projecting it through it', () => {
    // Eye space: y down, looking along +z; clip = (x, y, z - 0.1, z). The floor y = 1
    // only ever appears in the lower half of the screen; C is behind the eye.
    const t = new Target(32, 32);
    const eye = [[-1, 1, 2], [1, 1, 2], [0, 1, -2]] as const;
    t.mem.writeBytes(VS_VA, assembleShader(PASS_VS));
    t.mem.writeBytes(FS_VA, assembleShader(PASS_FS));
    eye.forEach(([x, y, z], i) => t.mem.writeF32s(VB_VA + i * 32, [x, y, z - 0.1, z, 1, 0, 0, 1]));
    runDraw(t.mem, t.desc(3));
    const side = (ax: number, az: number, bx: number, bz: number, px: number, pz: number): number => (bx - ax) * (pz - az) - (bz - az) * (px - ax);
    let mismatches = 0, covered = 0;
    for (let py = 0; py < 32; py++) {
      for (let px = 0; px < 32; px++) {
        const xn = (px + 0.5) / 16 - 1, yn = (py + 0.5) / 16 - 1;
        const z = 1 / yn, x = xn * z; // where the pixel's ray meets the floor
        const s = [side(-1, 2, 1, 2, x, z), side(1, 2, 0, -2, x, z), side(0, -2, -1, 2, x, z)];
        const inside = yn > 0 && z >= 0.1 && (s.every((e) => e > 0) || s.every((e) => e < 0));
        const drawn = t.pixel(px, py)[0] === 255;
        if (drawn) covered++;
        if (drawn !== inside && Math.min(...s.map(Math.abs)) > 0.05) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(covered).toBeGreaterThan(100);
    expect(t.reds().slice(0, 16).flat().every((r) => r === 0)).toBe(true);
  });

  it('discards killed fragments before depth write (late depth test)', () => {
    const t = new Target(8, 8);
    const killLeft = 'S2R r0, FRAG_X\nMOVF r1, 4.0f\nFCMP r2, r0, r1, LT\nBRZ r2, keep\nKILL\nkeep: MOVF r4, 1.0f\nMOV r7, r4\nOUTC r4\nEND';
    const r = t.draw([v(0, 0), v(8, 0), v(8, 8), v(0, 0), v(8, 8), v(0, 8)], { depthTestEnable: true, depthWriteEnable: true }, PASS_VS, killLeft);
    expect(t.pixel(2, 2)).toEqual([0, 0, 0, 0]);
    expect(t.pixel(5, 2)).toEqual([255, 0, 0, 255]);
    expect([t.depth(2, 2), t.depth(5, 2)]).toEqual([1, 0.5]);
    expect(r).toMatchObject({ pixelsShaded: 64, pixelsWritten: 32 });
  });

  it('blends src-alpha / one-minus-src-alpha under the write mask, rounding to nearest', () => {
    const t = new Target(4, 4);
    for (let i = 0; i < 16; i++) t.mem.store32(COLOR_VA + i * 4, 0xffff0000);
    t.draw([v(0, 0, [1, 0.5, 0, 0.5]), v(4, 0, [1, 0.5, 0, 0.5]), v(0, 4, [1, 0.5, 0, 0.5])], { blendMode: 'alpha', colorWriteMask: 0b0111 });
    expect(t.pixel(0, 0)).toEqual([128, 64, 128, 255]);
    expect(t.pixel(3, 3)).toEqual([0, 0, 255, 255]);
  });

  it('fetches indexed, interleaved and u8x4norm vertices through a vertex cache', () => {
    const t = new Target(8, 8);
    t.mem.writeBytes(VS_VA, assembleShader(PASS_VS));
    t.mem.writeBytes(FS_VA, assembleShader(PASS_FS));
    // Binding 0: position at offset 4 of a 24-byte element; binding 1: packed RGBA8.
    [[0, 0], [8, 0], [8, 8], [0, 8]].forEach(([px, py], i) => {
      t.mem.writeF32s(VB_VA + (i + 2) * 24 + 4, t.clip(px!, py!, 0.5, 1));
      t.mem.store32(VB2_VA + (i + 2) * 4, 0xff1ec80a);
    });
    t.mem.writeU32s(INDEX_VA, [0x0001_0000, 0x0000_0002, 0x0003_0002]); // u16: 0 1 2 0 2 3
    const r = runDraw(t.mem, t.desc(6, {
      indexType: 'u16', indexBufferVa: INDEX_VA, firstVertex: 2,
      bindings: [{ va: VB_VA, strideBytes: 24, inputRate: 'vertex' }, { va: VB2_VA, strideBytes: 4, inputRate: 'vertex' }],
      attributes: [{ binding: 0, offsetBytes: 4, format: 'f32x4' }, { binding: 1, offsetBytes: 0, format: 'u8x4norm' }],
    }));
    expect(t.pixel(3, 6)).toEqual([10, 200, 30, 255]);
    expect(r).toMatchObject({ vertices: 4, pixelsShaded: 64 });
  });

  it('steps per-instance attributes by instance index', () => {
    const t = new Target(8, 4);
    const vs = PASS_VS.replace('OUTPOS r0', 'ATTR r8, 2, x\nFADD r0, r0, r8\nOUTPOS r0');
    t.mem.writeF32s(VB2_VA, [0, 1]); // instance 0 at x offset 0, instance 1 shifted by half the target
    const r = t.draw([v(0, 0), v(4, 0), v(4, 4), v(0, 0), v(4, 4), v(0, 4)], {
      instanceCount: 2, blendMode: 'additive',
      bindings: [{ va: VB_VA, strideBytes: 32, inputRate: 'vertex' }, { va: VB2_VA, strideBytes: 4, inputRate: 'instance' }],
      attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x4' }, { binding: 0, offsetBytes: 16, format: 'f32x4' }, { binding: 1, offsetBytes: 0, format: 'f32x1' }],
    }, vs);
    expect(t.reds()).toEqual(grid(8, 4, () => true));
    expect(r.vertices).toBe(12);
  });

  it('ends the draw with hung when a fragment invocation exceeds its budget', () => {
    const t = new Target(4, 4);
    t.mem.writeBytes(VS_VA, assembleShader(PASS_VS));
    t.mem.writeBytes(FS_VA, assembleShader('spin: BRA spin\nEND'));
    [[0, 0], [4, 0], [0, 4]].forEach(([px, py], i) => t.mem.writeF32s(VB_VA + i * 32, t.clip(px!, py!, 0.5, 1)));
    const r = runDraw(t.mem, t.desc(3), { instructionBudget: 500 });
    expect(r).toEqual({ vertices: 3, vertexInstructions: 3 * 14, fragmentInstructions: 500, pixelsShaded: 1, pixelsWritten: 0, hung: true });
  });
});
