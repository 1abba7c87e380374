/**
 * Tiler heaps: TILER_HEAP_CREATE / TILER_HEAP_DESTROY. A heap is a context block and
 * a linked list of chunks mapped in the VM's kernel range (above user_va_range); each
 * chunk starts with {next_chunk_va: u64, size_bytes: u32} (engine/kmd/heap.ts). The
 * GPU walks that list here exactly as the tiler would, through the VM.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { GpuProbe, ioctlAt, PAGE } from '../support/igt';

type HeapCreate = U.StructInput<(typeof U.drm_panthor_tiler_heap_create)['spec']>;

const CHUNK = 128 * 1024;

function heapCreate(c: Client, vm: number, over: Partial<HeapCreate> = {}, err = 0) {
  return c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE, { vm_id: vm, initial_chunk_count: 3, chunk_size: CHUNK, max_chunks: 8, target_in_flight: 2, ...over }, { err });
}

function heapDestroy(c: Client, handle: number, err = 0): void {
  c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY, { handle }, { err });
}

function u64(b: Uint8Array, off: number): number {
  const v = new DataView(b.buffer, b.byteOffset);
  return v.getUint32(off, true) + v.getUint32(off + 4, true) * 0x1_0000_0000;
}

describe('DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE', () => {
  it('maps a context and initial_chunk_count linked chunks in the kernel range, visible to the GPU', () => {
    const c = Client.create();
    const range = 1 << 30;
    const vm = c.vmCreate({ userVaRange: range });
    const heap = heapCreate(c, vm);
    expect(heap.handle).toBeGreaterThan(0);
    expect(heap.tiler_heap_ctx_gpu_va).toBeGreaterThanOrEqual(range);
    expect(heap.first_heap_chunk_gpu_va).toBeGreaterThanOrEqual(range);
    expect(heap.tiler_heap_ctx_gpu_va % PAGE).toBe(0);
    expect(heap.first_heap_chunk_gpu_va % PAGE).toBe(0);
    expect(heap.first_heap_chunk_gpu_va).not.toBe(heap.tiler_heap_ctx_gpu_va);

    const probe = new GpuProbe(c, vm, 0x1000_0000);
    const vas: number[] = [];
    for (let va = heap.first_heap_chunk_gpu_va; va !== 0; ) {
      const header = probe.read(va, 16)!;
      expect(header, `chunk at 0x${va.toString(16)}`).toBeDefined();
      expect(new DataView(header.buffer, header.byteOffset).getUint32(8, true)).toBe(CHUNK);
      vas.push(va);
      va = u64(header, 0);
      expect(vas.length).toBeLessThanOrEqual(3);
    }
    expect(vas).toHaveLength(3);
    expect(probe.read(vas[2]! + CHUNK - 8, 8)).toEqual(new Uint8Array(8)); // the whole chunk is mapped, zeroed
    expect(probe.read(heap.tiler_heap_ctx_gpu_va, 64)).toEqual(new Uint8Array(64));
    const sorted = [...vas, heap.tiler_heap_ctx_gpu_va].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(PAGE); // disjoint
  });

  it('two heaps get distinct handles and disjoint memory; user mappings below the range are unaffected', () => {
    const c = Client.create();
    const range = 1 << 30;
    const vm = c.vmCreate({ userVaRange: range });
    const a = heapCreate(c, vm, { initial_chunk_count: 1 });
    const b = heapCreate(c, vm, { initial_chunk_count: 1 });
    expect(b.handle).not.toBe(a.handle);
    const ranges = [[a.first_heap_chunk_gpu_va, CHUNK], [b.first_heap_chunk_gpu_va, CHUNK], [a.tiler_heap_ctx_gpu_va, PAGE], [b.tiler_heap_ctx_gpu_va, PAGE]] as const;
    for (const [x, xs] of ranges) for (const [y, ys] of ranges) if (x !== y) expect(x + xs <= y || y + ys <= x).toBe(true);
    c.map(vm, c.boCreate(PAGE), range - PAGE, PAGE);
  });

  it('allocates the context page and every chunk; a failed create (ENOMEM) gives it all back', () => {
    const c = Client.create({ gpu: { memSizeBytes: 4 * 1024 * 1024 } });
    const vm = c.vmCreate();
    const big = 2 * 1024 * 1024;
    heapCreate(c, vm, { initial_chunk_count: 2, chunk_size: big, max_chunks: 2 }, Errno.ENOMEM);
    const before = c.stack.kmd.pages.allocated;
    const heap = heapCreate(c, vm, { initial_chunk_count: 1, chunk_size: big, max_chunks: 2 }); // fits only if nothing leaked
    expect(c.stack.kmd.pages.allocated - before).toBeGreaterThanOrEqual(1 + big / PAGE);
    heapDestroy(c, heap.handle);
  });

  it('EINVAL for a bad VM, chunk count, chunk size or target_in_flight', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    heapCreate(c, 99, {}, Errno.EINVAL);
    heapCreate(c, vm, { initial_chunk_count: 0 }, Errno.EINVAL);
    heapCreate(c, vm, { initial_chunk_count: 4, max_chunks: 3 }, Errno.EINVAL);
    heapCreate(c, vm, { chunk_size: CHUNK + 100 }, Errno.EINVAL);
    heapCreate(c, vm, { chunk_size: CHUNK - PAGE }, Errno.EINVAL);
    heapCreate(c, vm, { chunk_size: 8 * 1024 * 1024 + PAGE }, Errno.EINVAL);
    heapCreate(c, vm, { target_in_flight: 0 }, Errno.EINVAL);
    heapCreate(c, vm, { target_in_flight: 0x10000 }, Errno.EINVAL);
    expect(heapCreate(c, vm, { initial_chunk_count: 1, max_chunks: 1, target_in_flight: 0xffff }).handle).toBeGreaterThan(0);
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE, 0xdead_0000)).toBe(Errno.EFAULT);
  });

  it('EINVAL on an unusable VM', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    expect(new GpuProbe(c, vm).read(0xdead_0000, 4)).toBeUndefined();
    heapCreate(c, vm, {}, Errno.EINVAL);
  });
});

describe('DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY', () => {
  it('unmaps the heap (the GPU faults on it) and frees its pages', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const probe = new GpuProbe(c, vm);
    const pages = c.stack.kmd.pages;
    const before = pages.allocated;
    const heap = heapCreate(c, vm, { initial_chunk_count: 2 });
    const after = pages.allocated;
    expect(after - before).toBeGreaterThanOrEqual(1 + 2 * (CHUNK / PAGE));
    expect(probe.read(heap.first_heap_chunk_gpu_va, 16)).toBeDefined();
    heapDestroy(c, heap.handle);
    expect(after - pages.allocated).toBe(1 + 2 * (CHUNK / PAGE)); // page-table pages stay with the VM
    expect(probe.read(heap.first_heap_chunk_gpu_va, 16)).toBeUndefined();
  });

  it('EINVAL for an unknown handle, a second destroy, another file\'s handle and a non-zero pad', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    heapDestroy(c, 1, Errno.EINVAL);
    const heap = heapCreate(c, vm).handle;
    const other = new Client(c.stack, { proc: c.proc });
    heapDestroy(other, heap, Errno.EINVAL);
    const bytes = U.drm_panthor_tiler_heap_destroy.encode({ handle: heap });
    bytes[4] = 1;
    c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY, bytes, { err: Errno.EINVAL });
    heapDestroy(c, heap);
    heapDestroy(c, heap, Errno.EINVAL);
  });
});
