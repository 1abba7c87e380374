/**
 * `npm run bench [-- options]`: runs every registered metric (bench/metrics.ts)
 * and prints the medians.
 *
 *   npm run bench                          aligned table on stdout, progress on stderr
 *   npm run bench -- --json                exactly one JSON object on stdout: { "sim_events_per_s": 4.1e6, … }
 *   npm run bench -- --only a_per_s,b_ms   a subset, in registry order
 *   npm run bench -- --runs 9 --check      more runs; exit 1 if a median misses its target
 *
 * Exit codes: 0 done, 1 a metric threw (or, with --check, missed its target),
 * 2 bad arguments. Timing noise between runs is ±25% on the reference machines, so
 * targets are not checked unless asked for.
 */
import { Command, InvalidArgumentError } from 'commander';
import { formatTable, measure, toJson, type Measurement, type Metric } from './harness.js';
import { metrics } from './metrics.js';

interface Options {
  readonly runs: number;
  readonly warmup: number;
  readonly json: boolean;
  readonly only?: string;
  readonly check: boolean;
  readonly list: boolean;
}

function integerAtLeast(minimum: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < minimum) throw new InvalidArgumentError(`expected an integer >= ${minimum}`);
    return n;
  };
}

function selectMetrics(only: string | undefined): readonly Metric[] {
  if (only === undefined) return metrics;
  const wanted = new Set(only.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
  const known = new Set(metrics.map((m) => m.name));
  const unknown = [...wanted].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown metric(s): ${unknown.join(', ')}\nknown: ${[...known].join(', ')}\n`);
    process.exit(2);
  }
  return metrics.filter((m) => wanted.has(m.name));
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .description('Run the Tracefold benchmarks and report the median of each metric.')
    .option('--runs <n>', 'counted runs per metric', integerAtLeast(1), 5)
    .option('--warmup <n>', 'uncounted runs per metric before measuring', integerAtLeast(0), 1)
    .option('--json', 'print one JSON object { metric: median } on stdout and nothing else', false)
    .option('--only <names>', 'comma-separated metric names to run')
    .option('--check', 'exit 1 when a median misses its target', false)
    .option('--list', 'list the registered metrics and exit', false)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .parse(process.argv);
  const opts = program.opts<Options>();

  if (opts.list) {
    for (const m of metrics) process.stdout.write(`${m.name}\t${m.unit}\t${m.doc ?? ''}\n`);
    return;
  }

  const selected = selectMetrics(opts.only);
  const results: Measurement[] = [];
  let failed = false;
  for (const metric of selected) {
    const plan = metric.runs === undefined ? { runs: opts.runs, warmup: opts.warmup } : { runs: metric.runs, warmup: 0 };
    if (!opts.json) process.stderr.write(`running ${metric.name} (${plan.warmup} warm-up + ${plan.runs} runs)…\n`);
    try {
      results.push(await measure(metric, plan));
    } catch (err) {
      failed = true;
      process.stderr.write(`${metric.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }

  if (opts.json) {
    process.stdout.write(`${JSON.stringify(toJson(results))}\n`);
  } else {
    process.stdout.write(`${formatTable(results)}\n`);
  }

  const missed = results.filter((r) => r.pass === false);
  if (opts.check && missed.length > 0) {
    process.stderr.write(`missed target: ${missed.map((r) => r.metric.name).join(', ')}\n`);
    failed = true;
  }
  if (failed) process.exitCode = 1;
}

await main();
