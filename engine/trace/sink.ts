/**
 * Where the stack's tracepoints go. The engine calls `emit` synchronously at the
 * moment something happens; a sink must not call back into the engine.
 * The default sink drops everything, so an untraced run pays one call per tracepoint.
 */
import type { TraceEvent } from './events';

export interface TraceSink {
  emit(event: TraceEvent): void;
}

export const nullSink: TraceSink = { emit() {} };

/** Keeps every event in memory; for tests and small runs. */
export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  emit(event: TraceEvent): void {
    this.events.push(event);
  }
}
