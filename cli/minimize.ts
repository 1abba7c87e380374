/**
 * `tracefold minimize FILE --until "<predicate>" -o SMALL [--json] [--max-tests N]`:
 * delta debugging over FILE's API calls (replayer/minimize/minimize-capture.ts) down
 * to the fewest that still satisfy the predicate, with object dependencies respected
 * (nothing used before it is created), written to SMALL as a capture that replays.
 *
 * Predicates: `fault` (the run has a GPU fault); `diverges` (with the capture's
 * injected bugs, what the app observes differs from a clean run, first at the same
 * kind of event as the whole capture); `diverges:frame.present|mem.read|api.return`.
 *
 * Exit codes: 0 minimised, 1 the predicate does not hold on FILE or a capture
 * cannot be read or written, 2 a bad command line.
 *
 * Example:
 *   tracefold minimize vkcube-bad.tfcap --until diverges -o small.tfcap
 *   // → minimised vkcube-bad.tfcap: 421 → 35 API calls (8.3 %) in 225 tests, predicate diverges:frame.present → small.tfcap
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CausalLinker } from '../recorder/causality';
import { minimizeCapture } from '../replayer/minimize/minimize-capture';
import { parsePredicate } from '../replayer/minimize/predicate';
import { consoleOutput, intOption, type Output } from './output';

export interface MinimizeFlags {
  readonly until?: string;
  readonly output?: string;
  readonly json?: boolean;
  readonly maxTests?: string;
}

export function registerMinimize(program: Command): void {
  program
    .command('minimize')
    .description('delta-debug a capture\'s API calls down to the fewest that still satisfy a predicate; write them as a capture that replays')
    .argument('<file>', 'capture to minimise (.tfcap)')
    .requiredOption('--until <predicate>', 'fault | diverges | diverges:frame.present|mem.read|api.return')
    .requiredOption('-o, --output <file>', 'where to write the minimised capture (replaced if it exists)')
    .option('--max-tests <n>', 'predicate evaluations allowed', '2000')
    .option('--json', 'print the report as one JSON object')
    .action((file: string, flags: MinimizeFlags) => {
      process.exitCode = minimizeCommand(file, flags);
    });
}

export function minimizeCommand(file: string, flags: MinimizeFlags, io: Output = consoleOutput): number {
  const predicate = parsePredicate(flags.until ?? '');
  if ('error' in predicate) {
    io.err(`tracefold minimize: ${predicate.error}`);
    return 2;
  }
  const maxTests = intOption('max-tests', flags.maxTests, 1);
  if (typeof maxTests === 'object') {
    io.err(`tracefold minimize: ${maxTests.error}`);
    return 2;
  }
  if (!flags.output) {
    io.err('tracefold minimize: -o SMALL is required');
    return 2;
  }
  const r = minimizeCapture(file, predicate, flags.output, {
    maxTests, engineVersion: packageVersion(), linkCauses: (w) => new CausalLinker(w),
  });
  if (!r.ok) {
    io.err(`tracefold minimize: ${r.error.message}`);
    return 1;
  }
  const m = r.value;
  if (flags.json) io.out(JSON.stringify(m, null, 2));
  else {
    const p = m.predicate.kind === 'fault' ? 'fault' : `diverges:${m.predicate.at}`;
    io.out(`minimised ${m.path}: ${m.callsBefore} → ${m.callsAfter} API calls (${((m.callsAfter / Math.max(1, m.callsBefore)) * 100).toFixed(1)} %) in ${m.tests} tests, predicate ${p} → ${m.outPath} (${m.eventsWritten} events)`);
    io.out(`kept: ${m.kept.map((k) => k.name).join(', ')}`);
  }
  return 0;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
