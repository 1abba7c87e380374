/**
 * Names for the numbers a run hands out, by role: a handle, fd, pid, mmap offset,
 * mapping address, job id, ioctl id, group id or fence is known by the event that
 * created it, so two runs that allocated differently still name the same object the
 * same way.
 *
 * Model
 * - A name is `<namespace>@<role>`, where the role is the creating event's role
 *   (event-roles.ts): `bo@p0.t0/call#12/enter#0/ret`. Roles are the same in two runs
 *   that did the same work, whatever numbers they were given.
 * - Keys are scoped as the kernel scopes them: per process for handles, fds and
 *   mapping addresses (the pid is itself named first), global for mmap offsets,
 *   job, ioctl and group ids and fences.
 * - `name` of a value never learned returns the raw number: numbers the app chose
 *   itself (GPU VAs from the UMD's allocator, timeline points) are compared as they
 *   are. Re-creating a value (a handle reused after close) rebinds it.
 *
 * - Ids the kernel hands out once per ioctl, job and fence (WINDOWED) are kept only
 *   for recent events when a `windowEvents` is given (recent-map.ts): a miss that may
 *   be one forgotten sets `lost`, and the scan is redone keeping everything.
 *
 * Example:
 *   names.learn('p0', 'bo', 3, 'p0.t0/call#9/enter#0/ret')
 *   names.name('p0', 'bo', 3)   // → 'bo@p0.t0/call#9/enter#0/ret'
 *   names.name('p0', 'bo', 4)   // → 4
 */
import { RecentMap } from './recent-map';

/** Namespaces with one value per ioctl, job or fence of the whole run: a capture's worth of names. */
const WINDOWED: ReadonlySet<string> = new Set(['ioctl', 'job', 'fence']);

export class ValueNames {
  private readonly table = new Map<string, string>();
  private readonly recent: RecentMap<string, string>;
  /** When set, every learn is appended here as `scope|ns|value|name` (lockstep-scan.ts compares two runs' learns). */
  learned: string[] | undefined;
  lost = false;

  constructor(windowEvents = Infinity) {
    this.recent = new RecentMap(windowEvents);
  }

  /** Names held: what the window bounds. */
  get retainedEntries(): number {
    return this.table.size + this.recent.size;
  }

  /** The scan has reached event `seq` (see WINDOWED). */
  advance(seq: number): void {
    this.recent.advance(seq);
  }

  learn(scope: string, ns: string, value: number | string, role: string): string {
    const name = `${ns}@${role}`;
    const key = `${scope}|${ns}|${value}`;
    if (WINDOWED.has(ns)) this.recent.set(key, name);
    else this.table.set(key, name);
    this.learned?.push(`${key}|${name}`);
    return name;
  }

  name(scope: string, ns: string, value: number): number | string;
  name(scope: string, ns: string, value: string): string;
  name(scope: string, ns: string, value: number | string): number | string {
    if (value === 0) return 0;
    const key = `${scope}|${ns}|${value}`;
    if (!WINDOWED.has(ns)) return this.table.get(key) ?? value;
    const n = this.recent.get(key);
    if (n === undefined && this.recent.mayHaveForgotten(key)) this.lost = true;
    return n ?? value;
  }

  /** Every learned value of namespace `ns` (not a WINDOWED one): [scope, value, name]. */
  entries(ns: string): [string, string, string][] {
    const out: [string, string, string][] = [];
    for (const [key, name] of this.table) {
      const [scope, n, value] = key.split('|') as [string, string, string];
      if (n === ns) out.push([scope, value, name]);
    }
    return out;
  }

  has(scope: string, ns: string, value: number | string): boolean {
    const key = `${scope}|${ns}|${value}`;
    return WINDOWED.has(ns) ? this.recent.get(key) !== undefined : this.table.has(key);
  }
}

/**
 * A dry run over `base`: learns go to this table only (and to `learned`), names are
 * looked up here first, then in `base`, which is never changed. What one event's
 * view would learn and say, without learning it.
 */
export class DryRunNames extends ValueNames {
  constructor(private readonly base: ValueNames) {
    super();
    this.learned = [];
  }

  override name(scope: string, ns: string, value: number): number | string;
  override name(scope: string, ns: string, value: string): string;
  override name(scope: string, ns: string, value: number | string): number | string {
    if (value === 0) return 0;
    return this.has(scope, ns, value) ? super.name(scope, ns, value as string) : this.base.name(scope, ns, value as string);
  }
}
