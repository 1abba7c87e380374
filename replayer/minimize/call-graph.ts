/**
 * A capture's top-level API calls and what each one needs: the calls that created
 * the handles it passes, and for a call that publishes app writes into a mapping,
 * the vkMapMemory that made the mapping. Minimize removes calls only together with
 * everything that needs them, so no candidate uses an object before (or without)
 * creating it.
 *
 * Model
 * - A call is a top-level api.call (no other call of its process open), named by
 *   its recorded seq. Handles are read at the entry point's slots
 *   (engine/umd/api-handles.ts), per process: a parameter handle needs the call
 *   whose return created it (the latest one before it, handles being unique).
 * - `closure(removed)` is the set removed plus, transitively, every call that needs
 *   one of them.
 *
 * Example (vkcube): the vkCmdDraw at seq 208 needs vkAllocateCommandBuffers (its
 *   command buffer); removing vkCreateDevice removes nearly everything after it.
 */
import { handleSlots, readSlot } from '../../engine/umd/api-handles';
import { MergedCursor } from '../../recorder/capture/capture-cursor';
import type { CaptureReader } from '../../recorder/capture/reader';
import { fail, ok, type Result } from '../../recorder/capture/result';

export interface CallNode {
  readonly seq: number;
  readonly pid: number;
  readonly name: string;
  /** Seqs of the calls this one needs. */
  readonly needs: readonly number[];
}

export class CallGraph {
  private readonly dependents = new Map<number, number[]>();

  constructor(readonly calls: readonly CallNode[]) {
    for (const c of calls) for (const n of c.needs) {
      let list = this.dependents.get(n);
      if (!list) this.dependents.set(n, (list = []));
      list.push(c.seq);
    }
  }

  /** `removed` and every call that transitively needs one of them. */
  closure(removed: Iterable<number>): Set<number> {
    const out = new Set<number>();
    const stack = [...removed];
    while (stack.length) {
      const s = stack.pop()!;
      if (out.has(s)) continue;
      out.add(s);
      for (const d of this.dependents.get(s) ?? []) if (!out.has(d)) stack.push(d);
    }
    return out;
  }

  /** Is every need of every call in `kept` kept too? */
  consistent(kept: ReadonlySet<number>): boolean {
    return this.calls.every((c) => !kept.has(c.seq) || c.needs.every((n) => kept.has(n)));
  }
}

export function callGraph(reader: CaptureReader): Result<CallGraph> {
  const cursor = new MergedCursor(reader, ['api.call', 'api.return', 'mem.write']);
  const calls: CallNode[] = [];
  const creators = new Map<string, number>();
  const mapping = new Map<string, number>();
  /** Per pid: the open top-level call (seq, name, needs, vkMapMemory's memory) and the nesting depth. */
  const open = new Map<number, { seq: number; name: string; needs: Set<number>; depth: number; memory: unknown }>();
  for (let d = cursor.next(); d; d = cursor.next()) {
    const e = d.event;
    if (e.kind === 'api.call') {
      const o = open.get(e.pid);
      if (o) {
        o.depth++;
        continue;
      }
      const needs = new Set<number>();
      for (const s of handleSlots(e.name).params) {
        for (const h of readSlot(e.args, s.path)) {
          const c = h ? creators.get(`${e.pid}:${s.kind}:${h}`) : undefined;
          if (c !== undefined) needs.add(c);
        }
      }
      open.set(e.pid, { seq: d.seq, name: e.name, needs, depth: 1, memory: e.args[1] });
    } else if (e.kind === 'mem.write') {
      const o = open.get(e.pid);
      const m = e.memory ? mapping.get(`${e.pid}:${e.memory}`) : undefined;
      if (o && m !== undefined && m !== o.seq) o.needs.add(m);
    } else if (e.kind === 'api.return') {
      const o = open.get(e.pid);
      if (!o || --o.depth > 0) continue;
      open.delete(e.pid);
      if (e.result === 0 || e.result === null) {
        for (const s of handleSlots(e.name).returns) for (const h of readSlot({ value: e.value }, s.path)) if (h) creators.set(`${e.pid}:${s.kind}:${h}`, o.seq);
      }
      if (o.name === 'vkMapMemory' && e.result === 0 && typeof o.memory === 'number') mapping.set(`${e.pid}:${o.memory}`, o.seq);
      calls.push({ seq: o.seq, pid: e.pid, name: o.name, needs: [...o.needs].sort((x, y) => x - y) });
    }
  }
  if (cursor.error) return fail('bad-row', cursor.error.message);
  return ok(new CallGraph(calls));
}
