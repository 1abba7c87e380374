/**
 * PRIME: PRIME_HANDLE_TO_FD / PRIME_FD_TO_HANDLE. A dma-buf fd is the BO itself, so
 * every importer — another open file of the same process, or another process that
 * received the fd (kmd.passFd = SCM_RIGHTS) — sees the same pages through its own
 * mmap and its own GPU mappings.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { GpuProbe, PAGE, pattern } from '../support/igt';

function exportFd(c: Client, handle: number, e: { flags?: number; err?: number } = {}): number {
  return c.io(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle, flags: e.flags ?? U.DRM_CLOEXEC | U.DRM_RDWR }, e).fd;
}

function importFd(c: Client, fd: number, err = 0): number {
  return c.io(U.DRM_IOCTL_PRIME_FD_TO_HANDLE, { fd }, { err }).handle;
}

describe('DRM_IOCTL_PRIME_HANDLE_TO_FD', () => {
  it('returns a new fd (≥ 3) per export, each importing to the same BO', () => {
    const c = Client.create();
    const bo = c.boCreate(PAGE);
    const fd1 = exportFd(c, bo);
    const fd2 = exportFd(c, bo, { flags: 0 });
    expect(fd1).toBeGreaterThanOrEqual(3);
    expect(fd2).not.toBe(fd1);
    expect(fd1).not.toBe(c.fd);
    expect(importFd(c, fd1)).toBe(bo); // self-import: the existing handle
    expect(importFd(c, fd2)).toBe(bo);
  });

  it('ENOENT for an unknown handle, EINVAL for unknown flags and for a VM-private BO', () => {
    const c = Client.create();
    exportFd(c, 99, { err: Errno.ENOENT });
    const bo = c.boCreate(PAGE);
    exportFd(c, bo, { flags: 0x1, err: Errno.EINVAL });
    exportFd(c, bo, { flags: U.DRM_RDWR | 0x100, err: Errno.EINVAL });
    const vm = c.vmCreate();
    const priv = c.boCreate(PAGE, { exclusiveVm: vm });
    exportFd(c, priv, { err: Errno.EINVAL });
    expect(c.proc.fds.size).toBe(1); // only the DRM fd: failures install nothing
  });
});

describe('DRM_IOCTL_PRIME_FD_TO_HANDLE', () => {
  it('between two open files of one process: a new handle in the other file, shared bytes', () => {
    const a = Client.create();
    const b = new Client(a.stack, { proc: a.proc });
    b.boCreate(PAGE); // so b's handle space is not a copy of a's
    const boA = a.boCreate(2 * PAGE);
    const fd = exportFd(a, boA);
    const boB = importFd(b, fd);
    expect(boB).toBeGreaterThan(0);
    expect(importFd(b, fd)).toBe(boB); // importing again returns the same handle
    const cpuA = a.mmap(boA, 2 * PAGE);
    const cpuB = b.mmap(boB, 2 * PAGE);
    expect(cpuB).not.toBe(cpuA);
    const data = pattern(2 * PAGE, 11);
    a.write(cpuA, data);
    expect(b.read(cpuB, 2 * PAGE)).toEqual(data);
  });

  it('between two processes (fd passed with SCM_RIGHTS): write in one, read in the other, GPU included', () => {
    const a = Client.create();
    const b = new Client(a.stack);
    expect(b.proc.pid).not.toBe(a.proc.pid);
    const boA = a.boCreate(PAGE);
    const fdA = exportFd(a, boA);
    importFd(b, fdA, Errno.EBADF); // not b's fd (yet)
    const fdB = a.stack.kmd.passFd(a.proc.pid, fdA, b.proc.pid);
    expect(fdB).toBeGreaterThanOrEqual(3);
    const boB = importFd(b, fdB);

    const cpuA = a.mmap(boA, PAGE);
    const cpuB = b.mmap(boB, PAGE);
    const data = pattern(PAGE, 5);
    a.write(cpuA, data);
    expect(b.read(cpuB, PAGE)).toEqual(data);

    // b's GPU writes through its own VM; a reads it on the CPU and on its GPU.
    const vmB = b.vmCreate();
    b.map(vmB, boB, 0x80_0000, PAGE);
    expect(new GpuProbe(b, vmB).fill(0x80_0000, 64, 0x0badcafe)).toBe(0);
    const vmA = a.vmCreate();
    a.map(vmA, boA, 0x20_0000, PAGE);
    const seen = new GpuProbe(a, vmA).read(0x20_0000, PAGE)!;
    expect(new DataView(seen.buffer, seen.byteOffset).getUint32(60, true)).toBe(0x0badcafe);
    expect(seen.subarray(64)).toEqual(data.subarray(64));
    expect(a.read(cpuA, 4)).toEqual(new Uint8Array([0xfe, 0xca, 0xad, 0x0b]));
  });

  it('the dma-buf keeps the BO alive after the exporter closes its handle', () => {
    const a = Client.create();
    const b = new Client(a.stack);
    const boA = a.boCreate(PAGE);
    const data = pattern(PAGE, 9);
    a.write(a.mmap(boA, PAGE), data);
    const fdB = a.stack.kmd.passFd(a.proc.pid, exportFd(a, boA), b.proc.pid);
    a.io(U.DRM_IOCTL_GEM_CLOSE, { handle: boA });
    const boB = importFd(b, fdB);
    expect(b.read(b.mmap(boB, PAGE), PAGE)).toEqual(data);
  });

  it('the dma-buf fd can be mmapped directly', () => {
    const a = Client.create();
    const bo = a.boCreate(PAGE);
    const fd = exportFd(a, bo);
    const direct = a.stack.kmd.mmap(a.proc.pid, fd, 0, PAGE);
    expect(direct).toBeGreaterThan(0);
    const data = pattern(PAGE, 2);
    a.write(a.mmap(bo, PAGE), data);
    expect(a.read(direct, PAGE)).toEqual(data);
  });

  it('the last reference frees the pages: handles, dma-buf fds and importers all count', () => {
    const a = Client.create();
    const b = new Client(a.stack);
    const pages = a.stack.kmd.pages;
    const before = pages.allocated;
    const boA = a.boCreate(4 * PAGE);
    const fdA = exportFd(a, boA);
    const fdB = a.stack.kmd.passFd(a.proc.pid, fdA, b.proc.pid);
    const boB = importFd(b, fdB);
    a.io(U.DRM_IOCTL_GEM_CLOSE, { handle: boA });
    expect(a.stack.kmd.close(a.proc.pid, fdA)).toBe(0);
    expect(a.stack.kmd.close(b.proc.pid, fdB)).toBe(0);
    expect(pages.allocated - before).toBe(4); // b's handle still holds it
    b.io(U.DRM_IOCTL_GEM_CLOSE, { handle: boB });
    expect(pages.allocated).toBe(before);
  });

  it('EBADF for an fd that is not open (or closed), EINVAL for an fd that is not a dma-buf', () => {
    const c = Client.create();
    importFd(c, 1234, Errno.EBADF);
    importFd(c, -1, Errno.EBADF);
    const fd = exportFd(c, c.boCreate(PAGE));
    expect(c.stack.kmd.close(c.proc.pid, fd)).toBe(0);
    importFd(c, fd, Errno.EBADF);
    importFd(c, c.fd, Errno.EINVAL); // the DRM device itself
    const sfd = c.io(U.DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, { handle: c.syncobjCreate() }).fd;
    importFd(c, sfd, Errno.EINVAL); // a syncobj fd
  });
});
