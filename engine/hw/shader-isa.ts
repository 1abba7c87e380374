/**
 * The shader instruction set, described once. The shader core's pre-decoder
 * (shader-core.ts), the UMD's shader builder and the UI's disassembler all derive
 * from this table (see isa.ts for the mechanism).
 *
 * Machine model: one invocation is a scalar register machine with 64 general
 * 32-bit registers r0..r63, all zero when the invocation starts. A register holds
 * raw bits: integer ops read them as two's-complement int32 (the U* ops as uint32),
 * float ops as IEEE binary32. A 64-bit address `dN` is the pair (rN low, rN+1 high);
 * any N ≤ 62 is accepted (no even-pair rule: the core has no 64-bit datapath).
 *
 * Encoding: one 64-bit little-endian word per instruction, opcode in bits 56–63.
 * Register fields are 6 bits: d at 48, a at 40, b at 32, c at 24. Every bit that
 * is not the opcode or a field of that op must be zero, so stray data faults
 * (INSTR_INVALID) instead of executing. Opcode 0 is deliberately unassigned:
 * zero-filled memory is never a valid program.
 *
 * Program extent: a program is the words from its start up to and including the
 * first END that no earlier branch jumps past (so `BRZ …; END; …; END` early-exit
 * code works); at most SHADER_MAX_INSTRUCTIONS words. Branch offsets are relative
 * to the branch's own index (BRA 0 is an infinite loop) and must land inside the
 * program: that is checked once, when the program is decoded.
 *
 * Float semantics: every float result is rounded once to binary32 (round to nearest
 * even). FFMA computes a*b exactly and rounds the sum via binary64 then binary32; the
 * double rounding can differ from a true fused multiply-add in rare ties, but it is
 * deterministic, which is what replay needs. F2I/F2U truncate toward zero,
 * saturate, and map NaN to 0. FMIN/FMAX return the non-NaN operand (IEEE minNum).
 * Every arithmetic op that yields NaN yields the canonical NaN 0x7fc00000 (host
 * FPUs disagree on NaN bits; memory must not); FABS/FNEG/MOV keep payloads.
 *
 * Example:
 *   encodeShader([['MOVF', { d: 0, imm: 1.5 }], ['FADD', { d: 1, a: 0, b: 0 }], ['END']])
 *   // → 24 bytes; disassembles to "MOVF r0, 1.5f" / "FADD r1, r0, r0" / "END"
 */
import { defineIsa, type FieldSpec } from './isa';

export const SHADER_REG_COUNT = 64;
export const SHADER_MAX_INSTRUCTIONS = 4096;
export const SHADER_INSTRUCTION_BYTES = 8;
/** Push constants are at most 256 bytes: LDPC addresses 64 words. */
export const PUSH_CONSTANT_WORDS = 64;
export const VARYING_SLOTS = 8;
export const VERTEX_ATTRIBUTES = 8;

export const COMPARE_CONDS = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE'] as const;
export type CompareCond = (typeof COMPARE_CONDS)[number];

/**
 * Special registers read by S2R. Compute-only values read 0 in other stages and
 * vice versa; FRAG_X/FRAG_Y are the pixel centre (x + 0.5) as float bits and
 * FRAG_DEPTH the interpolated window depth as float bits.
 */
export const SPECIAL_REGS = [
  'GID_X', 'GID_Y', 'GID_Z',
  'LID_X', 'LID_Y', 'LID_Z',
  'WGID_X', 'WGID_Y', 'WGID_Z',
  'VERTEX_INDEX', 'INSTANCE_INDEX',
  'FRAG_X', 'FRAG_Y', 'FRAG_DEPTH',
  'FRONT_FACING',
] as const;
export type SpecialReg = (typeof SPECIAL_REGS)[number];
export const SPECIAL_REG_COUNT = SPECIAL_REGS.length;

const COMPONENTS = ['x', 'y', 'z', 'w'] as const;

const reg = (name: string, lo: number, doc: string): FieldSpec => ({ name, lo, width: 6, kind: 'reg', doc });
const D = reg('d', 48, 'destination register');
const A = reg('a', 40, 'first source register');
const B = reg('b', 32, 'second source register');
const C = reg('c', 24, 'third source register');
const ADDR: FieldSpec = { name: 'a', lo: 40, width: 6, kind: 'reg64', doc: 'address register pair (ra low, ra+1 high)' };
const OFF16: FieldSpec = { name: 'off', lo: 0, width: 16, kind: 'simm', doc: 'signed byte offset added to the address' };
const COND: FieldSpec = { name: 'cond', lo: 16, width: 3, kind: 'enum', values: COMPARE_CONDS, doc: 'comparison' };
const BR_OFF: FieldSpec = { name: 'off', lo: 0, width: 24, kind: 'simm', doc: 'target = index of this branch + off (instructions)' };
const SLOT: FieldSpec = { name: 'slot', lo: 8, width: 3, kind: 'imm', doc: 'varying slot 0..7 (vec4 each)' };
const COMP: FieldSpec = { name: 'comp', lo: 0, width: 2, kind: 'enum', values: COMPONENTS, doc: 'vector component' };

const bin = (name: string, opcode: number, doc: string) => ({ name, opcode, fields: [D, A, B], doc });
const un = (name: string, opcode: number, doc: string) => ({ name, opcode, fields: [D, A], doc });

export const shaderIsa = defineIsa({
  name: 'shader',
  opcodeLo: 56,
  opcodeWidth: 8,
  ops: [
    { name: 'NOP', opcode: 0x01, fields: [], doc: 'Do nothing.' },
    { name: 'END', opcode: 0x02, fields: [], doc: 'End the invocation (outputs written so far are kept).' },
    un('MOV', 0x03, 'rd = ra'),
    { name: 'MOVI', opcode: 0x04, fields: [D, { name: 'imm', lo: 0, width: 32, kind: 'simm', doc: '32-bit value (any bits)' }], doc: 'rd = imm (integer view)' },
    { name: 'MOVF', opcode: 0x05, fields: [D, { name: 'imm', lo: 0, width: 32, kind: 'f32', doc: 'binary32 constant' }], doc: 'rd = imm (float view; same datapath as MOVI)' },

    bin('IADD', 0x08, 'rd = ra + rb (mod 2^32)'),
    bin('ISUB', 0x09, 'rd = ra - rb (mod 2^32)'),
    bin('IMUL', 0x0a, 'rd = low 32 bits of ra * rb'),
    bin('IAND', 0x0b, 'rd = ra & rb'),
    bin('IOR', 0x0c, 'rd = ra | rb'),
    bin('IXOR', 0x0d, 'rd = ra ^ rb'),
    bin('ISHL', 0x0e, 'rd = ra << (rb & 31)'),
    bin('ISHR', 0x0f, 'rd = ra >>> (rb & 31) (logical)'),
    bin('IASR', 0x10, 'rd = ra >> (rb & 31) (arithmetic)'),
    bin('IMIN', 0x11, 'rd = signed min(ra, rb)'),
    bin('IMAX', 0x12, 'rd = signed max(ra, rb)'),
    { name: 'IADDI', opcode: 0x13, fields: [D, A, { name: 'imm', lo: 0, width: 32, kind: 'simm', doc: 'signed addend' }], doc: 'rd = ra + imm (mod 2^32)' },

    bin('FADD', 0x20, 'rd = ra + rb'),
    bin('FSUB', 0x21, 'rd = ra - rb'),
    bin('FMUL', 0x22, 'rd = ra * rb'),
    bin('FDIV', 0x23, 'rd = ra / rb (IEEE: x/0 = ±inf, 0/0 = NaN)'),
    bin('FMIN', 0x24, 'rd = min(ra, rb); a NaN operand yields the other'),
    bin('FMAX', 0x25, 'rd = max(ra, rb); a NaN operand yields the other'),
    { name: 'FFMA', opcode: 0x26, fields: [D, A, B, C], doc: 'rd = ra * rb + rc (product exact, one rounding to f32 via f64)' },
    un('FSQRT', 0x27, 'rd = sqrt(ra)'),
    un('FRCP', 0x28, 'rd = 1 / ra'),
    un('FABS', 0x29, 'rd = |ra| (clears the sign bit, NaN payload kept)'),
    un('FNEG', 0x2a, 'rd = -ra (flips the sign bit, NaN payload kept)'),
    un('FFLOOR', 0x2b, 'rd = floor(ra)'),

    un('I2F', 0x30, 'rd = float(signed ra), rounded to nearest'),
    un('U2F', 0x31, 'rd = float(unsigned ra), rounded to nearest'),
    un('F2I', 0x32, 'rd = signed int(ra): truncate, saturate, NaN → 0'),
    un('F2U', 0x33, 'rd = unsigned int(ra): truncate, saturate, NaN → 0'),

    { name: 'ICMP', opcode: 0x38, fields: [D, A, B, COND], doc: 'rd = (signed ra cond rb) ? 1 : 0' },
    { name: 'UCMP', opcode: 0x39, fields: [D, A, B, COND], doc: 'rd = (unsigned ra cond rb) ? 1 : 0' },
    { name: 'FCMP', opcode: 0x3a, fields: [D, A, B, COND], doc: 'rd = (float ra cond rb) ? 1 : 0; NaN compares false except NE' },
    { name: 'SEL', opcode: 0x3b, fields: [D, A, B, reg('c', 24, 'condition register')], doc: 'rd = rc != 0 ? ra : rb' },

    { name: 'LD32', opcode: 0x40, fields: [D, ADDR, OFF16], doc: 'rd = 32-bit word at da + off (through the MMU; 4-byte aligned)' },
    { name: 'ST32', opcode: 0x41, fields: [ADDR, reg('b', 32, 'value register'), OFF16], doc: 'word at da + off = rb (through the MMU; 4-byte aligned)' },

    { name: 'S2R', opcode: 0x48, fields: [D, { name: 'sr', lo: 0, width: 4, kind: 'enum', values: SPECIAL_REGS, doc: 'special register' }], doc: 'rd = special register' },
    { name: 'LDPC', opcode: 0x49, fields: [D, { name: 'word', lo: 0, width: 6, kind: 'imm', doc: 'push-constant word index (byte offset / 4)' }], doc: 'rd = push constant word; words past the pushed size read 0' },
    {
      name: 'ATTR',
      opcode: 0x4a,
      fields: [D, { name: 'attr', lo: 8, width: 3, kind: 'imm', doc: 'vertex attribute location 0..7' }, COMP],
      doc: 'rd = component of vertex attribute (vertex only; fetched by the hardware through the draw’s vertex-input layout, unused attributes read (0,0,0,1))',
    },
    { name: 'OUTV', opcode: 0x4b, fields: [SLOT, COMP, reg('a', 40, 'source register')], doc: 'varying[slot].comp = ra (vertex only)' },
    { name: 'INV', opcode: 0x4c, fields: [D, SLOT, COMP], doc: 'rd = perspective-correct interpolated varying[slot].comp (fragment only)' },
    { name: 'OUTPOS', opcode: 0x4d, fields: [reg('a', 40, 'first of 4 registers x,y,z,w')], doc: 'clip-space position = (ra, ra+1, ra+2, ra+3) (vertex only)' },
    { name: 'OUTC', opcode: 0x4e, fields: [reg('a', 40, 'first of 4 registers r,g,b,a')], doc: 'fragment colour = (ra..ra+3), floats 0..1 (fragment only)' },
    { name: 'KILL', opcode: 0x4f, fields: [], doc: 'Discard the fragment and end the invocation (fragment only).' },

    { name: 'BRA', opcode: 0x50, fields: [BR_OFF], doc: 'jump by off instructions' },
    { name: 'BRZ', opcode: 0x51, fields: [reg('a', 40, 'tested register'), BR_OFF], doc: 'jump by off if ra == 0' },
    { name: 'BRNZ', opcode: 0x52, fields: [reg('a', 40, 'tested register'), BR_OFF], doc: 'jump by off if ra != 0' },
  ],
});

/** One instruction for `encodeShader`: op name and its fields (missing fields are zero; f32 fields take a number). */
export type ShaderOp = readonly [name: string, fields?: Readonly<Record<string, number>>];

/**
 * Encode a program from (name, fields) pairs. Throws RangeError on an unknown op or
 * a value that does not fit: this is a builder for drivers and tests, not a path
 * that hardware input can reach.
 *
 * Example: encodeShader([['MOVI', { d: 1, imm: -1 }], ['END']]) → 16 bytes, word 0 = 0x04010000_ffffffff
 */
export function encodeShader(ops: readonly ShaderOp[]): Uint8Array {
  return shaderIsa.toBytes(ops.map(([name, fields]) => shaderIsa.encode(name, fields ?? {})));
}

/**
 * Assemble the text the disassembler prints (one instruction per line; operands in
 * table order; `;` or `#` starts a comment). A line `name:` defines a label, and a
 * branch offset may name a label instead of a number. Throws RangeError with the
 * line number on bad input. Enum operands use their names (EQ, GID_X, x…).
 *
 * Example: assembleShader('loop:\n IADDI r0, r0, -1\n BRNZ r0, loop\n END')
 */
export function assembleShader(text: string): Uint8Array {
  const lines = text.split('\n').map((l) => l.replace(/[;#].*$/, '').trim());
  const labels = new Map<string, number>();
  const body: Array<{ line: number; text: string }> = [];
  lines.forEach((l, i) => {
    const m = /^([A-Za-z_.][\w.]*):\s*(.*)$/.exec(l);
    const rest = m ? m[2]!.trim() : l;
    if (m) labels.set(m[1]!, body.length);
    if (rest) body.push({ line: i + 1, text: rest });
  });
  const ops = body.map(({ line, text: t }, index): ShaderOp => {
    const fail = (why: string): never => {
      throw new RangeError(`shader asm line ${line}: ${why}: ${t}`);
    };
    const sp = t.search(/\s/);
    const name = (sp < 0 ? t : t.slice(0, sp)).toUpperCase();
    const op = shaderIsa.byName.get(name) ?? fail(`unknown op ${name}`);
    const args = sp < 0 ? [] : t.slice(sp).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (args.length !== op.fields.length) fail(`expected ${op.fields.length} operands`);
    const fields: Record<string, number> = {};
    op.fields.forEach((f, k) => {
      const s = args[k]!;
      let v: number;
      if (f.kind === 'reg' || f.kind === 'reg64') {
        const m = /^[rd](\d+)$/.exec(s) ?? fail(`bad register ${s}`);
        v = Number(m[1]);
      } else if (f.kind === 'enum') {
        v = (f.values ?? []).indexOf(s);
        if (v < 0) fail(`bad ${f.name} ${s}`);
      } else if (f.kind === 'f32') {
        v = Number(s.replace(/f$/, ''));
      } else if (labels.has(s)) {
        v = labels.get(s)! - index;
      } else {
        v = Number(s);
      }
      if (Number.isNaN(v) && f.kind !== 'f32') fail(`bad operand ${s}`);
      fields[f.name] = v;
    });
    return [name, fields];
  });
  return encodeShader(ops);
}
