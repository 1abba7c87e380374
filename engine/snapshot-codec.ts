/**
 * Snapshot bytes: a model snapshot (engine/snapshot.ts) as a small manifest plus
 * content-addressed parts, and the state hash over them.
 *
 * Encoding: the manifest is canonical JSON (UTF-8) — object keys sorted, no
 * whitespace, undefined fields left out, only finite numbers — so equal states give
 * equal bytes whatever order the code built the objects in. Every byte array in the
 * snapshot (GPU memory pages, the L2's CPU-view pages, process heap pages: all 4 KiB)
 * becomes `{"$part":"<hash>"}`, and the bytes go to `parts` keyed by that hash
 * (engine/base/hash.ts, the same hash the capture's blob store keys by). Every array
 * longer than CHUNK_ITEMS (a timeline syncobj's points, the memory's page list, a big
 * BO's page numbers) is cut at fixed indices into chunks of CHUNK_ITEMS elements, each
 * stored as a part holding its own canonical JSON: `{"$chunks":["<hash>",…]}`.
 *
 * Why parts: consecutive checkpoints of a run differ in a few pages and in the tails
 * of a few lists, so a store that dedups by content (the capture's blobs table) keeps
 * each page version and each full chunk once, and a checkpoint costs its manifest
 * plus what changed. Without chunking, stress's manifest grew with every timeline
 * point ever attached (170 KB per checkpoint by mid-run); with it the manifest stays
 * a few KB and the growth is in shared chunks (docs/capture-format.md has figures).
 *
 * The state hash is the hash of the manifest bytes. The manifest names every part by
 * its content hash, so this is a hash of the complete state (a Merkle root): one byte
 * changed anywhere changes it.
 *
 * Example:
 *   const enc = encodeSnapshot(snap);        // { manifest: Uint8Array(…), parts: Map(37), stateHash: '5d…' }
 *   decodeSnapshot(enc.manifest, (h) => enc.parts.get(h))   // → { ok: true, value: snap' } (equal to snap)
 */
import { assert } from './base/assert';
import { hashBytes } from './base/hash';

export interface EncodedSnapshot {
  /** Canonical JSON; parts appear as {"$part": hash}. */
  readonly manifest: Uint8Array;
  /** Every distinct part the manifest names, by hash, in first-use order. */
  readonly parts: ReadonlyMap<string, Uint8Array>;
  readonly stateHash: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Arrays longer than this are stored as chunks of this many elements. */
export const CHUNK_ITEMS = 256;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Memo of page hashes by the page's array, valid while its bytes are unchanged: a
 * snapshot copies every page, and most copies equal the previous checkpoint's, so
 * comparing bytes (fast) saves hashing them again (slow). Keyed by hash-to-bytes of
 * the previous encode; dropped wholesale when it grows past the live set.
 */
export class PartHasher {
  private previous = new Map<string, Uint8Array>();
  private current = new Map<string, Uint8Array>();
  /** Last part seen at each position of the encode (the same walk finds the same page there). */
  private byPosition: string[] = [];
  private position = 0;

  begin(): void {
    this.previous = this.current;
    this.current = new Map();
    this.position = 0;
  }

  hash(bytes: Uint8Array): string {
    const at = this.position++;
    const guess = this.byPosition[at];
    if (guess !== undefined) {
      const known = this.previous.get(guess) ?? this.current.get(guess);
      if (known && equalBytes(known, bytes)) {
        this.current.set(guess, known);
        return guess;
      }
    }
    const h = hashBytes(bytes);
    this.byPosition[at] = h;
    this.current.set(h, bytes);
    return h;
  }
}

/** Encode `value` (plain data: objects, arrays, strings, finite numbers, booleans, byte arrays). */
export function encodeSnapshot(value: unknown, hasher: PartHasher = new PartHasher()): EncodedSnapshot {
  hasher.begin();
  const parts = new Map<string, Uint8Array>();
  let out: string[] = [];
  const part = (bytes: Uint8Array): string => {
    const h = hasher.hash(bytes);
    if (!parts.has(h)) parts.set(h, bytes);
    return h;
  };
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === undefined) {
      out.push('null');
    } else if (typeof v === 'number') {
      assert(Number.isFinite(v), `snapshot value at ${path} is not finite: ${v}`);
      out.push(Object.is(v, -0) ? '0' : String(v));
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      out.push(JSON.stringify(v));
    } else if (v instanceof Uint8Array) {
      out.push(`{"$part":"${part(v)}"}`);
    } else if (Array.isArray(v) && v.length > CHUNK_ITEMS) {
      const outer = out;
      const hashes: string[] = [];
      for (let from = 0; from < v.length; from += CHUNK_ITEMS) {
        out = [];
        walk(v.slice(from, from + CHUNK_ITEMS), `${path}[${from}…]`);
        hashes.push(`"${part(utf8.encode(out.join('')))}"`);
      }
      out = outer;
      out.push(`{"$chunks":[${hashes.join(',')}]}`);
    } else if (Array.isArray(v)) {
      out.push('[');
      v.forEach((x, i) => {
        if (i) out.push(',');
        walk(x, `${path}[${i}]`);
      });
      out.push(']');
    } else if (typeof v === 'object') {
      assert(Object.getPrototypeOf(v) === Object.prototype, `snapshot value at ${path} is not plain data`);
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (i) out.push(',');
        out.push(JSON.stringify(k), ':');
        walk((v as Record<string, unknown>)[k], `${path}.${k}`);
      });
      out.push('}');
    } else {
      assert(false, `snapshot value at ${path} has type ${typeof v}`);
    }
  };
  walk(value, '$');
  const manifest = utf8.encode(out.join(''));
  return { manifest, parts, stateHash: hashBytes(manifest) };
}

/** Parse a manifest, fetching each part by hash; a missing or corrupt part is an error. */
export function decodeSnapshot<T>(manifest: Uint8Array, part: (hash: string) => Uint8Array | undefined): Decoded<T> {
  let missing: string | undefined;
  const fetch = (ref: string): Uint8Array | undefined => {
    const bytes = part(ref);
    if (!bytes || hashBytes(bytes) !== ref) {
      missing ??= ref;
      return undefined;
    }
    return bytes;
  };
  const reviver = (_k: string, v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const ref = (v as { $part?: unknown }).$part;
    if (typeof ref === 'string') return fetch(ref)?.slice() ?? new Uint8Array(0);
    const chunks = (v as { $chunks?: unknown }).$chunks;
    if (!Array.isArray(chunks)) return v;
    return chunks.flatMap((h: string) => {
      const bytes = fetch(h);
      return bytes ? (JSON.parse(fromUtf8.decode(bytes), reviver) as unknown[]) : [];
    });
  };
  let value: T;
  try {
    value = JSON.parse(fromUtf8.decode(manifest), reviver) as T;
  } catch (e) {
    return { ok: false, error: `snapshot manifest is not valid JSON: ${(e as Error).message}` };
  }
  if (missing !== undefined) return { ok: false, error: `snapshot part ${missing} is missing or does not match its hash` };
  return { ok: true, value };
}

/** Byte equality, four bytes at a time where both arrays allow it. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.length >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (; i < words; i++) if (wa[i] !== wb[i]) return false;
    i = words * 4;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
