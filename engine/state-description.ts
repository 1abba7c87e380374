/**
 * The model's state as a driver engineer inspects it: BOs, VMs, syncobjs, scheduling
 * groups and hardware slots, as plain data (what `tracefold state FILE --at SEQ`
 * prints after seeking). It reads the live stack and changes nothing, so it can be
 * asked at any point, quiescent or not; jobs in flight show as queue counts.
 *
 * Handles are per DRM file, so every object lists the (pid, file, handle) triples
 * that name it; ids are the driver's global ones (`bo7`, `vm2`, `g3`). A BO's
 * `contentHash` is of its bytes as the CPU would read them now (through the L2), the
 * same view a read-back by the app gets.
 *
 * Example:
 *   describeState(stack).syncobjs[0]
 *   // → { id: 1, handles: [{ pid: 100, file: 1, handle: 1 }], binary: true, payload: 0, lastSubmitted: 0,
 *   //     points: [{ point: 0, fence: 'g1.q0:1', signalled: true, error: 0 }] }
 */
import { hashBytes } from './base/hash';
import { SLOT_STATE } from './hw/csf-regs';
import type { DrmFile } from './kmd/file';
import type { Stack } from './stack';

export interface HandleRef {
  readonly pid: number;
  readonly file: number;
  readonly handle: number;
}

export interface BoDescription {
  readonly id: number;
  readonly label: string;
  readonly sizeBytes: number;
  readonly flags: number;
  readonly refs: number;
  readonly handles: readonly HandleRef[];
  /** Fake offset for BO_MMAP_OFFSET (0 = never asked). */
  readonly mmapOffset: number;
  readonly cpuMappings: ReadonlyArray<{ readonly pid: number; readonly addr: number; readonly boOffsetBytes: number }>;
  readonly vmMappings: ReadonlyArray<{ readonly vm: number; readonly va: number; readonly sizeBytes: number; readonly boOffsetBytes: number }>;
  readonly contentHash: string;
}

export interface VmDescription {
  readonly id: number;
  readonly handles: readonly HandleRef[];
  readonly usable: boolean;
  readonly destroyed: boolean;
  /** Hardware address space it holds, or -1. */
  readonly as: number;
  readonly userVaRange: number;
  readonly mappings: ReadonlyArray<{ readonly va: number; readonly sizeBytes: number; readonly bo: number; readonly boOffsetBytes: number; readonly flags: number }>;
}

export interface SyncobjDescription {
  readonly id: number;
  readonly handles: readonly HandleRef[];
  /** No point above 0 was ever attached. */
  readonly binary: boolean;
  /** What SYNCOBJ_QUERY returns: the highest point everything at or below has signalled. */
  readonly payload: number;
  readonly lastSubmitted: number;
  readonly points: ReadonlyArray<{ readonly point: number; readonly fence: string; readonly signalled: boolean; readonly error: number }>;
}

export interface GroupDescription {
  readonly id: number;
  readonly pid: number;
  readonly handles: readonly HandleRef[];
  readonly vm: number;
  readonly priority: number;
  /** GROUP_GET_STATE's state bits (TIMEDOUT 1, FATAL_FAULT 2, INNOCENT 4) and fatal queue mask. */
  readonly state: number;
  readonly fatalQueues: number;
  readonly queues: ReadonlyArray<{
    readonly index: number;
    readonly priority: number;
    readonly slot: number;
    readonly pendingJobs: number;
    readonly inflightJobs: number;
    readonly ringVa: number;
    readonly ringSizeBytes: number;
    readonly insert: number;
    readonly nextSeqno: number;
  }>;
}

export interface SlotDescription {
  readonly index: number;
  readonly state: keyof typeof SLOT_STATE;
  /** Queue the KMD put on it ('g1.q0'), or null. */
  readonly queue: string | null;
  readonly as: number;
  readonly ringBase: number;
  readonly insert: number;
  readonly extract: number;
}

export interface StateDescription {
  readonly tsNs: number;
  readonly bos: readonly BoDescription[];
  readonly vms: readonly VmDescription[];
  readonly syncobjs: readonly SyncobjDescription[];
  readonly groups: readonly GroupDescription[];
  readonly slots: readonly SlotDescription[];
}

export function describeState(stack: Stack): StateDescription {
  const { kmd, gpu } = stack;
  const files = kmd.files();
  const handlesOf = <T>(table: (f: DrmFile) => { entries(): [number, T][] }, target: T): HandleRef[] =>
    files.flatMap((f) => table(f).entries().filter(([, v]) => v === target).map(([handle]) => ({ pid: f.process.pid, file: f.id, handle })));
  const vms = kmd.vms.liveVms();
  const cpuMappings = kmd.cpuMappings();

  const bos = kmd.gem.liveBos().map((bo): BoDescription => ({
    id: bo.id, label: bo.label, sizeBytes: bo.sizeBytes, flags: bo.flags, refs: bo.refs,
    handles: handlesOf((f) => f.bos, bo),
    mmapOffset: bo.mmapOffset,
    cpuMappings: cpuMappings.filter((m) => m.bo === bo).map((m) => ({ pid: m.pid, addr: m.addr, boOffsetBytes: m.boOffsetBytes })),
    vmMappings: vms.flatMap((vm) => vm.mappings.filter((m) => m.bo === bo).map((m) => ({ vm: vm.id, va: m.va, sizeBytes: m.sizeBytes, boOffsetBytes: m.boOffset }))),
    contentHash: hashBytes(kmd.gem.read(bo, 0, bo.sizeBytes)),
  }));

  const vmDescriptions = vms.map((vm): VmDescription => ({
    id: vm.id, handles: handlesOf((f) => f.vms, vm), usable: !vm.unusable, destroyed: vm.destroyed, as: vm.as, userVaRange: vm.userVaRange,
    mappings: vm.mappings.map((m) => ({ va: m.va, sizeBytes: m.sizeBytes, bo: m.bo.id, boOffsetBytes: m.boOffset, flags: m.flags })),
  }));

  const syncobjs = kmd.syncobjs().map((s): SyncobjDescription => {
    const points = s.entries();
    return {
      id: s.id, handles: handlesOf((f) => f.syncobjs, s), binary: points.every((p) => p.point === 0),
      payload: s.signalledPoint(), lastSubmitted: s.lastSubmittedPoint(),
      points: points.map((p) => ({ point: p.point, fence: `${p.fence.context}:${p.fence.seqno}`, signalled: p.fence.isSignalled, error: p.fence.error })),
    };
  });

  const groups = kmd.sched.liveGroups().map((g): GroupDescription => ({
    id: g.id, pid: g.pid, handles: handlesOf((f) => f.groups, g), vm: g.vm.id, priority: g.priority, state: g.state, fatalQueues: g.fatalQueues,
    queues: g.queues.map((q) => ({
      index: q.index, priority: q.priority, slot: q.slot, pendingJobs: q.pending.length, inflightJobs: q.inflight.length,
      ringVa: q.ringVa, ringSizeBytes: q.ringSizeBytes, insert: q.insert, nextSeqno: q.nextSeqno,
    })),
  }));

  const stateName = Object.fromEntries(Object.entries(SLOT_STATE).map(([k, v]) => [v, k])) as Record<number, keyof typeof SLOT_STATE>;
  const owners = kmd.sched.slotQueues();
  const slots = gpu.csf.snapshot().slots.map((s): SlotDescription => ({
    index: s.index, state: stateName[s.state] ?? 'STOPPED', queue: owners[s.index]?.name ?? null, as: s.as,
    ringBase: s.ringBase, insert: s.insert, extract: s.extract,
  }));

  return { tsNs: stack.sim.nowNs, bos, vms: vmDescriptions, syncobjs, groups, slots };
}
