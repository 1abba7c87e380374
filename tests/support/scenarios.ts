/**
 * Reusable scenarios for tests: small, fully specified GPU workloads built through
 * the IGT-style client, with the bytes they must produce.
 */
import { userStream } from './streams';
import { encodeCs } from '../../engine/hw/cs-isa';
import { encodeDispatchDesc, encodeDrawDesc, type DrawDesc } from '../../engine/hw/job-descriptors';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import { ensure, type Client } from './client';

const PAGE = 4096;
export const N = 1024; // 32-bit elements

export const scaleShader = assembleShader(`
  S2R r0, GID_X
  LDPC r2, 0        ; src lo
  LDPC r3, 1        ; src hi
  LDPC r4, 2        ; dst lo
  LDPC r5, 3        ; dst hi
  MOVI r6, 4
  IMUL r7, r0, r6   ; byte offset
  IADD r2, r2, r7
  IADD r4, r4, r7
  LD32 r8, d2, 0
  MOVI r9, 3
  IMUL r8, r8, r9
  IADDI r8, r8, 7
  ST32 d4, r8, 0
  END
`);

export function setUpCopyCompute(c: Client) {
  const vm = c.vmCreate();
  const src = c.buffer(vm, 0x10_0000, N * 4);
  const mid = c.buffer(vm, 0x20_0000, N * 4);
  const out = c.buffer(vm, 0x30_0000, N * 4);
  const code = c.buffer(vm, 0x40_0000, PAGE, U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY);
  const desc = c.buffer(vm, 0x50_0000, PAGE, U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC);
  const stream = c.buffer(vm, 0x60_0000, PAGE);

  const input = new Uint8Array(N * 4);
  const view = new DataView(input.buffer);
  for (let i = 0; i < N; i++) view.setUint32(i * 4, (i * 2654435761) >>> 0, true);
  c.write(src.cpu, input);
  c.write(code.cpu, scaleShader);
  const push = new Uint8Array(16);
  const pv = new DataView(push.buffer);
  pv.setUint32(0, 0x20_0000, true);
  pv.setUint32(8, 0x30_0000, true);
  c.write(desc.cpu + 256, push);
  c.write(desc.cpu, encodeDispatchDesc({
    shaderVa: 0x40_0000, pushConstantsVa: 0x50_0000 + 256, pushConstantsSizeBytes: 16,
    localSizeX: 64, localSizeY: 1, localSizeZ: 1, groupCountX: N / 64, groupCountY: 1, groupCountZ: 1,
  }));
  const cs = userStream([
    ['MOV48', { d: 0, imm: 0x20_0000 }],
    ['MOV48', { d: 2, imm: 0x10_0000 }],
    ['MOV48', { d: 4, imm: N * 4 }],
    ['COPY', { dst: 0, src: 2, size: 4 }],
    ['BARRIER'],
    ['MOV48', { d: 6, imm: 0x50_0000 }],
    ['DISPATCH', { desc: 6 }],
  ]);
  c.write(stream.cpu, cs);
  const expected = new Uint8Array(N * 4);
  const ev = new DataView(expected.buffer);
  for (let i = 0; i < N; i++) ev.setUint32(i * 4, (Math.imul(view.getUint32(i * 4, true), 3) + 7) >>> 0, true);
  return { vm, src, mid, out, stream, streamSize: cs.length, input, expected };
}


export const W = 64;
export const H = 64;
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
  const cs = userStream([
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
  ensure(c.groupState(group).state === 0, 'draw group faulted');
  return c.read(color.cpu, W * H * 4);
}


const gradientVertexShader = assembleShader(`
  ATTR r0, 0, x
  ATTR r1, 0, y
  MOVF r2, 0.5
  MOVF r3, 1.0
  OUTPOS r0
  OUTV 0, x, r0
  OUTV 0, y, r1
  END
`);

const gradientFragmentShader = assembleShader(`
  INV r0, 0, x
  INV r1, 0, y
  MOVF r2, 0.5
  MOVF r3, 1.0
  OUTC r0
  END
`);

/**
 * A full-target quad with an interpolated colour and depth test + write, laid out in
 * a flat port: code at 0, vertices at 0x1000, colour at 0x10000, depth after it.
 */
export function drawDescFor(port: { bytes: Uint8Array }, width: number, height: number): DrawDesc {
  port.bytes.set(gradientVertexShader, 0);
  port.bytes.set(gradientFragmentShader, 0x400);
  const quad = new Float32Array([-1, -1, 1, -1, 1, 1, -1, -1, 1, 1, -1, 1]);
  port.bytes.set(new Uint8Array(quad.buffer), 0x1000);
  const colorVa = 0x10000;
  const depthVa = colorVa + width * height * 4;
  new Float32Array(port.bytes.buffer, depthVa, width * height).fill(1);
  return {
    vertexCount: 6, instanceCount: 1, firstVertex: 0, firstInstance: 0, indexType: 'none', indexBufferVa: 0,
    vertexShaderVa: 0, fragmentShaderVa: 0x400, pushConstantsVa: 0, pushConstantsSizeBytes: 0,
    varyingCount: 1, viewportX: 0, viewportY: 0, viewportWidth: width, viewportHeight: height, viewportMinDepth: 0, viewportMaxDepth: 1,
    cullMode: 'none', frontFace: 'ccw', colorVa, colorWidth: width, colorHeight: height, colorRowPitchBytes: width * 4,
    depthRowPitchBytes: width * 4, depthVa, depthTestEnable: true, depthWriteEnable: true, depthCompare: 'lequal',
    colorWriteMask: 0xf, blendMode: 'none',
    bindings: [{ va: 0x1000, strideBytes: 8, inputRate: 'vertex' }],
    attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x2' }],
  };
}

/** Write a command stream at `va` in `vm`, submit it on a new group with a done syncobj. */
export function submitStream(c: Client, vm: number, va: number, ops: Parameters<typeof encodeCs>[0]): { group: number; done: number } {
  const stream = c.buffer(vm, va, 4096);
  const cs = userStream(ops);
  c.write(stream.cpu, cs);
  const group = c.groupCreate(vm);
  const done = c.syncobjCreate();
  c.submit(group, 0, va, cs.length, { signal: [done] });
  return { group, done };
}

/** A stream that stores to an unmapped address: an MMU TRANSLATION fault. */
export const faultingStream: Parameters<typeof encodeCs>[0] = [
  ['MOV48', { d: 0, imm: 0xdead_0000 }],
  ['MOV32', { r: 2, imm: 42 }],
  ['STORE', { r: 2, a: 0, count: 0, offset: 0 }],
];

/** A stream that WAITs for the 64-bit sync object at `syncVa` to exceed 0 — forever, unless someone signals it. */
export function hangingStream(syncVa: number): Parameters<typeof encodeCs>[0] {
  return [['MOV48', { d: 0, imm: syncVa }], ['MOV48', { d: 2, imm: 0 }], ['WAIT', { a: 0, v: 2, cond: 1 /* GT */ }]];
}
