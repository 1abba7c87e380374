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
