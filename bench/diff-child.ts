/**
 * Run in a fresh process by diff-metrics.ts: diffs (or bisects) two captures and
 * prints `{ seconds, maxRssMb, … }` as JSON, so peak RSS is the command's own.
 * Usage: tsx bench/diff-child.ts diff|bisect A B
 */
import { bisectCaptures } from '../replayer/bisect/bisect-captures';
import { diffCaptures } from '../replayer/diff/diff-captures';
import { peakRssMb } from './peak-rss';

const [what, a, b] = process.argv.slice(2);
const t0 = performance.now();
if (what === 'diff') {
  const r = diffCaptures(a!, b!);
  if (!r.ok) throw new Error(r.error.message);
  const seconds = (performance.now() - t0) / 1e3;
  const changes = r.value.summary.reduce((n, s) => n + s.inserted + s.deleted + s.changed, 0);
  console.log(JSON.stringify({ seconds, maxRssMb: peakRssMb(), events: r.value.a.events + r.value.b.events, changes }));
} else {
  const r = bisectCaptures(a!, b!);
  if (!r.ok) throw new Error(r.error.message);
  const seconds = (performance.now() - t0) / 1e3;
  console.log(JSON.stringify({ seconds, maxRssMb: peakRssMb(), seq: r.value.seq, probes: r.value.probes.length }));
}
