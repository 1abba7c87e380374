/**
 * Event ↔ row (format 2). The per-kind part (object, thread) is `eventKinds[kind].row`
 * in engine/trace/events.ts; this module does the generic rest:
 *
 * - `kind` and `tsNs` become the columns kind (via `kinds`) and ts_ns.
 * - Every other field — `durNs` and `pid` included, which the `dur_ns` / `pid`
 *   columns read back out — goes into `args`, JSON text, in the event's own key order.
 *   A Uint8Array anywhere inside (top level, in arrays, in nested objects) is put in
 *   the blob store and replaced by `{"$blob": id}`.
 *
 * Decoding reverses this exactly: the decoded event deep-equals the one encoded.
 * It also reads format-1 rows, whose args lack `durNs` / `pid` (they were columns
 * only). Numbers must be finite and strings valid UTF-16, which every event of the
 * engine is.
 *
 * Example: `{ kind: 'mem.write', tsNs: 10, pid: 1, bo: 3, offsetBytes: 64, bytes: <4 bytes> }`
 * → `{ tsNs: 10, durNs: null, pid: 1, tid: null, layer: 'api', kind: 'mem.write', object: 'bo:3',
 *      args: '{"pid":1,"bo":3,"offsetBytes":64,"bytes":{"$blob":1}}' }`.
 */
import { eventKinds, type EventKind, type KindSpec, type TraceEvent } from '../../engine/trace/events';
import { argsText } from './args-bytes';
import { fail, ok, type Result } from './result';

/** Where encoding puts byte arrays: returns the blob id holding `bytes`. */
export interface BlobPut {
  put(bytes: Uint8Array): number;
}

/** Fetches a blob's bytes by id (undefined when there is no such blob). */
export type BlobGet = (id: number) => Uint8Array | undefined;

/** An event as the columns of the `events` view show it (`dur_ns` and `pid` are read from args). */
export interface EncodedRow {
  readonly tsNs: number;
  readonly durNs: number | null;
  readonly pid: number | null;
  readonly tid: number | null;
  readonly layer: string;
  readonly kind: string;
  readonly object: string | null;
  readonly args: string;
}

/** The columns decoding reads (`events` view of format 2, or format 1's table). */
export interface StoredRow {
  readonly ts_ns: number;
  readonly dur_ns: number | null;
  readonly pid: number | null;
  readonly kind: string;
  readonly args: string;
}

export function encodeEvent(e: TraceEvent, blobs: BlobPut): EncodedRow {
  const spec = eventKinds[e.kind] as KindSpec<EventKind>;
  const r = spec.row(e as never);
  const rec = e as unknown as Record<string, unknown>;
  const { durNs, pid } = rec;
  return {
    tsNs: e.tsNs, durNs: typeof durNs === 'number' ? durNs : null, pid: typeof pid === 'number' ? pid : null, tid: r.tid,
    layer: spec.layer, kind: e.kind, object: r.object, args: argsText(e, blobs),
  };
}

export function decodeEvent(row: StoredRow, blob: BlobGet): Result<TraceEvent> {
  if (!Object.hasOwn(eventKinds, row.kind)) return fail('bad-row', `unknown event kind '${row.kind}' (written by a newer engine?)`);
  let args: unknown;
  try {
    args = JSON.parse(row.args);
  } catch (err) {
    return fail('bad-row', `args of a '${row.kind}' event are not JSON: ${(err as Error).message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return fail('bad-row', `args of a '${row.kind}' event are not a JSON object`);
  // Most events hold no byte field: their args are the fields as they are.
  if (row.dur_ns === null && row.pid === null && !row.args.includes('"$blob"')) {
    return ok({ kind: row.kind, tsNs: row.ts_ns, ...(args as Record<string, unknown>) } as unknown as TraceEvent);
  }
  const out: Record<string, unknown> = { kind: row.kind, tsNs: row.ts_ns };
  // Format 1 kept these out of args; in format 2 the columns are read from args.
  if (row.dur_ns !== null) out.durNs = row.dur_ns;
  if (row.pid !== null) out.pid = row.pid;
  const missing: number[] = [];
  for (const [k, v] of Object.entries(args)) out[k] = decodeValue(v, blob, missing);
  if (missing.length) return fail('bad-row', `a '${row.kind}' event refers to missing blob(s) ${missing.join(', ')}`);
  return ok(out as unknown as TraceEvent);
}

function decodeValue(v: unknown, blob: BlobGet, missing: number[]): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => decodeValue(x, blob, missing));
  const o = v as Record<string, unknown>;
  if (typeof o.$blob === 'number') {
    const bytes = blob(o.$blob);
    if (!bytes) missing.push(o.$blob);
    return bytes ?? new Uint8Array(0);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x, blob, missing);
  return out;
}
