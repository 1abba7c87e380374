/**
 * Field-by-field differences between two values, as a divergence report lists them.
 *
 * Model: a walk over both values in step; paths read like the event's fields
 * (`value.sizeBytes`, `value[2]`, `rgba`). Byte arrays are never printed whole: they
 * are summarised by length and their first differing offset, so a 4 MiB frame costs a
 * line. At most `limit` differences are listed (the first ones in field order).
 *
 * Example:
 *   fieldDiffs({ result: 0, value: [3, 4] }, { result: -4, value: [3] })
 *   // → [{ path: 'result', expected: '0', actual: '-4' },
 *   //    { path: 'value', expected: 'array of 2', actual: 'array of 1', note: 'lengths differ' }]
 */
import type { FieldDiff } from './divergence';

export const DEFAULT_DIFF_LIMIT = 16;

export function fieldDiffs(expected: unknown, actual: unknown, limit = DEFAULT_DIFF_LIMIT): FieldDiff[] {
  const out: FieldDiff[] = [];
  walk(expected, actual, '', out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: FieldDiff[], limit: number): void {
  if (out.length >= limit) return;
  const at = path || '(value)';
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (a instanceof Uint8Array && b instanceof Uint8Array) {
      const first = firstByteDifference(a, b);
      if (first >= 0) out.push({ path: at, expected: bytesText(a), actual: bytesText(b), note: `first difference at byte ${first}` });
    } else out.push({ path: at, expected: printable(a), actual: printable(b) });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push({ path: at, expected: `array of ${a.length}`, actual: `array of ${b.length}`, note: 'lengths differ' });
      return;
    }
    for (let i = 0; i < a.length; i++) walk(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  if (!Object.is(a, b)) out.push({ path: at, expected: printable(a), actual: printable(b) });
}

export function firstByteDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function bytesText(b: Uint8Array): string {
  return `${b.length} bytes`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A short printable form: JSON, byte arrays by length, cut at 120 characters. */
export function printable(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x)) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
