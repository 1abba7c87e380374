/**
 * The model state at a seek point as plain data, and a BO's bytes, for tools above
 * the replayer (the API): engine/state-description.ts reads the live stack; this
 * module is the thin door to it, so api/ stays off engine/ internals
 * (tests/arch/import-rules.test.ts).
 *
 * - `boBytes` reads through the L2 like describeState's content hash does, i.e. what
 *   the CPU (and `tracefold state --bo`) would read at that point.
 *
 * Example: const s = stateAt(reader, 421); describeSeek(s.value).bos[0] → { id: 1, label: 'ring', … };
 *   boBytes(s.value, 3) → Uint8Array(16384) | undefined
 */
import { describeState, type StateDescription } from '../engine/state-description';
import type { SeekResult } from './seek';

export type { BoDescription, GroupDescription, StateDescription, SyncobjDescription, VmDescription } from '../engine/state-description';

export function describeSeek(seek: SeekResult): StateDescription {
  return describeState(seek.stack);
}

/** The bytes of BO `boId` (the driver's global id), or undefined when no live BO has it. */
export function boBytes(seek: SeekResult, boId: number): Uint8Array | undefined {
  const gem = seek.stack.kmd.gem;
  const bo = gem.liveBos().find((b) => b.id === boId);
  return bo ? gem.read(bo, 0, bo.sizeBytes) : undefined;
}
