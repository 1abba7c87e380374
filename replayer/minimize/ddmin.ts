/**
 * Delta debugging (Zeller's ddmin, complement variant) over a list of calls whose
 * removal drags their dependents along (call-graph.ts).
 *
 * Model
 * - First the shortest failing prefix, by binary search: a prefix never uses an
 *   object it did not create, and most bugs show early, so this removes the tail
 *   (later frames, teardown) in log2(n) tests.
 * - Then ddmin on what is left: split into n chunks; try removing each chunk with
 *   its dependents (the complement must still fail); on success keep the smaller
 *   list and coarsen (n − 1), else refine (2n) until chunks are single calls. The
 *   result is 1-minimal: removing any one call (and its dependents) makes the
 *   predicate pass.
 * - Tests are memoised by the kept set; `maxTests` bounds the work (the best list
 *   so far is returned when it runs out).
 *
 * Example: ddmin([1..100], test = (kept) => kept ⊇ {3, 50}, closure = id)
 *   // → { kept: [3, 50], tests: 27 }
 */
export interface DdminOptions {
  readonly maxTests?: number;
  readonly onTest?: (tests: number, kept: number) => void;
}

export function ddmin(
  items: readonly number[],
  test: (kept: ReadonlySet<number>) => boolean,
  closure: (removed: Iterable<number>) => Set<number>,
  options: DdminOptions = {},
): { kept: number[]; tests: number } {
  const maxTests = options.maxTests ?? 2000;
  let tests = 0;
  const memo = new Map<string, boolean>();
  const run = (kept: readonly number[]): boolean => {
    const key = kept.join(',');
    const m = memo.get(key);
    if (m !== undefined) return m;
    tests++;
    const r = test(new Set(kept));
    memo.set(key, r);
    options.onTest?.(tests, kept.length);
    return r;
  };

  // The shortest failing prefix.
  let lo = 0;
  let hi = items.length;
  while (hi - lo > 1 && tests < maxTests) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (run(items.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  let current = items.slice(0, hi);

  let n = 2;
  while (current.length >= 2 && tests < maxTests) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < current.length && tests < maxTests; i += size) {
      const removed = closure(current.slice(i, i + size));
      const candidate = current.filter((s) => !removed.has(s));
      if (candidate.length === current.length || candidate.length === 0) continue;
      if (run(candidate)) {
        current = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size === 1) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return { kept: current, tests };
}
