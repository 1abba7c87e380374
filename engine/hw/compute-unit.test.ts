import { describe, expect, it } from 'vitest';
import { runDispatch } from './compute-unit';
import { FlatMemoryPort } from './flat-memory-port';
import { GpuFaultSignal, type GpuFault } from './gpu-fault';
import type { DispatchDesc } from './job-descriptors';
import { assembleShader } from './shader-isa';

const SHADER_VA = 0x1000;
const PUSH_VA = 0x2000;
const OUT_VA = 0x1_0000;

function faultOf(fn: () => unknown): GpuFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof GpuFaultSignal) return e.fault;
    throw e;
  }
  throw new Error('expected a fault');
}

function dispatch(text: string, overrides: Partial<DispatchDesc> = {}): { mem: FlatMemoryPort; desc: DispatchDesc } {
  const mem = new FlatMemoryPort(0x2_0000);
  mem.writeBytes(SHADER_VA, assembleShader(text));
  // Push constants: output buffer address (lo, hi) and the grid width in invocations.
  mem.writeU32s(PUSH_VA, [OUT_VA, 0, 12]);
  const desc: DispatchDesc = {
    shaderVa: SHADER_VA,
    pushConstantsVa: PUSH_VA,
    pushConstantsSizeBytes: 12,
    localSizeX: 4,
    localSizeY: 2,
    localSizeZ: 1,
    groupCountX: 3,
    groupCountY: 2,
    groupCountZ: 1,
    ...overrides,
  };
  return { mem, desc };
}

// out[gid.y * width + gid.x] = gid.x * 1000 + gid.y * 10 + wgid.x (+ lid.y * 100000)
const WRITE_ID = `
  LDPC r0, 0
  LDPC r1, 1
  LDPC r2, 2
  S2R r3, GID_X
  S2R r4, GID_Y
  S2R r5, WGID_X
  S2R r6, LID_Y
  IMUL r7, r4, r2
  IADD r7, r7, r3
  MOVI r8, 2
  ISHL r7, r7, r8
  IADD r0, r0, r7
  MOVI r9, 1000
  IMUL r10, r3, r9
  MOVI r9, 10
  IMUL r11, r4, r9
  IADD r10, r10, r11
  IADD r10, r10, r5
  MOVI r9, 100000
  IMUL r11, r6, r9
  IADD r10, r10, r11
  ST32 d0, r10, 0
  END`;

describe('compute unit', () => {
  it('runs every invocation of the grid once with its ids', () => {
    const { mem, desc } = dispatch(WRITE_ID);
    const result = runDispatch(mem, desc);
    expect(result).toEqual({ invocations: 48, instructions: 48 * 23, hung: false });
    const expected = new Uint8Array(48 * 4);
    const view = new DataView(expected.buffer);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 12; x++) view.setUint32((y * 12 + x) * 4, x * 1000 + y * 10 + Math.floor(x / 4) + (y % 2) * 100000, true);
    }
    expect(mem.readBytes(OUT_VA, expected.length)).toEqual(expected);
    expect(mem.load32(OUT_VA + 48 * 4)).toBe(0); // nothing past the grid
  });

  it('orders invocations deterministically: a shared read-modify-write counter sees every one', () => {
    const { mem, desc } = dispatch(`
      LDPC r0, 0
      LDPC r1, 1
      LD32 r2, d0, 0
      IADDI r2, r2, 1
      ST32 d0, r2, 0
      ST32 d0, r2, 4
      END`, { groupCountZ: 2, localSizeZ: 3 });
    const result = runDispatch(mem, desc);
    expect(result.invocations).toBe(3 * 2 * 2 * 4 * 2 * 3);
    expect(mem.load32(OUT_VA)).toBe(result.invocations);
  });

  it('does nothing for a zero group count', () => {
    const { mem, desc } = dispatch(WRITE_ID, { groupCountY: 0 });
    expect(runDispatch(mem, desc)).toEqual({ invocations: 0, instructions: 0, hung: false });
  });

  it('reports a hang (not a fault) when an invocation exceeds its budget', () => {
    const { mem, desc } = dispatch(`
      S2R r1, GID_X
      MOVI r2, 5
      ICMP r3, r1, r2, EQ
    spin:
      BRNZ r3, spin
      END`);
    const result = runDispatch(mem, desc, { instructionBudget: 10_000 });
    expect(result).toEqual({ invocations: 10, instructions: 9 * 5 + 10_000, hung: true });
  });

  it('faults on invalid descriptors, invalid code and stage-specific ops', () => {
    const { mem, desc } = dispatch(WRITE_ID);
    expect(faultOf(() => runDispatch(mem, { ...desc, localSizeX: 0 }))).toMatchObject({ kind: 'DESC_INVALID' });
    expect(faultOf(() => runDispatch(mem, { ...desc, pushConstantsSizeBytes: 6 }))).toMatchObject({ kind: 'DESC_INVALID' });
    mem.writeBytes(SHADER_VA, assembleShader('MOVF r0, 1.0f\nOUTC r0\nEND'));
    expect(faultOf(() => runDispatch(mem, desc))).toMatchObject({ kind: 'INSTR_INVALID', va: SHADER_VA });
    mem.writeU32s(SHADER_VA, [0, 0]);
    expect(faultOf(() => runDispatch(mem, desc))).toMatchObject({ kind: 'INSTR_INVALID', va: SHADER_VA });
  });

  it('faults at the store address when a shader writes outside memory, keeping earlier writes', () => {
    const { mem, desc } = dispatch(WRITE_ID);
    mem.writeU32s(PUSH_VA, [0x2_0000 - 8, 0, 12]);
    expect(faultOf(() => runDispatch(mem, desc))).toMatchObject({ kind: 'TRANSLATION', va: 0x2_0000, access: 'write' });
    expect(mem.load32(0x2_0000 - 4)).toBe(1000);
  });
});
