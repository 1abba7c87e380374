/**
 * `tracefold diff A B [--json] [--out DIR]`: what changed between two captures,
 * aligned by role (replayer/diff/diff-captures.ts): handles, fds, addresses, ids and
 * timestamps are normalised, so two recordings of the same work are identical.
 *
 * Prints the summary (inserted / deleted / changed per layer and kind), the first
 * divergence with its changed fields, the events around it and its causal chain on
 * each side, the next differences, BO content differences (ranges, byte counts),
 * frame differences (pixel counts; heat-map PNGs in DIR with --out) and timing per
 * queue. `--json` prints the report as one object.
 *
 * Exit codes, as diff(1): 0 identical, 1 different, 2 trouble (a capture that
 * cannot be read, a bad option).
 *
 * Example:
 *   tracefold diff clean.tfcap bad.tfcap
 *   // → first divergence: changed api mem.write bo:5 at A#131 / B#131 …; exit 1
 */
import type { Command } from 'commander';
import { diffCaptures, type DiffChange, type DiffReport } from '../replayer/diff/diff-captures';
import { consoleOutput, type Output } from './output';

export interface DiffFlags {
  readonly json?: boolean;
  readonly out?: string;
  readonly changes?: string;
}

export const EXIT_IDENTICAL = 0;
export const EXIT_DIFFERENT = 1;
export const EXIT_TROUBLE = 2;

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two captures event by event, aligned by role (handles, addresses, timestamps normalised); exit 0 identical, 1 different, 2 trouble')
    .argument('<a>', 'first capture (.tfcap)')
    .argument('<b>', 'second capture (.tfcap)')
    .option('--json', 'print the report as one JSON object')
    .option('--out <dir>', 'write a heat-map PNG per differing frame into this directory')
    .option('--changes <n>', 'differences to list after the first one', '20')
    .action((a: string, b: string, flags: DiffFlags) => {
      process.exitCode = diffCommand(a, b, flags);
    });
}

export function diffCommand(a: string, b: string, flags: DiffFlags, io: Output = consoleOutput): number {
  const listed = Number(flags.changes ?? '20');
  if (!Number.isInteger(listed) || listed < 0) {
    io.err(`tracefold diff: --changes must be an integer ≥ 0, got '${flags.changes}'`);
    return EXIT_TROUBLE;
  }
  const r = diffCaptures(a, b, { outDir: flags.out });
  if (!r.ok) {
    io.err(`tracefold diff: ${r.error.message}`);
    return EXIT_TROUBLE;
  }
  if (flags.json) io.out(JSON.stringify(r.value, null, 2));
  else for (const line of diffLines(r.value, listed)) io.out(line);
  return r.value.identical ? EXIT_IDENTICAL : EXIT_DIFFERENT;
}

export function diffLines(d: DiffReport, listed = 20): string[] {
  const lines = [
    `A ${d.a.path} (${d.a.app}, seed ${d.a.seed}${d.a.injectedBugs.length ? `, injected: ${d.a.injectedBugs.join(', ')}` : ''}): ${d.a.events} events`,
    `B ${d.b.path} (${d.b.app}, seed ${d.b.seed}${d.b.injectedBugs.length ? `, injected: ${d.b.injectedBugs.join(', ')}` : ''}): ${d.b.events} events`,
    `${d.matched} events aligned by role`,
  ];
  if (d.identical) lines.push('identical (handles, addresses and timing normalised)');
  else {
    lines.push('', 'summary          inserted  deleted  changed');
    for (const s of d.summary) lines.push(`  ${s.layer.padEnd(4)} ${s.kind.padEnd(18)} ${String(s.inserted).padStart(6)} ${String(s.deleted).padStart(8)} ${String(s.changed).padStart(8)}`);
  }
  const f = d.firstDivergence;
  if (f) {
    lines.push('', `first divergence: ${f.op} ${f.layer} ${f.kind}${f.object ? ` ${f.object}` : ''} at A#${f.seqA ?? '-'} / B#${f.seqB ?? '-'}`);
    lines.push(`  A  ${f.textA ?? '(nothing)'}`, `  B  ${f.textB ?? '(nothing)'}`);
    lines.push(...fieldLines(f));
    for (const [name, events] of [['caused by (A)', f.causesA], ['caused by (B)', f.causesB], ['around it in A', f.contextA], ['around it in B', f.contextB]] as const) {
      if (!events.length) continue;
      lines.push(`  ${name}`);
      for (const e of events) lines.push(`    ${String(e.seq).padStart(7)}  ${e.text}`);
    }
    const rest = d.changes.slice(1, listed + 1);
    if (rest.length) {
      lines.push('', 'next differences');
      for (const c of rest) lines.push(`  ${changeLine(c)}`, ...fieldLines(c).map((l) => `  ${l}`));
    }
    const more = d.changes.length - 1 - rest.length + d.moreChanges;
    if (more > 0) lines.push(`  … and ${more} more`);
  }
  if (d.memory.length) {
    lines.push('', 'BO contents');
    for (const m of d.memory) {
      const ranges = m.ranges.slice(0, 4).map((r) => `+0x${r.offsetBytes.toString(16)}..+0x${(r.offsetBytes + r.lengthBytes).toString(16)}`).join(', ');
      lines.push(`  pid ${m.pid} ${m.bo} after A#${m.atSeqA} / B#${m.atSeqB}: ${m.differingBytes} of ${m.sizeBytesA} bytes differ in ${m.ranges.length} range(s) ${ranges}${m.ranges.length > 4 ? ', …' : ''}`);
    }
  }
  const differing = d.frames.filter((x) => x.differingPixels > 0);
  if (d.frames.length) lines.push('', `frames: ${d.frames.length} aligned, ${differing.length} differ`);
  for (const x of differing) lines.push(`  frame ${x.index} (A#${x.seqA} / B#${x.seqB}): ${x.differingPixels} of ${x.totalPixels} pixels differ${x.heatmapPng ? ` → ${x.heatmapPng}` : ''}`);
  if (d.timing.length) {
    lines.push('', 'timing per queue (jobs, GPU time A → B)');
    for (const t of d.timing) {
      const pct = t.totalDurNsA ? ` (${(((t.totalDurNsB - t.totalDurNsA) / t.totalDurNsA) * 100).toFixed(2)} %)` : '';
      lines.push(`  ${t.track}: ${t.jobsA} → ${t.jobsB} jobs, ${t.totalDurNsA} → ${t.totalDurNsB} ns${pct}`);
    }
  }
  return lines;
}

function changeLine(c: DiffChange): string {
  return `${c.op.padEnd(8)} ${c.layer} ${c.kind}${c.object ? ` ${c.object}` : ''} A#${c.seqA ?? '-'} / B#${c.seqB ?? '-'}: ${c.textB ?? c.textA ?? ''}`;
}

function fieldLines(c: DiffChange): string[] {
  return c.fields.slice(0, 8).flatMap((x) => [`    ${x.path}: A ${String(x.a)}`, `    ${' '.repeat(x.path.length)}  B ${String(x.b)}`]);
}
