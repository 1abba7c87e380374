/**
 * One capture's events turned, in seq order, into what diff aligns and compares:
 * each event's role (event-roles.ts) and its view (event-view.ts), plus a 53-bit
 * key of the view so a whole capture's worth of comparisons is a number compare.
 *
 * Model
 * - Stateful and forward-only: names are learned as creating events go by, so
 *   events must be visited in seq order from the first one.
 * - The key hashes the view's canonical JSON, byte arrays by their content hash
 *   (engine/base/hash.ts): equal keys ⇔ equal views, up to a 2⁻⁵³ collision.
 *
 * Example:
 *   const n = new CaptureNormaliser();
 *   n.visit(1, null, { kind: 'kmd.process_op', tsNs: 0, pid: 100, op: 'spawn', … })
 *   // → { role: 'p0/op:spawn#0', view: { kind: 'kmd.process_op', pid: 'p0', …, cause: null }, key: 3921… }
 */
import { hashBytes } from '../../engine/base/hash';
import type { EventKind, TraceEvent } from '../../engine/trace/events';
import { EventRoles } from './event-roles';
import { hash53 } from './hash53';
import { eventView, type View, type ViewContext } from './event-view';
import { ValueNames } from './value-names';

export interface NormalisedEvent {
  readonly role: string;
  readonly view: View;
  readonly key: number;
}

/** Kinds whose views can hold byte arrays; every other view is plain JSON already. */
const BYTE_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['api.call', 'mem.write', 'frame.present', 'kmd.ioctl', 'kmd.job_queued']);

/**
 * Kinds that name nothing and learn nothing (register traffic, interrupts): their
 * view is their stored fields as they are, so a keys-only scan hashes the row's
 * args text (or the same JSON rebuilt from the event) instead of building a view.
 */
const RAW_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['hw.mmio', 'hw.irq']);
const EMPTY_VIEW: View = {};

export class CaptureNormaliser {
  readonly roles = new EventRoles();
  readonly names = new ValueNames();
  private groups = 0;

  /** `keysOnly`: views of RAW_KINDS are not built (a scan needs keys; a report needs views). */
  constructor(private readonly options: { readonly keysOnly?: boolean } = {}) {}

  visit(seq: number, causeSeq: number | null, e: TraceEvent, argsText?: string): NormalisedEvent {
    const causeRole = causeSeq !== null ? this.roles.roleOf(causeSeq) : undefined;
    const role = this.roles.assign(seq, causeSeq, e);
    if (this.options.keysOnly && RAW_KINDS.has(e.kind)) {
      const fields = argsText ?? JSON.stringify(e, Object.keys(e).filter((k) => k !== 'kind' && k !== 'tsNs'));
      return { role, view: EMPTY_VIEW, key: hash53(`${e.kind}|${fields}|${causeRole ?? ''}`) };
    }
    const ctx: ViewContext = { roles: this.roles, names: this.names, role, groups: this.groups };
    const view = eventView(e, ctx, causeRole);
    this.groups = ctx.groups;
    return { role, view, key: hash53(BYTE_KINDS.has(e.kind) && containsBytes(view) ? canonicalJson(view) : JSON.stringify(view)) };
  }
}

/** JSON with byte arrays as `#<content hash>`. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `#${x.length}:${hashBytes(x)}` : x));
}

function containsBytes(v: unknown): boolean {
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.some(containsBytes);
  if (typeof v === 'object' && v !== null) {
    for (const k in v) if (containsBytes((v as Record<string, unknown>)[k])) return true;
  }
  return false;
}

export { hash53 };
