/**
 * Scheduling-group ioctls (GROUP_CREATE / DESTROY / SUBMIT / GET_STATE) and tiler
 * heaps (TILER_HEAP_CREATE / DESTROY). Validation follows panthor's: every field
 * is checked before anything is created or queued, so a rejected call changes
 * nothing.
 */
import { Errno } from '../base/errno';
import { GPU_SHADER_PRESENT_LO } from '../hw/gpu-regs';
import type { Heap } from './heap';
import { HEAP_CTX_BYTES } from './heap';
import { readObjArray, typed, type IoctlContext, type IoctlHandler } from './ioctl-context';
import { VA_LIMIT, VM_MAP_NOEXEC } from './mmu';
import { MAX_QUEUES_PER_GROUP, type Job } from './sched';
import { attachSignals, resolveSyncOps, type ResolvedSyncs } from './sync-ops';
import {
  drm_panthor_group_create,
  drm_panthor_group_destroy,
  drm_panthor_group_get_state,
  drm_panthor_group_submit,
  drm_panthor_queue_create,
  drm_panthor_queue_submit,
  drm_panthor_tiler_heap_create,
  drm_panthor_tiler_heap_destroy,
  PANTHOR_GROUP_PRIORITY_HIGH,
  PANTHOR_GROUP_PRIORITY_REALTIME,
} from './uapi/panthor';

const TILER_PRESENT = 1;
const MAX_QUEUE_PRIORITY = 15;

function popcount(v: number): number {
  let n = 0;
  for (let x = v; x > 0; x = Math.floor(x / 2)) n += x % 2;
  return n;
}

const isPow2 = (v: number): boolean => v > 0 && (v & (v - 1)) === 0;

function coresOk(mask: number, max: number, present: number): boolean {
  return mask >= 0 && mask <= 0xffff_ffff && (mask & ~present) === 0 && popcount(mask) >= max;
}

const groupCreate = typed(drm_panthor_group_create, (ctx, a) => {
  const queues = readObjArray(ctx, drm_panthor_queue_create, a.queues);
  if (typeof queues === 'number') return queues;
  if (queues.length === 0 || queues.length > MAX_QUEUES_PER_GROUP) return Errno.EINVAL;
  if (a.priority > PANTHOR_GROUP_PRIORITY_REALTIME) return Errno.EINVAL;
  // As panthor's group_priority_permit(): HIGH and REALTIME need CAP_SYS_NICE (or DRM master).
  if (a.priority >= PANTHOR_GROUP_PRIORITY_HIGH && !ctx.file.process.privileged) return Errno.EACCES;
  const shaderPresent = ctx.dev.bus.mmioRead(GPU_SHADER_PRESENT_LO);
  if (!coresOk(a.compute_core_mask, a.max_compute_cores, shaderPresent)) return Errno.EINVAL;
  if (!coresOk(a.fragment_core_mask, a.max_fragment_cores, shaderPresent)) return Errno.EINVAL;
  if (!coresOk(a.tiler_core_mask, a.max_tiler_cores, TILER_PRESENT)) return Errno.EINVAL;
  const vm = ctx.file.vms.get(a.vm_id);
  if (!vm || vm.unusable) return Errno.EINVAL;
  for (const q of queues) {
    if (q.priority > MAX_QUEUE_PRIORITY) return Errno.EINVAL;
    if (q.ringbuf_size < 4096 || q.ringbuf_size > 64 * 1024 || !isPow2(q.ringbuf_size)) return Errno.EINVAL;
  }
  const group = ctx.dev.sched.createGroup(ctx.file.process.pid, vm, a.priority, queues.map((q) => ({ priority: q.priority, ringSizeBytes: q.ringbuf_size })));
  if (typeof group === 'number') return group;
  return { out: { group_handle: ctx.file.groups.add(group) } };
});

const groupDestroy = typed(drm_panthor_group_destroy, (ctx, a) => {
  const group = ctx.file.groups.remove(a.group_handle);
  if (!group) return Errno.EINVAL;
  ctx.dev.sched.destroyGroup(group);
  return 0;
});

const groupGetState = typed(drm_panthor_group_get_state, (ctx, a) => {
  const group = ctx.file.groups.get(a.group_handle);
  if (!group) return Errno.EINVAL;
  return { out: { state: group.state, fatal_queues: group.fatalQueues } };
});

const groupSubmit = typed(drm_panthor_group_submit, (ctx, a) => {
  const group = ctx.file.groups.get(a.group_handle);
  if (!group) return Errno.EINVAL;
  const submits = readObjArray(ctx, drm_panthor_queue_submit, a.queue_submits);
  if (typeof submits === 'number') return submits;
  const resolved: ResolvedSyncs[] = [];
  for (const s of submits) {
    if (s.queue_index >= group.queues.length) return Errno.EINVAL;
    if (s.stream_size % 8 !== 0 || s.stream_addr % 64 !== 0) return Errno.EINVAL;
    // The ring's CALL takes a 48-bit VA: a stream outside the GPU VA space is invalid, not a fault.
    if (s.stream_addr + s.stream_size > VA_LIMIT) return Errno.EINVAL;
    if ((s.stream_size === 0) !== (s.stream_addr === 0)) return Errno.EINVAL;
    const syncs = resolveSyncOps(ctx, s.syncs);
    if (typeof syncs === 'number') return syncs;
    resolved.push(syncs);
  }
  if (!group.alive || group.vm.unusable) return Errno.ECANCELED;
  // All checked: create every job and publish its fence before any can run.
  const jobs: Job[] = submits.map((s) => ctx.dev.sched.createJob(group.queues[s.queue_index]!, s.stream_addr, s.stream_size));
  jobs.forEach((job, i) => attachSignals(resolved[i]!.signals, job.fence));
  jobs.forEach((job, i) => ctx.dev.sched.pushJob(job, resolved[i]!.waits, ctx.dev.currentIoctl));
  return 0;
});

const MIN_CHUNK_BYTES = 128 * 1024;
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;

const heapCreate = typed(drm_panthor_tiler_heap_create, (ctx, a) => {
  const vm = ctx.file.vms.get(a.vm_id);
  if (!vm || vm.unusable) return Errno.EINVAL;
  if (a.initial_chunk_count === 0 || a.max_chunks < a.initial_chunk_count) return Errno.EINVAL;
  if (a.chunk_size % 4096 !== 0 || a.chunk_size < MIN_CHUNK_BYTES || a.chunk_size > MAX_CHUNK_BYTES) return Errno.EINVAL;
  if (a.target_in_flight === 0 || a.target_in_flight > 0xffff) return Errno.EINVAL;
  const heap = buildHeap(ctx, vm, a.initial_chunk_count, a.chunk_size, a.max_chunks, a.target_in_flight);
  if (typeof heap === 'number') return heap;
  return { out: { handle: ctx.file.heaps.add(heap), tiler_heap_ctx_gpu_va: heap.ctx.va, first_heap_chunk_gpu_va: heap.chunks[0]!.va } };
});

function buildHeap(ctx: IoctlContext, vm: Heap['vm'], count: number, chunkSizeBytes: number, maxChunks: number, targetInFlight: number): Heap | number {
  const vms = ctx.dev.vms;
  const made: { bo: Heap['ctx']['bo']; va: number }[] = [];
  const undo = (err: number): number => {
    for (const m of made) {
      vms.unmap(vm, m.va, m.bo.sizeBytes);
      ctx.dev.gem.put(m.bo);
    }
    return err;
  };
  const c = vms.mapKernelBo(vm, HEAP_CTX_BYTES, VM_MAP_NOEXEC, 'heap.ctx');
  if (typeof c === 'number') return c;
  made.push(c);
  for (let i = 0; i < count; i++) {
    const chunk = vms.mapKernelBo(vm, chunkSizeBytes, VM_MAP_NOEXEC, `heap.chunk${i}`);
    if (typeof chunk === 'number') return undo(chunk);
    made.push(chunk);
  }
  const chunks = made.slice(1);
  // Link the chunks: header {next_va: u64, size: u32}, as the tiler walks them.
  chunks.forEach((chunk, i) => {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    const next = chunks[i + 1]?.va ?? 0;
    view.setUint32(0, next >>> 0, true);
    view.setUint32(4, Math.floor(next / 0x1_0000_0000), true);
    view.setUint32(8, chunkSizeBytes, true);
    ctx.dev.gem.write(chunk.bo, 0, header);
  });
  return { vm, ctx: made[0]!, chunks, chunkSizeBytes, maxChunks, targetInFlight };
}

const heapDestroy = typed(drm_panthor_tiler_heap_destroy, (ctx, a) => {
  const heap = ctx.file.heaps.remove(a.handle);
  if (!heap) return Errno.EINVAL;
  releaseHeap(ctx.dev, heap);
  return 0;
});

/** Unmap and free a heap's context and chunks (TILER_HEAP_DESTROY, VM_DESTROY, close). */
export function releaseHeap(dev: IoctlContext['dev'], heap: Heap): void {
  for (const m of [heap.ctx, ...heap.chunks]) {
    dev.vms.unmap(heap.vm, m.va, m.bo.sizeBytes);
    dev.gem.put(m.bo);
  }
}

export const groupHandlers: Readonly<Record<string, IoctlHandler>> = {
  GROUP_CREATE: groupCreate,
  GROUP_DESTROY: groupDestroy,
  GROUP_SUBMIT: groupSubmit,
  GROUP_GET_STATE: groupGetState,
  TILER_HEAP_CREATE: heapCreate,
  TILER_HEAP_DESTROY: heapDestroy,
};
