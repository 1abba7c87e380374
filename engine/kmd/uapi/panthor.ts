/**
 * The panthor uAPI, mirroring include/uapi/drm/panthor_drm.h.
 *
 * Source: the header as of the BO_QUERY_INFO addition (ioctl ids 0–16, dev
 * query types 0–4). Earlier kernels stop at TILER_HEAP_DESTROY (id 12) and
 * return smaller dev-query payloads: drm_panthor_gpu_info was 104 bytes before
 * gpu_features (with, in the very first version, an unnamed hole where
 * selected_coherency now sits) and drm_panthor_timestamp_info 24 bytes before
 * flags. DEV_QUERY's size field makes that safe in both directions.
 *
 * Every ioctl here is _IOWR with nr = DRM_COMMAND_BASE + its id. The rules
 * these structs follow are the contract at the top of ../uapi.ts.
 */
import { DRM_COMMAND_BASE, defineIoctl } from './ioc';
import { defineStruct, mbz, type AnyStruct, type FieldSpec, type StructDef, type StructInput } from './struct';

// ---- ioctl ids ----

/** enum drm_panthor_ioctl_id. Append-only; use the DRM_IOCTL_PANTHOR_* entries, not these. */
export const drm_panthor_ioctl_id = {
  DRM_PANTHOR_DEV_QUERY: 0,
  DRM_PANTHOR_VM_CREATE: 1,
  DRM_PANTHOR_VM_DESTROY: 2,
  DRM_PANTHOR_VM_BIND: 3,
  DRM_PANTHOR_VM_GET_STATE: 4,
  DRM_PANTHOR_BO_CREATE: 5,
  DRM_PANTHOR_BO_MMAP_OFFSET: 6,
  DRM_PANTHOR_GROUP_CREATE: 7,
  DRM_PANTHOR_GROUP_DESTROY: 8,
  DRM_PANTHOR_GROUP_SUBMIT: 9,
  DRM_PANTHOR_GROUP_GET_STATE: 10,
  DRM_PANTHOR_TILER_HEAP_CREATE: 11,
  DRM_PANTHOR_TILER_HEAP_DESTROY: 12,
  DRM_PANTHOR_BO_SET_LABEL: 13,
  DRM_PANTHOR_SET_USER_MMIO_OFFSET: 14,
  DRM_PANTHOR_BO_SYNC: 15,
  DRM_PANTHOR_BO_QUERY_INFO: 16,
} as const;

// ---- user MMIO ----

/** mmap offset of the user MMIO pages for a 32-bit process (its pgoff_t is 32 bits). */
export const DRM_PANTHOR_USER_MMIO_OFFSET_32BIT = 2 ** 43;
/** mmap offset of the user MMIO pages for a 64-bit process. */
export const DRM_PANTHOR_USER_MMIO_OFFSET_64BIT = 2 ** 56;
/** The offset for our processes, which are all LP64. */
export const DRM_PANTHOR_USER_MMIO_OFFSET = DRM_PANTHOR_USER_MMIO_OFFSET_64BIT;
/** mmap offset of the read-only page holding the LATEST_FLUSH_ID register (first user MMIO page). */
export const DRM_PANTHOR_USER_FLUSH_ID_MMIO_OFFSET = DRM_PANTHOR_USER_MMIO_OFFSET;

// ---- sync ops ----

/** drm_panthor_sync_op.flags: low byte = handle type. */
export const DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_MASK = 0xff;
export const DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_SYNCOBJ = 0;
export const DRM_PANTHOR_SYNC_OP_HANDLE_TYPE_TIMELINE_SYNCOBJ = 1;
/** Bit 31 clear: wait on the handle before the job runs. */
export const DRM_PANTHOR_SYNC_OP_WAIT = 0;
/** Bit 31 set: signal the handle when the job is done. Unsigned; `SIGNAL | x` in JS is negative but encodes right. */
export const DRM_PANTHOR_SYNC_OP_SIGNAL = 0x8000_0000;

// ---- VM ----

export const DRM_PANTHOR_VM_BIND_OP_MAP_READONLY = 1 << 0;
export const DRM_PANTHOR_VM_BIND_OP_MAP_NOEXEC = 1 << 1;
export const DRM_PANTHOR_VM_BIND_OP_MAP_UNCACHED = 1 << 2;
/** Bits 28–31 of drm_panthor_vm_bind_op.flags select the operation. */
export const DRM_PANTHOR_VM_BIND_OP_TYPE_MASK = 0xf000_0000;
export const DRM_PANTHOR_VM_BIND_OP_TYPE_MAP = 0 << 28;
export const DRM_PANTHOR_VM_BIND_OP_TYPE_UNMAP = 1 << 28;
export const DRM_PANTHOR_VM_BIND_OP_TYPE_SYNC_ONLY = 2 << 28;

/** drm_panthor_vm_bind.flags: queue the ops on the VM's bind queue instead of running them now. */
export const DRM_PANTHOR_VM_BIND_ASYNC = 1 << 0;

export const DRM_PANTHOR_VM_STATE_USABLE = 0;
/** A failed async bind poisoned the VM: MAPs and jobs fail, UNMAPs still work; recreate the VM. */
export const DRM_PANTHOR_VM_STATE_UNUSABLE = 1;

// ---- BO ----

/** Never CPU-mapped: BO_MMAP_OFFSET fails on it. */
export const DRM_PANTHOR_BO_NO_MMAP = 1 << 0;
/** CPU-map write-back cacheable even when the GPU is not IO-coherent (needs BO_SYNC). */
export const DRM_PANTHOR_BO_WB_MMAP = 1 << 1;

export const DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH = 0;
export const DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH_AND_INVALIDATE = 1;

/** drm_panthor_bo_query_info.extra_flags: the BO came from another driver's dma-buf. */
export const DRM_PANTHOR_BO_IS_IMPORTED = 1 << 0;

// ---- groups ----

export const PANTHOR_GROUP_PRIORITY_LOW = 0;
export const PANTHOR_GROUP_PRIORITY_MEDIUM = 1;
/** Needs CAP_SYS_NICE or DRM master. */
export const PANTHOR_GROUP_PRIORITY_HIGH = 2;
/** Needs CAP_SYS_NICE or DRM master. */
export const PANTHOR_GROUP_PRIORITY_REALTIME = 3;

/** A job of the group did not finish in time; the group accepts no more jobs. */
export const DRM_PANTHOR_GROUP_STATE_TIMEDOUT = 1 << 0;
/** A queue of the group hit a fatal fault; the group accepts no more jobs. */
export const DRM_PANTHOR_GROUP_STATE_FATAL_FAULT = 1 << 1;
/** Killed by a reset another group caused; only with TIMEDOUT and without FATAL_FAULT. */
export const DRM_PANTHOR_GROUP_STATE_INNOCENT = 1 << 2;

// ---- structs ----

export const drm_panthor_obj_array = defineStruct(
  'drm_panthor_obj_array',
  [
    {
      name: 'stride',
      type: 'u32',
      dir: 'in',
      unit: 'bytes',
      doc: 'Size of one element as userspace knows it: the version of the element struct. Smaller than ours = older userspace (missing fields read as 0); larger = newer, and the extra bytes must be 0.',
    },
    { name: 'count', type: 'u32', dir: 'in', unit: 'count', doc: 'Number of elements; 0 = empty array (array may then be 0).' },
    { name: 'array', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User address of the first element; elements are stride bytes apart.' },
  ],
  'A versioned user array. Build it with DRM_PANTHOR_OBJ_ARRAY so stride is the element size.',
);

/**
 * drm_panthor_obj_array input for `count` elements of `elem` at user address
 * `array`, stride = elem.sizeBytes (what the C macro takes from sizeof).
 *
 * Example: DRM_PANTHOR_OBJ_ARRAY(drm_panthor_vm_bind_op, 2, 0x10000)
 *   → { stride: 48, count: 2, array: 0x10000 }
 */
export function DRM_PANTHOR_OBJ_ARRAY(
  elem: AnyStruct,
  count: number,
  array: number | bigint,
): { readonly stride: number; readonly count: number; readonly array: number | bigint } {
  return { stride: elem.sizeBytes, count, array };
}

export const drm_panthor_sync_op = defineStruct(
  'drm_panthor_sync_op',
  [
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'Handle type (low byte: SYNCOBJ or TIMELINE_SYNCOBJ) | WAIT or SIGNAL (bit 31). Other bits must be 0.' },
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Syncobj handle.' },
    { name: 'timeline_value', type: 'u64', dir: 'in', unit: 'count', doc: 'Timeline point; must be 0 unless the handle type is TIMELINE_SYNCOBJ.' },
  ],
  'One wait or signal attached to a job or an async VM bind op.',
);

export const drm_panthor_dev_query = defineStruct(
  'drm_panthor_dev_query',
  [
    { name: 'type', type: 'u32', dir: 'in', unit: 'enum', doc: 'DRM_PANTHOR_DEV_QUERY_* (payloads in panthor-dev-query.ts); unknown types are EINVAL.' },
    {
      name: 'size',
      type: 'u32',
      dir: 'inout',
      unit: 'bytes',
      doc: 'In: size of the buffer at pointer. Out: with pointer 0, the full payload size; otherwise the bytes copied, min(size, payload size). A smaller size (older userspace) gets a prefix.',
    },
    { name: 'pointer', type: 'u64', dir: 'in', unit: 'uptr', doc: 'Payload buffer; 0 = only report the size.' },
  ],
  'DRM_IOCTL_PANTHOR_DEV_QUERY argument.',
);

export const drm_panthor_vm_create = defineStruct(
  'drm_panthor_vm_create',
  [
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'None defined yet: must be 0.' },
    { name: 'id', type: 'u32', dir: 'out', unit: 'id', doc: 'Returned VM id; non-zero.' },
    {
      name: 'user_va_range',
      type: 'u64',
      dir: 'inout',
      unit: 'bytes',
      doc: 'Size of the user half of the VA space, which starts at 0; the kernel maps its own objects above it. 0 = let the kernel choose; the chosen size is written back.',
    },
  ],
  'DRM_IOCTL_PANTHOR_VM_CREATE argument.',
);

export const drm_panthor_vm_destroy = defineStruct(
  'drm_panthor_vm_destroy',
  [{ name: 'id', type: 'u32', dir: 'in', unit: 'id', doc: 'VM to destroy.' }, mbz('pad')],
  'DRM_IOCTL_PANTHOR_VM_DESTROY argument.',
);

export const drm_panthor_vm_bind_op = defineStruct(
  'drm_panthor_vm_bind_op',
  [
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_PANTHOR_VM_BIND_OP_TYPE_* | MAP_READONLY/NOEXEC/UNCACHED (MAP only).' },
    { name: 'bo_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'BO to map; must be 0 for UNMAP and SYNC_ONLY.' },
    { name: 'bo_offset', type: 'u64', dir: 'in', unit: 'bytes', doc: 'Offset into the BO, page-aligned; must be 0 for UNMAP and SYNC_ONLY.' },
    { name: 'va', type: 'u64', dir: 'in', unit: 'gpuva', doc: 'GPU VA to map or unmap, page-aligned; must be 0 for SYNC_ONLY.' },
    { name: 'size', type: 'u64', dir: 'in', unit: 'bytes', doc: 'Range size, page-aligned, non-zero for MAP/UNMAP; must be 0 for SYNC_ONLY.' },
    {
      name: 'syncs',
      type: drm_panthor_obj_array,
      dir: 'in',
      unit: 'none',
      doc: 'drm_panthor_sync_op array. Must be empty unless the bind is ASYNC; must not be empty for SYNC_ONLY.',
    },
  ],
  'One VM_BIND operation. 48 bytes.',
);

export const drm_panthor_vm_bind = defineStruct(
  'drm_panthor_vm_bind',
  [
    { name: 'vm_id', type: 'u32', dir: 'in', unit: 'id', doc: 'VM to operate on.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_PANTHOR_VM_BIND_ASYNC or 0 (run the ops now, in order).' },
    { name: 'ops', type: drm_panthor_obj_array, dir: 'inout', unit: 'none', doc: 'drm_panthor_vm_bind_op array. On a synchronous failure count is set to the number of ops that succeeded.' },
  ],
  'DRM_IOCTL_PANTHOR_VM_BIND argument.',
);

export const drm_panthor_vm_get_state = defineStruct(
  'drm_panthor_vm_get_state',
  [
    { name: 'vm_id', type: 'u32', dir: 'in', unit: 'id', doc: 'VM to query.' },
    { name: 'state', type: 'u32', dir: 'out', unit: 'enum', doc: 'DRM_PANTHOR_VM_STATE_USABLE or _UNUSABLE.' },
  ],
  'DRM_IOCTL_PANTHOR_VM_GET_STATE argument.',
);

export const drm_panthor_bo_create = defineStruct(
  'drm_panthor_bo_create',
  [
    { name: 'size', type: 'u64', dir: 'inout', unit: 'bytes', doc: 'In: requested size, non-zero. Out: the allocated size, rounded up to whole pages.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_PANTHOR_BO_NO_MMAP | DRM_PANTHOR_BO_WB_MMAP; 0 = CPU-mappable, default caching.' },
    {
      name: 'exclusive_vm_id',
      type: 'u32',
      dir: 'in',
      unit: 'id',
      doc: '0 = shareable. Otherwise a VM id: the BO can only be bound into that VM and cannot be exported (PRIME fails).',
    },
    { name: 'handle', type: 'u32', dir: 'out', unit: 'handle', doc: 'Returned GEM handle; non-zero.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_PANTHOR_BO_CREATE argument.',
);

export const drm_panthor_bo_mmap_offset = defineStruct(
  'drm_panthor_bo_mmap_offset',
  [
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'BO to map; must not be NO_MMAP.' },
    mbz('pad'),
    { name: 'offset', type: 'u64', dir: 'out', unit: 'mmap_offset', doc: 'Fake file offset to pass to mmap() on the DRM fd.' },
  ],
  'DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET argument.',
);

export const drm_panthor_queue_create = defineStruct(
  'drm_panthor_queue_create',
  [
    { name: 'priority', type: 'u8', dir: 'in', unit: 'none', doc: 'Priority of the queue within its group, 0 (lowest) to 15.' },
    mbz('pad', 'u8[3]'),
    { name: 'ringbuf_size', type: 'u32', dir: 'in', unit: 'bytes', doc: 'Kernel ring buffer size: a power of two, 4 KiB to 64 KiB.' },
  ],
  'One queue of GROUP_CREATE. 8 bytes.',
);

export const drm_panthor_group_create = defineStruct(
  'drm_panthor_group_create',
  [
    { name: 'queues', type: drm_panthor_obj_array, dir: 'in', unit: 'none', doc: 'drm_panthor_queue_create array; 1 to csif_info.cs_slot_count queues.' },
    { name: 'max_compute_cores', type: 'u8', dir: 'in', unit: 'count', doc: 'Cores compute work may use at once; ≤ popcount(compute_core_mask).' },
    { name: 'max_fragment_cores', type: 'u8', dir: 'in', unit: 'count', doc: 'Cores fragment work may use at once; ≤ popcount(fragment_core_mask).' },
    { name: 'max_tiler_cores', type: 'u8', dir: 'in', unit: 'count', doc: 'Tilers tiler work may use at once; ≤ popcount(tiler_core_mask).' },
    { name: 'priority', type: 'u8', dir: 'in', unit: 'enum', doc: 'PANTHOR_GROUP_PRIORITY_*; must be allowed by GROUP_PRIORITIES_INFO.' },
    mbz('pad'),
    { name: 'compute_core_mask', type: 'u64', dir: 'in', unit: 'bitmask', doc: 'Cores compute work may run on; a subset of gpu_info.shader_present.' },
    { name: 'fragment_core_mask', type: 'u64', dir: 'in', unit: 'bitmask', doc: 'Cores fragment work may run on; a subset of gpu_info.shader_present.' },
    { name: 'tiler_core_mask', type: 'u64', dir: 'in', unit: 'bitmask', doc: 'Tilers tiler work may run on; a subset of gpu_info.tiler_present.' },
    { name: 'vm_id', type: 'u32', dir: 'in', unit: 'id', doc: 'VM every job of the group runs in.' },
    { name: 'group_handle', type: 'u32', dir: 'out', unit: 'handle', doc: 'Returned group handle; non-zero.' },
  ],
  'DRM_IOCTL_PANTHOR_GROUP_CREATE argument. 56 bytes.',
);

export const drm_panthor_group_destroy = defineStruct(
  'drm_panthor_group_destroy',
  [{ name: 'group_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Group to destroy; its pending jobs are cancelled.' }, mbz('pad')],
  'DRM_IOCTL_PANTHOR_GROUP_DESTROY argument.',
);

export const drm_panthor_queue_submit = defineStruct(
  'drm_panthor_queue_submit',
  [
    { name: 'queue_index', type: 'u32', dir: 'in', unit: 'index', doc: 'Queue of the group, as ordered at GROUP_CREATE.' },
    { name: 'stream_size', type: 'u32', dir: 'in', unit: 'bytes', doc: 'Size of the user command stream, a multiple of 8 (one instruction). 0 = no stream: a pure sync point (stream_addr must be 0 too).' },
    { name: 'stream_addr', type: 'u64', dir: 'in', unit: 'gpuva', doc: 'GPU VA of the user command stream, 64-byte aligned, stream_addr + stream_size ≤ 2^48 (the GPU VA size); 0 only with stream_size 0.' },
    { name: 'latest_flush', type: 'u32', dir: 'in', unit: 'reg', doc: 'LATEST_FLUSH_ID read when the stream was written, so the pre-job cache flush can be skipped if one happened since. 0 = always flush. Ignored with stream_size 0.' },
    mbz('pad'),
    { name: 'syncs', type: drm_panthor_obj_array, dir: 'in', unit: 'none', doc: 'drm_panthor_sync_op array: waits before, signals after this job.' },
  ],
  'One job of GROUP_SUBMIT. 40 bytes.',
);

export const drm_panthor_group_submit = defineStruct(
  'drm_panthor_group_submit',
  [
    { name: 'group_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Group whose queues get the jobs.' },
    mbz('pad'),
    { name: 'queue_submits', type: drm_panthor_obj_array, dir: 'in', unit: 'none', doc: 'drm_panthor_queue_submit array; all-or-nothing.' },
  ],
  'DRM_IOCTL_PANTHOR_GROUP_SUBMIT argument.',
);

export const drm_panthor_group_get_state = defineStruct(
  'drm_panthor_group_get_state',
  [
    { name: 'group_handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Group to query.' },
    { name: 'state', type: 'u32', dir: 'out', unit: 'flags', doc: 'DRM_PANTHOR_GROUP_STATE_* bits; 0 = healthy.' },
    { name: 'fatal_queues', type: 'u32', dir: 'out', unit: 'bitmask', doc: 'Queues (bit = queue_index) that hit a fatal fault.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_PANTHOR_GROUP_GET_STATE argument.',
);

export const drm_panthor_tiler_heap_create = defineStruct(
  'drm_panthor_tiler_heap_create',
  [
    { name: 'vm_id', type: 'u32', dir: 'in', unit: 'id', doc: 'VM the heap context and chunks are mapped into.' },
    { name: 'initial_chunk_count', type: 'u32', dir: 'in', unit: 'count', doc: 'Chunks allocated up front; at least 1.' },
    { name: 'chunk_size', type: 'u32', dir: 'in', unit: 'bytes', doc: 'Chunk size: page-aligned, 128 KiB to 8 MiB.' },
    { name: 'max_chunks', type: 'u32', dir: 'in', unit: 'count', doc: 'Chunk limit for growth; ≥ initial_chunk_count.' },
    { name: 'target_in_flight', type: 'u32', dir: 'in', unit: 'count', doc: 'Render passes allowed in flight before the firmware holds back tiler work instead of growing the heap.' },
    { name: 'handle', type: 'u32', dir: 'out', unit: 'handle', doc: 'Returned heap handle.' },
    { name: 'tiler_heap_ctx_gpu_va', type: 'u64', dir: 'out', unit: 'gpuva', doc: 'GPU VA of the heap context to give the tiler.' },
    { name: 'first_heap_chunk_gpu_va', type: 'u64', dir: 'out', unit: 'gpuva', doc: 'GPU VA of the first chunk of the chunk list.' },
  ],
  'DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE argument. 40 bytes.',
);

export const drm_panthor_tiler_heap_destroy = defineStruct(
  'drm_panthor_tiler_heap_destroy',
  [{ name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Heap handle from TILER_HEAP_CREATE.' }, mbz('pad')],
  'DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY argument.',
);

export const drm_panthor_bo_set_label = defineStruct(
  'drm_panthor_bo_set_label',
  [
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'BO to label.' },
    mbz('pad'),
    { name: 'label', type: 'u64', dir: 'in', unit: 'uptr', doc: 'User address of a NUL-terminated string of at most 4096 bytes; 0 = clear the label.' },
  ],
  'DRM_IOCTL_PANTHOR_BO_SET_LABEL argument.',
);

export const drm_panthor_set_user_mmio_offset = defineStruct(
  'drm_panthor_set_user_mmio_offset',
  [
    { name: 'offset', type: 'u64', dir: 'in', unit: 'mmap_offset', doc: 'DRM_PANTHOR_USER_MMIO_OFFSET_32BIT or _64BIT: which user MMIO offset this file uses (for emulators running 32-bit code in a 64-bit process).' },
  ],
  'DRM_IOCTL_PANTHOR_SET_USER_MMIO_OFFSET argument.',
);

export const drm_panthor_bo_sync_op = defineStruct(
  'drm_panthor_bo_sync_op',
  [
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'BO whose CPU mapping to sync.' },
    { name: 'type', type: 'u32', dir: 'in', unit: 'enum', doc: 'DRM_PANTHOR_BO_SYNC_CPU_CACHE_FLUSH or _FLUSH_AND_INVALIDATE.' },
    { name: 'offset', type: 'u64', dir: 'in', unit: 'bytes', doc: 'Start of the range in the BO (rounded down to a cache line).' },
    { name: 'size', type: 'u64', dir: 'in', unit: 'bytes', doc: 'Range size (end rounded up to a cache line).' },
  ],
  'One BO_SYNC cache operation. 24 bytes.',
);

export const drm_panthor_bo_sync = defineStruct(
  'drm_panthor_bo_sync',
  [{ name: 'ops', type: drm_panthor_obj_array, dir: 'in', unit: 'none', doc: 'drm_panthor_bo_sync_op array.' }],
  'DRM_IOCTL_PANTHOR_BO_SYNC argument.',
);

export const drm_panthor_bo_query_info = defineStruct(
  'drm_panthor_bo_query_info',
  [
    { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'BO to query.' },
    { name: 'extra_flags', type: 'u32', dir: 'out', unit: 'flags', doc: 'DRM_PANTHOR_BO_IS_IMPORTED and future properties not given at creation.' },
    { name: 'create_flags', type: 'u32', dir: 'out', unit: 'flags', doc: 'drm_panthor_bo_flags given at BO_CREATE; 0 for a BO from another driver.' },
    mbz('pad'),
  ],
  'DRM_IOCTL_PANTHOR_BO_QUERY_INFO argument.',
);

// ---- ioctls ----

type Id = keyof typeof drm_panthor_ioctl_id;

function panthorIoctl<F extends readonly FieldSpec[]>(id: Id, arg: StructDef<F>, implemented: boolean, doc: string) {
  return defineIoctl({
    name: `DRM_IOCTL_PANTHOR_${id.slice('DRM_PANTHOR_'.length)}`,
    family: 'panthor',
    nr: DRM_COMMAND_BASE + drm_panthor_ioctl_id[id],
    dir: 'rw',
    arg,
    implemented,
    doc,
  });
}

export const DRM_IOCTL_PANTHOR_DEV_QUERY = panthorIoctl('DRM_PANTHOR_DEV_QUERY', drm_panthor_dev_query, true, 'Query device information.');
export const DRM_IOCTL_PANTHOR_VM_CREATE = panthorIoctl('DRM_PANTHOR_VM_CREATE', drm_panthor_vm_create, true, 'Create a GPU VM.');
export const DRM_IOCTL_PANTHOR_VM_DESTROY = panthorIoctl('DRM_PANTHOR_VM_DESTROY', drm_panthor_vm_destroy, true, 'Destroy a GPU VM.');
export const DRM_IOCTL_PANTHOR_VM_BIND = panthorIoctl('DRM_PANTHOR_VM_BIND', drm_panthor_vm_bind, true, 'Map / unmap BO ranges in a VM.');
export const DRM_IOCTL_PANTHOR_VM_GET_STATE = panthorIoctl('DRM_PANTHOR_VM_GET_STATE', drm_panthor_vm_get_state, true, 'Is the VM still usable?');
export const DRM_IOCTL_PANTHOR_BO_CREATE = panthorIoctl('DRM_PANTHOR_BO_CREATE', drm_panthor_bo_create, true, 'Allocate a buffer object.');
export const DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET = panthorIoctl('DRM_PANTHOR_BO_MMAP_OFFSET', drm_panthor_bo_mmap_offset, true, 'Get the mmap offset of a BO.');
export const DRM_IOCTL_PANTHOR_GROUP_CREATE = panthorIoctl('DRM_PANTHOR_GROUP_CREATE', drm_panthor_group_create, true, 'Create a scheduling group and its queues.');
export const DRM_IOCTL_PANTHOR_GROUP_DESTROY = panthorIoctl('DRM_PANTHOR_GROUP_DESTROY', drm_panthor_group_destroy, true, 'Destroy a scheduling group.');
export const DRM_IOCTL_PANTHOR_GROUP_SUBMIT = panthorIoctl('DRM_PANTHOR_GROUP_SUBMIT', drm_panthor_group_submit, true, 'Queue jobs on a group.');
export const DRM_IOCTL_PANTHOR_GROUP_GET_STATE = panthorIoctl('DRM_PANTHOR_GROUP_GET_STATE', drm_panthor_group_get_state, true, 'Timed out / faulted / innocent?');
export const DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE = panthorIoctl('DRM_PANTHOR_TILER_HEAP_CREATE', drm_panthor_tiler_heap_create, true, 'Create a growable tiler heap.');
export const DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY = panthorIoctl('DRM_PANTHOR_TILER_HEAP_DESTROY', drm_panthor_tiler_heap_destroy, true, 'Destroy a tiler heap.');
export const DRM_IOCTL_PANTHOR_BO_SET_LABEL = panthorIoctl('DRM_PANTHOR_BO_SET_LABEL', drm_panthor_bo_set_label, false, 'Attach a debug label to a BO.');
export const DRM_IOCTL_PANTHOR_SET_USER_MMIO_OFFSET = panthorIoctl('DRM_PANTHOR_SET_USER_MMIO_OFFSET', drm_panthor_set_user_mmio_offset, false, 'Choose the user MMIO mmap offset.');
export const DRM_IOCTL_PANTHOR_BO_SYNC = panthorIoctl('DRM_PANTHOR_BO_SYNC', drm_panthor_bo_sync, false, 'CPU cache maintenance on BO ranges.');
export const DRM_IOCTL_PANTHOR_BO_QUERY_INFO = panthorIoctl('DRM_PANTHOR_BO_QUERY_INFO', drm_panthor_bo_query_info, false, 'Creation flags / import status of a BO.');

/** The panthor ioctls, in id order. */
export const PANTHOR_IOCTLS = [
  DRM_IOCTL_PANTHOR_DEV_QUERY,
  DRM_IOCTL_PANTHOR_VM_CREATE,
  DRM_IOCTL_PANTHOR_VM_DESTROY,
  DRM_IOCTL_PANTHOR_VM_BIND,
  DRM_IOCTL_PANTHOR_VM_GET_STATE,
  DRM_IOCTL_PANTHOR_BO_CREATE,
  DRM_IOCTL_PANTHOR_BO_MMAP_OFFSET,
  DRM_IOCTL_PANTHOR_GROUP_CREATE,
  DRM_IOCTL_PANTHOR_GROUP_DESTROY,
  DRM_IOCTL_PANTHOR_GROUP_SUBMIT,
  DRM_IOCTL_PANTHOR_GROUP_GET_STATE,
  DRM_IOCTL_PANTHOR_TILER_HEAP_CREATE,
  DRM_IOCTL_PANTHOR_TILER_HEAP_DESTROY,
  DRM_IOCTL_PANTHOR_BO_SET_LABEL,
  DRM_IOCTL_PANTHOR_SET_USER_MMIO_OFFSET,
  DRM_IOCTL_PANTHOR_BO_SYNC,
  DRM_IOCTL_PANTHOR_BO_QUERY_INFO,
] as const;

/** Element struct of each obj_array field, keyed 'struct.field', so a decoder can follow arrays. */
export const OBJ_ARRAY_ELEMENTS: Readonly<Record<string, AnyStruct>> = {
  'drm_panthor_vm_bind.ops': drm_panthor_vm_bind_op,
  'drm_panthor_vm_bind_op.syncs': drm_panthor_sync_op,
  'drm_panthor_group_create.queues': drm_panthor_queue_create,
  'drm_panthor_group_submit.queue_submits': drm_panthor_queue_submit,
  'drm_panthor_queue_submit.syncs': drm_panthor_sync_op,
  'drm_panthor_bo_sync.ops': drm_panthor_bo_sync_op,
};

/** Input for a drm_panthor_obj_array field; alias kept for callers that build args by hand. */
export type ObjArrayInput = StructInput<(typeof drm_panthor_obj_array)['spec']>;
