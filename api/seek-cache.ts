/**
 * Seeks by capture, remembered: the UI asks for the state at an event, then that
 * event's BO bytes and BO images, so the last few SeekResults per open capture are
 * kept (in the capture cache entry's memo, dropped with it). A seek restores a
 * checkpoint and replays at most a checkpoint interval of inputs.
 *
 * Example: seekAt(entry, 421) → { ok: true, value: SeekResult }; seekAt(entry, 10**9) → 404 'seq … is outside the capture …'
 */
import { stateAt, type SeekResult } from '../replayer/seek';
import type { OpenCapture } from './capture-cache';
import { failure, no, okv, type Outcome } from './errors';

const KEEP_SEEKS = 3;

export function seekAt(entry: OpenCapture, seq: number): Outcome<SeekResult> {
  let seeks = entry.memo.get('seeks') as Map<number, SeekResult> | undefined;
  if (!seeks) entry.memo.set('seeks', (seeks = new Map()));
  const known = seeks.get(seq);
  if (known) return okv(known);
  const count = entry.reader.meta().eventCount ?? entry.reader.summary().events;
  if (seq > count) return no(failure(404, `no event ${seq} in this capture (events 1..${count})`));
  const s = stateAt(entry.reader, seq);
  if (!s.ok) return no(failure(422, `state at seq ${seq}: ${s.error}`));
  seeks.set(seq, s.value);
  while (seeks.size > KEEP_SEEKS) seeks.delete(seeks.keys().next().value!);
  return okv(s.value);
}
