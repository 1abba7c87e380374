/**
 * Seeking a capture: the model's state as of just after any event, rebuilt by
 * restoring the nearest checkpoint at or before it and stepping the ioctl-level
 * replay forward from there (ioctl-replay.ts).
 *
 * Model
 * - "The state at seq S" is the stack after every input (process op, ioctl,
 *   mem.write) with seq ≤ S has been applied, with the clock then run on to event
 *   S's recorded time (so the GPU work and interrupts the capture shows up to S
 *   have happened). Events the hardware emits at that same instant after S may
 *   have happened too: the clock has no finer unit.
 * - Checkpoint: the `checkpoints` row with the greatest seq ≤ S. Its manifest and
 *   parts are decoded (engine/snapshot-codec.ts), restored (engine/snapshot.ts) and
 *   the restored stack's state hash checked against the row's before any step.
 *   Inputs from the checkpoint's seq + 1 to S are then replayed. Without a
 *   checkpoint (older captures, checkpoints turned off) the replay starts from a
 *   fresh stack at the first event; `fromStart` forces that.
 * - Both starts give the same kernel and GPU state — every BO, VM, syncobj, group,
 *   slot, register and page of GPU memory, the clock — but not the same process
 *   heaps: a checkpoint holds the app's whole heap as recorded, a replay from the
 *   first event only the bytes the app handed the kernel. `replayStateHash` is the
 *   state hash with the heaps left out, equal whichever way the state was reached.
 * - Errors are values: a seq outside the capture, a checkpoint that does not decode
 *   or whose hash does not match, an input the replay cannot apply.
 *
 * Example (vkcube, 3 frames at 64×64, a checkpoint every 100 events):
 *   stateAt(reader, 421)   // the last frame.present
 *   // → { ok: true, value: { stack, seq: 421, checkpoint: { seq: 341, stateHash: 'abde84…' }, inputs: 10, skipped: [] } }
 */
import { decodeSnapshot, encodeSnapshot, type Decoded } from '../engine/snapshot-codec';
import { SNAPSHOT_VERSION, snapshotStack, stateHash, type ModelSnapshot } from '../engine/snapshot';
import type { Stack } from '../engine/stack';
import { resolveBugs } from '../engine/bugs';
import type { CaptureReader } from '../recorder/capture/reader';
import { IoctlReplaySession } from './ioctl-replay';

export interface SeekOptions {
  /** Ignore checkpoints and replay from the capture's first event. */
  readonly fromStart?: boolean;
}

export interface SeekResult {
  readonly stack: Stack;
  readonly seq: number;
  /** The checkpoint restored, or null when the replay started from a fresh stack. */
  readonly checkpoint: { readonly seq: number; readonly stateHash: string } | null;
  /** Inputs replayed after the starting point. */
  readonly inputs: number;
  /** Inputs the replay could not apply (see ioctl-replay.ts), first few. */
  readonly skipped: readonly { readonly seq: number; readonly message: string }[];
}

export type SeekOutcome = { readonly ok: true; readonly value: SeekResult } | { readonly ok: false; readonly error: string };

interface CheckpointRow {
  readonly seq: number;
  readonly stateHash: string;
  readonly blob: number;
}

export function stateAt(reader: CaptureReader, seq: number, options: SeekOptions = {}): SeekOutcome {
  const meta = reader.meta();
  const count = meta.eventCount ?? reader.summary().events;
  if (!Number.isInteger(seq) || seq < 1 || seq > count) return { ok: false, error: `seq ${seq} is outside the capture (events 1..${count})` };
  const at = reader.events({ fromSeq: seq, toSeq: seq, limit: 1 });
  if (!at.ok) return { ok: false, error: at.error.message };
  const target = at.value[0];
  if (!target) return { ok: false, error: `event ${seq} is not in the capture` };

  const row = options.fromStart ? undefined : nearestCheckpoint(reader, seq);
  if (row && 'error' in row) return { ok: false, error: row.error };
  let start: { snapshot: ModelSnapshot; afterSeq: number } | undefined;
  if (row) {
    const manifest = reader.blob(row.blob);
    if (!manifest) return { ok: false, error: `checkpoint at seq ${row.seq}: snapshot blob ${row.blob} is missing` };
    const decoded = decodeSnapshot<ModelSnapshot>(manifest, (h) => reader.blobByHash(h));
    if (!decoded.ok) return { ok: false, error: `checkpoint at seq ${row.seq}: ${decoded.error}` };
    if (decoded.value.version !== SNAPSHOT_VERSION) {
      return { ok: false, error: `checkpoint at seq ${row.seq}: snapshot version ${decoded.value.version}, this engine restores ${SNAPSHOT_VERSION}` };
    }
    start = { snapshot: decoded.value, afterSeq: row.seq };
  }

  const bugs = resolveBugs(meta.injectedBugs);
  if (bugs.unknown.length) return { ok: false, error: `unknown bug(s) in the capture: ${bugs.unknown.join(', ')}` };
  let session: IoctlReplaySession;
  try {
    session = new IoctlReplaySession(reader, meta.seed, bugs, { start, toSeq: seq });
  } catch (e) {
    return { ok: false, error: `checkpoint at seq ${row?.seq}: restore failed: ${(e as Error).message}` };
  }
  if (row) {
    const h = stateHash(session.stack);
    if (!h.ok) return { ok: false, error: `checkpoint at seq ${row.seq}: restored state cannot be hashed: ${h.error}` };
    if (h.value !== row.stateHash) return { ok: false, error: `checkpoint at seq ${row.seq}: restored state hash ${h.value} does not match the recorded ${row.stateHash} (corrupt snapshot)` };
  }
  const run = session.run();
  if (run.error !== undefined) return { ok: false, error: session.failure?.message ?? run.error };
  if (target.event.tsNs > session.stack.sim.nowNs) session.stack.sim.advanceTo(target.event.tsNs);
  return {
    ok: true,
    value: {
      stack: session.stack, seq, checkpoint: row ? { seq: row.seq, stateHash: row.stateHash } : null,
      inputs: session.inputs, skipped: session.skipped,
    },
  };
}

/** The checkpoint row with the greatest seq ≤ `seq`, if any. */
function nearestCheckpoint(reader: CaptureReader, seq: number): CheckpointRow | { error: string } | undefined {
  const r = reader.query('SELECT seq, state_hash, snapshot_blob FROM checkpoints WHERE seq <= ? AND snapshot_blob IS NOT NULL ORDER BY seq DESC LIMIT 1', [seq]);
  if (!r.ok) return { error: `reading checkpoints: ${r.error.message}` };
  const first = r.value.rows[0];
  if (!first) return undefined;
  return { seq: Number(first[0]), stateHash: String(first[1]), blob: Number(first[2]) };
}

/**
 * The state hash (engine/snapshot.ts) of the model with every process's heap left
 * out: what a seek reproduces exactly from a checkpoint and from the first event
 * alike (see the module header).
 */
export function replayStateHash(stack: Stack): Decoded<string> {
  const snap = snapshotStack(stack);
  if (!snap.ok) return snap;
  const kmd = snap.value.kmd;
  const processes = kmd.processes.map((p) => ({ ...p, memory: { ...p.memory, heapNext: 0, heapPages: [] } }));
  return { ok: true, value: encodeSnapshot({ ...snap.value, kmd: { ...kmd, processes } }).stateHash };
}
