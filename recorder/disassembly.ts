/**
 * Command-stream disassembly for tools above the recorder (the API's event inspector):
 * the hardware's CS ISA table (engine/hw/cs-isa.ts) is the one description the
 * encoder, decoder and disassembler derive from; this re-export keeps api/ off
 * engine/hw (tests/arch/import-rules.test.ts).
 *
 * Example: disassembleCs(jobQueued.stream) → ['0000: MOV48 r2, 0x10000', …]
 */
export { disassembleCs } from '../engine/hw/cs-isa';
