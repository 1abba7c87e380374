import { describe, expect, it } from 'vitest';
import { FlatMemoryPort } from './flat-memory-port';
import { GpuFaultSignal, type GpuFault } from './gpu-fault';
import { ShaderCore, decodeShader, loadShader } from './shader-core';
import { assembleShader, encodeShader } from './shader-isa';

const CODE_VA = 0x1000;

function setup(text: string): { mem: FlatMemoryPort; core: ShaderCore; run: (budget?: number) => Int32Array; count: () => number } {
  const mem = new FlatMemoryPort(0x10000);
  mem.writeBytes(CODE_VA, assembleShader(text));
  const core = new ShaderCore(mem);
  let n = 0;
  return {
    mem,
    core,
    run: (budget = 1_000_000) => {
      n = core.run(loadShader(mem, CODE_VA), budget);
      return core.registers;
    },
    count: () => n,
  };
}

const f32 = (x: number): number => new Int32Array(Float32Array.of(x).buffer)[0]!;
const asF = (bits: number): number => new Float32Array(Int32Array.of(bits).buffer)[0]!;

function faultOf(fn: () => unknown): GpuFault {
  try {
    fn();
  } catch (e) {
    if (e instanceof GpuFaultSignal) return e.fault;
    throw e;
  }
  throw new Error('expected a fault');
}

describe('shader core ALU', () => {
  it('integer ops wrap at 32 bits and shift by rb & 31', () => {
    const r = setup(`
      MOVI r1, 0x7fffffff
      MOVI r2, 3
      MOVI r3, -8
      MOVI r4, 33
      IADD r10, r1, r2
      ISUB r11, r3, r1
      IMUL r12, r1, r2
      IAND r13, r3, r1
      IOR r14, r3, r2
      IXOR r15, r3, r2
      ISHL r16, r2, r4
      ISHR r17, r3, r4
      IASR r18, r3, r4
      IMIN r19, r3, r2
      IMAX r20, r3, r2
      IADDI r21, r2, -5
      MOV r22, r3
      END`).run();
    expect([...r.subarray(10, 23)]).toEqual([
      -2147483646, 2147483641, 2147483645, 0x7ffffff8, -5, -5, 6, 0x7ffffffc, -4, -8, 3, -2, -8,
    ]);
  });

  it('float ops round once to binary32, ties to even', () => {
    const r = setup(`
      MOVF r1, 1.0f
      MOVF r2, ${2 ** -24 * 3}f
      MOVF r3, 0.1f
      MOVF r4, 3.0f
      MOVF r5, 0.0f
      MOVF r6, -1.5f
      FADD r10, r1, r2
      FMUL r11, r3, r3
      FDIV r12, r1, r4
      FDIV r13, r1, r5
      FSUB r14, r3, r1
      FFMA r15, r3, r4, r1
      FSQRT r16, r4
      FRCP r17, r4
      FABS r18, r6
      FNEG r19, r6
      FFLOOR r20, r6
      FMIN r21, r6, r3
      FMAX r22, r6, r3
      END`).run();
    const got = [...r.subarray(10, 23)].map(asF);
    const fr = Math.fround;
    expect(got).toEqual([
      1 + 2 ** -22, // 1 + 1.5 ulp: tie, rounds to the even mantissa
      fr(fr(0.1) * fr(0.1)),
      fr(1 / 3),
      Infinity,
      fr(fr(0.1) - 1),
      fr(fr(0.1) * 3 + 1),
      fr(Math.sqrt(3)),
      fr(1 / 3),
      1.5,
      1.5,
      -2,
      -1.5,
      fr(0.1),
    ]);
  });

  it('FABS/FNEG touch only the sign bit; FMIN/FMAX ignore a NaN operand', () => {
    const r = setup(`
      MOVI r1, 0x7fc00001
      MOVF r2, 2.0f
      FNEG r10, r1
      FABS r11, r10
      FMIN r12, r1, r2
      FMAX r13, r2, r1
      END`).run();
    expect(r[10]! >>> 0).toBe(0xffc00001);
    expect(r[11]! >>> 0).toBe(0x7fc00001);
    expect(asF(r[12]!)).toBe(2);
    expect(asF(r[13]!)).toBe(2);
  });

  it('produces the canonical NaN 0x7fc00000 from every float op, whatever the host FPU makes', () => {
    const r = setup(`
      MOVF r1, 0.0f
      MOVF r2, -1.0f
      MOVI r3, 0x7f800000
      MOVI r4, 0xff800000
      MOVI r5, 0xffc00123
      FDIV r10, r1, r1
      FSQRT r11, r2
      FADD r12, r3, r4
      FMUL r13, r1, r3
      FFMA r14, r1, r3, r2
      FMIN r15, r5, r5
      FFLOOR r16, r5
      FSUB r17, r3, r3
      FRCP r18, r5
      END`).run();
    expect([...r.subarray(10, 19)].map((x) => (x >>> 0).toString(16))).toEqual(Array(9).fill('7fc00000'));
  });

  it('conversions truncate, saturate and map NaN to 0', () => {
    const r = setup(`
      MOVI r1, 16777217
      MOVI r2, -1
      MOVF r3, -2.7f
      MOVF r4, 3e9f
      MOVF r5, -5.0f
      MOVF r6, 5e9f
      MOVI r7, 0x7fc00000
      I2F r10, r1
      U2F r11, r2
      F2I r12, r3
      F2I r13, r4
      F2I r14, r7
      F2U r15, r5
      F2U r16, r6
      F2U r17, r4
      F2I r18, r5
      END`).run();
    expect(asF(r[10]!)).toBe(16777216);
    expect(asF(r[11]!)).toBe(4294967296);
    expect([r[12], r[13], r[14], r[15], r[16]! >>> 0, r[17]! >>> 0, r[18]]).toEqual([-2, 0x7fffffff, 0, 0, 0xffffffff, 3e9, -5]);
  });

  it('compares write 1/0 for every condition; NaN is unordered', () => {
    const conds = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE'];
    const lines = conds.flatMap((c, i) => [`ICMP r${10 + i}, r1, r2, ${c}`, `UCMP r${20 + i}, r1, r2, ${c}`, `FCMP r${30 + i}, r3, r4, ${c}`, `FCMP r${40 + i}, r5, r3, ${c}`]);
    const r = setup(`MOVI r1, -1\nMOVI r2, 1\nMOVF r3, 1.0f\nMOVF r4, 1.0f\nMOVI r5, 0x7fc00000\n${lines.join('\n')}\nEND`).run();
    expect([...r.subarray(10, 16)]).toEqual([0, 1, 1, 1, 0, 0]); // -1 vs 1 signed
    expect([...r.subarray(20, 26)]).toEqual([0, 1, 0, 0, 1, 1]); // 0xffffffff vs 1
    expect([...r.subarray(30, 36)]).toEqual([1, 0, 0, 1, 0, 1]); // 1.0 vs 1.0
    expect([...r.subarray(40, 46)]).toEqual([0, 1, 0, 0, 0, 0]); // NaN vs 1.0
  });

  it('SEL picks ra when rc is non-zero', () => {
    const r = setup('MOVI r1, 11\nMOVI r2, 22\nMOVI r3, 5\nSEL r10, r1, r2, r3\nSEL r11, r1, r2, r4\nEND').run();
    expect([r[10], r[11]]).toEqual([11, 22]);
  });
});

describe('shader core control flow and memory', () => {
  it('runs loops and counts executed instructions exactly', () => {
    const s = setup(`
      MOVI r0, 100
    loop:
      IADD r1, r1, r0
      IADDI r0, r0, -1
      BRNZ r0, loop
      END`);
    expect(s.run()[1]).toBe(5050);
    expect(s.count()).toBe(1 + 3 * 100 + 1);
    expect(s.core.outcome).toBe('done');
  });

  it('keeps code after an END that a branch jumps over (early exit)', () => {
    const s = setup('BRZ r0, skip\nEND\nskip: MOVI r5, 9\nEND');
    expect(s.run()[5]).toBe(9);
    expect(s.count()).toBe(3);
  });

  it('loads and stores through the port with a 64-bit register pair and signed offset', () => {
    const s = setup(`
      MOVI r2, 0x2010
      MOVI r3, 0
      LD32 r10, d2, -16
      IADDI r10, r10, 1
      ST32 d2, r10, 4
      END`);
    s.mem.store32(0x2000, 41);
    s.run();
    expect(s.mem.load32(0x2014)).toBe(42);
  });

  it('faults on unaligned and unmapped accesses', () => {
    const s = setup('MOVI r2, 0x2002\nLD32 r1, d2, 0\nEND');
    expect(faultOf(() => s.run())).toMatchObject({ kind: 'ALIGNMENT', va: 0x2002, access: 'read' });
    const t = setup('MOVI r3, 1\nST32 d2, r1, 0\nEND');
    expect(faultOf(() => t.run())).toMatchObject({ kind: 'TRANSLATION', va: 2 ** 32, access: 'write' });
    const u = setup('LD32 r1, d2, -4\nEND');
    expect(faultOf(() => u.run())).toMatchObject({ kind: 'TRANSLATION', va: -4 });
  });

  it('reads push constants and special registers', () => {
    const s = setup('LDPC r1, 2\nLDPC r2, 63\nS2R r3, GID_Y\nEND');
    s.core.push.i[2] = 77;
    s.core.special.i[1] = 5;
    expect([...s.run().subarray(1, 4)]).toEqual([77, 0, 5]);
    s.mem.writeU32s(0x3000, [1, 2, 3]);
    s.core.loadPushConstants(0x3000, 8);
    expect([...s.core.push.i.subarray(0, 3)]).toEqual([1, 2, 0]);
  });

  it('stops a runaway invocation at the budget with outcome hung', () => {
    const s = setup('spin: BRA spin\nEND');
    s.run(1000);
    expect(s.core.outcome).toBe('hung');
    expect(s.count()).toBe(1000);
  });
});

describe('shader program fetch and decode', () => {
  it('faults INSTR_INVALID at the VA of a bad word', () => {
    const mem = new FlatMemoryPort(0x10000);
    mem.writeBytes(CODE_VA, encodeShader([['NOP'], ['NOP'], ['END']]));
    mem.store32(CODE_VA + 12, 0xee000000); // word 1: unknown opcode 0xee
    expect(faultOf(() => loadShader(mem, CODE_VA))).toMatchObject({ kind: 'INSTR_INVALID', va: CODE_VA + 8, access: 'execute' });
  });

  it('rejects branches outside the program, bad register pairs and quads', () => {
    const bad = [
      [['BRA', { off: 5 }], ['END']],
      [['BRNZ', { a: 1, off: -1 }], ['END']],
      [['LD32', { d: 1, a: 63 }], ['END']],
      [['OUTC', { a: 61 }], ['END']],
    ] as const;
    for (const ops of bad) expect(faultOf(() => decodeShader(encodeShader(ops), 0x40))).toMatchObject({ kind: 'INSTR_INVALID', va: 0x40 });
  });

  it('faults when no END appears within 4096 instructions', () => {
    const mem = new FlatMemoryPort(0x10000);
    mem.writeBytes(0, encodeShader(Array.from({ length: 5000 }, () => ['NOP'] as const)));
    expect(faultOf(() => loadShader(mem, 0))).toMatchObject({ kind: 'INSTR_INVALID', va: 4096 * 8 });
    expect(faultOf(() => loadShader(mem, 4))).toMatchObject({ kind: 'ALIGNMENT', va: 4 });
  });

  it('reports the MMU fault of a fetch that runs off mapped memory, and execute permission', () => {
    const mem = new FlatMemoryPort(0x1000);
    mem.writeBytes(0xff8, encodeShader([['NOP']]));
    expect(faultOf(() => loadShader(mem, 0xff8))).toMatchObject({ kind: 'TRANSLATION', va: 0x1000, access: 'execute' });
    mem.writeBytes(0x100, encodeShader([['END']]));
    mem.execStart = 0x800;
    expect(faultOf(() => loadShader(mem, 0x100))).toMatchObject({ kind: 'PERMISSION', access: 'execute' });
  });

  it('caches decoded programs by content, not by address', () => {
    const mem = new FlatMemoryPort(0x10000);
    const code = encodeShader([['MOVI', { d: 1, imm: 123456 }], ['END']]);
    mem.writeBytes(0x100, code);
    mem.writeBytes(0x900, code);
    const a = loadShader(mem, 0x100);
    expect(loadShader(mem, 0x900)).toBe(a);
    mem.writeBytes(0x900, encodeShader([['MOVI', { d: 1, imm: 7 }], ['END']]));
    expect(loadShader(mem, 0x900)).not.toBe(a);
  });
});
