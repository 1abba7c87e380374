/**
 * One event of every kind, built by hand (tests/support/sample-events.ts), through a
 * real capture file and back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashBytes } from '../../engine/base/hash';
import { eventKinds, type EventOf, type TraceEvent } from '../../engine/trace/events';
import { openCapture } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';
import { tempDir, testInfo } from '../support/capture-files';
import { samples } from '../support/sample-events';

const all = Object.values(samples) as TraceEvent[];
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('every event kind round-trips through a capture', () => {
  const path = tmp.path('kinds.tfcap');
  const w = CaptureWriter.create(path, testInfo('hand-made'), { batchRows: 4 });
  if (!w.ok) throw new Error(w.error.message);
  const seqs = all.map((e, i) => w.value.append(e, i > 0 ? i : null));
  w.value.append(samples['mem.write']); // the same bytes again: deduplicated
  const finished = w.value.finish('complete');
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  const reader = r.value;

  it('decodes each event to exactly what was appended, causes included', () => {
    expect(seqs).toEqual(all.map((_, i) => i + 1));
    const back = reader.events();
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value.map((d) => d.event)).toEqual([...all, samples['mem.write']]);
    expect(back.value.map((d) => d.causeSeq)).toEqual([null, ...all.slice(1).map((_, i) => i + 1), null]);
    const write = back.value[1]!.event as EventOf<'mem.write'>;
    expect(Object.getPrototypeOf(write.bytes)).toBe(Uint8Array.prototype); // not a Buffer
  });

  it('fills the columns from the kind spec', () => {
    const rows = reader.eventRows();
    for (const [i, e] of all.entries()) {
      const row = rows[i]!;
      const spec = eventKinds[e.kind];
      expect(row.kind).toBe(e.kind);
      expect(row.layer).toBe(spec.layer);
      expect(row.ts_ns).toBe(e.tsNs);
      expect(row.object).toBe((spec.row as (x: TraceEvent) => { object: string | null }).call(spec, e).object);
      expect(row.pid).toBe('pid' in e ? e.pid : null);
      expect(row.dur_ns).toBe('durNs' in e ? e.durNs : null);
    }
    expect(rows.find((r) => r.kind === 'kmd.job_started')?.object).toBe('job:12');
    expect(rows.find((r) => r.kind === 'kmd.syncobj')?.object).toBe('syncobj:5');
    expect(rows.find((r) => r.kind === 'mem.write')?.args).toBe('{"pid":1,"memory":4294967295,"bo":3,"offsetBytes":64,"bytes":{"$blob":1}}');
  });

  it('stores each distinct payload once and links fields to blobs', () => {
    expect(finished.ok && finished.value.blobRefs).toBe(10);
    expect(finished.ok && finished.value.blobs).toBe(8);
    const links = reader.query('SELECT seq, field, blob_id FROM event_blobs ORDER BY seq, field');
    expect(links.ok && links.value.rows).toEqual([
      [2, '$.bytes', 1], [3, '$.rgba', 2], [4, '$.argIn', 3], [4, '$.argOut', 4],
      [4, '$.copies[0].bytes', 5], [4, '$.copies[1].bytes', 6], [9, '$.stream', 7],
      [18, '$.args[2]', 8], [18, '$.args[6].code', 4], [22, '$.bytes', 1],
    ]);
    expect(reader.blob(1)).toEqual(samples['mem.write'].bytes);
    const stored = reader.query('SELECT codec, size_bytes, hash FROM blobs WHERE id = 1');
    expect(stored.ok && stored.value.rows[0]).toEqual(['zstd', 368, hashBytes(samples['mem.write'].bytes)]);
    expect(reader.blobByHash(hashBytes(samples['mem.write'].bytes))).toEqual(samples['mem.write'].bytes);
  });

  it('finds events by kind, object and seq range', () => {
    expect(reader.eventRows({ object: 'job:12' }).map((r) => r.kind)).toEqual(['kmd.job_queued', 'kmd.job_started', 'kmd.job_finished']);
    expect(reader.eventRows({ kind: 'mem.write' }).map((r) => r.seq)).toEqual([2, 22]);
    expect(reader.eventRows({ fromSeq: 3, toSeq: 5 }).map((r) => r.seq)).toEqual([3, 4, 5]);
    const s = reader.summary();
    expect(s.events).toBe(22);
    expect(s.byLayer).toEqual({ api: 7, hw: 4, kmd: 11 });
    expect(reader.meta()).toMatchObject({ state: 'complete', app: 'hand-made', eventCount: 22, formatVersion: 2, host: 'test-host' });
  });
});
