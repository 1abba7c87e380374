/**
 * Filling in a `Divergence` (divergence.ts) from the capture: the causal chain that
 * led to the recorded event (its `cause_seq` links, followed up to CHAIN_MAX
 * events, nearest first) and the recorded events around it (CONTEXT_EVENTS either
 * side, every kind, the event itself included).
 *
 * Reads a handful of rows per divergence through the reader's `events()`; a row
 * that fails to decode is left out of the chain or context rather than failing the
 * report.
 *
 * Example: for a hw.job at seq 812 caused by job_started 806 ← job_queued 801 ←
 * ioctl_enter 799 ← api.call 798, `chain` lists 806, 801, 799, 798.
 */
import { eventKinds, eventText, layerOf, type EventKind, type KindSpec, type TraceEvent } from '../engine/trace/events';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';
import type { Divergence, FieldDiff, ReportEvent } from './divergence';

export const CONTEXT_EVENTS = 5;
export const CHAIN_MAX = 16;

export function reportEvent(d: DecodedEvent): ReportEvent {
  return { seq: d.seq, layer: layerOf(d.event), kind: d.event.kind, object: objectOf(d.event), text: eventText(d.event) };
}

export function objectOf(e: TraceEvent): string | null {
  return (eventKinds[e.kind] as KindSpec<EventKind>).row(e as never).object;
}

/**
 * The divergence at recorded event `at` (the one the replay failed to reproduce),
 * or, when the capture had nothing left there, at `seq` with no expected event.
 */
export function buildDivergence(
  reader: CaptureReader,
  at: DecodedEvent | { readonly seq: number; readonly event: null; readonly causeSeq: null },
  actual: TraceEvent | null,
  fields: readonly FieldDiff[],
): Divergence {
  const shown = at.event ?? actual;
  return {
    seq: at.seq,
    layer: shown ? layerOf(shown) : 'kmd',
    kind: shown?.kind ?? 'none',
    object: shown ? objectOf(shown) : null,
    expected: at.event,
    actual,
    fields,
    chain: causalChain(reader, at.causeSeq),
    context: around(reader, at.seq),
  };
}

function causalChain(reader: CaptureReader, from: number | null): ReportEvent[] {
  const chain: ReportEvent[] = [];
  for (let seq = from; seq !== null && chain.length < CHAIN_MAX; ) {
    const r = reader.events({ fromSeq: seq, toSeq: seq });
    const d = r.ok ? r.value[0] : undefined;
    if (!d) break;
    chain.push(reportEvent(d));
    seq = d.causeSeq !== null && d.causeSeq < seq ? d.causeSeq : null;
  }
  return chain;
}

function around(reader: CaptureReader, seq: number): ReportEvent[] {
  const r = reader.events({ fromSeq: Math.max(1, seq - CONTEXT_EVENTS), toSeq: seq + CONTEXT_EVENTS });
  return r.ok ? r.value.map(reportEvent) : [];
}
