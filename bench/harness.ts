/**
 * Benchmark harness: a metric is a named measurement that returns one number per
 * run; the harness runs it several times and reports the median, which is what
 * performance claims quote (min and max show the spread).
 *
 * Conventions:
 * - names are snake_case and carry their unit (`cs_instructions_per_s`,
 *   `capture_open_ms`), so a bare JSON object `{ name: median }` is self-describing;
 * - `run()` sets up its own input, measures only the part the name describes, and
 *   returns the figure in `unit`; it should do enough work (tens of milliseconds or
 *   more) that timer resolution does not matter;
 * - a target is optional: `{ min }` for throughputs, `{ max }` for latencies. It is
 *   judged against the median.
 *
 * Example:
 *   const m: Metric = { name: 'noop_calls_per_s', unit: 'calls/s', target: { min: 1e6 },
 *     run: () => { const t0 = performance.now(); for (let i = 0; i < 1e6; i++) noop();
 *                  return 1e6 / ((performance.now() - t0) / 1e3); } };
 *   await measure(m, { runs: 5, warmup: 1 })  // → { metric: m, median: 3.1e8, min: …, max: …, values: [5 numbers] }
 */
export interface Target {
  /** The median must be at least this (throughputs). */
  readonly min?: number;
  /** The median must be at most this (latencies, sizes). */
  readonly max?: number;
}

export interface Metric {
  /** snake_case, unit in the name: `sim_events_per_s`. */
  readonly name: string;
  /** Unit for display: `events/s`, `ms`, `MB/s`. */
  readonly unit: string;
  readonly target?: Target;
  /** One line: what is measured, on what input. */
  readonly doc?: string;
  /**
   * Counted runs whatever `--runs` says, with no warm-up: for metrics whose one run
   * takes minutes (the 10M-event figures), where a median of five would take hours.
   */
  readonly runs?: number;
  /** One measurement, in `unit`. May be async (I/O-bound metrics). */
  run(): number | Promise<number>;
}

export interface Measurement {
  readonly metric: Metric;
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** undefined when the metric has no target. */
  readonly pass: boolean | undefined;
}

export interface MeasureOptions {
  /** Counted runs (median over these). */
  readonly runs: number;
  /** Uncounted runs first, to let the JIT settle. */
  readonly warmup: number;
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Checks names (snake_case, unique) and returns the list unchanged. Throws on a bad registry. */
export function validateRegistry(metrics: readonly Metric[]): readonly Metric[] {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (!SNAKE_CASE.test(m.name)) throw new Error(`metric name "${m.name}" is not snake_case`);
    if (seen.has(m.name)) throw new Error(`metric "${m.name}" is registered twice`);
    seen.add(m.name);
  }
  return metrics;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function meetsTarget(value: number, target: Target | undefined): boolean | undefined {
  if (!target) return undefined;
  if (!Number.isFinite(value)) return false;
  if (target.min !== undefined && value < target.min) return false;
  if (target.max !== undefined && value > target.max) return false;
  return true;
}

export async function measure(metric: Metric, options: MeasureOptions): Promise<Measurement> {
  for (let i = 0; i < options.warmup; i++) await metric.run();
  const values: number[] = [];
  for (let i = 0; i < options.runs; i++) values.push(await metric.run());
  const med = median(values);
  return {
    metric,
    values,
    median: med,
    min: Math.min(...values),
    max: Math.max(...values),
    pass: meetsTarget(med, metric.target),
  };
}

/** `{ name: median }` — the machine-readable form (`npm run bench -- --json`). */
export function toJson(results: readonly Measurement[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.metric.name] = r.median;
  return out;
}

/** 4 significant digits with an SI suffix: 1234567 → "1.235 M", 0.00123 → "1.230 m". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const prefixes: ReadonlyArray<readonly [number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
    [1, ''],
    [1e-3, 'm'],
    [1e-6, 'µ'],
    [1e-9, 'n'],
  ];
  const abs = Math.abs(value);
  for (const [scale, prefix] of prefixes) {
    if (abs >= scale) return `${(value / scale).toPrecision(4)}${prefix ? ` ${prefix}` : ''}`;
  }
  return value.toExponential(3);
}

function formatTarget(target: Target | undefined): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.min !== undefined) parts.push(`>= ${formatNumber(target.min)}`);
  if (target.max !== undefined) parts.push(`<= ${formatNumber(target.max)}`);
  return parts.join(', ');
}

/** The human-readable table: one row per metric, columns aligned. */
export function formatTable(results: readonly Measurement[]): string {
  const header = ['metric', 'median', 'min', 'max', 'unit', 'target', 'result'];
  const rows = results.map((r) => [
    r.metric.name,
    formatNumber(r.median),
    formatNumber(r.min),
    formatNumber(r.max),
    r.metric.unit,
    formatTarget(r.metric.target),
    r.pass === undefined ? '-' : r.pass ? 'pass' : 'FAIL',
  ]);
  const numeric = new Set([1, 2, 3]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
