/**
 * The panthor-style kernel driver instance: one per GPU. It probes the hardware
 * through the bus, owns the driver blocks, and is what processes open.
 *
 * Block init order (and the reverse on unplug): page allocator → gem → mmu (VMs) →
 * scheduler → IRQ handlers. `snapshot` and `restore` walk the same order, then the
 * objects above the blocks: syncobjs (with their fences) → processes → DRM files → fd tables →
 * CPU mappings → the device's own counters. Restore follows references downwards only
 * (a VM names BOs, a group names a VM and BOs, a file names all of them), so each
 * step finds what it needs already restored. A snapshot is plain data (`KmdState`),
 * taken only between ioctls with nothing queued (engine/snapshot.ts has the rule),
 * and restoring it writes no register and emits no event: the GPU's snapshot carries
 * the hardware side. The IRQ handler reads the raw status of each line,
 * dispatches to the owning block and acknowledges it, like panthor's threaded
 * handlers (run here inside the simulation, at the interrupt's virtual time).
 */
import { assert } from '../base/assert';
import { Errno } from '../base/errno';
import { UserMemory, type UserMemoryState } from '../base/user-memory';
import type { Bus, IrqLine } from '../hw/bus';
import { GPU_AS_PRESENT, GPU_CS_SLOT_COUNT, GPU_IRQ_CLEAR, GPU_IRQ_MASK, GPU_IRQ_RESET_COMPLETED, GPU_IRQ_STATUS } from '../hw/gpu-regs';
import { JOB_IRQ_MASK } from '../hw/csf-regs';
import { MMU_IRQ_CLEAR, MMU_IRQ_MASK, MMU_IRQ_STATUS } from '../hw/mmu-regs';
import type { ProcessOpEvent } from '../trace/events';
import type { TraceSink } from '../trace/sink';
import { nullSink } from '../trace/sink';
import { dispatchIoctl, type IoctlResult } from './drv';
import { ioctlByNr, ioctlName } from './uapi';
import { SignalRanks } from './fence';
import { DrmFile, Process, type FdObject, type FdState, type TableState } from './file';
import { GemManager, type Bo, type GemState } from './gem';
import { heapState, restoreHeap, type HeapState } from './heap';
import { releaseHeap } from './ioctl-group';
import { VmManager, type Vm, type VmManagerState } from './mmu';
import { PageAllocator, PAGE_SIZE, type PageAllocatorState } from './page-alloc';
import { Scheduler, type SchedConfig, type SchedState } from './sched';
import { Syncobj, type SyncobjState } from './syncobj';

/**
 * `bugs` (from SchedConfig) names the injected KMD bugs (engine/bugs.ts); each is
 * tested at the one place it lives: sched.ts (early-signal, sched-ignore-wait),
 * mmu.ts (unmap-stale-tlb), ioctl-vm.ts (bind-one-page-short), syncobj.ts
 * (timeline-out-of-order).
 */
export interface KmdConfig extends SchedConfig {
  /** Virtual CPU time one ioctl takes (syscall entry/exit and copying). */
  readonly ioctlNs: number;
}

export const defaultKmdConfig: KmdConfig = {
  jobTimeoutNs: 500_000_000, // panthor's default job timeout is 500 ms
  ioctlNs: 1_000,
  bugs: new Set(),
};

export interface DrmFileState {
  readonly id: number;
  readonly pid: number;
  readonly bos: TableState<number>;
  readonly syncobjs: TableState<number>;
  readonly vms: TableState<number>;
  readonly groups: TableState<number>;
  readonly heaps: TableState<HeapState>;
}

export interface ProcessState {
  readonly pid: number;
  readonly privileged: boolean;
  readonly fds: TableState<FdState>;
  readonly memory: UserMemoryState;
}

/** The whole driver as data; every cross-reference is an id (BO, VM, group, syncobj, file) or a fence index. */
export interface KmdState {
  readonly pages: PageAllocatorState;
  readonly gem: GemState;
  readonly vms: VmManagerState;
  readonly sched: SchedState;
  /** Every syncobj some handle or fd refers to, by ascending id. */
  readonly syncobjs: readonly SyncobjState[];
  readonly processes: readonly ProcessState[];
  /** Every DRM file some fd refers to, by ascending id. */
  readonly files: readonly DrmFileState[];
  readonly mmaps: ReadonlyArray<{ readonly pid: number; readonly addr: number; readonly boId: number; readonly boOffsetBytes: number }>;
  readonly nextPid: number;
  readonly nextFileId: number;
  readonly bindSeqno: number;
  readonly syncobjSeq: number;
  readonly stubSeqno: number;
  readonly ioctlSeq: number;
  readonly lastSignalRank: number;
}

export class PanthorDevice {
  readonly pages: PageAllocator;
  readonly gem: GemManager;
  readonly vms: VmManager;
  readonly sched: Scheduler;
  readonly asCount: number;
  readonly slotCount: number;
  private readonly processes = new Map<number, Process>();
  private nextPid = 100;
  private nextFileId = 1;
  /** BO range behind each CPU mapping ("pid:addr"), which holds a reference on the BO until munmap. */
  private readonly mmaps = new Map<string, { readonly pid: number; readonly addr: number; readonly bo: Bo; readonly boOffsetBytes: number }>();
  /** Ranks fence signals (fence.ts); device state, so it is in snapshots. */
  readonly signalRanks = new SignalRanks();
  /** Seqno of the last async VM_BIND fence (one context per device, like panthor's VM bind queue). */
  bindSeqno = 0;
  /** Id of the last syncobj created (labels trace events; handles are per file). */
  syncobjSeq = 0;
  /** Seqno of the last stub fence (CPU-signalled syncobjs), so each signal can be named. */
  stubSeqno = 0;
  /** Number of the last ioctl entered (ids start at 1). */
  private ioctlSeq = 0;
  /** Id of the ioctl being handled, 0 outside one: what the handler's events carry as `ioctl`. */
  currentIoctl = 0;

  constructor(
    readonly bus: Bus,
    readonly sink: TraceSink = nullSink,
    readonly config: KmdConfig = defaultKmdConfig,
  ) {
    this.asCount = popcount(bus.mmioRead(GPU_AS_PRESENT));
    this.slotCount = bus.mmioRead(GPU_CS_SLOT_COUNT);
    this.pages = new PageAllocator(bus);
    this.gem = new GemManager(bus, this.pages);
    this.vms = new VmManager(bus, this.pages, this.gem, this.asCount, config.bugs);
    this.sched = new Scheduler(bus, this.gem, this.vms, sink, config, this.slotCount, this.signalRanks);
    bus.onIrq((line) => this.irq(line));
    this.enableIrqs();
  }

  /** Unmask every interrupt the driver handles; needed at probe and after each soft reset. */
  private enableIrqs(): void {
    this.bus.mmioWrite(GPU_IRQ_MASK, GPU_IRQ_RESET_COMPLETED);
    this.bus.mmioWrite(MMU_IRQ_MASK, (2 ** this.asCount - 1) >>> 0);
    this.bus.mmioWrite(JOB_IRQ_MASK, (2 ** this.slotCount - 1) >>> 0);
  }

  private irq(line: IrqLine): void {
    if (line === 'job') {
      this.sched.handleJobIrq();
    } else if (line === 'mmu') {
      const status = this.bus.mmioRead(MMU_IRQ_STATUS);
      for (let as = 0; as < this.asCount; as++) if (status & (1 << as)) this.sched.handleMmuFault(as);
      this.bus.mmioWrite(MMU_IRQ_CLEAR, status);
    } else {
      const status = this.bus.mmioRead(GPU_IRQ_STATUS);
      this.bus.mmioWrite(GPU_IRQ_CLEAR, status);
      if (status & GPU_IRQ_RESET_COMPLETED) {
        this.enableIrqs();
        this.sched.resetDone();
      }
    }
  }

  /** Start a process (the OS's job; the KMD keeps the table because fds point into it). */
  spawn(options: { privileged?: boolean } = {}): Process {
    const p = new Process(this.nextPid++, new UserMemory(), options.privileged ?? false);
    this.processes.set(p.pid, p);
    this.processOp(p.pid, 'spawn', p.privileged ? 1 : 0, 0, 0, p.pid);
    return p;
  }

  process(pid: number): Process | undefined {
    return this.processes.get(pid);
  }

  /** open("/dev/dri/renderD128"): returns the fd. */
  open(pid: number): number {
    const p = this.processes.get(pid);
    const fd = p ? p.installFd({ kind: 'drm', file: new DrmFile(this.nextFileId++, p) }) : -Errno.ESRCH;
    return this.processOp(pid, 'open', 0, 0, 0, fd);
  }

  /**
   * Reports a process/file operation (`kmd.process_op`) and returns its result, so
   * each entry point below ends in `return this.processOp(…)`.
   */
  private processOp(pid: number, op: ProcessOpEvent['op'], arg: number, offset: number, lengthBytes: number, result: number): number {
    this.sink.emit({ kind: 'kmd.process_op', tsNs: this.bus.nowNs, pid, op, arg, offset, lengthBytes, result });
    return result;
  }

  /** close(fd): dropping a DRM file destroys its groups and releases its objects. */
  close(pid: number, fd: number): number {
    return this.processOp(pid, 'close', fd, 0, 0, this.closeFd(pid, fd));
  }

  private closeFd(pid: number, fd: number): number {
    const p = this.processes.get(pid);
    const obj = p?.fds.get(fd);
    if (!p || !obj) return -Errno.EBADF;
    p.fds.delete(fd);
    if (obj.kind === 'drm') {
      for (const h of obj.file.heaps.values()) releaseHeap(this, h);
      for (const g of obj.file.groups.values()) this.sched.destroyGroup(g);
      for (const bo of obj.file.bos.values()) this.gem.put(bo);
      for (const vm of obj.file.vms.values()) this.destroyVm(vm);
    } else if (obj.kind === 'dmabuf') {
      this.gem.put(obj.bo);
    }
    return 0;
  }

  /** VM_DESTROY / close(): the VM goes when its last user (group, pending bind) does. */
  destroyVm(vm: Vm): void {
    vm.destroyed = true;
    if (vm.users === 0) this.vms.release(vm);
  }

  /**
   * ioctl(2): returns 0 or -errno. Time passes: the CPU spends `ioctlNs` in the
   * kernel, during which the GPU keeps running. `kmd.ioctl_enter` is emitted on entry
   * and `kmd.ioctl` on return, with the same id; what the GPU does meanwhile (IRQs,
   * other jobs' fences) is not the call's doing and does not carry the id.
   */
  ioctl(pid: number, fd: number, request: number, argp: number): number {
    const obj = this.processes.get(pid)?.fds.get(fd);
    const startNs = this.bus.nowNs;
    const id = ++this.ioctlSeq;
    this.sink.emit({ kind: 'kmd.ioctl_enter', tsNs: startNs, pid, fd, request, name: obj?.kind === 'drm' ? requestName(request) : failedIoctl(0, request).name, id });
    this.bus.runUntil(() => false, startNs + this.config.ioctlNs / 2);
    const outer = this.currentIoctl;
    this.currentIoctl = id;
    const result = obj?.kind === 'drm' ? dispatchIoctl(this, obj.file, request, argp) : failedIoctl(obj ? Errno.ENOTTY : Errno.EBADF, request);
    this.currentIoctl = outer;
    const endNs = Math.max(this.bus.nowNs, startNs + this.config.ioctlNs);
    this.bus.runUntil(() => false, endNs);
    this.sink.emit({
      kind: 'kmd.ioctl', tsNs: startNs, durNs: this.bus.nowNs - startNs, pid, fd, request, name: result.name,
      argIn: result.argIn, argOut: result.argOut, copies: result.copies, errno: result.errno, id,
    });
    return result.errno ? -result.errno : 0;
  }

  /** mmap(fd, offset, length) of a BO: returns the user address or -errno. */
  mmap(pid: number, fd: number, offset: number, length: number): number {
    return this.processOp(pid, 'mmap', fd, offset, length, this.mapBo(pid, fd, offset, length));
  }

  private mapBo(pid: number, fd: number, offset: number, length: number): number {
    const p = this.processes.get(pid);
    const obj = p?.fds.get(fd);
    if (!p || !obj) return -Errno.EBADF;
    let bo;
    let boOffset = 0;
    if (obj.kind === 'dmabuf') bo = obj.bo;
    else if (obj.kind === 'drm') {
      bo = obj.file.bos.values().find((b) => b.mmapOffset !== 0 && offset >= b.mmapOffset && offset < b.mmapOffset + b.sizeBytes);
      if (bo) boOffset = offset - bo.mmapOffset;
    }
    if (!bo) return -Errno.EINVAL;
    if (length <= 0 || boOffset % PAGE_SIZE !== 0 || boOffset + length > bo.sizeBytes) return -Errno.EINVAL;
    const target = this.gem.get(bo);
    const addr = p.memory.map(length, this.mmapBacking(target, boOffset), `mmap:bo${bo.id}`);
    this.mmaps.set(`${pid}:${addr}`, { pid, addr, bo: target, boOffsetBytes: boOffset });
    return addr;
  }

  private mmapBacking(bo: Bo, boOffsetBytes: number): { read(off: number, len: number): Uint8Array; write(off: number, bytes: Uint8Array): void } {
    const gem = this.gem;
    return {
      read: (off, len) => gem.read(bo, boOffsetBytes + off, len),
      write: (off, bytes) => gem.write(bo, boOffsetBytes + off, bytes),
    };
  }

  /** munmap(addr) of a BO mapping: drops the mapping's reference on the BO. */
  munmap(pid: number, addr: number): number {
    return this.processOp(pid, 'munmap', addr, 0, 0, this.unmapBo(pid, addr));
  }

  private unmapBo(pid: number, addr: number): number {
    const key = `${pid}:${addr}`;
    const mapping = this.mmaps.get(key);
    if (!mapping || !this.processes.get(pid)?.memory.unmap(addr)) return -Errno.EINVAL;
    this.mmaps.delete(key);
    this.gem.put(mapping.bo);
    return 0;
  }

  /** Pass an fd to another process (what SCM_RIGHTS over a unix socket does). */
  passFd(fromPid: number, fd: number, toPid: number): number {
    return this.processOp(fromPid, 'pass_fd', fd, toPid, 0, this.installPassedFd(fromPid, fd, toPid));
  }

  private installPassedFd(fromPid: number, fd: number, toPid: number): number {
    const from = this.processes.get(fromPid);
    const to = this.processes.get(toPid);
    const obj = from?.fds.get(fd);
    if (!from || !to || !obj) return -Errno.EBADF;
    if (obj.kind === 'dmabuf') this.gem.get(obj.bo);
    return to.installFd(obj);
  }

  /** No job pending or running anywhere. */
  idle(): boolean {
    return this.sched.idle() && !this.sched.isResetting;
  }

  /** Processes by ascending pid. */
  processList(): Process[] {
    return [...this.processes.values()];
  }

  /** Every DRM file some fd refers to, by ascending id (files live as long as an fd does). */
  files(): DrmFile[] {
    const files = new Map<number, DrmFile>();
    for (const p of this.processes.values()) for (const o of p.fds.values()) if (o.kind === 'drm') files.set(o.file.id, o.file);
    return [...files.values()].sort((a, b) => a.id - b.id);
  }

  /** Every syncobj a handle or fd refers to, by ascending id. */
  syncobjs(): Syncobj[] {
    const found = new Map<number, Syncobj>();
    for (const f of this.files()) for (const s of f.syncobjs.values()) found.set(s.id, s);
    for (const p of this.processes.values()) for (const o of p.fds.values()) if (o.kind === 'syncobj') found.set(o.syncobj.id, o.syncobj);
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  /** CPU mappings of BOs, in mapping order. */
  cpuMappings(): ReadonlyArray<{ readonly pid: number; readonly addr: number; readonly bo: Bo; readonly boOffsetBytes: number }> {
    return [...this.mmaps.values()];
  }

  /**
   * The driver as data. Only between ioctls with the scheduler idle and no VM_BIND
   * queued (engine/snapshot.ts checks that first); here a violation is a broken
   * invariant.
   */
  snapshot(): KmdState {
    assert(this.currentIoctl === 0, 'KMD snapshot inside an ioctl');
    // Blocks, in init order.
    const pages = this.pages.snapshot();
    const gem = this.gem.snapshot();
    const vms = this.vms.snapshot();
    const sched = this.sched.snapshot();
    // Objects above them: syncobjs (with their fences), processes, files.
    const syncobjs = this.syncobjs().map((s) => s.snapshot());
    const processes = this.processList().map((p) => ({ pid: p.pid, privileged: p.privileged, fds: p.snapshotFds(), memory: p.memory.snapshot() }));
    const id = (o: { id: number }): number => o.id;
    const files = this.files().map((f) => ({
      id: f.id, pid: f.process.pid, bos: f.bos.snapshot(id), syncobjs: f.syncobjs.snapshot(id), vms: f.vms.snapshot(id),
      groups: f.groups.snapshot(id), heaps: f.heaps.snapshot(heapState),
    }));
    const mmaps = this.cpuMappings().map((m) => ({ pid: m.pid, addr: m.addr, boId: m.bo.id, boOffsetBytes: m.boOffsetBytes }));
    return {
      pages, gem, vms, sched, syncobjs, processes, files, mmaps,
      nextPid: this.nextPid, nextFileId: this.nextFileId, bindSeqno: this.bindSeqno, syncobjSeq: this.syncobjSeq,
      stubSeqno: this.stubSeqno, ioctlSeq: this.ioctlSeq, lastSignalRank: this.signalRanks.last,
    };
  }

  /**
   * Replace the driver's whole state with a snapshot's, in the order of the module
   * header. Touches no register: the GPU is restored from its own snapshot.
   */
  restore(s: KmdState): void {
    const must = <T>(v: T | undefined, what: string): T => {
      assert(v !== undefined, `KMD snapshot names ${what}, which it does not hold`);
      return v;
    };
    const bo = (id: number): Bo => must(this.gem.byId(id), `bo${id}`);
    const vm = (id: number): Vm => must(this.vms.byId(id), `vm${id}`);
    this.pages.restore(s.pages);
    this.gem.restore(s.gem);
    this.vms.restore(s.vms);
    this.sched.restore(s.sched);
    const syncobjs = new Map(s.syncobjs.map((st) => [st.id, Syncobj.restore(st, this.config.bugs, this.signalRanks)] as const));
    this.processes.clear();
    for (const ps of s.processes) this.processes.set(ps.pid, new Process(ps.pid, new UserMemory(), ps.privileged));
    const files = new Map<number, DrmFile>();
    for (const fs of s.files) {
      const file = new DrmFile(fs.id, must(this.processes.get(fs.pid), `process ${fs.pid}`));
      file.bos.restore(fs.bos, bo);
      file.syncobjs.restore(fs.syncobjs, (id) => must(syncobjs.get(id), `syncobj ${id}`));
      file.vms.restore(fs.vms, vm);
      file.groups.restore(fs.groups, (id) => must(this.sched.groupById(id), `g${id}`));
      file.heaps.restore(fs.heaps, (h) => restoreHeap(h, vm, bo));
      files.set(file.id, file);
    }
    const fdObject = (ref: FdState): FdObject =>
      ref.kind === 'drm' ? { kind: 'drm', file: must(files.get(ref.fileId), `file ${ref.fileId}`) }
        : ref.kind === 'dmabuf' ? { kind: 'dmabuf', bo: bo(ref.boId) }
          : { kind: 'syncobj', syncobj: must(syncobjs.get(ref.syncobjId), `syncobj ${ref.syncobjId}`) };
    this.mmaps.clear();
    for (const m of s.mmaps) this.mmaps.set(`${m.pid}:${m.addr}`, { pid: m.pid, addr: m.addr, bo: bo(m.boId), boOffsetBytes: m.boOffsetBytes });
    for (const ps of s.processes) {
      const p = this.processes.get(ps.pid)!;
      p.restoreFds(ps.fds, fdObject);
      p.memory.restore(ps.memory, (r) => {
        const m = must(this.mmaps.get(`${ps.pid}:${r.start}`), `the mapping behind ${r.label} at 0x${r.start.toString(16)}`);
        return this.mmapBacking(m.bo, m.boOffsetBytes);
      });
    }
    this.nextPid = s.nextPid;
    this.nextFileId = s.nextFileId;
    this.bindSeqno = s.bindSeqno;
    this.syncobjSeq = s.syncobjSeq;
    this.stubSeqno = s.stubSeqno;
    this.ioctlSeq = s.ioctlSeq;
    this.currentIoctl = 0;
    this.signalRanks.last = s.lastSignalRank;
  }
}

/** An ioctl that never reached a handler (bad fd, or an fd that is not a DRM file). */
function failedIoctl(errno: number, request: number): IoctlResult {
  const empty = new Uint8Array(0);
  return { errno, name: ioctlName(request) ?? `0x${(request >>> 0).toString(16)}`, argIn: empty, argOut: empty, copies: [] };
}

/** The name `kmd.ioctl` will carry for a DRM file (the dispatcher's; unknown → hex). */
function requestName(request: number): string {
  return ioctlByNr(request)?.name ?? `0x${(request >>> 0).toString(16)}`;
}

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
}
