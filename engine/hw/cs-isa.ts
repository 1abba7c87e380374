/**
 * The command-stream instruction set, described once. The UMD's builder, the CS
 * frontend's decoder (cs-frontend.ts) and the UI's disassembler all derive from
 * this table (see isa.ts for the mechanism).
 *
 * Machine model (close to Mali CSF): each hardware slot has 64 32-bit registers
 * r0..r63; a 64-bit operand `dN` is the pair (rN low, rN+1 high), N even. Each
 * instruction is one 64-bit word: opcode in bits 56–63. Registers r56..r63 are
 * reserved for the kernel's ring code (see `KERNEL_REGS_FIRST`); user streams may
 * use them but the kernel overwrites them between jobs.
 *
 * Engine instructions (COPY, FILL, DISPATCH, DRAW) are asynchronous: they queue a
 * job on an engine and the stream carries on. BARRIER waits for all of this slot's
 * engine jobs; SYNC_SET / SYNC_ADD / TIMESTAMP / FLUSH wait for them implicitly, so
 * a signal always covers the work before it. Nothing orders a DRAW after a DISPATCH
 * except a BARRIER — which is the bug the missing-barrier fixture shows.
 */
import { defineIsa, type FieldSpec } from './isa';

export const CS_REG_COUNT = 64;
export const KERNEL_REGS_FIRST = 56;
/** Maximum CALL nesting; one more is a STACK fault. */
export const CS_CALL_DEPTH = 8;

const d = (name: string, lo: number, doc?: string): FieldSpec => ({ name, lo, width: 6, kind: 'reg64', doc: doc ?? '64-bit register pair' });
const r = (name: string, lo: number, doc?: string): FieldSpec => ({ name, lo, width: 6, kind: 'reg', doc: doc ?? '32-bit register' });

export const SYNC_CONDITIONS = ['LE', 'GT', 'EQ', 'NE', 'GE', 'LT'] as const;
export const FLUSH_MODES = ['CLEAN', 'INVALIDATE', 'CLEAN_INVALIDATE'] as const;
export const ALU_OPS = ['ADD', 'SUB', 'AND', 'OR', 'XOR', 'SHL', 'SHR', 'MUL'] as const;
export const BRANCH_CONDS = ['ALWAYS', 'EQZ', 'NEZ'] as const;

export const csIsa = defineIsa({
  name: 'cs',
  opcodeLo: 56,
  opcodeWidth: 8,
  ops: [
    { name: 'NOP', opcode: 0x00, fields: [], doc: 'Do nothing for one instruction slot.' },
    { name: 'MOV48', opcode: 0x01, fields: [d('d', 48), { name: 'imm', lo: 0, width: 48, kind: 'imm', doc: 'zero-extended to 64 bits' }], doc: 'dN = imm48' },
    { name: 'MOV32', opcode: 0x02, fields: [r('r', 48), { name: 'imm', lo: 0, width: 32, kind: 'imm' }], doc: 'rN = imm32' },
    { name: 'MOVE', opcode: 0x03, fields: [r('r', 48), r('s', 40)], doc: 'rD = rS' },
    { name: 'MOVE64', opcode: 0x04, fields: [d('d', 48), d('s', 40)], doc: 'dD = dS' },
    { name: 'ADD32', opcode: 0x05, fields: [r('r', 48), r('s', 40), { name: 'imm', lo: 0, width: 32, kind: 'simm' }], doc: 'rD = rS + imm (mod 2^32)' },
    { name: 'ADD64', opcode: 0x06, fields: [d('d', 48), d('s', 40), { name: 'imm', lo: 0, width: 32, kind: 'simm' }], doc: 'dD = dS + sign-extended imm (mod 2^64)' },
    {
      name: 'ALU32',
      opcode: 0x07,
      fields: [r('r', 48), r('a', 40), r('b', 32), { name: 'op', lo: 0, width: 4, kind: 'enum', values: ALU_OPS }],
      doc: 'rD = rA op rB (32-bit; shifts use rB & 31)',
    },
    {
      name: 'LOAD',
      opcode: 0x0a,
      fields: [r('r', 48, 'first destination register'), d('a', 40, 'address'), { name: 'count', lo: 32, width: 4, kind: 'imm', doc: 'words minus one (0 = 1 word)' }, { name: 'offset', lo: 0, width: 16, kind: 'simm', doc: 'byte offset' }],
      doc: 'r[D..D+count] = 32-bit words at dA + offset (must be 4-byte aligned)',
    },
    {
      name: 'STORE',
      opcode: 0x0b,
      fields: [r('r', 48, 'first source register'), d('a', 40, 'address'), { name: 'count', lo: 32, width: 4, kind: 'imm', doc: 'words minus one' }, { name: 'offset', lo: 0, width: 16, kind: 'simm' }],
      doc: 'words at dA + offset = r[S..S+count]; takes effect immediately (not journalled)',
    },
    {
      name: 'WAIT',
      opcode: 0x0c,
      fields: [d('a', 48, 'sync object address (64-bit value)'), d('v', 40, 'reference value'), { name: 'cond', lo: 0, width: 3, kind: 'enum', values: SYNC_CONDITIONS, doc: 'proceed once *dA cond dV' }],
      doc: 'Block the stream until the 64-bit sync object satisfies the condition. Re-evaluated on every GPU sync update and on SYNC_UPDATE / doorbell kicks.',
    },
    {
      name: 'SYNC_SET',
      opcode: 0x0d,
      fields: [d('a', 48), d('v', 40), { name: 'irq', lo: 0, width: 1, kind: 'imm', doc: '1 = raise the slot SYNC event' }],
      doc: 'After this slot’s engine jobs complete: *dA = dV (coherent, visible to CPU at once).',
    },
    {
      name: 'SYNC_ADD',
      opcode: 0x0e,
      fields: [d('a', 48), d('v', 40), { name: 'irq', lo: 0, width: 1, kind: 'imm' }],
      doc: 'After this slot’s engine jobs complete: *dA += dV (coherent).',
    },
    { name: 'COPY', opcode: 0x0f, fields: [d('dst', 48), d('src', 40), d('size', 32, 'byte count')], doc: 'DMA engine: copy dSize bytes from dSrc to dDst (asynchronous).' },
    { name: 'FILL', opcode: 0x10, fields: [d('dst', 48), d('size', 40, 'byte count, multiple of 4'), r('value', 32, '32-bit pattern')], doc: 'DMA engine: fill dSize bytes at dDst with the pattern (asynchronous).' },
    { name: 'DISPATCH', opcode: 0x11, fields: [d('desc', 48, 'dispatch descriptor address')], doc: 'Compute engine: run the dispatch described at dDesc (asynchronous).' },
    { name: 'DRAW', opcode: 0x12, fields: [d('desc', 48, 'draw descriptor address')], doc: 'Vertex + fragment: run the draw described at dDesc (asynchronous).' },
    { name: 'TIMESTAMP', opcode: 0x13, fields: [d('a', 48)], doc: 'After this slot’s engine jobs complete: *dA = GPU time in ns.' },
    { name: 'FLUSH', opcode: 0x14, fields: [{ name: 'mode', lo: 0, width: 2, kind: 'enum', values: FLUSH_MODES }], doc: 'After this slot’s engine jobs complete: clean and/or invalidate the L2 so GPU writes become CPU-visible.' },
    { name: 'BARRIER', opcode: 0x15, fields: [], doc: 'Wait until every engine job this slot issued has completed.' },
    { name: 'CALL', opcode: 0x16, fields: [d('a', 48, 'stream address, 8-byte aligned'), r('size', 40, 'stream size in bytes')], doc: 'Execute another stream, then continue here.' },
    { name: 'JUMP', opcode: 0x17, fields: [d('a', 48), r('size', 40)], doc: 'Continue in another stream (replaces the current one).' },
    {
      name: 'BRANCH',
      opcode: 0x18,
      fields: [r('r', 48, 'tested register'), { name: 'cond', lo: 32, width: 2, kind: 'enum', values: BRANCH_CONDS }, { name: 'offset', lo: 0, width: 16, kind: 'simm', doc: 'instructions, relative to the next one' }],
      doc: 'Relative branch if the condition on rR holds.',
    },
    { name: 'END', opcode: 0x19, fields: [], doc: 'Return from the current CALL early (no-op in the ring itself).' },
  ],
});

export type CsOpName =
  | 'NOP' | 'MOV48' | 'MOV32' | 'MOVE' | 'MOVE64' | 'ADD32' | 'ADD64' | 'ALU32' | 'LOAD' | 'STORE' | 'WAIT' | 'SYNC_SET'
  | 'SYNC_ADD' | 'COPY' | 'FILL' | 'DISPATCH' | 'DRAW' | 'TIMESTAMP' | 'FLUSH' | 'BARRIER' | 'CALL' | 'JUMP' | 'BRANCH' | 'END';

/** Builder helper: a list of [op, fields] → stream bytes. */
export function encodeCs(ops: ReadonlyArray<readonly [CsOpName, Readonly<Record<string, number>>?]>): Uint8Array {
  return csIsa.toBytes(ops.map(([name, fields]) => csIsa.encode(name, fields ?? {})));
}

/** Disassemble a stream, one line per instruction, with byte offsets. */
export function disassembleCs(bytes: Uint8Array): string[] {
  return csIsa.fromBytes(bytes).map(([lo, hi], i) => `${(i * 8).toString(16).padStart(4, '0')}: ${csIsa.disassemble(lo, hi)}`);
}
