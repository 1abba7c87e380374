/**
 * DRAW through the whole stack: a command stream clears a colour target with FILL
 * and draws a 32×32 square as two triangles whose shared diagonal and outer edges
 * pass exactly through pixel centres. With additive blending a pixel drawn twice
 * would show double intensity, so the test proves the fill rule covers every edge
 * pixel exactly once — inside, outside and on the edges.
 */
import { describe, expect, it } from 'vitest';
import { encodeCs } from '../../engine/hw/cs-isa';
import { encodeDrawDesc, type DrawDesc } from '../../engine/hw/job-descriptors';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';

const W = 64;
const H = 64;
const VA = { color: 0x10_0000, vbo: 0x20_0000, code: 0x30_0000, desc: 0x40_0000, stream: 0x50_0000 };

const vertexShader = assembleShader(`
  ATTR r0, 0, x
  ATTR r1, 0, y
  MOVF r2, 0.5
  MOVF r3, 1.0
  OUTPOS r0
  LDPC r4, 0
  OUTV 0, x, r4
  END
`);

const fragmentShader = assembleShader(`
  INV r0, 0, x
  MOVF r1, 0.0
  MOVF r2, 0.0
  MOVF r3, 0.0
  OUTC r0
  END
`);

/** Window coordinates → NDC for a W×H viewport at the origin. */
const ndc = (x: number, y: number): [number, number] => [(x / W) * 2 - 1, (y / H) * 2 - 1];

export function drawSquare(c: Client, options: { blend: DrawDesc['blendMode'] } = { blend: 'additive' }): Uint8Array {
  const vm = c.vmCreate();
  const color = c.buffer(vm, VA.color, W * H * 4);
  const vbo = c.buffer(vm, VA.vbo, 4096);
  const code = c.buffer(vm, VA.code, 4096, U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY);
  const desc = c.buffer(vm, VA.desc, 4096, U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC);
  const stream = c.buffer(vm, VA.stream, 4096);

  const corners = [[8.5, 8.5], [40.5, 8.5], [40.5, 40.5], [8.5, 8.5], [40.5, 40.5], [8.5, 40.5]] as const;
  const verts = new Float32Array(corners.flatMap(([x, y]) => ndc(x, y)));
  c.write(vbo.cpu, new Uint8Array(verts.buffer));
  c.write(code.cpu, vertexShader);
  c.write(code.cpu + 1024, fragmentShader);
  c.write(desc.cpu + 2048, new Uint8Array(new Float32Array([0.25]).buffer));
  c.write(desc.cpu, encodeDrawDesc({
    vertexCount: 6, instanceCount: 1, firstVertex: 0, firstInstance: 0, indexType: 'none', indexBufferVa: 0,
    vertexShaderVa: VA.code, fragmentShaderVa: VA.code + 1024, pushConstantsVa: VA.desc + 2048, pushConstantsSizeBytes: 4,
    varyingCount: 1, viewportX: 0, viewportY: 0, viewportWidth: W, viewportHeight: H, viewportMinDepth: 0, viewportMaxDepth: 1,
    cullMode: 'none', frontFace: 'ccw', colorVa: VA.color, colorWidth: W, colorHeight: H, colorRowPitchBytes: W * 4,
    depthRowPitchBytes: 0, depthVa: 0, depthTestEnable: false, depthWriteEnable: false, depthCompare: 'always',
    colorWriteMask: 0xf, blendMode: options.blend,
    bindings: [{ va: VA.vbo, strideBytes: 8, inputRate: 'vertex' }],
    attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x2' }],
  }));
  const cs = encodeCs([
    ['MOV48', { d: 0, imm: VA.color }],
    ['MOV48', { d: 2, imm: W * H * 4 }],
    ['MOV32', { r: 4, imm: 0 }],
    ['FILL', { dst: 0, size: 2, value: 4 }],
    ['BARRIER'],
    ['MOV48', { d: 6, imm: VA.desc }],
    ['DRAW', { desc: 6 }],
  ]);
  c.write(stream.cpu, cs);
  const group = c.groupCreate(vm);
  const done = c.syncobjCreate();
  c.submit(group, 0, VA.stream, cs.length, { signal: [done] });
  c.wait([done], { timeoutNs: 100e6 });
  expect(c.groupState(group).state).toBe(0);
  return c.read(color.cpu, W * H * 4);
}

describe('DRAW through the KMD', () => {
  it('covers the square exactly once: inside, outside and on every edge', () => {
    const pixels = drawSquare(Client.create());
    const red = (x: number, y: number): number => pixels[(y * W + x) * 4]!;
    expect(red(24, 24)).toBe(64); // inside
    expect(red(2, 2)).toBe(0); // outside
    expect(red(50, 20)).toBe(0);
    for (let i = 8; i < 40; i++) expect(red(i, i), `diagonal pixel ${i}`).toBe(64); // shared edge: once, not twice
    // Top and left edges (through pixel centres) are in, bottom and right edges out: top-left rule.
    for (let i = 8; i < 40; i++) {
      expect(red(8, i), `left edge ${i}`).toBe(64);
      expect(red(i, 8), `top edge ${i}`).toBe(64);
      expect(red(40, i), `right edge ${i}`).toBe(0);
      expect(red(i, 40), `bottom edge ${i}`).toBe(0);
    }
    let covered = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r = red(x, y);
        expect([0, 64]).toContain(r);
        if (r) covered++;
      }
    }
    expect(covered).toBe(32 * 32);
  });
});
