/**
 * A simulated process's CPU address space: anonymous memory the process allocates
 * (argument structs, arrays, strings) and regions mapped from elsewhere (BOs
 * mmap'ed by the KMD). Every pointer an app or UMD hands to an ioctl is an address
 * here; the KMD reaches it only through copyFromUser / copyToUser, so a bad pointer
 * is an EFAULT, never a crash.
 *
 * Invariants: regions never overlap; address 0 and the first 64 KiB are never
 * mapped (NULL dereferences fail); allocation is a deterministic bump allocator.
 *
 * Snapshot: the heap's pages and bump pointers, and each region's place and label;
 * a region's backing is a function, so whoever mapped it (the KMD's mmap) supplies
 * it again on restore.
 */
export interface Backing {
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
}

interface Region {
  readonly start: number;
  readonly sizeBytes: number;
  readonly backing: Backing;
  readonly label: string;
}

export interface UserMemoryState {
  readonly heapNext: number;
  readonly mmapNext: number;
  /** Heap pages by ascending page number. */
  readonly heapPages: ReadonlyArray<readonly [pageNumber: number, bytes: Uint8Array]>;
  /** Mapped regions in mapping order. */
  readonly regions: ReadonlyArray<{ readonly start: number; readonly sizeBytes: number; readonly label: string }>;
}

const PAGE = 4096;
const HEAP_START = 0x1_0000;
const MMAP_START = 0x7f00_0000_0000;

export class UserMemory {
  private regions: Region[] = [];
  /** The heap: sparse pages from HEAP_START up to `heapNext`. */
  private readonly heapPages = new Map<number, Uint8Array>();
  private heapNext = HEAP_START;
  private mmapNext = MMAP_START;

  /** Allocate zeroed anonymous memory (16-byte aligned, never freed: runs are short). */
  alloc(sizeBytes: number): number {
    const start = this.heapNext;
    this.heapNext = start + Math.max(16, Math.ceil(sizeBytes / 16) * 16);
    return start;
  }

  /** Allocate and fill. */
  allocBytes(bytes: Uint8Array): number {
    const addr = this.alloc(bytes.length);
    this.write(addr, bytes);
    return addr;
  }

  /** Map a backing at a fresh page-aligned address (mmap). */
  map(sizeBytes: number, backing: Backing, label: string): number {
    const start = this.mmapNext;
    this.mmapNext += Math.ceil(sizeBytes / PAGE) * PAGE + PAGE; // guard page between mappings
    this.regions.push({ start, sizeBytes, backing, label });
    return start;
  }

  unmap(start: number): boolean {
    const before = this.regions.length;
    this.regions = this.regions.filter((r) => r.start !== start);
    return this.regions.length !== before;
  }

  private inHeap(addr: number, length: number): boolean {
    return addr >= HEAP_START && addr + length <= this.heapNext;
  }

  private regionFor(addr: number, length: number): Region | undefined {
    for (const r of this.regions) {
      if (addr >= r.start && addr + length <= r.start + r.sizeBytes) return r;
    }
    return undefined;
  }

  valid(addr: number, length: number): boolean {
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(length) || length < 0) return false;
    return this.inHeap(addr, length) || this.regionFor(addr, length) !== undefined;
  }

  /** Bytes at addr, or undefined when any byte is unmapped. */
  read(addr: number, length: number): Uint8Array | undefined {
    if (!this.valid(addr, length)) return undefined;
    if (!this.inHeap(addr, length)) {
      const r = this.regionFor(addr, length)!;
      return r.backing.read(addr - r.start, length);
    }
    const out = new Uint8Array(length);
    this.heapCopy(addr, length, (page, off, n, done) => {
      if (page) out.set(page.subarray(off, off + n), done);
    }, false);
    return out;
  }

  /** Returns false (writing nothing) when any byte is unmapped. */
  write(addr: number, bytes: Uint8Array): boolean {
    if (!this.valid(addr, bytes.length)) return false;
    if (!this.inHeap(addr, bytes.length)) {
      const r = this.regionFor(addr, bytes.length)!;
      r.backing.write(addr - r.start, bytes);
      return true;
    }
    this.heapCopy(addr, bytes.length, (page, off, n, done) => page!.set(bytes.subarray(done, done + n), off), true);
    return true;
  }

  private heapCopy(addr: number, length: number, fn: (page: Uint8Array | undefined, off: number, n: number, done: number) => void, create: boolean): void {
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const pn = Math.floor(a / PAGE);
      const off = a - pn * PAGE;
      const n = Math.min(PAGE - off, length - done);
      let page = this.heapPages.get(pn);
      if (!page && create) {
        page = new Uint8Array(PAGE);
        this.heapPages.set(pn, page);
      }
      fn(page, off, n, done);
      done += n;
    }
  }

  mappings(): ReadonlyArray<{ start: number; sizeBytes: number; label: string }> {
    return [{ start: HEAP_START, sizeBytes: this.heapNext - HEAP_START, label: 'heap' }, ...this.regions.map(({ start, sizeBytes, label }) => ({ start, sizeBytes, label }))];
  }

  snapshot(): UserMemoryState {
    return {
      heapNext: this.heapNext,
      mmapNext: this.mmapNext,
      heapPages: [...this.heapPages].sort((a, b) => a[0] - b[0]).map(([pn, bytes]) => [pn, bytes.slice()] as const),
      regions: this.regions.map(({ start, sizeBytes, label }) => ({ start, sizeBytes, label })),
    };
  }

  /** `backing` gives each region's backing again (by its start and label). */
  restore(s: UserMemoryState, backing: (region: { start: number; sizeBytes: number; label: string }) => Backing): void {
    this.heapNext = s.heapNext;
    this.mmapNext = s.mmapNext;
    this.heapPages.clear();
    for (const [pn, bytes] of s.heapPages) this.heapPages.set(pn, bytes.slice());
    this.regions = s.regions.map((r) => ({ ...r, backing: backing(r) }));
  }
}
