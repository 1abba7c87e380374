/**
 * Declarative instruction-set tables. Both the command-stream ISA (cs-isa.ts) and
 * the shader ISA (shader-isa.ts) are a list of `OpSpec`s: opcode, named bit fields,
 * and a doc line. Everything else — the UMD's builder (`encode`), the hardware's
 * decoder (`decode`) and the UI's disassembler (`disassemble`) — is derived here,
 * so the three can never disagree.
 *
 * Encoding: every instruction is one 64-bit little-endian word, handled as two
 * 32-bit halves (`lo`, `hi`) to stay out of BigInt on hot paths. A field is `width`
 * bits starting at bit `lo` of the 64-bit word; fields may straddle the halves.
 *
 * Example:
 *   const isa = defineIsa({ name: 'demo', opcodeLo: 56, opcodeWidth: 8, ops: [
 *     { name: 'MOV32', opcode: 1, doc: 'r[d] = imm',
 *       fields: [{ name: 'd', lo: 48, width: 8, kind: 'reg' }, { name: 'imm', lo: 0, width: 32, kind: 'imm' }] }] });
 *   isa.disassemble(...isa.encode('MOV32', { d: 3, imm: 7 }))  // → "MOV32 r3, 7"
 */
export type FieldKind =
  | 'reg' // register index, printed r<n>
  | 'reg64' // index of the low register of a 64-bit pair, printed d<n>
  | 'imm' // unsigned immediate
  | 'simm' // two's-complement immediate
  | 'f32' // 32-bit float bits
  | 'enum'; // index into `values`

export interface FieldSpec {
  readonly name: string;
  readonly lo: number;
  readonly width: number;
  readonly kind: FieldKind;
  readonly values?: readonly string[];
  readonly doc?: string;
}

export interface OpSpec {
  readonly name: string;
  readonly opcode: number;
  readonly fields: readonly FieldSpec[];
  readonly doc: string;
}

export interface IsaSpec {
  readonly name: string;
  readonly opcodeLo: number;
  readonly opcodeWidth: number;
  readonly ops: readonly OpSpec[];
}

export interface Decoded {
  readonly op: OpSpec;
  readonly fields: Readonly<Record<string, number>>;
}

export type Word = readonly [lo: number, hi: number];

export interface Isa {
  readonly spec: IsaSpec;
  readonly byName: ReadonlyMap<string, OpSpec>;
  readonly byOpcode: ReadonlyMap<number, OpSpec>;
  /** Build a word; missing fields are zero. Returns undefined for an unknown op or a value that does not fit. */
  encode(name: string, fields?: Readonly<Record<string, number>>): Word;
  /** Decode a word; undefined when the opcode is unknown or reserved bits are set. */
  decode(lo: number, hi: number): Decoded | undefined;
  disassemble(lo: number, hi: number): string;
  /** Little-endian bytes of a list of words. */
  toBytes(words: readonly Word[]): Uint8Array;
  /** Words of a little-endian byte array (length must be a multiple of 8). */
  fromBytes(bytes: Uint8Array): Word[];
}

const TWO32 = 0x1_0000_0000;

/** Read `width` bits at `lo` of the 64-bit word (lo, hi). Width ≤ 52. */
export function getBits(wlo: number, whi: number, lo: number, width: number): number {
  if (lo >= 32) return width >= 32 ? whi >>> (lo - 32) : (whi >>> (lo - 32)) & ((1 << width) - 1) >>> 0;
  if (lo + width <= 32) return width >= 32 ? wlo >>> 0 : ((wlo >>> lo) & ((1 << width) - 1)) >>> 0;
  const lowBits = 32 - lo;
  const low = wlo >>> lo;
  const highWidth = width - lowBits;
  const high = highWidth >= 32 ? whi >>> 0 : (whi & ((1 << highWidth) - 1)) >>> 0;
  return low + high * 2 ** lowBits;
}

function setBits(word: [number, number], lo: number, width: number, value: number): void {
  for (let bit = 0; bit < width; bit++) {
    const v = Math.floor(value / 2 ** bit) % 2;
    const pos = lo + bit;
    if (v) {
      if (pos < 32) word[0] = (word[0] | (1 << pos)) >>> 0;
      else word[1] = (word[1] | (1 << (pos - 32))) >>> 0;
    }
  }
}

function signExtend(value: number, width: number): number {
  const top = 2 ** (width - 1);
  return value >= top ? value - 2 ** width : value;
}

const f32Scratch = new DataView(new ArrayBuffer(4));

function formatField(field: FieldSpec, raw: number): string {
  switch (field.kind) {
    case 'reg':
      return `r${raw}`;
    case 'reg64':
      return `d${raw}`;
    case 'imm':
      return raw > 9 ? `0x${raw.toString(16)}` : String(raw);
    case 'simm':
      return String(signExtend(raw, field.width));
    case 'f32':
      f32Scratch.setUint32(0, raw);
      return `${f32Scratch.getFloat32(0)}f`;
    case 'enum':
      return field.values?.[raw] ?? `?${raw}`;
  }
}

export function defineIsa(spec: IsaSpec): Isa {
  const byName = new Map(spec.ops.map((op) => [op.name, op]));
  const byOpcode = new Map(spec.ops.map((op) => [op.opcode, op]));
  checkSpec(spec);

  // Bits that are neither opcode nor a field of the op must be zero: this is what makes
  // random words fault instead of silently decoding to something.
  const usedMasks = new Map<number, [number, number]>();
  for (const op of spec.ops) {
    const mask: [number, number] = [0, 0];
    setBits(mask, spec.opcodeLo, spec.opcodeWidth, 2 ** spec.opcodeWidth - 1);
    for (const f of op.fields) setBits(mask, f.lo, f.width, 2 ** f.width - 1);
    usedMasks.set(op.opcode, mask);
  }

  const isa: Isa = {
    spec,
    byName,
    byOpcode,
    encode(name, fields = {}) {
      const op = byName.get(name);
      if (!op) throw new RangeError(`${spec.name}: unknown op ${name}`);
      const word: [number, number] = [0, 0];
      setBits(word, spec.opcodeLo, spec.opcodeWidth, op.opcode);
      for (const f of op.fields) {
        let v = fields[f.name] ?? 0;
        if (f.kind === 'simm' && v < 0) v += 2 ** f.width;
        if (f.kind === 'f32') {
          f32Scratch.setFloat32(0, v);
          v = f32Scratch.getUint32(0);
        }
        if (!Number.isInteger(v) || v < 0 || v >= 2 ** f.width) {
          throw new RangeError(`${spec.name}: ${name}.${f.name} = ${fields[f.name]} does not fit in ${f.width} bits`);
        }
        setBits(word, f.lo, f.width, v);
      }
      return word;
    },
    decode(lo, hi) {
      const opcode = getBits(lo, hi, spec.opcodeLo, spec.opcodeWidth);
      const op = byOpcode.get(opcode);
      if (!op) return undefined;
      const mask = usedMasks.get(opcode)!;
      if ((lo & ~mask[0]) !== 0 || (hi & ~mask[1]) !== 0) return undefined;
      const fields: Record<string, number> = {};
      for (const f of op.fields) {
        const raw = getBits(lo, hi, f.lo, f.width);
        fields[f.name] = f.kind === 'simm' ? signExtend(raw, f.width) : raw;
        if (f.kind === 'enum' && f.values && raw >= f.values.length) return undefined;
      }
      return { op, fields };
    },
    disassemble(lo, hi) {
      const opcode = getBits(lo, hi, spec.opcodeLo, spec.opcodeWidth);
      const op = byOpcode.get(opcode);
      const rawHex = `${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
      if (!op || !isa.decode(lo, hi)) return `.invalid 0x${rawHex}`;
      const operands = op.fields.map((f) => formatField(f, getBits(lo, hi, f.lo, f.width)));
      return operands.length ? `${op.name} ${operands.join(', ')}` : op.name;
    },
    toBytes(words) {
      const out = new Uint8Array(words.length * 8);
      const view = new DataView(out.buffer);
      words.forEach(([lo, hi], i) => {
        view.setUint32(i * 8, lo >>> 0, true);
        view.setUint32(i * 8 + 4, hi >>> 0, true);
      });
      return out;
    },
    fromBytes(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const words: Word[] = [];
      for (let i = 0; i + 8 <= bytes.length; i += 8) words.push([view.getUint32(i, true), view.getUint32(i + 4, true)]);
      return words;
    },
  };
  return isa;
}

function checkSpec(spec: IsaSpec): void {
  const seen = new Set<number>();
  for (const op of spec.ops) {
    if (seen.has(op.opcode)) throw new Error(`${spec.name}: duplicate opcode ${op.opcode}`);
    seen.add(op.opcode);
    const bits = new Set<number>();
    for (let b = spec.opcodeLo; b < spec.opcodeLo + spec.opcodeWidth; b++) bits.add(b);
    for (const f of op.fields) {
      for (let b = f.lo; b < f.lo + f.width; b++) {
        if (bits.has(b) || b >= 64) throw new Error(`${spec.name}: ${op.name}.${f.name} overlaps bit ${b}`);
        bits.add(b);
      }
    }
  }
}

export { TWO32 };
