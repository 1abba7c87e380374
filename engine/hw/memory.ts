/**
 * Physical memory (DRAM): 4 KiB pages allocated sparsely on first touch, zero-filled.
 *
 * This is the memory as the *CPU* and the memory controller see it. GPU units never
 * touch it directly: they go through the MMU (mmu.ts) and a job's write journal
 * (job-memory.ts), and the L2 model (l2-cache.ts) decides when GPU writes become
 * visible to CPU reads.
 *
 * Invariants: addresses are plain numbers < sizeBytes (≤ 2^48); an access outside is
 * reported by the caller as a BUS fault or EFAULT, never wraps.
 */
import { newHasher } from '../base/hash';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export interface MemorySnapshot {
  readonly pages: ReadonlyArray<readonly [ppn: number, bytes: Uint8Array]>;
}

export class PhysicalMemory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly sizeBytes: number) {}

  contains(pa: number, length: number): boolean {
    return pa >= 0 && length >= 0 && pa + length <= this.sizeBytes;
  }

  /** The page's backing bytes, created zero-filled on first touch. */
  page(ppn: number): Uint8Array {
    let page = this.pages.get(ppn);
    if (!page) {
      page = new Uint8Array(PAGE_SIZE);
      this.pages.set(ppn, page);
    }
    return page;
  }

  /** Existing page or undefined (reads of untouched pages see zeros without allocating). */
  peekPage(ppn: number): Uint8Array | undefined {
    return this.pages.get(ppn);
  }

  read(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = pa + done;
      const ppn = Math.floor(addr / PAGE_SIZE);
      const off = addr - ppn * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, length - done);
      const page = this.pages.get(ppn);
      if (page) out.set(page.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(pa: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const addr = pa + done;
      const ppn = Math.floor(addr / PAGE_SIZE);
      const off = addr - ppn * PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, bytes.length - done);
      this.page(ppn).set(bytes.subarray(done, done + n), off);
      done += n;
    }
  }

  readU32(pa: number): number {
    const b = this.read(pa, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  writeU32(pa: number, value: number): void {
    this.write(pa, new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]));
  }

  readU64(pa: number): number {
    return this.readU32(pa) + this.readU32(pa + 4) * 0x1_0000_0000;
  }

  writeU64(pa: number, value: number): void {
    this.writeU32(pa, value >>> 0);
    this.writeU32(pa + 4, Math.floor(value / 0x1_0000_0000) >>> 0);
  }

  /** Pages ever touched (allocated), for statistics. */
  touchedPages(): number {
    return this.pages.size;
  }

  /** Hash of the whole memory: all-zero pages hash the same as untouched ones. */
  hash(): string {
    const h = newHasher();
    const ppns = [...this.pages.keys()].sort((a, b) => a - b);
    const index = new DataView(new ArrayBuffer(8));
    for (const ppn of ppns) {
      const page = this.pages.get(ppn)!;
      if (isZero(page)) continue;
      index.setFloat64(0, ppn, true);
      h.update(new Uint8Array(index.buffer.slice(0)));
      h.update(page);
    }
    return h.digestHex();
  }

  snapshot(): MemorySnapshot {
    const pages: [number, Uint8Array][] = [];
    for (const [ppn, bytes] of [...this.pages].sort((a, b) => a[0] - b[0])) {
      if (!isZero(bytes)) pages.push([ppn, bytes.slice()]);
    }
    return { pages };
  }

  restore(s: MemorySnapshot): void {
    this.pages.clear();
    for (const [ppn, bytes] of s.pages) this.pages.set(ppn, bytes.slice());
  }

  reset(): void {
    this.pages.clear();
  }
}

function isZero(page: Uint8Array): boolean {
  const words = new Uint32Array(page.buffer, page.byteOffset, page.byteLength >>> 2);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}
