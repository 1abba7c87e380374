/**
 * Where each track sits on the timeline canvas: tracks in the server's order (top-down
 * like the stack), children indented under their parent, slice tracks as tall as their
 * nesting depth, counters a fixed band, container tracks (process, group) a header row.
 * Pure, so the canvas, the hit test and the tests share one answer.
 *
 * Example: a process with one thread track of depth 2 →
 *   `[{ id: 1, y: 0, heightPx: 20, indent: 0 }, { id: 2, y: 20, heightPx: 2 * 18 + 4, indent: 1 }]`
 */
import type { TrackInfo } from '../../../api/contract';

export const ROW_PX = 18;
export const HEADER_PX = 20;
export const COUNTER_PX = 36;
export const TRACK_PAD_PX = 4;

export interface TrackRow {
  readonly track: TrackInfo;
  readonly y: number;
  readonly heightPx: number;
  readonly indent: number;
}

export function layoutTracks(tracks: readonly TrackInfo[]): { rows: TrackRow[]; heightPx: number } {
  const byParent = new Map<number | null, TrackInfo[]>();
  const ids = new Set(tracks.map((t) => t.id));
  for (const t of tracks) {
    const parent = t.parentId !== null && ids.has(t.parentId) ? t.parentId : null;
    let list = byParent.get(parent);
    if (!list) byParent.set(parent, (list = []));
    list.push(t);
  }
  const rows: TrackRow[] = [];
  let y = 0;
  const visit = (parent: number | null, indent: number): void => {
    for (const t of byParent.get(parent) ?? []) {
      const heightPx = t.kind === 'counter' ? COUNTER_PX
        : t.kind === 'slices' || t.kind === 'thread' ? Math.max(1, t.maxDepth) * ROW_PX + TRACK_PAD_PX
        : HEADER_PX;
      rows.push({ track: t, y, heightPx, indent });
      y += heightPx;
      visit(t.id, indent + 1);
    }
  };
  visit(null, 0);
  return { rows, heightPx: y };
}

/** The row under canvas y (content coordinates), or undefined. */
export function rowAt(rows: readonly TrackRow[], y: number): TrackRow | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.heightPx) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** A stable colour per slice name (hue from a string hash), as Perfetto does. */
export function colourOf(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const hue = (h >>> 0) % 360;
  return `hsl(${hue} 55% 55%)`;
}
