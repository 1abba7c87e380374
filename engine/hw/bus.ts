/**
 * The bus: the kernel driver's only view of the GPU. It carries what a real SoC
 * gives a driver — MMIO registers, interrupt lines, the DRAM the GPU shares with
 * the CPU, and kernel timers on the shared virtual clock — and nothing of the
 * hardware's internals.
 *
 * DRAM accesses here are CPU accesses: they see GPU writes only after the L2 was
 * cleaned (see l2-cache.ts), as a real CPU would.
 */
import type { Timer } from '../base/sim';

export type IrqLine = 'gpu' | 'mmu' | 'job';

export interface Bus {
  readonly memSizeBytes: number;
  readonly nowNs: number;
  mmioRead(offset: number): number;
  mmioWrite(offset: number, value: number): void;
  /** Register the interrupt handler; it runs (inside the simulation) while a line is asserted. */
  onIrq(handler: (line: IrqLine) => void): void;
  dramRead(pa: number, length: number): Uint8Array;
  dramWrite(pa: number, bytes: Uint8Array): void;
  /** Kernel timers on the virtual clock. */
  timerAt(atNs: number, label: string, fn: () => void): Timer;
  cancelTimer(timer: Timer | undefined): void;
  /** Let virtual time pass (the CPU waits): runs the GPU until `done` or `deadlineNs`. */
  runUntil(done: () => boolean, deadlineNs: number): boolean;
}
