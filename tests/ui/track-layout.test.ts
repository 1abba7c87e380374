import { describe, expect, it } from 'vitest';
import type { TrackInfo } from '../../api/contract';
import { COUNTER_PX, HEADER_PX, layoutTracks, ROW_PX, rowAt, TRACK_PAD_PX } from '../../ui/src/core/track-layout';
import { formatNs, hexLines, tickStepNs } from '../../ui/src/core/format';

const t = (id: number, parentId: number | null, kind: TrackInfo['kind'], maxDepth = 1): TrackInfo => ({ id, parentId, name: `t${id}`, kind, maxDepth });

describe('timeline track layout', () => {
  const tracks = [t(1, null, 'process'), t(3, null, 'group'), t(2, 1, 'thread', 3), t(4, 3, 'slices', 1), t(5, null, 'counter'), t(6, 99, 'slices', 2)];
  const { rows, heightPx } = layoutTracks(tracks);

  it('puts children under their parent, in order, with heights by kind and depth', () => {
    expect(rows.map((r) => [r.track.id, r.indent, r.y, r.heightPx])).toEqual([
      [1, 0, 0, HEADER_PX],
      [2, 1, HEADER_PX, 3 * ROW_PX + TRACK_PAD_PX],
      [3, 0, HEADER_PX + 3 * ROW_PX + TRACK_PAD_PX, HEADER_PX],
      [4, 1, 2 * HEADER_PX + 3 * ROW_PX + TRACK_PAD_PX, ROW_PX + TRACK_PAD_PX],
      [5, 0, 2 * HEADER_PX + 4 * ROW_PX + 2 * TRACK_PAD_PX, COUNTER_PX],
      // An unknown parent puts the track at the top level rather than losing it.
      [6, 0, 2 * HEADER_PX + 4 * ROW_PX + 2 * TRACK_PAD_PX + COUNTER_PX, 2 * ROW_PX + TRACK_PAD_PX],
    ]);
    expect(heightPx).toBe(rows.at(-1)!.y + rows.at(-1)!.heightPx);
  });

  it('finds the row under a y coordinate', () => {
    for (const r of rows) {
      expect(rowAt(rows, r.y)?.track.id).toBe(r.track.id);
      expect(rowAt(rows, r.y + r.heightPx - 1)?.track.id).toBe(r.track.id);
    }
    expect(rowAt(rows, -1)).toBeUndefined();
    expect(rowAt(rows, heightPx)).toBeUndefined();
  });
});

describe('UI formatting', () => {
  it('picks 1-2-5 ruler steps at least 80 px apart', () => {
    expect(tickStepNs(1)).toBe(100);
    expect(tickStepNs(1.3)).toBe(200);
    expect(tickStepNs(30)).toBe(5000);
    expect(tickStepNs(0.001)).toBe(1);
  });
  it('prints xxd-style hex lines', () => {
    const lines = hexLines(new Uint8Array([0x41, 0x42, 0x00, 0xff, ...new Array<number>(14).fill(0x2e)]), 0x100);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('00000100  41 42 00 ff 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e 2e  |AB..............|');
    expect(lines[1]).toBe(`00000110  2e 2e${' '.repeat(42)}  |..|`);
  });
});

describe('virtual time text', () => {
  it('prints the largest unit with up to three decimals, trailing zeros dropped', () => {
    expect([formatNs(0), formatNs(999), formatNs(20_000), formatNs(1_234_567), formatNs(2_500_000_000), formatNs(-1500)])
      .toEqual(['0 ns', '999 ns', '20 µs', '1.235 ms', '2.5 s', '-1.5 µs']);
  });
});
