/**
 * Recorded events as the API shows them: the one-line row of the event table
 * (EventRow) and the inspector's detail (EventDetail: fields with byte arrays
 * summarised, the raw bytes, the causal chain both ways, and the command streams of
 * a submit disassembled).
 *
 * - Byte arrays inside args appear as `{ $bytes: n, hex: first 4 KiB }`; `raw` lists
 *   every byte field in full up to 64 KiB (field paths like `copies[0].bytes`).
 * - Causes: `cause_seq` followed upward (nearest first, at most MAX_LINKS).
 * - Effects: events caused by this one, breadth-first (the timeline index holds the
 *   downward links), at most MAX_LINKS.
 * - Disassembly: a job's stream is recorded on its `kmd.job_queued`; a GROUP_SUBMIT
 *   (its ioctl or ioctl_enter) shows the streams of the jobs it queued (same pid and
 *   ioctl id, within SUBMIT_WINDOW events), a job_started / job_finished its job's.
 *
 * Example: eventRow({ seq: 12, causeSeq: null, event: ioctlEvent })
 *   → { seq: 12, tsNs: 4100, durNs: 700, pid: 100, layer: 'kmd', kind: 'kmd.ioctl', object: 'fd:3', causeSeq: null,
 *       text: 'ioctl(3, DRM_IOCTL_PANTHOR_VM_BIND, {…}) = 0 <700ns>' }
 */
import { eventKinds, type EventKind, type TraceEvent } from '../engine/trace/events';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';
import { disassembleCs } from '../recorder/disassembly';
import { eventLine } from '../recorder/event-line';
import type { EventDetail, EventRef, EventRow } from './contract';
import { failure, no, notFound, okv, type Outcome } from './errors';
import type { TimelineIndex } from './timeline-index';

export const ARG_HEX_BYTES = 4096;
export const RAW_HEX_BYTES = 64 * 1024;
export const MAX_LINKS = 200;
const SUBMIT_WINDOW = 4096;

type AnyEvent = TraceEvent & Record<string, unknown>;

export function layerOfKind(kind: string): string | undefined {
  return kind in eventKinds ? eventKinds[kind as EventKind].layer : undefined;
}

export function eventRow(d: DecodedEvent): EventRow {
  const e = d.event as AnyEvent;
  const spec = eventKinds[e.kind as EventKind] as { layer: string; row: (e: TraceEvent) => { object: string | null } };
  return {
    seq: d.seq,
    tsNs: e.tsNs,
    durNs: typeof e.durNs === 'number' ? e.durNs : null,
    pid: typeof e.pid === 'number' ? e.pid : null,
    layer: spec.layer,
    kind: e.kind,
    object: spec.row(e).object,
    causeSeq: d.causeSeq,
    text: eventLine(e),
  };
}

export function readEvent(reader: CaptureReader, seq: number): Outcome<DecodedEvent> {
  const r = reader.events({ fromSeq: seq, toSeq: seq, limit: 1 });
  if (!r.ok) return no(failure(422, `event ${seq}: ${r.error.message}`));
  const d = r.value[0];
  return d ? okv(d) : no(notFound(`no event ${seq} in this capture`));
}

export function eventDetail(reader: CaptureReader, timeline: TimelineIndex, d: DecodedEvent): EventDetail {
  const raw: { field: string; sizeBytes: number; hex: string; truncated: boolean }[] = [];
  const { kind: _kind, ...fields } = d.event as AnyEvent;
  const args = summarise(fields, '', raw) as Record<string, unknown>;
  return {
    ...eventRow(d), args, raw,
    causes: causesOf(reader, d),
    effects: effectsOf(reader, timeline, d.seq),
    disassembly: disassembly(reader, d),
  };
}

function summarise(v: unknown, path: string, raw: { field: string; sizeBytes: number; hex: string; truncated: boolean }[]): unknown {
  if (v instanceof Uint8Array) {
    raw.push({ field: path, sizeBytes: v.length, hex: hex(v, RAW_HEX_BYTES), truncated: v.length > RAW_HEX_BYTES });
    return { $bytes: v.length, hex: hex(v, ARG_HEX_BYTES) };
  }
  if (Array.isArray(v)) return v.map((x, i) => summarise(x, `${path}[${i}]`, raw));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, summarise(x, path ? `${path}.${k}` : k, raw)]));
  }
  return v;
}

const hex = (b: Uint8Array, max: number): string => Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, max)).toString('hex');

function ref(d: DecodedEvent): EventRef {
  return { seq: d.seq, kind: d.event.kind, text: eventLine(d.event) };
}

function causesOf(reader: CaptureReader, d: DecodedEvent): EventRef[] {
  const out: EventRef[] = [];
  for (let cause = d.causeSeq; cause !== null && out.length < MAX_LINKS;) {
    const c = readEvent(reader, cause);
    if (!c.ok) break;
    out.push(ref(c.value));
    cause = c.value.causeSeq;
  }
  return out;
}

function effectsOf(reader: CaptureReader, timeline: TimelineIndex, seq: number): EventRef[] {
  const seen: number[] = [];
  const queue = [seq];
  while (queue.length && seen.length < MAX_LINKS) {
    for (const s of timeline.effectsOf(queue.shift()!)) {
      if (seen.length >= MAX_LINKS) break;
      seen.push(s);
      queue.push(s);
    }
  }
  return seen.flatMap((s) => {
    const e = readEvent(reader, s);
    return e.ok ? [ref(e.value)] : [];
  });
}

function disassembly(reader: CaptureReader, d: DecodedEvent): EventDetail['disassembly'] {
  const e = d.event as AnyEvent;
  let jobs: DecodedEvent[] = [];
  if (e.kind === 'kmd.job_queued') jobs = [d];
  else if ((e.kind === 'kmd.ioctl' || e.kind === 'kmd.ioctl_enter') && e.name === 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT') {
    const [from, to] = e.kind === 'kmd.ioctl' ? [d.seq - SUBMIT_WINDOW, d.seq] : [d.seq, d.seq + SUBMIT_WINDOW];
    const r = reader.events({ kind: 'kmd.job_queued', fromSeq: Math.max(1, from), toSeq: to });
    if (r.ok) jobs = r.value.filter((j) => (j.event as AnyEvent).ioctl === e.id && (j.event as AnyEvent).pid === e.pid);
  } else if (typeof e.jobId === 'number') {
    const r = reader.events({ kind: 'kmd.job_queued', object: `job:${e.jobId}`, toSeq: d.seq });
    if (r.ok) jobs = r.value.slice(-1);
  }
  return jobs.map((j) => {
    const q = j.event as AnyEvent & { stream: Uint8Array; jobId: number; streamVa: number; streamSizeBytes: number };
    const label = `job ${q.jobId} stream 0x${q.streamVa.toString(16)} (${q.streamSizeBytes} B)`;
    return { label, lines: q.stream.length ? disassembleCs(q.stream) : [`(stream not recorded: unmapped or larger than the recorder keeps)`] };
  });
}
