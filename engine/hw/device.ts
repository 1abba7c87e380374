/**
 * The GPU: memory, L2, MMU, command-stream frontend and three engines behind one
 * MMIO window and three IRQ lines. It implements the `Bus` the KMD drives.
 *
 * Block lifecycle, in the fixed order the device applies it (and reverses on
 * teardown): memory → l2 → mmu → engines → cs frontend → gpu control registers.
 * `reset()` is the power-on state; `softReset()` is what GPU_COMMAND_SOFT_RESET
 * does: caches are cleaned first (so no written data is lost), then the frontend,
 * engines and MMU forget everything, then RESET_COMPLETED is raised.
 *
 * IRQs are level-triggered: whenever a block's pending state may have changed the
 * device schedules one check at the current virtual time, which calls the KMD's
 * handler for each asserted line. A handler that does not clear its line is not
 * re-entered until something changes again (Linux would mark it spurious).
 */
import { Rng } from '../base/rng';
import type { Sim, Timer } from '../base/sim';
import type { TraceSink } from '../trace/sink';
import { nullSink } from '../trace/sink';
import type { Bus, IrqLine } from './bus';
import { defaultCostModel, type CostModel } from './cost-model';
import { CsFrontend, type SlotSnapshot } from './cs-frontend';
import { csfRegName } from './csf-regs';
import { runCopy, runFill } from './dma-engine';
import { EngineQueue, type EngineName } from './engine-queue';
import {
  GPU_AS_PRESENT,
  GPU_COMMAND,
  GPU_COMMAND_CLEAN_CACHES,
  GPU_COMMAND_SOFT_RESET,
  GPU_COMMAND_SYNC_UPDATE,
  GPU_CS_SLOT_COUNT,
  GPU_ID,
  GPU_ID_VALUE,
  GPU_IRQ_CLEAN_CACHES_COMPLETED,
  GPU_IRQ_CLEAR,
  GPU_IRQ_MASK,
  GPU_IRQ_RAWSTAT,
  GPU_IRQ_RESET_COMPLETED,
  GPU_IRQ_STATUS,
  GPU_LATEST_FLUSH_ID,
  GPU_MEM_SIZE_HI,
  GPU_MEM_SIZE_LO,
  GPU_SHADER_PRESENT_LO,
  GPU_STATUS,
  GPU_TIMESTAMP_HI,
  GPU_TIMESTAMP_LO,
  gpuRegName,
} from './gpu-regs';
import { JobMemory } from './job-memory';
import { L2Cache } from './l2-cache';
import { PhysicalMemory, type MemorySnapshot } from './memory';
import { Mmu, type MmuSnapshot } from './mmu';
import { asRegName } from './mmu-regs';
import { DEFAULT_JOB_WORK_BUDGET } from './shader-core';
import { drawWork, dispatchWork } from './shader-jobs';

export interface GpuConfig {
  readonly memSizeBytes: number;
  readonly csSlots: number;
  readonly addressSpaces: number;
  readonly seed: number;
  readonly cost: CostModel;
  /** Virtual time a soft reset takes. */
  readonly resetNs: number;
  /** Work past which a DISPATCH / DRAW counts as hung (see DEFAULT_JOB_WORK_BUDGET). */
  readonly jobWorkBudget: number;
  /** Names of injected hardware bugs (see engine/bugs.ts); empty for a correct GPU. */
  readonly bugs: ReadonlySet<string>;
}

export const defaultGpuConfig: GpuConfig = {
  memSizeBytes: 512 * 1024 * 1024,
  csSlots: 4,
  addressSpaces: 8,
  seed: 1,
  cost: defaultCostModel,
  resetNs: 10_000,
  jobWorkBudget: DEFAULT_JOB_WORK_BUDGET,
  bugs: new Set(),
};

export interface GpuSnapshot {
  readonly memory: MemorySnapshot;
  readonly l2: ReturnType<L2Cache['snapshot']>;
  readonly mmu: MmuSnapshot;
  readonly csf: { slots: SlotSnapshot[]; irqMask: number };
  readonly gpuIrqRaw: number;
  readonly gpuIrqMask: number;
  readonly flushId: number;
  readonly rng: [number, number, number, number];
  /** Busy time so far per engine (utilisation counters read it). */
  readonly engineBusyNs?: Record<EngineName, number>;
  /** An IRQ-line check was scheduled and has not run: restore schedules it again. */
  readonly irqCheckPending?: boolean;
}

export class Gpu implements Bus {
  readonly memory: PhysicalMemory;
  readonly l2: L2Cache;
  readonly mmu: Mmu;
  readonly csf: CsFrontend;
  private readonly engines: Record<EngineName, EngineQueue>;
  private readonly rng: Rng;
  private gpuIrqRaw = 0;
  private gpuIrqMask = 0;
  private flushId = 0;
  private resetting: Timer | undefined;
  private irqHandler: (line: IrqLine) => void = () => {};
  private irqCheckScheduled = false;

  constructor(
    readonly sim: Sim,
    readonly config: GpuConfig = defaultGpuConfig,
    private readonly sink: TraceSink = nullSink,
  ) {
    this.rng = new Rng(config.seed).fork(0x6770);
    this.memory = new PhysicalMemory(config.memSizeBytes);
    this.l2 = new L2Cache(this.memory);
    this.mmu = new Mmu(config.addressSpaces, this.memory);
    this.mmu.onIrqChange = () => this.irqChanged();
    const jitter = (ns: number): number => ns * (1 + config.cost.jitterFraction * (this.rng.nextU32() / 0x1_0000_0000));
    this.engines = {
      dma: new EngineQueue('dma', sim, jitter),
      compute: new EngineQueue('compute', sim, jitter),
      fragment: new EngineQueue('fragment', sim, jitter),
    };
    const cost = config.cost;
    this.csf = new CsFrontend(config.csSlots, sim, cost, {
      memoryFor: (as, mode) => new JobMemory(as, this.mmu, this.memory, this.l2, mode),
      engine: (name) => this.engines[name],
      runDispatch: (m, desc) => dispatchWork(m, cost, desc, { jobWorkBudget: config.jobWorkBudget }),
      runDraw: (m, desc) => drawWork(m, cost, desc, { jobWorkBudget: config.jobWorkBudget }),
      runCopy: (m, dst, src, size) => runCopy(m, cost, dst, src, size, config.bugs),
      runFill: (m, dst, size, pattern) => runFill(m, cost, dst, size, pattern),
      flushCaches: () => this.cleanCaches(),
      syncUpdated: () => this.csf.syncUpdate(),
      onIrqChange: () => this.irqChanged(),
      onFault: (slot, f) =>
        this.sink.emit({ kind: 'hw.fault', tsNs: sim.nowNs, slot, as: f.as, fault: f.kind, va: f.va, access: f.access, detail: f.detail }),
      onEngineJob: (slot, engine, op, startNs, endNs, ok, work, writeHash) =>
        this.sink.emit({ kind: 'hw.job', tsNs: startNs, durNs: endNs - startNs, slot, engine, op, ok, work, writeHash }),
    });
  }

  get memSizeBytes(): number {
    return this.config.memSizeBytes;
  }

  get nowNs(): number {
    return this.sim.nowNs;
  }

  onIrq(handler: (line: IrqLine) => void): void {
    this.irqHandler = handler;
  }

  timerAt(atNs: number, label: string, fn: () => void): Timer {
    return this.sim.at(atNs, label, fn);
  }

  cancelTimer(timer: Timer | undefined): void {
    this.sim.cancel(timer);
  }

  runUntil(done: () => boolean, deadlineNs: number): boolean {
    return this.sim.runUntil(done, deadlineNs);
  }

  dramRead(pa: number, length: number): Uint8Array {
    return this.l2.cpuRead(pa, length);
  }

  dramWrite(pa: number, bytes: Uint8Array): void {
    this.l2.cpuWrite(pa, bytes);
  }

  mmioRead(offset: number): number {
    const value = this.readReg(offset) >>> 0;
    this.sink.emit({ kind: 'hw.mmio', tsNs: this.sim.nowNs, op: 'read', offset, reg: regName(offset), value });
    return value;
  }

  mmioWrite(offset: number, value: number): void {
    this.sink.emit({ kind: 'hw.mmio', tsNs: this.sim.nowNs, op: 'write', offset, reg: regName(offset), value: value >>> 0 });
    if (this.gpuWrite(offset, value >>> 0)) return;
    if (this.resetting) return; // blocks ignore writes while in reset
    if (offset >= 0x1000 && offset < 0x2000) this.csf.mmioWrite(offset, value >>> 0);
    else if (offset >= 0x2000 && offset < 0x3000) this.mmu.mmioWrite(offset, value >>> 0);
  }

  private readReg(offset: number): number {
    if (offset < 0x1000) return this.gpuRead(offset);
    if (offset < 0x2000) return this.csf.mmioRead(offset) ?? 0;
    if (offset < 0x3000) return this.mmu.mmioRead(offset) ?? 0;
    return 0;
  }

  private gpuRead(offset: number): number {
    switch (offset) {
      case GPU_ID:
        return GPU_ID_VALUE;
      case GPU_CS_SLOT_COUNT:
        return this.config.csSlots;
      case GPU_AS_PRESENT:
        return (2 ** this.config.addressSpaces - 1) >>> 0;
      case GPU_SHADER_PRESENT_LO:
        return (2 ** this.config.cost.shaderCores - 1) >>> 0;
      case GPU_MEM_SIZE_LO:
        return this.config.memSizeBytes >>> 0;
      case GPU_MEM_SIZE_HI:
        return Math.floor(this.config.memSizeBytes / 0x1_0000_0000);
      case GPU_IRQ_RAWSTAT:
        return this.gpuIrqRaw;
      case GPU_IRQ_MASK:
        return this.gpuIrqMask;
      case GPU_IRQ_STATUS:
        return (this.gpuIrqRaw & this.gpuIrqMask) >>> 0;
      case GPU_STATUS:
        return this.resetting ? 1 : 0;
      case GPU_LATEST_FLUSH_ID:
        return this.flushId;
      case GPU_TIMESTAMP_LO:
        return this.sim.nowNs >>> 0;
      case GPU_TIMESTAMP_HI:
        return Math.floor(this.sim.nowNs / 0x1_0000_0000);
      default:
        return 0;
    }
  }

  /** Returns true when the offset belongs to the GPU control block. */
  private gpuWrite(offset: number, value: number): boolean {
    if (offset >= 0x1000) return false;
    switch (offset) {
      case GPU_IRQ_CLEAR:
        this.gpuIrqRaw = (this.gpuIrqRaw & ~value) >>> 0;
        this.irqChanged();
        break;
      case GPU_IRQ_MASK:
        this.gpuIrqMask = value;
        this.irqChanged();
        break;
      case GPU_COMMAND:
        this.command(value);
        break;
    }
    return true;
  }

  private command(command: number): void {
    if (command === GPU_COMMAND_SOFT_RESET) {
      if (this.resetting) return;
      this.cleanCaches();
      for (const e of Object.values(this.engines)) e.reset();
      this.csf.reset();
      this.mmu.reset();
      this.resetting = this.sim.after(this.config.resetNs, 'gpu.reset', () => {
        this.resetting = undefined;
        this.raiseGpuIrq(GPU_IRQ_RESET_COMPLETED);
      });
    } else if (command === GPU_COMMAND_CLEAN_CACHES) {
      this.cleanCaches();
      this.raiseGpuIrq(GPU_IRQ_CLEAN_CACHES_COMPLETED);
    } else if (command === GPU_COMMAND_SYNC_UPDATE) {
      this.csf.syncUpdate();
    }
  }

  private cleanCaches(): number {
    this.flushId = (this.flushId + 1) >>> 0;
    return this.l2.clean();
  }

  private raiseGpuIrq(bits: number): void {
    this.gpuIrqRaw = (this.gpuIrqRaw | bits) >>> 0;
    this.irqChanged();
  }

  private irqChanged(): void {
    if (this.irqCheckScheduled) return;
    this.irqCheckScheduled = true;
    this.sim.at(this.sim.nowNs, 'gpu.irq', () => {
      this.irqCheckScheduled = false;
      const lines: [IrqLine, number][] = [
        ['gpu', (this.gpuIrqRaw & this.gpuIrqMask) >>> 0],
        ['mmu', this.mmu.irqPending() ? 1 : 0],
        ['job', this.csf.irqPending() ? 1 : 0],
      ];
      for (const [line, pending] of lines) {
        if (!pending) continue;
        this.sink.emit({ kind: 'hw.irq', tsNs: this.sim.nowNs, line, status: pending });
        this.irqHandler(line);
      }
    });
  }

  /** Hash of everything the GPU's memory holds (GPU view). */
  memoryHash(): string {
    return this.memory.hash();
  }

  busyEngines(): EngineName[] {
    return (Object.keys(this.engines) as EngineName[]).filter((n) => this.engines[n].busy());
  }

  engineBusyNs(): Record<EngineName, number> {
    return { dma: this.engines.dma.busyNsTotal, compute: this.engines.compute.busyNsTotal, fragment: this.engines.fragment.busyNsTotal };
  }

  /**
   * Why the GPU cannot be snapshotted now (an engine job in flight or queued, a soft
   * reset under way), or undefined when it can. Its only timer that may then be
   * pending is the IRQ-line check, which `snapshot` records and `restore` re-creates.
   */
  notQuiescent(): string | undefined {
    const busy = this.busyEngines();
    if (busy.length) return `engine job in flight on ${busy.join(', ')}`;
    if (this.resetting) return 'GPU soft reset in progress';
    return undefined;
  }

  /** Timers the GPU itself has pending that restore re-creates (0 or 1: the IRQ check). */
  recreatableTimers(): number {
    return this.irqCheckScheduled ? 1 : 0;
  }

  /**
   * Snapshot of every block. Engine jobs in flight are not included: checkpoints are
   * taken between jobs (the recorder chooses points where no engine is busy).
   */
  snapshot(): GpuSnapshot {
    return {
      memory: this.memory.snapshot(),
      l2: this.l2.snapshot(),
      mmu: this.mmu.snapshot(),
      csf: this.csf.snapshot(),
      gpuIrqRaw: this.gpuIrqRaw,
      gpuIrqMask: this.gpuIrqMask,
      flushId: this.flushId,
      rng: this.rng.snapshot(),
      engineBusyNs: this.engineBusyNs(),
      irqCheckPending: this.irqCheckScheduled,
    };
  }

  restore(s: GpuSnapshot): void {
    this.memory.restore(s.memory);
    this.l2.restore(s.l2);
    this.mmu.restore(s.mmu);
    for (const name of Object.keys(this.engines) as EngineName[]) this.engines[name].restoreBusyNs(s.engineBusyNs?.[name] ?? 0);
    this.csf.restore(s.csf);
    this.gpuIrqRaw = s.gpuIrqRaw;
    this.gpuIrqMask = s.gpuIrqMask;
    this.flushId = s.flushId;
    this.rng.restore(s.rng);
    this.sim.cancel(this.resetting);
    this.resetting = undefined;
    // The check runs at the current time like any other; scheduling it again keeps its
    // place before anything the continuation schedules.
    this.irqCheckScheduled = false;
    if (s.irqCheckPending) this.irqChanged();
  }
}

function regName(offset: number): string {
  return gpuRegName(offset) ?? csfRegName(offset) ?? asRegName(offset) ?? `REG_0x${offset.toString(16)}`;
}
