/**
 * The part of a diff report (replayer/diff's DiffReport, served by GET /api/diff) the
 * diff view shows, read defensively: a field the server did not send shows as empty
 * instead of breaking the page.
 */
export interface DiffField { readonly path: string; readonly a: unknown; readonly b: unknown }
export interface DiffLine { readonly seq: number; readonly text: string }

export interface DiffViewModel {
  readonly identical: boolean;
  readonly summary: ReadonlyArray<{ layer: string; kind: string; inserted: number; deleted: number; changed: number }>;
  readonly first: null | {
    seqA: number | null; seqB: number | null; layer: string; kind: string; object: string | null;
    textA: string | null; textB: string | null; fields: readonly DiffField[];
    contextA: readonly DiffLine[]; contextB: readonly DiffLine[]; causesA: readonly DiffLine[]; causesB: readonly DiffLine[];
  };
  readonly changes: ReadonlyArray<{ op: string; seqA: number | null; seqB: number | null; textA: string | null; textB: string | null }>;
  readonly memory: ReadonlyArray<{ bo: string; atSeqA: number; atSeqB: number; differingBytes: number; ranges: ReadonlyArray<{ offsetBytes: number; lengthBytes: number }> }>;
  readonly frames: ReadonlyArray<{ index: number; seqA: number; seqB: number; differingPixels: number; totalPixels: number }>;
  readonly timing: ReadonlyArray<{ track: string; jobsA: number; jobsB: number; totalDurNsA: number; totalDurNsB: number }>;
}

const arr = <T>(x: unknown): T[] => (Array.isArray(x) ? (x as T[]) : []);

export function diffViewModel(report: unknown): DiffViewModel {
  const r = (report ?? {}) as Record<string, unknown>;
  const f = r.firstDivergence as Record<string, unknown> | null | undefined;
  return {
    identical: r.identical === true,
    summary: arr(r.summary),
    first: f ? {
      seqA: (f.seqA as number | null) ?? null, seqB: (f.seqB as number | null) ?? null, layer: String(f.layer ?? ''), kind: String(f.kind ?? ''),
      object: (f.object as string | null) ?? null, textA: (f.textA as string | null) ?? null, textB: (f.textB as string | null) ?? null,
      fields: arr(f.fields), contextA: arr(f.contextA), contextB: arr(f.contextB), causesA: arr(f.causesA), causesB: arr(f.causesB),
    } : null,
    changes: arr(r.changes),
    memory: arr(r.memory),
    frames: arr(r.frames),
    timing: arr(r.timing),
  };
}
