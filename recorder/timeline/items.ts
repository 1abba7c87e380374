/**
 * The timeline of a capture: the tracks, slices, instants, counter samples and flows
 * a driver engineer reads a stack by, projected from the event log (project.ts).
 * One projection feeds every consumer — the Perfetto and JSON exporters and the
 * trace_processor-shaped SQL views — so a query written against an exported trace
 * returns the same rows on the capture itself.
 *
 * Model
 * - A track is declared (`track` item) before anything is placed on it. Ids are small
 *   integers, stable for a capture, in declaration order; `parent` nests it.
 * - Slices: `begin`/`end` pairs for API calls (they nest, on their thread's track) and
 *   `slice` for work known whole when it ends (ioctls, jobs): `tsNs` + `durNs`. Two
 *   complete slices never overlap on one track (project.ts puts overlapping work on a
 *   sibling lane of the same name, as Perfetto's own importers do).
 * - Instants have no duration; counters carry a value on a counter track.
 * - Flows follow the causal chain submit → job → fence → wait: every item on a chain
 *   carries the chain's id in `flows`; consumers link consecutive occurrences in
 *   time order (Perfetto's flow_ids semantics).
 * - Items come out in capture order, not time order (an ioctl is known when it
 *   returns): consumers that need time order sort, as trace_processor does.
 * - Args are flat-ish JSON values; nested objects and arrays flatten to
 *   `debug.a.b` / `debug.a[0]` keys, trace_processor's rule.
 */

export type ArgValue = number | string | boolean | null | readonly ArgValue[] | { readonly [k: string]: ArgValue };
export type Args = Readonly<Record<string, ArgValue>>;

export type TrackKind = 'process' | 'thread' | 'group' | 'slices' | 'counter';

export interface TrackDef {
  readonly id: number;
  readonly name: string;
  readonly kind: TrackKind;
  readonly parent: number | null;
  /** Order among siblings (lower first). */
  readonly rank: number;
  readonly pid?: number;
  readonly tid?: number;
  readonly unit?: 'bytes' | 'count';
  readonly description?: string;
}

export interface TrackItem {
  readonly type: 'track';
  readonly track: TrackDef;
}

interface Placed {
  readonly track: number;
  readonly tsNs: number;
  /** The capture event this item stands for (for links back to the event table). */
  readonly seq: number;
}

export interface Named extends Placed {
  readonly name: string;
  readonly category: string;
  readonly args: Args;
  /** Chain ids this item is a step of. */
  readonly flows: readonly number[];
}

export interface BeginItem extends Named {
  readonly type: 'begin';
}
export interface EndItem extends Placed {
  readonly type: 'end';
  /** Extra args merged into the slice (the call's result). */
  readonly args: Args;
}
export interface SliceItem extends Named {
  readonly type: 'slice';
  readonly durNs: number;
}
export interface InstantItem extends Named {
  readonly type: 'instant';
}
export interface CounterItem extends Placed {
  readonly type: 'counter';
  readonly value: number;
}

export type TimelineItem = TrackItem | BeginItem | EndItem | SliceItem | InstantItem | CounterItem;

/** What the projection writes into: an exporter, the SQL view builder, a test. */
export interface TimelineSink {
  item(item: TimelineItem): void;
}
