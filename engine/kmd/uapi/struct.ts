/**
 * Declarative C struct codec for the uAPI.
 *
 * Model: a struct is an ordered list of fields; each field has a C type, a
 * direction across the ioctl boundary, a unit and a doc string. Everything else
 * (offsets, alignment, size, encoder, decoder, pad checks, text form) is derived
 * from that list, so the layout is written down exactly once.
 *
 * Layout rules are those of the LP64 C ABI used by arm64 and x86-64 Linux:
 * every field sits at its natural alignment (u8 1, u16 2, u32/s32 4, u64/s64 8,
 * an array like its element, a nested struct like its most aligned member), the
 * struct is as aligned as its most aligned member and its size is a multiple of
 * that. All values are little-endian.
 *
 * Invariant: a definition may not rely on the compiler to insert padding. Every
 * byte belongs to a named field, so every hole must be spelled out as a pad
 * field — `pad: 'mbz'` for the header's must-be-zero pads, `pad: 'implicit'` for
 * holes the C compiler inserts in old DRM core structs (drm_version). A
 * definition that leaves a hole throws at module load: that is a bug in our
 * table, not bad input.
 *
 * 64-bit values (u64, s64) decode to plain `number`, like the rest of the engine
 * (see engine/base/bytes.ts): every GPU VA, size, handle and timeline point in
 * our stack stays below 2^53. Values at or above 2^53 (e.g. the INT64_MAX
 * "wait forever" timeout real Mesa passes) decode rounded to the nearest
 * double; `describe(bytes)` prints them exactly, and the raw argument bytes
 * are what the recorder keeps. Encoding accepts `number | bigint` for 64-bit
 * fields so an exact value can always be written.
 *
 * Example:
 *   const pair = defineStruct('pair', [
 *     { name: 'a', type: 'u32', dir: 'in', unit: 'count', doc: 'First.' },
 *     { name: 'b', type: 'u64', dir: 'out', unit: 'gpuva', doc: 'Second.' },
 *   ], 'A pair.');
 *   // → throws: pair.b at offset 4 is not 8-aligned; add an explicit pad field
 * and with `mbz('pad')` between a and b: sizeBytes 16, offsetOf('b') 8.
 */

/** Scalar C types: __u8, __u16, __u32, __u64, __s32 (also `int`), __s64. */
export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 's64';

/** Fixed-size array of a scalar, written like C: 'u8[3]', 'u32[4]'. */
export type ArrayType = `${ScalarType}[${number}]`;

/** Which way a field's value crosses the boundary. 'in' = user → kernel. */
export type Direction = 'in' | 'out' | 'inout';

/** Must-be-zero pad from the header, or a hole the C compiler inserts. */
export type PadKind = 'mbz' | 'implicit';

/**
 * What a field's number means. Drives the text form: flags, masks, register
 * values and addresses print in hex, everything else in decimal.
 */
export type Unit =
  | 'none' // no unit (pads, opaque values)
  | 'bytes'
  | 'count'
  | 'index'
  | 'ns'
  | 's'
  | 'hz'
  | 'ticks' // GPU timestamp-counter ticks
  | 'cycles'
  | 'handle' // per-file object handle (GEM, syncobj, group, heap)
  | 'id' // per-file id (VM id)
  | 'fd'
  | 'enum'
  | 'flags'
  | 'bitmask'
  | 'reg' // raw hardware register value
  | 'uptr' // user-space virtual address
  | 'gpuva' // GPU virtual address
  | 'mmap_offset'; // fake file offset to pass to mmap()

const HEX_UNITS: ReadonlySet<Unit> = new Set<Unit>(['flags', 'bitmask', 'reg', 'uptr', 'gpuva', 'mmap_offset']);

/** One field as written in a definition. */
export interface FieldSpec {
  readonly name: string;
  readonly type: ScalarType | ArrayType | AnyStruct;
  readonly dir: Direction;
  readonly unit: Unit;
  /** Meaning, including what zero means, required alignment and valid range. */
  readonly doc: string;
  readonly pad?: PadKind;
}

/** One field with its derived placement. */
export interface FieldLayout {
  readonly name: string;
  readonly kind: 'scalar' | 'array' | 'struct';
  /** Element type for scalars and arrays; undefined for nested structs. */
  readonly scalar: ScalarType | undefined;
  /** Element count for arrays, 1 otherwise. */
  readonly count: number;
  readonly struct: AnyStruct | undefined;
  readonly offsetBytes: number;
  readonly sizeBytes: number;
  readonly alignBytes: number;
  readonly dir: Direction;
  readonly unit: Unit;
  readonly doc: string;
  readonly pad: PadKind | undefined;
  /** The C spelling of the type, e.g. 'u32', 'u8[3]', 'struct drm_panthor_obj_array'. */
  readonly cType: string;
}

type Is64<S extends ScalarType> = S extends 'u64' | 's64' ? true : false;

/** Decoded value of a field of type T. */
export type FieldValue<T> = T extends StructDef<infer G>
  ? StructValue<G>
  : T extends ScalarType
    ? number
    : T extends `${ScalarType}[${number}]`
      ? readonly number[]
      : never;

/** Accepted input for a field of type T when encoding. */
export type FieldInput<T> = T extends StructDef<infer G>
  ? StructInput<G>
  : T extends ScalarType
    ? Is64<T> extends true
      ? number | bigint
      : number
    : T extends `${infer S extends ScalarType}[${number}]`
      ? Is64<S> extends true
        ? readonly (number | bigint)[]
        : readonly number[]
      : never;

/** The decoded object of a struct: every field present. */
export type StructValue<F extends readonly FieldSpec[]> = {
  readonly [K in F[number] as K['name']]: FieldValue<K['type']>;
};

/** Encoder input: any field may be left out and encodes as zero. */
export type StructInput<F extends readonly FieldSpec[]> = {
  readonly [K in F[number] as K['name']]?: FieldInput<K['type']>;
};

/** A struct definition with its derived codec. */
export interface StructDef<F extends readonly FieldSpec[]> {
  /** C struct tag, e.g. 'drm_panthor_vm_bind'. */
  readonly name: string;
  readonly doc: string;
  readonly spec: F;
  readonly fields: readonly FieldLayout[];
  readonly sizeBytes: number;
  readonly alignBytes: number;
  /** Byte offset of a field. */
  offsetOf(name: F[number]['name']): number;
  /** Bytes of a fresh argument buffer; missing fields are zero. */
  encode(obj?: StructInput<F>): Uint8Array;
  /**
   * Decode. Shorter input is zero-extended and longer input is cut, as the DRM
   * core and panthor's stride/size handling do for older or newer userspace.
   */
  decode(bytes: Uint8Array): StructValue<F>;
  /** Must-be-zero pads (dotted paths into nested structs) whose bytes are not all zero. */
  nonZeroPad(bytes: Uint8Array): readonly string[];
  padIsZero(bytes: Uint8Array): boolean;
  /**
   * One-line text form, e.g. `{vm_id=1, flags=0x1, ops={stride=48, count=2, array=0x10000}}`.
   * Zero must-be-zero pads and implicit holes are left out. Given bytes, 64-bit
   * fields print exactly; given a decoded value, as decoded.
   */
  describe(value: StructValue<F> | Uint8Array): string;
  /** @internal Read the struct at `offset` of a view that covers it. */
  readAt(view: DataView, offset: number): StructValue<F>;
  /** @internal Write the struct at `offset`; missing fields are left as they are (zero). */
  writeAt(view: DataView, offset: number, obj: StructInput<F> | undefined): void;
  /** @internal Text form read straight from bytes. */
  describeAt(view: DataView, offset: number): string;
  /** @internal Pad check at `offset`, paths prefixed with `prefix`. */
  padsAt(view: DataView, offset: number, prefix: string, out: string[]): void;
}

/** A struct of unknown shape, as held by tables and nested fields. */
export type AnyStruct = StructDef<readonly FieldSpec[]>;

/** Decoded value of a struct of unknown shape. */
export type AnyStructValue = StructValue<readonly FieldSpec[]>;

/** Encoder input of a struct of unknown shape. */
export type AnyStructInput = StructInput<readonly FieldSpec[]>;

const SCALAR_SIZE: Readonly<Record<ScalarType, number>> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, s64: 8 };
const ARRAY_RE = /^(u8|u16|u32|u64|s32|s64)\[(\d+)\]$/;

function isScalar(t: string): t is ScalarType {
  return Object.hasOwn(SCALAR_SIZE, t);
}

function layoutOf(spec: FieldSpec, offsetBytes: number): FieldLayout {
  const base = { name: spec.name, offsetBytes, dir: spec.dir, unit: spec.unit, doc: spec.doc, pad: spec.pad };
  const t = spec.type;
  if (typeof t !== 'string') {
    return {
      ...base,
      kind: 'struct',
      scalar: undefined,
      count: 1,
      struct: t,
      sizeBytes: t.sizeBytes,
      alignBytes: t.alignBytes,
      cType: `struct ${t.name}`,
    };
  }
  if (isScalar(t)) {
    const size = SCALAR_SIZE[t];
    return { ...base, kind: 'scalar', scalar: t, count: 1, struct: undefined, sizeBytes: size, alignBytes: size, cType: t };
  }
  const m = ARRAY_RE.exec(t);
  const elem = m?.[1];
  const n = Number(m?.[2]);
  if (elem === undefined || !isScalar(elem) || !(n > 0)) throw new Error(`uapi: bad field type '${t}' for ${spec.name}`);
  const size = SCALAR_SIZE[elem];
  return { ...base, kind: 'array', scalar: elem, count: n, struct: undefined, sizeBytes: size * n, alignBytes: size, cType: t };
}

// ---- scalar access ---------------------------------------------------------

function readScalar(view: DataView, off: number, t: ScalarType): number {
  switch (t) {
    case 'u8':
      return view.getUint8(off);
    case 'u16':
      return view.getUint16(off, true);
    case 'u32':
      return view.getUint32(off, true);
    case 's32':
      return view.getInt32(off, true);
    case 'u64':
      return view.getUint32(off, true) + view.getUint32(off + 4, true) * 0x1_0000_0000;
    case 's64':
      return view.getUint32(off, true) + view.getInt32(off + 4, true) * 0x1_0000_0000;
  }
}

function readScalarExact(view: DataView, off: number, t: ScalarType): number | bigint {
  if (t === 'u64') return view.getBigUint64(off, true);
  if (t === 's64') return view.getBigInt64(off, true);
  return readScalar(view, off, t);
}

/**
 * Store like a C assignment to the field's type: integers wrap modulo 2^bits,
 * so `SIGNAL | 1` (negative in JS bit arithmetic) lands as 0x80000001. A
 * non-integer is a caller bug.
 */
function writeScalar(view: DataView, off: number, t: ScalarType, v: number | bigint, what: string): void {
  if (typeof v === 'number' && !Number.isInteger(v)) throw new RangeError(`uapi: ${what} = ${v} is not an integer`);
  switch (t) {
    case 'u8':
      view.setUint8(off, Number(BigInt.asUintN(8, BigInt(v))));
      return;
    case 'u16':
      view.setUint16(off, Number(BigInt.asUintN(16, BigInt(v))), true);
      return;
    case 'u32':
    case 's32':
      view.setUint32(off, Number(BigInt.asUintN(32, BigInt(v))), true);
      return;
    case 'u64':
    case 's64':
      view.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true);
      return;
  }
}

function formatNumber(v: number | bigint, unit: Unit): string {
  if (!HEX_UNITS.has(unit)) return String(v);
  if (v < 0) return String(v);
  return `0x${v.toString(16)}`;
}

// ---- implementation --------------------------------------------------------

type Rec = Readonly<Record<string, unknown>>;

class StructImpl<F extends readonly FieldSpec[]> {
  readonly fields: readonly FieldLayout[];
  readonly sizeBytes: number;
  readonly alignBytes: number;
  readonly #byName: ReadonlyMap<string, FieldLayout>;

  constructor(
    readonly name: string,
    readonly spec: F,
    readonly doc: string,
  ) {
    const fields: FieldLayout[] = [];
    let off = 0;
    let align = 1;
    for (const f of spec) {
      const l = layoutOf(f, off);
      if (off % l.alignBytes !== 0) {
        throw new Error(`uapi: ${name}.${f.name} at offset ${off} is not ${l.alignBytes}-aligned; add an explicit pad field`);
      }
      if (fields.some((g) => g.name === f.name)) throw new Error(`uapi: ${name}.${f.name} defined twice`);
      fields.push(l);
      off += l.sizeBytes;
      align = Math.max(align, l.alignBytes);
    }
    if (off % align !== 0) throw new Error(`uapi: ${name} ends at ${off}, not a multiple of its alignment ${align}; add a tail pad`);
    this.fields = fields;
    this.sizeBytes = off;
    this.alignBytes = align;
    this.#byName = new Map(fields.map((l) => [l.name, l]));
  }

  offsetOf(name: string): number {
    const l = this.#byName.get(name);
    if (l === undefined) throw new Error(`uapi: ${this.name} has no field ${name}`);
    return l.offsetBytes;
  }

  encode(obj?: Rec): Uint8Array {
    const bytes = new Uint8Array(this.sizeBytes);
    this.writeAt(new DataView(bytes.buffer), 0, obj);
    return bytes;
  }

  decode(bytes: Uint8Array): Rec {
    return this.readAt(this.#viewOf(bytes), 0);
  }

  nonZeroPad(bytes: Uint8Array): readonly string[] {
    const out: string[] = [];
    this.padsAt(this.#viewOf(bytes), 0, '', out);
    return out;
  }

  padIsZero(bytes: Uint8Array): boolean {
    return this.nonZeroPad(bytes).length === 0;
  }

  describe(value: Rec | Uint8Array): string {
    if (value instanceof Uint8Array) return this.describeAt(this.#viewOf(value), 0);
    return this.#describeValue(value);
  }

  readAt(view: DataView, offset: number): Rec {
    const out: Record<string, unknown> = {};
    for (const l of this.fields) {
      const at = offset + l.offsetBytes;
      if (l.struct !== undefined) out[l.name] = l.struct.readAt(view, at);
      else if (l.kind === 'array') out[l.name] = readArray(view, at, l);
      else out[l.name] = readScalar(view, at, scalarOf(l));
    }
    return out;
  }

  writeAt(view: DataView, offset: number, obj: Rec | undefined): void {
    if (obj === undefined) return;
    for (const l of this.fields) {
      const v = obj[l.name];
      if (v === undefined) continue;
      const at = offset + l.offsetBytes;
      const what = `${this.name}.${l.name}`;
      if (l.struct !== undefined) {
        if (typeof v !== 'object' || v === null) throw new TypeError(`uapi: ${what} expects an object`);
        l.struct.writeAt(view, at, v as AnyStructInput);
      } else if (l.kind === 'array') {
        if (!Array.isArray(v)) throw new TypeError(`uapi: ${what} expects an array`);
        if (v.length > l.count) throw new RangeError(`uapi: ${what} holds ${l.count} elements, got ${v.length}`);
        const t = scalarOf(l);
        v.forEach((e: unknown, i: number) => writeScalar(view, at + i * SCALAR_SIZE[t], t, asInt(e, what), what));
      } else {
        writeScalar(view, at, scalarOf(l), asInt(v, what), what);
      }
    }
  }

  padsAt(view: DataView, offset: number, prefix: string, out: string[]): void {
    for (const l of this.fields) {
      const at = offset + l.offsetBytes;
      if (l.struct !== undefined) {
        l.struct.padsAt(view, at, `${prefix}${l.name}.`, out);
      } else if (l.pad === 'mbz' && !bytesZero(view, at, l.sizeBytes)) {
        out.push(`${prefix}${l.name}`);
      }
    }
  }

  describeAt(view: DataView, offset: number): string {
    const parts: string[] = [];
    for (const l of this.fields) {
      const at = offset + l.offsetBytes;
      if (l.pad === 'implicit' || (l.pad === 'mbz' && bytesZero(view, at, l.sizeBytes))) continue;
      let text: string;
      if (l.struct !== undefined) {
        text = l.struct.describeAt(view, at);
      } else {
        const t = scalarOf(l);
        const elems: string[] = [];
        for (let i = 0; i < l.count; i++) elems.push(formatNumber(readScalarExact(view, at + i * SCALAR_SIZE[t], t), l.unit));
        text = l.kind === 'array' ? `[${elems.join(', ')}]` : (elems[0] ?? '');
      }
      parts.push(`${l.name}=${text}`);
    }
    return `{${parts.join(', ')}}`;
  }

  #describeValue(value: Rec): string {
    const parts: string[] = [];
    for (const l of this.fields) {
      const v = value[l.name];
      if (l.pad === 'implicit' || (l.pad === 'mbz' && isZeroValue(v))) continue;
      let text: string;
      if (l.struct !== undefined && typeof v === 'object' && v !== null && !Array.isArray(v)) {
        text = l.struct.describe(v as AnyStructValue);
      } else if (Array.isArray(v)) {
        text = `[${v.map((e: unknown) => formatNumber(asInt(e, l.name), l.unit)).join(', ')}]`;
      } else if (typeof v === 'number' || typeof v === 'bigint') {
        text = formatNumber(v, l.unit);
      } else {
        text = '?';
      }
      parts.push(`${l.name}=${text}`);
    }
    return `{${parts.join(', ')}}`;
  }

  #viewOf(bytes: Uint8Array): DataView {
    if (bytes.byteLength >= this.sizeBytes) return new DataView(bytes.buffer, bytes.byteOffset, this.sizeBytes);
    const padded = new Uint8Array(this.sizeBytes);
    padded.set(bytes);
    return new DataView(padded.buffer);
  }
}

function scalarOf(l: FieldLayout): ScalarType {
  if (l.scalar === undefined) throw new Error(`uapi: field ${l.name} is not scalar`);
  return l.scalar;
}

function readArray(view: DataView, at: number, l: FieldLayout): readonly number[] {
  const t = scalarOf(l);
  const out: number[] = [];
  for (let i = 0; i < l.count; i++) out.push(readScalar(view, at + i * SCALAR_SIZE[t], t));
  return out;
}

function asInt(v: unknown, what: string): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  throw new TypeError(`uapi: ${what} expects a number`);
}

function bytesZero(view: DataView, at: number, size: number): boolean {
  for (let i = 0; i < size; i++) if (view.getUint8(at + i) !== 0) return false;
  return true;
}

function isZeroValue(v: unknown): boolean {
  if (Array.isArray(v)) return v.every((e: unknown) => e === 0 || e === 0n);
  return v === 0 || v === 0n || v === undefined;
}

/**
 * Define a struct. `fields` is written as a literal so the field names and
 * types flow into the decoded and encoder-input types.
 *
 * Example:
 *   const drm_x = defineStruct('drm_x', [
 *     { name: 'handle', type: 'u32', dir: 'in', unit: 'handle', doc: 'Object; non-zero.' },
 *     mbz('pad'),
 *   ], 'An example.');
 *   drm_x.encode({ handle: 7 })            // → Uint8Array [7, 0, 0, 0, 0, 0, 0, 0]
 *   drm_x.decode(bytes).handle             // → number
 *   drm_x.describe(drm_x.encode({ handle: 7 }))  // → '{handle=7}'
 */
export function defineStruct<const F extends readonly FieldSpec[]>(name: string, fields: F, doc: string): StructDef<F> {
  return new StructImpl(name, fields, doc) as unknown as StructDef<F>;
}

/** A must-be-zero pad field as the headers spell them (`__u32 pad;`, `__u8 pad[3];`). */
export function mbz<const N extends string, const T extends ScalarType | ArrayType = 'u32'>(
  name: N,
  type?: T,
): { readonly name: N; readonly type: T; readonly dir: 'in'; readonly unit: 'none'; readonly doc: string; readonly pad: 'mbz' } {
  return {
    name,
    type: type ?? ('u32' as T),
    dir: 'in',
    unit: 'none',
    doc: 'Padding: must be zero on input (EINVAL otherwise), zero on output.',
    pad: 'mbz',
  };
}

/**
 * A hole the C compiler inserts (not in the header). Named only so every byte
 * has an owner; the kernel neither checks nor writes it, so its bytes are
 * whatever userspace left there and are ignored by pad checks and the text form.
 */
export function implicitPad<const N extends string, const T extends ScalarType | ArrayType = 'u32'>(
  name: N,
  type?: T,
): { readonly name: N; readonly type: T; readonly dir: 'in'; readonly unit: 'none'; readonly doc: string; readonly pad: 'implicit' } {
  return {
    name,
    type: type ?? ('u32' as T),
    dir: 'in',
    unit: 'none',
    doc: 'Compiler-inserted alignment hole (not named in the C header). Not checked; ignored.',
    pad: 'implicit',
  };
}

/**
 * Encode `items` as a user-memory array of `elem` with stride = elem.sizeBytes,
 * the layout a drm_panthor_obj_array points at.
 */
export function encodeArray<F extends readonly FieldSpec[]>(elem: StructDef<F>, items: readonly StructInput<F>[]): Uint8Array {
  const out = new Uint8Array(elem.sizeBytes * items.length);
  const view = new DataView(out.buffer);
  items.forEach((item, i) => elem.writeAt(view, i * elem.sizeBytes, item));
  return out;
}

/**
 * Decode `count` elements laid out `strideBytes` apart. Each element is read
 * as min(stride, sizeBytes) bytes, zero-extended: an older userspace (smaller
 * stride) gets the "old behaviour" zeros for fields it does not know; bytes of
 * a newer userspace beyond our size are not looked at here (the kernel requires
 * them to be zero — that check is the caller's).
 */
export function decodeArray<F extends readonly FieldSpec[]>(
  elem: StructDef<F>,
  bytes: Uint8Array,
  strideBytes: number,
  count: number,
): readonly StructValue<F>[] {
  const out: StructValue<F>[] = [];
  const take = Math.min(strideBytes, elem.sizeBytes);
  for (let i = 0; i < count; i++) {
    const start = i * strideBytes;
    out.push(elem.decode(bytes.subarray(start, Math.min(start + take, bytes.length))));
  }
  return out;
}
