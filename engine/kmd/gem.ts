/**
 * GEM buffer objects: page-backed memory, reference counted by handles (per file),
 * VM mappings, CPU mmaps and dma-buf exports. The pages are freed when the last
 * reference goes, never earlier: a BO still mapped in a VM keeps its pages even after
 * GEM_CLOSE, as in Linux.
 */
import type { Bus } from '../hw/bus';
import { PAGE_SIZE, type PageAllocator } from './page-alloc';

export class Bo {
  refs = 1;
  /** Fake mmap offset, assigned on first BO_MMAP_OFFSET. */
  mmapOffset = 0;
  dmabufFd = -1;

  constructor(
    readonly id: number,
    readonly sizeBytes: number,
    readonly ppns: readonly number[],
    readonly flags: number,
    /** Global id of the VM this BO is private to (0 = shareable, may be exported). */
    readonly exclusiveVm: number,
    readonly label: string,
  ) {}

  /** Physical address of byte `offset` (offset < sizeBytes). */
  pa(offset: number): number {
    return this.ppns[Math.floor(offset / PAGE_SIZE)]! * PAGE_SIZE + (offset % PAGE_SIZE);
  }
}

export class GemManager {
  private nextId = 1;
  private nextMmapOffset = 0x1_0000_0000;

  constructor(
    private readonly bus: Bus,
    private readonly pages: PageAllocator,
  ) {}

  create(sizeBytes: number, flags: number, exclusiveVm: number, label: string): Bo | undefined {
    const size = Math.ceil(sizeBytes / PAGE_SIZE) * PAGE_SIZE;
    const ppns = this.pages.alloc(size / PAGE_SIZE);
    if (!ppns) return undefined;
    return new Bo(this.nextId++, size, ppns, flags, exclusiveVm, label);
  }

  get(bo: Bo): Bo {
    bo.refs++;
    return bo;
  }

  put(bo: Bo): void {
    bo.refs--;
    if (bo.refs === 0) this.pages.release(bo.ppns);
  }

  assignMmapOffset(bo: Bo): number {
    if (!bo.mmapOffset) {
      bo.mmapOffset = this.nextMmapOffset;
      this.nextMmapOffset += bo.sizeBytes + PAGE_SIZE;
    }
    return bo.mmapOffset;
  }

  /** CPU access to a BO's bytes (through the bus, so it sees what a CPU would). */
  read(bo: Bo, offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const off = offset + done;
      const n = Math.min(PAGE_SIZE - (off % PAGE_SIZE), length - done);
      out.set(this.bus.dramRead(bo.pa(off), n), done);
      done += n;
    }
    return out;
  }

  write(bo: Bo, offset: number, bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) {
      const off = offset + done;
      const n = Math.min(PAGE_SIZE - (off % PAGE_SIZE), bytes.length - done);
      this.bus.dramWrite(bo.pa(off), bytes.subarray(done, done + n));
      done += n;
    }
  }
}
