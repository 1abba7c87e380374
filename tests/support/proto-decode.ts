/**
 * A test-side protobuf reader for exported traces: decodes any message into its
 * fields (number → values with their wire type), then reads Perfetto packets by the
 * field numbers of recorder/export/perfetto/fields.ts. It keeps wire types so tests
 * can assert the encoding rules (flow ids as unpacked fixed64, …), and it is written
 * independently of the encoder: a wrong length or tag fails here.
 */
import { F } from '../../recorder/export/perfetto/fields';

export interface Field {
  readonly wireType: number;
  /** varint / fixed64 as bigint, length-delimited as bytes. */
  readonly value: bigint | Uint8Array;
}

export type Message = Map<number, Field[]>;

export function decodeMessage(bytes: Uint8Array): Message {
  const m: Message = new Map();
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw new Error('truncated varint');
      const b = bytes[pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
    throw new Error('varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    let value: bigint | Uint8Array;
    if (wireType === 0) value = varint();
    else if (wireType === 1) {
      if (pos + 8 > bytes.length) throw new Error('truncated fixed64');
      value = new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getBigUint64(0, true);
      pos += 8;
    } else if (wireType === 2) {
      const len = Number(varint());
      if (pos + len > bytes.length) throw new Error(`length ${len} runs past the end`);
      value = bytes.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wireType} for field ${field}`);
    const list = m.get(field) ?? [];
    list.push({ wireType, value });
    m.set(field, list);
  }
  return m;
}

export const num = (m: Message, field: number): number | undefined => {
  const f = m.get(field)?.[0];
  return f && typeof f.value === 'bigint' ? Number(BigInt.asIntN(64, f.value)) : undefined;
};
export const str = (m: Message, field: number): string | undefined => {
  const f = m.get(field)?.[0];
  return f && f.value instanceof Uint8Array ? new TextDecoder().decode(f.value) : undefined;
};
export const sub = (m: Message, field: number): Message | undefined => {
  const f = m.get(field)?.[0];
  return f && f.value instanceof Uint8Array ? decodeMessage(f.value) : undefined;
};
export const subs = (m: Message, field: number): Message[] =>
  (m.get(field) ?? []).map((f) => decodeMessage(f.value as Uint8Array));

export interface DecodedTrack {
  readonly uuid: number;
  readonly name: string;
  readonly parent: number | undefined;
  readonly kind: 'process' | 'thread' | 'counter' | 'plain';
  readonly pid?: number;
  readonly tid?: number;
}

export interface DecodedEvent {
  readonly ts: number;
  readonly seqId: number | undefined;
  readonly flags: number | undefined;
  readonly type: number;
  readonly track: number;
  readonly name: string | undefined;
  /** Whether the name came through the interning (name_iid) rather than inline. */
  readonly nameInterned: boolean;
  readonly flowIds: readonly bigint[];
  readonly flowWireTypes: readonly number[];
  readonly counter: number | undefined;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A whole trace: track descriptors and track events, names resolved through the interning. */
export function decodeTrace(bytes: Uint8Array): { tracks: DecodedTrack[]; events: DecodedEvent[]; packets: number } {
  const trace = decodeMessage(bytes);
  const tracks: DecodedTrack[] = [];
  const events: DecodedEvent[] = [];
  const names = new Map<number, string>();
  const argNames = new Map<number, string>();
  let cleared = false;
  const packets = trace.get(F.trace.packet) ?? [];
  for (const p of packets) {
    const packet = decodeMessage(p.value as Uint8Array);
    const td = sub(packet, F.packet.trackDescriptor);
    if (td) {
      const proc = sub(td, F.trackDescriptor.process);
      const thread = sub(td, F.trackDescriptor.thread);
      const base = { uuid: num(td, F.trackDescriptor.uuid)!, parent: num(td, F.trackDescriptor.parentUuid) };
      if (proc) tracks.push({ ...base, kind: 'process', name: str(proc, F.process.processName) ?? '', pid: num(proc, F.process.pid) });
      else if (thread) tracks.push({ ...base, kind: 'thread', name: str(thread, F.thread.threadName) ?? '', pid: num(thread, F.thread.pid), tid: num(thread, F.thread.tid) });
      else tracks.push({ ...base, kind: td.has(F.trackDescriptor.counter) ? 'counter' : 'plain', name: str(td, F.trackDescriptor.name) ?? '' });
      continue;
    }
    const flags = num(packet, F.packet.sequenceFlags);
    if (flags !== undefined && flags & 1) cleared = true;
    const interned = sub(packet, F.packet.internedData);
    if (interned) {
      if (!cleared) throw new Error('interned data before INCREMENTAL_STATE_CLEARED');
      for (const n of subs(interned, F.internedData.eventNames)) names.set(num(n, F.interned.iid)!, str(n, F.interned.name)!);
      for (const n of subs(interned, F.internedData.debugAnnotationNames)) argNames.set(num(n, F.interned.iid)!, str(n, F.interned.name)!);
    }
    const te = sub(packet, F.packet.trackEvent);
    if (!te) continue;
    const nameIid = num(te, F.trackEvent.nameIid);
    if (nameIid !== undefined && !cleared) throw new Error('name iid used before INCREMENTAL_STATE_CLEARED');
    const flows = te.get(F.trackEvent.flowIds) ?? [];
    const args: Record<string, unknown> = {};
    for (const a of subs(te, F.trackEvent.debugAnnotations)) args[argNames.get(num(a, F.debugAnnotation.nameIid)!) ?? '?'] = annotationValue(a, argNames);
    events.push({
      ts: num(packet, F.packet.timestamp)!, seqId: num(packet, F.packet.trustedPacketSequenceId), flags,
      type: num(te, F.trackEvent.type)!, track: num(te, F.trackEvent.trackUuid)!,
      name: nameIid !== undefined ? names.get(nameIid) : str(te, F.trackEvent.name), nameInterned: nameIid !== undefined,
      flowIds: flows.map((f) => f.value as bigint), flowWireTypes: flows.map((f) => f.wireType),
      counter: num(te, F.trackEvent.counterValue), args,
    });
  }
  return { tracks, events, packets: packets.length };
}

function annotationValue(a: Message, argNames: Map<number, string>): unknown {
  if (a.has(F.debugAnnotation.intValue)) return num(a, F.debugAnnotation.intValue);
  if (a.has(F.debugAnnotation.boolValue)) return num(a, F.debugAnnotation.boolValue) === 1;
  if (a.has(F.debugAnnotation.stringValue)) return str(a, F.debugAnnotation.stringValue);
  if (a.has(F.debugAnnotation.doubleValue)) {
    const v = a.get(F.debugAnnotation.doubleValue)![0]!.value as bigint;
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, v, true);
    return dv.getFloat64(0, true);
  }
  if (a.has(F.debugAnnotation.arrayValues)) return subs(a, F.debugAnnotation.arrayValues).map((x) => annotationValue(x, argNames));
  const dict: Record<string, unknown> = {};
  for (const e of subs(a, F.debugAnnotation.dictEntries)) dict[argNames.get(num(e, F.debugAnnotation.nameIid)!) ?? '?'] = annotationValue(e, argNames);
  return dict;
}
