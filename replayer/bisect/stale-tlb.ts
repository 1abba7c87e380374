/**
 * TLB entries that no longer agree with the page tables: the one piece of hidden
 * MMU state that changes what the GPU does. An entry that matches a walk of the
 * tables is a cache hit and invisible; a stale one (its mapping unmapped or
 * remapped without AS_COMMAND_FLUSH_PT) sends accesses to the old pages.
 *
 * Model: a read-only walk of each enabled address space's 4-level tables in GPU
 * memory (engine/hw/mmu-regs.ts layout), without faults or TLB fills, compared
 * with each cached translation.
 *
 * Example: after a VM_BIND UNMAP without the flush,
 *   staleTlbEntries(stack) → [{ index: 0, entries: ['100000 → ppn 43 (table: none)'] , … }]
 */
import { PAGE_SIZE } from '../../engine/hw/memory';
import { PT_BITS_PER_LEVEL, PT_LEVELS, PTE_NO_EXECUTE, PTE_READ_ONLY, PTE_TABLE_OR_PAGE, PTE_VALID } from '../../engine/hw/mmu-regs';
import type { Stack } from '../../engine/stack';

export interface StaleTlb {
  /** Address-space slot. */
  readonly index: number;
  /** `<vpn hex> → ppn N (table: ppn M | none)`, sorted. */
  readonly entries: readonly string[];
}

interface Translation {
  readonly ppn: number;
  readonly readOnly: boolean;
  readonly noExecute: boolean;
}

export function staleTlbEntries(stack: Stack): StaleTlb[] {
  const memory = stack.gpu.memory;
  const out: StaleTlb[] = [];
  stack.gpu.mmu.snapshot().spaces.forEach((space, index) => {
    const entries: string[] = [];
    for (const [vpn, t] of space.tlb) {
      const walked = walk(memory, space.rootPa, vpn);
      if (walked && walked.ppn === t.ppn && walked.readOnly === t.readOnly && walked.noExecute === t.noExecute) continue;
      entries.push(`${vpn.toString(16)} → ppn ${t.ppn} (table: ${walked ? `ppn ${walked.ppn}` : 'none'})`);
    }
    if (entries.length) out.push({ index, entries: entries.sort() });
  });
  return out;
}

function walk(memory: Stack['gpu']['memory'], rootPa: number, vpn: number): Translation | undefined {
  let tablePa = rootPa;
  for (let level = 0; level < PT_LEVELS; level++) {
    const shift = PT_BITS_PER_LEVEL * (PT_LEVELS - 1 - level);
    const index = Math.floor(vpn / 2 ** shift) % (1 << PT_BITS_PER_LEVEL);
    const entryPa = tablePa + index * 8;
    if (!memory.contains(entryPa, 8)) return undefined;
    const lo = memory.readU32(entryPa);
    const hi = memory.readU32(entryPa + 4);
    if (!(lo & PTE_VALID) || !(lo & PTE_TABLE_OR_PAGE)) return undefined;
    const next = ((lo & 0xfffff000) >>> 0) + (hi & 0xffff) * 0x1_0000_0000;
    if (level === PT_LEVELS - 1) return { ppn: next / PAGE_SIZE, readOnly: (lo & PTE_READ_ONLY) !== 0, noExecute: (lo & PTE_NO_EXECUTE) !== 0 };
    tablePa = next;
  }
  return undefined;
}
