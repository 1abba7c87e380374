/**
 * Field-by-field differences between a recorded event and a regenerated one, as the
 * divergence report lists them (`FieldDiff`, divergence.ts).
 *
 * Model
 * - Paths are JSON-pointer-like into the event: `errno`, `copies[1].bytes`,
 *   `endedBy.seqno`. Objects and arrays are compared member by member; a length
 *   difference is one entry (`copies.length`) followed by the members both have.
 * - Byte arrays are summarised, never dumped: length and up to 16 bytes from the
 *   first difference, with the offset in `note` — a 4 MiB frame stays one line.
 * - An ioctl's argument bytes are decoded with their uAPI struct when both sides
 *   have the same length, so the report says `argOut.handle: 1 → 2` rather than a
 *   byte offset; only pad bytes fall back to the byte form.
 *
 * Example: diffValues('', { errno: 0, argOut: <8 bytes> }, { errno: 22, argOut: <8 bytes> })
 *   → [{ path: 'errno', expected: '0', actual: '22' }]
 */
import { ioctlByNr } from '../engine/kmd/uapi';
import type { TraceEvent } from '../engine/trace/events';
import type { FieldDiff } from './divergence';

const WINDOW_BYTES = 16;

export function diffEvents(expected: TraceEvent, actual: TraceEvent): FieldDiff[] {
  if (expected.kind !== actual.kind) return [{ path: 'kind', expected: expected.kind, actual: actual.kind }];
  const out = diffValues('', expected, actual);
  if (expected.kind !== 'kmd.ioctl' || actual.kind !== 'kmd.ioctl') return out;
  const def = ioctlByNr(expected.request);
  if (!def) return out;
  return out.flatMap((d) => {
    if (d.path !== 'argIn' && d.path !== 'argOut') return [d];
    const a = expected[d.path];
    const b = actual[d.path];
    if (a.length !== b.length) return [d];
    const fields = diffValues(d.path, plain(def.arg.decode(a)), plain(def.arg.decode(b)));
    return fields.length ? fields : [d];
  });
}

/** Differences between two plain values (numbers, strings, byte arrays, arrays, objects). */
export function diffValues(path: string, a: unknown, b: unknown): FieldDiff[] {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (a instanceof Uint8Array && b instanceof Uint8Array) return diffBytes(path, a, b);
    return [{ path, expected: show(a), actual: show(b) }];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: FieldDiff[] = [];
    if (a.length !== b.length) out.push({ path: `${path}.length`, expected: String(a.length), actual: String(b.length) });
    for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(...diffValues(`${path}[${i}]`, a[i], b[i]));
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: FieldDiff[] = [];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) out.push(...diffValues(path ? `${path}.${k}` : k, a[k], b[k]));
    return out;
  }
  return Object.is(a, b) ? [] : [{ path, expected: show(a), actual: show(b) }];
}

function diffBytes(path: string, a: Uint8Array, b: Uint8Array): FieldDiff[] {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n && a.length === b.length) return [];
  const note = i < n ? `first difference at byte ${i}` : `lengths differ; equal up to byte ${n}`;
  return [{ path, expected: bytesSummary(a, i), actual: bytesSummary(b, i), note }];
}

/** `<N bytes> @off: xx xx …` — the window from the first difference. */
export function bytesSummary(bytes: Uint8Array, from = 0): string {
  const window = Array.from(bytes.subarray(from, from + WINDOW_BYTES), (x) => x.toString(16).padStart(2, '0')).join(' ');
  const more = from + WINDOW_BYTES < bytes.length ? ' …' : '';
  return `<${bytes.length} bytes>${window ? ` @${from}: ${window}${more}` : ''}`;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (v instanceof Uint8Array) return bytesSummary(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? bytesSummary(x) : x));
  return String(v);
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A decoded struct as a plain object (readonly arrays copied), for diffValues. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v)) as unknown;
}
