/**
 * Per-process and per-open-file state. A DRM file (one open() of the device) has
 * its own handle spaces for BOs, syncobjs, VMs, groups and heaps, as in Linux:
 * handle 7 in one file means nothing in another. File descriptors live in the
 * process and can refer to a DRM file, a dma-buf (PRIME export) or a syncobj.
 *
 * Snapshots store handle tables and fd tables as (number, id) pairs plus their next
 * number, so a restored file hands out the same handles and fds the original would.
 */
import type { UserMemory } from '../base/user-memory';
import type { Bo } from './gem';
import type { Heap } from './heap';
import type { Vm } from './mmu';
import type { Group } from './sched';
import type { Syncobj } from './syncobj';

/** A handle or fd table as data: entries name their objects by `R` (an id or a state). */
export interface TableState<R> {
  readonly next: number;
  readonly entries: ReadonlyArray<readonly [number, R]>;
}

export class HandleTable<T> {
  private readonly items = new Map<number, T>();
  private next = 1;

  snapshot<R>(ref: (item: T) => R): TableState<R> {
    return { next: this.next, entries: [...this.items].map(([h, v]) => [h, ref(v)] as const) };
  }

  restore<R>(s: TableState<R>, resolve: (ref: R) => T): void {
    this.items.clear();
    this.next = s.next;
    for (const [h, r] of s.entries) this.items.set(h, resolve(r));
  }

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

/** What an fd refers to, by id. */
export type FdState =
  | { readonly kind: 'drm'; readonly fileId: number }
  | { readonly kind: 'dmabuf'; readonly boId: number }
  | { readonly kind: 'syncobj'; readonly syncobjId: number };

export class Process {
  readonly fds = new Map<number, FdObject>();
  private nextFd = 3; // 0..2 are stdio

  snapshotFds(): TableState<FdState> {
    const entries = [...this.fds].map(([fd, o]): readonly [number, FdState] => [
      fd,
      o.kind === 'drm' ? { kind: 'drm', fileId: o.file.id } : o.kind === 'dmabuf' ? { kind: 'dmabuf', boId: o.bo.id } : { kind: 'syncobj', syncobjId: o.syncobj.id },
    ]);
    return { next: this.nextFd, entries };
  }

  restoreFds(s: TableState<FdState>, resolve: (ref: FdState) => FdObject): void {
    this.fds.clear();
    this.nextFd = s.next;
    for (const [fd, ref] of s.entries) this.fds.set(fd, resolve(ref));
  }

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
