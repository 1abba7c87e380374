/**
 * Whole-model snapshots: the virtual clock, the GPU and the KMD (with every process's
 * user memory and fd table) as plain data, from which `restoreStack` builds a fresh
 * Stack that continues exactly as the original would — same events, same memory,
 * same state hashes. Replay and seek restore checkpoints made of these.
 *
 * When a snapshot may be taken (the quiescence rule)
 *   A snapshot is taken at a system-call exit (session.ts `atSyscallExit`: no ioctl,
 *   mmap or fd pass in progress, so no kernel code is on the stack) where
 *   1. the KMD is idle: no job waiting or in flight on any queue and no GPU reset
 *      being recovered — so there are no job timeout timers and no fence callbacks;
 *   2. no VM_BIND is queued (each VM's last bind fence has signalled);
 *   3. no engine job is in flight or queued and no soft reset is under way;
 *   4. every pending simulation callback is one its owner re-creates on restore.
 *      Today that is exactly one kind: the GPU's IRQ-line check (scheduled by any
 *      register write that may change an IRQ line, run at the same virtual time).
 *   Under (1)–(3) every fence the driver still references has signalled, so fences
 *   are immutable data and nothing that is a closure needs to be stored.
 *   Measured at the syscall exits of the eight sample apps: 50–95% of them are
 *   quiescent; the longest stretch without one is 390 events (streaming); the only
 *   pending callback ever seen at one is the IRQ check after the device's probe.
 *   Rejected: snapshots with jobs in flight. They need the callbacks of job fences,
 *   CS execution mid-batch, engine journals and timers re-created in their original
 *   tie order — much machinery for points that come a few hundred events apart anyway.
 *
 * What is not in a snapshot: the UMD and the apps (above the syscall boundary; a
 * replay drives a restored stack with recorded ioctls and memory writes), the trace
 * sink (given to `restoreStack`), memos that hold no state (the CS decode cache).
 * The configuration (GPU, cost model, KMD, injected bugs) is in, so a snapshot alone
 * rebuilds its stack.
 *
 * Example:
 *   const snap = snapshotStack(stack);           // { ok: true, value: { sim, gpu, kmd, config } }
 *   const twin = restoreStack(snap.value, sink); // runs on exactly as `stack` would
 */
import { defaultGpuConfig, type GpuConfig, type GpuSnapshot } from './hw/device';
import type { CostModel } from './hw/cost-model';
import type { KmdConfig, KmdState } from './kmd/device';
import type { SimState } from './base/sim';
import { encodeSnapshot, PartHasher, type Decoded, type EncodedSnapshot } from './snapshot-codec';
import { createStack, type Stack } from './stack';
import type { TraceEvent } from './trace/events';
import type { TraceSink } from './trace/sink';
import { nullSink } from './trace/sink';

/** Bumped when the snapshot's shape changes in a way an older restore would misread. */
export const SNAPSHOT_VERSION = 1;

export interface StackConfig {
  readonly gpu: Omit<GpuConfig, 'bugs' | 'cost'> & { readonly bugs: readonly string[]; readonly cost: CostModel };
  readonly kmd: Omit<KmdConfig, 'bugs'> & { readonly bugs: readonly string[] };
}

export interface ModelSnapshot {
  readonly version: number;
  readonly config: StackConfig;
  readonly sim: SimState;
  readonly gpu: GpuSnapshot;
  readonly kmd: KmdState;
}

/** Why the model cannot be snapshotted now (see the rule above), or undefined when it can. */
export function notQuiescent(stack: Stack): string | undefined {
  const { kmd, gpu, sim } = stack;
  if (kmd.currentIoctl !== 0) return 'an ioctl is in progress';
  if (!kmd.sched.idle()) return 'jobs are queued or in flight';
  if (kmd.sched.isResetting) return 'the KMD is recovering from a GPU reset';
  const gpuBusy = gpu.notQuiescent();
  if (gpuBusy) return gpuBusy;
  if (kmd.vms.liveVms().some((vm) => vm.lastBind && !vm.lastBind.isSignalled)) return 'a VM_BIND is queued';
  const pending = sim.pendingTimers();
  if (pending.length !== gpu.recreatableTimers()) return `callbacks pending: ${pending.map((t) => t.label).join(', ')}`;
  return undefined;
}

/** The model as data, or why not now. */
export function snapshotStack(stack: Stack): Decoded<ModelSnapshot> {
  const why = notQuiescent(stack);
  if (why) return { ok: false, error: `not quiescent: ${why}` };
  const g = stack.gpu.config;
  const k = stack.kmd.config;
  const config: StackConfig = {
    gpu: { ...g, bugs: [...g.bugs].sort(), cost: { ...g.cost } },
    kmd: { ...k, bugs: [...k.bugs].sort() },
  };
  // Clock first, then the blocks bottom-up, as restore applies them.
  return { ok: true, value: { version: SNAPSHOT_VERSION, config, sim: stack.sim.snapshot(), gpu: stack.gpu.snapshot(), kmd: stack.kmd.snapshot() } };
}

/**
 * Snapshot and encode in one step, reusing `hasher`'s memo of page hashes from the
 * previous checkpoint of the same run (what the recorder does every N events).
 */
export function encodeStack(stack: Stack, hasher?: PartHasher): Decoded<EncodedSnapshot> {
  const snap = snapshotStack(stack);
  return snap.ok ? { ok: true, value: encodeSnapshot(snap.value, hasher) } : snap;
}

/** The state hash of the model now (hash of the canonical snapshot), or why it cannot be taken. */
export function stateHash(stack: Stack): Decoded<string> {
  const enc = encodeStack(stack);
  return enc.ok ? { ok: true, value: enc.value.stateHash } : enc;
}

/**
 * A fresh stack in the snapshot's state, emitting into `sink` from then on. The
 * device probe that building a stack involves happens with events discarded, and is
 * then overwritten: clock, GPU blocks, then the KMD (engine/kmd/device.ts has its
 * order). Returns an error for a snapshot of another version.
 */
export function restoreStack(snap: ModelSnapshot, sink: TraceSink = nullSink): Decoded<Stack> {
  if (snap.version !== SNAPSHOT_VERSION) return { ok: false, error: `snapshot version ${snap.version}, this engine restores ${SNAPSHOT_VERSION}` };
  const forward = new ForwardingSink();
  const { gpu, kmd } = snap.config;
  const stack = createStack({
    seed: gpu.seed,
    gpu: { ...defaultGpuConfig, ...gpu, bugs: new Set(gpu.bugs) },
    kmd: { ...kmd, bugs: new Set(kmd.bugs) },
    sink: forward,
  });
  stack.sim.restore(snap.sim);
  stack.gpu.restore(snap.gpu);
  stack.kmd.restore(snap.kmd);
  forward.target = sink;
  return { ok: true, value: { ...stack, sink } };
}

/** Lets the probe of a restored stack go unrecorded, then forwards to the real sink. */
class ForwardingSink implements TraceSink {
  target: TraceSink = nullSink;

  emit(event: TraceEvent): void {
    this.target.emit(event);
  }
}
