/**
 * Runs one `tracefold` command in this fresh process and, at exit, writes
 * `{ seconds, maxRssMb, exitCode }` as JSON to RESULT_FILE — peak RSS of the command
 * itself (worker threads included: they share the process), as a user running the
 * CLI would see it. Used by large-metrics.ts.
 * Usage: tsx bench/cli-child.ts RESULT_FILE <tracefold arguments…>
 */
import { writeFileSync } from 'node:fs';
import { peakRssMb } from './peak-rss';

const [resultFile, ...args] = process.argv.slice(2);
const t0 = performance.now();
process.on('exit', (code) => {
  const seconds = (performance.now() - t0) / 1e3;
  writeFileSync(resultFile!, JSON.stringify({ seconds, maxRssMb: peakRssMb(), exitCode: code }));
});
process.argv = [process.argv[0]!, 'tracefold', ...args];
await import('../cli/main');
