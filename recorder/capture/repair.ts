/**
 * Repairing a capture whose recorder was cut short (killed, crashed, out of disk): the
 * file opens and says 'recording' but will never be finished. Repair does what
 * `CaptureWriter.finish('aborted')` would have done, from what is committed:
 *
 * - opening it writable replays its WAL (every committed batch; an uncommitted one is
 *   discarded by SQLite, never half-applied), and the WAL is folded into the file;
 * - the meta row becomes `aborted` with `event_count` = the last committed seq, and an
 *   `error` that says the recording was cut short and where;
 * - checkpoint rows whose snapshot blob is missing are dropped (the writer inserts a
 *   checkpoint row only after its blobs commit, so this finds none unless the file was
 *   damaged otherwise) and counted;
 * - the query indexes are built and the file goes back to a rollback journal, one
 *   self-contained file as a finished capture is.
 *
 * A capture that is already complete or aborted is left alone (`action: 'none'`),
 * except that one finished while another process read it, and so left in WAL mode,
 * is switched to a rollback journal.
 * The file is validated as a capture first (openCapture), so repair never writes into
 * a file that is not one.
 *
 * Example: repairCapture('captures/stress-7-1.tfcap')
 *   → { ok: true, value: { action: 'marked-aborted', events: 1050, checkpoints: 1, droppedCheckpoints: 0 } }
 */
import Database from 'better-sqlite3';
import { ensureIndexes } from './migrations';
import { openCapture } from './reader';
import { fail, ok, type Result } from './result';
import type { CaptureState } from './schema';

export interface RepairSummary {
  readonly action: 'none' | 'marked-aborted';
  /** The state the file had. */
  readonly before: CaptureState;
  readonly events: number;
  readonly checkpoints: number;
  readonly droppedCheckpoints: number;
}

export function repairCapture(path: string): Result<RepairSummary> {
  const opened = openCapture(path);
  if (!opened.ok) return opened;
  const before = opened.value.meta().state;
  opened.value.close();
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const conn = db;
    const events = Number(conn.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get());
    if (before !== 'recording') {
      // Finished while a reader held it (writer.ts): one self-contained file again.
      if (conn.pragma('journal_mode', { simple: true }) === 'wal') conn.pragma('journal_mode = DELETE');
      const checkpoints = Number(conn.prepare('SELECT count(*) FROM checkpoints').pluck().get());
      return ok({ action: 'none', before, events, checkpoints, droppedCheckpoints: 0 });
    }
    let dropped = 0;
    conn.transaction(() => {
      dropped = conn.prepare('DELETE FROM checkpoints WHERE snapshot_blob NOT IN (SELECT id FROM blobs) OR seq > ?').run(events).changes;
      conn.prepare(`UPDATE meta SET state = 'aborted', finished_at = ?, event_count = ?, error = coalesce(error, ?) WHERE id = 1`)
        .run(new Date().toISOString(), events, `recording cut short after event ${events}; marked aborted by tracefold repair`);
    })();
    ensureIndexes(conn);
    conn.pragma('journal_mode = DELETE');
    const checkpoints = Number(conn.prepare('SELECT count(*) FROM checkpoints').pluck().get());
    return ok({ action: 'marked-aborted', before, events, checkpoints, droppedCheckpoints: dropped });
  } catch (err) {
    return fail('io', `cannot repair ${path}: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}
