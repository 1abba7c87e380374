/**
 * Placeholder for the API-level replay (replayer/api-replay.ts, `replayApi`), which
 * is being written separately. It exists so `--level api` has an entry in the level
 * table (levels.ts) and answers "not available" (exit 125) until then; the merge
 * points that entry at `replayApi` and deletes this file.
 *
 * Example: runApiReplayPending(reader, {}) → { ok: false, error: { code: 'not-available', … } }
 */
import type { CaptureReader } from '../recorder/capture/reader';
import type { ReplayResult, ReplayRunOptions } from './ioctl-replay';

export function runApiReplayPending(_reader: CaptureReader, _options: ReplayRunOptions): ReplayResult {
  return { ok: false, error: { code: 'not-available', message: 'API-level replay is not available in this build' } };
}
