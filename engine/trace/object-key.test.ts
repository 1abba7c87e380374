/**
 * KindSpec.objectKey's promise, which the capture writer relies on to name an object
 * once per key: for every event of every sample app, the same key always means the
 * same `row(e).object`, and `row(e).tid` is null.
 */
import { describe, expect, it } from 'vitest';
import { APPS } from '../apps/catalogue';
import { runApp } from '../session';
import { eventKinds, type EventKind, type KindSpec, type TraceEvent } from './events';
import { MemorySink } from './sink';

describe('objectKey', () => {
  it.each(APPS.map((a) => a.name))('names the same object for the same key in every %s event', (name) => {
    const sink = new MemorySink();
    runApp(APPS.find((a) => a.name === name)!, { sink, seed: 3, frames: 2 });
    const named = new Map<string, string>();
    let keyed = 0;
    for (const e of sink.events as readonly TraceEvent[]) {
      const spec = eventKinds[e.kind] as KindSpec<EventKind>;
      if (!spec.objectKey) continue;
      keyed++;
      const row = spec.row(e as never);
      expect(row.tid).toBeNull();
      expect(row.object).not.toBeNull();
      const at = `${e.kind}\u0000${String(spec.objectKey(e as never))}`;
      const first = named.get(at);
      if (first === undefined) named.set(at, row.object!);
      else expect(row.object).toBe(first);
    }
    expect(keyed).toBeGreaterThan(0);
  });
});
