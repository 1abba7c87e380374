/**
 * The HTTP contract between the API (api/app.ts) and the web UI (ui/): every route, its
 * parameters and its response body, as plain types. The UI imports this file only (the
 * import-rules test allows ui → api/contract.ts), so a change here fails to compile on
 * both sides until both follow it.
 *
 * Conventions:
 * - Every route is under `/api`. Capture ids are file names inside the capture folder
 *   (`vkcube-1-1.tfcap`); `CAPTURE_ID` is the only shape accepted, so an id can never
 *   name a path outside the folder.
 * - Times are virtual nanoseconds (`…Ns`), sizes bytes (`…Bytes`), seqs the capture's
 *   global event numbers (1-based).
 * - Errors: 4xx/5xx with `ApiError` as the body. 400 bad parameter (the reason names it;
 *   unknown parameters are errors too), 403 a capture id whose file resolves outside the
 *   capture folder (a symlink), 404 no such capture / event / job, 413 upload too large,
 *   422 a capture that is not valid, 409 a capture that cannot do this (e.g. still
 *   recording) or an upload whose id exists, 429 too many jobs running, 501 an analysis
 *   (diff / bisect / minimise) this server was built without.
 * - Long work (replay, bisect, minimise, diff of big captures) runs as a job: POST returns
 *   `JobInfo`, progress streams from `GET /api/jobs/:id/events` as server-sent events
 *   (`event: progress` with `JobProgress`, then one `event: done` with the final `JobInfo`).
 *
 * Example: `GET /api/captures/vkcube-1-1.tfcap/events?kind=kmd.ioctl&limit=2`
 *   → `{ events: [{ seq: 12, tsNs: 4100, layer: 'kmd', kind: 'kmd.ioctl', … }, …], nextCursor: 57 }`
 */

/** What a capture id looks like: a file name ending in .tfcap, no separators. */
export const CAPTURE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.tfcap$/;

export interface ApiError {
  readonly error: string;
}

// ─── Captures ────────────────────────────────────────────────────────────────

/** GET /api/captures → CaptureListItem[] (newest first). POST /api/captures?name=ID with the file as body → 201 CaptureListItem. DELETE /api/captures/:id → { deleted: id }. */
export interface CaptureListItem {
  readonly id: string;
  readonly state: 'recording' | 'complete' | 'aborted';
  readonly app: string;
  readonly seed: number;
  readonly injectedBugs: readonly string[];
  readonly events: number;
  readonly durationNs: number;
  readonly sizeBytes: number;
  readonly createdAt: string;
}

/** GET /api/captures/:id → the overview `tracefold info` shows. */
export interface CaptureDetail extends CaptureListItem {
  readonly formatVersion: number;
  readonly engineVersion: string;
  readonly options: unknown;
  readonly error: string | null;
  readonly pids: readonly number[];
  readonly byLayer: Readonly<Record<string, number>>;
  readonly byKind: ReadonlyArray<{ readonly layer: string; readonly kind: string; readonly count: number }>;
  readonly objects: Readonly<Record<string, number>>;
  readonly checkpoints: number;
  readonly frames: number;
}

// ─── Events ──────────────────────────────────────────────────────────────────

/**
 * GET /api/captures/:id/events?from=SEQ&to=SEQ&layer=L&kind=K&object=O&text=T&cursor=C&limit=N
 * (limit default 200, max 2000). `nextCursor` is the seq to pass as `cursor` for the
 * next page, null at the end. `text` matches the event's one-line text form
 * (case-insensitive substring); a `text` page scans at most 50,000 events, so it may
 * hold fewer than `limit` events with a non-null `nextCursor` — keep following it.
 */
export interface EventPage {
  readonly events: readonly EventRow[];
  readonly nextCursor: number | null;
}

export interface EventRow {
  readonly seq: number;
  readonly tsNs: number;
  readonly durNs: number | null;
  readonly pid: number | null;
  readonly layer: string;
  readonly kind: string;
  readonly object: string | null;
  readonly causeSeq: number | null;
  /** strace-like one-line form (recorder/event-line.ts). */
  readonly text: string;
}

/** A link to another event (cause or effect). */
export interface EventRef {
  readonly seq: number;
  readonly kind: string;
  readonly text: string;
}

/** GET /api/captures/:id/events/:seq → one event, decoded. */
export interface EventDetail extends EventRow {
  /** The event's fields; byte arrays appear as `{ $bytes: sizeBytes, hex: first 4 KiB as hex }`. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The event's byte fields in full (hex, capped at 64 KiB each; `truncated` says so). */
  readonly raw: ReadonlyArray<{ readonly field: string; readonly sizeBytes: number; readonly hex: string; readonly truncated: boolean }>;
  /** The causal chain back to its root (cause, cause's cause, …), nearest first. */
  readonly causes: readonly EventRef[];
  /** Events whose cause is this one, transitively (breadth-first, capped at 200). */
  readonly effects: readonly EventRef[];
  /** For a submit (ioctl GROUP_SUBMIT or its job): the disassembled command stream(s). */
  readonly disassembly: ReadonlyArray<{ readonly label: string; readonly lines: readonly string[] }>;
}

// ─── Timeline ────────────────────────────────────────────────────────────────

/**
 * GET /api/captures/:id/tracks → the track tree, top-down like the stack (app processes
 * and threads, ioctls, scheduler groups and queues, hardware slots and engines, fences,
 * faults, counters), plus the capture's time span.
 */
export interface TrackList {
  readonly startNs: number;
  readonly endNs: number;
  readonly tracks: readonly TrackInfo[];
}

export interface TrackInfo {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  /** 'process' / 'group' hold others; 'slices' and 'counter' hold data. */
  readonly kind: 'process' | 'thread' | 'group' | 'slices' | 'counter';
  /** Nesting depth of slices on it (rows to draw), ≥ 1 for slice tracks. */
  readonly maxDepth: number;
}

/**
 * GET /api/captures/:id/timeline?startNs=A&endNs=B&widthPx=W[&tracks=1,2,3]: the slices,
 * instants and counter points in [A, B] at a resolution of (B − A) / W ns per pixel.
 * Where several slices of one track and depth fall in one pixel, the server merges them
 * into one `TimelineSlice` with `count` > 1 and `seq` null, so the response stays
 * O(tracks × width) however many events the window holds. A merged slice spans its
 * slices and carries the first one's name and category; merged runs less than a pixel
 * apart are joined into one. Counters: the point in force at startNs, then the first
 * and last point of each pixel that has any. Every slice overlapping the window is
 * counted once: the `count`s add up to the number of slices in it.
 */
export interface TimelineWindow {
  readonly startNs: number;
  readonly endNs: number;
  readonly nsPerPx: number;
  readonly slices: readonly TimelineSlice[];
  readonly counters: readonly CounterPoint[];
}

export interface TimelineSlice {
  readonly trackId: number;
  readonly tsNs: number;
  /** 0 for an instant. */
  readonly durNs: number;
  readonly depth: number;
  readonly name: string;
  readonly category: string;
  /** The event the slice starts at; null for a merged run. */
  readonly seq: number | null;
  /** Slices merged into this one (1 = a real slice). */
  readonly count: number;
}

export interface CounterPoint {
  readonly trackId: number;
  readonly tsNs: number;
  readonly value: number;
}

/** GET /api/captures/:id/flows?seq=S → the causal chain through S as timeline arrows (submit → job → fence → wait); no links when S's slice is on no chain. */
export interface FlowChain {
  readonly links: ReadonlyArray<{ readonly from: FlowEnd; readonly to: FlowEnd }>;
}

export interface FlowEnd {
  readonly seq: number;
  readonly trackId: number;
  readonly tsNs: number;
  readonly depth: number;
}

// ─── State, memory, frames ───────────────────────────────────────────────────

/** GET /api/captures/:id/state?at=SEQ → the model's state after event SEQ (seek: nearest checkpoint + replay). */
export interface StateAt {
  readonly seq: number;
  readonly tsNs: number;
  readonly stateHash: string;
  readonly bos: ReadonlyArray<{
    readonly id: number;
    readonly label: string;
    readonly sizeBytes: number;
    readonly flags: number;
    readonly handles: ReadonlyArray<{ readonly pid: number; readonly handle: number }>;
    readonly vmMappings: ReadonlyArray<{ readonly vm: number; readonly va: number; readonly sizeBytes: number; readonly boOffsetBytes: number }>;
    readonly contentHash: string;
    /** Width/height when the BO backs an image the UMD created (viewable as PNG), else null. */
    readonly image: { readonly width: number; readonly height: number } | null;
  }>;
  readonly vms: ReadonlyArray<{
    readonly id: number;
    readonly usable: boolean;
    readonly mappings: ReadonlyArray<{ readonly va: number; readonly sizeBytes: number; readonly bo: number; readonly boOffsetBytes: number; readonly flags: number }>;
  }>;
  readonly syncobjs: ReadonlyArray<{ readonly id: number; readonly binary: boolean; readonly payload: number; readonly lastSubmitted: number }>;
  readonly groups: ReadonlyArray<{ readonly id: number; readonly pid: number; readonly vm: number; readonly priority: number; readonly state: number; readonly stateText: string }>;
}

/**
 * GET /api/captures/:id/bos/:bo?at=SEQ[&offset=O&length=L] → the BO's bytes (application/octet-stream).
 * GET /api/captures/:id/bos/:bo/image.png?at=SEQ[&width=W&height=H] → the BO as an RGBA8 image.
 * `:bo` is the driver's global BO id (`StateAt.bos[].id`), not a GEM handle. One read
 * returns at most BO_BYTES_MAX bytes (use offset/length beyond).
 */
export const BO_BYTES_MAX = 16 << 20;

/** GET /api/captures/:id/frames → presented frames; GET /api/captures/:id/frames/:index.png → the image (`index`: 0-based position in that list). */
export interface FrameInfo {
  readonly index: number;
  readonly seq: number;
  readonly tsNs: number;
  readonly width: number;
  readonly height: number;
}

// ─── Export, SQL ─────────────────────────────────────────────────────────────

/** GET /api/captures/:id/export?format=perfetto|json → a download (Content-Disposition attachment; format defaults to perfetto). */
export type ExportFormat = 'perfetto' | 'json';

/** POST /api/captures/:id/query with `QueryRequest` → `QueryResponse` (read-only; Perfetto-shaped tables available). */
export interface QueryRequest {
  readonly sql: string;
}

export interface QueryResponse {
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
  /** True when the row cap (10,000) or the time limit (5 s of stepping) cut the result. */
  readonly truncated: boolean;
}

// ─── Jobs: replay, diff, bisect, minimise ────────────────────────────────────

/**
 * GET /api/diff?a=ID&b=ID → the diff report of two captures (replayer/diff's DiffReport),
 * computed synchronously for small captures; the `diff` job gives the same report with progress.
 *
 * POST /api/jobs with a JobRequest → JobInfo (202). GET /api/jobs/:id → JobInfo. GET /api/jobs/:id/events → SSE.
 */
export type JobRequest =
  | { readonly type: 'replay'; readonly capture: string; readonly level?: 'ioctl' | 'api' }
  | { readonly type: 'diff'; readonly a: string; readonly b: string }
  | { readonly type: 'bisect'; readonly good: string; readonly bad: string }
  /** `until`: fault | diverges | diverges:<frame.present|mem.read|api.return>; the result is a new capture in the folder (`result.capture`). */
  | { readonly type: 'minimize'; readonly capture: string; readonly until: string };

export type JobState = 'running' | 'done' | 'failed';

export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly phase: string;
}

export interface JobInfo {
  readonly id: string;
  readonly type: JobRequest['type'];
  readonly state: JobState;
  readonly progress: JobProgress;
  /** The job's report once done (ReplayResult / DiffResult / BisectResult / …), else null. */
  readonly result: unknown;
  readonly error: string | null;
}

/** The first-divergence summary shared by replay, diff and bisect results, as the UI shows it. */
export interface DivergencePoint {
  readonly seqA: number | null;
  readonly seqB: number | null;
  readonly layer: string;
  readonly kind: string;
  readonly object: string | null;
  readonly textA: string | null;
  readonly textB: string | null;
}
