/**
 * The DRM core ioctls our stack uses, mirroring include/uapi/drm/drm.h.
 *
 * These structs predate panthor's conventions: some use C `int`,
 * `__kernel_size_t` and raw pointers instead of fixed-width fields. We lay them
 * out for LP64 (arm64, x86-64): int = 4 bytes, size_t and pointers = 8 bytes,
 * 8-aligned. drm_version therefore has a 4-byte compiler hole after its three
 * ints, written here as an implicit pad. Pointers are carried as u64 user
 * addresses (unit 'uptr') into the process's simulated memory.
 *
 * Two syncobj structs grew at the end (deadline_nsec): the request
 * number carries the size, so older userspace sends e.g. SYNCOBJ_WAIT with
 * size 32 instead of 40. The DRM core dispatches on nr alone and zero-fills
 * the missing tail, which is exactly "a new field at the end means old
 * behaviour when zero". `ioctlByNr` in ../uapi.ts does the same lookup.
 */
import { defineIoctl } from './ioc';
import { defineStruct, implicitPad, mbz } from './struct';

// ---- open(2) flags used by PRIME (Linux generic values, arm64 and x86-64) ----

/** O_RDWR: the exported dma-buf fd may be mmap()ed writable. */
export const DRM_RDWR = 0o2;
/** O_CLOEXEC: the exported fd is closed on exec. */
export const DRM_CLOEXEC = 0o2000000;

// ---- syncobj flags ----

/** SYNCOBJ_CREATE: the new syncobj starts with an already-signalled fence. */
export const DRM_SYNCOBJ_CREATE_SIGNALED = 1 << 0;

/** SYNCOBJ_FD_TO_HANDLE: the fd is a sync_file; import its fence into the existing `handle`. */
export const DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE = 1 << 0;
/** SYNCOBJ_FD_TO_HANDLE: with IMPORT_SYNC_FILE, attach the fence at timeline `point`. */
export const DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_TIMELINE = 1 << 1;
/** SYNCOBJ_HANDLE_TO_FD: export the current fence as a sync_file instead of the syncobj itself. */
export const DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE = 1 << 0;
/** SYNCOBJ_HANDLE_TO_FD: with EXPORT_SYNC_FILE, export the fence of timeline `point`. */
export const DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_TIMELINE = 1 << 1;

/** SYNCOBJ_WAIT / TIMELINE_WAIT: wait for all handles (default: any one; its index goes to first_signaled). */
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL = 1 << 0;
/** Wait for a fence to be attached first instead of failing with EINVAL on an empty syncobj. */
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT = 1 << 1;
/** Timeline only: return once a fence exists for the point, without waiting for it to signal. */
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE = 1 << 2;
/** Pass deadline_nsec to the fences as a deadline hint. */
export const DRM_SYNCOBJ_WAIT_FLAGS_WAIT_DEADLINE = 1 << 3;

/** SYNCOBJ_QUERY: report the last submitted point rather than the last signalled one. */
export const DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED = 1 << 0;

/** GET_CAP capabilities a panthor client asks about. */
export const DRM_CAP_PRIME = 0x5;
export const DRM_PRIME_CAP_IMPORT = 0x1;
export const DRM_PRIME_CAP_EXPORT = 0x2;
export const DRM_CAP_SYNCOBJ = 0x13;
export const DRM_CAP_SYNCOBJ_TIMELINE = 0x14;

// ---- structs ----

export const drm_version = defineStruct(
  'drm_version',
  [
    { name: 'version_major', type: 's32', dir: 'out', unit: 'none', doc: 'Driver major version (int).' },
    { name: 'version_minor', type: 's32', dir: 'out', unit: 'none', doc: 'Driver minor version (int); bumped for every uAPI addition.' },
    { name: 'version_patchlevel', type: 's32', dir: 'out', unit: 'none', doc: 'Driver patch level (int).' },
    implicitPad('_pad0'),
    {
      name: 'name_len',
      type: 'u64',
      dir: 'inout',
      unit: 'bytes',
      doc: 'size_t. In: size of the `name` buffer (0 = only query the length). Out: full length of the name, without NUL.',
    },
    { name: 'name', type: 'u64', dir: 'in', unit: 'uptr', doc: 'char *. Buffer for the driver name; min(name_len, length) bytes copied, not NUL-terminated. May be 0 when name_len is 0.' },
    { name: 'date_len', type: 'u64', dir: 'inout', unit: 'bytes', doc: 'size_t. As name_len, for the date string.' },
    { name: 'date', type: 'u64', dir: 'in', unit: 'uptr', doc: 'char *. Buffer for the driver date string.' },
    { name: 'desc_len', type: 'u64', dir: 'inout', unit: 'bytes', doc: 'size_t. As name_len, for the description.' },
    { name: 'desc', type: 'u64', dir: 'in', unit: 'uptr', doc: 'char *. Buffer for the driver description.' },
  ],
  'DRM_IOCTL_VERSION argument. Userspace usually calls twice: lengths first, then with buffers. 64 bytes on LP64.',
);

export const drm_gem_close = defineStruct(
  'drm_gem_close',
  [{ name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'GEM handle to release. Handles are not refcounted: one close drops it.' }, mbz('pad')],
  'DRM_IOCTL_GEM_CLOSE argument.',
);

export const drm_get_cap = defineStruct(
  'drm_get_cap',
  [
    { name: 'capability', type: 'u64', dir: 'in', unit: 'enum', doc: 'DRM_CAP_* to query.' },
    { name: 'value', type: 'u64', dir: 'out', unit: 'none', doc: 'Capability value; 0 = unsupported for boolean caps.' },
  ],
  'DRM_IOCTL_GET_CAP argument.',
);

export const drm_prime_handle = defineStruct(
  'drm_prime_handle',
  [
    { name: 'handle', type: 'u32', dir: 'inout', unit: 'handle', doc: 'HANDLE_TO_FD: GEM handle to export. FD_TO_HANDLE: returned GEM handle (the existing one if this buffer is already imported).' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'HANDLE_TO_FD only: DRM_CLOEXEC | DRM_RDWR; 0 = plain read-only-mmap fd. Ignored by FD_TO_HANDLE.' },
    { name: 'fd', type: 's32', dir: 'inout', unit: 'fd', doc: 'HANDLE_TO_FD: returned dma-buf fd. FD_TO_HANDLE: dma-buf fd to import.' },
  ],
  'DRM_IOCTL_PRIME_HANDLE_TO_FD / FD_TO_HANDLE argument. Only 4-aligned: 12 bytes, no tail pad.',
);

export const drm_syncobj_create = defineStruct(
  'drm_syncobj_create',
  [
    { name: 'handle', type: 'u32', dir: 'out', unit: 'handle', doc: 'Returned syncobj handle; non-zero.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_SYNCOBJ_CREATE_SIGNALED or 0 (empty syncobj, no fence).' },
  ],
  'DRM_IOCTL_SYNCOBJ_CREATE argument.',
);

export const drm_syncobj_destroy = defineStruct(
  'drm_syncobj_destroy',
  [{ name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Syncobj to release.' }, mbz('pad')],
  'DRM_IOCTL_SYNCOBJ_DESTROY argument.',
);

export const drm_syncobj_handle = defineStruct(
  'drm_syncobj_handle',
  [
    { name: 'handle', type: 'u32', dir: 'inout', unit: 'handle', doc: 'HANDLE_TO_FD: syncobj to export. FD_TO_HANDLE: returned handle, or with IMPORT_SYNC_FILE the existing syncobj to import into.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_SYNCOBJ_{HANDLE_TO_FD,FD_TO_HANDLE}_FLAGS_*; 0 = whole-syncobj fd.' },
    { name: 'fd', type: 's32', dir: 'inout', unit: 'fd', doc: 'HANDLE_TO_FD: returned fd. FD_TO_HANDLE: fd to import.' },
    mbz('pad'),
    { name: 'point', type: 'u64', dir: 'in', unit: 'count', doc: 'Timeline point, used only with the *_FLAGS_TIMELINE flag; otherwise must be 0.' },
  ],
  'DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD / FD_TO_HANDLE argument.',
);

export const drm_syncobj_transfer = defineStruct(
  'drm_syncobj_transfer',
  [
    { name: 'src_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Syncobj to take the fence from.' },
    { name: 'dst_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Syncobj to put the fence into.' },
    { name: 'src_point', type: 'u64', dir: 'in', unit: 'count', doc: 'Source timeline point; 0 = binary syncobj (current fence).' },
    { name: 'dst_point', type: 'u64', dir: 'in', unit: 'count', doc: 'Destination timeline point; 0 = replace the fence of a binary syncobj.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT or 0.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_SYNCOBJ_TRANSFER argument.',
);

const WAIT_TIMEOUT_DOC =
  'Absolute deadline in ns on CLOCK_MONOTONIC (our virtual clock). A time already past polls once: ETIME if not signalled. Real userspace passes INT64_MAX for "forever".';

export const drm_syncobj_wait = defineStruct(
  'drm_syncobj_wait',
  [
    { name: 'handles', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u32 syncobj handles.' },
    { name: 'timeout_nsec', type: 's64', dir: 'in', unit: 'ns', doc: WAIT_TIMEOUT_DOC },
    { name: 'count_handles', type: 'u32', dir: 'in', unit: 'count', doc: 'Number of handles; 0 is EINVAL.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | _WAIT_FOR_SUBMIT | _WAIT_DEADLINE (WAIT_AVAILABLE is timeline-only).' },
    { name: 'first_signaled', type: 'u32', dir: 'out', unit: 'index', doc: 'Index of a signalled handle; meaningful only without WAIT_ALL.' },
    mbz('pad'),
    { name: 'deadline_nsec', type: 'u64', dir: 'in', unit: 'ns', doc: 'Absolute deadline hint for the fences; read only with WAIT_DEADLINE. Added at the end: absent (zero) from older userspace.' },
  ],
  'DRM_IOCTL_SYNCOBJ_WAIT argument (binary syncobjs). 40 bytes; 32 before deadline_nsec.',
);

export const drm_syncobj_timeline_wait = defineStruct(
  'drm_syncobj_timeline_wait',
  [
    { name: 'handles', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u32 syncobj handles.' },
    { name: 'points', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u64 timeline points; point 0 waits on a binary syncobj.' },
    { name: 'timeout_nsec', type: 's64', dir: 'in', unit: 'ns', doc: WAIT_TIMEOUT_DOC },
    { name: 'count_handles', type: 'u32', dir: 'in', unit: 'count', doc: 'Number of handles and points; 0 is EINVAL.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_SYNCOBJ_WAIT_FLAGS_*.' },
    { name: 'first_signaled', type: 'u32', dir: 'out', unit: 'index', doc: 'Index of a signalled (or, with WAIT_AVAILABLE, available) point; meaningful only without WAIT_ALL.' },
    mbz('pad'),
    { name: 'deadline_nsec', type: 'u64', dir: 'in', unit: 'ns', doc: 'Absolute deadline hint; read only with WAIT_DEADLINE. Added at the end.' },
  ],
  'DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT argument. 48 bytes; 40 before deadline_nsec.',
);

export const drm_syncobj_array = defineStruct(
  'drm_syncobj_array',
  [
    { name: 'handles', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u32 syncobj handles.' },
    { name: 'count_handles', type: 'u32', dir: 'in', unit: 'count', doc: 'Number of handles; 0 is EINVAL.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_SYNCOBJ_RESET / SIGNAL argument (binary syncobjs).',
);

export const drm_syncobj_timeline_array = defineStruct(
  'drm_syncobj_timeline_array',
  [
    { name: 'handles', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u32 syncobj handles.' },
    { name: 'points', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User array of count_handles u64 points: written by QUERY, read by TIMELINE_SIGNAL.' },
    { name: 'count_handles', type: 'u32', dir: 'in', unit: 'count', doc: 'Number of handles and points; 0 is EINVAL.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'QUERY: DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED or 0 (last signalled point). TIMELINE_SIGNAL: must be 0.' },
  ],
  'DRM_IOCTL_SYNCOBJ_QUERY / TIMELINE_SIGNAL argument.',
);

export const drm_syncobj_eventfd = defineStruct(
  'drm_syncobj_eventfd',
  [
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Syncobj to watch.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: '0 = fire on signal; DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE = fire once a fence exists for the point.' },
    { name: 'point', type: 'u64', dir: 'in', unit: 'count', doc: 'Timeline point; 0 for binary syncobjs.' },
    { name: 'fd', type: 's32', dir: 'in', unit: 'fd', doc: 'Existing eventfd to increment.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_SYNCOBJ_EVENTFD argument.',
);

// ---- ioctls ----

export const DRM_IOCTL_VERSION = defineIoctl({
  name: 'DRM_IOCTL_VERSION', family: 'drm', nr: 0x00, dir: 'rw', arg: drm_version, implemented: true,
  doc: 'Driver name, date, description and version.',
});
export const DRM_IOCTL_GEM_CLOSE = defineIoctl({
  name: 'DRM_IOCTL_GEM_CLOSE', family: 'drm', nr: 0x09, dir: 'w', arg: drm_gem_close, implemented: true,
  doc: 'Release a GEM handle; the object lives on while mapped, bound or exported.',
});
export const DRM_IOCTL_GET_CAP = defineIoctl({
  name: 'DRM_IOCTL_GET_CAP', family: 'drm', nr: 0x0c, dir: 'rw', arg: drm_get_cap, implemented: false,
  doc: 'Query a DRM_CAP_* capability.',
});
export const DRM_IOCTL_PRIME_HANDLE_TO_FD = defineIoctl({
  name: 'DRM_IOCTL_PRIME_HANDLE_TO_FD', family: 'drm', nr: 0x2d, dir: 'rw', arg: drm_prime_handle, implemented: true,
  doc: 'Export a GEM object as a dma-buf fd.',
});
export const DRM_IOCTL_PRIME_FD_TO_HANDLE = defineIoctl({
  name: 'DRM_IOCTL_PRIME_FD_TO_HANDLE', family: 'drm', nr: 0x2e, dir: 'rw', arg: drm_prime_handle, implemented: true,
  doc: 'Import a dma-buf fd as a GEM handle.',
});
export const DRM_IOCTL_SYNCOBJ_CREATE = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_CREATE', family: 'drm', nr: 0xbf, dir: 'rw', arg: drm_syncobj_create, implemented: true,
  doc: 'Create a syncobj.',
});
export const DRM_IOCTL_SYNCOBJ_DESTROY = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_DESTROY', family: 'drm', nr: 0xc0, dir: 'rw', arg: drm_syncobj_destroy, implemented: true,
  doc: 'Release a syncobj handle.',
});
export const DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD', family: 'drm', nr: 0xc1, dir: 'rw', arg: drm_syncobj_handle, implemented: true,
  doc: 'Export a syncobj (or its fence as a sync_file) as an fd.',
});
export const DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE', family: 'drm', nr: 0xc2, dir: 'rw', arg: drm_syncobj_handle, implemented: true,
  doc: 'Import a syncobj fd (or a sync_file into an existing syncobj).',
});
export const DRM_IOCTL_SYNCOBJ_WAIT = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_WAIT', family: 'drm', nr: 0xc3, dir: 'rw', arg: drm_syncobj_wait, implemented: true,
  doc: 'Wait for binary syncobjs to signal.',
});
export const DRM_IOCTL_SYNCOBJ_RESET = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_RESET', family: 'drm', nr: 0xc4, dir: 'rw', arg: drm_syncobj_array, implemented: true,
  doc: 'Drop the fences of binary syncobjs (back to unsignalled).',
});
export const DRM_IOCTL_SYNCOBJ_SIGNAL = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_SIGNAL', family: 'drm', nr: 0xc5, dir: 'rw', arg: drm_syncobj_array, implemented: true,
  doc: 'Signal binary syncobjs from the CPU.',
});
export const DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT', family: 'drm', nr: 0xca, dir: 'rw', arg: drm_syncobj_timeline_wait, implemented: true,
  doc: 'Wait for timeline points.',
});
export const DRM_IOCTL_SYNCOBJ_QUERY = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_QUERY', family: 'drm', nr: 0xcb, dir: 'rw', arg: drm_syncobj_timeline_array, implemented: true,
  doc: 'Read the current point of timeline syncobjs.',
});
export const DRM_IOCTL_SYNCOBJ_TRANSFER = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_TRANSFER', family: 'drm', nr: 0xcc, dir: 'rw', arg: drm_syncobj_transfer, implemented: true,
  doc: 'Move a fence between syncobjs / timeline points.',
});
export const DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL', family: 'drm', nr: 0xcd, dir: 'rw', arg: drm_syncobj_timeline_array, implemented: true,
  doc: 'Signal timeline points from the CPU.',
});
export const DRM_IOCTL_SYNCOBJ_EVENTFD = defineIoctl({
  name: 'DRM_IOCTL_SYNCOBJ_EVENTFD', family: 'drm', nr: 0xcf, dir: 'rw', arg: drm_syncobj_eventfd, implemented: false,
  doc: 'Have an eventfd fire when a syncobj point signals.',
});

/** The DRM core ioctls, in nr order. */
export const DRM_CORE_IOCTLS = [
  DRM_IOCTL_VERSION,
  DRM_IOCTL_GEM_CLOSE,
  DRM_IOCTL_GET_CAP,
  DRM_IOCTL_PRIME_HANDLE_TO_FD,
  DRM_IOCTL_PRIME_FD_TO_HANDLE,
  DRM_IOCTL_SYNCOBJ_CREATE,
  DRM_IOCTL_SYNCOBJ_DESTROY,
  DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD,
  DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
  DRM_IOCTL_SYNCOBJ_WAIT,
  DRM_IOCTL_SYNCOBJ_RESET,
  DRM_IOCTL_SYNCOBJ_SIGNAL,
  DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
  DRM_IOCTL_SYNCOBJ_QUERY,
  DRM_IOCTL_SYNCOBJ_TRANSFER,
  DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
  DRM_IOCTL_SYNCOBJ_EVENTFD,
] as const;
