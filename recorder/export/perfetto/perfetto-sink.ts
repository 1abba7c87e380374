/**
 * Timeline items → Perfetto's native protobuf trace (a `Trace` streamed as
 * `0x0A <len> <TracePacket>` records), with the rules trace_processor enforces
 * silently (../../../docs and PERFETTO-FORMAT facts):
 * - every TrackEvent packet has `trusted_packet_sequence_id` (SEQ_EVENTS); track
 *   descriptors go on their own sequence (SEQ_TRACKS), so thread descriptors do not
 *   make the event sequence "belong" to a thread;
 * - event names and debug-annotation names are interned on SEQ_EVENTS: the first
 *   packet of the sequence sets INCREMENTAL_STATE_CLEARED | NEEDS_INCREMENTAL_STATE,
 *   every later one NEEDS_INCREMENTAL_STATE; a name is defined in the packet that
 *   first uses it. Only the first INTERNED_NAMES_MAX event names are interned; later
 *   new ones go inline (`name`): names like "job 412077" never repeat, and
 *   remembering each kept a 10M-event export's memory growing with its length;
 * - flow ids are fixed64, one tag each; counter values only on counter tracks;
 *   uuids are track ids (small positive integers, far below 2^63);
 * - complete slices become SLICE_BEGIN + SLICE_END packets (there is no complete type).
 * Timestamps are the capture's virtual ns.
 */
import type { ArgValue, Args, TimelineItem, TimelineSink, TrackDef } from '../../timeline/items';
import { ChildOrdering, CounterUnit, F, SequenceFlags, TrackEventType } from './fields';
import { ProtoWriter } from './proto-writer';

export const SEQ_EVENTS = 1;
export const SEQ_TRACKS = 2;

export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/** Distinct event names interned; past it, new names are written inline (see the header). */
export const INTERNED_NAMES_MAX = 1 << 14;

/** Packets are gathered into chunks of about this size before reaching the ByteSink. */
const CHUNK_BYTES = 1 << 20;

export class PerfettoSink implements TimelineSink {
  private readonly packet = new ProtoWriter();
  private readonly out = new ProtoWriter();
  private readonly names = new Map<string, number>();
  private readonly argNames = new Map<string, number>();
  private newNames: [string, number][] = [];
  private newArgNames: [string, number][] = [];
  private firstEvent = true;
  packets = 0;

  constructor(private readonly sink: ByteSink) {}

  item(item: TimelineItem): void {
    switch (item.type) {
      case 'track':
        return this.track(item.track);
      case 'begin':
        return this.event(item.tsNs, item.track, TrackEventType.SLICE_BEGIN, item.name, item.category, item.args, item.flows);
      case 'end':
        return this.event(item.tsNs, item.track, TrackEventType.SLICE_END, null, null, item.args, []);
      case 'slice':
        this.event(item.tsNs, item.track, TrackEventType.SLICE_BEGIN, item.name, item.category, item.args, item.flows);
        return this.event(item.tsNs + item.durNs, item.track, TrackEventType.SLICE_END, null, null, {}, []);
      case 'instant':
        return this.event(item.tsNs, item.track, TrackEventType.INSTANT, item.name, item.category, item.args, item.flows);
      case 'counter':
        return this.counter(item.tsNs, item.track, item.value);
    }
  }

  /** Flushes buffered packets to the ByteSink. */
  flush(): void {
    if (this.out.length) this.sink.write(this.out.finish().slice());
    this.out.reset();
  }

  private track(t: TrackDef): void {
    const w = this.packet;
    w.reset();
    w.varintField(F.packet.trustedPacketSequenceId, SEQ_TRACKS);
    const d = w.begin(F.packet.trackDescriptor);
    w.varintField(F.trackDescriptor.uuid, t.id);
    if (t.kind === 'process') {
      const p = w.begin(F.trackDescriptor.process);
      w.varintField(F.process.pid, t.pid ?? 0);
      w.stringField(F.process.processName, t.name);
      w.end(p);
    } else if (t.kind === 'thread') {
      const th = w.begin(F.trackDescriptor.thread);
      w.varintField(F.thread.pid, t.pid ?? 0);
      w.varintField(F.thread.tid, t.tid ?? 0);
      w.stringField(F.thread.threadName, t.name);
      w.end(th);
    } else {
      w.stringField(F.trackDescriptor.name, t.name);
      if (t.parent !== null) w.varintField(F.trackDescriptor.parentUuid, t.parent);
      if (t.kind === 'counter') {
        const c = w.begin(F.trackDescriptor.counter);
        w.varintField(F.counter.unit, t.unit === 'bytes' ? CounterUnit.SIZE_BYTES : CounterUnit.COUNT);
        w.end(c);
      }
      if (t.kind === 'group') w.varintField(F.trackDescriptor.childOrdering, ChildOrdering.EXPLICIT);
    }
    w.varintField(F.trackDescriptor.siblingOrderRank, t.rank);
    if (t.description) w.stringField(F.trackDescriptor.description, t.description);
    w.end(d);
    this.emitPacket();
  }

  /** The name's iid, interning it if new; 0 (write it inline) when `map` already holds `limit` names. */
  private intern(map: Map<string, number>, fresh: [string, number][], name: string, limit = Infinity): number {
    let iid = map.get(name);
    if (iid === undefined) {
      if (map.size >= limit) return 0;
      iid = map.size + 1;
      map.set(name, iid);
      fresh.push([name, iid]);
    }
    return iid;
  }

  private event(tsNs: number, track: number, type: number, name: string | null, category: string | null, args: Args, flows: readonly number[]): void {
    const nameIid = name === null ? 0 : this.intern(this.names, this.newNames, name, INTERNED_NAMES_MAX);
    // Annotation names are interned while the body is written, so the body goes first into a scratch writer.
    const body = this.packet;
    body.reset();
    const te = body.begin(F.packet.trackEvent);
    body.varintField(F.trackEvent.type, type);
    body.varintField(F.trackEvent.trackUuid, track);
    if (nameIid) body.varintField(F.trackEvent.nameIid, nameIid);
    else if (name !== null) body.stringField(F.trackEvent.name, name);
    if (category) body.stringField(F.trackEvent.categories, category);
    // for…in, not Object.entries: the same order for these plain objects, without an array per item.
    for (const k in args) this.annotation(body, F.trackEvent.debugAnnotations, k, args[k]!);
    for (const f of flows) body.fixed64Field(F.trackEvent.flowIds, f);
    body.end(te);
    this.eventPacket(tsNs, body);
  }

  private counter(tsNs: number, track: number, value: number): void {
    const body = this.packet;
    body.reset();
    const te = body.begin(F.packet.trackEvent);
    body.varintField(F.trackEvent.type, TrackEventType.COUNTER);
    body.varintField(F.trackEvent.trackUuid, track);
    body.varintField(F.trackEvent.counterValue, Math.trunc(value));
    body.end(te);
    this.eventPacket(tsNs, body);
  }

  private annotation(w: ProtoWriter, field: number, name: string | null, v: ArgValue): void {
    const at = w.begin(field);
    if (name !== null) w.varintField(F.debugAnnotation.nameIid, this.intern(this.argNames, this.newArgNames, name));
    if (v === null) w.stringField(F.debugAnnotation.stringValue, 'null');
    else if (typeof v === 'boolean') w.boolField(F.debugAnnotation.boolValue, v);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) w.varintField(F.debugAnnotation.intValue, v);
      else w.doubleField(F.debugAnnotation.doubleValue, v);
    } else if (typeof v === 'string') w.stringField(F.debugAnnotation.stringValue, v);
    else if (Array.isArray(v)) for (const x of v as readonly ArgValue[]) this.annotation(w, F.debugAnnotation.arrayValues, null, x);
    else for (const k in v) this.annotation(w, F.debugAnnotation.dictEntries, k, (v as Args)[k]!);
    w.end(at);
  }

  /** One TrackEvent packet: timestamp, sequence, flags, the names first used here, the event body. */
  private eventPacket(tsNs: number, body: ProtoWriter): void {
    const w = this.out;
    const p = w.begin(F.trace.packet);
    w.varintField(F.packet.timestamp, tsNs);
    w.varintField(F.packet.trustedPacketSequenceId, SEQ_EVENTS);
    w.varintField(F.packet.sequenceFlags, this.firstEvent
      ? SequenceFlags.INCREMENTAL_STATE_CLEARED | SequenceFlags.NEEDS_INCREMENTAL_STATE
      : SequenceFlags.NEEDS_INCREMENTAL_STATE);
    this.firstEvent = false;
    if (this.newNames.length || this.newArgNames.length) {
      const i = w.begin(F.packet.internedData);
      for (const [name, iid] of this.newNames) interned(w, F.internedData.eventNames, iid, name);
      for (const [name, iid] of this.newArgNames) interned(w, F.internedData.debugAnnotationNames, iid, name);
      w.end(i);
      this.newNames = [];
      this.newArgNames = [];
    }
    w.append(body);
    w.end(p);
    this.packets++;
    if (w.length >= CHUNK_BYTES) this.flush();
  }

  private emitPacket(): void {
    this.out.bytesField(F.trace.packet, this.packet.finish());
    this.packets++;
    if (this.out.length >= CHUNK_BYTES) this.flush();
  }
}

function interned(w: ProtoWriter, field: number, iid: number, name: string): void {
  const at = w.begin(field);
  w.varintField(F.interned.iid, iid);
  w.stringField(F.interned.name, name);
  w.end(at);
}
