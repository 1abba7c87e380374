/**
 * Linux ioctl request numbers and the ioctl table entry type.
 *
 * A request number packs four fields (asm-generic/ioctl.h, used by arm64 and
 * x86-64):  dir << 30 | size << 16 | type << 8 | nr, with dir bit 0 = _IOC_WRITE
 * (userspace writes the argument to the kernel) and bit 1 = _IOC_READ (the
 * kernel writes it back), size = sizeof(argument) in 14 bits. Numbers are kept
 * as unsigned 32-bit JS numbers (0xc0186443, never negative).
 *
 * DRM puts every ioctl under type 'd'. Core ioctls use nr 0x00–0x3f and
 * 0xa0 upwards; a driver owns [DRM_COMMAND_BASE, DRM_COMMAND_END).
 */
import type { AnyStruct, FieldSpec, StructDef } from './struct';

/** Argument direction as encoded in the request: none, _IOW, _IOR or _IOWR. */
export type IocDir = 'none' | 'w' | 'r' | 'rw';

const DIR_BITS: Readonly<Record<IocDir, number>> = { none: 0, w: 1, r: 2, rw: 3 };
const BITS_DIR: readonly IocDir[] = ['none', 'w', 'r', 'rw'];

export const IOC_SIZE_LIMIT_BYTES = 1 << 14;

export const DRM_IOCTL_BASE = 0x64; // 'd'
export const DRM_COMMAND_BASE = 0x40;
export const DRM_COMMAND_END = 0xa0;

/** _IOC(dir, type, nr, size) as an unsigned 32-bit number. */
export function IOC(dir: IocDir, type: number, nr: number, sizeBytes: number): number {
  if (sizeBytes < 0 || sizeBytes >= IOC_SIZE_LIMIT_BYTES) throw new RangeError(`ioctl size ${sizeBytes} does not fit 14 bits`);
  if (nr < 0 || nr > 0xff || type < 0 || type > 0xff) throw new RangeError(`ioctl type/nr out of range: ${type}/${nr}`);
  return ((DIR_BITS[dir] << 30) | (sizeBytes << 16) | (type << 8) | nr) >>> 0;
}

/** The fields of a request number. */
export interface IocFields {
  readonly dir: IocDir;
  readonly type: number;
  readonly nr: number;
  readonly sizeBytes: number;
}

export function decodeRequest(request: number): IocFields {
  const r = request >>> 0;
  return { dir: BITS_DIR[r >>> 30] ?? 'none', sizeBytes: (r >>> 16) & 0x3fff, type: (r >>> 8) & 0xff, nr: r & 0xff };
}

export function DRM_IO(nr: number): number {
  return IOC('none', DRM_IOCTL_BASE, nr, 0);
}
export function DRM_IOW(nr: number, arg: AnyStruct): number {
  return IOC('w', DRM_IOCTL_BASE, nr, arg.sizeBytes);
}
export function DRM_IOR(nr: number, arg: AnyStruct): number {
  return IOC('r', DRM_IOCTL_BASE, nr, arg.sizeBytes);
}
export function DRM_IOWR(nr: number, arg: AnyStruct): number {
  return IOC('rw', DRM_IOCTL_BASE, nr, arg.sizeBytes);
}

/** Which header an ioctl comes from. */
export type IoctlFamily = 'drm' | 'panthor';

/** One ioctl of the table. */
export interface IoctlDef<F extends readonly FieldSpec[] = readonly FieldSpec[]> {
  /** Full C name, e.g. 'DRM_IOCTL_PANTHOR_VM_BIND'. */
  readonly name: string;
  /** Name without the DRM_IOCTL_ / DRM_IOCTL_PANTHOR_ prefix, e.g. 'VM_BIND'; unique across the table. */
  readonly shortName: string;
  readonly family: IoctlFamily;
  /** The nr byte (for panthor: DRM_COMMAND_BASE + the drm_panthor_ioctl_id). */
  readonly nr: number;
  readonly dir: IocDir;
  /** Full request number as userspace passes it to ioctl(2). */
  readonly request: number;
  readonly arg: StructDef<F>;
  /** Whether our KMD implements it; others are listed so traces can name them. */
  readonly implemented: boolean;
  readonly doc: string;
}

export type AnyIoctl = IoctlDef;

/** Build a table entry; the request number is derived, never written by hand. */
export function defineIoctl<F extends readonly FieldSpec[]>(e: {
  readonly name: string;
  readonly family: IoctlFamily;
  readonly nr: number;
  readonly dir: Exclude<IocDir, 'none'>;
  readonly arg: StructDef<F>;
  readonly implemented: boolean;
  readonly doc: string;
}): IoctlDef<F> {
  const prefix = e.family === 'panthor' ? 'DRM_IOCTL_PANTHOR_' : 'DRM_IOCTL_';
  if (!e.name.startsWith(prefix)) throw new Error(`uapi: ioctl ${e.name} should start with ${prefix}`);
  return { ...e, shortName: e.name.slice(prefix.length), request: IOC(e.dir, DRM_IOCTL_BASE, e.nr, e.arg.sizeBytes) };
}
