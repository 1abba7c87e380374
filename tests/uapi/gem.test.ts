/**
 * Buffer objects: BO_CREATE, BO_MMAP_OFFSET, GEM_CLOSE (and mmap of the offset).
 * Success means real memory: page-rounded sizes, zeroed pages, CPU mappings that share
 * bytes with each other and with the GPU, pages that outlive the handle while the BO
 * is still bound, and pages that are returned once nothing references them.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { filled, GpuProbe, ioctlAt, PAGE, pattern } from '../support/igt';

const withPad = <T extends U.StructDef<readonly U.FieldSpec[]>>(struct: T, args: U.StructInput<T['spec']>, pad = 'pad'): Uint8Array => {
  const bytes = struct.encode(args);
  bytes[struct.offsetOf(pad as never)] = 1;
  return bytes;
};

function boCreateRaw(c: Client, size: number, flags = 0) {
  return c.io(U.DRM_IOCTL_PANTHOR_BO_CREATE, { size, flags });
}

describe('DRM_IOCTL_PANTHOR_BO_CREATE', () => {
  it('returns non-zero, distinct handles and page-rounded sizes', () => {
    const c = Client.create();
    const cases: ReadonlyArray<readonly [number, number]> = [[1, PAGE], [PAGE, PAGE], [PAGE + 1, 2 * PAGE], [3 * PAGE - 1, 3 * PAGE], [1 << 20, 1 << 20]];
    const handles = new Set<number>();
    for (const [asked, got] of cases) {
      const out = boCreateRaw(c, asked);
      expect(out.size, `size ${asked}`).toBe(got);
      expect(out.handle).toBeGreaterThan(0);
      handles.add(out.handle);
    }
    expect(handles.size).toBe(cases.length);
  });

  it('allocates exactly the rounded number of pages, frees them on close, and new BOs read as zeros', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const probe = new GpuProbe(c, vm);
    const pages = c.stack.kmd.pages;
    const before = pages.allocated;
    const a = c.boCreate(3 * PAGE - 100);
    expect(pages.allocated - before).toBe(3);
    c.map(vm, a, 0x50_0000, 3 * PAGE); // (may allocate page-table pages too)
    const mapped = pages.allocated;
    expect(probe.fill(0x50_0000, 3 * PAGE, 0xffff_ffff)).toBe(0);
    c.unmap(vm, 0x50_0000, 3 * PAGE);
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: a });
    expect(mapped - pages.allocated).toBe(3);
    const b = c.boCreate(3 * PAGE); // lowest free pages first: the ones just freed
    expect(c.read(c.mmap(b, 3 * PAGE), 3 * PAGE)).toEqual(new Uint8Array(3 * PAGE));
  });

  it('EINVAL for size 0, a size above 1 GiB, unknown flags and a non-zero pad', () => {
    const c = Client.create();
    c.boCreate(0, { err: Errno.EINVAL });
    c.boCreate(2 ** 30 + 1, { err: Errno.EINVAL });
    c.boCreate(PAGE, { flags: 0x80, err: Errno.EINVAL });
    c.boCreate(PAGE, { flags: U.DRM_PANTHOR_BO_NO_MMAP | 0x8000_0000, err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_BO_CREATE, withPad(U.drm_panthor_bo_create, { size: PAGE }), { err: Errno.EINVAL });
  });

  it('a rejected create allocates nothing', () => {
    const c = Client.create();
    const before = c.stack.kmd.pages.allocated;
    c.boCreate(PAGE, { flags: 0x80, err: Errno.EINVAL });
    c.boCreate(PAGE, { exclusiveVm: 42, err: Errno.EINVAL });
    expect(c.stack.kmd.pages.allocated).toBe(before);
  });

  it('ENOMEM when the GPU memory cannot hold the BO', () => {
    const c = Client.create({ gpu: { memSizeBytes: 8 * 1024 * 1024 } });
    c.boCreate(16 * 1024 * 1024, { err: Errno.ENOMEM });
    expect(c.boCreate(PAGE)).toBeGreaterThan(0); // nothing leaked by the failure
  });

  it('exclusive_vm_id: must name a live VM of this file; the BO binds only into that VM', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const other = c.vmCreate();
    c.boCreate(PAGE, { exclusiveVm: 99, err: Errno.EINVAL });
    const bo = c.boCreate(PAGE, { exclusiveVm: vm });
    c.map(vm, bo, 0x10_0000, PAGE);
    c.map(other, bo, 0x10_0000, PAGE, { err: Errno.EINVAL });
    const d = c.vmCreate();
    c.io(U.DRM_IOCTL_PANTHOR_VM_DESTROY, { id: d });
    c.boCreate(PAGE, { exclusiveVm: d, err: Errno.EINVAL });
    const stranger = new Client(c.stack, { proc: c.proc }); // VM ids are per file
    stranger.boCreate(PAGE, { exclusiveVm: vm, err: Errno.EINVAL });
  });

  it('EFAULT for an argument in unmapped memory', () => {
    const c = Client.create();
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_BO_CREATE, 0xdead_0000)).toBe(Errno.EFAULT);
  });
});

describe('DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET and mmap', () => {
  it('gives a stable, page-aligned, per-BO offset whose mmap shows the BO bytes', () => {
    const c = Client.create();
    const a = c.boCreate(2 * PAGE);
    const b = c.boCreate(PAGE);
    const offA = c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: a }).offset;
    const offB = c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: b }).offset;
    expect(offA).toBeGreaterThan(0);
    expect(offA % PAGE).toBe(0);
    expect(offB % PAGE).toBe(0);
    expect(offB).not.toBe(offA);
    expect(Math.abs(offB - offA)).toBeGreaterThanOrEqual(2 * PAGE); // ranges do not overlap
    expect(c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: a }).offset).toBe(offA);

    const kmd = c.stack.kmd;
    const m1 = kmd.mmap(c.proc.pid, c.fd, offA, 2 * PAGE);
    const m2 = kmd.mmap(c.proc.pid, c.fd, offA, 2 * PAGE);
    const tail = kmd.mmap(c.proc.pid, c.fd, offA + PAGE, PAGE); // second page only
    const data = pattern(2 * PAGE);
    c.write(m1, data);
    expect(c.read(m2, 2 * PAGE)).toEqual(data);
    expect(c.read(tail, PAGE)).toEqual(data.subarray(PAGE));
    expect(kmd.mmap(c.proc.pid, c.fd, offA, 3 * PAGE)).toBe(-Errno.EINVAL); // past the BO
  });

  it('the CPU mapping and the GPU see the same bytes, both ways', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const buf = c.buffer(vm, 0x20_0000, 2 * PAGE);
    const probe = new GpuProbe(c, vm);
    const data = pattern(2 * PAGE, 7);
    c.write(buf.cpu, data);
    expect(probe.read(0x20_0000, 2 * PAGE)).toEqual(data);
    expect(probe.fill(0x20_0000 + PAGE, PAGE, 0xcafef00d)).toBe(0);
    const after = c.read(buf.cpu, 2 * PAGE);
    expect(after.subarray(0, PAGE)).toEqual(data.subarray(0, PAGE));
    expect(new DataView(after.buffer, after.byteOffset).getUint32(PAGE + 100 * 4, true)).toBe(0xcafef00d);
  });

  it('ENOENT for an unknown handle, EPERM for a NO_MMAP BO, EINVAL for a non-zero pad', () => {
    const c = Client.create();
    c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: 77 }, { err: Errno.ENOENT });
    const bo = c.boCreate(PAGE, { flags: U.DRM_PANTHOR_BO_NO_MMAP });
    c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }, { err: Errno.EPERM });
    const ok = c.boCreate(PAGE);
    c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, withPad(U.drm_panthor_bo_mmap_offset, { handle: ok }), { err: Errno.EINVAL });
  });

  it('a NO_MMAP BO is still usable by the GPU', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE, { flags: U.DRM_PANTHOR_BO_NO_MMAP });
    c.map(vm, bo, 0x30_0000, PAGE);
    const probe = new GpuProbe(c, vm);
    expect(probe.fill(0x30_0000, PAGE, 0x11223344)).toBe(0);
    expect(probe.read(0x30_0000, 8)).toEqual(new Uint8Array([0x44, 0x33, 0x22, 0x11, 0x44, 0x33, 0x22, 0x11]));
  });

  it('handles are per file: another open file of the same process cannot use them', () => {
    const c = Client.create();
    const bo = c.boCreate(PAGE);
    const second = new Client(c.stack, { proc: c.proc });
    expect(second.fd).not.toBe(c.fd);
    second.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }, { err: Errno.ENOENT });
    second.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo }, { err: Errno.EINVAL });
    expect(c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }).offset).toBeGreaterThan(0);
  });
});

describe('DRM_IOCTL_GEM_CLOSE', () => {
  it('releases the handle: the second close and every later use fail', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const bo = c.boCreate(PAGE);
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }, { err: Errno.ENOENT });
    c.map(vm, bo, 0x10_0000, PAGE, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle: bo }, { err: Errno.ENOENT });
    expect(c.boCreate(PAGE)).not.toBe(bo); // not handed out again at once
  });

  it('EINVAL for an unknown handle, handle 0 and a non-zero pad (which keeps the BO)', () => {
    const c = Client.create();
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: 0 }, { err: Errno.EINVAL });
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: 12345 }, { err: Errno.EINVAL });
    const bo = c.boCreate(PAGE);
    c.io(U.DRM_IOCTL_GEM_CLOSE, withPad(U.drm_gem_close, { handle: bo }), { err: Errno.EINVAL });
    expect(c.io(U.DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET, { handle: bo }).offset).toBeGreaterThan(0);
  });

  it('a BO closed while bound keeps its pages (and bytes) until it is unbound', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const probe = new GpuProbe(c, vm);
    const pages = c.stack.kmd.pages;
    const bo = c.boCreate(2 * PAGE); // never CPU-mapped: an mmap would hold its own reference
    c.map(vm, bo, 0x40_0000, 2 * PAGE);
    expect(probe.fill(0x40_0000, 2 * PAGE, 0x5a5a_5a5a)).toBe(0);
    const before = pages.allocated;
    c.io(U.DRM_IOCTL_GEM_CLOSE, { handle: bo });
    expect(pages.allocated).toBe(before);
    expect(probe.read(0x40_0000, 2 * PAGE)).toEqual(filled(2 * PAGE, 0x5a));
    c.unmap(vm, 0x40_0000, 2 * PAGE);
    expect(before - pages.allocated).toBe(2);
  });
});
