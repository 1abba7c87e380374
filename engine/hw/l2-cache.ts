/**
 * The L2 cache, modelled only for what a driver engineer can observe: GPU writes
 * are write-back, so the CPU sees them only after a clean (the CS FLUSH instruction
 * or GPU_COMMAND_CLEAN_CACHES). CPU writes are coherent towards the GPU (the model
 * has no stale GPU-side lines), which is how the CPU-to-GPU direction behaves on
 * the I/O-coherent systems panthor targets.
 *
 * Mechanism: the first GPU write to a page since the last clean saves the page as the
 * CPU last saw it. CPU reads of such a page are served from that saved copy; CPU
 * writes update both. A clean drops the saved copies, making GPU writes visible.
 * This is what makes "forgot to flush before signalling" a reproducible bug.
 */
import { PAGE_SIZE, type PhysicalMemory } from './memory';

export class L2Cache {
  /** ppn → the page as the CPU sees it while GPU writes to it are unflushed. */
  private readonly cpuView = new Map<number, Uint8Array>();
  /** Bumped on every clean; lets job memory skip the bookkeeping on repeat writes. */
  epoch = 0;

  constructor(private readonly memory: PhysicalMemory) {}

  /** Call before a GPU write lands in page `ppn`. */
  noteGpuWrite(ppn: number): void {
    if (!this.cpuView.has(ppn)) this.cpuView.set(ppn, this.memory.page(ppn).slice());
  }

  dirtyPages(): number {
    return this.cpuView.size;
  }

  /** Write back everything: GPU writes become CPU-visible. Returns pages cleaned. */
  clean(): number {
    const n = this.cpuView.size;
    this.cpuView.clear();
    this.epoch++;
    return n;
  }

  /** Make the GPU's current bytes of a range CPU-visible now (coherent sync-object writes). */
  publish(pa: number, length: number): void {
    if (this.cpuView.size === 0) return;
    const current = this.memory.read(pa, length);
    for (let ppn = Math.floor(pa / PAGE_SIZE); ppn * PAGE_SIZE < pa + length; ppn++) {
      const saved = this.cpuView.get(ppn);
      if (!saved) continue;
      const from = Math.max(pa, ppn * PAGE_SIZE);
      const to = Math.min(pa + length, (ppn + 1) * PAGE_SIZE);
      saved.set(current.subarray(from - pa, to - pa), from - ppn * PAGE_SIZE);
    }
  }

  cpuRead(pa: number, length: number): Uint8Array {
    const out = this.memory.read(pa, length);
    if (this.cpuView.size === 0) return out;
    for (let ppn = Math.floor(pa / PAGE_SIZE); ppn * PAGE_SIZE < pa + length; ppn++) {
      const saved = this.cpuView.get(ppn);
      if (!saved) continue;
      const from = Math.max(pa, ppn * PAGE_SIZE);
      const to = Math.min(pa + length, (ppn + 1) * PAGE_SIZE);
      out.set(saved.subarray(from - ppn * PAGE_SIZE, to - ppn * PAGE_SIZE), from - pa);
    }
    return out;
  }

  cpuWrite(pa: number, bytes: Uint8Array): void {
    this.memory.write(pa, bytes);
    if (this.cpuView.size === 0) return;
    for (let ppn = Math.floor(pa / PAGE_SIZE); ppn * PAGE_SIZE < pa + bytes.length; ppn++) {
      const saved = this.cpuView.get(ppn);
      if (!saved) continue;
      const from = Math.max(pa, ppn * PAGE_SIZE);
      const to = Math.min(pa + bytes.length, (ppn + 1) * PAGE_SIZE);
      saved.set(bytes.subarray(from - pa, to - pa), from - ppn * PAGE_SIZE);
    }
  }

  snapshot(): { pages: [number, Uint8Array][]; epoch: number } {
    return { pages: [...this.cpuView].map(([p, b]) => [p, b.slice()]), epoch: this.epoch };
  }

  restore(s: { pages: [number, Uint8Array][]; epoch: number }): void {
    this.cpuView.clear();
    for (const [p, b] of s.pages) this.cpuView.set(p, b.slice());
    this.epoch = s.epoch;
  }

  reset(): void {
    // A reset loses dirty lines as far as the CPU can tell? No: panthor cleans caches
    // before a soft reset, and so does the model, so nothing written is lost.
    this.clean();
  }
}
