/**
 * Payloads of DRM_IOCTL_PANTHOR_DEV_QUERY, mirroring the query part of
 * include/uapi/drm/panthor_drm.h.
 *
 * These structs are versioned by drm_panthor_dev_query.size rather than by the
 * request number: the kernel copies min(size, its payload size) bytes, so a
 * payload may only grow at the end (or turn an MBZ pad into a field whose zero
 * means the old behaviour). Known growth: gpu_info 104 → 112 bytes
 * (gpu_features; selected_coherency took over a pad), timestamp_info 24 → 56
 * bytes (flags and the CPU/cycle samples).
 */
import { defineStruct, mbz, type AnyStruct } from './struct';

// ---- dev query ----

export const DRM_PANTHOR_DEV_QUERY_GPU_INFO = 0;
export const DRM_PANTHOR_DEV_QUERY_CSIF_INFO = 1;
export const DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO = 2;
export const DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO = 3;
export const DRM_PANTHOR_DEV_QUERY_MMU_INFO = 4;

/** drm_panthor_gpu_info.selected_coherency values; coherency_features is a mask of 1 << value. */
export const DRM_PANTHOR_GPU_COHERENCY_ACE_LITE = 0;
export const DRM_PANTHOR_GPU_COHERENCY_ACE = 1;
export const DRM_PANTHOR_GPU_COHERENCY_NONE = 31;

/** drm_panthor_timestamp_info.flags: what to sample. 0 means GPU | GPU_OFFSET | FREQ. */
export const DRM_PANTHOR_TIMESTAMP_GPU = 1 << 0;
export const DRM_PANTHOR_TIMESTAMP_CPU_NONE = 0 << 1;
export const DRM_PANTHOR_TIMESTAMP_CPU_MONOTONIC = 1 << 1;
export const DRM_PANTHOR_TIMESTAMP_CPU_MONOTONIC_RAW = 2 << 1;
export const DRM_PANTHOR_TIMESTAMP_CPU_TYPE_MASK = 7 << 1;
export const DRM_PANTHOR_TIMESTAMP_GPU_OFFSET = 1 << 4;
export const DRM_PANTHOR_TIMESTAMP_GPU_CYCLE_COUNT = 1 << 5;
export const DRM_PANTHOR_TIMESTAMP_FREQ = 1 << 6;
export const DRM_PANTHOR_TIMESTAMP_DURATION = 1 << 7;

/** Field extractors for gpu_info.gpu_id. */
export const DRM_PANTHOR_ARCH_MAJOR = (x: number): number => x >>> 28;
export const DRM_PANTHOR_ARCH_MINOR = (x: number): number => (x >>> 24) & 0xf;
export const DRM_PANTHOR_ARCH_REV = (x: number): number => (x >>> 20) & 0xf;
export const DRM_PANTHOR_PRODUCT_MAJOR = (x: number): number => (x >>> 16) & 0xf;
export const DRM_PANTHOR_VERSION_MAJOR = (x: number): number => (x >>> 12) & 0xf;
export const DRM_PANTHOR_VERSION_MINOR = (x: number): number => (x >>> 4) & 0xff;
export const DRM_PANTHOR_VERSION_STATUS = (x: number): number => x & 0xf;
/** Field extractors for gpu_info.csf_id. */
export const DRM_PANTHOR_CSHW_MAJOR = (x: number): number => (x >>> 26) & 0x3f;
export const DRM_PANTHOR_CSHW_MINOR = (x: number): number => (x >>> 20) & 0x3f;
export const DRM_PANTHOR_CSHW_REV = (x: number): number => (x >>> 16) & 0xf;
export const DRM_PANTHOR_MCU_MAJOR = (x: number): number => (x >>> 10) & 0x3f;
export const DRM_PANTHOR_MCU_MINOR = (x: number): number => (x >>> 4) & 0x3f;
export const DRM_PANTHOR_MCU_REV = (x: number): number => x & 0xf;
/** Width of the GPU VA space, from gpu_info.mmu_features. */
export const DRM_PANTHOR_MMU_VA_BITS = (x: number): number => x & 0xff;

// ---- payloads ----

export const drm_panthor_gpu_info = defineStruct(
  'drm_panthor_gpu_info',
  [
    { name: 'gpu_id', type: 'u32', dir: 'out', unit: 'reg', doc: 'GPU_ID register: arch major/minor/rev, product major, version major/minor/status (DRM_PANTHOR_ARCH_MAJOR…).' },
    { name: 'gpu_rev', type: 'u32', dir: 'out', unit: 'reg', doc: 'GPU revision register.' },
    { name: 'csf_id', type: 'u32', dir: 'out', unit: 'reg', doc: 'Command-stream frontend id: CSHW and MCU versions (DRM_PANTHOR_CSHW_MAJOR…).' },
    { name: 'l2_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'L2_FEATURES register.' },
    { name: 'tiler_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'TILER_FEATURES register.' },
    { name: 'mem_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'MEM_FEATURES register.' },
    { name: 'mmu_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'MMU_FEATURES register; low byte = VA bits (DRM_PANTHOR_MMU_VA_BITS).' },
    { name: 'thread_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'THREAD_FEATURES register.' },
    { name: 'max_threads', type: 'u32', dir: 'out', unit: 'count', doc: 'Maximum threads per core.' },
    { name: 'thread_max_workgroup_size', type: 'u32', dir: 'out', unit: 'count', doc: 'Maximum threads per workgroup.' },
    { name: 'thread_max_barrier_size', type: 'u32', dir: 'out', unit: 'count', doc: 'Maximum threads that can wait on one barrier.' },
    { name: 'coherency_features', type: 'u32', dir: 'out', unit: 'bitmask', doc: 'Coherency protocols the GPU supports: bit n = DRM_PANTHOR_GPU_COHERENCY value n.' },
    { name: 'texture_features', type: 'u32[4]', dir: 'out', unit: 'reg', doc: 'TEXTURE_FEATURES_0..3 registers.' },
    { name: 'as_present', type: 'u32', dir: 'out', unit: 'bitmask', doc: 'MMU address spaces present, one bit each.' },
    { name: 'selected_coherency', type: 'u32', dir: 'out', unit: 'enum', doc: 'Coherency in use on this SoC (a DRM_PANTHOR_GPU_COHERENCY value). Took the place of an MBZ pad: 0 (ACE_LITE) from kernels that predate it.' },
    { name: 'shader_present', type: 'u64', dir: 'out', unit: 'bitmask', doc: 'Shader cores present, one bit each.' },
    { name: 'l2_present', type: 'u64', dir: 'out', unit: 'bitmask', doc: 'L2 slices present.' },
    { name: 'tiler_present', type: 'u64', dir: 'out', unit: 'bitmask', doc: 'Tiler units present.' },
    { name: 'core_features', type: 'u32', dir: 'out', unit: 'reg', doc: 'CORE_FEATURES register (core variant).' },
    mbz('pad'),
    { name: 'gpu_features', type: 'u64', dir: 'out', unit: 'bitmask', doc: 'GPU-wide feature bits. Added at the end: absent (size 104) from older kernels.' },
  ],
  'DEV_QUERY GPU_INFO payload. 112 bytes.',
);

export const drm_panthor_csif_info = defineStruct(
  'drm_panthor_csif_info',
  [
    { name: 'csg_slot_count', type: 'u32', dir: 'out', unit: 'count', doc: 'Command-stream group slots the firmware offers (groups resident at once).' },
    { name: 'cs_slot_count', type: 'u32', dir: 'out', unit: 'count', doc: 'Command-stream slots per group: the most queues a group can have.' },
    { name: 'cs_reg_count', type: 'u32', dir: 'out', unit: 'count', doc: 'Command-stream registers per queue.' },
    { name: 'scoreboard_slot_count', type: 'u32', dir: 'out', unit: 'count', doc: 'Scoreboard slots per queue.' },
    { name: 'unpreserved_cs_reg_count', type: 'u32', dir: 'out', unit: 'count', doc: 'How many of the top CS registers the kernel clobbers when it calls a user stream from the ring on GROUP_SUBMIT.' },
    mbz('pad'),
  ],
  'DEV_QUERY CSIF_INFO payload. 24 bytes.',
);

export const drm_panthor_timestamp_info = defineStruct(
  'drm_panthor_timestamp_info',
  [
    { name: 'timestamp_frequency', type: 'u64', dir: 'out', unit: 'hz', doc: 'GPU timestamp counter frequency; 0 = unknown.' },
    { name: 'current_timestamp', type: 'u64', dir: 'out', unit: 'ticks', doc: 'GPU timestamp counter now.' },
    { name: 'timestamp_offset', type: 'u64', dir: 'out', unit: 'ticks', doc: 'Offset the GPU adds to its timestamp counter.' },
    { name: 'flags', type: 'u32', dir: 'in', unit: 'flags', doc: 'DRM_PANTHOR_TIMESTAMP_* to sample; 0 = GPU | GPU_OFFSET | FREQ (the behaviour before this field). At most one CPU clock type.' },
    { name: 'duration_nsec', type: 'u32', dir: 'out', unit: 'ns', doc: 'How long the sampling took, with DRM_PANTHOR_TIMESTAMP_DURATION.' },
    { name: 'cycle_count', type: 'u64', dir: 'out', unit: 'cycles', doc: 'GPU cycle counter, with GPU_CYCLE_COUNT.' },
    { name: 'cpu_timestamp_sec', type: 'u64', dir: 'out', unit: 's', doc: 'CPU clock seconds, with a CPU clock type.' },
    { name: 'cpu_timestamp_nsec', type: 'u64', dir: 'out', unit: 'ns', doc: 'CPU clock nanoseconds part.' },
  ],
  'DEV_QUERY TIMESTAMP_INFO payload. 56 bytes; 24 (up to timestamp_offset) from older kernels.',
);

export const drm_panthor_mmu_info = defineStruct(
  'drm_panthor_mmu_info',
  [{ name: 'page_size_bitmap', type: 'u64', dir: 'out', unit: 'bitmask', doc: 'Supported page sizes: bit n set = 2^n-byte pages.' }],
  'DEV_QUERY MMU_INFO payload. 8 bytes.',
);

export const drm_panthor_group_priorities_info = defineStruct(
  'drm_panthor_group_priorities_info',
  [
    { name: 'allowed_mask', type: 'u8', dir: 'out', unit: 'bitmask', doc: 'Bit p set = this client may create groups of PANTHOR_GROUP_PRIORITY p.' },
    mbz('pad', 'u8[3]'),
  ],
  'DEV_QUERY GROUP_PRIORITIES_INFO payload. 4 bytes, byte-aligned.',
);

/** Payload struct of each DEV_QUERY type. */
export const DEV_QUERY_PAYLOADS: Readonly<Record<number, AnyStruct>> = {
  [DRM_PANTHOR_DEV_QUERY_GPU_INFO]: drm_panthor_gpu_info,
  [DRM_PANTHOR_DEV_QUERY_CSIF_INFO]: drm_panthor_csif_info,
  [DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO]: drm_panthor_timestamp_info,
  [DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO]: drm_panthor_group_priorities_info,
  [DRM_PANTHOR_DEV_QUERY_MMU_INFO]: drm_panthor_mmu_info,
};
