/**
 * The API tap: a layer over the UMD's dispatch table that reports every call as
 * `api.call` (name, arguments) on entry and `api.return` (VkResult, value summary,
 * duration) on exit — what a Vulkan layer between app and driver would see.
 *
 * It is generic over the table: every function-valued entry is wrapped, so a new
 * entry point is tapped without touching this file. Calls the UMD makes while
 * handling one (ioctls, mem.write, frame.present) land between the pair, which is
 * how recorder/causality.ts attributes them.
 *
 * Arguments become JSON-safe data the capture can store and API-level replay can
 * feed back: numbers (handles are numbers), strings, booleans, null, plain objects
 * and arrays as passed; byte arrays (push constants, shader code) as their bytes,
 * copied at the call. Anything else is reduced to a short description string
 * ("<function>", "<Float32Array 12>"); undefined becomes null and a non-finite
 * number its string, so the event survives a JSON round trip unchanged.
 * Return values are summaries: a `Created<T>` gives its result and value, a byte
 * array (vkMapMemory's view of the mapping) only `{ lengthBytes }` — its content
 * reaches the capture as mem.write events, when the GPU could first see it.
 *
 * It lives in the engine, beside the vocabulary it emits, because two consumers need
 * the same layer: recording (recorder/record-session.ts) and API-level replay
 * (replayer/api-replay.ts), whose regenerated stream must have the recording's shape.
 * It is pure: the clock comes in as `nowNs`.
 *
 * Example: `vk.vkCmdDispatch(cb, 4)` → api.call { name: 'vkCmdDispatch', args: [cb, 4] },
 * then api.return { name: 'vkCmdDispatch', result: null, value: null, message: '' }.
 */
import type { TraceSink } from './sink';

/** Deeper argument structure than this is described, not copied. */
const MAX_DEPTH = 8;

export function withApiTap<T extends object>(vk: T, sink: TraceSink, pid: number, nowNs: () => number): T {
  const tapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(vk)) {
    if (typeof fn !== 'function') {
      tapped[name] = fn;
      continue;
    }
    const call = fn as (...args: unknown[]) => unknown;
    tapped[name] = (...args: unknown[]): unknown => {
      const startNs = nowNs();
      sink.emit({ kind: 'api.call', tsNs: startNs, pid, name, args: args.map((a) => jsonSafe(a, 0)) });
      const ret = call.apply(vk, args);
      const endNs = nowNs();
      sink.emit({ kind: 'api.return', tsNs: endNs, durNs: endNs - startNs, pid, name, ...summarise(ret) });
      return ret;
    };
  }
  return tapped as T;
}

interface ReturnSummary {
  readonly result: number | null;
  readonly value: unknown;
  readonly message: string;
}

/** VkResult-returning, Created<T>-returning, void, or anything else (vkGetLastErrorMessage). */
function summarise(ret: unknown): ReturnSummary {
  if (ret === undefined) return { result: null, value: null, message: '' };
  if (typeof ret === 'number') return { result: ret, value: null, message: '' };
  if (isPlainObject(ret) && typeof ret.result === 'number') {
    const message = typeof ret.message === 'string' ? ret.message : '';
    return { result: ret.result, value: 'value' in ret ? valueSummary(ret.value) : null, message };
  }
  return { result: null, value: valueSummary(ret), message: '' };
}

function valueSummary(v: unknown): unknown {
  if (v instanceof Uint8Array) return { lengthBytes: v.length };
  return jsonSafe(v, 0);
}

function jsonSafe(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'undefined':
      return null;
    case 'function':
      return '<function>';
    case 'symbol':
      return String(v);
    default:
      break;
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return v.slice();
  if (ArrayBuffer.isView(v)) return `<${v.constructor.name} ${v.byteLength} bytes>`;
  if (depth >= MAX_DEPTH) return '<too deep>';
  if (Array.isArray(v)) return v.map((x: unknown) => jsonSafe(x, depth + 1));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonSafe(x, depth + 1);
    return out;
  }
  return `<${(v as object).constructor?.name ?? 'object'}>`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
