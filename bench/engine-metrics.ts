/**
 * Engine throughput metrics (issue: foundation): the command-stream frontend, the
 * shader interpreter, the rasteriser and the ioctl path, each measured on its own
 * so a regression points at one block.
 */
import { createStack } from '../engine/stack';
import { runDispatch } from '../engine/hw/compute-unit';
import { encodeCs } from '../engine/hw/cs-isa';
import { FlatMemoryPort } from '../engine/hw/flat-memory-port';
import { runDraw } from '../engine/hw/rasteriser';
import { assembleShader } from '../engine/hw/shader-isa';
import * as U from '../engine/kmd/uapi';
import { Client } from '../tests/support/client';
import { drawDescFor } from '../tests/support/scenarios';
import type { Metric } from './harness';

const seconds = (t0: number): number => (performance.now() - t0) / 1e3;

/** ALU-heavy shader: a counted loop of integer and float work, 8 instructions per iteration. */
const aluShader = assembleShader(`
  S2R r0, GID_X
  I2F r1, r0
  MOVF r2, 1.5
  MOVI r3, 2000
loop:
  FMUL r4, r1, r2
  FADD r1, r4, r2
  IADD r5, r5, r3
  IXOR r6, r5, r0
  FMIN r1, r1, r2
  ISHL r7, r6, r3
  IADDI r3, r3, -1
  BRNZ r3, loop
  END
`);

export const shaderInstructionsPerS: Metric = {
  name: 'shader_instructions_per_s',
  unit: 'instr/s',
  target: { min: 50e6 },
  doc: 'compute dispatch of an ALU loop (256 invocations × ~16k instructions) on one core',
  run() {
    const port = new FlatMemoryPort(1 << 16);
    port.bytes.set(aluShader, 0);
    const t0 = performance.now();
    const r = runDispatch(port, {
      shaderVa: 0, pushConstantsVa: 0, pushConstantsSizeBytes: 0,
      localSizeX: 64, localSizeY: 1, localSizeZ: 1, groupCountX: 4, groupCountY: 1, groupCountZ: 1,
    });
    if (r.hung || r.instructions < 256 * 16_000) throw new Error(`unexpected dispatch result ${JSON.stringify(r)}`);
    return r.instructions / seconds(t0);
  },
};

export const pixelsPerS: Metric = {
  name: 'pixels_per_s',
  unit: 'px/s',
  doc: '256×256 full-target quad, interpolated varying, depth test + write, 10 draws',
  run() {
    const port = new FlatMemoryPort(4 << 20);
    const d = drawDescFor(port, 256, 256);
    const t0 = performance.now();
    let pixels = 0;
    for (let i = 0; i < 10; i++) pixels += runDraw(port, d).pixelsShaded;
    if (pixels !== 10 * 256 * 256) throw new Error(`shaded ${pixels} pixels, expected ${10 * 256 * 256}`);
    return pixels / seconds(t0);
  },
};

export const csInstructionsPerS: Metric = {
  name: 'cs_instructions_per_s',
  unit: 'instr/s',
  doc: 'one submitted stream looping 100k times over ALU32 + STORE + BRANCH, through KMD and MMU',
  run() {
    const c = new Client(createStack());
    const vm = c.vmCreate();
    const scratch = c.buffer(vm, 0x20_0000, 4096);
    const stream = c.buffer(vm, 0x10_0000, 4096);
    const iterations = 100_000;
    const cs = encodeCs([
      ['MOV32', { r: 0, imm: iterations }],
      ['MOV32', { r: 1, imm: 1 }],
      ['MOV48', { d: 2, imm: 0x20_0000 }],
      ['CALL', { a: 4, size: 6 }], // d4 = body address, r6 = body size (set by the prologue)
      ['FLUSH', { mode: 0 }], // results CPU-visible before the fence (the kernel ring does not flush after)
    ]);
    const body = encodeCs([
      ['ALU32', { r: 0, a: 0, b: 1, op: 1 /* SUB */ }],
      ['STORE', { r: 0, a: 2, count: 0, offset: 0 }],
      ['BRANCH', { r: 0, cond: 2 /* NEZ */, offset: -3 }],
    ]);
    const prologue = encodeCs([['MOV48', { d: 4, imm: 0x10_0800 }], ['MOV32', { r: 6, imm: body.length }]]);
    const program = new Uint8Array([...prologue, ...cs]);
    c.write(stream.cpu, program);
    c.write(stream.cpu + 0x800, body);
    const group = c.groupCreate(vm);
    const done = c.syncobjCreate();
    const before = c.stack.gpu.csf.instructionsExecuted();
    const t0 = performance.now();
    c.submit(group, 0, 0x10_0000, program.length, { signal: [done] });
    c.wait([done], { timeoutNs: 1e12 });
    const elapsed = seconds(t0);
    const executed = c.stack.gpu.csf.instructionsExecuted() - before;
    const stored = new DataView(c.read(scratch.cpu, 4).buffer).getUint32(0, true);
    if (stored !== 0 || executed < iterations * 3) throw new Error(`CS loop ended with ${stored}, ${executed} instructions`);
    return executed / elapsed;
  },
};

export const ioctlsPerS: Metric = {
  name: 'ioctls_per_s',
  unit: 'ioctls/s',
  doc: 'mix of BO_CREATE, VM_BIND map/unmap, GEM_CLOSE, SYNCOBJ_CREATE/SIGNAL/DESTROY, VM_GET_STATE',
  run() {
    const c = new Client(createStack());
    const vm = c.vmCreate();
    const rounds = 3_000;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      const bo = c.boCreate(4096);
      c.map(vm, bo, 0x100_0000, 4096);
      c.unmap(vm, 0x100_0000, 4096);
      c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
      const s = c.syncobjCreate();
      c.io(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: c.u32s([s]), count_handles: 1 });
      c.io(U.DRM_IOCTL_SYNCOBJ_DESTROY, { handle: s });
      c.vmState(vm);
    }
    return (rounds * 8) / seconds(t0);
  },
};
