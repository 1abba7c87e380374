/**
 * Recorded handles → the handles the current run handed out, per process and kind.
 *
 * Model
 * - A capture holds the handles its run returned (api.return values, fds from
 *   kmd.process_op); a replay through a changed UMD may get other numbers. Each
 *   time both sides return a handle in the same slot (engine/umd/api-handles.ts),
 *   the pair is bound; arguments are translated through the bindings before a call.
 * - Keys are the *recorded* pid, so the map reads like the capture.
 * - UMD handles are never reused (tables count up), so a binding is a bijection:
 *   binding a recorded handle to a second value, or two recorded handles to one
 *   value, is a conflict — the run handed out something the capture did not. File
 *   descriptors are reused by the kernel after close, so an fd binding may be
 *   replaced.
 * - 0 is the null handle on both sides. A recorded handle that was never bound (its
 *   creation failed in this run) translates to -1, which no table holds, so the
 *   call fails validation instead of touching an unrelated object.
 *
 * Example:
 *   const m = new HandleMap();
 *   m.bind(100, 'VkBuffer', 3, 1003)   // → undefined (no conflict)
 *   m.translate(100, 'VkBuffer', 3)    // → 1003
 *   m.translate(100, 'VkBuffer', 4)    // → -1 (never bound)
 */
import type { HandleKind } from '../engine/umd/api-handles';

export const UNBOUND_HANDLE = -1;

export class HandleMap {
  private readonly forward = new Map<string, number>();
  private readonly backward = new Map<string, number>();
  /** Translations of a recorded handle that was never bound. */
  unbound = 0;

  /** Bind `recorded` to `actual`; returns a description of the conflict, if any. */
  bind(pid: number, kind: HandleKind, recorded: number, actual: number): string | undefined {
    if (recorded === 0 && actual === 0) return undefined;
    const fwdKey = `${pid}:${kind}:${recorded}`;
    const backKey = `${pid}:${kind}:${actual}`;
    const had = this.forward.get(fwdKey);
    const owner = this.backward.get(backKey);
    if (kind !== 'fd') {
      if (had !== undefined && had !== actual) return `${kind} ${recorded} of pid ${pid} was ${had} in this run, now ${actual}`;
      if (owner !== undefined && owner !== recorded) return `${kind} ${actual} of pid ${pid} stands for recorded ${owner} already, now also for ${recorded}`;
    } else if (had !== undefined) {
      this.backward.delete(`${pid}:${kind}:${had}`);
    }
    this.forward.set(fwdKey, actual);
    this.backward.set(backKey, recorded);
    return undefined;
  }

  /** The current run's handle for a recorded one (0 → 0; never bound → -1). */
  translate(pid: number, kind: HandleKind, recorded: number): number {
    if (recorded === 0) return 0;
    const h = this.forward.get(`${pid}:${kind}:${recorded}`);
    if (h !== undefined) return h;
    this.unbound++;
    return UNBOUND_HANDLE;
  }

  /** Bindings whose numbers differ (how much the run renumbered). */
  renumbered(): number {
    let n = 0;
    for (const [key, actual] of this.forward) if (Number(key.slice(key.lastIndexOf(':') + 1)) !== actual) n++;
    return n;
  }
}
