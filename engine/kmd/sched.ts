/**
 * The scheduler: groups of queues, multiplexed onto the GPU's few hardware slots.
 *
 * Model (after panthor_sched.c, without firmware): a group owns 1..N queues, each
 * with a kernel ring buffer and a kernel sync object in the group's VM. A job is
 * one GROUP_SUBMIT entry: it waits in its queue's FIFO until its dependencies
 * (dma-fences from wait syncobjs) have signalled and the ring has room, then the
 * kernel writes a small ring program —
 *
 *     FLUSH CLEAN_INVALIDATE                                   (inputs fresh)
 *     MOV48 d56, stream_va; MOV32 r58, size; CALL d56, r58     (user stream)
 *     MOV48 d56, queue_sync_va; MOV48 d60, seqno; SYNC_SET d56, d60, irq=1
 *
 * — and the job's done-fence signals when the IRQ handler sees the queue's sync
 * object reach its seqno. As in panthor, there is no flush after the call: a user
 * stream whose results the CPU reads must end with its own FLUSH, and forgetting it
 * shows as stale data after the fence signalled. Queues with work on their ring compete for slots by
 * (group priority, queue priority, age); a queue gives its slot back when it goes
 * idle. Rejected: time-sliced rotation of busy queues — it needs suspend/resume of
 * CS state and buys nothing for the workloads this stack traces; a queue blocked
 * forever is ended by the job timeout instead, as on real hardware.
 *
 * Failure (as panthor reports it through GROUP_GET_STATE):
 * - a GPU fault on a slot makes its group FATAL_FAULT (fatal_queues has the queue)
 *   and, for MMU faults, its VM unusable; the group's jobs fail, other groups run on.
 * - a job running longer than `jobTimeoutNs` triggers a GPU soft reset: its group is
 *   TIMEDOUT (guilty), every other group resident on a slot with work in flight is
 *   TIMEDOUT|INNOCENT; groups not on the GPU are untouched and run after the reset.
 *
 * Two injectable bugs (engine/bugs.ts) live here: 'early-signal' (writeRing signals
 * the done-fence) and 'sched-ignore-wait' (stagesBlockedJobs lets pump ring a job
 * whose dependencies are pending).
 *
 * Snapshots are taken only while the scheduler is idle (no job waiting or in flight,
 * no reset under way; engine/snapshot.ts): jobs hold fence callbacks and timers that
 * a snapshot cannot carry, so none may exist. What remains is data — groups, their
 * queues' rings and sequence numbers, which queue holds which slot — and restoring it
 * touches no hardware: the GPU's own snapshot already holds the slot registers.
 */
import { assert } from '../base/assert';
import { Errno } from '../base/errno';
import type { Bus } from '../hw/bus';
import { encodeCs, KERNEL_REGS_FIRST, type CsOpName } from '../hw/cs-isa';
import {
  SLOT_AS,
  SLOT_CONTROL,
  SLOT_CONTROL_START,
  SLOT_CONTROL_STOP,
  SLOT_EVENT,
  SLOT_EVENT_FAULT,
  SLOT_EVENT_IDLE,
  SLOT_EXTRACT_HI,
  SLOT_EXTRACT_LO,
  SLOT_FAULT,
  SLOT_FAULT_VA_HI,
  SLOT_FAULT_VA_LO,
  SLOT_INSERT_HI,
  SLOT_INSERT_LO,
  SLOT_RING_BASE_HI,
  SLOT_RING_BASE_LO,
  SLOT_RING_SIZE,
  CS_DOORBELL,
  JOB_IRQ_STATUS,
  slotReg,
} from '../hw/csf-regs';
import { faultKindFromCode } from '../hw/gpu-fault';
import { GPU_COMMAND, GPU_COMMAND_SOFT_RESET } from '../hw/gpu-regs';
import type { Timer } from '../base/sim';
import type { TraceSink } from '../trace/sink';
import { DmaFence, type SignalRanks } from './fence';
import type { Bo, GemManager } from './gem';
import type { Vm, VmManager } from './mmu';
import { VM_MAP_NOEXEC } from './mmu';
import type { Syncobj } from './syncobj';

export const GROUP_STATE_TIMEDOUT = 1 << 0;
export const GROUP_STATE_FATAL_FAULT = 1 << 1;
export const GROUP_STATE_INNOCENT = 1 << 2;

/** Submitted streams up to this size are recorded in kmd.job_queued (bigger ones are unusual and would bloat traces). */
export const MAX_RECORDED_STREAM_BYTES = 1 << 20;

/** Queues one group may have (reported as csif cs_slot_count). */
export const MAX_QUEUES_PER_GROUP = 4;

/** Kernel ring program per job: 7 instructions. */
const JOB_RING_BYTES = 7 * 8;

export interface SchedConfig {
  readonly jobTimeoutNs: number;
  /** Names of injected KMD bugs (see engine/bugs.ts); empty for a correct driver. */
  readonly bugs: ReadonlySet<string>;
}

export interface SignalOp {
  readonly syncobj: Syncobj;
  /** 0 for binary syncobjs. */
  readonly point: number;
}

export class Job {
  state: 'waiting' | 'ringed' | 'done' = 'waiting';
  depsLeft = 0;
  depError = 0;
  seqno = 0;
  ringStart = 0;
  ringEnd = 0;
  timer: Timer | undefined;
  constructor(
    readonly id: number,
    readonly queue: Queue,
    readonly streamVa: number,
    readonly streamSizeBytes: number,
    readonly fence: DmaFence,
  ) {}
}

export class Queue {
  readonly pending: Job[] = [];
  readonly inflight: Job[] = [];
  insert = 0;
  nextSeqno = 1;
  slot = -1;
  constructor(
    readonly group: Group,
    readonly index: number,
    readonly priority: number,
    readonly ringBo: Bo,
    readonly ringVa: number,
    readonly ringSizeBytes: number,
    readonly syncBo: Bo,
    readonly syncVa: number,
  ) {}

  get name(): string {
    return `${this.group.name}.q${this.index}`;
  }
}

export class Group {
  readonly queues: Queue[] = [];
  state = 0;
  fatalQueues = 0;
  destroyed = false;
  constructor(
    readonly id: number,
    readonly pid: number,
    readonly vm: Vm,
    readonly priority: number,
  ) {}

  get name(): string {
    return `g${this.id}`;
  }

  get alive(): boolean {
    return !this.destroyed && this.state === 0;
  }
}

export interface QueueState {
  readonly index: number;
  readonly priority: number;
  readonly ringBoId: number;
  readonly ringVa: number;
  readonly ringSizeBytes: number;
  readonly syncBoId: number;
  readonly syncVa: number;
  readonly insert: number;
  readonly nextSeqno: number;
  readonly slot: number;
}

export interface GroupState {
  readonly id: number;
  readonly pid: number;
  readonly vmId: number;
  readonly priority: number;
  readonly state: number;
  readonly fatalQueues: number;
  readonly queues: readonly QueueState[];
}

export interface SchedState {
  readonly nextGroupId: number;
  readonly nextJobId: number;
  readonly resets: number;
  /** Live groups in scheduling order (creation order). */
  readonly groups: readonly GroupState[];
}

export class Scheduler {
  private readonly slotQueue: (Queue | undefined)[];
  private readonly groups: Group[] = [];
  private nextGroupId = 1;
  private nextJobId = 1;
  private resetting = false;
  resets = 0;

  constructor(
    private readonly bus: Bus,
    private readonly gem: GemManager,
    private readonly vms: VmManager,
    private readonly sink: TraceSink,
    readonly config: SchedConfig,
    slotCount: number,
    private readonly ranks: SignalRanks,
  ) {
    this.slotQueue = new Array(slotCount).fill(undefined);
  }

  /** Create a group with its queues' rings and sync objects mapped in the VM. */
  createGroup(pid: number, vm: Vm, priority: number, queues: ReadonlyArray<{ priority: number; ringSizeBytes: number }>): Group | number {
    const group = new Group(this.nextGroupId++, pid, vm, priority);
    const made: Array<{ bo: Bo; va: number; size: number }> = [];
    const undo = (): void => {
      for (const m of made) {
        this.vms.unmap(vm, m.va, m.size);
        this.gem.put(m.bo);
      }
    };
    for (let i = 0; i < queues.length; i++) {
      const q = queues[i]!;
      const ring = this.vms.mapKernelBo(vm, q.ringSizeBytes, 0, `${group.name}.q${i}.ring`);
      if (typeof ring === 'number') return undo(), ring;
      made.push(ring);
      const sync = this.vms.mapKernelBo(vm, 4096, VM_MAP_NOEXEC, `${group.name}.q${i}.sync`);
      if (typeof sync === 'number') return undo(), sync;
      made.push(sync);
      group.queues.push(new Queue(group, i, q.priority, ring.bo, ring.va, q.ringSizeBytes, sync.bo, sync.va));
    }
    vm.users++;
    this.groups.push(group);
    return group;
  }

  destroyGroup(group: Group): void {
    if (group.destroyed) return;
    this.killGroup(group, Errno.ECANCELED, 0, 'destroyed');
    group.destroyed = true;
    for (const q of group.queues) {
      this.vms.unmap(group.vm, q.ringVa, q.ringBo.sizeBytes);
      this.vms.unmap(group.vm, q.syncVa, q.syncBo.sizeBytes);
      this.gem.put(q.ringBo);
      this.gem.put(q.syncBo);
    }
    group.vm.users--;
    // VM_DESTROY only drops the handle; the last user frees the VM.
    if (group.vm.destroyed && group.vm.users === 0) this.vms.release(group.vm);
    this.groups.splice(this.groups.indexOf(group), 1);
    this.tick();
  }

  /**
   * Queue one job. `waits` are the fences it depends on; its done-fence is returned
   * so the caller attaches it to the signal syncobjs before any of it can signal.
   */
  createJob(queue: Queue, streamVa: number, streamSizeBytes: number): Job {
    const id = this.nextJobId++;
    const seqno = queue.nextSeqno++;
    const job = new Job(id, queue, streamVa, streamSizeBytes, new DmaFence(this.ranks, queue.name, seqno, id));
    job.seqno = seqno;
    return job;
  }

  /** `ioctl`: id of the GROUP_SUBMIT queuing it (carried by kmd.job_queued). */
  pushJob(job: Job, waits: readonly DmaFence[], ioctl: number): void {
    const queue = job.queue;
    queue.pending.push(job);
    const stream = job.streamSizeBytes <= MAX_RECORDED_STREAM_BYTES ? this.vms.readMapped(queue.group.vm, job.streamVa, job.streamSizeBytes) : undefined;
    this.sink.emit({
      kind: 'kmd.job_queued', tsNs: this.bus.nowNs, jobId: job.id, pid: queue.group.pid, group: queue.group.id,
      queue: queue.index, streamVa: job.streamVa, streamSizeBytes: job.streamSizeBytes, stream: stream ?? new Uint8Array(0), waits: waits.length, ioctl,
    });
    for (const f of waits) {
      if (f.isSignalled) {
        if (f.error && !job.depError) job.depError = f.error;
        continue;
      }
      job.depsLeft++;
      f.onSignal((done) => {
        if (done.error && !job.depError) job.depError = done.error;
        job.depsLeft--;
        if (job.depsLeft === 0) this.pump(queue);
      });
    }
    this.pump(queue);
  }

  /** Move ready jobs from the head of the queue onto its ring, in order. */
  private pump(queue: Queue): void {
    if (!queue.group.alive) return;
    let wrote = false;
    while (queue.pending.length) {
      const job = queue.pending[0]!;
      if (job.depsLeft > 0 && !this.stagesBlockedJobs(queue)) break;
      if (job.depError) {
        // A failed dependency fails the job without running it (drm_sched does the same).
        queue.pending.shift();
        this.finishJob(job, 'cancelled', job.depError);
        continue;
      }
      const used = queue.insert - (queue.inflight[0]?.ringStart ?? queue.insert);
      if (used + JOB_RING_BYTES > queue.ringSizeBytes) break;
      queue.pending.shift();
      this.writeRing(queue, job);
      wrote = true;
    }
    if (!wrote) return;
    if (queue.slot >= 0) {
      this.bus.mmioWrite(slotReg(queue.slot, SLOT_INSERT_LO), queue.insert >>> 0);
      this.bus.mmioWrite(slotReg(queue.slot, SLOT_INSERT_HI), Math.floor(queue.insert / 0x1_0000_0000));
      this.bus.mmioWrite(CS_DOORBELL, 1 << queue.slot);
      for (const j of queue.inflight) this.armTimeout(j);
    } else {
      this.tick();
    }
  }

  /**
   * Bug 'sched-ignore-wait': a queue that needs a slot while every slot is taken cannot
   * run until one frees, so its jobs are staged on the ring ahead of time — to start
   * the moment it gets a slot — on the assumption that their dependencies will have
   * signalled by then. Nothing checks them again when the slot comes, so a consumer
   * can start before its producer has finished. A correct scheduler returns false.
   */
  private stagesBlockedJobs(queue: Queue): boolean {
    return this.config.bugs.has('sched-ignore-wait') && queue.slot < 0 && this.slotQueue.every((q) => q !== undefined);
  }

  private writeRing(queue: Queue, job: Job): void {
    const k = KERNEL_REGS_FIRST;
    // As panthor's ring: flush before the call, so the stream and its inputs are read
    // fresh; nothing after it — making results CPU-visible is the user stream's job.
    const ops: Array<[CsOpName, Record<string, number>?]> = [['FLUSH', { mode: 2 /* CLEAN_INVALIDATE */ }]];
    if (job.streamSizeBytes > 0) {
      ops.push(['MOV48', { d: k, imm: job.streamVa }], ['MOV32', { r: k + 2, imm: job.streamSizeBytes }], ['CALL', { a: k, size: k + 2 }]);
    } else {
      ops.push(['NOP'], ['NOP'], ['NOP']);
    }
    ops.push(['MOV48', { d: k, imm: queue.syncVa }], ['MOV48', { d: k + 4, imm: job.seqno }], ['SYNC_SET', { a: k, v: k + 4, irq: 1 }]);
    const code = encodeCs(ops);
    job.ringStart = queue.insert;
    for (let done = 0; done < code.length; done += 8) {
      const off = (queue.insert + done) % queue.ringSizeBytes;
      this.gem.write(queue.ringBo, off, code.subarray(done, done + 8));
    }
    queue.insert += code.length;
    job.ringEnd = queue.insert;
    job.state = 'ringed';
    queue.inflight.push(job);
    // Bug 'early-signal': the done-fence is signalled once the job is handed to the
    // hardware, not when the IRQ handler sees the queue's sync object reach its seqno
    // (retire). Every syncobj the submit signals, and every job waiting on it, is
    // released while the GPU is still working; the real signal at retire is then a no-op.
    if (this.config.bugs.has('early-signal')) job.fence.signal(this.bus.nowNs, this.sink);
  }

  private armTimeout(job: Job): void {
    if (job.timer || job.state !== 'ringed') return;
    job.timer = this.bus.timerAt(this.bus.nowNs + this.config.jobTimeoutNs, `job${job.id}.timeout`, () => {
      job.timer = undefined;
      if (job.state === 'ringed') this.timeout(job);
    });
  }

  /** Give free slots to waiting queues, best first. */
  tick(): void {
    if (this.resetting) return;
    const waiting = this.groups
      .filter((g) => g.alive)
      .flatMap((g) => g.queues)
      .filter((q) => q.slot < 0 && q.inflight.length > 0)
      .sort((a, b) => b.group.priority - a.group.priority || b.priority - a.priority || a.inflight[0]!.id - b.inflight[0]!.id);
    for (const queue of waiting) {
      const slot = this.slotQueue.findIndex((q) => q === undefined);
      if (slot < 0) return;
      const as = this.vms.bindAs(queue.group.vm, (vm) => this.vmBusy(vm));
      if (as < 0) continue;
      this.startOnSlot(queue, slot, as);
    }
  }

  private vmBusy(vm: Vm): boolean {
    return this.slotQueue.some((q) => q && q.group.vm === vm);
  }

  private startOnSlot(queue: Queue, slot: number, as: number): void {
    this.slotQueue[slot] = queue;
    queue.slot = slot;
    const extract = queue.inflight[0]!.ringStart;
    const w = (reg: number, v: number): void => this.bus.mmioWrite(slotReg(slot, reg), v);
    w(SLOT_CONTROL, SLOT_CONTROL_STOP);
    w(SLOT_RING_BASE_LO, queue.ringVa >>> 0);
    w(SLOT_RING_BASE_HI, Math.floor(queue.ringVa / 0x1_0000_0000));
    w(SLOT_RING_SIZE, queue.ringSizeBytes);
    w(SLOT_AS, as);
    w(SLOT_EXTRACT_LO, extract >>> 0);
    w(SLOT_EXTRACT_HI, Math.floor(extract / 0x1_0000_0000));
    w(SLOT_INSERT_LO, queue.insert >>> 0);
    w(SLOT_INSERT_HI, Math.floor(queue.insert / 0x1_0000_0000));
    w(SLOT_CONTROL, SLOT_CONTROL_START);
    for (const job of queue.inflight) {
      this.armTimeout(job);
      this.sink.emit({ kind: 'kmd.job_started', tsNs: this.bus.nowNs, jobId: job.id, slot });
    }
  }

  private releaseSlot(queue: Queue): void {
    if (queue.slot < 0) return;
    this.bus.mmioWrite(slotReg(queue.slot, SLOT_CONTROL), SLOT_CONTROL_STOP);
    this.slotQueue[queue.slot] = undefined;
    queue.slot = -1;
  }

  /** Job IRQ: acknowledge slot events, retire jobs, handle faults and idle slots. */
  handleJobIrq(): void {
    const status = this.bus.mmioRead(JOB_IRQ_STATUS);
    for (let slot = 0; slot < this.slotQueue.length; slot++) {
      if (!(status & (1 << slot))) continue;
      const events = this.bus.mmioRead(slotReg(slot, SLOT_EVENT));
      this.bus.mmioWrite(slotReg(slot, SLOT_EVENT), events);
      const queue = this.slotQueue[slot];
      if (!queue) continue;
      this.retire(queue);
      if (events & SLOT_EVENT_FAULT) {
        this.slotFault(queue, slot);
        continue;
      }
      if (events & SLOT_EVENT_IDLE && queue.inflight.length === 0) this.releaseSlot(queue);
    }
    this.tick();
  }

  /** Retire every in-flight job whose seqno the queue's sync object has reached. */
  private retire(queue: Queue): void {
    const bytes = this.gem.read(queue.syncBo, 0, 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    const reached = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
    let retired = false;
    while (queue.inflight.length && queue.inflight[0]!.seqno <= reached) {
      this.finishJob(queue.inflight.shift()!, 'done', 0);
      retired = true;
    }
    if (retired) this.pump(queue);
  }

  private finishJob(job: Job, status: 'done' | 'faulted' | 'timedout' | 'cancelled', error: number): void {
    this.bus.cancelTimer(job.timer);
    job.timer = undefined;
    job.state = 'done';
    this.sink.emit({ kind: 'kmd.job_finished', tsNs: this.bus.nowNs, jobId: job.id, status });
    job.fence.signal(this.bus.nowNs, this.sink, error);
  }

  private slotFault(queue: Queue, slot: number): void {
    const code = this.bus.mmioRead(slotReg(slot, SLOT_FAULT)) & 0xff;
    const va = this.bus.mmioRead(slotReg(slot, SLOT_FAULT_VA_LO)) + this.bus.mmioRead(slotReg(slot, SLOT_FAULT_VA_HI)) * 0x1_0000_0000;
    const kind = faultKindFromCode(code) ?? 'UNKNOWN';
    if (kind === 'TRANSLATION' || kind === 'PERMISSION' || kind === 'BUS') queue.group.vm.unusable = true;
    queue.group.fatalQueues |= 1 << queue.index;
    this.killGroup(queue.group, Errno.EIO, GROUP_STATE_FATAL_FAULT, `${kind} fault at 0x${va.toString(16)} on ${queue.name}`);
  }

  /** Mark the group, stop its slots and fail every job it has. */
  private killGroup(group: Group, error: number, state: number, reason: string): void {
    if (state) {
      group.state |= state;
      this.sink.emit({ kind: 'kmd.group_state', tsNs: this.bus.nowNs, group: group.name, state: group.state, reason });
    }
    for (const q of group.queues) {
      this.releaseSlot(q);
      const status = state & GROUP_STATE_FATAL_FAULT ? 'faulted' : state & GROUP_STATE_TIMEDOUT ? 'timedout' : 'cancelled';
      for (const job of q.inflight.splice(0)) this.finishJob(job, status, error);
      for (const job of q.pending.splice(0)) this.finishJob(job, 'cancelled', Errno.ECANCELED);
    }
  }

  /** MMU IRQ: a fault in an address space makes its VM unusable. */
  handleMmuFault(as: number): void {
    const vm = this.vms.vmOnAs(as);
    if (vm) vm.unusable = true;
  }

  private timeout(job: Job): void {
    const guilty = job.queue.group;
    const innocent = this.groups.filter((g) => g !== guilty && g.alive && g.queues.some((q) => q.slot >= 0 && q.inflight.length > 0));
    this.sink.emit({
      kind: 'kmd.reset', tsNs: this.bus.nowNs, reason: `job ${job.id} on ${job.queue.name} timed out after ${this.config.jobTimeoutNs}ns`,
      guiltyGroups: [guilty.name], innocentGroups: innocent.map((g) => g.name),
    });
    this.killGroup(guilty, Errno.ETIMEDOUT, GROUP_STATE_TIMEDOUT, 'job timeout (guilty)');
    for (const g of innocent) this.killGroup(g, Errno.ECANCELED, GROUP_STATE_TIMEDOUT | GROUP_STATE_INNOCENT, 'killed by reset (innocent)');
    for (let s = 0; s < this.slotQueue.length; s++) {
      const q = this.slotQueue[s];
      if (q) q.slot = -1;
      this.slotQueue[s] = undefined;
    }
    this.resetting = true;
    this.resets++;
    this.bus.mmioWrite(GPU_COMMAND, GPU_COMMAND_SOFT_RESET);
    this.vms.forgetAddressSpaces();
  }

  /** GPU IRQ RESET_COMPLETED: the hardware is back; schedule survivors. */
  resetDone(): void {
    this.resetting = false;
    this.tick();
  }

  get isResetting(): boolean {
    return this.resetting;
  }

  /** A live (not destroyed) group by id, for snapshot references. */
  groupById(id: number): Group | undefined {
    return this.groups.find((g) => g.id === id);
  }

  /** Live groups in scheduling order. */
  liveGroups(): readonly Group[] {
    return this.groups;
  }

  /** Which queue holds each hardware slot. */
  slotQueues(): ReadonlyArray<Queue | undefined> {
    return this.slotQueue;
  }

  snapshot(): SchedState {
    assert(!this.resetting && this.idle(), 'scheduler snapshot with jobs or a reset in flight');
    return {
      nextGroupId: this.nextGroupId,
      nextJobId: this.nextJobId,
      resets: this.resets,
      groups: this.groups.map((g) => ({
        id: g.id, pid: g.pid, vmId: g.vm.id, priority: g.priority, state: g.state, fatalQueues: g.fatalQueues,
        queues: g.queues.map((q) => ({
          index: q.index, priority: q.priority, ringBoId: q.ringBo.id, ringVa: q.ringVa, ringSizeBytes: q.ringSizeBytes,
          syncBoId: q.syncBo.id, syncVa: q.syncVa, insert: q.insert, nextSeqno: q.nextSeqno, slot: q.slot,
        })),
      })),
    };
  }

  /** Needs the gem and VM managers restored first (groups name their VM and BOs by id). */
  restore(s: SchedState): void {
    const bo = (id: number): Bo => {
      const b = this.gem.byId(id);
      assert(b, `snapshot names bo${id}, which it does not hold`);
      return b;
    };
    this.nextGroupId = s.nextGroupId;
    this.nextJobId = s.nextJobId;
    this.resets = s.resets;
    this.resetting = false;
    this.groups.length = 0;
    this.slotQueue.fill(undefined);
    for (const gs of s.groups) {
      const vm = this.vms.byId(gs.vmId);
      assert(vm, `g${gs.id} uses vm${gs.vmId}, which the snapshot does not hold`);
      const group = new Group(gs.id, gs.pid, vm, gs.priority);
      group.state = gs.state;
      group.fatalQueues = gs.fatalQueues;
      for (const qs of gs.queues) {
        const q = new Queue(group, qs.index, qs.priority, bo(qs.ringBoId), qs.ringVa, qs.ringSizeBytes, bo(qs.syncBoId), qs.syncVa);
        q.insert = qs.insert;
        q.nextSeqno = qs.nextSeqno;
        q.slot = qs.slot;
        if (q.slot >= 0) this.slotQueue[q.slot] = q;
        group.queues.push(q);
      }
      this.groups.push(group);
    }
  }

  /** True when no job is waiting or running anywhere. */
  idle(): boolean {
    return this.groups.every((g) => g.queues.every((q) => q.pending.length === 0 && q.inflight.length === 0));
  }
}
