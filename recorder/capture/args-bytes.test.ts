/** The args bytes writer must write exactly the UTF-8 of JSON.stringify's text of the args, blobs put in the order it visits them. */
import { describe, expect, it } from 'vitest';
import { APPS } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { argsBytesWriterFor } from './args-bytes';
import { RowColumns } from './row-columns';

/** A BlobPut that numbers every put and remembers the bytes, in order. */
function putLog(): { put(b: Uint8Array): number; log: Uint8Array[] } {
  const log: Uint8Array[] = [];
  return { put: (b) => log.push(b.slice()), log };
}

/** JSON.stringify's text of each event's args and the bytes writer's, and the blobs each put. */
function bothWays(events: readonly TraceEvent[]): { text: string[]; bytes: string[]; textBlobs: Uint8Array[]; byteBlobs: Uint8Array[] } {
  const a = putLog();
  const b = putLog();
  // A small buffer, so it grows many times along the way.
  const out = new RowColumns(events.length || 1);
  out.bytes = Buffer.alloc(8);
  const text: string[] = [];
  const bytes: string[] = [];
  for (const e of events) {
    const rec = e as unknown as Record<string, unknown>;
    const { kind: _k, tsNs: _t, ...args } = rec;
    text.push(JSON.stringify(args, (_key, v: unknown) => (v instanceof Uint8Array ? { $blob: a.put(v) } : v)));
    const from = out.at;
    argsBytesWriterFor(e)(rec, b, out);
    out.endRow(e.tsNs, 0, null, null);
    bytes.push(out.bytes.toString('utf8', from, out.at));
  }
  return { text, bytes, textBlobs: a.log, byteBlobs: b.log };
}

describe('args bytes writer', () => {
  it.each(APPS.map((a) => a.name))('writes the args text of every %s event', (name) => {
    const sink = new MemorySink();
    runApp(APPS.find((a) => a.name === name)!, { sink, seed: 2, frames: 2 });
    const r = bothWays(sink.events);
    // Joined: one string comparison is much faster than tens of thousands of toEqual steps.
    expect(r.bytes.join('\n')).toBe(r.text.join('\n'));
    expect(Buffer.concat(r.byteBlobs).equals(Buffer.concat(r.textBlobs))).toBe(true);
    expect(r.byteBlobs.map((b) => b.length)).toEqual(r.textBlobs.map((b) => b.length));
    expect(r.bytes.length).toBeGreaterThan(50);
  });

  it('writes numbers, strings and nesting as JSON.stringify does', () => {
    const odd: unknown[] = [0, -0, -1, 7, -12345678901, 2 ** 53 - 1, 2 ** 53, -(2 ** 60), 1e21, 1.5, -0.1, 5e-7, NaN, Infinity, -Infinity];
    const e = {
      // A kind of its own: both encoders compile per kind from the first event's keys.
      kind: 'test.odd-values', tsNs: 1, slot: 0, va: 2 ** 47,
      detail: 'quote " backslash \\ newline \n tab \t é 𝄞 lone \ud800 nul \u0000',
      extra: { odd, flags: [true, false, null, undefined, () => 1], deep: { a: [[Uint8Array.of(1)], { b: undefined, c: 'x' }] }, '': 'empty key', 'ké"y': 1 },
    } as unknown as TraceEvent;
    const r = bothWays([e]);
    expect(r.bytes).toEqual(r.text);
    expect(r.text[0]).toContain('"odd":[0,0,-1,7,-12345678901,9007199254740991,9007199254740992,-1152921504606847000,1e+21,1.5,-0.1,5e-7,null,null,null]');
    expect(r.byteBlobs).toEqual([Uint8Array.of(1)]);
  });
});
