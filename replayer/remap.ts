/**
 * The correspondence between what a capture's run was handed and what the replay's
 * fresh run hands out: pids, fds, per-file handles (GEM BOs, syncobjs, VMs, groups,
 * tiler heaps), mmap offsets, CPU mapping addresses and kernel-chosen GPU addresses.
 *
 * Model
 * - Every namespace is a bijection learned from create-type results only: spawn /
 *   open / mmap / pass_fd results, and the `out` / `inout` fields of ioctl
 *   arguments whose unit names an object (uapi-walk.ts). A value never learned maps
 *   to itself, so a replay that allocates exactly as the recording did is the
 *   identity, and numbers the app invented (GPU VAs it chose, timeline points) pass
 *   through untouched.
 * - Handles are per DRM file, as in the kernel: a file is named by the recorded
 *   open that created it, and an fd passed to another process (SCM_RIGHTS) names
 *   the same file. Events that carry only a pid (kmd.syncobj, mem.write) use the
 *   pid's first DRM file, which is the UMD's.
 * - CPU mappings are ranges: an address inside a recorded mapping maps to the same
 *   offset in the replay's mapping of it. Heap addresses (argument structs, arrays)
 *   are the same in both runs, because the replay writes them where they were.
 * - `toReplay` rewrites recorded inputs; `toRecorded` rewrites a regenerated value
 *   back into the capture's numbering, so verification compares like with like.
 * - Not remapped: physical addresses (MMIO page-table bases, per-job write hashes
 *   are over physical pages). The KMD's page allocator is lowest-free-first, so a
 *   replay stack whose extra objects are freed before replay gets the same pages;
 *   one that keeps pages allocated diverges there, and the report says so.
 *
 * Example: the recorded open() of pid 100 returned fd 3, the replay's returned 4:
 *   remap.openFile(100, 3, 4);
 *   remap.fd(100, 3, 'toReplay')    // → 4
 *   remap.fd(100, 4, 'toRecorded')  // → 3
 */
import { FILE_NAMESPACES, type FileNamespace, type Namespace } from './uapi-walk';

export type Direction = 'toReplay' | 'toRecorded';

/** One namespace's learned pairs (recorded ↔ replay). */
export class Bijection {
  private readonly fwd = new Map<number, number>();
  private readonly inv = new Map<number, number>();

  bind(recorded: number, replay: number): void {
    this.fwd.set(recorded, replay);
    this.inv.set(replay, recorded);
  }

  map(v: number, dir: Direction): number {
    return (dir === 'toReplay' ? this.fwd.get(v) : this.inv.get(v)) ?? v;
  }

  /** Learned pairs whose numbers differ. */
  changed(): number {
    let n = 0;
    for (const [a, b] of this.fwd) if (a !== b) n++;
    return n;
  }
}

interface Mapping {
  readonly recorded: number;
  readonly replay: number;
  readonly lengthBytes: number;
}

/** What got remapped, by namespace: pairs learned whose numbers differ. */
export type RemapSummary = Readonly<Record<'pid' | 'fd' | FileNamespace | 'mmap_offset' | 'mapping' | 'gpuva', number>>;

export class Remapper {
  private readonly pids = new Bijection();
  private readonly fds = new Map<number, Bijection>();
  /** (recorded pid, recorded fd) → the DRM file it names. */
  private readonly files = new Map<string, string>();
  private readonly firstFile = new Map<number, string>();
  private readonly handles = new Map<string, Bijection>();
  private readonly mmapOffsets = new Bijection();
  private readonly gpuvas = new Bijection();
  /** Per recorded pid: its CPU mappings. Never reused by the kernel, so kept after munmap. */
  private readonly mappings = new Map<number, Mapping[]>();
  private fileCount = 0;

  pid(v: number, dir: Direction): number {
    return v > 0 ? this.pids.map(v, dir) : v;
  }

  /** An fd of recorded pid `recPid`, in either numbering. */
  fd(recPid: number, fd: number, dir: Direction): number {
    return fd >= 0 ? (this.fds.get(recPid)?.map(fd, dir) ?? fd) : fd;
  }

  /** The DRM file a recorded (pid, fd) names, if it is one. */
  fileOf(recPid: number, recFd: number): string | undefined {
    return this.files.get(`${recPid}:${recFd}`);
  }

  /** The first DRM file a recorded pid opened (the UMD's). */
  primaryFile(recPid: number): string | undefined {
    return this.firstFile.get(recPid);
  }

  handle(file: string | undefined, ns: FileNamespace, v: number, dir: Direction): number {
    if (v === 0 || file === undefined) return v;
    return this.handles.get(`${file}/${ns}`)?.map(v, dir) ?? v;
  }

  /** A user address of recorded pid `recPid`, in either numbering. */
  userAddr(recPid: number, addr: number, dir: Direction): number {
    if (addr === 0) return 0;
    for (const m of this.mappings.get(recPid) ?? []) {
      const from = dir === 'toReplay' ? m.recorded : m.replay;
      const to = dir === 'toReplay' ? m.replay : m.recorded;
      if (addr >= from && addr < from + m.lengthBytes) return to + (addr - from);
    }
    return addr;
  }

  mmapOffset(v: number, dir: Direction): number {
    return v === 0 ? 0 : this.mmapOffsets.map(v, dir);
  }

  /**
   * A value of namespace `ns` in an ioctl argument of recorded (pid, file).
   * Zero never names an object and stays zero.
   */
  value(ns: Namespace, v: number, recPid: number, file: string | undefined, dir: Direction): number {
    if (v === 0) return 0;
    switch (ns) {
      case 'fd': return this.fd(recPid, v, dir);
      case 'mmap_offset': return this.mmapOffset(v, dir);
      case 'uptr': return this.userAddr(recPid, v, dir);
      case 'gpuva': return this.gpuvas.map(v, dir);
      default: return this.handle(file, ns, v, dir);
    }
  }

  // ---- learning ----

  bindPid(recorded: number, replay: number): void {
    if (recorded > 0 && replay > 0) this.pids.bind(recorded, replay);
  }

  /** A new fd in recorded pid `recPid`; `file` when it names a DRM file. */
  bindFd(recPid: number, recorded: number, replay: number, file?: string): void {
    if (recorded < 0 || replay < 0) return;
    let b = this.fds.get(recPid);
    if (!b) this.fds.set(recPid, (b = new Bijection()));
    b.bind(recorded, replay);
    if (file !== undefined) {
      this.files.set(`${recPid}:${recorded}`, file);
      if (!this.firstFile.has(recPid)) this.firstFile.set(recPid, file);
    }
  }

  /** A DRM file opened by recorded pid `recPid` as fd `recorded` (replay: `replay`). */
  openFile(recPid: number, recorded: number, replay: number): void {
    this.bindFd(recPid, recorded, replay, `file${++this.fileCount}`);
  }

  bindMapping(recPid: number, recorded: number, replay: number, lengthBytes: number): void {
    if (recorded <= 0 || replay <= 0) return;
    let list = this.mappings.get(recPid);
    if (!list) this.mappings.set(recPid, (list = []));
    list.push({ recorded, replay, lengthBytes });
  }

  /** An object value an ioctl returned (both runs succeeded). */
  bindValue(ns: Namespace, recorded: number, replay: number, recPid: number, file: string | undefined): void {
    if (recorded === 0 || replay === 0) return;
    switch (ns) {
      case 'fd': this.bindFd(recPid, recorded, replay); return;
      case 'mmap_offset': this.mmapOffsets.bind(recorded, replay); return;
      case 'gpuva': this.gpuvas.bind(recorded, replay); return;
      case 'uptr': return; // user pointers are the caller's, never handed out by an ioctl
      default: {
        if (file === undefined) return;
        const key = `${file}/${ns}`;
        let b = this.handles.get(key);
        if (!b) this.handles.set(key, (b = new Bijection()));
        b.bind(recorded, replay);
      }
    }
  }

  summary(): RemapSummary {
    const perNs = Object.fromEntries(FILE_NAMESPACES.map((ns) => [ns, 0])) as Record<FileNamespace, number>;
    for (const [key, b] of this.handles) perNs[key.slice(key.indexOf('/') + 1) as FileNamespace] += b.changed();
    let mapping = 0;
    for (const list of this.mappings.values()) mapping += list.filter((m) => m.recorded !== m.replay).length;
    return {
      pid: this.pids.changed(), fd: [...this.fds.values()].reduce((n, b) => n + b.changed(), 0), ...perNs,
      mmap_offset: this.mmapOffsets.changed(), mapping, gpuva: this.gpuvas.changed(),
    };
  }
}
