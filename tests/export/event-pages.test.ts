/**
 * The export's two ways of reading events (capture/event-pages.ts) against each other on
 * real captures: pages read by a worker thread and decoded here, and every event decoded by
 * reader.events() (the reference). The exports must be the same bytes, the events the same
 * values (byte arrays the timeline does not read compared by length: those are stand-ins),
 * and the worker must have carried every page itself (no silent fallback).
 */
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/trace/events';
import { readEventPages } from '../../recorder/capture/event-pages';
import type { CaptureReader } from '../../recorder/capture/reader';
import { exportCapture, type ExportOptions } from '../../recorder/export/export-capture';
import { ARGS_READ, BYTES_READ } from '../../recorder/timeline/project';
import { openOrThrow, tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

function exportBytes(reader: CaptureReader, options: Omit<ExportOptions, 'out'>): { bytes: Buffer; summary: unknown } {
  const chunks: Uint8Array[] = [];
  const r = exportCapture(reader, { ...options, out: { write: (b) => chunks.push(b.slice()) } });
  if (!r.ok) throw new Error(r.error.message);
  return { bytes: Buffer.concat(chunks), summary: r.value };
}

/**
 * An event as the worker hands it: of the kinds in ARGS_READ only `kind`, `tsNs` and the
 * fields named there; byte arrays of kinds the timeline does not read replaced by their lengths.
 */
function shape(e: TraceEvent): unknown {
  const fields: readonly string[] | undefined = ARGS_READ[e.kind];
  if (fields) e = Object.fromEntries(Object.entries(e).filter(([k]) => k === 'kind' || k === 'tsNs' || fields.includes(k))) as unknown as TraceEvent;
  if (BYTES_READ.has(e.kind)) return e;
  const strip = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return { lengthBytes: v.length };
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip(e);
}

// vkcube and compute have frames and memory writes; sharing two processes; stress many
// jobs, and at size 200 (~9k events) several worker pages.
describe.each([['vkcube', {}], ['sharing', {}], ['stress', {}], ['stress', { size: 200 }], ['compute', {}], ['multiqueue', {}]] as const)('%s %o: worker pages and the reference decode', (app, extra) => {
  let reader: CaptureReader;
  beforeAll(() => {
    reader = openOrThrow(recordSmall(app, tmp.path(`${app}-${JSON.stringify(extra)}.tfcap`), extra));
  });
  afterAll(() => reader.close());

  it.each(['perfetto', 'json'] as const)('export the same %s bytes, whole and over a seq range', (format) => {
    for (const range of [{}, { fromSeq: 37, toSeq: 1500 }, { fromSeq: 2000, toSeq: 7000 }]) {
      const fast = exportBytes(reader, { format, ...range });
      const reference = exportBytes(reader, { format, ...range, read: 'reference' });
      if (!('fromSeq' in range)) expect(fast.bytes.length).toBeGreaterThan(1000);
      expect(fast.summary).toEqual(reference.summary);
      expect(fast.bytes.equals(reference.bytes)).toBe(true);
    }
  });

  it('visit the same events in the same order, the worker carrying every page', () => {
    const reference: unknown[] = [];
    const all = reader.events();
    if (!all.ok) throw new Error(all.error.message);
    for (const d of all.value) reference.push([d.seq, d.causeSeq, shape(d.event)]);
    const fast: unknown[] = [];
    const r = readEventPages(reader, 1, all.value.length, BYTES_READ, ARGS_READ, (seq, cause, e) => fast.push([seq, cause, shape(e)]));
    expect(r).toEqual({ ok: true, value: { next: all.value.length + 1, fallbackPages: 0 } });
    expect(fast).toEqual(reference);
  });
});

describe('worker pages on a capture with a bad row', () => {
  let src: string;
  beforeAll(() => {
    src = recordSmall('triangle', tmp.path('triangle.tfcap'));
  });

  /** A copy of the capture with the args of its first `kind` event rewritten by `edit` (SQL over `args`). */
  function tampered(name: string, kind: string, edit: string): CaptureReader {
    const dst = tmp.path(name);
    copyFileSync(src, dst);
    const db = new Database(dst);
    db.prepare(`UPDATE event_rows SET args = ${edit} WHERE seq = (SELECT min(seq) FROM events WHERE kind = ?)`).run(kind);
    db.close();
    return openOrThrow(dst);
  }

  it.each([
    ['a memory write naming a blob that does not exist', 'missing-blob.tfcap', 'mem.write', `replace(args, '"$blob":', '"$blob":9999')`],
    ['args that are not JSON', 'bad-json.tfcap', 'kmd.ioctl_enter', `substr(args, 2)`],
    ['an ioctl naming a blob that does not exist', 'missing-ioctl-blob.tfcap', 'kmd.ioctl', `replace(args, '"$blob":', '"$blob":9999')`],
  ])('fail the export with the reference decode\'s error: %s', (_what, name, kind, edit) => {
    const reader = tampered(name, kind, edit);
    const out = { write: (): void => {} };
    const fast = exportCapture(reader, { format: 'perfetto', out });
    const reference = exportCapture(reader, { format: 'perfetto', out, read: 'reference' });
    reader.close();
    expect(reference.ok).toBe(false);
    expect(fast).toEqual(reference);
  });
});
