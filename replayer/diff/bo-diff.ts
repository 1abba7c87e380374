/**
 * BO contents of two captures compared at aligned points: the model state after
 * event seqA of A and after seqB of B (replayer/seek.ts), BO by BO.
 *
 * Model
 * - BOs are matched by name (value-names.ts): the GEM handle of the first process
 *   that holds it, named by the event that created it — not by handle number or
 *   kernel id, which a run that allocated differently changes.
 * - Bytes are compared as the CPU would read them now (through the L2, as
 *   `tracefold state` hashes them). A difference is a list of ranges (maximal runs
 *   of differing bytes; runs closer than RANGE_GAP_BYTES merged, at most MAX_RANGES,
 *   the last one then covering the rest) and the exact count of differing bytes.
 *   Bytes past the end of the shorter BO all count as differing.
 *
 * Example: diffBytes(Uint8Array.of(1, 2, 3, 4), Uint8Array.of(1, 9, 9, 4))
 *   // → { ranges: [{ offsetBytes: 1, lengthBytes: 2 }], differingBytes: 2 }
 */
import type { Stack } from '../../engine/stack';

export const RANGE_GAP_BYTES = 16;
export const MAX_RANGES = 32;

export interface ByteRange {
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

export function diffBytes(a: Uint8Array, b: Uint8Array): { ranges: ByteRange[]; differingBytes: number } {
  const n = Math.max(a.length, b.length);
  const ranges: { offsetBytes: number; lengthBytes: number }[] = [];
  let differing = 0;
  for (let i = 0; i < n; i++) {
    if (i < a.length && i < b.length && a[i] === b[i]) continue;
    differing++;
    const last = ranges[ranges.length - 1];
    if (last && i - (last.offsetBytes + last.lengthBytes) <= RANGE_GAP_BYTES) last.lengthBytes = i + 1 - last.offsetBytes;
    else if (last && ranges.length >= MAX_RANGES) last.lengthBytes = i + 1 - last.offsetBytes;
    else ranges.push({ offsetBytes: i, lengthBytes: 1 });
  }
  return { ranges, differingBytes: differing };
}

export interface BoRef {
  readonly pid: number;
  readonly handle: number;
  readonly bytes: Uint8Array;
}

/** Every live BO of a stack by its first (pid, handle), with its bytes. */
export function stackBos(stack: Stack): BoRef[] {
  const seen = new Set<unknown>();
  const out: BoRef[] = [];
  const files = [...stack.kmd.files()].sort((x, y) => x.process.pid - y.process.pid || x.id - y.id);
  for (const f of files) {
    for (const [handle, bo] of f.bos.entries().sort(([x], [y]) => x - y)) {
      if (seen.has(bo)) continue;
      seen.add(bo);
      out.push({ pid: f.process.pid, handle, bytes: stack.kmd.gem.read(bo, 0, bo.sizeBytes) });
    }
  }
  return out;
}

/** The bytes of the BO `handle` of process `pid`, or undefined. */
export function boBytes(stack: Stack, pid: number, handle: number): Uint8Array | undefined {
  for (const f of stack.kmd.files()) {
    if (f.process.pid !== pid) continue;
    const bo = f.bos.entries().find(([h]) => h === handle)?.[1];
    if (bo) return stack.kmd.gem.read(bo, 0, bo.sizeBytes);
  }
  return undefined;
}
