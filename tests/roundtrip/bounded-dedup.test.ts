/**
 * The writer's dedup keys are bounded (writer.ts, blob-store.ts): a recording that
 * outgrows `maxDedupKeys` forgets its keys after a commit and looks later payloads
 * and objects up in the file. The capture must be the same as with every key kept —
 * same blob ids, object ids, rows — and still deduplicated (no hash or name twice).
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { appByName } from '../../engine/apps/catalogue';
import { recordApp } from '../../recorder/record-session';
import { tableContentHash, tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

function record(name: string, maxDedupKeys?: number): string {
  const path = tmp.path(name);
  // Small batches and checkpoints, so keys are forgotten many times, between checkpoint parts too.
  const r = recordApp(appByName('stress')!, { seed: 3 }, path, {
    engineVersion: 'test', checkpointEveryEvents: 2000, writer: { batchRows: 500, maxDedupKeys },
  });
  if (!r.ok) throw new Error(r.error.message);
  return path;
}

describe('bounded dedup keys', () => {
  it('records the same capture with 300 keys as with all of them, still deduplicated', () => {
    const all = record('all.tfcap');
    const bounded = record('bounded.tfcap', 300);
    expect(tableContentHash(bounded)).toEqual(tableContentHash(all));
    const db = new Database(bounded, { readonly: true });
    try {
      const one = (sql: string): unknown => db.prepare(sql).pluck().get();
      expect(one('SELECT count(*) FROM blobs')).toBeGreaterThan(3000);
      expect(one('SELECT count(*) FROM objects')).toBeGreaterThan(3000);
      expect(one('SELECT count(*) - count(DISTINCT hash) FROM blobs')).toBe(0);
      expect(one('SELECT count(*) - count(DISTINCT name) FROM objects')).toBe(0);
      const other = new Database(all, { readonly: true });
      const checkpoints = (d: Database.Database): unknown => d.prepare('SELECT group_concat(seq || state_hash || snapshot_blob) FROM checkpoints').pluck().get();
      expect(checkpoints(db)).toEqual(checkpoints(other));
      other.close();
      expect(one(`SELECT count(*) FROM sqlite_master WHERE name IN ('blobs_by_hash', 'objects_by_name')`)).toBe(2);
    } finally {
      db.close();
    }
  });
});
