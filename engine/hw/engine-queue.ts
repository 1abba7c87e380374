/**
 * One execution engine (DMA, compute, fragment): a FIFO of jobs shared by every
 * slot, one job at a time. This is where contention between slots shows up on the
 * timeline: two queues that both DISPATCH serialise on the compute engine.
 *
 * A job runs functionally when it starts (into its JobMemory journal), which yields
 * its cost; its writes are committed and its slot notified when it completes. A job
 * that reports `hung` never completes: the engine stays busy until a soft reset,
 * exactly what the KMD's job timeout exists for.
 */
import type { Sim, Timer } from '../base/sim';
import type { GpuFault } from './gpu-fault';
import { GpuFaultSignal } from './gpu-fault';
import type { JobMemory } from './job-memory';

export type EngineName = 'dma' | 'compute' | 'fragment';

export interface WorkResult {
  /** Work units for the trace (bytes, shader instructions, pixels). */
  readonly work: number;
  readonly busyNs: number;
  readonly hung: boolean;
}

export interface EngineJob {
  readonly slot: number;
  readonly op: string;
  readonly memory: JobMemory;
  run(memory: JobMemory): WorkResult;
  /** Called at completion (after commit) or with the fault that stopped it; `writeHash` hashes what it wrote. */
  done(result: { fault?: GpuFault; work: number; startNs: number; endNs: number; writeHash: string }): void;
}

export class EngineQueue {
  private readonly queue: EngineJob[] = [];
  private current: { job: EngineJob; timer: Timer | undefined } | undefined;
  /** Total ns this engine has been busy (for utilisation counters). */
  busyNsTotal = 0;

  constructor(
    readonly name: EngineName,
    private readonly sim: Sim,
    private readonly jitter: (ns: number) => number,
  ) {}

  submit(job: EngineJob): void {
    this.queue.push(job);
    if (!this.current) this.startNext();
  }

  /** The only state a snapshot keeps: snapshots are taken with every engine idle. */
  restoreBusyNs(busyNsTotal: number): void {
    this.reset();
    this.busyNsTotal = busyNsTotal;
  }

  busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  /** Drop everything (soft reset): in-flight jobs never commit. */
  reset(): void {
    if (this.current) this.sim.cancel(this.current.timer);
    this.current = undefined;
    this.queue.length = 0;
  }

  private startNext(): void {
    const job = this.queue.shift();
    if (!job) return;
    const startNs = this.sim.nowNs;
    let result: WorkResult;
    try {
      result = job.run(job.memory);
    } catch (e) {
      if (!(e instanceof GpuFaultSignal)) throw e;
      // A faulting job still wrote what it wrote before the fault, as on hardware.
      const { writeHash } = job.memory.commit();
      this.current = { job, timer: undefined };
      const fault = e.fault;
      this.current.timer = this.sim.after(1, `${this.name}.fault`, () => this.finish(job, startNs, 0, writeHash, fault));
      return;
    }
    if (result.hung) {
      this.current = { job, timer: undefined };
      return;
    }
    const durNs = Math.max(1, Math.round(this.jitter(result.busyNs)));
    this.current = { job, timer: undefined };
    this.current.timer = this.sim.after(durNs, `${this.name}.done`, () => {
      const { writeHash } = job.memory.commit();
      this.finish(job, startNs, result.work, writeHash, undefined);
    });
  }

  private finish(job: EngineJob, startNs: number, work: number, writeHash: string, fault: GpuFault | undefined): void {
    this.current = undefined;
    this.busyNsTotal += this.sim.nowNs - startNs;
    job.done({ work, startNs, endNs: this.sim.nowNs, writeHash, ...(fault ? { fault } : {}) });
    this.startNext();
  }
}
