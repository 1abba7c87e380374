/**
 * ProtoWriter's fast paths (32-bit varints by shifts, ASCII strings by a loop, bodies
 * appended from another writer) against a plain reference encoding: BigInt LEB128 and
 * TextEncoder, on the values at and around each path's edges.
 */
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../recorder/export/perfetto/proto-writer';

/** Unsigned LEB128 of `v` as int64 (negative: two's complement, 10 bytes). */
function leb128(v: number): number[] {
  let x = BigInt.asUintN(64, BigInt(Math.trunc(v)));
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x ? b | 0x80 : b);
  } while (x);
  return out;
}

const bytes = (w: ProtoWriter): number[] => [...w.finish()];

describe('ProtoWriter', () => {
  it.each([0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 + 5, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53 - 1)])(
    'writes varint %d as LEB128 of its int64', (v) => {
      const w = new ProtoWriter();
      w.varintField(1, v);
      expect(bytes(w)).toEqual([0x08, ...leb128(v)]);
    },
  );

  it.each([
    ['empty', ''],
    ['ASCII', 'write GPU_AS_PRESENT'],
    ['ASCII, 127 bytes', 'x'.repeat(127)],
    ['ASCII, 128 bytes (two-byte length)', 'y'.repeat(128)],
    ['ASCII, 300 bytes', 'z'.repeat(300)],
    ['two-byte UTF-8', 'résultat'],
    ['three-byte UTF-8', 'a → b'],
    ['a surrogate pair', 'frame 🎞'],
    ['a lone surrogate', 'bad \ud800 half'],
    ['non-ASCII making it 128+ bytes', `${'é'.repeat(70)}`],
  ])('writes a string field (%s) as its UTF-8 with a varint length', (_what, s) => {
    const w = new ProtoWriter();
    w.stringField(2, s);
    const utf8 = [...new TextEncoder().encode(s)];
    expect(bytes(w)).toEqual([0x12, ...leb128(utf8.length), ...utf8]);
  });

  // Bodies of one varint field each 2 bytes: 0, 6, 64 and 66 bytes straddle the byte loop / set() switch at 64.
  it.each([0, 3, 32, 33, 2500])('appends a body of %d fields from another writer', (n) => {
    const body = new ProtoWriter();
    for (let i = 0; i < n; i++) body.varintField(1, i & 0x7f);
    const w = new ProtoWriter();
    w.varintField(1, 7);
    w.append(body);
    expect(bytes(w)).toEqual([0x08, 7, ...Array.from({ length: n }, (_, i) => [0x08, i & 0x7f]).flat()]);
  });
});
