/**
 * GEM buffer objects: page-backed memory, reference counted by handles (per file),
 * VM mappings, CPU mmaps and dma-buf exports. The pages are freed when the last
 * reference goes, never earlier: a BO still mapped in a VM keeps its pages even after
 * GEM_CLOSE, as in Linux.
 *
 * The manager keeps every live BO by id (`live`): BOs are referenced from many places
 * (handles, mappings, fds, mmaps, queues, heaps), and a snapshot stores each once, by
 * id, with those places holding only ids. Contents are not in a BO's snapshot: they
 * are the GPU memory's pages (`ppns`).
 */
import type { Bus } from '../hw/bus';
import { PAGE_SIZE, type PageAllocator } from './page-alloc';

export interface BoState {
  readonly id: number;
  readonly sizeBytes: number;
  readonly ppns: readonly number[];
  readonly flags: number;
  readonly exclusiveVm: number;
  readonly label: string;
  readonly refs: number;
  readonly mmapOffset: number;
  readonly dmabufFd: number;
}

export interface GemState {
  readonly nextId: number;
  readonly nextMmapOffset: number;
  /** Live BOs, by ascending id. */
  readonly bos: readonly BoState[];
}

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
  /** Every BO with references left, by id (insertion order = ascending id). */
  private readonly live = new Map<number, Bo>();

  constructor(
    private readonly bus: Bus,
    private readonly pages: PageAllocator,
  ) {}

  create(sizeBytes: number, flags: number, exclusiveVm: number, label: string): Bo | undefined {
    const size = Math.ceil(sizeBytes / PAGE_SIZE) * PAGE_SIZE;
    const ppns = this.pages.alloc(size / PAGE_SIZE);
    if (!ppns) return undefined;
    const bo = new Bo(this.nextId++, size, ppns, flags, exclusiveVm, label);
    this.live.set(bo.id, bo);
    return bo;
  }

  /** A live BO by id (snapshot references), or undefined. */
  byId(id: number): Bo | undefined {
    return this.live.get(id);
  }

  /** Live BOs by ascending id. */
  liveBos(): Bo[] {
    return [...this.live.values()];
  }

  get(bo: Bo): Bo {
    bo.refs++;
    return bo;
  }

  put(bo: Bo): void {
    bo.refs--;
    if (bo.refs === 0) {
      this.pages.release(bo.ppns);
      this.live.delete(bo.id);
    }
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

  snapshot(): GemState {
    const bos = this.liveBos().map((b) => ({
      id: b.id, sizeBytes: b.sizeBytes, ppns: [...b.ppns], flags: b.flags, exclusiveVm: b.exclusiveVm, label: b.label,
      refs: b.refs, mmapOffset: b.mmapOffset, dmabufFd: b.dmabufFd,
    }));
    return { nextId: this.nextId, nextMmapOffset: this.nextMmapOffset, bos };
  }

  /** Replaces every BO; the other blocks' restores then look theirs up with `byId`. */
  restore(s: GemState): void {
    this.nextId = s.nextId;
    this.nextMmapOffset = s.nextMmapOffset;
    this.live.clear();
    for (const b of s.bos) {
      const bo = new Bo(b.id, b.sizeBytes, [...b.ppns], b.flags, b.exclusiveVm, b.label);
      bo.refs = b.refs;
      bo.mmapOffset = b.mmapOffset;
      bo.dmabufFd = b.dmabufFd;
      this.live.set(bo.id, bo);
    }
  }
}
