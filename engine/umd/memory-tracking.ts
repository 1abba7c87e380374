/**
 * How CPU writes to mapped memory reach the GPU — and the recorder.
 *
 * vkMapMemory hands the app a plain byte view of the allocation. The GPU (and the
 * kernel) only see bytes once the UMD publishes them into the process's mapping of
 * the BO, which it does no later than the first point the GPU could read them: at
 * every queue submit, at vkFlushMappedMemoryRanges and at vkUnmapMemory. Each
 * publication is a `mem.write` event (BO, offset, bytes), so a capture holds every
 * byte the GPU could have read.
 *
 * Modes (GFXReconstruct's names for the same trade-off):
 * - `shadow` (unassisted): a shadow copy of each mapping is compared with the app's
 *   view at every publication point, in 64-byte blocks; only changed runs are
 *   published. Costs a compare of every mapped byte per submit, needs no app help.
 * - `assisted`: only ranges the app passes to vkFlushMappedMemoryRanges are compared
 *   and published (a submit publishes nothing). Cheap; wrong if the app forgets a flush,
 *   exactly as on real non-coherent memory.
 * - `off`: every mapped byte is copied at every publication point, unconditionally,
 *   and no event is emitted. The baseline the overhead ratio is measured against.
 *
 * The other direction: after a wait that can complete GPU work (fence, semaphore,
 * queue or device idle) and at vkInvalidateMappedMemoryRanges, views are refreshed
 * from the BO, except bytes the app changed since the last publication. A refresh
 * that changes a view emits `mem.read` (the changed span and a hash of it, not the
 * bytes), and so does vkMapMemory (the whole new view): read-back is what an app
 * observes, so replay verification compares it. `off` emits none.
 */
import { hashBytes } from '../base/hash';
import type { TraceSink } from '../trace/sink';
import type { KmdBackend } from './kmd-backend';

export type TrackingMode = 'shadow' | 'assisted' | 'off';

const BLOCK = 64;

export interface Mapping {
  /** The VkDeviceMemory the app mapped. */
  readonly memory: number;
  readonly bo: number;
  readonly userAddr: number;
  readonly view: Uint8Array;
  readonly shadow: Uint8Array;
}

export class MemoryTracker {
  private readonly mappings = new Set<Mapping>();
  /** Bytes published and compared, for the overhead benchmark. */
  publishedBytes = 0;
  comparedBytes = 0;

  constructor(
    readonly mode: TrackingMode,
    private readonly backend: KmdBackend,
    private readonly sink: TraceSink,
    private readonly pid: number,
  ) {}

  /** Start tracking a fresh mapping; its view starts as the BO's current bytes. */
  map(memory: number, bo: number, userAddr: number, sizeBytes: number): Mapping | undefined {
    const bytes = this.backend.memory.read(userAddr, sizeBytes);
    if (!bytes) return undefined;
    const m: Mapping = { memory, bo, userAddr, view: bytes.slice(), shadow: bytes };
    this.mappings.add(m);
    this.emitRead(m, 0, bytes.length);
    return m;
  }

  unmap(m: Mapping): void {
    this.publish(m, 0, m.view.length);
    this.mappings.delete(m);
  }

  /** Submit: everything the GPU could read from now on must be published. */
  beforeSubmit(): void {
    if (this.mode === 'assisted') return;
    for (const m of this.mappings) this.publish(m, 0, m.view.length);
  }

  /** vkFlushMappedMemoryRanges. */
  flush(m: Mapping, offset: number, size: number): void {
    this.publish(m, offset, Math.min(size, m.view.length - offset));
  }

  /**
   * A write the UMD itself makes into GPU memory it owns (command streams,
   * descriptors, shader code): always published and recorded, whatever the mode.
   */
  writeInternal(bo: number, userAddr: number, offset: number, bytes: Uint8Array): boolean {
    if (!this.backend.memory.write(userAddr + offset, bytes)) return false;
    this.emit({ memory: 0, bo }, offset, bytes);
    return true;
  }

  /** After GPU work may have completed: pull GPU-side bytes into views the app did not change. */
  refresh(): void {
    for (const m of this.mappings) this.refreshRange(m, 0, m.view.length);
  }

  refreshRange(m: Mapping, offset: number, size: number): void {
    const fresh = this.backend.memory.read(m.userAddr + offset, size);
    if (!fresh) return;
    const { view, shadow } = m;
    let first = -1;
    let last = -1;
    for (let i = 0; i < size; i++) {
      const at = offset + i;
      if (view[at] === shadow[at] && view[at] !== fresh[i]) {
        view[at] = fresh[i]!;
        if (first < 0) first = at;
        last = at;
      }
      shadow[at] = fresh[i]!;
    }
    if (first >= 0) this.emitRead(m, first, last + 1 - first);
  }

  /** What the app can now read back: hashed (GPU writes are outputs), for replay to compare. */
  private emitRead(m: Mapping, offsetBytes: number, lengthBytes: number): void {
    if (this.mode === 'off') return;
    this.sink.emit({
      kind: 'mem.read', tsNs: this.backend.nowNs(), pid: this.pid, memory: m.memory, bo: m.bo,
      offsetBytes, lengthBytes, hash: hashBytes(m.view.subarray(offsetBytes, offsetBytes + lengthBytes)),
    });
  }

  private publish(m: Mapping, offset: number, size: number): void {
    const { view, shadow } = m;
    if (this.mode === 'off') {
      this.backend.memory.write(m.userAddr + offset, view.subarray(offset, offset + size));
      shadow.set(view.subarray(offset, offset + size), offset);
      this.publishedBytes += size;
      return;
    }
    this.comparedBytes += size;
    const end = offset + size;
    let runStart = -1;
    for (let block = offset - (offset % BLOCK); block < end; block += BLOCK) {
      const from = Math.max(block, offset);
      const to = Math.min(block + BLOCK, end);
      let changed = false;
      for (let i = from; i < to; i++) {
        if (view[i] !== shadow[i]) {
          changed = true;
          break;
        }
      }
      if (changed && runStart < 0) runStart = from;
      if (!changed && runStart >= 0) {
        this.publishRun(m, runStart, from);
        runStart = -1;
      }
    }
    if (runStart >= 0) this.publishRun(m, runStart, end);
  }

  private publishRun(m: Mapping, from: number, to: number): void {
    const bytes = m.view.slice(from, to);
    this.backend.memory.write(m.userAddr + from, bytes);
    m.shadow.set(bytes, from);
    this.publishedBytes += bytes.length;
    this.emit(m, from, bytes);
  }

  private emit(m: Pick<Mapping, 'memory' | 'bo'>, offsetBytes: number, bytes: Uint8Array): void {
    this.sink.emit({ kind: 'mem.write', tsNs: this.backend.nowNs(), pid: this.pid, memory: m.memory, bo: m.bo, offsetBytes, bytes: bytes.slice() });
  }
}
