/**
 * `tracefold disasm FILE`: disassemble a raw command stream or shader binary with
 * the same ISA tables the hardware model decodes with.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { csIsa } from '../engine/hw/cs-isa';
import { shaderIsa } from '../engine/hw/shader-isa';

export function registerDisasm(program: Command): void {
  program
    .command('disasm')
    .description('disassemble a binary command stream (--isa cs) or shader (--isa shader)')
    .argument('<file>', 'raw little-endian 64-bit instruction words')
    .option('--isa <isa>', 'cs or shader', 'cs')
    .action((file: string, opts: { isa: string }) => {
      const isa = opts.isa === 'shader' ? shaderIsa : opts.isa === 'cs' ? csIsa : undefined;
      if (!isa) {
        console.error(`tracefold disasm: unknown --isa ${opts.isa} (use cs or shader)`);
        process.exitCode = 2;
        return;
      }
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        console.error(`tracefold disasm: cannot read ${file}: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      if (bytes.length % 8 !== 0) console.error(`tracefold disasm: ${file} is ${bytes.length} bytes, not a whole number of 8-byte words; ignoring the tail`);
      isa.fromBytes(bytes).forEach(([lo, hi], i) => console.log(`${(i * 8).toString(16).padStart(6, '0')}:  ${isa.disassemble(lo, hi)}`));
    });
}
