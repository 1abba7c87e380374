/**
 * The shader core: fetches a program through the MMU, decodes it once into a
 * compact form, and runs invocations one after another with a switch loop.
 *
 * Model:
 * - A program is fetched with `port.fetchBytes` (execute permission) in chunks that
 *   never cross a 256-byte boundary, so a fetch touches no page a word-by-word fetch
 *   would not. Its extent is defined in shader-isa.ts (first END not jumped over).
 * - Decoding validates everything static — opcode, reserved bits, enum ranges,
 *   register pairs/quads in range, branch targets inside the program — and raises
 *   INSTR_INVALID at the VA of the offending word. The run loop therefore needs no
 *   checks except the per-invocation instruction budget.
 * - Decoded programs are cached by content (the code bytes), so changing the memory
 *   changes the program and the cache cannot make a run depend on history. The
 *   cache is a pure memo: it holds no state that snapshot/restore must carry.
 * - Each invocation starts with all registers it names zero (it cannot observe others). Exceeding `budget` instructions
 *   ends it with outcome 'hung' — not a fault: the real GPU would spin until the
 *   kernel's job timeout, and the engine models exactly that.
 * - Stage-specific ops (ATTR/OUTV/OUTPOS in vertex, INV/OUTC/KILL in fragment) are
 *   checked once per job by `checkStage`, not per instruction.
 *
 * Pre-decoded form: INSN_STRIDE int32 per instruction: [op, d, a, b, x] where x is
 * rc, the immediate, or a branch target already scaled to a code index. Compares
 * are split per condition into their own internal opcodes so the loop switches once.
 */
import { InvariantError } from '../base/assert';
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';
import {
  PUSH_CONSTANT_WORDS,
  SHADER_INSTRUCTION_BYTES,
  SHADER_MAX_INSTRUCTIONS,
  SHADER_REG_COUNT,
  SPECIAL_REG_COUNT,
  VARYING_SLOTS,
  VERTEX_ATTRIBUTES,
  shaderIsa,
} from './shader-isa';

export type ShaderStage = 'compute' | 'vertex' | 'fragment';
export type InvocationOutcome = 'done' | 'killed' | 'hung';

/** Default per-invocation instruction budget before an invocation counts as hung. */
export const DEFAULT_INSTRUCTION_BUDGET = 1_000_000;

/**
 * Default per-job work budget: the shader instructions of all its invocations plus,
 * for a draw, one unit per triangle and per pixel position scanned. Units run a job
 * to its end when it starts (engine-queue.ts), so a job with no practical end (65535²
 * workgroups, 2^32 instances) would hang the simulator. Past the budget (~17 ms of
 * shader time at the default cost model, a few seconds of host time) the job counts
 * as hung, like an invocation past its own budget: the GPU would still be busy when
 * the kernel's job timeout fires. Configurable per GPU (GpuConfig.jobWorkBudget).
 */
export const DEFAULT_JOB_WORK_BUDGET = 2 ** 26;

/** Options of the units that run shaders (compute unit, rasteriser). */
export interface ShaderRunOptions {
  /** Per-invocation instruction budget; default DEFAULT_INSTRUCTION_BUDGET. */
  readonly instructionBudget?: number;
  /** Per-job work budget; default DEFAULT_JOB_WORK_BUDGET. */
  readonly jobWorkBudget?: number;
}

const INSN_STRIDE = 5;
const FETCH_CHUNK_BYTES = 256;
const TWO32 = 0x1_0000_0000;
/** The one NaN float ops produce (positive quiet NaN, as shader-isa.ts documents). */
export const CANONICAL_NAN = 0x7fc00000;

export interface ShaderProgram {
  /** INSN_STRIDE int32 per instruction (see header). */
  readonly code: Int32Array;
  readonly instructionCount: number;
  /** Ops that only make sense in one stage, for `checkStage`. */
  readonly vertexOps: boolean;
  readonly fragmentOps: boolean;
  readonly usesKill: boolean;
  /** 1 + the highest register the program names (pairs and quads included). */
  readonly regCount: number;
}

// Internal opcodes. Most equal the ISA opcode; compares get one per condition.
const op = (name: string): number => shaderIsa.byName.get(name)!.opcode;
const NOP = op('NOP'), END = op('END'), MOV = op('MOV'), MOVI = op('MOVI'), MOVF = op('MOVF');
const IADD = op('IADD'), ISUB = op('ISUB'), IMUL = op('IMUL'), IAND = op('IAND'), IOR = op('IOR'), IXOR = op('IXOR');
const ISHL = op('ISHL'), ISHR = op('ISHR'), IASR = op('IASR'), IMIN = op('IMIN'), IMAX = op('IMAX'), IADDI = op('IADDI');
const FADD = op('FADD'), FSUB = op('FSUB'), FMUL = op('FMUL'), FDIV = op('FDIV'), FMIN = op('FMIN'), FMAX = op('FMAX');
const FFMA = op('FFMA'), FSQRT = op('FSQRT'), FRCP = op('FRCP'), FABS = op('FABS'), FNEG = op('FNEG'), FFLOOR = op('FFLOOR');
const I2F = op('I2F'), U2F = op('U2F'), F2I = op('F2I'), F2U = op('F2U'), SEL = op('SEL');
const LD32 = op('LD32'), ST32 = op('ST32'), S2R = op('S2R'), LDPC = op('LDPC'), ATTR = op('ATTR'), OUTV = op('OUTV');
const INV = op('INV'), OUTPOS = op('OUTPOS'), OUTC = op('OUTC'), KILL = op('KILL'), BRA = op('BRA'), BRZ = op('BRZ'), BRNZ = op('BRNZ');
const ICMP = 0x60, UCMP = 0x68, FCMP = 0x70; // + cond index (EQ NE LT LE GT GE)
const CMP_BASE: Readonly<Record<string, number>> = { ICMP, UCMP, FCMP };
const BRANCHES = new Set([BRA, BRZ, BRNZ]);

/** Decode program bytes (a whole number of words ending at the program's END). */
export function decodeShader(bytes: Uint8Array, va = 0, as = -1): ShaderProgram {
  const words = shaderIsa.fromBytes(bytes);
  const n = words.length;
  const code = new Int32Array(n * INSN_STRIDE);
  let vertexOps = false, fragmentOps = false, usesKill = false, regCount = 0;
  for (let i = 0; i < n; i++) {
    const [lo, hi] = words[i]!;
    const wordVa = va + i * SHADER_INSTRUCTION_BYTES;
    const dec = shaderIsa.decode(lo, hi);
    if (!dec) raise('INSTR_INVALID', wordVa, 'execute', as, `invalid shader word ${shaderIsa.disassemble(lo, hi)}`);
    const f = dec.fields;
    const name = dec.op.name;
    const base = i * INSN_STRIDE;
    let opcode = dec.op.opcode;
    let d = f.d ?? 0, a = f.a ?? 0, b = f.b ?? 0, x = f.c ?? f.imm ?? 0;
    const bad = (why: string): never => raise('INSTR_INVALID', wordVa, 'execute', as, `${shaderIsa.disassemble(lo, hi)}: ${why}`);
    switch (name) {
      case 'ICMP': case 'UCMP': case 'FCMP':
        opcode = CMP_BASE[name]! + f.cond!;
        break;
      case 'LD32': case 'ST32':
        if (a > SHADER_REG_COUNT - 2) bad('register pair out of range');
        x = f.off!;
        break;
      case 'OUTPOS': case 'OUTC':
        if (a > SHADER_REG_COUNT - 4) bad('register quad out of range');
        break;
      case 'S2R':
        a = f.sr!;
        break;
      case 'LDPC':
        x = f.word!;
        break;
      case 'ATTR':
        a = f.attr! * 4 + f.comp!;
        break;
      case 'INV':
        a = f.slot! * 4 + f.comp!;
        break;
      case 'OUTV':
        d = f.slot! * 4 + f.comp!;
        break;
      case 'BRA': case 'BRZ': case 'BRNZ': {
        const target = i + f.off!;
        if (target < 0 || target >= n) bad(`branch target ${target} outside program of ${n}`);
        x = target * INSN_STRIDE;
        break;
      }
    }
    for (const field of dec.op.fields) {
      const r = f[field.name]!;
      if (field.kind === 'reg') regCount = Math.max(regCount, r + (name === 'OUTPOS' || name === 'OUTC' ? 4 : 1));
      if (field.kind === 'reg64') regCount = Math.max(regCount, r + 2);
    }
    if (name === 'ATTR' || name === 'OUTV' || name === 'OUTPOS') vertexOps = true;
    if (name === 'INV' || name === 'OUTC' || name === 'KILL') fragmentOps = true;
    if (name === 'KILL') usesKill = true;
    code[base] = opcode;
    code[base + 1] = d;
    code[base + 2] = a;
    code[base + 3] = b;
    code[base + 4] = x;
  }
  if (n === 0 || code[(n - 1) * INSN_STRIDE] !== END) raise('INSTR_INVALID', va + n * 8, 'execute', as, 'program does not end with END');
  return { code, instructionCount: n, vertexOps, fragmentOps, usesKill, regCount };
}

const CACHE_MAX_ENTRIES = 256;
const cache = new Map<string, ShaderProgram>();

function contentKey(bytes: Uint8Array): string {
  // Two bytes per UTF-16 unit: cheap to build, exact, and a valid Map key.
  const units = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < units.length; i++) units[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  let key = '';
  for (let i = 0; i < units.length; i += 4096) key += String.fromCharCode(...units.subarray(i, i + 4096));
  return key;
}

/**
 * Fetch and decode the program at `va`. Faults: ALIGNMENT (va not 8-aligned), the
 * port's MMU faults, INSTR_INVALID (bad word, no END within SHADER_MAX_INSTRUCTIONS).
 */
export function loadShader(port: GpuMemoryPort, va: number): ShaderProgram {
  if (va % SHADER_INSTRUCTION_BYTES !== 0) raise('ALIGNMENT', va, 'execute', port.as, 'shader not 8-byte aligned');
  const chunks: Uint8Array[] = [];
  let total = 0;
  let furthestTarget = 0;
  for (let end = -1; end < 0; ) {
    if (total >= SHADER_MAX_INSTRUCTIONS * SHADER_INSTRUCTION_BYTES) {
      raise('INSTR_INVALID', va + total, 'execute', port.as, `no END within ${SHADER_MAX_INSTRUCTIONS} instructions`);
    }
    const at = va + total;
    const len = Math.min(FETCH_CHUNK_BYTES - (at % FETCH_CHUNK_BYTES), SHADER_MAX_INSTRUCTIONS * SHADER_INSTRUCTION_BYTES - total);
    const chunk = port.fetchBytes(at, len);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let o = 0; o < len; o += SHADER_INSTRUCTION_BYTES) {
      const index = (total + o) / SHADER_INSTRUCTION_BYTES;
      const lo = view.getUint32(o, true), hi = view.getUint32(o + 4, true);
      const opcode = hi >>> 24;
      if (BRANCHES.has(opcode)) furthestTarget = Math.max(furthestTarget, index + ((lo << 8) >> 8));
      if (opcode === END && index >= furthestTarget) {
        end = o + SHADER_INSTRUCTION_BYTES;
        break;
      }
    }
    chunks.push(end < 0 ? chunk : chunk.subarray(0, end));
    total += end < 0 ? len : end;
  }
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.length;
  }
  const key = contentKey(bytes);
  const hit = cache.get(key);
  if (hit) return hit;
  const program = decodeShader(bytes, va, port.as);
  if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, program);
  return program;
}

/** Raise INSTR_INVALID if `program` uses ops of another stage. */
export function checkStage(program: ShaderProgram, stage: ShaderStage, va: number, as: number): void {
  if ((program.vertexOps && stage !== 'vertex') || (program.fragmentOps && stage !== 'fragment')) {
    raise('INSTR_INVALID', va, 'execute', as, `shader uses ops not allowed in a ${stage} shader`);
  }
}

function words(n: number): { i: Int32Array; f: Float32Array } {
  const buf = new ArrayBuffer(n * 4);
  return { i: new Int32Array(buf), f: new Float32Array(buf) };
}

/**
 * One shader core: a register file plus the invocation's I/O latches. The caller
 * (compute unit, rasteriser) fills `special`, `push`, `attribs`, `varyIn` before
 * `run` and reads `position`, `varyOut`, `color` after it. Each latch has an int
 * view (`…I`) for raw bits and a float view (`…F`).
 */
export class ShaderCore {
  private readonly regs = words(SHADER_REG_COUNT);
  readonly special = words(SPECIAL_REG_COUNT);
  readonly push = words(PUSH_CONSTANT_WORDS);
  readonly attribs = words(VERTEX_ATTRIBUTES * 4);
  readonly varyIn = words(VARYING_SLOTS * 4);
  readonly varyOut = words(VARYING_SLOTS * 4);
  readonly position = words(4);
  readonly color = words(4);
  /** How the last `run` ended. */
  outcome: InvocationOutcome = 'done';

  constructor(private readonly port: GpuMemoryPort) {}

  /** Registers of the last invocation (for tests and debuggers; registers the program never names keep stale values). */
  get registers(): Int32Array {
    return this.regs.i;
  }

  /** Load push constants (`sizeBytes` ≤ 256, multiple of 4); the rest reads 0. */
  loadPushConstants(va: number, sizeBytes: number): void {
    this.push.i.fill(0);
    for (let o = 0; o < sizeBytes; o += 4) this.push.i[o >> 2] = this.port.load32(va + o);
  }

  /**
   * Run one invocation from instruction 0. Returns the number of instructions
   * executed (END and KILL included); sets `outcome`. On 'hung' the count is `budget`.
   */
  run(program: ShaderProgram, budget: number): number {
    const code = program.code;
    const ri = this.regs.i, rf = this.regs.f;
    const sp = this.special.i, pc32 = this.push.i, at = this.attribs.i, vi = this.varyIn.i, vo = this.varyOut.i;
    const port = this.port;
    // Only registers the program names can influence it; zeroing just those keeps
    // invocations independent without paying for all 64 on short shaders.
    for (let r = 0, end = program.regCount; r < end; r++) ri[r] = 0;
    let pc = 0;
    let n = 0;
    for (;;) {
      if (++n > budget) {
        this.outcome = 'hung';
        return budget;
      }
      const o = code[pc]!, d = code[pc + 1]!, a = code[pc + 2]!, b = code[pc + 3]!, x = code[pc + 4]!;
      pc += INSN_STRIDE;
      switch (o) {
        case IADD: ri[d] = ri[a]! + ri[b]!; break;
        case ISUB: ri[d] = ri[a]! - ri[b]!; break;
        case IMUL: ri[d] = Math.imul(ri[a]!, ri[b]!); break;
        case IAND: ri[d] = ri[a]! & ri[b]!; break;
        case IOR: ri[d] = ri[a]! | ri[b]!; break;
        case IXOR: ri[d] = ri[a]! ^ ri[b]!; break;
        case ISHL: ri[d] = ri[a]! << (ri[b]! & 31); break;
        case ISHR: ri[d] = ri[a]! >>> (ri[b]! & 31); break;
        case IASR: ri[d] = ri[a]! >> (ri[b]! & 31); break;
        case IMIN: ri[d] = Math.min(ri[a]!, ri[b]!); break;
        case IMAX: ri[d] = Math.max(ri[a]!, ri[b]!); break;
        case IADDI: ri[d] = ri[a]! + x; break;
        case MOV: ri[d] = ri[a]!; break;
        case MOVI: case MOVF: ri[d] = x; break;
        // Float32Array stores round once to binary32; f64 evaluation of a single
        // + - * / or sqrt of f32 operands is exact enough that this equals IEEE f32.
        // A NaN result is stored as CANONICAL_NAN: the NaN bits a host produces differ
        // (x86 vs ARM), and memory contents must not.
        case FADD: { const r = rf[a]! + rf[b]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FSUB: { const r = rf[a]! - rf[b]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FMUL: { const r = rf[a]! * rf[b]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FDIV: { const r = rf[a]! / rf[b]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FFMA: { const r = rf[a]! * rf[b]! + rf[x]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FMIN: { const p = rf[a]!, q = rf[b]!; const r = p !== p ? q : q !== q ? p : Math.min(p, q); if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FMAX: { const p = rf[a]!, q = rf[b]!; const r = p !== p ? q : q !== q ? p : Math.max(p, q); if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FSQRT: { const r = Math.sqrt(rf[a]!); if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FRCP: { const r = 1 / rf[a]!; if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FFLOOR: { const r = Math.floor(rf[a]!); if (r === r) rf[d] = r; else ri[d] = CANONICAL_NAN; break; }
        case FABS: ri[d] = ri[a]! & 0x7fffffff; break;
        case FNEG: ri[d] = ri[a]! ^ 0x80000000; break;
        case I2F: rf[d] = ri[a]!; break;
        case U2F: rf[d] = ri[a]! >>> 0; break;
        case F2I: { const p = rf[a]!; ri[d] = p !== p ? 0 : p >= 2147483647 ? 2147483647 : p <= -2147483648 ? -2147483648 : p; break; }
        case F2U: { const p = rf[a]!; ri[d] = p !== p || p <= 0 ? 0 : p >= 4294967295 ? -1 : Math.trunc(p); break; }
        case ICMP + 0: ri[d] = ri[a]! === ri[b]! ? 1 : 0; break;
        case ICMP + 1: ri[d] = ri[a]! !== ri[b]! ? 1 : 0; break;
        case ICMP + 2: ri[d] = ri[a]! < ri[b]! ? 1 : 0; break;
        case ICMP + 3: ri[d] = ri[a]! <= ri[b]! ? 1 : 0; break;
        case ICMP + 4: ri[d] = ri[a]! > ri[b]! ? 1 : 0; break;
        case ICMP + 5: ri[d] = ri[a]! >= ri[b]! ? 1 : 0; break;
        case UCMP + 0: ri[d] = ri[a]! === ri[b]! ? 1 : 0; break;
        case UCMP + 1: ri[d] = ri[a]! !== ri[b]! ? 1 : 0; break;
        case UCMP + 2: ri[d] = ri[a]! >>> 0 < ri[b]! >>> 0 ? 1 : 0; break;
        case UCMP + 3: ri[d] = ri[a]! >>> 0 <= ri[b]! >>> 0 ? 1 : 0; break;
        case UCMP + 4: ri[d] = ri[a]! >>> 0 > ri[b]! >>> 0 ? 1 : 0; break;
        case UCMP + 5: ri[d] = ri[a]! >>> 0 >= ri[b]! >>> 0 ? 1 : 0; break;
        case FCMP + 0: ri[d] = rf[a]! === rf[b]! ? 1 : 0; break;
        case FCMP + 1: ri[d] = rf[a]! !== rf[b]! ? 1 : 0; break;
        case FCMP + 2: ri[d] = rf[a]! < rf[b]! ? 1 : 0; break;
        case FCMP + 3: ri[d] = rf[a]! <= rf[b]! ? 1 : 0; break;
        case FCMP + 4: ri[d] = rf[a]! > rf[b]! ? 1 : 0; break;
        case FCMP + 5: ri[d] = rf[a]! >= rf[b]! ? 1 : 0; break;
        case SEL: ri[d] = ri[x]! !== 0 ? ri[a]! : ri[b]!; break;
        case LD32: ri[d] = port.load32(address(ri, a, x, port, 'read')); break;
        case ST32: port.store32(address(ri, a, x, port, 'write'), ri[b]!); break;
        case S2R: ri[d] = sp[a]!; break;
        case LDPC: ri[d] = pc32[x]!; break;
        case ATTR: ri[d] = at[a]!; break;
        case INV: ri[d] = vi[a]!; break;
        case OUTV: vo[d] = ri[a]!; break;
        case OUTPOS: copy4(ri, a, this.position.i); break;
        case OUTC: copy4(ri, a, this.color.i); break;
        case BRA: pc = x; break;
        case BRZ: if (ri[a] === 0) pc = x; break;
        case BRNZ: if (ri[a] !== 0) pc = x; break;
        case NOP: break;
        case END:
          this.outcome = 'done';
          return n;
        case KILL:
          this.outcome = 'killed';
          return n;
        default:
          throw new InvariantError(`shader core: decodeShader emitted internal opcode ${o}`);
      }
    }
  }
}

function copy4(ri: Int32Array, a: number, out: Int32Array): void {
  out[0] = ri[a]!;
  out[1] = ri[a + 1]!;
  out[2] = ri[a + 2]!;
  out[3] = ri[a + 3]!;
}

function address(ri: Int32Array, a: number, off: number, port: GpuMemoryPort, access: 'read' | 'write'): number {
  const va = (ri[a]! >>> 0) + (ri[a + 1]! >>> 0) * TWO32 + off;
  if (va < 0) raise('TRANSLATION', va, access, port.as, 'shader address below 0');
  return va;
}
