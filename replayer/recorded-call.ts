/**
 * Turning a recorded api.call back into arguments for the current UMD, and a pair
 * of returns (recorded, replayed) into handle bindings.
 *
 * Model
 * - The API tap stored arguments JSON-safe: `undefined` became null (the UMD's API
 *   never takes null, so null → undefined is the exact inverse; keys are kept, so
 *   the re-tapped call is equal to the recorded one), byte arrays come back from the
 *   reader as Uint8Array. Anything the tap reduced to a description string stays a
 *   string, and the UMD rejects it — a divergence, as it should be.
 * - Handles are translated only at the entry point's slots (engine/umd/api-handles.ts).
 * - Return values are paired slot by slot, element by element; a slot holding a
 *   different number of handles on the two sides binds what it can and reports it.
 *
 * Example:
 *   callArgs('vkQueueSubmit2', 100, [2, [{ commandBuffers: [1] }], null], map)
 *   // → [map(VkQueue 2), [{ commandBuffers: [map(VkCommandBuffer 1)] }], undefined]
 */
import { handleSlots, mapSlot, readSlot } from '../engine/umd/api-handles';
import type { HandleMap } from './handle-map';

export function callArgs(name: string, pid: number, recorded: readonly unknown[], map: HandleMap): unknown[] {
  let args = revive(recorded) as unknown[];
  for (const slot of handleSlots(name).params) args = mapSlot(args, slot.path, (h) => map.translate(pid, slot.kind, h)) as unknown[];
  return args;
}

/** Binds the handles of a replayed return to the recorded ones; returns the conflicts found. */
export function bindReturn(name: string, pid: number, recordedValue: unknown, actualValue: unknown, map: HandleMap): string[] {
  const problems: string[] = [];
  for (const slot of handleSlots(name).returns) {
    const rec = readSlot({ value: recordedValue }, slot.path);
    const act = readSlot({ value: actualValue }, slot.path);
    if (rec.length !== act.length) problems.push(`${name} ${slot.path}: ${rec.length} recorded ${slot.kind} handle(s), ${act.length} returned`);
    for (let i = 0; i < Math.min(rec.length, act.length); i++) {
      const conflict = map.bind(pid, slot.kind, rec[i]!, act[i]!);
      if (conflict) problems.push(`${name} ${slot.path}: ${conflict}`);
    }
  }
  return problems;
}

/** A recorded value with null turned back into undefined, at any depth. */
export function revive(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map(revive);
  if (typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = revive(x);
    return out;
  }
  return v;
}
