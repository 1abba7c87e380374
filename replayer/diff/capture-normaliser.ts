/**
 * One capture's events turned, in seq order, into what diff aligns and compares:
 * each event's role (event-roles.ts) and its view (event-view.ts), plus a 53-bit
 * key of the view so a whole capture's worth of comparisons is a number compare.
 *
 * Model
 * - Stateful and forward-only: names are learned as creating events go by, so
 *   events must be visited in seq order from the first one.
 * - With `windowEvents`, what later events name is kept only for recent events
 *   (recent-map.ts): a scan's state stays bounded however long the capture. When an
 *   event names something no longer kept, `lost` is set and the results cannot be
 *   trusted: the caller redoes the scan without a window. Stress captures name
 *   nothing more than a few hundred events back, so SCAN_WINDOW_EVENTS is ample.
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
import { EventRoles, sameRoleFields } from './event-roles';
import { hash53 } from './hash53';
import { eventView, viewMayLearn, type View, type ViewContext } from './event-view';
import { DryRunNames, ValueNames } from './value-names';

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

/**
 * Whether a kind's view learns names (or counts groups): only these views change
 * the normaliser's state, so only these must be built for an event whose key is
 * not needed (`visitShared`). Every other view only looks names up.
 */
const VIEW_LEARNS: { readonly [K in EventKind]: boolean } = {
  'api.call': false, 'api.return': true, 'app.thread_switch': false, 'mem.write': false, 'mem.read': false,
  'frame.present': false, 'kmd.ioctl_enter': true, 'kmd.ioctl': true, 'kmd.wait_end': false, 'kmd.syncobj': false,
  'kmd.job_queued': true, 'kmd.job_started': false, 'kmd.job_finished': false, 'kmd.fence_signal': true,
  'hw.job': false, 'kmd.group_state': false, 'kmd.reset': false, 'kmd.process_op': true,
  'hw.mmio': false, 'hw.irq': false, 'hw.fault': false,
};

/** The kinds of VIEW_LEARNS whose view learns. */
export const VIEW_LEARNS_KINDS: ReadonlySet<string> = new Set(Object.keys(VIEW_LEARNS).filter((k) => VIEW_LEARNS[k as EventKind]));

/** The key `visitShared` gives: no view was hashed (keys are hashes, never negative). */
export const UNKEYED = -1;

/** Two runs' events of one seq normalised by one state (`visitPair`). */
export interface NormalisedPair {
  readonly role: string;
  readonly a: NormalisedEvent;
  readonly b: NormalisedEvent | undefined;
  readonly inStep: boolean;
}

/** The window a bounded scan keeps state for (see the header): 65,536 to 131,072 events back. */
export const SCAN_WINDOW_EVENTS = 1 << 16;

export class CaptureNormaliser {
  readonly roles: EventRoles;
  readonly names: ValueNames;
  private groups = 0;

  /**
   * `keysOnly`: views of RAW_KINDS are not built (a scan needs keys; a report needs
   * views). `windowEvents`: keep state for that many events back (see the header).
   */
  constructor(private readonly options: { readonly keysOnly?: boolean; readonly windowEvents?: number } = {}) {
    this.roles = new EventRoles(options.windowEvents);
    this.names = new ValueNames(options.windowEvents);
  }

  /** Something named was no longer kept: the scan's results cannot be trusted (see the header). */
  get lost(): boolean {
    return this.roles.lost || this.names.lost;
  }

  /** Entries the state holds (roles, counters, names): bounded with a window, else growing with the capture. */
  get retainedEntries(): number {
    return this.roles.retainedEntries + this.names.retainedEntries;
  }

  visit(seq: number, causeSeq: number | null, e: TraceEvent, argsText?: string): NormalisedEvent {
    this.names.advance(seq);
    const causeRole = causeSeq !== null ? this.roles.roleOf(causeSeq) : undefined;
    const role = this.roles.assign(seq, causeSeq, e);
    if (this.options.keysOnly && RAW_KINDS.has(e.kind)) {
      const fields = argsText ?? JSON.stringify(e, Object.keys(e).filter((k) => k !== 'kind' && k !== 'tsNs'));
      return { role, view: EMPTY_VIEW, key: hash53(`${e.kind}|${fields}|${causeRole ?? ''}`) };
    }
    const ctx: ViewContext = { roles: this.roles, names: this.names, role, groups: this.groups };
    const view = eventView(e, ctx, causeRole);
    this.groups = ctx.groups;
    return { role, view, key: keyOf(e.kind, view) };
  }

  /**
   * `visit` for an event another run had byte for byte at the same seq from the same
   * state: the state changes as `visit` would change it, but the view is built only
   * where it learns (VIEW_LEARNS) and nothing is hashed (key UNKEYED: the two are
   * equal, whatever their key).
   */
  visitShared(seq: number, causeSeq: number | null, e: TraceEvent): NormalisedEvent {
    this.names.advance(seq);
    const causeRole = causeSeq !== null ? this.roles.roleOf(causeSeq) : undefined;
    const role = this.roles.assign(seq, causeSeq, e);
    if (!viewMayLearn(e, (k) => VIEW_LEARNS[k])) return { role, view: EMPTY_VIEW, key: UNKEYED };
    const ctx: ViewContext = { roles: this.roles, names: this.names, role, groups: this.groups };
    const view = eventView(e, ctx, causeRole);
    this.groups = ctx.groups;
    return { role, view, key: UNKEYED };
  }

  /**
   * Two runs' events at one seq, both normalised from this state, which both runs
   * share: `a` is visited (the state moves on as `visit(a)` moves it), `b` is a dry
   * run. `inStep` says whether `b` would have moved it the same way — same role
   * fields (ROLE_FIELDS), same names learned, same groups counted — so that the
   * state is still both runs'; when not, `b` may be missing.
   */
  visitPair(seq: number, causeSeq: number | null, ea: TraceEvent, argsA: string, eb: TraceEvent, argsB: string): NormalisedPair {
    this.names.advance(seq);
    const causeRole = causeSeq !== null ? this.roles.roleOf(causeSeq) : undefined;
    const role = this.roles.assign(seq, causeSeq, ea);
    const groups = this.groups;
    // Same role fields, same cause, same state: b's role is a's.
    const dry = sameRoleFields(ea, eb) ? new DryRunNames(this.names) : undefined;
    const ctxB: ViewContext | undefined = dry && { roles: this.roles, names: dry, role, groups };
    const b = ctxB && this.keyed(eb, argsB, ctxB, causeRole);
    this.names.learned = [];
    const ctxA: ViewContext = { roles: this.roles, names: this.names, role, groups };
    const a = this.keyed(ea, argsA, ctxA, causeRole);
    const learnedA = this.names.learned;
    this.names.learned = undefined;
    this.groups = ctxA.groups;
    const inStep = dry !== undefined && ctxA.groups === ctxB!.groups
      && learnedA.length === dry.learned!.length && learnedA.every((l, i) => l === dry.learned![i]);
    return { role, a, b, inStep };
  }

  private keyed(e: TraceEvent, argsText: string, ctx: ViewContext, causeRole: string | undefined): NormalisedEvent {
    if (this.options.keysOnly && RAW_KINDS.has(e.kind)) return { role: ctx.role, view: EMPTY_VIEW, key: hash53(`${e.kind}|${argsText}|${causeRole ?? ''}`) };
    const view = eventView(e, ctx, causeRole);
    return { role: ctx.role, view, key: keyOf(e.kind, view) };
  }
}

function keyOf(kind: EventKind, view: View): number {
  return hash53(BYTE_KINDS.has(kind) && containsBytes(view) ? canonicalJson(view) : JSON.stringify(view));
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
