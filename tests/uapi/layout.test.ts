/**
 * The uAPI tables against the real C ABI.
 *
 * Expected sizes and offsets are worked out by hand from the Linux headers for
 * LP64 (natural alignment, no packing); expected request numbers are
 * _IOC(dir, 'd', nr, size) computed from those sizes, and the ones marked
 * "seen" also appear verbatim in public code that talks to real kernels.
 */
import { describe, expect, it } from 'vitest';
import * as U from '../../engine/kmd/uapi';
import type { AnyStruct, AnyStructInput, FieldLayout } from '../../engine/kmd/uapi';

const EXPECTED_SIZE: Readonly<Record<string, number>> = {
  // drm.h
  drm_version: 64, // 3 ints (12) + hole (4) + 6 × 8
  drm_gem_close: 8,
  drm_get_cap: 16,
  drm_prime_handle: 12, // three 32-bit fields, 4-aligned: no tail pad
  drm_syncobj_create: 8,
  drm_syncobj_destroy: 8,
  drm_syncobj_handle: 24,
  drm_syncobj_transfer: 32,
  drm_syncobj_wait: 40,
  drm_syncobj_timeline_wait: 48,
  drm_syncobj_array: 16,
  drm_syncobj_timeline_array: 24,
  drm_syncobj_eventfd: 24,
  // panthor_drm.h
  drm_panthor_obj_array: 16,
  drm_panthor_sync_op: 16,
  drm_panthor_gpu_info: 112,
  drm_panthor_csif_info: 24,
  drm_panthor_timestamp_info: 56,
  drm_panthor_mmu_info: 8,
  drm_panthor_group_priorities_info: 4,
  drm_panthor_dev_query: 16,
  drm_panthor_vm_create: 16,
  drm_panthor_vm_destroy: 8,
  drm_panthor_vm_bind_op: 48,
  drm_panthor_vm_bind: 24,
  drm_panthor_vm_get_state: 8,
  drm_panthor_bo_create: 24,
  drm_panthor_bo_mmap_offset: 16,
  drm_panthor_queue_create: 8,
  drm_panthor_group_create: 56,
  drm_panthor_group_destroy: 8,
  drm_panthor_queue_submit: 40,
  drm_panthor_group_submit: 24,
  drm_panthor_group_get_state: 16,
  drm_panthor_tiler_heap_create: 40,
  drm_panthor_tiler_heap_destroy: 8,
  drm_panthor_bo_set_label: 16,
  drm_panthor_set_user_mmio_offset: 8,
  drm_panthor_bo_sync_op: 24,
  drm_panthor_bo_sync: 16,
  drm_panthor_bo_query_info: 16,
};

/** [struct, field, offset] picked where alignment or nesting makes mistakes likely. */
const EXPECTED_OFFSET: readonly (readonly [AnyStruct, string, number])[] = [
  [U.drm_version, 'version_patchlevel', 8],
  [U.drm_version, 'name_len', 16],
  [U.drm_version, 'name', 24],
  [U.drm_version, 'desc', 56],
  [U.drm_prime_handle, 'fd', 8],
  [U.drm_syncobj_handle, 'fd', 8],
  [U.drm_syncobj_handle, 'point', 16],
  [U.drm_syncobj_transfer, 'flags', 24],
  [U.drm_syncobj_wait, 'timeout_nsec', 8],
  [U.drm_syncobj_wait, 'count_handles', 16],
  [U.drm_syncobj_wait, 'first_signaled', 24],
  [U.drm_syncobj_wait, 'deadline_nsec', 32],
  [U.drm_syncobj_timeline_wait, 'timeout_nsec', 16],
  [U.drm_syncobj_timeline_wait, 'deadline_nsec', 40],
  [U.drm_syncobj_timeline_array, 'count_handles', 16],
  [U.drm_panthor_obj_array, 'array', 8],
  [U.drm_panthor_sync_op, 'timeline_value', 8],
  [U.drm_panthor_gpu_info, 'coherency_features', 44],
  [U.drm_panthor_gpu_info, 'texture_features', 48],
  [U.drm_panthor_gpu_info, 'as_present', 64],
  [U.drm_panthor_gpu_info, 'selected_coherency', 68],
  [U.drm_panthor_gpu_info, 'shader_present', 72],
  [U.drm_panthor_gpu_info, 'tiler_present', 88],
  [U.drm_panthor_gpu_info, 'core_features', 96],
  [U.drm_panthor_gpu_info, 'gpu_features', 104],
  [U.drm_panthor_csif_info, 'unpreserved_cs_reg_count', 16],
  [U.drm_panthor_timestamp_info, 'flags', 24],
  [U.drm_panthor_timestamp_info, 'cycle_count', 32],
  [U.drm_panthor_timestamp_info, 'cpu_timestamp_nsec', 48],
  [U.drm_panthor_group_priorities_info, 'pad', 1],
  [U.drm_panthor_dev_query, 'pointer', 8],
  [U.drm_panthor_vm_create, 'user_va_range', 8],
  [U.drm_panthor_vm_bind_op, 'bo_offset', 8],
  [U.drm_panthor_vm_bind_op, 'va', 16],
  [U.drm_panthor_vm_bind_op, 'size', 24],
  [U.drm_panthor_vm_bind_op, 'syncs', 32],
  [U.drm_panthor_vm_bind, 'ops', 8],
  [U.drm_panthor_bo_create, 'flags', 8],
  [U.drm_panthor_bo_create, 'handle', 16],
  [U.drm_panthor_bo_mmap_offset, 'offset', 8],
  [U.drm_panthor_queue_create, 'ringbuf_size', 4],
  [U.drm_panthor_group_create, 'max_compute_cores', 16],
  [U.drm_panthor_group_create, 'priority', 19],
  [U.drm_panthor_group_create, 'pad', 20],
  [U.drm_panthor_group_create, 'compute_core_mask', 24],
  [U.drm_panthor_group_create, 'tiler_core_mask', 40],
  [U.drm_panthor_group_create, 'vm_id', 48],
  [U.drm_panthor_group_create, 'group_handle', 52],
  [U.drm_panthor_queue_submit, 'stream_addr', 8],
  [U.drm_panthor_queue_submit, 'latest_flush', 16],
  [U.drm_panthor_queue_submit, 'syncs', 24],
  [U.drm_panthor_group_submit, 'queue_submits', 8],
  [U.drm_panthor_group_get_state, 'fatal_queues', 8],
  [U.drm_panthor_tiler_heap_create, 'handle', 20],
  [U.drm_panthor_tiler_heap_create, 'tiler_heap_ctx_gpu_va', 24],
  [U.drm_panthor_tiler_heap_create, 'first_heap_chunk_gpu_va', 32],
  [U.drm_panthor_bo_set_label, 'label', 8],
  [U.drm_panthor_bo_sync_op, 'offset', 8],
  [U.drm_panthor_bo_query_info, 'create_flags', 8],
];

/** Every request number, as the C macros produce them on arm64 / x86-64. */
const EXPECTED_REQUEST: Readonly<Record<string, number>> = {
  DRM_IOCTL_VERSION: 0xc0406400, // seen
  DRM_IOCTL_GEM_CLOSE: 0x40086409, // DRM_IOW; seen
  DRM_IOCTL_GET_CAP: 0xc010640c, // seen
  DRM_IOCTL_PRIME_HANDLE_TO_FD: 0xc00c642d, // seen
  DRM_IOCTL_PRIME_FD_TO_HANDLE: 0xc00c642e, // seen
  DRM_IOCTL_SYNCOBJ_CREATE: 0xc00864bf, // seen
  DRM_IOCTL_SYNCOBJ_DESTROY: 0xc00864c0, // seen
  DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD: 0xc01864c1, // seen
  DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE: 0xc01864c2, // seen
  DRM_IOCTL_SYNCOBJ_WAIT: 0xc02864c3, // seen
  DRM_IOCTL_SYNCOBJ_RESET: 0xc01064c4, // seen
  DRM_IOCTL_SYNCOBJ_SIGNAL: 0xc01064c5, // seen
  DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT: 0xc03064ca, // seen
  DRM_IOCTL_SYNCOBJ_QUERY: 0xc01864cb, // seen
  DRM_IOCTL_SYNCOBJ_TRANSFER: 0xc02064cc, // seen
  DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL: 0xc01864cd, // seen
  DRM_IOCTL_SYNCOBJ_EVENTFD: 0xc01864cf,
  DRM_IOCTL_PANTHOR_DEV_QUERY: 0xc0106440, // seen (all 13 original panthor ones)
  DRM_IOCTL_PANTHOR_VM_CREATE: 0xc0106441,
  DRM_IOCTL_PANTHOR_VM_DESTROY: 0xc0086442,
  DRM_IOCTL_PANTHOR_VM_BIND: 0xc0186443,
  DRM_IOCTL_PANTHOR_VM_GET_STATE: 0xc0086444,
  DRM_IOCTL_PANTHOR_BO_CREATE: 0xc0186445,
  DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET: 0xc0106446,
  DRM_IOCTL_PANTHOR_GROUP_CREATE: 0xc0386447,
  DRM_IOCTL_PANTHOR_GROUP_DESTROY: 0xc0086448,
  DRM_IOCTL_PANTHOR_GROUP_SUBMIT: 0xc0186449,
  DRM_IOCTL_PANTHOR_GROUP_GET_STATE: 0xc010644a,
  DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE: 0xc028644b,
  DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY: 0xc008644c,
  DRM_IOCTL_PANTHOR_BO_SET_LABEL: 0xc010644d,
  DRM_IOCTL_PANTHOR_SET_USER_MMIO_OFFSET: 0xc008644e,
  DRM_IOCTL_PANTHOR_BO_SYNC: 0xc010644f,
  DRM_IOCTL_PANTHOR_BO_QUERY_INFO: 0xc0106450,
};

function isStruct(v: unknown): v is AnyStruct {
  return typeof v === 'object' && v !== null && 'fields' in v && 'sizeBytes' in v && 'encode' in v && 'decode' in v;
}

const EXPORTS: readonly unknown[] = Object.values(U);
const STRUCTS: readonly AnyStruct[] = EXPORTS.filter(isStruct);

/** Plain _IOC arithmetic, independent of the module's own helper. */
function ioc(dir: number, nr: number, size: number): number {
  return dir * 2 ** 30 + size * 2 ** 16 + 0x64 * 2 ** 8 + nr;
}

/** A distinct non-zero value for every non-pad field (pads stay zero), and what it decodes to. */
function sample(s: AnyStruct, seed: number): { input: AnyStructInput; decoded: Record<string, unknown> } {
  const input: Record<string, unknown> = {};
  const decoded: Record<string, unknown> = {};
  s.fields.forEach((f: FieldLayout, i) => {
    const k = seed * 31 + i + 1;
    if (f.struct !== undefined) {
      const inner = sample(f.struct, k);
      input[f.name] = inner.input;
      decoded[f.name] = inner.decoded;
      return;
    }
    const one = (j: number): number => {
      switch (f.scalar) {
        case 'u8':
          return (k + j) & 0xff || 1;
        case 'u16':
          return 0x100 + k + j;
        case 'u32':
          return 0x8000_0000 + k * 0x101 + j; // bit 31 set: catches sign slips
        case 's32':
          return -(k + j);
        case 'u64':
          return 0x1_0000_0000 * (k + j) + 0x8000_0000 + k; // both words used, < 2^53
        case 's64':
          return -(0x1_0000_0000 * (k + j) + 3);
        default:
          throw new Error('unreachable');
      }
    };
    const values = f.pad !== undefined ? Array.from({ length: f.count }, () => 0) : Array.from({ length: f.count }, (_, j) => one(j));
    input[f.name] = f.kind === 'array' ? values : values[0];
    decoded[f.name] = f.kind === 'array' ? values : values[0];
  });
  return { input: input as AnyStructInput, decoded };
}

describe('struct layouts equal the C ABI', () => {
  it('knows exactly the structs listed here', () => {
    expect(STRUCTS.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED_SIZE).sort());
  });

  it.each(Object.entries(EXPECTED_SIZE))('sizeof(struct %s) = %i', (name, size) => {
    const s = STRUCTS.find((x) => x.name === name);
    expect(s?.sizeBytes).toBe(size);
  });

  it.each(EXPECTED_OFFSET.map(([s, f, o]) => [s.name, f, o, s] as const))('offsetof(%s, %s) = %i', (_n, field, off, s) => {
    expect(s.offsetOf(field)).toBe(off);
  });

  it('places every field at its natural alignment with no holes', () => {
    for (const s of STRUCTS) {
      let end = 0;
      for (const f of s.fields) {
        expect(f.offsetBytes, `${s.name}.${f.name}`).toBe(end);
        expect(f.offsetBytes % f.alignBytes, `${s.name}.${f.name}`).toBe(0);
        end += f.sizeBytes;
      }
      expect(end).toBe(s.sizeBytes);
      expect(s.sizeBytes % s.alignBytes).toBe(0);
    }
  });

  it('makes every panthor struct a multiple of 8 bytes unless it is only byte/word aligned', () => {
    for (const s of STRUCTS.filter((x) => x.name.startsWith('drm_panthor_'))) {
      if (s.alignBytes === 8) expect(s.sizeBytes % 8, s.name).toBe(0);
    }
    expect(U.drm_panthor_group_priorities_info.alignBytes).toBe(1);
    expect(U.drm_panthor_queue_create.alignBytes).toBe(4);
  });

  it('refuses a definition that needs compiler padding', () => {
    expect(() =>
      U.defineStruct('holey', [
        { name: 'a', type: 'u32', dir: 'in', unit: 'none', doc: '' },
        { name: 'b', type: 'u64', dir: 'in', unit: 'none', doc: '' },
      ], ''),
    ).toThrow(/not 8-aligned/);
    expect(() =>
      U.defineStruct('short_tail', [
        { name: 'a', type: 'u64', dir: 'in', unit: 'none', doc: '' },
        { name: 'b', type: 'u32', dir: 'in', unit: 'none', doc: '' },
      ], ''),
    ).toThrow(/tail pad/);
  });
});

describe('ioctl request numbers equal the real ones', () => {
  it.each(Object.entries(EXPECTED_REQUEST))('%s = %#x', (name, request) => {
    const e = U.IOCTLS.find((x) => x.name === name);
    expect(e?.request).toBe(request);
    expect(U.ioctlByRequest(request)?.name).toBe(name);
    expect(U.ioctlName(request)).toBe(name);
  });

  it('lists exactly these ioctls', () => {
    expect(U.IOCTLS.map((e) => e.name).sort()).toEqual(Object.keys(EXPECTED_REQUEST).sort());
  });

  it('derives them from _IOC(dir, "d", nr, sizeof(arg))', () => {
    expect(U.DRM_IOCTL_PANTHOR_VM_BIND.request).toBe(ioc(3, 0x40 + 3, 24));
    expect(U.DRM_IOCTL_SYNCOBJ_WAIT.request).toBe(ioc(3, 0xc3, 40));
    expect(U.DRM_IOCTL_GEM_CLOSE.request).toBe(ioc(1, 0x09, 8));
    expect(U.DRM_IOW(0x09, U.drm_gem_close)).toBe(0x40086409);
    expect(U.DRM_IOR(0x02, U.drm_syncobj_create)).toBe(ioc(2, 0x02, 8));
    expect(U.DRM_IO(0x1e)).toBe(0x641e);
    for (const e of U.IOCTLS) {
      const dir = { none: 0, w: 1, r: 2, rw: 3 }[e.dir];
      expect(e.request, e.name).toBe(ioc(dir, e.nr, e.arg.sizeBytes));
      expect(U.decodeRequest(e.request)).toEqual({ dir: e.dir, type: 0x64, nr: e.nr, sizeBytes: e.arg.sizeBytes });
    }
  });

  it('numbers panthor ioctls DRM_COMMAND_BASE + id, all _IOWR', () => {
    for (const e of U.PANTHOR_IOCTLS) {
      const id = U.drm_panthor_ioctl_id[`DRM_PANTHOR_${e.shortName}` as keyof typeof U.drm_panthor_ioctl_id];
      expect(e.nr, e.name).toBe(U.DRM_COMMAND_BASE + id);
      expect(e.dir).toBe('rw');
    }
    expect(U.DRM_IOCTL_PANTHOR_VM_BIND.shortName).toBe('VM_BIND');
    expect(U.DRM_IOCTL_SYNCOBJ_WAIT.shortName).toBe('SYNCOBJ_WAIT');
  });

  it('keeps names, short names, numbers and nrs unique', () => {
    for (const key of ['name', 'shortName', 'request', 'nr'] as const) {
      expect(new Set(U.IOCTLS.map((e) => e[key])).size, key).toBe(U.IOCTLS.length);
    }
  });

  it('marks only the later panthor ioctls and the extra core ones as not implemented', () => {
    expect(U.IOCTLS.filter((e) => !e.implemented).map((e) => e.shortName).sort()).toEqual(
      ['BO_QUERY_INFO', 'BO_SET_LABEL', 'BO_SYNC', 'GET_CAP', 'SET_USER_MMIO_OFFSET', 'SYNCOBJ_EVENTFD'].sort(),
    );
  });
});

describe('request lookup', () => {
  it('returns undefined for unknown requests', () => {
    expect(U.ioctlByRequest(0x12345678)).toBeUndefined();
    expect(U.ioctlName(0x12345678)).toBeUndefined();
    expect(U.ioctlName(0xc0186451)).toBeUndefined(); // panthor id 17: not defined
    expect(U.ioctlByNr(0xc0187043)).toBeUndefined(); // VM_BIND's nr under type 'p'
    expect(U.ioctlByRequest(0xc0186451)).toBeUndefined();
  });

  it('finds a request of an older, shorter struct by nr, as the DRM core dispatches it', () => {
    const old = ioc(3, 0xc3, 32); // SYNCOBJ_WAIT before deadline_nsec
    expect(old).toBe(0xc02064c3);
    expect(U.ioctlByRequest(old)).toBeUndefined();
    expect(U.ioctlByNr(old)?.name).toBe('DRM_IOCTL_SYNCOBJ_WAIT');
    expect(U.ioctlName(old)).toBe('DRM_IOCTL_SYNCOBJ_WAIT[size=32]');
    expect(U.ioctlName(ioc(2, 0x43, 24))).toBe('DRM_IOCTL_PANTHOR_VM_BIND[dir=r,size=24]');
  });
});

describe('encode / decode', () => {
  it.each(STRUCTS.map((s) => [s.name, s] as const))('round-trips %s', (_name, s) => {
    const { input, decoded } = sample(s, 1);
    const bytes = s.encode(input);
    expect(bytes.length).toBe(s.sizeBytes);
    expect(s.decode(bytes)).toEqual(decoded);
    expect(s.encode(s.decode(bytes))).toEqual(bytes);
    expect(s.padIsZero(bytes)).toBe(true);
    expect(s.describe(bytes)).toBe(s.describe(s.decode(bytes)));
  });

  it('encodes missing fields as zero', () => {
    for (const s of STRUCTS) expect(s.encode({})).toEqual(new Uint8Array(s.sizeBytes));
  });

  it('lays out drm_panthor_vm_bind_op little-endian, byte for byte', () => {
    const bytes = U.drm_panthor_vm_bind_op.encode({
      flags: U.DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP | U.DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC,
      bo_handle: 7,
      bo_offset: 0x1000,
      va: 0x7fff_ffff_f000,
      size: 0x2_0000_0000,
      syncs: U.DRM_PANTHOR_OBJ_ARRAY(U.drm_panthor_sync_op, 3, 0xdead_beef_00),
    });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '02000010' + '07000000' + '0010000000000000' + '00f0ffffff7f0000' + '0000000002000000' + '10000000' + '03000000' + '00efbeadde000000',
    );
  });

  it('stores bit 31 flags unsigned, whatever JS bit arithmetic made of them', () => {
    const flags = U.DRM_PANTHOR_SYNC_OP_SIGNAL | U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ;
    expect(flags).toBeLessThan(0); // JS `|` yields int32
    const op = U.drm_panthor_sync_op.decode(U.drm_panthor_sync_op.encode({ flags, handle: 2, timeline_value: 5 }));
    expect(op.flags).toBe(0x8000_0001);
    expect(U.DRM_PANTHOR_SYNC_OP_SIGNAL).toBe(0x8000_0000);
    expect(U.DRM_PANTHOR_VM_BIND_OP_TYPE_MASK).toBe(0xf000_0000);
  });

  it('gives typed access through nested structs', () => {
    const b = U.drm_panthor_vm_bind.encode({ vm_id: 1, ops: U.DRM_PANTHOR_OBJ_ARRAY(U.drm_panthor_vm_bind_op, 2, 0x10000) });
    const v = U.drm_panthor_vm_bind.decode(b);
    const count: number = v.ops.count;
    expect(count).toBe(2);
    expect(v.ops.stride).toBe(48);
    expect(U.DRM_IOCTL_PANTHOR_VM_BIND.arg.decode(b).ops.array).toBe(0x10000);
    const info = U.drm_panthor_gpu_info.decode(new Uint8Array(112));
    const tex: readonly number[] = info.texture_features;
    expect(tex).toEqual([0, 0, 0, 0]);
    // @ts-expect-error not a field of drm_panthor_vm_bind
    expect(v.nope).toBeUndefined();
  });

  it('zero-extends short input and ignores extra tail bytes', () => {
    const full = U.drm_syncobj_wait.encode({ handles: 0x4000, timeout_nsec: 1000, count_handles: 2, flags: 1, deadline_nsec: 99 });
    const old = U.drm_syncobj_wait.decode(full.subarray(0, 32));
    expect(old.count_handles).toBe(2);
    expect(old.deadline_nsec).toBe(0);
    const longer = new Uint8Array(48);
    longer.set(full);
    longer.fill(0xff, 40);
    expect(U.drm_syncobj_wait.decode(longer)).toEqual(U.drm_syncobj_wait.decode(full));
  });

  it('decodes signed fields and 64-bit values as numbers', () => {
    const h = U.drm_prime_handle.decode(U.drm_prime_handle.encode({ handle: 3, flags: U.DRM_CLOEXEC | U.DRM_RDWR, fd: -1 }));
    expect(h).toEqual({ handle: 3, flags: 0x80002, fd: -1 });
    const w = U.drm_syncobj_wait.decode(U.drm_syncobj_wait.encode({ timeout_nsec: -5, handles: 2 ** 52 + 1 }));
    expect(w.timeout_nsec).toBe(-5);
    expect(w.handles).toBe(2 ** 52 + 1);
  });

  it('writes exact 64-bit values from bigint and prints them exactly from bytes', () => {
    const bytes = U.drm_syncobj_wait.encode({ timeout_nsec: 0x7fff_ffff_ffff_ffffn });
    expect(Buffer.from(bytes.subarray(8, 16)).toString('hex')).toBe('ffffffffffffff7f');
    expect(U.drm_syncobj_wait.describe(bytes)).toContain('timeout_nsec=9223372036854775807');
    expect(U.drm_panthor_set_user_mmio_offset.decode(U.drm_panthor_set_user_mmio_offset.encode({ offset: U.DRM_PANTHOR_USER_MMIO_OFFSET_64BIT })).offset).toBe(2 ** 56);
  });

  it('rejects non-integers as a caller bug', () => {
    expect(() => U.drm_gem_close.encode({ handle: 1.5 })).toThrow(RangeError);
  });
});

describe('pad detection', () => {
  it('reports non-zero must-be-zero pads by name', () => {
    const b = U.drm_panthor_bo_create.encode({ size: 4096 });
    expect(U.drm_panthor_bo_create.nonZeroPad(b)).toEqual([]);
    b[20] = 1; // pad at 20..24
    expect(U.drm_panthor_bo_create.nonZeroPad(b)).toEqual(['pad']);
    expect(U.drm_panthor_bo_create.padIsZero(b)).toBe(false);
  });

  it('checks every byte of an array pad', () => {
    const b = U.drm_panthor_queue_create.encode({ priority: 1, ringbuf_size: 4096 });
    b[3] = 0x80; // last byte of pad[3]
    expect(U.drm_panthor_queue_create.nonZeroPad(b)).toEqual(['pad']);
    expect(U.drm_panthor_queue_create.describe(b)).toBe('{priority=1, pad=[0, 0, 128], ringbuf_size=4096}');
  });

  it('finds pads inside nested structs by dotted path', () => {
    const inner = U.defineStruct('inner', [{ name: 'v', type: 'u32', dir: 'in', unit: 'none', doc: '' }, U.mbz('pad')], '');
    const outer = U.defineStruct('outer', [{ name: 'a', type: inner, dir: 'in', unit: 'none', doc: '' }, { name: 'b', type: inner, dir: 'in', unit: 'none', doc: '' }], '');
    const bytes = outer.encode({ b: { v: 1 } });
    bytes[12] = 9;
    expect(outer.nonZeroPad(bytes)).toEqual(['b.pad']);
  });

  it('ignores implicit compiler holes', () => {
    const b = U.drm_version.encode({ name_len: 16 });
    b[13] = 0xaa; // inside the hole after version_patchlevel
    expect(U.drm_version.padIsZero(b)).toBe(true);
    expect(U.drm_version.describe(b)).not.toContain('_pad0');
  });
});

describe('text form', () => {
  it('prints flags and addresses in hex, counts in decimal, skips zero pads', () => {
    const b = U.drm_panthor_vm_bind.encode({ vm_id: 1, flags: U.DRM_PANTHOR_VM_BIND_ASYNC, ops: U.DRM_PANTHOR_OBJ_ARRAY(U.drm_panthor_vm_bind_op, 2, 0x10000) });
    expect(U.drm_panthor_vm_bind.describe(b)).toBe('{vm_id=1, flags=0x1, ops={stride=48, count=2, array=0x10000}}');
    const g = U.drm_panthor_group_submit.encode({ group_handle: 4, pad: 2 });
    expect(U.drm_panthor_group_submit.describe(g)).toBe('{group_handle=4, pad=2, queue_submits={stride=0, count=0, array=0x0}}');
  });
});

describe('obj_array helpers', () => {
  it('builds stride from the element size', () => {
    expect(U.DRM_PANTHOR_OBJ_ARRAY(U.drm_panthor_queue_submit, 1, 0x2000)).toEqual({ stride: 40, count: 1, array: 0x2000 });
  });

  it('encodes element arrays and decodes them at any stride', () => {
    const ops = [
      { flags: U.DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ, handle: 1 },
      { flags: U.DRM_PANTHOR_SYNC_OP_SIGNAL, handle: 2, timeline_value: 9 },
    ];
    const bytes = U.encodeArray(U.drm_panthor_sync_op, ops);
    expect(bytes.length).toBe(32);
    expect(U.decodeArray(U.drm_panthor_sync_op, bytes, 16, 2).map((o) => o.handle)).toEqual([1, 2]);
    // An older userspace with an 8-byte element: timeline_value reads as 0.
    const old = new Uint8Array([1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x80, 6, 0, 0, 0]);
    expect(U.decodeArray(U.drm_panthor_sync_op, old, 8, 2)).toEqual([
      { flags: 1, handle: 5, timeline_value: 0 },
      { flags: 0x8000_0000, handle: 6, timeline_value: 0 },
    ]);
  });

  it('names the element struct of every obj_array field', () => {
    for (const s of STRUCTS) {
      for (const f of s.fields) {
        if (f.struct === U.drm_panthor_obj_array) expect(U.OBJ_ARRAY_ELEMENTS[`${s.name}.${f.name}`], `${s.name}.${f.name}`).toBeDefined();
      }
    }
  });

  it('maps every dev-query type to its payload', () => {
    expect(U.DEV_QUERY_PAYLOADS[U.DRM_PANTHOR_DEV_QUERY_GPU_INFO]).toBe(U.drm_panthor_gpu_info);
    expect(U.DEV_QUERY_PAYLOADS[U.DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO]?.sizeBytes).toBe(4);
    expect(U.DEV_QUERY_PAYLOADS[5]).toBeUndefined();
  });
});
