/**
 * The subset of Perfetto's public trace protos (protos/perfetto/trace/…, v58) that the
 * exporter emits: our own minimal `.proto`, as a table of field numbers. The test
 * decoder (tests/support/proto-decode.ts) reads exports back against this table.
 *
 * All messages are proto2: repeated scalars are never packed (each flow id gets its
 * own fixed64 tag), negative int64 values are 10-byte varints, no zigzag.
 *
 *   message Trace { repeated TracePacket packet = 1; }
 *   message TracePacket {
 *     optional uint64 timestamp = 8; optional uint32 trusted_packet_sequence_id = 10;
 *     optional InternedData interned_data = 12; optional uint32 sequence_flags = 13;
 *     oneof data { TrackEvent track_event = 11; TrackDescriptor track_descriptor = 60; } }
 *   message TrackDescriptor { uint64 uuid = 1; string name = 2; ProcessDescriptor process = 3;
 *     ThreadDescriptor thread = 4; uint64 parent_uuid = 5; CounterDescriptor counter = 8;
 *     ChildTracksOrdering child_ordering = 11; int32 sibling_order_rank = 12; string description = 14; }
 *   message ProcessDescriptor { int32 pid = 1; string process_name = 6; }
 *   message ThreadDescriptor { int32 pid = 1; int64 tid = 2; string thread_name = 5; }
 *   message CounterDescriptor { Unit unit = 3; }
 *   message TrackEvent { uint64 name_iid = 10; string name = 23; Type type = 9; uint64 track_uuid = 11;
 *     repeated string categories = 22; repeated DebugAnnotation debug_annotations = 4;
 *     int64 counter_value = 30; repeated fixed64 flow_ids = 47; }
 *   message DebugAnnotation { uint64 name_iid = 1; bool bool_value = 2; int64 int_value = 4;
 *     double double_value = 5; string string_value = 6; repeated DebugAnnotation dict_entries = 11;
 *     repeated DebugAnnotation array_values = 12; }
 *   message InternedData { repeated EventName event_names = 2; repeated DebugAnnotationName debug_annotation_names = 3; }
 *   message EventName { uint64 iid = 1; string name = 2; }
 *   message DebugAnnotationName { uint64 iid = 1; string name = 2; }
 */
export const F = {
  trace: { packet: 1 },
  packet: { timestamp: 8, trackEvent: 11, trustedPacketSequenceId: 10, internedData: 12, sequenceFlags: 13, trackDescriptor: 60 },
  trackDescriptor: { uuid: 1, name: 2, process: 3, thread: 4, parentUuid: 5, counter: 8, childOrdering: 11, siblingOrderRank: 12, description: 14 },
  process: { pid: 1, processName: 6 },
  thread: { pid: 1, tid: 2, threadName: 5 },
  counter: { unit: 3 },
  trackEvent: { debugAnnotations: 4, type: 9, nameIid: 10, trackUuid: 11, categories: 22, name: 23, counterValue: 30, flowIds: 47 },
  debugAnnotation: { nameIid: 1, boolValue: 2, intValue: 4, doubleValue: 5, stringValue: 6, dictEntries: 11, arrayValues: 12 },
  internedData: { eventNames: 2, debugAnnotationNames: 3 },
  interned: { iid: 1, name: 2 },
} as const;

export const TrackEventType = { SLICE_BEGIN: 1, SLICE_END: 2, INSTANT: 3, COUNTER: 4 } as const;
export const SequenceFlags = { INCREMENTAL_STATE_CLEARED: 1, NEEDS_INCREMENTAL_STATE: 2 } as const;
export const CounterUnit = { COUNT: 2, SIZE_BYTES: 3 } as const;
export const ChildOrdering = { EXPLICIT: 3 } as const;

/** Wire types. */
export const WT = { VARINT: 0, I64: 1, LEN: 2 } as const;
