/**
 * DRM_IOCTL_VERSION and DRM_IOCTL_PANTHOR_DEV_QUERY: what userspace learns about
 * the driver and the GPU before it does anything else. Values come from the GPU's
 * registers (read through the bus at query time), never from constants the UMD could
 * also hard-code.
 */
import { Errno } from '../base/errno';
import { GPU_AS_PRESENT, GPU_ID, GPU_SHADER_PRESENT_LO, GPU_TIMESTAMP_HI, GPU_TIMESTAMP_LO } from '../hw/gpu-regs';
import { CS_REG_COUNT, KERNEL_REGS_FIRST } from '../hw/cs-isa';
import { typed, type IoctlHandler } from './ioctl-context';
import { drm_version } from './uapi/drm-core';
import {
  drm_panthor_csif_info,
  drm_panthor_gpu_info,
  drm_panthor_group_priorities_info,
  drm_panthor_mmu_info,
  drm_panthor_timestamp_info,
  DRM_PANTHOR_DEV_QUERY_CSIF_INFO,
  DRM_PANTHOR_DEV_QUERY_GPU_INFO,
  DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO,
  DRM_PANTHOR_DEV_QUERY_MMU_INFO,
  DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO,
} from './uapi/panthor-dev-query';
import { drm_panthor_dev_query, PANTHOR_GROUP_PRIORITY_HIGH, PANTHOR_GROUP_PRIORITY_LOW, PANTHOR_GROUP_PRIORITY_MEDIUM, PANTHOR_GROUP_PRIORITY_REALTIME } from './uapi/panthor';
import type { IoctlContext } from './ioctl-context';
import { MAX_QUEUES_PER_GROUP } from './sched';
import { VA_BITS } from '../hw/mmu-regs';

export const DRIVER_NAME = 'panthor';
export const DRIVER_DATE = '20231025';
export const DRIVER_DESC = 'Tracefold model of the panthor DRM driver';
/** 1.x: the uAPI generation implemented (see uapi.ts for which ioctls). */
export const DRIVER_VERSION = [1, 3, 0] as const;

const text = new TextEncoder();

function copyString(ctx: IoctlContext, value: string, ptr: number, lenBytes: number): number {
  const bytes = text.encode(value);
  if (lenBytes === 0) return 0;
  return ctx.copier.toUser(ptr, bytes.subarray(0, Math.min(lenBytes, bytes.length)));
}

const version = typed(drm_version, (ctx, a) => {
  for (const [s, ptr, len] of [[DRIVER_NAME, a.name, a.name_len], [DRIVER_DATE, a.date, a.date_len], [DRIVER_DESC, a.desc, a.desc_len]] as const) {
    const err = copyString(ctx, s, ptr, len);
    if (err) return err;
  }
  return {
    out: {
      version_major: DRIVER_VERSION[0], version_minor: DRIVER_VERSION[1], version_patchlevel: DRIVER_VERSION[2],
      name_len: DRIVER_NAME.length, date_len: DRIVER_DATE.length, desc_len: text.encode(DRIVER_DESC).length,
    },
  };
});

function payload(ctx: IoctlContext, type: number): Uint8Array | undefined {
  const bus = ctx.dev.bus;
  switch (type) {
    case DRM_PANTHOR_DEV_QUERY_GPU_INFO: {
      const shaderPresent = bus.mmioRead(GPU_SHADER_PRESENT_LO);
      return drm_panthor_gpu_info.encode({
        gpu_id: bus.mmioRead(GPU_ID), gpu_rev: 0, csf_id: 0, l2_features: 0x07120206, tiler_features: 0x809,
        mem_features: 0x1, mmu_features: VA_BITS | (40 << 8), thread_features: 0, max_threads: 2048,
        thread_max_workgroup_size: 1024, thread_max_barrier_size: 1024, coherency_features: 0,
        as_present: bus.mmioRead(GPU_AS_PRESENT), shader_present: shaderPresent, l2_present: 1, tiler_present: 1,
      });
    }
    case DRM_PANTHOR_DEV_QUERY_CSIF_INFO:
      return drm_panthor_csif_info.encode({
        csg_slot_count: ctx.dev.slotCount, cs_slot_count: MAX_QUEUES_PER_GROUP, cs_reg_count: CS_REG_COUNT, scoreboard_slot_count: 8,
        unpreserved_cs_reg_count: CS_REG_COUNT - KERNEL_REGS_FIRST,
      });
    case DRM_PANTHOR_DEV_QUERY_TIMESTAMP_INFO:
      return drm_panthor_timestamp_info.encode({
        timestamp_frequency: 1_000_000_000,
        current_timestamp: bus.mmioRead(GPU_TIMESTAMP_LO) + bus.mmioRead(GPU_TIMESTAMP_HI) * 0x1_0000_0000,
        timestamp_offset: 0,
      });
    case DRM_PANTHOR_DEV_QUERY_GROUP_PRIORITIES_INFO: {
      let mask = (1 << PANTHOR_GROUP_PRIORITY_LOW) | (1 << PANTHOR_GROUP_PRIORITY_MEDIUM);
      if (ctx.file.process.privileged) mask |= (1 << PANTHOR_GROUP_PRIORITY_HIGH) | (1 << PANTHOR_GROUP_PRIORITY_REALTIME);
      return drm_panthor_group_priorities_info.encode({ allowed_mask: mask });
    }
    case DRM_PANTHOR_DEV_QUERY_MMU_INFO:
      return drm_panthor_mmu_info.encode({ page_size_bitmap: 4096 });
    default:
      return undefined;
  }
}

/** pointer 0: report the size; else copy min(size, actual) bytes and report that. */
const devQuery = typed(drm_panthor_dev_query, (ctx, a) => {
  const bytes = payload(ctx, a.type);
  if (!bytes) return Errno.EINVAL;
  if (a.pointer === 0) return { out: { size: bytes.length } };
  const n = Math.min(a.size, bytes.length);
  const err = ctx.copier.toUser(a.pointer, bytes.subarray(0, n));
  if (err) return err;
  return { out: { size: n } };
});

export const queryHandlers: Readonly<Record<string, IoctlHandler>> = {
  VERSION: version,
  DEV_QUERY: devQuery,
};
