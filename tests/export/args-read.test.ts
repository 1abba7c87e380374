/**
 * ARGS_READ (timeline/project.ts) against what the projection really reads: every event
 * of real captures goes through a Projector wrapped in a Proxy that records the
 * properties its handler gets or tests, and for the kinds ARGS_READ names those must be
 * `kind`, `tsNs` and the listed fields (the worker hands these kinds with nothing else).
 * forEachEvent also tests `durNs`, so such a kind must not have one unless it lists it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EventKind, TraceEvent } from '../../engine/trace/events';
import { ARGS_READ, Projector } from '../../recorder/timeline/project';
import { openOrThrow, tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe.each(['vkcube', 'sharing', 'stress', 'compute', 'multiqueue', 'streaming'])('%s: the projection reads no args field ARGS_READ leaves out', (app) => {
  it('of each kind it names', () => {
    const reader = openOrThrow(recordSmall(app, tmp.path(`${app}.tfcap`)));
    const all = reader.events();
    reader.close();
    if (!all.ok) throw new Error(all.error.message);
    const read = new Map<EventKind, Set<string>>();
    const seen = new Map<EventKind, Set<string>>();
    const projector = new Projector({ item: () => {} }, app);
    for (const { seq, causeSeq, event } of all.value) {
      if (!ARGS_READ[event.kind]) {
        projector.event(seq, causeSeq, event);
        continue;
      }
      const keys = read.get(event.kind) ?? new Set<string>();
      read.set(event.kind, keys);
      seen.set(event.kind, new Set([...(seen.get(event.kind) ?? []), ...Object.keys(event)]));
      const watched = new Proxy(event, {
        get: (target, k, receiver) => { if (typeof k === 'string') keys.add(k); return Reflect.get(target, k, receiver); },
        has: (target, k) => { if (typeof k === 'string') keys.add(k); return Reflect.has(target, k); },
      });
      projector.event(seq, causeSeq, watched as TraceEvent);
    }
    expect(read.size).toBeGreaterThan(0);
    for (const [kind, keys] of read) {
      const allowed = new Set<string>(['kind', 'tsNs', ...ARGS_READ[kind]!]);
      expect([...keys].filter((k) => !allowed.has(k)), kind).toEqual([]);
      expect(seen.get(kind)!.has('durNs') && !allowed.has('durNs'), `${kind} has durNs`).toBe(false);
    }
  });
});
