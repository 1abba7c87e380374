/**
 * What the fuzzers found, each as the smallest input that showed it, pinned down:
 * - GROUP_SUBMIT with a stream beyond the 48-bit GPU VA space threw a RangeError out
 *   of the ioctl (the kernel's ring MOV48 cannot hold it); now EINVAL.
 * - A DRAW with 2^32 - 1 instances, or a DISPATCH of 65535 × 65535 workgroups, ran to
 *   its end inside one simulation step: the simulator hung for hours. Now the job
 *   counts as hung past its work budget and the kernel's job timeout ends it.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { runDispatch } from '../../engine/hw/compute-unit';
import { encodeCs } from '../../engine/hw/cs-isa';
import { FlatMemoryPort } from '../../engine/hw/flat-memory-port';
import { encodeDispatchDesc, encodeDrawDesc, type DrawDesc } from '../../engine/hw/job-descriptors';
import { runDraw } from '../../engine/hw/rasteriser';
import { DEFAULT_JOB_WORK_BUDGET } from '../../engine/hw/shader-core';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';

const nop = assembleShader('MOVI r0, 1\nEND');
const vs = assembleShader('ATTR r0, 0, x\nATTR r1, 0, y\nATTR r2, 0, z\nATTR r3, 0, w\nOUTPOS r0\nEND');
const CODE = 0x1000, VS = 0x1800, VERTS = 0x2000, DESC = 0x3000, STREAM = 0x4000;

function hugeDraw(over: Partial<DrawDesc> = {}): DrawDesc {
  return {
    vertexCount: 6, instanceCount: 0xffff_ffff, firstVertex: 0, firstInstance: 0, indexType: 'none', indexBufferVa: 0,
    vertexShaderVa: VS, fragmentShaderVa: CODE, pushConstantsVa: 0, pushConstantsSizeBytes: 0, varyingCount: 0,
    viewportX: 0, viewportY: 0, viewportWidth: 4, viewportHeight: 4, viewportMinDepth: 0, viewportMaxDepth: 1, cullMode: 'none', frontFace: 'ccw',
    colorVa: 0, colorWidth: 4, colorHeight: 4, colorRowPitchBytes: 16, depthRowPitchBytes: 16, depthVa: 0, depthTestEnable: false,
    depthWriteEnable: false, depthCompare: 'less', colorWriteMask: 0xf, blendMode: 'none',
    bindings: [{ va: VERTS, strideBytes: 16, inputRate: 'vertex' }], attributes: [{ binding: 0, offsetBytes: 0, format: 'f32x4' }],
    ...over,
  };
}

function memoryWithShaders(): FlatMemoryPort {
  const mem = new FlatMemoryPort(0x1_0000);
  mem.writeBytes(CODE, nop);
  mem.writeBytes(VS, vs);
  mem.writeF32s(VERTS, [-1, -1, 0.5, 1, 1, -1, 0.5, 1, -1, 1, 0.5, 1, 1, -1, 0.5, 1, 1, 1, 0.5, 1, -1, 1, 0.5, 1]);
  return mem;
}

describe('fuzzer findings', () => {
  it('GROUP_SUBMIT of a stream outside the 48-bit GPU VA space is EINVAL, not an exception', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const group = c.groupCreate(vm);
    for (const [addr, size] of [[2 ** 64 - 64, 8], [2 ** 48, 8], [2 ** 48 - 64, 72], [2 ** 53, 8]] as const) {
      c.submit(group, 0, addr, size, { err: Errno.EINVAL });
    }
    expect(c.groupState(group).state).toBe(0); // nothing ran
    // Ending exactly at the top is accepted, and faults on the GPU (nothing is mapped there).
    const done = c.syncobjCreate();
    c.submit(group, 0, 2 ** 48 - 64, 64, { signal: [done] });
    c.wait([done], { timeoutNs: 10e6 });
    expect(c.groupState(group).state).toBe(U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT);
  });

  it('a grid or a draw far beyond the job work budget is hung at once, not computed for hours', () => {
    const mem = memoryWithShaders();
    const grid = { shaderVa: CODE, pushConstantsVa: 0, pushConstantsSizeBytes: 0, localSizeX: 64, localSizeY: 1, localSizeZ: 1 };
    const budget = { jobWorkBudget: 100_000 };
    expect(runDispatch(mem, { ...grid, groupCountX: 65535, groupCountY: 65535, groupCountZ: 1 }, budget)).toMatchObject({ hung: true, invocations: 50_001 });
    // An empty dimension is no work, however large the others.
    expect(runDispatch(mem, { ...grid, groupCountX: 0, groupCountY: 65535, groupCountZ: 65535 })).toEqual({ invocations: 0, instructions: 0, hung: false });
    expect(runDraw(mem, hugeDraw(), budget).hung).toBe(true);
    expect(runDraw(mem, hugeDraw({ vertexCount: 2 })).hung).toBe(false); // no triangle: no work
    // Within the budget, nothing changes.
    expect(runDraw(mem, hugeDraw({ instanceCount: 3 }), budget)).toMatchObject({ hung: false, vertices: 18, pixelsShaded: 48 });
    expect(DEFAULT_JOB_WORK_BUDGET).toBeGreaterThanOrEqual(2 ** 26);
  });

  it('through the KMD, such a DISPATCH or DRAW times out its group and the GPU runs on', () => {
    const c = Client.create({ gpu: { jobWorkBudget: 2 ** 20 }, kmd: { jobTimeoutNs: 1_000_000 } });
    const vm = c.vmCreate();
    const buf = c.buffer(vm, 0, 0x1_0000);
    const mem = memoryWithShaders();
    c.write(buf.cpu, mem.readBytes(0, 0x3000));
    c.write(buf.cpu + DESC, encodeDispatchDesc({
      shaderVa: CODE, pushConstantsVa: 0, pushConstantsSizeBytes: 0, localSizeX: 1024, localSizeY: 1, localSizeZ: 1, groupCountX: 65535, groupCountY: 65535, groupCountZ: 65535,
    }));
    c.write(buf.cpu + DESC + 0x100, encodeDrawDesc(hugeDraw()));
    for (const [op, desc] of [['DISPATCH', DESC], ['DRAW', DESC + 0x100]] as const) {
      const cs = encodeCs([['MOV48', { d: 0, imm: desc }], [op, { desc: 0 }], ['BARRIER']]);
      c.write(buf.cpu + STREAM, cs);
      const group = c.groupCreate(vm);
      const done = c.syncobjCreate();
      c.submit(group, 0, STREAM, cs.length, { signal: [done] });
      c.wait([done], { timeoutNs: 10e6 });
      expect(c.groupState(group).state, op).toBe(U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT);
    }
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });
});
