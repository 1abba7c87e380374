/**
 * The second look a diff report takes at a few events: their decoded event, cause
 * and normalised view, rebuilt by walking the capture again from its first event
 * (views depend on every name learned before them) up to the last seq asked for.
 * Only the differences a report shows are asked for, so an identical pair of
 * captures never pays for it.
 *
 * Example: collectViews(reader, new Set([137, 140]))
 *   // → { ok: true, value: Map { 137 → { event, causeSeq: 136, role: 'p0.t0/call#40/mem.write#0', view } , … } }
 */
import type { TraceEvent } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { ok, type Result } from '../../recorder/capture/result';
import { scanCapture } from './align-streams';
import { CaptureNormaliser } from './capture-normaliser';
import type { View } from './event-view';

export interface SeenEvent {
  readonly seq: number;
  readonly causeSeq: number | null;
  readonly event: TraceEvent;
  readonly role: string;
  readonly view: View;
}

export function collectViews(reader: CaptureReader, seqs: ReadonlySet<number>): Result<Map<number, SeenEvent>> {
  const out = new Map<number, SeenEvent>();
  if (seqs.size === 0) return ok(out);
  const last = Math.max(...seqs);
  const normaliser = new CaptureNormaliser();
  const causes = new Map<number, number | null>();
  const r = scanCapture(reader, normaliser, (seq, event, n) => {
    if (seqs.has(seq)) out.set(seq, { seq, causeSeq: causes.get(seq) ?? null, event, role: n.role, view: n.view });
    return seq < last;
  }, (seq, causeSeq) => {
    if (seqs.has(seq)) causes.set(seq, causeSeq);
  }, true);
  if (!r.ok) return r;
  return ok(out);
}
