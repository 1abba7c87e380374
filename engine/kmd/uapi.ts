/**
 * The kernel/user boundary of our panthor-style KMD: the ioctls, their numbers
 * and the exact byte layout of their arguments, mirroring Linux
 * include/uapi/drm/panthor_drm.h and the DRM core part of include/uapi/drm/drm.h.
 * The UMD encodes with it, the KMD decodes with it, and the trace decoder names
 * and prints any DRM/panthor ioctl with it — ours or one captured on real
 * hardware — so numbers and layouts must equal the real ones, byte for byte.
 *
 * ABI contract. Everything here follows the rules the panthor header opens
 * with, and anything we add must too:
 *
 *  1. Ioctl ids, dev-query types and other enum values are append-only: never
 *     reordered, reused or removed. A new ioctl takes the next id.
 *  2. Flags are add-only. A flag bit never changes meaning; the kernel rejects
 *     bits it does not know (EINVAL), so userspace can probe.
 *  3. A struct passed directly to an ioctl grows only at its end, or by giving
 *     a must-be-zero pad a meaning. Zero in a new field means exactly the old
 *     behaviour. The request number carries the size, and the DRM core
 *     zero-extends a short argument and drops the tail of a long one, so old
 *     and new userspace keep working.
 *  4. Padding is explicit: every field sits at its natural alignment, every
 *     hole is a named pad, every struct is a multiple of 8 bytes (or of its own
 *     alignment when smaller). Pads are must-be-zero: the kernel rejects a
 *     non-zero pad with EINVAL and always writes pads back as zero. Old DRM
 *     core structs that rely on compiler holes (drm_version) name them as
 *     implicit pads, which nobody checks.
 *  5. Arrays of structs go through drm_panthor_obj_array {stride, count,
 *     array}: stride is the element size userspace was built with. A shorter
 *     stride reads the missing fields as zero (old behaviour); a longer one is
 *     accepted only if the extra bytes are zero (E2BIG otherwise). Dev-query
 *     payloads are versioned the same way through drm_panthor_dev_query.size.
 *  6. No unions: they cannot be extended.
 *  7. Every field documents its direction, unit, alignment, valid range and
 *     what zero means (see FieldSpec). Each uAPI addition bumps the driver
 *     minor version (DRM_IOCTL_VERSION) so userspace need not probe by trial.
 *
 * Representation: structs are little-endian LP64 layouts. Decoded integers are
 * `number`; 64-bit fields stay below 2^53 in our stack (see ./uapi/struct.ts
 * for what happens above, and why `describe(bytes)` is exact).
 *
 * Modules: uapi/struct.ts (codec mechanism), uapi/ioc.ts (request numbers),
 * uapi/drm-core.ts, uapi/panthor.ts, uapi/panthor-dev-query.ts.
 */
import { DRM_CORE_IOCTLS } from './uapi/drm-core';
import { DRM_IOCTL_BASE, decodeRequest, type AnyIoctl } from './uapi/ioc';
import { PANTHOR_IOCTLS } from './uapi/panthor';

export * from './uapi/struct';
export * from './uapi/ioc';
export * from './uapi/drm-core';
export * from './uapi/panthor';
export * from './uapi/panthor-dev-query';

/** Every ioctl we know, DRM core then panthor. */
export const IOCTLS: readonly AnyIoctl[] = [...DRM_CORE_IOCTLS, ...PANTHOR_IOCTLS];

const BY_REQUEST: ReadonlyMap<number, AnyIoctl> = new Map(IOCTLS.map((e) => [e.request, e]));
const BY_NR: ReadonlyMap<number, AnyIoctl> = new Map(IOCTLS.map((e) => [e.nr, e]));

/** The ioctl whose request number is exactly `request`, or undefined. */
export function ioctlByRequest(request: number): AnyIoctl | undefined {
  return BY_REQUEST.get(request >>> 0);
}

/**
 * The ioctl the DRM core would dispatch `request` to: type 'd' and a known nr,
 * whatever the direction and size bits say (drm_ioctl() looks at the nr only
 * and copies min(user size, kernel size), zero-filling the rest). This is how
 * an older userspace's SYNCOBJ_WAIT (size 32, request 0xc02064c3) still finds
 * its entry.
 */
export function ioctlByNr(request: number): AnyIoctl | undefined {
  const f = decodeRequest(request);
  return f.type === DRM_IOCTL_BASE ? BY_NR.get(f.nr) : undefined;
}

/**
 * Name of a request for trace output.
 *
 * Example:
 *   ioctlName(0xc0186443)  // → 'DRM_IOCTL_PANTHOR_VM_BIND'
 *   ioctlName(0xc02064c3)  // → 'DRM_IOCTL_SYNCOBJ_WAIT[size=32]' (older, shorter struct)
 *   ioctlName(0x12345678)  // → undefined
 */
export function ioctlName(request: number): string | undefined {
  const exact = ioctlByRequest(request);
  if (exact !== undefined) return exact.name;
  const near = ioctlByNr(request);
  if (near === undefined) return undefined;
  const f = decodeRequest(request);
  const dir = f.dir === near.dir ? '' : `dir=${f.dir},`;
  return `${near.name}[${dir}size=${f.sizeBytes}]`;
}
