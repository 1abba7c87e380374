/**
 * Tampering with a capture, for the replay tests: copy the file, then change the
 * bytes one event holds in the blob store. The only place in the tests that knows
 * how events reference blobs (`{"$blob": id}` in `event_rows.args`, shown by the `events` view) and how blobs are
 * stored (recorder/capture/blob-codec.ts) — if the schema moves, this moves.
 *
 * Blobs are deduplicated by content, so the changed bytes go into a new blob row
 * that only the tampered event points at; every other event keeps the original.
 *
 * Example: tamperEventBytes(src, dst, 812, 'copies[0].bytes', (b) => { b[8] ^= 0x08 })
 *   → dst is src with byte 8 of event 812's first user copy flipped.
 */
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { decodeBlob, encodeBlob } from '../../recorder/capture/blob-codec';

/** `path`: dotted fields with [i] indexes into the event's args, e.g. `bytes`, `argIn`, `copies[1].bytes`. */
export function tamperEventBytes(src: string, dst: string, seq: number, path: string, edit: (bytes: Uint8Array) => void): void {
  copyFileSync(src, dst);
  const db = new Database(dst);
  try {
    const row = db.prepare('SELECT args FROM events WHERE seq = ?').get(seq) as { args: string } | undefined;
    if (!row) throw new Error(`tamper: no event ${seq}`);
    const args = JSON.parse(row.args) as Record<string, unknown>;
    const steps = path.split('.').flatMap((p) => p.split(/\[(\d+)\]/).filter((s) => s !== ''));
    const parent = steps.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, args);
    const last = steps[steps.length - 1]!;
    const ref = parent[last] as { $blob?: number } | undefined;
    if (typeof ref?.$blob !== 'number') throw new Error(`tamper: event ${seq} has no blob at ${path}`);
    const blob = db.prepare('SELECT codec, data FROM blobs WHERE id = ?').get(ref.$blob) as { codec: string; data: Uint8Array };
    const bytes = decodeBlob(blob.codec, blob.data);
    edit(bytes);
    const stored = encodeBlob(bytes);
    const id = db.prepare('INSERT INTO blobs (hash, size_bytes, codec, data) VALUES (?, ?, ?, ?)')
      .run(`tampered:${seq}:${path}`, bytes.length, stored.codec, stored.data).lastInsertRowid;
    parent[last] = { $blob: Number(id) };
    db.prepare('UPDATE event_rows SET args = ? WHERE seq = ?').run(JSON.stringify(args), seq);
  } finally {
    db.close();
  }
}
