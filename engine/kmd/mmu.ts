/**
 * GPU virtual memory, as panthor_mmu.c does it: VMs own 4-level page tables in DRAM
 * (format in hw/mmu-regs.ts), mappings of BO ranges, and a kernel VA region above
 * the user range for rings, sync objects and heaps. A VM gets one of the hardware
 * address-space slots while a group using it runs; slots are handed out least
 * recently used first, and a VM with work on the GPU is never evicted.
 *
 * Every page-table change is followed by AS_COMMAND_FLUSH_PT on the VM's slot (if it
 * has one): the hardware TLB otherwise keeps using the old translation — which is
 * what the injectable bug 'unmap-stale-tlb' shows (see `unmap`).
 *
 * A VM becomes unusable after a GPU fault in its address space (panthor's
 * vm->unusable): new MAP operations fail with EINVAL, UNMAP still works, and jobs
 * on it fail. The only recovery is a new VM.
 *
 * The manager keeps every VM not yet released by id (`live`), for snapshots: a VM is
 * stored once, mappings name their BO by id. `lastBind` is not stored: snapshots are
 * taken when no bind is queued, and a signalled last bind orders nothing.
 */
import { assert } from '../base/assert';
import { Errno } from '../base/errno';
import type { Bus } from '../hw/bus';
import {
  AS_COMMAND,
  AS_COMMAND_FLUSH_PT,
  AS_COMMAND_UPDATE,
  AS_TRANSTAB_HI,
  AS_TRANSTAB_LO,
  MMU_AS_BASE,
  MMU_AS_STRIDE,
  PT_BITS_PER_LEVEL,
  PT_LEVELS,
  PTE_NO_EXECUTE,
  PTE_READ_ONLY,
  PTE_TABLE_OR_PAGE,
  PTE_VALID,
  VA_BITS,
} from '../hw/mmu-regs';
import type { DmaFence } from './fence';
import type { Bo, GemManager } from './gem';
import { PAGE_SIZE, type PageAllocator } from './page-alloc';

export const VM_MAP_READONLY = 1 << 0;
export const VM_MAP_NOEXEC = 1 << 1;
export const VM_MAP_UNCACHED = 1 << 2;

/** Default split: user VA below 2^47 (128 TiB); kernel objects above it. */
export const DEFAULT_USER_VA_RANGE = 2 ** 47;
export const VA_LIMIT = 2 ** VA_BITS;

export interface Mapping {
  readonly va: number;
  readonly sizeBytes: number;
  readonly bo: Bo;
  readonly boOffset: number;
  readonly flags: number;
}

export interface VmState {
  readonly id: number;
  readonly rootPpn: number;
  readonly userVaRange: number;
  readonly tablePages: readonly number[];
  readonly kernelVaNext: number;
  readonly mappings: ReadonlyArray<{ va: number; sizeBytes: number; boId: number; boOffset: number; flags: number }>;
  readonly unusable: boolean;
  readonly destroyed: boolean;
  readonly as: number;
  readonly lastUsedNs: number;
  readonly users: number;
}

export interface VmManagerState {
  readonly nextId: number;
  /** Live VMs by ascending id. */
  readonly vms: readonly VmState[];
}

export class Vm {
  readonly mappings: Mapping[] = [];
  unusable = false;
  destroyed = false;
  /** Hardware AS slot, or -1. */
  as = -1;
  lastUsedNs = 0;
  /** Groups (and in-flight binds) using this VM; it is not freed while > 0. */
  users = 0;
  /** Fence of the last queued async VM_BIND op: the next one runs after it. */
  lastBind: DmaFence | undefined;
  private kernelVaNext: number;

  constructor(
    readonly id: number,
    readonly rootPpn: number,
    readonly userVaRange: number,
    private readonly tablePages: number[],
  ) {
    this.kernelVaNext = userVaRange;
  }

  allocKernelVa(sizeBytes: number): number | undefined {
    const va = Math.ceil(this.kernelVaNext / PAGE_SIZE) * PAGE_SIZE;
    if (va + sizeBytes > VA_LIMIT) return undefined;
    this.kernelVaNext = va + sizeBytes + PAGE_SIZE; // guard page
    return va;
  }

  ownedTablePages(): number[] {
    return this.tablePages;
  }

  snapshot(): VmState {
    assert(!this.lastBind || this.lastBind.isSignalled, `vm${this.id}: snapshot with a VM_BIND queued`);
    return {
      id: this.id, rootPpn: this.rootPpn, userVaRange: this.userVaRange, tablePages: [...this.tablePages], kernelVaNext: this.kernelVaNext,
      mappings: this.mappings.map((m) => ({ va: m.va, sizeBytes: m.sizeBytes, boId: m.bo.id, boOffset: m.boOffset, flags: m.flags })),
      unusable: this.unusable, destroyed: this.destroyed, as: this.as, lastUsedNs: this.lastUsedNs, users: this.users,
    };
  }

  static restore(s: VmState, bo: (id: number) => Bo): Vm {
    const vm = new Vm(s.id, s.rootPpn, s.userVaRange, [...s.tablePages]);
    vm.kernelVaNext = s.kernelVaNext;
    for (const m of s.mappings) vm.mappings.push({ va: m.va, sizeBytes: m.sizeBytes, bo: bo(m.boId), boOffset: m.boOffset, flags: m.flags });
    vm.unusable = s.unusable;
    vm.destroyed = s.destroyed;
    vm.as = s.as;
    vm.lastUsedNs = s.lastUsedNs;
    vm.users = s.users;
    return vm;
  }

  /** Mapping containing `va`, if any. */
  find(va: number): Mapping | undefined {
    return this.mappings.find((m) => va >= m.va && va < m.va + m.sizeBytes);
  }

  overlaps(va: number, sizeBytes: number): boolean {
    return this.mappings.some((m) => va < m.va + m.sizeBytes && m.va < va + sizeBytes);
  }
}

export class VmManager {
  private readonly asOwner: (Vm | undefined)[];
  private nextId = 1;
  /** VMs not yet released, by id (insertion order = ascending id). */
  private readonly live = new Map<number, Vm>();

  constructor(
    private readonly bus: Bus,
    private readonly pages: PageAllocator,
    private readonly gem: GemManager,
    asCount: number,
    /** Injected KMD bugs (KmdConfig.bugs). */
    private readonly bugs: ReadonlySet<string>,
  ) {
    this.asOwner = new Array(asCount).fill(undefined);
  }

  create(userVaRange: number): Vm | undefined {
    const root = this.pages.alloc(1);
    if (!root) return undefined;
    const vm = new Vm(this.nextId++, root[0]!, userVaRange, [root[0]!]);
    this.live.set(vm.id, vm);
    return vm;
  }

  /** A live VM by id (snapshot references), or undefined. */
  byId(id: number): Vm | undefined {
    return this.live.get(id);
  }

  /** Live VMs by ascending id. */
  liveVms(): Vm[] {
    return [...this.live.values()];
  }

  /** Address-space ownership is in each VM's `as`; `asOwner` is rebuilt from it. */
  snapshot(): VmManagerState {
    return { nextId: this.nextId, vms: this.liveVms().map((vm) => vm.snapshot()) };
  }

  restore(s: VmManagerState): void {
    this.nextId = s.nextId;
    this.live.clear();
    this.asOwner.fill(undefined);
    for (const state of s.vms) {
      const vm = Vm.restore(state, (id) => {
        const bo = this.gem.byId(id);
        assert(bo, `vm${state.id} maps bo${id}, which the snapshot does not hold`);
        return bo;
      });
      this.live.set(vm.id, vm);
      if (vm.as >= 0) this.asOwner[vm.as] = vm;
    }
  }

  /** Map BO pages at va; caller validated alignment, range and overlap. An empty range maps (and records) nothing. */
  map(vm: Vm, va: number, bo: Bo, boOffset: number, sizeBytes: number, flags: number): number {
    if (sizeBytes <= 0) return 0;
    const pteFlags = PTE_VALID | PTE_TABLE_OR_PAGE | (flags & VM_MAP_READONLY ? PTE_READ_ONLY : 0) | (flags & VM_MAP_NOEXEC ? PTE_NO_EXECUTE : 0);
    for (let off = 0; off < sizeBytes; off += PAGE_SIZE) {
      const err = this.setPte(vm, va + off, bo.pa(boOffset + off), pteFlags);
      if (err) {
        // Roll back what this call mapped so a failed bind changes nothing.
        for (let undo = 0; undo < off; undo += PAGE_SIZE) this.setPte(vm, va + undo, 0, 0);
        this.flushTlb(vm);
        return err;
      }
    }
    vm.mappings.push({ va, sizeBytes, bo: this.gem.get(bo), boOffset, flags });
    vm.mappings.sort((a, b) => a.va - b.va);
    this.flushTlb(vm);
    return 0;
  }

  /** A kernel-only BO (ring, sync object, heap) mapped in the VM's kernel range. */
  mapKernelBo(vm: Vm, sizeBytes: number, flags: number, label: string): { bo: Bo; va: number; size: number } | number {
    const bo = this.gem.create(sizeBytes, 0, vm.id, label);
    if (!bo) return Errno.ENOMEM;
    const va = vm.allocKernelVa(bo.sizeBytes);
    if (va === undefined) return this.gem.put(bo), Errno.ENOMEM;
    const err = this.map(vm, va, bo, 0, bo.sizeBytes, flags);
    // map() took its own reference; the caller owns the creation reference.
    if (err) return this.gem.put(bo), err;
    return { bo, va, size: bo.sizeBytes };
  }

  /**
   * Bytes at [va, va+size) of the VM as the CPU sees them through the mapped BOs, or
   * undefined when any part is unmapped (what a tracer at the ioctl boundary can read).
   */
  readMapped(vm: Vm, va: number, sizeBytes: number): Uint8Array | undefined {
    const out = new Uint8Array(sizeBytes);
    for (let done = 0; done < sizeBytes; ) {
      const m = vm.find(va + done);
      if (!m) return undefined;
      const n = Math.min(sizeBytes - done, m.va + m.sizeBytes - (va + done));
      out.set(this.gem.read(m.bo, m.boOffset + (va + done - m.va), n), done);
      done += n;
    }
    return out;
  }

  /** Unmap [va, va+size): whole mappings go, partially covered ones are split. */
  unmap(vm: Vm, va: number, sizeBytes: number): void {
    const end = va + sizeBytes;
    const hit = vm.mappings.filter((m) => va < m.va + m.sizeBytes && m.va < end);
    for (const m of hit) {
      vm.mappings.splice(vm.mappings.indexOf(m), 1);
      const from = Math.max(va, m.va);
      const to = Math.min(end, m.va + m.sizeBytes);
      for (let a = from; a < to; a += PAGE_SIZE) this.setPte(vm, a, 0, 0);
      if (m.va < from) vm.mappings.push({ ...m, sizeBytes: from - m.va, bo: this.gem.get(m.bo) });
      if (to < m.va + m.sizeBytes) {
        vm.mappings.push({ ...m, va: to, boOffset: m.boOffset + (to - m.va), sizeBytes: m.va + m.sizeBytes - to, bo: this.gem.get(m.bo) });
      }
      this.gem.put(m.bo);
    }
    vm.mappings.sort((a, b) => a.va - b.va);
    // Bug 'unmap-stale-tlb': the PTEs are cleared but the flush is skipped, so while the
    // VM keeps its address space the GPU goes on translating the range to the old pages
    // — writes after the unmap land in memory the BO no longer owns.
    if (!this.bugs.has('unmap-stale-tlb')) this.flushTlb(vm);
  }

  /** Tear down every mapping and free the page tables. */
  release(vm: Vm): void {
    for (const m of [...vm.mappings]) this.unmap(vm, m.va, m.sizeBytes);
    if (vm.as >= 0) {
      this.asOwner[vm.as] = undefined;
      vm.as = -1;
    }
    this.pages.release(vm.ownedTablePages());
    this.live.delete(vm.id);
  }

  /**
   * Give the VM an address-space slot (LRU among VMs not `busy`), programming the
   * MMU. Returns the slot or -1 when every slot is held by a busy VM.
   */
  bindAs(vm: Vm, busy: (v: Vm) => boolean): number {
    vm.lastUsedNs = this.bus.nowNs;
    if (vm.as >= 0) return vm.as;
    let slot = this.asOwner.findIndex((o) => o === undefined);
    if (slot < 0) {
      let best = -1;
      for (let i = 0; i < this.asOwner.length; i++) {
        const o = this.asOwner[i]!;
        if (busy(o)) continue;
        if (best < 0 || o.lastUsedNs < this.asOwner[best]!.lastUsedNs) best = i;
      }
      if (best < 0) return -1;
      this.asOwner[best]!.as = -1;
      slot = best;
    }
    this.asOwner[slot] = vm;
    vm.as = slot;
    const rootPa = vm.rootPpn * PAGE_SIZE;
    const base = MMU_AS_BASE + slot * MMU_AS_STRIDE;
    this.bus.mmioWrite(base + AS_TRANSTAB_LO, rootPa >>> 0);
    this.bus.mmioWrite(base + AS_TRANSTAB_HI, Math.floor(rootPa / 0x1_0000_0000));
    this.bus.mmioWrite(base + AS_COMMAND, AS_COMMAND_UPDATE);
    return slot;
  }

  vmOnAs(as: number): Vm | undefined {
    return this.asOwner[as];
  }

  /** After a GPU reset the MMU forgot every AS: VMs get slots again on next use. */
  forgetAddressSpaces(): void {
    for (let i = 0; i < this.asOwner.length; i++) {
      const vm = this.asOwner[i];
      if (vm) vm.as = -1;
      this.asOwner[i] = undefined;
    }
  }

  private flushTlb(vm: Vm): void {
    if (vm.as < 0) return;
    this.bus.mmioWrite(MMU_AS_BASE + vm.as * MMU_AS_STRIDE + AS_COMMAND, AS_COMMAND_FLUSH_PT);
  }

  /** Write the leaf PTE for va (allocating intermediate tables); pa 0 + flags 0 clears it. */
  private setPte(vm: Vm, va: number, pa: number, flags: number): number {
    let tablePa = vm.rootPpn * PAGE_SIZE;
    const vpn = Math.floor(va / PAGE_SIZE);
    for (let level = 0; level < PT_LEVELS; level++) {
      const shift = PT_BITS_PER_LEVEL * (PT_LEVELS - 1 - level);
      const index = Math.floor(vpn / 2 ** shift) % (1 << PT_BITS_PER_LEVEL);
      const entryPa = tablePa + index * 8;
      if (level === PT_LEVELS - 1) {
        this.writeEntry(entryPa, pa, flags);
        return 0;
      }
      const entry = this.readEntry(entryPa);
      if (entry.lo & PTE_VALID) {
        tablePa = entry.pa;
        continue;
      }
      if (!flags) return 0; // clearing something never mapped
      const page = this.pages.alloc(1);
      if (!page) return Errno.ENOMEM;
      vm.ownedTablePages().push(page[0]!);
      const nextPa = page[0]! * PAGE_SIZE;
      this.writeEntry(entryPa, nextPa, PTE_VALID | PTE_TABLE_OR_PAGE);
      tablePa = nextPa;
    }
    return 0;
  }

  private readEntry(pa: number): { lo: number; pa: number } {
    const b = this.bus.dramRead(pa, 8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const lo = view.getUint32(0, true);
    const hi = view.getUint32(4, true);
    return { lo, pa: ((lo & 0xfffff000) >>> 0) + (hi & 0xffff) * 0x1_0000_0000 };
  }

  private writeEntry(entryPa: number, pa: number, flags: number): void {
    const b = new Uint8Array(8);
    const view = new DataView(b.buffer);
    view.setUint32(0, flags ? (((pa >>> 0) & 0xfffff000) | flags) >>> 0 : 0, true);
    view.setUint32(4, flags ? Math.floor(pa / 0x1_0000_0000) & 0xffff : 0, true);
    this.bus.dramWrite(entryPa, b);
  }
}
