/**
 * Object lifetimes the kernel must get right: a CPU mapping keeps its BO's pages
 * until munmap, and a VM's tiler heaps are freed with the VM (and with the file).
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';

const heapArgs = (vm: number) => ({ vm_id: vm, initial_chunk_count: 2, chunk_size: 128 * 1024, max_chunks: 4, target_in_flight: 1 });

describe('lifetimes', () => {
  it('a CPU mapping holds the BO until munmap, then its pages are freed', () => {
    const c = Client.create();
    const kmd = c.stack.kmd;
    const before = kmd.pages.allocated;
    const bo = c.boCreate(8 * 4096);
    const addr = c.mmap(bo, 8 * 4096);
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    expect(kmd.pages.allocated).toBe(before + 8);
    expect(c.mem.read(addr, 4)).toBeDefined();
    expect(kmd.munmap(c.proc.pid, addr)).toBe(0);
    expect(kmd.pages.allocated).toBe(before);
    expect(c.mem.read(addr, 4)).toBeUndefined();
    expect(kmd.munmap(c.proc.pid, addr)).toBe(-Errno.EINVAL);
  });

  it('VM_DESTROY frees the VM\'s tiler heaps; the heap handle is gone', () => {
    const c = Client.create();
    const kmd = c.stack.kmd;
    const before = kmd.pages.allocated;
    const vm = c.vmCreate();
    const heap = c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE, heapArgs(vm)).handle;
    expect(kmd.pages.allocated).toBeGreaterThan(before + 64);
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: vm });
    expect(kmd.pages.allocated).toBe(before);
    c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY, { handle: heap }, { err: Errno.EINVAL });
  });

  it('closing the DRM file frees its heaps, VMs and BOs', () => {
    const c = Client.create();
    const kmd = c.stack.kmd;
    const before = kmd.pages.allocated;
    const vm = c.vmCreate();
    c.io(U.DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE, heapArgs(vm));
    c.map(vm, c.boCreate(4096), 0x10_0000, 4096);
    expect(kmd.close(c.proc.pid, c.fd)).toBe(0);
    expect(kmd.pages.allocated).toBe(before);
  });
});
