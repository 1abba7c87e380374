/** The args bytes writer must write exactly the UTF-8 of row-codec's args text, putting the same blobs in the same order. */
import { describe, expect, it } from 'vitest';
import { APPS } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import type { TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { argsBytesWriterFor } from './args-bytes';
import { argsEncoderFor } from './row-codec';
import { RowColumns } from './row-columns';

/** A BlobPut that numbers every put and remembers the bytes, in order. */
function putLog(): { put(b: Uint8Array): number; log: Uint8Array[] } {
  const log: Uint8Array[] = [];
  return { put: (b) => log.push(b.slice()), log };
}

/** Both encodings of `events`, one text per event, and the blobs each put. */
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
    text.push(argsEncoderFor(e)(rec, a));
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
    const { kind: _k, tsNs: _t, ...args } = e as unknown as Record<string, unknown>;
    expect(r.text[0]).toBe(JSON.stringify(args, (_key, v: unknown) => (v instanceof Uint8Array ? { $blob: 1 } : v)));
    expect(r.byteBlobs).toEqual([Uint8Array.of(1)]);
  });
});
