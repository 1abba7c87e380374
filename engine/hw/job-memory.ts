/**
 * A job's view of GPU memory: translated through the MMU, with the job's writes
 * kept in a private journal until the job completes.
 *
 * Why a journal: engine jobs (copy, dispatch, draw) run asynchronously to the command
 * stream and to each other. Their writes must become visible when the job
 * *completes* in virtual time, not when the model happens to compute them — otherwise
 * a missing barrier between a dispatch and a draw could never show. So a job reads
 * memory as of its start plus its own writes, and `commit()` publishes its writes
 * (byte-exact, through the L2 model) at its completion time.
 *
 * The command-stream frontend uses `direct` mode instead: CS loads/stores and sync
 * operations take effect immediately, in instruction order.
 *
 * Performance: a one-entry translation cache per direction makes sequential access
 * cost one compare; pages are Uint8Arrays with Int32Array views for aligned words
 * (the model assumes a little-endian host, as every supported Node platform is).
 */
import { newHasher } from '../base/hash';
import type { AccessKind } from './gpu-fault';
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';
import type { L2Cache } from './l2-cache';
import { PAGE_SIZE, type PhysicalMemory } from './memory';
import type { Mmu } from './mmu';

interface JournalPage {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** 1 where the job wrote the byte. */
  readonly mask: Uint8Array;
}

export interface JobMemoryStats {
  bytesRead: number;
  bytesWritten: number;
}

export class JobMemory implements GpuMemoryPort {
  private readonly journal = new Map<number, JournalPage>();
  // One-entry caches: vpn → words/bytes of the page as this job sees it.
  private readVpn = -1;
  private readBytesCache: Uint8Array = new Uint8Array(0);
  private readWords: Int32Array = new Int32Array(0);
  private writeVpn = -1;
  private writePage: JournalPage | undefined;
  readonly stats: JobMemoryStats = { bytesRead: 0, bytesWritten: 0 };

  constructor(
    readonly as: number,
    private readonly mmu: Mmu,
    private readonly memory: PhysicalMemory,
    private readonly l2: L2Cache,
    /** direct: writes land immediately (CS frontend); journal: at commit (engines). */
    private readonly mode: 'direct' | 'journal',
  ) {}

  private pageFor(va: number, access: AccessKind): number {
    const t = this.mmu.translate(this.as, va, access);
    if (!this.memory.contains(t.ppn * PAGE_SIZE, PAGE_SIZE)) raise('BUS', va, access, this.as, 'page outside physical memory');
    return t.ppn;
  }

  private loadPage(va: number, access: AccessKind): void {
    const vpn = Math.floor(va / PAGE_SIZE);
    const ppn = this.pageFor(va, access);
    const j = this.journal.get(ppn);
    const bytes = j ? j.bytes : this.memory.page(ppn);
    this.readVpn = access === 'execute' ? -1 : vpn;
    this.readBytesCache = bytes;
    this.readWords = j ? j.words : new Int32Array(bytes.buffer, bytes.byteOffset, PAGE_SIZE >>> 2);
  }

  private journalPage(va: number): JournalPage {
    const vpn = Math.floor(va / PAGE_SIZE);
    if (vpn === this.writeVpn && this.writePage) return this.writePage;
    const ppn = this.pageFor(va, 'write');
    let j = this.journal.get(ppn);
    if (!j) {
      const bytes = this.memory.page(ppn).slice();
      j = { bytes, words: new Int32Array(bytes.buffer), mask: new Uint8Array(PAGE_SIZE) };
      this.journal.set(ppn, j);
    }
    this.writeVpn = vpn;
    this.writePage = j;
    this.readVpn = -1; // the read cache may point at the physical page
    return j;
  }

  load32(va: number): number {
    if ((va & 3) !== 0) raise('ALIGNMENT', va, 'read', this.as, 'unaligned 32-bit load');
    if (Math.floor(va / PAGE_SIZE) !== this.readVpn) this.loadPage(va, 'read');
    this.stats.bytesRead += 4;
    return this.readWords[(va % PAGE_SIZE) >>> 2]! >>> 0;
  }

  store32(va: number, value: number): void {
    if ((va & 3) !== 0) raise('ALIGNMENT', va, 'write', this.as, 'unaligned 32-bit store');
    this.stats.bytesWritten += 4;
    if (this.mode === 'direct') {
      const ppn = this.pageFor(va, 'write');
      this.l2.noteGpuWrite(ppn);
      new DataView(this.memory.page(ppn).buffer).setUint32(va % PAGE_SIZE, value >>> 0, true);
      this.readVpn = -1;
      return;
    }
    const j = this.journalPage(va);
    const off = va % PAGE_SIZE;
    j.words[off >>> 2] = value | 0;
    j.mask[off] = 1;
    j.mask[off + 1] = 1;
    j.mask[off + 2] = 1;
    j.mask[off + 3] = 1;
  }

  // One-entry cache for instruction fetch (execute permission checked once per page).
  private fetchVpn = -1;
  private fetchWords: Int32Array = new Int32Array(0);

  /** Fetch one 64-bit instruction word (8-byte aligned) with execute permission; writes [lo, hi] into `out`. */
  fetchWord(va: number, out: Uint32Array): void {
    if (va % 8 !== 0) raise('ALIGNMENT', va, 'execute', this.as, 'unaligned instruction fetch');
    const vpn = Math.floor(va / PAGE_SIZE);
    if (vpn !== this.fetchVpn) {
      const ppn = this.pageFor(va, 'execute');
      const j = this.journal.get(ppn);
      const page = j ? j.bytes : this.memory.page(ppn);
      this.fetchWords = new Int32Array(page.buffer, page.byteOffset, PAGE_SIZE >>> 2);
      this.fetchVpn = vpn;
    }
    const i = (va % PAGE_SIZE) >>> 2;
    out[0] = this.fetchWords[i]!;
    out[1] = this.fetchWords[i + 1]!;
  }

  readBytes(va: number, length: number): Uint8Array {
    return this.copyOut(va, length, 'read');
  }

  fetchBytes(va: number, length: number): Uint8Array {
    return this.copyOut(va, length, 'execute');
  }

  private copyOut(va: number, length: number, access: AccessKind): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = va + done;
      const off = addr % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, length - done);
      const ppn = this.pageFor(addr, access);
      const j = this.journal.get(ppn);
      const page = j ? j.bytes : this.memory.page(ppn);
      out.set(page.subarray(off, off + n), done);
      done += n;
    }
    this.stats.bytesRead += length;
    return out;
  }

  writeBytes(va: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const addr = va + done;
      const off = addr % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, bytes.length - done);
      if (this.mode === 'direct') {
        const ppn = this.pageFor(addr, 'write');
        this.l2.noteGpuWrite(ppn);
        this.memory.page(ppn).set(bytes.subarray(done, done + n), off);
      } else {
        const j = this.journalPage(addr);
        j.bytes.set(bytes.subarray(done, done + n), off);
        j.mask.fill(1, off, off + n);
      }
      done += n;
    }
    this.readVpn = -1;
    this.stats.bytesWritten += bytes.length;
  }

  /** Direct mode: make what was just written at `va` visible to the CPU at once (sync objects are coherent). */
  makeCoherent(va: number, length: number): void {
    for (let done = 0; done < length; ) {
      const addr = va + done;
      const n = Math.min(PAGE_SIZE - (addr % PAGE_SIZE), length - done);
      const ppn = this.pageFor(addr, 'write');
      this.l2.publish(ppn * PAGE_SIZE + (addr % PAGE_SIZE), n);
      done += n;
    }
  }

  /**
   * Publish the journal: every byte the job wrote lands in memory (via the L2).
   * Returns the pages touched and a hash of what was written — each run of written
   * bytes with its physical address, in address order — so a capture can say what a
   * job produced without storing it.
   */
  commit(): { pages: number; writeHash: string } {
    let pages = 0;
    const h = newHasher();
    const at = new DataView(new ArrayBuffer(8));
    for (const [ppn, j] of [...this.journal].sort((a, b) => a[0] - b[0])) {
      this.l2.noteGpuWrite(ppn);
      const page = this.memory.page(ppn);
      const mask = j.mask;
      for (let i = 0; i < PAGE_SIZE; i++) {
        if (!mask[i]) continue;
        let end = i;
        while (end < PAGE_SIZE && mask[end]) end++;
        page.set(j.bytes.subarray(i, end), i);
        at.setFloat64(0, ppn * PAGE_SIZE + i, true);
        h.update(new Uint8Array(at.buffer.slice(0)));
        h.update(j.bytes.subarray(i, end));
        i = end - 1;
      }
      pages++;
    }
    this.journal.clear();
    this.readVpn = -1;
    this.writeVpn = -1;
    this.writePage = undefined;
    return { pages, writeHash: h.digestHex() };
  }

  /** Journal pages as data, for snapshots of in-flight jobs. */
  journalSnapshot(): [number, Uint8Array, Uint8Array][] {
    return [...this.journal].map(([ppn, j]) => [ppn, j.bytes.slice(), j.mask.slice()]);
  }

  restoreJournal(pages: readonly [number, Uint8Array, Uint8Array][]): void {
    this.journal.clear();
    for (const [ppn, bytes, mask] of pages) {
      const b = bytes.slice();
      this.journal.set(ppn, { bytes: b, words: new Int32Array(b.buffer), mask: mask.slice() });
    }
  }
}
