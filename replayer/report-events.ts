/**
 * The recorded events a divergence report shows beside the failing one: its causal
 * chain (cause_seq links, nearest first) and the few events around it, each in its
 * one-line text form. Read from the capture on demand — only when a report is made.
 *
 * Example:
 *   contextAround(reader, 812)   // → events 809…815 as ReportEvents
 *   causalChain(reader, 812)     // → [ioctl_enter #809, api.call #801]
 */
import { eventKinds, eventText, layerOf, type EventKind, type KindSpec, type TraceEvent } from '../engine/trace/events';
import type { DecodedEvent } from '../recorder/capture/reader';
import type { EventSource } from '../recorder/capture/capture-cursor';
import type { ReportEvent } from './divergence';

export const CONTEXT_EVENTS = 3;
export const MAX_CHAIN = 8;

export function reportEvent(seq: number, e: TraceEvent): ReportEvent {
  return { seq, layer: layerOf(e), kind: e.kind, object: objectOf(e), text: eventText(e) };
}

export function objectOf(e: TraceEvent): string | null {
  return (eventKinds[e.kind] as KindSpec<EventKind>).row(e as never).object;
}

/** Recorded events from seq − n to seq + n (fewer at the capture's ends, or when it cannot be read). */
export function contextAround(reader: EventSource, seq: number, n = CONTEXT_EVENTS): ReportEvent[] {
  const r = reader.events({ fromSeq: Math.max(1, seq - n), toSeq: seq + n });
  return r.ok ? r.value.map((d) => reportEvent(d.seq, d.event)) : [];
}

/** Follow cause_seq up from `from`, nearest cause first. */
export function causalChain(reader: EventSource, from: DecodedEvent, max = MAX_CHAIN): ReportEvent[] {
  const out: ReportEvent[] = [];
  let cause = from.causeSeq;
  while (cause !== null && out.length < max) {
    const r = reader.events({ fromSeq: cause, toSeq: cause });
    const d = r.ok ? r.value[0] : undefined;
    if (!d) break;
    out.push(reportEvent(d.seq, d.event));
    cause = d.causeSeq;
  }
  return out;
}
