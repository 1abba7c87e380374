/**
 * What a replay reports when it departs from its capture: the shared result shape of
 * every replay level (ioctl, API) and verification mode (strict, outputs), printed by
 * `tracefold replay` and returned by the API.
 *
 * Model
 * - `seq` is the recorded event the replay failed to reproduce (or, for an event the
 *   replay produced that the capture does not have, the recorded event it stood in
 *   place of). `expected` / `actual` are the decoded events (null when one side has
 *   no event there: the capture ended, or the replay stopped producing).
 * - `fields` lists the differences field by field, by JSON-pointer-like path into the
 *   event (`argOut[12]`, `copies[0].bytes`, `errno`), byte arrays summarised by their
 *   first differing offset so a 4 MiB frame does not land in the report.
 * - `chain` is the causal chain that led to the event (cause_seq links, nearest
 *   first), `context` the few recorded events around it.
 *
 * Example:
 *   { seq: 812, layer: 'kmd', kind: 'kmd.job_queued', object: 'job:7',
 *     fields: [{ path: 'stream', expected: '… 96 bytes', actual: '… 88 bytes', note: 'first difference at byte 40' }],
 *     chain: [{ seq: 809, … }], context: [...] }
 */
import type { Layer, TraceEvent } from '../engine/trace/events';

export interface FieldDiff {
  readonly path: string;
  /** Printable values (byte arrays as summaries). */
  readonly expected: string;
  readonly actual: string;
  readonly note?: string;
}

/** One event of the capture, as the report shows it. */
export interface ReportEvent {
  readonly seq: number;
  readonly layer: Layer;
  readonly kind: string;
  readonly object: string | null;
  /** The event's one-line text form (engine/trace/events.ts). */
  readonly text: string;
}

export interface Divergence {
  readonly seq: number;
  readonly layer: Layer;
  readonly kind: string;
  readonly object: string | null;
  readonly expected: TraceEvent | null;
  readonly actual: TraceEvent | null;
  readonly fields: readonly FieldDiff[];
  readonly chain: readonly ReportEvent[];
  readonly context: readonly ReportEvent[];
}

export type ReplayLevel = 'ioctl' | 'api';
export type VerifyMode = 'strict' | 'outputs';

/** Exit codes made for `git bisect run`. */
export const EXIT_SAME = 0;
export const EXIT_DIVERGED = 1;
export const EXIT_CANNOT_TEST = 125;
