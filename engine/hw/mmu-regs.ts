/**
 * MMU register map (offsets from the GPU's MMIO base), laid out like Mali's:
 * four IRQ registers, then one 0x40-byte window per address space.
 */
export const MMU_IRQ_RAWSTAT = 0x2000;
export const MMU_IRQ_CLEAR = 0x2004;
export const MMU_IRQ_MASK = 0x2008;
export const MMU_IRQ_STATUS = 0x200c;

export const MMU_AS_BASE = 0x2400;
export const MMU_AS_STRIDE = 0x40;

/** Offsets inside an AS window. */
export const AS_TRANSTAB_LO = 0x00; // page-table root PA, low word (latched by COMMAND_UPDATE)
export const AS_TRANSTAB_HI = 0x04;
export const AS_COMMAND = 0x18; // write-only
export const AS_FAULTSTATUS = 0x1c; // fault code (gpu-fault.ts faultCode) | access << 8; 0 = none
export const AS_FAULTADDRESS_LO = 0x20;
export const AS_FAULTADDRESS_HI = 0x24;
export const AS_STATUS = 0x28; // bit 0: translation enabled

export const AS_COMMAND_NOP = 0;
/** Latch TRANSTAB and enable translation; also drops this AS's TLB. */
export const AS_COMMAND_UPDATE = 1;
/** Drop cached translations after the page tables changed. Forgetting it leaves stale TLB entries. */
export const AS_COMMAND_FLUSH_PT = 4;
/** Disable translation for this AS (every access faults). */
export const AS_COMMAND_DISABLE = 6;

export const ACCESS_CODE = { read: 1, write: 2, execute: 3 } as const;

export function asRegName(offset: number): string | undefined {
  if (offset === MMU_IRQ_RAWSTAT) return 'MMU_IRQ_RAWSTAT';
  if (offset === MMU_IRQ_CLEAR) return 'MMU_IRQ_CLEAR';
  if (offset === MMU_IRQ_MASK) return 'MMU_IRQ_MASK';
  if (offset === MMU_IRQ_STATUS) return 'MMU_IRQ_STATUS';
  if (offset < MMU_AS_BASE || offset >= MMU_AS_BASE + 16 * MMU_AS_STRIDE) return undefined;
  const as = Math.floor((offset - MMU_AS_BASE) / MMU_AS_STRIDE);
  const names: Record<number, string> = {
    [AS_TRANSTAB_LO]: 'TRANSTAB_LO',
    [AS_TRANSTAB_HI]: 'TRANSTAB_HI',
    [AS_COMMAND]: 'COMMAND',
    [AS_FAULTSTATUS]: 'FAULTSTATUS',
    [AS_FAULTADDRESS_LO]: 'FAULTADDRESS_LO',
    [AS_FAULTADDRESS_HI]: 'FAULTADDRESS_HI',
    [AS_STATUS]: 'STATUS',
  };
  const name = names[(offset - MMU_AS_BASE) % MMU_AS_STRIDE];
  return name ? `AS${as}_${name}` : undefined;
}

/**
 * Page-table format (4 levels × 9 bits, 4 KiB granule, 48-bit VA), 64-bit entries
 * little-endian. Low word: bit 0 VALID, bit 1 TABLE (levels 0–2) / PAGE (level 3),
 * bit 6 READ_ONLY, bit 7 NO_EXECUTE, bits 12–31 PA[12..31]; high word bits 0–15
 * PA[32..47]. The KMD writes them; the MMU walks them.
 */
export const PTE_VALID = 1 << 0;
export const PTE_TABLE_OR_PAGE = 1 << 1;
export const PTE_READ_ONLY = 1 << 6;
export const PTE_NO_EXECUTE = 1 << 7;
export const PT_LEVELS = 4;
export const PT_BITS_PER_LEVEL = 9;
export const VA_BITS = 48;
