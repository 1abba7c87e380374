/**
 * The checkpoint half of bisect: GOOD's and BAD's checkpoints at aligned events,
 * compared in BAD's order by the hash of their snapshot manifest with the stack
 * configuration (injected bug names) left out.
 *
 * Model: a manifest names every page and chunk by its content hash
 * (engine/snapshot-codec.ts), so equal manifests are equal states, clock included,
 * and comparing one costs one small blob per checkpoint. A BAD checkpoint counts
 * when its GOOD counterpart (`goodSeqOf`: bisect asks for the same seq, the streams
 * being in step while their states are equal) has a checkpoint too.
 * `lastEqualSeq` is the last BAD seq of an unbroken run of equal pairs from the
 * start (0 when the first pair differs or there is none), `firstDifferentSeq` the
 * BAD seq of the first differing pair.
 *
 * Example: compareCheckpoints(good, bad, (s) => s)
 *   // → { ok: true, value: { compared: 3, lastEqualSeq: 4097, firstDifferentSeq: 6145 } }
 */
import type { CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';
import { hash53 } from '../diff/capture-normaliser';

export interface CheckpointComparison {
  readonly compared: number;
  readonly lastEqualSeq: number;
  readonly firstDifferentSeq: number | null;
}

function checkpointRows(r: CaptureReader): Result<Map<number, number>> {
  const q = r.query('SELECT seq, snapshot_blob FROM checkpoints WHERE snapshot_blob IS NOT NULL ORDER BY seq');
  if (!q.ok) return q;
  return ok(new Map(q.value.rows.map((row) => [Number(row[0]), Number(row[1])])));
}

function stateKey(r: CaptureReader, blob: number): number | undefined {
  const bytes = r.blob(blob);
  if (!bytes) return undefined;
  const manifest = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  delete manifest.config;
  return hash53(JSON.stringify(manifest));
}

export function compareCheckpoints(good: CaptureReader, bad: CaptureReader, goodSeqOf: (badSeq: number) => number): Result<CheckpointComparison> {
  const g = checkpointRows(good);
  if (!g.ok) return g;
  const b = checkpointRows(bad);
  if (!b.ok) return b;
  let compared = 0;
  let lastEqualSeq = 0;
  for (const [seqB, blobB] of b.value) {
    const seqG = goodSeqOf(seqB);
    const blobG = seqG ? g.value.get(seqG) : undefined;
    if (blobG === undefined) continue;
    const kg = stateKey(good, blobG);
    const kb = stateKey(bad, blobB);
    if (kg === undefined || kb === undefined) return fail('corrupt', `checkpoint manifest missing at seq ${kg === undefined ? seqG : seqB}`);
    compared++;
    if (kg !== kb) return ok({ compared, lastEqualSeq, firstDifferentSeq: seqB });
    lastEqualSeq = seqB;
  }
  return ok({ compared, lastEqualSeq, firstDifferentSeq: null });
}
