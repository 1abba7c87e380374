/**
 * The writer commits in the commit thread by default (commit-thread.ts) and in its own
 * thread with `commitThread: false`; both must write the same capture, and the thread
 * must keep the writer's promises: `flush` returns with everything committed, onCommit
 * hears of every commit in order, a failure in the thread ends the capture aborted
 * with exactly the batches committed before it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { hashBytes } from '../../engine/base/hash';
import { MemorySink } from '../../engine/trace/sink';
import { decodeBlob } from '../../recorder/capture/blob-codec';
import { CaptureWriter, type WriterOptions } from '../../recorder/capture/writer';
import { recordApp } from '../../recorder/record-session';
import { tableContentHash, tempDir, testInfo } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

function record(name: string, writer: WriterOptions): string {
  const path = tmp.path(name);
  const r = recordApp(appByName('stress')!, { seed: 4 }, path, { engineVersion: 'test', checkpointEveryEvents: 1500, writer: { batchRows: 300, ...writer } });
  if (!r.ok) throw new Error(r.error.message);
  return path;
}

function checkpointRows(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT seq, state_hash, snapshot_blob FROM checkpoints ORDER BY seq').raw(true).all();
  } finally {
    db.close();
  }
}

describe('the commit thread', () => {
  it('writes the same capture as committing in the writer thread, keys kept or forgotten', () => {
    for (const maxDedupKeys of [undefined, 250]) {
      const threaded = record(`thread-${maxDedupKeys}.tfcap`, { maxDedupKeys });
      const inline = record(`inline-${maxDedupKeys}.tfcap`, { maxDedupKeys, commitThread: false });
      expect(tableContentHash(threaded)).toEqual(tableContentHash(inline));
      const checkpoints = checkpointRows(threaded);
      expect(checkpoints.length).toBeGreaterThan(3);
      expect(checkpoints).toEqual(checkpointRows(inline));
    }
  });

  it('hashes and compresses blobs in the thread as in the writer thread: every hash is its bytes\' hash, the summary counts the stored bytes', () => {
    for (const commitThread of [true, false]) {
      const path = tmp.path(`blobs-${commitThread}.tfcap`);
      const r = recordApp(appByName('vkcube')!, { seed: 2, frames: 2 }, path, { engineVersion: 'test', writer: { batchRows: 200, commitThread } });
      if (!r.ok) throw new Error(r.error.message);
      const db = new Database(path, { readonly: true });
      const rows = db.prepare('SELECT hash, size_bytes, codec, data FROM blobs').raw(true).all() as Array<[string, number, string, Buffer]>;
      db.close();
      const codecs = new Set(rows.map((b) => b[2]));
      expect(codecs).toEqual(new Set(['raw', 'zstd']));
      for (const [hash, size, codec, data] of rows) {
        const bytes = decodeBlob(codec, data);
        expect(bytes.length).toBe(size);
        expect(hash).toBe(hashBytes(bytes));
      }
      const w = CaptureWriter.create(tmp.path(`blobs-summary-${commitThread}.tfcap`), testInfo('vkcube'), { commitThread });
      if (!w.ok) throw new Error(w.error.message);
      const sink = new MemorySink();
      runApp(appByName('vkcube')!, { sink, seed: 2, frames: 2 });
      sink.events.forEach((e) => w.value.append(e));
      const done = w.value.finish('complete');
      if (!done.ok) throw new Error(done.error.message);
      const file = new Database(tmp.path(`blobs-summary-${commitThread}.tfcap`), { readonly: true });
      const stored = file.prepare('SELECT sum(length(data)) FROM blobs').pluck().get() as number;
      file.close();
      expect(done.value.storedBlobBytes).toBe(stored);
      expect(stored).toBeLessThan(done.value.blobBytes);
    }
  });

  it('flush returns with every appended event committed; onCommit hears of each commit in order', () => {
    const sink = new MemorySink();
    runApp(appByName('triangle')!, { sink, seed: 1 });
    const told: number[] = [];
    const w = CaptureWriter.create(tmp.path('flush.tfcap'), testInfo('triangle'), { batchRows: 16, onCommit: (seq) => told.push(seq) });
    if (!w.ok) throw new Error(w.error.message);
    const half = Math.floor(sink.events.length / 2);
    sink.events.slice(0, half).forEach((e) => w.value.append(e));
    w.value.flush();
    expect(w.value.committedSeq).toBe(half);
    const reader = new Database(tmp.path('flush.tfcap'), { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM event_rows').pluck().get()).toBe(half);
    reader.close();
    sink.events.slice(half).forEach((e) => w.value.append(e));
    const done = w.value.finish('complete');
    expect(done.ok).toBe(true);
    expect(told.at(-1)).toBe(sink.events.length);
    expect(told).toContain(half);
    expect(told.every((seq, i) => i === 0 || seq > told[i - 1]!)).toBe(true);
  });

  it('a commit failing in the thread ends the capture aborted, holding exactly the batches before it', () => {
    const cut = tmp.path('cut.tfcap');
    // No checkpoints: every batch is then exactly 200 rows.
    const r = recordApp(appByName('stress')!, { seed: 4 }, cut, { engineVersion: 'test', checkpointEveryEvents: 0, writer: { batchRows: 200, maxSizeBytes: 1 << 20 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(/^writing events up to seq \d+ failed: database or disk is full$/);
    const failedAt = Number(/seq (\d+)/.exec(r.error.message)![1]);
    const db = new Database(cut, { readonly: true });
    const meta = db.prepare('SELECT state, event_count, error FROM meta').get() as { state: string; event_count: number; error: string };
    const rows = db.prepare('SELECT count(*) FROM event_rows').pluck().get() as number;
    db.close();
    expect(meta).toEqual({ state: 'aborted', event_count: rows, error: r.error.message });
    // Whole batches only: the failed one (ending at failedAt) and everything after it are missing.
    expect(rows).toBe(failedAt - 200);
    expect(rows % 200).toBe(0);
  });
});
