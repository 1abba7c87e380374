/**
 * How two model states differ, object by object, in the terms `tracefold state`
 * uses: which BO's bytes (ranges and a count, read from both stacks), which syncobj
 * (payload, points), which group (state bits, queues), which VM (usable, mappings),
 * which hardware slot.
 *
 * Model: objects are matched by kind and id (two runs number objects alike until
 * they depart, see state-fingerprint.ts); an object only one side has is listed with
 * `only: 'good' | 'bad'`. Field differences are listed by path (field-diff.ts's
 * printable form), the first MAX_FIELDS of each object.
 *
 * Example:
 *   stateDifference(good, bad).bos
 *   // → [{ id: 3, handles: [{ pid: 100, handle: 3 }], label: 'buffer', ranges: [{ offsetBytes: 4080, lengthBytes: 16 }], differingBytes: 16 }]
 */
import type { Stack } from '../../engine/stack';
import { fieldDiffs } from '../field-diff';
import { diffBytes, type ByteRange } from '../diff/bo-diff';
import type { TimelessState } from './state-fingerprint';

const MAX_FIELDS = 8;

export interface ObjectDifference {
  readonly kind: 'vm' | 'syncobj' | 'group' | 'slot' | 'tlb';
  readonly id: number;
  readonly handles: readonly { readonly pid: number; readonly handle: number }[];
  readonly only?: 'good' | 'bad';
  readonly fields: readonly { readonly path: string; readonly good: string; readonly bad: string }[];
}

export interface BoDifference {
  readonly id: number;
  readonly label: string;
  readonly handles: readonly { readonly pid: number; readonly handle: number }[];
  readonly only?: 'good' | 'bad';
  readonly sizeBytes: number;
  readonly ranges: readonly ByteRange[];
  readonly differingBytes: number;
}

export interface StateDifference {
  readonly bos: readonly BoDifference[];
  readonly objects: readonly ObjectDifference[];
}

export function stateDifference(goodStack: Stack, good: TimelessState, badStack: Stack, bad: TimelessState): StateDifference {
  const bos: BoDifference[] = [];
  const badBos = new Map(bad.bos.map((b) => [b.id, b]));
  const goodLive = new Map(goodStack.kmd.gem.liveBos().map((b) => [b.id, b]));
  const badLive = new Map(badStack.kmd.gem.liveBos().map((b) => [b.id, b]));
  for (const g of good.bos) {
    const b = badBos.get(g.id);
    const handles = g.handles.map((h) => ({ pid: h.pid, handle: h.handle }));
    if (!b) {
      bos.push({ id: g.id, label: g.label, handles, only: 'good', sizeBytes: g.sizeBytes, ranges: [], differingBytes: 0 });
      continue;
    }
    if (b.contentHash === g.contentHash) continue;
    const x = goodLive.get(g.id)!;
    const y = badLive.get(g.id)!;
    const d = diffBytes(goodStack.kmd.gem.read(x, 0, x.sizeBytes), badStack.kmd.gem.read(y, 0, y.sizeBytes));
    bos.push({ id: g.id, label: g.label, handles, sizeBytes: g.sizeBytes, ...d });
  }
  const goodIds = new Set(good.bos.map((b) => b.id));
  for (const b of bad.bos) {
    if (!goodIds.has(b.id)) bos.push({ id: b.id, label: b.label, handles: b.handles.map((h) => ({ pid: h.pid, handle: h.handle })), only: 'bad', sizeBytes: b.sizeBytes, ranges: [], differingBytes: 0 });
  }

  const objects: ObjectDifference[] = [];
  const compare = <T extends { id?: number; index?: number; handles?: readonly { pid: number; handle: number }[] }>(kind: ObjectDifference['kind'], xs: readonly T[], ys: readonly T[]): void => {
    const key = (o: T): number => o.id ?? o.index ?? 0;
    const ysBy = new Map(ys.map((o) => [key(o), o]));
    const handles = (o: T) => (o.handles ?? []).map((h) => ({ pid: h.pid, handle: h.handle }));
    for (const x of xs) {
      const y = ysBy.get(key(x));
      if (!y) {
        objects.push({ kind, id: key(x), handles: handles(x), only: 'good', fields: [] });
        continue;
      }
      const fields = fieldDiffs(x, y, MAX_FIELDS);
      if (fields.length) objects.push({ kind, id: key(x), handles: handles(x), fields: fields.map((f) => ({ path: f.path, good: f.expected, bad: f.actual })) });
    }
    const xsIds = new Set(xs.map(key));
    for (const y of ys) if (!xsIds.has(key(y))) objects.push({ kind, id: key(y), handles: handles(y), only: 'bad', fields: [] });
  };
  compare('vm', good.vms, bad.vms);
  compare('syncobj', good.syncobjs, bad.syncobjs);
  compare('group', good.groups, bad.groups);
  compare('slot', good.slots, bad.slots);
  for (const index of new Set([...good.staleTlbs, ...bad.staleTlbs].map((t) => t.index))) {
    const g = good.staleTlbs.find((t) => t.index === index)?.entries ?? [];
    const b = bad.staleTlbs.find((t) => t.index === index)?.entries ?? [];
    if (JSON.stringify(g) === JSON.stringify(b)) continue;
    const fields = [
      { path: 'staleEntries', good: String(g.length), bad: String(b.length) },
      ...b.filter((e) => !g.includes(e)).slice(0, MAX_FIELDS).map((e) => ({ path: 'stale', good: '(none)', bad: e })),
      ...g.filter((e) => !b.includes(e)).slice(0, MAX_FIELDS).map((e) => ({ path: 'stale', good: e, bad: '(none)' })),
    ];
    objects.push({ kind: 'tlb', id: index, handles: [], fields });
  }
  return { bos, objects };
}
