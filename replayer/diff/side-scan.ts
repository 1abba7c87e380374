/**
 * One capture's half of an alignment, as plain numbers: per seq the role (hashed to
 * 53 bits), the view's key and the kind; the presented frames' sizes; the timing
 * collected on the way; and the names its BOs ended with. Plain data, so the scan
 * can run in a worker thread (scan-worker.ts) beside the other capture's.
 *
 * Model: roles are compared by hash (hash53 of the role text): two different roles
 * collide with probability ~2⁻⁵³ per pair — for two million-event captures, about
 * one chance in 20,000 that some event is paired with the wrong one (it would show
 * as a changed event).
 *
 * Example: scanSide(reader, Infinity) → { ok: true, value: { events: 245, roles: Float64Array(246), … } }
 */
import { eventKinds, type EventKind } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { ok, type Result } from '../../recorder/capture/result';
import { scanCapture } from './align-streams';
import { CaptureNormaliser, SCAN_WINDOW_EVENTS, hash53 } from './capture-normaliser';
import { TimingCollector, type TimingData } from './timing-tracks';

export const KINDS = Object.keys(eventKinds) as EventKind[];
export const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));

export interface SideScan {
  readonly events: number;
  readonly roles: Float64Array;
  readonly keys: Float64Array;
  readonly kinds: Uint8Array;
  /** [seq, pixels] of every frame.present. */
  readonly frames: readonly (readonly [number, number])[];
  readonly timing: TimingData;
  /** `pid:handle` → the BO's name by role, at the end of the scan. */
  readonly boNames: readonly (readonly [string, string])[];
}

export function scanSide(reader: CaptureReader, total: number, limit: number, tick?: (seq: number) => void, windowEvents = SCAN_WINDOW_EVENTS): Result<SideScan> {
  // State kept for recent events only; if the capture named an older one, again with all.
  const r = scanWithin(reader, total, limit, windowEvents, tick);
  return r === 'lost' ? (scanWithin(reader, total, limit, Infinity, tick) as Result<SideScan>) : r;
}

function scanWithin(reader: CaptureReader, total: number, limit: number, windowEvents: number, tick?: (seq: number) => void): Result<SideScan> | 'lost' {
  const normaliser = new CaptureNormaliser({ keysOnly: true, windowEvents });
  const timing = new TimingCollector();
  const n = Math.min(total, limit);
  const roles = new Float64Array(n + 1);
  const keys = new Float64Array(n + 1);
  const kinds = new Uint8Array(n + 1);
  const frames: [number, number][] = [];
  let events = 0;
  const scanned = scanCapture(reader, normaliser, (seq, e, v) => {
    if (seq > n) return false;
    events = seq;
    roles[seq] = hash53(v.role);
    keys[seq] = v.key;
    kinds[seq] = KIND_INDEX.get(e.kind)!;
    if (e.kind === 'frame.present') frames.push([seq, e.width * e.height]);
    timing.visit(e, v);
    tick?.(seq);
  });
  if (!scanned.ok) return scanned;
  if (normaliser.lost) return 'lost';
  normaliser.roles.release();
  return ok({ events, roles, keys, kinds, frames, timing: timing.data(), boNames: boNamesOf(normaliser) });
}

/** `pid:handle` → name of every BO the normaliser has named so far. */
export function boNamesOf(normaliser: CaptureNormaliser): SideScan['boNames'] {
  const scopes = new Map(normaliser.roles.processes().map(([pid, name]) => [name, pid]));
  return normaliser.names.entries('bo').flatMap(([scope, value, name]) => {
    const pid = scopes.get(scope);
    return pid === undefined ? [] : [[`${pid}:${value}`, name] as const];
  });
}
