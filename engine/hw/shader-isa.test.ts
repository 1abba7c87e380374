import { describe, expect, it } from 'vitest';
import { toHex } from '../base/bytes';
import { assembleShader, encodeShader, shaderIsa } from './shader-isa';
import type { FieldSpec } from './isa';

/** A distinctive legal value for a field (negative for simm, the last enum value…). */
function sample(field: FieldSpec, salt: number): number {
  switch (field.kind) {
    case 'reg':
      return (salt * 7 + 3) % 61;
    case 'reg64':
      return 60 - (salt % 10);
    case 'enum':
      return field.values!.length - 1 - (salt % field.values!.length);
    case 'simm':
      return -(1 + (salt % (2 ** (field.width - 1) - 1)));
    case 'imm':
      return (2 ** field.width - 1) >>> (salt % 3);
    case 'f32':
      return -1.5;
  }
}

describe('shader ISA table', () => {
  it('round-trips every op through encode → decode → disassemble → assemble', () => {
    for (const [i, op] of shaderIsa.spec.ops.entries()) {
      const fields = Object.fromEntries(op.fields.map((f, k) => [f.name, sample(f, i + k)]));
      const [lo, hi] = shaderIsa.encode(op.name, fields);
      const dec = shaderIsa.decode(lo, hi);
      expect(dec?.op.name).toBe(op.name);
      for (const f of op.fields) {
        const want = f.kind === 'f32' ? 0xbfc00000 : fields[f.name];
        expect(dec!.fields[f.name], `${op.name}.${f.name}`).toBe(want);
      }
      const text = shaderIsa.disassemble(lo, hi);
      expect(text.startsWith(op.name)).toBe(true);
      expect(toHex(assembleShader(text))).toBe(toHex(shaderIsa.toBytes([[lo, hi]])));
    }
  });

  it('documents every op and field', () => {
    for (const op of shaderIsa.spec.ops) {
      expect(op.doc.length, op.name).toBeGreaterThan(0);
      for (const f of op.fields) expect(f.doc?.length, `${op.name}.${f.name}`).toBeGreaterThan(0);
    }
  });

  it('rejects a word with any reserved bit set, for every op', () => {
    for (const op of shaderIsa.spec.ops) {
      const used = new Set<number>();
      for (let b = 56; b < 64; b++) used.add(b);
      for (const f of op.fields) for (let b = f.lo; b < f.lo + f.width; b++) used.add(b);
      const [lo, hi] = shaderIsa.encode(op.name, {});
      for (let bit = 0; bit < 64; bit++) {
        if (used.has(bit)) continue;
        const wlo = bit < 32 ? (lo | (1 << bit)) >>> 0 : lo;
        const whi = bit >= 32 ? (hi | (1 << (bit - 32))) >>> 0 : hi;
        expect(shaderIsa.decode(wlo, whi), `${op.name} bit ${bit}`).toBeUndefined();
        expect(shaderIsa.disassemble(wlo, whi).startsWith('.invalid')).toBe(true);
      }
    }
  });

  it('rejects unknown opcodes (0 included: zeroed memory is not code) and out-of-range enums', () => {
    expect(shaderIsa.decode(0, 0)).toBeUndefined();
    expect(shaderIsa.decode(0, 0xff000000)).toBeUndefined();
    const [lo, hi] = shaderIsa.encode('ICMP', { d: 1, a: 2, b: 3, cond: 0 });
    expect(shaderIsa.decode((lo | (7 << 16)) >>> 0, hi)).toBeUndefined(); // cond 7 of 6
  });

  it('encodes the documented example bytes', () => {
    expect(toHex(encodeShader([['MOVI', { d: 1, imm: -1 }], ['END']]))).toBe('ffffffff00000104' + '0000000000000002');
    const bytes = encodeShader([['MOVF', { d: 0, imm: 1.5 }], ['FADD', { d: 1, a: 0, b: 0 }], ['END']]);
    const text = shaderIsa.fromBytes(bytes).map(([lo, hi]) => shaderIsa.disassemble(lo, hi));
    expect(text).toEqual(['MOVF r0, 1.5f', 'FADD r1, r0, r0', 'END']);
  });

  it('assembles labels as branch offsets relative to the branch', () => {
    const bytes = assembleShader('top:\n  IADDI r0, r0, -1 ; count down\n  BRNZ r0, top\n  BRA done\n  NOP\ndone: END');
    const text = shaderIsa.fromBytes(bytes).map(([lo, hi]) => shaderIsa.disassemble(lo, hi));
    expect(text).toEqual(['IADDI r0, r0, -1', 'BRNZ r0, -1', 'BRA 2', 'NOP', 'END']);
    expect(() => assembleShader('FADD r1, r2')).toThrow(/line 1/);
    expect(() => assembleShader('FROB r1')).toThrow(/unknown op/);
  });
});
