/** Temporary capture files for tests, and a content hash of a capture's tables. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashBytes } from '../../engine/base/hash';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import type { CaptureInfo } from '../../recorder/capture/writer';

export function tempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tracefold-test-'));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a capture a test has just written; throws (failing the test) if it cannot. */
export function openOrThrow(path: string): CaptureReader {
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export const testInfo = (app: string, seed = 1): CaptureInfo => ({
  app, options: { seed }, seed, injectedBugs: [], engineVersion: 'test', host: 'test-host', createdAt: '2026-01-01T00:00:00.000Z',
});

/** SHA-256 over every row of `events` and `blobs`, in key order (not the file bytes). */
export function tableContentHash(path: string): { events: string; blobs: string } {
  const db = new Database(path, { readonly: true });
  try {
    const hashOf = (sql: string): string => {
      const parts: string[] = [];
      for (const row of db.prepare(sql).raw(true).iterate() as Iterable<unknown[]>) {
        parts.push(JSON.stringify(row.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))));
      }
      return hashBytes(new TextEncoder().encode(parts.join('\n')));
    };
    return {
      events: hashOf('SELECT seq, ts_ns, dur_ns, pid, tid, layer, kind, object, cause_seq, args FROM events ORDER BY seq'),
      blobs: hashOf('SELECT id, hash, size_bytes, codec, data FROM blobs ORDER BY id'),
    };
  } finally {
    db.close();
  }
}
