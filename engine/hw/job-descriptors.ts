/**
 * The DISPATCH and DRAW job descriptors: fixed-size little-endian structs in GPU
 * memory that a command stream's DISPATCH / DRAW instruction points at. Each is
 * described once as a layout table (field, byte offset, type, doc); the UMD's
 * encoder, the hardware's decoder and the UI's inspector all walk that table.
 *
 * Rules (the descriptor is ABI, like a uAPI struct):
 * - word 0 is a magic per descriptor type, so a stream pointing at the wrong
 *   memory faults with DESC_INVALID instead of drawing garbage;
 * - `pad` fields must be zero; enums must be in range; booleans are 0 or 1;
 * - new fields go at the end and mean "old behaviour" when zero.
 * Any violation, and any out-of-range value (see `checkDispatch` / `checkDraw`),
 * is a DESC_INVALID fault at the descriptor's VA. Descriptor VAs are 8-byte aligned.
 *
 * Decoding is split: `parse…Desc(bytes)` is pure and returns an error string on bad
 * input (the UI uses it on captured bytes); `decode…Desc(port, va)` reads through the
 * MMU and raises the fault.
 */
import { readU64, viewOf, writeU64 } from '../base/bytes';
import { raise } from './gpu-fault';
import type { GpuMemoryPort } from './gpu-port';

export const INDEX_TYPES = ['none', 'u16', 'u32'] as const;
export const CULL_MODES = ['none', 'back', 'front'] as const;
export const FRONT_FACES = ['ccw', 'cw'] as const;
export const COMPARE_OPS = ['never', 'less', 'equal', 'lequal', 'greater', 'notequal', 'gequal', 'always'] as const;
export const BLEND_MODES = ['none', 'alpha', 'additive'] as const;
export const INPUT_RATES = ['vertex', 'instance'] as const;
/** f32xN: N little-endian floats, missing components read (0,0,0,1); u8x4norm: 4 bytes / 255. */
export const VERTEX_FORMATS = ['none', 'f32x1', 'f32x2', 'f32x3', 'f32x4', 'u8x4norm'] as const;

export type IndexType = (typeof INDEX_TYPES)[number];
export type CullMode = (typeof CULL_MODES)[number];
export type FrontFace = (typeof FRONT_FACES)[number];
export type CompareOp = (typeof COMPARE_OPS)[number];
export type BlendMode = (typeof BLEND_MODES)[number];
export type InputRate = (typeof INPUT_RATES)[number];
export type VertexFormat = (typeof VERTEX_FORMATS)[number];

export const DESC_LIMITS = {
  pushConstantsSizeBytes: 256,
  workgroupInvocations: 1024,
  groupCount: 65535,
  bindings: 4,
  attributes: 8,
  varyings: 8,
  attachmentSize: 16384,
  viewportOrigin: 32768,
} as const;

export interface DispatchDesc {
  readonly shaderVa: number;
  readonly pushConstantsVa: number;
  readonly pushConstantsSizeBytes: number;
  readonly localSizeX: number;
  readonly localSizeY: number;
  readonly localSizeZ: number;
  readonly groupCountX: number;
  readonly groupCountY: number;
  readonly groupCountZ: number;
}

export interface VertexBinding {
  readonly va: number;
  readonly strideBytes: number;
  readonly inputRate: InputRate;
}

/** Attribute location = index in `DrawDesc.attributes`. */
export interface VertexAttribute {
  readonly binding: number;
  readonly offsetBytes: number;
  readonly format: VertexFormat;
}

/** Field meanings: see DRAW_DESC_LAYOUT. Decoded descriptors always carry 4 bindings and 8 attributes. */
export interface DrawDesc {
  readonly vertexCount: number;
  readonly instanceCount: number;
  readonly firstVertex: number;
  readonly firstInstance: number;
  readonly indexType: IndexType;
  readonly indexBufferVa: number;
  readonly vertexShaderVa: number;
  readonly fragmentShaderVa: number;
  readonly pushConstantsVa: number;
  readonly pushConstantsSizeBytes: number;
  readonly varyingCount: number;
  readonly viewportX: number;
  readonly viewportY: number;
  readonly viewportWidth: number;
  readonly viewportHeight: number;
  readonly viewportMinDepth: number;
  readonly viewportMaxDepth: number;
  readonly cullMode: CullMode;
  readonly frontFace: FrontFace;
  readonly colorVa: number;
  readonly colorWidth: number;
  readonly colorHeight: number;
  readonly colorRowPitchBytes: number;
  readonly depthRowPitchBytes: number;
  readonly depthVa: number;
  readonly depthTestEnable: boolean;
  readonly depthWriteEnable: boolean;
  readonly depthCompare: CompareOp;
  readonly colorWriteMask: number;
  readonly blendMode: BlendMode;
  readonly bindings: readonly VertexBinding[];
  readonly attributes: readonly VertexAttribute[];
}

const INDEX_SIZE_BYTES: Record<IndexType, number> = { none: 1, u16: 2, u32: 4 };

function checkPush(va: number, sizeBytes: number): string | undefined {
  if (sizeBytes > DESC_LIMITS.pushConstantsSizeBytes || sizeBytes % 4 !== 0) return `pushConstantsSizeBytes ${sizeBytes}`;
  if (sizeBytes > 0 && va % 4 !== 0) return 'pushConstantsVa not 4-byte aligned';
  return undefined;
}

/** Semantic checks of a DISPATCH descriptor: the reason it is invalid, or undefined. */
export function checkDispatch(d: DispatchDesc): string | undefined {
  if (d.shaderVa % 8 !== 0) return 'shaderVa not 8-byte aligned';
  const local = d.localSizeX * d.localSizeY * d.localSizeZ;
  if (d.localSizeX < 1 || d.localSizeY < 1 || d.localSizeZ < 1 || local > DESC_LIMITS.workgroupInvocations) {
    return `local size ${d.localSizeX}x${d.localSizeY}x${d.localSizeZ}`;
  }
  if (Math.max(d.groupCountX, d.groupCountY, d.groupCountZ) > DESC_LIMITS.groupCount) return 'group count above 65535';
  return checkPush(d.pushConstantsVa, d.pushConstantsSizeBytes);
}

function checkAttachment(va: number, pitchBytes: number, width: number, what: string): string | undefined {
  if (va === 0) return undefined;
  if (va % 4 !== 0) return `${what}Va not 4-byte aligned`;
  if (pitchBytes < width * 4 || pitchBytes % 4 !== 0) return `${what}RowPitchBytes ${pitchBytes}`;
  return undefined;
}

/** Semantic checks of a DRAW descriptor: the reason it is invalid, or undefined. */
export function checkDraw(d: DrawDesc): string | undefined {
  if (d.vertexShaderVa % 8 !== 0 || d.fragmentShaderVa % 8 !== 0) return 'shader VA not 8-byte aligned';
  if (d.varyingCount > DESC_LIMITS.varyings) return `varyingCount ${d.varyingCount}`;
  if (d.indexType !== 'none' && d.indexBufferVa % INDEX_SIZE_BYTES[d.indexType] !== 0) return 'indexBufferVa misaligned';
  const vp = [d.viewportX, d.viewportY, d.viewportWidth, d.viewportHeight, d.viewportMinDepth, d.viewportMaxDepth];
  if (!vp.every(Number.isFinite)) return 'viewport not finite';
  if (!(d.viewportWidth > 0 && d.viewportWidth <= DESC_LIMITS.attachmentSize)) return `viewportWidth ${d.viewportWidth}`;
  if (d.viewportHeight === 0 || Math.abs(d.viewportHeight) > DESC_LIMITS.attachmentSize) return `viewportHeight ${d.viewportHeight}`;
  if (Math.abs(d.viewportX) > DESC_LIMITS.viewportOrigin || Math.abs(d.viewportY) > DESC_LIMITS.viewportOrigin) return 'viewport origin out of range';
  const depths = [d.viewportMinDepth, d.viewportMaxDepth];
  if (!depths.every((z) => z >= 0 && z <= 1)) return 'viewport depth range outside [0, 1]';
  const size = [d.colorWidth, d.colorHeight];
  if (!size.every((n) => n >= 1 && n <= DESC_LIMITS.attachmentSize)) return `render area ${d.colorWidth}x${d.colorHeight}`;
  if (d.colorWriteMask > 15) return `colorWriteMask 0x${d.colorWriteMask.toString(16)}`;
  if (d.bindings.length > DESC_LIMITS.bindings || d.attributes.length > DESC_LIMITS.attributes) return 'too many bindings or attributes';
  for (const [i, a] of d.attributes.entries()) {
    if (a.format !== 'none' && a.binding >= DESC_LIMITS.bindings) return `attributes[${i}].binding ${a.binding}`;
  }
  return (
    checkPush(d.pushConstantsVa, d.pushConstantsSizeBytes) ??
    checkAttachment(d.colorVa, d.colorRowPitchBytes, d.colorWidth, 'color') ??
    checkAttachment(d.depthVa, d.depthRowPitchBytes, d.colorWidth, 'depth')
  );
}

export type DescFieldType = 'u32' | 'u64' | 'f32' | 'bool' | 'enum' | 'pad';

export interface DescField {
  readonly name: string;
  readonly offsetBytes: number;
  readonly type: DescFieldType;
  readonly values?: readonly string[];
  readonly doc: string;
}

/** A fixed-length array of sub-structs inside a descriptor. */
export interface DescArray {
  readonly name: string;
  readonly offsetBytes: number;
  readonly count: number;
  readonly strideBytes: number;
  readonly fields: readonly DescField[];
}

export interface DescLayout {
  readonly name: string;
  readonly magic: number;
  readonly sizeBytes: number;
  readonly fields: readonly DescField[];
  readonly arrays: readonly DescArray[];
}

const f = (name: string, offsetBytes: number, type: DescFieldType, doc: string, values?: readonly string[]): DescField =>
  values ? { name, offsetBytes, type, doc, values } : { name, offsetBytes, type, doc };

export const DISPATCH_DESC_LAYOUT: DescLayout = {
  name: 'DISPATCH',
  magic: 0x50534944, // "DISP"
  sizeBytes: 48,
  fields: [
    f('magic', 0, 'u32', 'must be 0x50534944 ("DISP")'),
    f('localSizeX', 4, 'u32', 'workgroup width in invocations, ≥ 1'),
    f('localSizeY', 8, 'u32', 'workgroup height, ≥ 1'),
    f('localSizeZ', 12, 'u32', 'workgroup depth, ≥ 1; x*y*z ≤ 1024'),
    f('shaderVa', 16, 'u64', 'compute program, 8-byte aligned'),
    f('pushConstantsVa', 24, 'u64', 'push-constant bytes, 4-byte aligned; ignored when size is 0'),
    f('pushConstantsSizeBytes', 32, 'u32', '0..256, multiple of 4'),
    f('groupCountX', 36, 'u32', 'workgroups along x, ≤ 65535 (0 = no work)'),
    f('groupCountY', 40, 'u32', 'workgroups along y, ≤ 65535'),
    f('groupCountZ', 44, 'u32', 'workgroups along z, ≤ 65535'),
  ],
  arrays: [],
};

export const DRAW_DESC_LAYOUT: DescLayout = {
  name: 'DRAW',
  magic: 0x57415244, // "DRAW"
  sizeBytes: 352,
  fields: [
    f('magic', 0, 'u32', 'must be 0x57415244 ("DRAW")'),
    f('vertexCount', 4, 'u32', 'vertices (or indices) to draw; triangle list, a trailing partial triangle is ignored'),
    f('instanceCount', 8, 'u32', 'instances (0 = no work)'),
    f('firstVertex', 12, 'u32', 'non-indexed: first vertex index; indexed: added to every index (vertexOffset)'),
    f('firstInstance', 16, 'u32', 'INSTANCE_INDEX of instance 0'),
    f('indexType', 20, 'enum', 'index buffer element type', INDEX_TYPES),
    f('indexBufferVa', 24, 'u64', 'first index to read (firstIndex folded in); aligned to the index size'),
    f('vertexShaderVa', 32, 'u64', 'vertex program, 8-byte aligned'),
    f('fragmentShaderVa', 40, 'u64', 'fragment program, 8-byte aligned'),
    f('pushConstantsVa', 48, 'u64', 'push constants shared by both stages, 4-byte aligned'),
    f('pushConstantsSizeBytes', 56, 'u32', '0..256, multiple of 4'),
    f('varyingCount', 60, 'u32', 'vec4 varying slots passed vertex → fragment, 0..8'),
    f('viewportX', 64, 'f32', 'viewport left edge, pixels'),
    f('viewportY', 68, 'f32', 'viewport top edge, pixels'),
    f('viewportWidth', 72, 'f32', 'pixels, > 0'),
    f('viewportHeight', 76, 'f32', 'pixels, ≠ 0 (negative flips y, as VK_KHR_maintenance1)'),
    f('viewportMinDepth', 80, 'f32', 'depth of NDC z = 0, in [0, 1]'),
    f('viewportMaxDepth', 84, 'f32', 'depth of NDC z = 1, in [0, 1]'),
    f('cullMode', 88, 'enum', 'faces to discard', CULL_MODES),
    f('frontFace', 92, 'enum', 'winding (in framebuffer space, y down) that is front-facing', FRONT_FACES),
    f('colorVa', 96, 'u64', 'RGBA8 colour attachment, 4-byte aligned; 0 = none'),
    f('colorWidth', 104, 'u32', 'render area width in pixels, 1..16384 (also the depth attachment’s)'),
    f('colorHeight', 108, 'u32', 'render area height in pixels, 1..16384'),
    f('colorRowPitchBytes', 112, 'u32', 'bytes between rows, ≥ 4*width, multiple of 4'),
    f('depthRowPitchBytes', 116, 'u32', 'bytes between depth rows, ≥ 4*width, multiple of 4 (when depthVa ≠ 0)'),
    f('depthVa', 120, 'u64', 'D32F depth attachment, 4-byte aligned; 0 = none'),
    f('depthTestEnable', 128, 'bool', 'compare fragment depth with the attachment'),
    f('depthWriteEnable', 132, 'bool', 'write depth of passing fragments'),
    f('depthCompare', 136, 'enum', 'passes when (fragment op stored)', COMPARE_OPS),
    f('colorWriteMask', 140, 'u32', 'bit 0 R, 1 G, 2 B, 3 A; other bits must be zero'),
    f('blendMode', 144, 'enum', 'none; alpha = src·srcA + dst·(1−srcA) (alpha: srcA + dstA·(1−srcA)); additive = src + dst', BLEND_MODES),
    f('pad0', 148, 'pad', 'must be zero'),
    f('pad1', 152, 'pad', 'must be zero'),
    f('pad2', 156, 'pad', 'must be zero'),
  ],
  arrays: [
    {
      name: 'bindings',
      offsetBytes: 160,
      count: DESC_LIMITS.bindings,
      strideBytes: 16,
      fields: [
        f('va', 0, 'u64', 'buffer start'),
        f('strideBytes', 8, 'u32', 'bytes between consecutive elements'),
        f('inputRate', 12, 'enum', 'element index: vertex index or instance index', INPUT_RATES),
      ],
    },
    {
      name: 'attributes',
      offsetBytes: 224,
      count: DESC_LIMITS.attributes,
      strideBytes: 16,
      fields: [
        f('binding', 0, 'u32', 'vertex binding 0..3'),
        f('offsetBytes', 4, 'u32', 'offset inside an element; the address must be 4-byte aligned'),
        f('format', 8, 'enum', 'none = attribute unused (reads (0,0,0,1))', VERTEX_FORMATS),
        f('pad', 12, 'pad', 'must be zero'),
      ],
    },
  ],
};

/** A decoded descriptor before typing: field name → number | boolean | enum string, arrays as DescRow[]. */
export type DescRow = Record<string, unknown>;

function putField(view: DataView, at: number, field: DescField, value: unknown, where: string): void {
  let v: number;
  if (field.type === 'enum') v = field.values!.indexOf(String(value ?? field.values![0]));
  else if (field.type === 'bool') v = value ? 1 : 0;
  else v = typeof value === 'number' ? value : 0;
  if (field.type === 'enum' && v < 0) throw new RangeError(`${where}.${field.name}: ${String(value)} not in ${field.values!.join('|')}`);
  if (field.type === 'f32') view.setFloat32(at, v, true);
  else if (field.type === 'u64') writeU64(view, at, v);
  else view.setUint32(at, v >>> 0, true);
}

function getField(view: DataView, at: number, field: DescField, where: string): unknown {
  switch (field.type) {
    case 'u64':
      return readU64(view, at);
    case 'f32':
      return view.getFloat32(at, true);
    case 'u32':
      return view.getUint32(at, true);
    case 'bool': {
      const v = view.getUint32(at, true);
      if (v > 1) throw new DescError(`${where}.${field.name} = ${v} is not a boolean`);
      return v === 1;
    }
    case 'enum': {
      const v = view.getUint32(at, true);
      const name = field.values![v];
      if (name === undefined) throw new DescError(`${where}.${field.name} = ${v} out of range`);
      return name;
    }
    case 'pad': {
      const v = view.getUint32(at, true);
      if (v !== 0) throw new DescError(`${where}.${field.name} = ${v}, must be zero`);
      return 0;
    }
  }
}

class DescError {
  constructor(readonly message: string) {}
}

/** Encode a descriptor object with `layout`; missing fields and array entries are zero. */
export function encodeDesc(layout: DescLayout, desc: object): Uint8Array {
  const bytes = new Uint8Array(layout.sizeBytes);
  const view = viewOf(bytes);
  const row = desc as DescRow;
  for (const field of layout.fields) {
    putField(view, field.offsetBytes, field, field.name === 'magic' ? layout.magic : row[field.name], layout.name);
  }
  for (const arr of layout.arrays) {
    const items = (row[arr.name] ?? []) as readonly DescRow[];
    if (items.length > arr.count) throw new RangeError(`${layout.name}.${arr.name}: ${items.length} > ${arr.count}`);
    for (let i = 0; i < arr.count; i++) {
      const item = items[i] ?? {};
      for (const field of arr.fields) {
        putField(view, arr.offsetBytes + i * arr.strideBytes + field.offsetBytes, field, item[field.name], `${layout.name}.${arr.name}[${i}]`);
      }
    }
  }
  return bytes;
}

/** Decode descriptor bytes with `layout` into a plain object; an error string on bad magic, pad, enum or bool. */
export function parseDesc(layout: DescLayout, bytes: Uint8Array): DescRow | string {
  if (bytes.length < layout.sizeBytes) return `${layout.name}: ${bytes.length} bytes, need ${layout.sizeBytes}`;
  const view = viewOf(bytes);
  const row: DescRow = {};
  try {
    // Build the object without `delete`, which would drop it into slow dictionary mode.
    for (const field of layout.fields) {
      const value = getField(view, field.offsetBytes, field, layout.name);
      if (field.name === 'magic' && value !== layout.magic) return `${layout.name}: bad magic 0x${Number(value).toString(16)}`;
      if (field.name !== 'magic' && field.type !== 'pad') row[field.name] = value;
    }
    for (const arr of layout.arrays) {
      const items: DescRow[] = [];
      for (let i = 0; i < arr.count; i++) {
        const item: DescRow = {};
        for (const field of arr.fields) {
          const v = getField(view, arr.offsetBytes + i * arr.strideBytes + field.offsetBytes, field, `${layout.name}.${arr.name}[${i}]`);
          if (field.type !== 'pad') item[field.name] = v;
        }
        items.push(item);
      }
      row[arr.name] = items;
    }
  } catch (e) {
    if (e instanceof DescError) return e.message;
    throw e;
  }
  return row;
}

export function encodeDispatchDesc(desc: DispatchDesc): Uint8Array {
  return encodeDesc(DISPATCH_DESC_LAYOUT, desc);
}

export function encodeDrawDesc(desc: DrawDesc): Uint8Array {
  return encodeDesc(DRAW_DESC_LAYOUT, desc);
}

// The casts below are sound because the layouts list exactly the interfaces'
// fields (job-descriptors.test.ts round-trips every field) and checkX validates values.
export function parseDispatchDesc(bytes: Uint8Array): DispatchDesc | string {
  const row = parseDesc(DISPATCH_DESC_LAYOUT, bytes);
  if (typeof row === 'string') return row;
  const desc = row as unknown as DispatchDesc;
  return checkDispatch(desc) ?? desc;
}

export function parseDrawDesc(bytes: Uint8Array): DrawDesc | string {
  const row = parseDesc(DRAW_DESC_LAYOUT, bytes);
  if (typeof row === 'string') return row;
  const desc = row as unknown as DrawDesc;
  return checkDraw(desc) ?? desc;
}

function readDesc<T>(port: GpuMemoryPort, va: number, layout: DescLayout, parse: (b: Uint8Array) => T | string): T {
  if (va % 8 !== 0) raise('ALIGNMENT', va, 'read', port.as, `${layout.name} descriptor not 8-byte aligned`);
  const result = parse(port.readBytes(va, layout.sizeBytes));
  if (typeof result === 'string') raise('DESC_INVALID', va, 'read', port.as, result);
  return result;
}

/** Read and validate a DISPATCH descriptor; faults: MMU faults, ALIGNMENT, DESC_INVALID. */
export function decodeDispatchDesc(port: GpuMemoryPort, va: number): DispatchDesc {
  return readDesc(port, va, DISPATCH_DESC_LAYOUT, parseDispatchDesc);
}

/** Read and validate a DRAW descriptor; faults: MMU faults, ALIGNMENT, DESC_INVALID. */
export function decodeDrawDesc(port: GpuMemoryPort, va: number): DrawDesc {
  return readDesc(port, va, DRAW_DESC_LAYOUT, parseDrawDesc);
}
