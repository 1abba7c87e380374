/**
 * Tiler heaps (TILER_HEAP_CREATE/DESTROY). The model's rasteriser bins nothing, so
 * a heap is only memory: a context block and a singly linked list of chunks, each
 * mapped in the VM's kernel range, laid out the way panthor's are (each chunk
 * starts with {next_chunk_va: u64, size_bytes: u32}). They are created, validated
 * and freed exactly like panthor's so userspace driving the ioctls sees the same ABI.
 */
import type { Bo } from './gem';
import type { Vm } from './mmu';

export const HEAP_CTX_BYTES = 4096;

export interface Heap {
  readonly vm: Vm;
  readonly ctx: { readonly bo: Bo; readonly va: number };
  readonly chunks: ReadonlyArray<{ readonly bo: Bo; readonly va: number }>;
  readonly chunkSizeBytes: number;
  readonly maxChunks: number;
  readonly targetInFlight: number;
}

/** A heap as data: its VM and BOs by id. */
export interface HeapState {
  readonly vmId: number;
  readonly ctx: { readonly boId: number; readonly va: number };
  readonly chunks: ReadonlyArray<{ readonly boId: number; readonly va: number }>;
  readonly chunkSizeBytes: number;
  readonly maxChunks: number;
  readonly targetInFlight: number;
}

export function heapState(h: Heap): HeapState {
  return {
    vmId: h.vm.id, ctx: { boId: h.ctx.bo.id, va: h.ctx.va }, chunks: h.chunks.map((c) => ({ boId: c.bo.id, va: c.va })),
    chunkSizeBytes: h.chunkSizeBytes, maxChunks: h.maxChunks, targetInFlight: h.targetInFlight,
  };
}

export function restoreHeap(s: HeapState, vm: (id: number) => Vm, bo: (id: number) => Bo): Heap {
  return {
    vm: vm(s.vmId), ctx: { bo: bo(s.ctx.boId), va: s.ctx.va }, chunks: s.chunks.map((c) => ({ bo: bo(c.boId), va: c.va })),
    chunkSizeBytes: s.chunkSizeBytes, maxChunks: s.maxChunks, targetInFlight: s.targetInFlight,
  };
}
