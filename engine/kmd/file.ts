/**
 * Per-process and per-open-file state. A DRM file (one open() of the device) has
 * its own handle spaces for BOs, syncobjs, VMs, groups and heaps, as in Linux:
 * handle 7 in one file means nothing in another. File descriptors live in the
 * process and can refer to a DRM file, a dma-buf (PRIME export) or a syncobj.
 */
import type { UserMemory } from '../base/user-memory';
import type { Bo } from './gem';
import type { Heap } from './heap';
import type { Vm } from './mmu';
import type { Group } from './sched';
import type { Syncobj } from './syncobj';

export class HandleTable<T> {
  private readonly items = new Map<number, T>();
  private next = 1;

  add(item: T): number {
    const handle = this.next++;
    this.items.set(handle, item);
    return handle;
  }

  get(handle: number): T | undefined {
    return this.items.get(handle);
  }

  remove(handle: number): T | undefined {
    const item = this.items.get(handle);
    this.items.delete(handle);
    return item;
  }

  /** Handle already used for `item`, if any (PRIME import returns the same handle). */
  find(item: T): number | undefined {
    for (const [h, v] of this.items) if (v === item) return h;
    return undefined;
  }

  values(): T[] {
    return [...this.items.values()];
  }

  entries(): [number, T][] {
    return [...this.items];
  }

  get size(): number {
    return this.items.size;
  }
}

export class DrmFile {
  readonly bos = new HandleTable<Bo>();
  readonly syncobjs = new HandleTable<Syncobj>();
  readonly vms = new HandleTable<Vm>();
  readonly groups = new HandleTable<Group>();
  readonly heaps = new HandleTable<Heap>();
  constructor(
    readonly id: number,
    readonly process: Process,
  ) {}
}

export type FdObject =
  | { readonly kind: 'drm'; readonly file: DrmFile }
  | { readonly kind: 'dmabuf'; readonly bo: Bo }
  | { readonly kind: 'syncobj'; readonly syncobj: Syncobj };

export class Process {
  readonly fds = new Map<number, FdObject>();
  private nextFd = 3; // 0..2 are stdio

  constructor(
    readonly pid: number,
    readonly memory: UserMemory,
    /** CAP_SYS_NICE: may create HIGH / REALTIME priority groups. */
    readonly privileged: boolean,
  ) {}

  installFd(obj: FdObject): number {
    const fd = this.nextFd++;
    this.fds.set(fd, obj);
    return fd;
  }
}
