/**
 * DRM_IOCTL_VERSION, DRM_IOCTL_PANTHOR_DEV_QUERY and the dispatch rules every ioctl
 * shares (drm_ioctl): bad fd, non-DRM fd, unknown request, bad argp, and the
 * request-size versioning of rule 3 in engine/kmd/uapi.ts (a short argument is
 * zero-extended, a long one has its tail ignored and left as it was).
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { GPU_AS_PRESENT, GPU_CS_SLOT_COUNT, GPU_ID, GPU_SHADER_PRESENT_LO } from '../../engine/hw/gpu-regs';
import { VA_BITS } from '../../engine/hw/mmu-regs';
import { DRIVER_DATE, DRIVER_DESC, DRIVER_VERSION } from '../../engine/kmd/ioctl-query';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { filled, ioctlAt } from '../support/igt';

const text = new TextDecoder();

function devQuery(c: Client, type: number, size: number, pointer: number, err = 0): number {
  return c.io(U.DRM_IOCTL_PANTHOR_DEV_QUERY, { type, size, pointer }, { err }).size;
}

/** Query with a buffer of exactly the payload size; the decoded payload. */
function queryFull<F extends readonly U.FieldSpec[]>(c: Client, type: number, payload: U.StructDef<F>): U.StructValue<F> {
  const ptr = c.mem.alloc(payload.sizeBytes);
  expect(devQuery(c, type, payload.sizeBytes, ptr)).toBe(payload.sizeBytes);
  return payload.decode(c.read(ptr, payload.sizeBytes));
}

describe('DRM_IOCTL_VERSION', () => {
  it('reports the lengths first, then fills buffers of that size', () => {
    const c = Client.create();
    const lens = c.io(U.DRM_IOCTL_VERSION, {});
    expect(lens.name_len).toBe('panthor'.length);
    expect(lens.date_len).toBe(DRIVER_DATE.length);
    expect(lens.desc_len).toBe(new TextEncoder().encode(DRIVER_DESC).length);
    expect([lens.version_major, lens.version_minor, lens.version_patchlevel]).toEqual([...DRIVER_VERSION]);
    expect(lens.version_major).toBe(1);

    const name = c.mem.alloc(lens.name_len);
    const date = c.mem.alloc(lens.date_len);
    const desc = c.mem.alloc(lens.desc_len);
    const out = c.io(U.DRM_IOCTL_VERSION, { name, name_len: lens.name_len, date, date_len: lens.date_len, desc, desc_len: lens.desc_len });
    expect(text.decode(c.read(name, lens.name_len))).toBe('panthor');
    expect(text.decode(c.read(date, lens.date_len))).toBe(DRIVER_DATE);
    expect(text.decode(c.read(desc, lens.desc_len))).toBe(DRIVER_DESC);
    expect(out.name_len).toBe(7);
  });

  it('copies only name_len bytes into a short buffer but reports the full length', () => {
    const c = Client.create();
    const name = c.mem.allocBytes(filled(8, 0xaa));
    const out = c.io(U.DRM_IOCTL_VERSION, { name, name_len: 3 });
    expect(c.read(name, 8)).toEqual(new Uint8Array([0x70, 0x61, 0x6e, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa])); // "pan", untouched tail
    expect(out.name_len).toBe(7);
  });

  it('EFAULT for a string buffer in unmapped memory', () => {
    const c = Client.create();
    c.io(U.DRM_IOCTL_VERSION, { name: 0xdead_0000, name_len: 7 }, { err: Errno.EFAULT });
    c.io(U.DRM_IOCTL_VERSION, { desc: 0x10, desc_len: 4 }, { err: Errno.EFAULT });
  });
});

describe('DRM_IOCTL_PANTHOR_DEV_QUERY', () => {
  const payloads: ReadonlyArray<readonly [string, number, number]> = [
    ['GPU_INFO', U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, 112],
    ['CSIF_INFO', U.DRM_PANTHOR_DEV_QUERY_CSIF_INFO, 24],
    ['TIMESTAMP_INFO', U.DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO, 56],
    ['GROUP_PRIORITIES_INFO', U.DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO, 4],
    ['MMU_INFO', U.DRM_PANTHOR_DEV_QUERY_MMU_INFO, 8],
  ];

  it.each(payloads)('%s (type %i): pointer 0 reports the payload size, %i bytes', (_name, type, size) => {
    const c = Client.create();
    expect(devQuery(c, type, 0, 0)).toBe(size);
    expect(devQuery(c, type, 12345, 0)).toBe(size); // the size given in is ignored
    expect(U.DEV_QUERY_PAYLOADS[type]!.sizeBytes).toBe(size);
  });

  it('GPU_INFO equals what the GPU registers say', () => {
    const c = Client.create();
    const info = queryFull(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, U.drm_panthor_gpu_info);
    const gpu = c.stack.gpu;
    expect(info.gpu_id).toBe(gpu.mmioRead(GPU_ID));
    expect(info.gpu_id).not.toBe(0);
    expect(info.as_present).toBe(gpu.mmioRead(GPU_AS_PRESENT));
    expect(info.shader_present).toBe(gpu.mmioRead(GPU_SHADER_PRESENT_LO));
    expect(info.shader_present).not.toBe(0);
    expect(U.DRM_PANTHOR_MMU_VA_BITS(info.mmu_features)).toBe(VA_BITS);
    expect(info.tiler_present).toBe(1);
  });

  it('GPU_INFO reflects a differently configured GPU (values are read, not constants)', () => {
    const c = Client.create({ gpu: { addressSpaces: 4, csSlots: 2 } });
    const info = queryFull(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, U.drm_panthor_gpu_info);
    expect(info.as_present).toBe(0b1111);
    const csif = queryFull(c, U.DRM_PANTHOR_DEV_QUERY_CSIF_INFO, U.drm_panthor_csif_info);
    expect(csif.csg_slot_count).toBe(2);
  });

  it('CSIF_INFO: slot counts from the GPU, and cs_slot_count is the real queue limit of GROUP_CREATE', () => {
    const c = Client.create();
    const csif = queryFull(c, U.DRM_PANTHOR_DEV_QUERY_CSIF_INFO, U.drm_panthor_csif_info);
    expect(csif.csg_slot_count).toBe(c.stack.gpu.mmioRead(GPU_CS_SLOT_COUNT));
    expect(csif.cs_reg_count).toBe(64);
    expect(csif.unpreserved_cs_reg_count).toBeGreaterThan(0);
    const vm = c.vmCreate();
    expect(c.groupCreate(vm, { queues: csif.cs_slot_count })).toBeGreaterThan(0);
    c.groupCreate(vm, { queues: csif.cs_slot_count + 1, err: Errno.EINVAL });
  });

  it('TIMESTAMP_INFO samples the GPU timestamp counter during the call', () => {
    const c = Client.create();
    c.stack.sim.runUntil(() => false, 5_000_000); // let time pass so the counter is not 0
    const before = c.stack.sim.nowNs;
    const ts = queryFull(c, U.DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO, U.drm_panthor_timestamp_info);
    const after = c.stack.sim.nowNs;
    expect(ts.timestamp_frequency).toBe(1_000_000_000);
    expect(ts.current_timestamp).toBeGreaterThanOrEqual(before);
    expect(ts.current_timestamp).toBeLessThanOrEqual(after);
  });

  it('GROUP_PRIORITIES_INFO: LOW|MEDIUM for everyone, HIGH|REALTIME only when privileged', () => {
    const c = Client.create();
    const mask = (cl: Client): number => queryFull(cl, U.DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO, U.drm_panthor_group_priorities_info).allowed_mask;
    expect(mask(c)).toBe(0b0011);
    expect(mask(new Client(c.stack, { privileged: true }))).toBe(0b1111);
  });

  it('MMU_INFO: 4 KiB pages only', () => {
    const c = Client.create();
    expect(queryFull(c, U.DRM_PANTHOR_DEV_QUERY_MMU_INFO, U.drm_panthor_mmu_info).page_size_bitmap).toBe(1 << 12);
  });

  it('a smaller size (older userspace) gets exactly that prefix and size = bytes copied', () => {
    const c = Client.create();
    const full = c.mem.alloc(112);
    devQuery(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, 112, full);
    const old = c.mem.allocBytes(filled(112, 0xaa));
    expect(devQuery(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, 104, old)).toBe(104); // before gpu_features
    expect(c.read(old, 104)).toEqual(c.read(full, 104));
    expect(c.read(old + 104, 8)).toEqual(filled(8, 0xaa));

    const one = c.mem.allocBytes(filled(8, 0xaa));
    expect(devQuery(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, 1, one)).toBe(1);
    expect(c.read(one, 2)).toEqual(new Uint8Array([c.read(full, 1)[0]!, 0xaa]));
  });

  it('a larger size (newer userspace) gets the whole payload and size = payload size', () => {
    const c = Client.create();
    const ptr = c.mem.alloc(256);
    expect(devQuery(c, U.DRM_PANTHOR_DEV_QUERY_MMU_INFO, 256, ptr)).toBe(8);
    expect(U.drm_panthor_mmu_info.decode(c.read(ptr, 8)).page_size_bitmap).toBe(4096);
  });

  it('EINVAL for an unknown type, EFAULT for a payload pointer in unmapped memory', () => {
    const c = Client.create();
    devQuery(c, 5, 0, 0, Errno.EINVAL);
    devQuery(c, 0xffff_ffff, 64, c.mem.alloc(64), Errno.EINVAL);
    devQuery(c, U.DRM_PANTHOR_DEV_QUERY_GPU_INFO, 112, 0xdead_0000, Errno.EFAULT);
    devQuery(c, U.DRM_PANTHOR_DEV_QUERY_MMU_INFO, 8, 0x10, Errno.EFAULT);
  });
});

describe('ioctl dispatch (drm_ioctl)', () => {
  it('EFAULT when the argument struct itself is in unmapped memory', () => {
    const c = Client.create();
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_CREATE, 0x10)).toBe(Errno.EFAULT);
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_DEV_QUERY, 0xdead_0000)).toBe(Errno.EFAULT);
    expect(ioctlAt(c, U.DRM_IOCTL_GEM_CLOSE, 0)).toBe(Errno.EFAULT);
    expect(ioctlAt(c, U.DRM_IOCTL_VERSION, 0xdead_0000)).toBe(Errno.EFAULT);
  });

  it('EFAULT when the struct straddles the end of mapped memory', () => {
    const c = Client.create();
    const { ret } = c.raw(U.DRM_IOCTL_PANTHOR_VM_CREATE, {}); // maps the heap up to here
    expect(ret).toBe(0);
    const end = c.mem.mappings()[0]!;
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_CREATE, end.start + end.sizeBytes - 8)).toBe(Errno.EFAULT);
  });

  it('EINVAL for an unknown request and for a known but unimplemented one', () => {
    const c = Client.create();
    const argp = c.mem.alloc(64);
    expect(ioctlAt(c, U.IOC('rw', U.DRM_IOCTL_BASE, U.DRM_COMMAND_BASE + 0x30, 16), argp)).toBe(Errno.EINVAL);
    expect(ioctlAt(c, U.DRM_IOCTL_GET_CAP, argp)).toBe(Errno.EINVAL);
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_BO_SET_LABEL, argp)).toBe(Errno.EINVAL);
    expect(ioctlAt(c, 0x12345678, argp)).toBe(Errno.EINVAL);
  });

  it('EBADF for an fd that is not open, ENOTTY for an fd that is not a DRM device', () => {
    const c = Client.create();
    const argp = c.mem.alloc(64);
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_CREATE, argp, 99)).toBe(Errno.EBADF);
    const bo = c.boCreate(4096);
    const fd = c.io(U.DRM_IOCTL_PRIME_HANDLE_TO_FD, { handle: bo, flags: 0 }).fd;
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_CREATE, argp, fd)).toBe(Errno.ENOTTY);
    expect(c.stack.kmd.close(c.proc.pid, c.fd)).toBe(0);
    expect(ioctlAt(c, U.DRM_IOCTL_PANTHOR_VM_CREATE, argp)).toBe(Errno.EBADF);
  });

  it('an older, shorter struct (SYNCOBJ_WAIT of 32 bytes, before deadline_nsec) is zero-extended and works', () => {
    const c = Client.create();
    const h = c.syncobjCreate({ flags: U.DRM_SYNCOBJ_CREATE_SIGNALED });
    const oldRequest = U.IOC('rw', U.DRM_IOCTL_BASE, U.DRM_IOCTL_SYNCOBJ_WAIT.nr, 32);
    expect(oldRequest).toBe(0xc02064c3);
    const full = U.drm_syncobj_wait.encode({ handles: c.u32s([h]), count_handles: 1, timeout_nsec: c.stack.sim.nowNs + 1e6, flags: U.DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL });
    const argp = c.mem.allocBytes(full.subarray(0, 32));
    const guard = c.mem.allocBytes(filled(16, 0xaa)); // right after the 32 bytes
    expect(guard).toBe(argp + 32);
    expect(ioctlAt(c, oldRequest, argp)).toBe(0);
    expect(c.read(guard, 16)).toEqual(filled(16, 0xaa)); // no write past the user's size

    const empty = c.syncobjCreate();
    const argp2 = c.mem.allocBytes(U.drm_syncobj_wait.encode({ handles: c.u32s([empty]), count_handles: 1 }).subarray(0, 32));
    expect(ioctlAt(c, oldRequest, argp2)).toBe(Errno.EINVAL); // still the real handler
  });

  it('a newer, longer struct has its tail ignored and left untouched', () => {
    const c = Client.create();
    const bytes = new Uint8Array(U.drm_panthor_vm_create.sizeBytes + 8);
    bytes.set(U.drm_panthor_vm_create.encode({ user_va_range: 0 }));
    bytes.fill(0x5a, U.drm_panthor_vm_create.sizeBytes);
    const argp = c.mem.allocBytes(bytes);
    const longRequest = U.IOC('rw', U.DRM_IOCTL_BASE, U.DRM_IOCTL_PANTHOR_VM_CREATE.nr, bytes.length);
    expect(ioctlAt(c, longRequest, argp)).toBe(0);
    const after = c.read(argp, bytes.length);
    const out = U.drm_panthor_vm_create.decode(after);
    expect(out.id).toBeGreaterThan(0);
    expect(out.user_va_range).toBe(2 ** 47);
    expect(after.subarray(U.drm_panthor_vm_create.sizeBytes)).toEqual(filled(8, 0x5a));
    expect(c.vmState(out.id)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });
});
