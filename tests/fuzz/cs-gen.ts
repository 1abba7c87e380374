/**
 * Random command streams for the fuzzers, drawn from the CS ISA table (cs-isa.ts)
 * so a new instruction is fuzzed without touching this file.
 *
 * Three generators, each deterministic in the Rng it is given:
 * - `randomWords`: uniformly random 64-bit words, and random words masked to the
 *   bits of a real opcode's fields (so some survive the reserved-bit check);
 * - `randomOps`: valid encodings of random opcodes with every field random
 *   (registers then hold whatever earlier streams left in them);
 * - `structuredStream`: short programs that load operand registers with
 *   interesting addresses (mapped read-write / read-only / no-exec, unmapped,
 *   misaligned, kernel range, beyond 48 bits) and use them: LOAD/STORE,
 *   WAIT on sync objects that never change, SYNC_SET/ADD, COPY/FILL with random
 *   sizes, DISPATCH/DRAW on random descriptors, CALL/JUMP to random places,
 *   bounded and unbounded BRANCH loops, nested CALLs.
 */
import type { Rng } from '../../engine/base/rng';
import { ALU_OPS, csIsa, FLUSH_MODES, SYNC_CONDITIONS, type CsOpName } from '../../engine/hw/cs-isa';

export type CsKind = 'words' | 'ops' | 'structured';

/** What a structured stream may point its operands at. */
export interface CsTargets {
  /** Addresses worth touching: mapped (any permission), unmapped, edges, kernel range. */
  readonly addresses: readonly number[];
  /** 8-aligned addresses with at least a page of GPU-writable memory after them. */
  readonly writable: readonly number[];
  /** 8-aligned addresses with at least a page of GPU-readable memory after them. */
  readonly readable: readonly number[];
  /** 8-aligned read-only sync objects that always hold `value` (nobody can write them). */
  readonly frozenSyncs: readonly { readonly va: number; readonly value: number }[];
  /** Descriptor addresses (valid, mutated, garbage) for DISPATCH and for DRAW. */
  readonly dispatchDescs: readonly number[];
  readonly drawDescs: readonly number[];
  /** Streams already in memory that CALL/JUMP may target: [va, sizeBytes]. */
  readonly callees: readonly (readonly [number, number])[];
}

type Op = readonly [CsOpName, Readonly<Record<string, number>>?];

const TWO32 = 0x1_0000_0000;
const SIZES = [0, 1, 4, 7, 8, 64, 4092, 4096, 4100, 65536, 1 << 20, 2 ** 30, 2 ** 30 + 4, 2 ** 32, 2 ** 47, 2 ** 48 - 1];
const OFFSETS = [0, 0, 4, -4, 1, 2, 3, 0x7ffc, -0x8000, 4096, -4096];

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.below(items.length)]!;
}

function chance(rng: Rng, p: number): boolean {
  return rng.nextU32() / TWO32 < p;
}

/** Per op: its opcode word with every non-enum field bit set (enum fields left 0, so they stay in range). */
const FIELD_MASKS = csIsa.spec.ops.map((op) => csIsa.encode(op.name, Object.fromEntries(op.fields.map((f) => [f.name, f.kind === 'enum' ? 0 : 2 ** f.width - 1]))));

export function randomWords(rng: Rng, count: number): Uint8Array {
  const words: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    let lo = rng.nextU32();
    let hi = rng.nextU32();
    if (chance(rng, 0.5)) {
      // Keep only a real op's opcode and field bits: most then decode.
      const mask = pick(rng, FIELD_MASKS);
      lo = (lo & mask[0]) >>> 0;
      hi = (hi & mask[1]) >>> 0;
    }
    words.push([lo, hi]);
  }
  return csIsa.toBytes(words);
}

export function randomOps(rng: Rng, count: number): Uint8Array {
  const words = [];
  for (let i = 0; i < count; i++) {
    const op = pick(rng, csIsa.spec.ops);
    const fields: Record<string, number> = {};
    for (const f of op.fields) {
      const limit = f.kind === 'enum' && chance(rng, 0.9) ? f.values!.length : 2 ** f.width;
      fields[f.name] = limit > TWO32 ? rng.nextU32() + rng.below(limit / TWO32) * TWO32 : rng.below(limit);
    }
    words.push(csIsa.encode(op.name, fields));
  }
  return csIsa.toBytes(words);
}

/** Registers a structured stream uses for its own operands (r0..r47; r48..r63 are left to randomOps). */
const pair = (rng: Rng): number => 2 * rng.below(24);
const reg = (rng: Rng): number => rng.below(48);

/**
 * An operand address: mostly one that suits the access (so programs get past their
 * first instruction), else anything, sometimes nudged off alignment or off the edge.
 */
function address(rng: Rng, t: CsTargets, access: 'read' | 'write' | 'any'): number {
  if (access !== 'any' && chance(rng, 0.85)) return pick(rng, access === 'read' ? t.readable : t.writable) + 8 * rng.below(64);
  const base = pick(rng, t.addresses);
  const r = rng.below(8);
  if (r === 0) return base + pick(rng, [1, 2, 3, 4, 6, 8, 4092, 4095, 4096]);
  if (r === 1) return Math.max(0, base - pick(rng, [1, 4, 8, 4096]));
  return base;
}

/** Load a 64-bit value into pair d: MOV48 when it fits, else two MOV32s. */
function load64(d: number, value: number): Op[] {
  if (value < 2 ** 48) return [['MOV48', { d, imm: value }]];
  return [['MOV32', { r: d, imm: value % TWO32 }], ['MOV32', { r: d + 1, imm: Math.floor(value / TWO32) % TWO32 }]];
}

/** A few instructions that do one interesting thing. */
function fragment(rng: Rng, t: CsTargets, selfVa: number, selfWords: number, depth: number): Op[] {
  const ops: Op[] = [];
  const a = pair(rng);
  switch (rng.below(16)) {
    case 0: {
      const r = reg(rng);
      ops.push(['MOV32', { r, imm: rng.nextU32() }], ['ALU32', { r: reg(rng), a: r, b: reg(rng), op: rng.below(ALU_OPS.length) }]);
      ops.push(['ADD64', { d: pair(rng), s: pair(rng), imm: rng.nextU32() }], ['MOVE64', { d: pair(rng), s: pair(rng) }], ['MOVE', { r: reg(rng), s: reg(rng) }]);
      break;
    }
    case 1:
    case 2: {
      const op: CsOpName = chance(rng, 0.5) ? 'LOAD' : 'STORE';
      ops.push(...load64(a, address(rng, t, op === 'LOAD' ? 'read' : 'write')));
      ops.push([op, { r: rng.below(64), a, count: rng.below(16), offset: pick(rng, OFFSETS) }]);
      break;
    }
    case 3: {
      // WAIT on a sync object: a frozen one with a condition that never holds (times out),
      // one that already holds, or any address.
      const v = pair(rng);
      if (t.frozenSyncs.length && chance(rng, 0.7)) {
        const s = pick(rng, t.frozenSyncs);
        const never = chance(rng, 0.5);
        const cond = never ? pick(rng, ['EQ', 'GT', 'LT'] as const) : pick(rng, ['EQ', 'LE', 'GE'] as const);
        const ref = never ? (cond === 'EQ' ? s.value + 1 : s.value) : s.value;
        ops.push(...load64(a, s.va), ...load64(v, ref), ['WAIT', { a, v, cond: SYNC_CONDITIONS.indexOf(cond) }]);
      } else {
        ops.push(...load64(a, address(rng, t, 'read')), ...load64(v, rng.nextU32()), ['WAIT', { a, v, cond: rng.below(SYNC_CONDITIONS.length) }]);
      }
      break;
    }
    case 4: {
      const v = pair(rng);
      ops.push(...load64(a, address(rng, t, 'write')), ...load64(v, chance(rng, 0.5) ? rng.below(4) : rng.nextU32() * TWO32 + rng.nextU32()));
      ops.push([chance(rng, 0.5) ? 'SYNC_SET' : 'SYNC_ADD', { a, v, irq: rng.below(2) }]);
      break;
    }
    case 5:
    case 6: {
      const src = pair(rng);
      const size = pair(rng);
      const n = chance(rng, 0.6) ? 4 * rng.below(1025) : pick(rng, SIZES);
      ops.push(...load64(a, address(rng, t, 'write')), ...load64(src, address(rng, t, 'read')), ...load64(size, n));
      if (chance(rng, 0.5)) ops.push(['COPY', { dst: a, src, size }]);
      else ops.push(['MOV32', { r: 48 + rng.below(8), imm: rng.nextU32() }], ['FILL', { dst: a, size, value: 48 + rng.below(8) }]);
      break;
    }
    case 7:
    case 8: {
      // Mostly a descriptor of the right type; sometimes the other type, or any address.
      const draw = chance(rng, 0.5);
      const r = rng.below(10);
      const descs = (r < 8) === draw ? t.drawDescs : t.dispatchDescs;
      const desc = r < 9 && descs.length ? pick(rng, descs) : address(rng, t, 'any');
      ops.push(...load64(a, desc), [draw ? 'DRAW' : 'DISPATCH', { desc: a }]);
      break;
    }
    case 9:
      ops.push(...load64(a, address(rng, t, 'write')), ['TIMESTAMP', { a }]);
      break;
    case 10:
      ops.push([pick(rng, ['FLUSH', 'BARRIER', 'NOP', 'END'] as const), { mode: rng.below(FLUSH_MODES.length) }]);
      break;
    case 11:
    case 12: {
      // CALL / JUMP: to a known stream, to ourselves (recursion → STACK fault), into our
      // middle, or anywhere; sizes sometimes unaligned or huge.
      const size = reg(rng);
      const r = rng.below(4);
      const [va, bytes] = r === 0 && t.callees.length ? pick(rng, t.callees)
        : r === 1 ? [selfVa, selfWords * 8]
        : r === 2 ? [selfVa + 8 * rng.below(selfWords + 1), 8 * rng.below(selfWords + 1)]
        : [address(rng, t, 'any'), pick(rng, [0, 8, 64, 4, 4096, 0xfffffff8])];
      ops.push(...load64(a, va), ['MOV32', { r: size, imm: bytes }], [chance(rng, 0.7) ? 'CALL' : 'JUMP', { a, size }]);
      break;
    }
    case 13: {
      if (depth > 0) break;
      // Bounded loop: counter, body, decrement, branch back.
      const c = reg(rng);
      const body = fragment(rng, t, selfVa, selfWords, depth + 1).filter(([name]) => name !== 'BRANCH');
      ops.push(['MOV32', { r: c, imm: 1 + rng.below(12) }], ...body, ['ADD32', { r: c, s: c, imm: -1 }]);
      ops.push(['BRANCH', { r: c, cond: 2, offset: -(body.length + 2) }]);
      break;
    }
    case 14: {
      // Unbounded loops are what the job timeout is for; keep them rare (each spins until it fires).
      if (chance(rng, 0.15)) ops.push(['BRANCH', { r: 0, cond: 0, offset: -1 }]);
      else ops.push(['BRANCH', { r: reg(rng), cond: rng.below(3), offset: rng.below(0x1_0000) - 0x8000 }]);
      break;
    }
    default:
      ops.push(['NOP']);
  }
  return ops;
}

/**
 * A structured stream of about `fragments` fragments, to be placed at `selfVa`.
 * Returns the encoded bytes (at most `maxWords` words).
 */
export function structuredStream(rng: Rng, t: CsTargets, selfVa: number, fragments: number, maxWords: number): Uint8Array {
  const ops: Op[] = [];
  const guess = Math.min(maxWords, fragments * 4);
  for (let i = 0; i < fragments; i++) ops.push(...fragment(rng, t, selfVa, guess, 0));
  return encodeOps(ops.slice(0, maxWords));
}

function encodeOps(ops: readonly Op[]): Uint8Array {
  return csIsa.toBytes(ops.map(([name, fields]) => csIsa.encode(name, fields ?? {})));
}

/** One stream of a random kind, at most `maxWords` words (at least 1). */
export function randomStream(rng: Rng, t: CsTargets, selfVa: number, maxWords: number): { kind: CsKind; bytes: Uint8Array } {
  const r = rng.below(10);
  const n = 1 + rng.below(Math.min(maxWords, 24));
  if (r === 0) return { kind: 'words', bytes: randomWords(rng, n) };
  if (r <= 2) return { kind: 'ops', bytes: randomOps(rng, n) };
  const bytes = structuredStream(rng, t, selfVa, 1 + rng.below(8), maxWords);
  return { kind: 'structured', bytes: bytes.length ? bytes : encodeOps([['NOP']]) };
}
