/**
 * The traced system assembled: one virtual clock, the GPU model, and the KMD bound
 * to it through the bus. Everything below the UMD; apps and the UMD get processes
 * and an ioctl function from here.
 *
 * Example:
 *   const stack = createStack({ seed: 1 });
 *   const proc = stack.kmd.spawn();
 *   const fd = stack.kmd.open(proc.pid);
 *   stack.kmd.ioctl(proc.pid, fd, DRM_IOCTL_PANTHOR_VM_CREATE.request, argp)  // → 0 or -errno
 */
import { Sim } from './base/sim';
import { defaultGpuConfig, Gpu, type GpuConfig } from './hw/device';
import { defaultKmdConfig, PanthorDevice, type KmdConfig } from './kmd/device';
import type { TraceSink } from './trace/sink';
import { nullSink } from './trace/sink';
import type { KmdBackend } from './umd/kmd-backend';

export interface StackOptions {
  /** Seeds the hardware's timing jitter (see hw/cost-model.ts); results never depend on it. */
  readonly seed?: number;
  readonly gpu?: Partial<GpuConfig>;
  readonly kmd?: Partial<KmdConfig>;
  readonly sink?: TraceSink;
}

export interface Stack {
  readonly sim: Sim;
  readonly gpu: Gpu;
  readonly kmd: PanthorDevice;
  readonly sink: TraceSink;
}

export function createStack(options: StackOptions = {}): Stack {
  const sim = new Sim();
  const sink = options.sink ?? nullSink;
  const gpu = new Gpu(sim, { ...defaultGpuConfig, ...options.gpu, seed: options.seed ?? options.gpu?.seed ?? defaultGpuConfig.seed }, sink);
  const kmd = new PanthorDevice(gpu, sink, { ...defaultKmdConfig, ...options.kmd });
  return { sim, gpu, kmd, sink };
}

/** A UMD backend bound to one process and one open DRM fd of this stack. */
export function kmdBackend(stack: Stack, pid: number, fd: number): KmdBackend {
  const proc = stack.kmd.process(pid);
  if (!proc) throw new RangeError(`kmdBackend: no process ${pid}`);
  return {
    memory: proc.memory,
    ioctl: (request, argp) => stack.kmd.ioctl(pid, fd, request, argp),
    mmap: (offset, length) => stack.kmd.mmap(pid, fd, offset, length),
    munmap: (addr) => stack.kmd.munmap(pid, addr),
    nowNs: () => stack.sim.nowNs,
    spendNs: (durationNs) => stack.sim.advanceTo(stack.sim.nowNs + durationNs),
  };
}
