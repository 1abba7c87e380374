/**
 * The GPU MMU: a fixed number of address-space (AS) slots, each translating 48-bit
 * GPU virtual addresses through 4-level page tables that live in GPU memory and
 * are written by the KMD (format in mmu-regs.ts). Each AS has a TLB that caches leaf
 * entries until the KMD issues UPDATE or FLUSH_PT — so a driver that edits page
 * tables and forgets the flush really does keep using the stale mapping.
 *
 * A failed translation records FAULTSTATUS/FAULTADDRESS for the AS (first fault
 * wins until the KMD clears it), raises the MMU IRQ line, and unwinds the job with a
 * GpuFaultSignal.
 */
import type { AccessKind } from './gpu-fault';
import { faultCode, raise } from './gpu-fault';
import { PAGE_SIZE, type PhysicalMemory } from './memory';
import {
  ACCESS_CODE,
  AS_COMMAND,
  AS_COMMAND_DISABLE,
  AS_COMMAND_FLUSH_PT,
  AS_COMMAND_UPDATE,
  AS_FAULTADDRESS_HI,
  AS_FAULTADDRESS_LO,
  AS_FAULTSTATUS,
  AS_STATUS,
  AS_TRANSTAB_HI,
  AS_TRANSTAB_LO,
  MMU_AS_BASE,
  MMU_AS_STRIDE,
  MMU_IRQ_CLEAR,
  MMU_IRQ_MASK,
  MMU_IRQ_RAWSTAT,
  MMU_IRQ_STATUS,
  PT_BITS_PER_LEVEL,
  PT_LEVELS,
  PTE_NO_EXECUTE,
  PTE_READ_ONLY,
  PTE_TABLE_OR_PAGE,
  PTE_VALID,
  VA_BITS,
} from './mmu-regs';

/** A cached leaf: physical page number and permissions. */
export interface Translation {
  readonly ppn: number;
  readonly readOnly: boolean;
  readonly noExecute: boolean;
}

interface AddressSpace {
  transtabLo: number;
  transtabHi: number;
  rootPa: number;
  enabled: boolean;
  faultStatus: number;
  faultVa: number;
  tlb: Map<number, Translation>;
}

export interface MmuSnapshot {
  readonly spaces: ReadonlyArray<Omit<AddressSpace, 'tlb'> & { tlb: [number, Translation][] }>;
  readonly irqRaw: number;
  readonly irqMask: number;
}

const VA_LIMIT = 2 ** VA_BITS;

export class Mmu {
  private spaces: AddressSpace[] = [];
  private irqRaw = 0;
  private irqMask = 0;
  /** Set by the device: called when the IRQ output may have changed. */
  onIrqChange: () => void = () => {};

  constructor(
    readonly asCount: number,
    private readonly memory: PhysicalMemory,
  ) {
    this.init();
  }

  init(): void {
    this.spaces = Array.from({ length: this.asCount }, () => ({
      transtabLo: 0,
      transtabHi: 0,
      rootPa: 0,
      enabled: false,
      faultStatus: 0,
      faultVa: 0,
      tlb: new Map(),
    }));
    this.irqRaw = 0;
    this.irqMask = 0;
  }

  reset(): void {
    this.init();
  }

  irqPending(): boolean {
    return (this.irqRaw & this.irqMask) !== 0;
  }

  /** Translate `va` in address space `as` for `access`; raises a fault on failure. */
  translate(as: number, va: number, access: AccessKind): Translation {
    const space = this.spaces[as];
    if (!space || !space.enabled) return this.fault(as, va, access, 'TRANSLATION', 'address space disabled');
    if (va < 0 || va >= VA_LIMIT || !Number.isInteger(va)) return this.fault(as, va, access, 'TRANSLATION', 'VA out of range');
    const vpn = Math.floor(va / PAGE_SIZE);
    let t = space.tlb.get(vpn);
    if (!t) {
      t = this.walk(space, as, va, vpn, access);
      space.tlb.set(vpn, t);
    }
    if (access === 'write' && t.readOnly) return this.fault(as, va, access, 'PERMISSION', 'write to read-only mapping');
    if (access === 'execute' && t.noExecute) return this.fault(as, va, access, 'PERMISSION', 'execute from no-execute mapping');
    return t;
  }

  private walk(space: AddressSpace, as: number, va: number, vpn: number, access: AccessKind): Translation {
    let tablePa = space.rootPa;
    for (let level = 0; level < PT_LEVELS; level++) {
      const shift = PT_BITS_PER_LEVEL * (PT_LEVELS - 1 - level);
      const index = Math.floor(vpn / 2 ** shift) % (1 << PT_BITS_PER_LEVEL);
      const entryPa = tablePa + index * 8;
      if (!this.memory.contains(entryPa, 8)) return this.fault(as, va, access, 'BUS', `page table at 0x${entryPa.toString(16)} outside memory`);
      const lo = this.memory.readU32(entryPa);
      const hi = this.memory.readU32(entryPa + 4);
      if (!(lo & PTE_VALID) || !(lo & PTE_TABLE_OR_PAGE)) {
        return this.fault(as, va, access, 'TRANSLATION', `no valid level-${level} entry`);
      }
      const pa = (lo & 0xfffff000) >>> 0;
      const next = pa + (hi & 0xffff) * 0x1_0000_0000;
      if (level === PT_LEVELS - 1) {
        return { ppn: next / PAGE_SIZE, readOnly: (lo & PTE_READ_ONLY) !== 0, noExecute: (lo & PTE_NO_EXECUTE) !== 0 };
      }
      tablePa = next;
    }
    return this.fault(as, va, access, 'TRANSLATION', 'walk fell through');
  }

  private fault(as: number, va: number, access: AccessKind, kind: 'TRANSLATION' | 'PERMISSION' | 'BUS', detail: string): never {
    const space = this.spaces[as];
    if (space && space.faultStatus === 0) {
      space.faultStatus = faultCode[kind] | (ACCESS_CODE[access] << 8);
      space.faultVa = Number.isFinite(va) ? va : 0;
      if (as >= 0 && as < 32) {
        this.irqRaw = (this.irqRaw | (1 << as)) >>> 0;
        this.onIrqChange();
      }
    }
    return raise(kind, va, access, as, detail);
  }

  mmioRead(offset: number): number | undefined {
    switch (offset) {
      case MMU_IRQ_RAWSTAT:
        return this.irqRaw;
      case MMU_IRQ_MASK:
        return this.irqMask;
      case MMU_IRQ_STATUS:
        return (this.irqRaw & this.irqMask) >>> 0;
    }
    const found = this.asWindow(offset);
    if (!found) return undefined;
    const [space, reg] = found;
    switch (reg) {
      case AS_TRANSTAB_LO:
        return space.transtabLo;
      case AS_TRANSTAB_HI:
        return space.transtabHi;
      case AS_FAULTSTATUS:
        return space.faultStatus;
      case AS_FAULTADDRESS_LO:
        return space.faultVa >>> 0;
      case AS_FAULTADDRESS_HI:
        return Math.floor(space.faultVa / 0x1_0000_0000) >>> 0;
      case AS_STATUS:
        return space.enabled ? 1 : 0;
      default:
        return 0;
    }
  }

  mmioWrite(offset: number, value: number): boolean {
    switch (offset) {
      case MMU_IRQ_CLEAR:
        this.irqRaw = (this.irqRaw & ~value) >>> 0;
        // Clearing the IRQ also re-arms fault capture for those address spaces.
        for (let as = 0; as < this.spaces.length; as++) {
          if (value & (1 << as)) this.spaces[as]!.faultStatus = 0;
        }
        this.onIrqChange();
        return true;
      case MMU_IRQ_MASK:
        this.irqMask = value >>> 0;
        this.onIrqChange();
        return true;
    }
    const found = this.asWindow(offset);
    if (!found) return false;
    const [space, reg] = found;
    switch (reg) {
      case AS_TRANSTAB_LO:
        space.transtabLo = value >>> 0;
        return true;
      case AS_TRANSTAB_HI:
        space.transtabHi = value >>> 0;
        return true;
      case AS_COMMAND:
        this.command(space, value);
        return true;
      default:
        return true; // read-only registers ignore writes, as hardware does
    }
  }

  private command(space: AddressSpace, command: number): void {
    if (command === AS_COMMAND_UPDATE) {
      space.rootPa = space.transtabLo + (space.transtabHi & 0xffff) * 0x1_0000_0000;
      space.enabled = true;
      space.tlb.clear();
    } else if (command === AS_COMMAND_FLUSH_PT) {
      space.tlb.clear();
    } else if (command === AS_COMMAND_DISABLE) {
      space.enabled = false;
      space.tlb.clear();
    }
  }

  private asWindow(offset: number): [AddressSpace, number] | undefined {
    if (offset < MMU_AS_BASE) return undefined;
    const as = Math.floor((offset - MMU_AS_BASE) / MMU_AS_STRIDE);
    const space = this.spaces[as];
    return space ? [space, (offset - MMU_AS_BASE) % MMU_AS_STRIDE] : undefined;
  }

  snapshot(): MmuSnapshot {
    return {
      spaces: this.spaces.map((s) => ({ ...s, tlb: [...s.tlb] })),
      irqRaw: this.irqRaw,
      irqMask: this.irqMask,
    };
  }

  restore(s: MmuSnapshot): void {
    this.spaces = s.spaces.map((sp) => ({ ...sp, tlb: new Map(sp.tlb) }));
    this.irqRaw = s.irqRaw;
    this.irqMask = s.irqMask;
  }
}
