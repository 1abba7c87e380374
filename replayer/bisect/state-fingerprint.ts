/**
 * What bisect compares between two runs at an event: the model state a driver
 * engineer inspects (engine/state-description.ts — every BO's bytes as the CPU would
 * read them, VMs and their mappings, syncobjs and their points, groups and their
 * queues, hardware slots), without the clock.
 *
 * Model
 * - Readable at any event, quiescent or not (a snapshot is not: engine/snapshot.ts
 *   refuses while jobs are in flight), and free of the configuration (injected bug
 *   names), which differs between a golden and a buggy run by construction.
 * - Plus one piece of hidden state: stale TLB entries (stale-tlb.ts), so a missing
 *   TLB flush departs where the flush is missing. Entries that agree with the page
 *   tables are a cache and left out: which pages a job touched is not state.
 * - Time is left out: a bug that only moves timestamps is timing (diff reports it),
 *   not a state departure. Hidden state (TLB entries, L2 lines, registers) counts
 *   once it shows in what the description reads — a stale TLB entry when the write
 *   it misdirects lands.
 * - Two runs of the same app and seed number every object the same way until they
 *   depart, so descriptions compare by ids and handles as they are.
 *
 * Example: fingerprint(stack) → '5c1d0e…' (equal for equal states)
 */
import { hashBytes } from '../../engine/base/hash';
import { describeState, type StateDescription } from '../../engine/state-description';
import type { Stack } from '../../engine/stack';
import { staleTlbEntries, type StaleTlb } from './stale-tlb';

export type TimelessState = Omit<StateDescription, 'tsNs'> & { readonly staleTlbs: readonly StaleTlb[] };

export function timelessState(stack: Stack): TimelessState {
  const { tsNs: _t, ...rest } = describeState(stack);
  return { ...rest, staleTlbs: staleTlbEntries(stack) };
}

export function fingerprint(state: TimelessState): string {
  return hashBytes(new TextEncoder().encode(JSON.stringify(state)));
}
