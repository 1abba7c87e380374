/**
 * Physical page allocator for everything the driver owns in DRAM: BO backing pages
 * and page-table pages. Lowest-free-first, so allocation is deterministic and a
 * freed page is reused by the next allocation (which makes use-after-free bugs in
 * the driver show up as corrupted data, as they do on real systems).
 * Pages are zeroed through the bus when handed out.
 *
 * Snapshot: the free list (in its current order: `alloc` sorts it, so the order is
 * state only until then, but carrying it keeps snapshot → restore → snapshot
 * byte-identical), the bump pointer and the count. Page contents live in the GPU's
 * memory snapshot, not here.
 */
import type { Bus } from '../hw/bus';

export const PAGE_SIZE = 4096;

export interface PageAllocatorState {
  readonly free: readonly number[];
  readonly nextPpn: number;
  readonly allocated: number;
}

export class PageAllocator {
  private readonly free: number[] = [];
  private next: number;
  private readonly limit: number;
  allocated = 0;

  constructor(private readonly bus: Bus, firstPpn = 1) {
    this.next = firstPpn; // page 0 stays unused so PA 0 is never valid data
    this.limit = Math.floor(bus.memSizeBytes / PAGE_SIZE);
  }

  available(): number {
    return this.limit - this.next + this.free.length;
  }

  /** Allocate `count` zeroed pages, or undefined (ENOMEM) without allocating any. */
  alloc(count: number): number[] | undefined {
    if (count > this.available()) return undefined;
    const out: number[] = [];
    const zero = new Uint8Array(PAGE_SIZE);
    this.free.sort((a, b) => b - a); // pop() then yields the lowest free page
    for (let i = 0; i < count; i++) {
      const ppn = this.free.length ? this.free.pop()! : this.next++;
      this.bus.dramWrite(ppn * PAGE_SIZE, zero);
      out.push(ppn);
    }
    this.allocated += count;
    return out;
  }

  release(ppns: readonly number[]): void {
    this.free.push(...ppns);
    this.allocated -= ppns.length;
  }

  snapshot(): PageAllocatorState {
    return { free: [...this.free], nextPpn: this.next, allocated: this.allocated };
  }

  restore(s: PageAllocatorState): void {
    this.free.length = 0;
    for (const ppn of s.free) this.free.push(ppn);
    this.next = s.nextPpn;
    this.allocated = s.allocated;
  }
}
