/**
 * `tracefold replay FILE [--level ioctl|api] [--verify strict|outputs] [--keep-going]
 * [--json] [--inject BUG…]`: replay a capture on the current stack and verify what it
 * regenerates against what was recorded (replayer/replay.ts).
 *
 * Prints a summary (inputs applied, events regenerated and compared, virtual time,
 * wall time, events per second) and each divergence: the recorded event (seq,
 * layer, kind, object), expected vs actual field by field, the causal chain that led
 * to it and the recorded events around it. `--json` prints one JSON object instead
 * (byte arrays as `<N bytes> @off: xx …` summaries). On a terminal, stderr shows a
 * progress bar over the capture's events.
 *
 * Exit codes, for `git bisect run`: 0 no divergence; 1 diverged; 125 cannot be
 * tested — the file is missing, not a capture, damaged or too new, a bug name is
 * unknown, the level is not available in this build, or an option value is bad (a
 * typo must not mark a commit good or bad).
 *
 * Example:
 *   tracefold replay captures/vkcube-1-1.tfcap --inject early-signal; echo $?   // → … DIVERGED …, 1
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { EXIT_CANNOT_TEST, EXIT_DIVERGED, EXIT_SAME, type Divergence, type ReportEvent } from '../replayer/divergence';
import { bytesSummary } from '../replayer/event-diff';
import { isReplayLevel } from '../replayer/levels';
import { replayCapture, type ReplayOutcome } from '../replayer/replay';
import { eventText } from '../engine/trace/events';
import { consoleOutput, openOrReport, type Output, reportDamaged } from './output';

export interface ReplayFlags {
  readonly level?: string;
  readonly verify?: string;
  readonly keepGoing?: boolean;
  readonly json?: boolean;
  readonly inject?: readonly string[];
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay a capture on the current stack and verify it; exit 0 same, 1 diverged, 125 cannot test (for git bisect run)')
    .argument('<file>', 'capture file (.tfcap)')
    .option('--level <level>', 'ioctl (recorded ioctls, process ops and memory writes into a fresh kernel driver) or api (recorded API calls through the user-mode driver)', 'ioctl')
    .option('--verify <mode>', 'strict (every regenerated event, field by field) or outputs (what an app can observe); default strict at ioctl level, outputs at api level')
    .option('--keep-going', 'report every divergence instead of stopping at the first')
    .option('--json', 'print one JSON object')
    .option('--inject <bug...>', 'inject these driver bugs instead of the capture\'s own (see `tracefold bugs`)')
    .action((file: string, flags: ReplayFlags) => {
      process.exitCode = replayCommand(file, flags);
    });
}

export function replayCommand(file: string, flags: ReplayFlags, io: Output = consoleOutput): number {
  const say = (message: string): number => {
    io.err(`tracefold replay: ${message}`);
    return EXIT_CANNOT_TEST;
  };
  const level = flags.level ?? 'ioctl';
  if (!isReplayLevel(level)) return say(`--level must be ioctl or api, got '${level}'`);
  const verify = flags.verify ?? (level === 'api' ? 'outputs' : 'strict');
  if (verify !== 'strict' && verify !== 'outputs') return say(`--verify must be strict or outputs, got '${verify}'`);
  const reader = openOrReport('replay', file, io);
  if (!reader) return EXIT_CANNOT_TEST;
  try {
    const meta = reader.meta();
    const total = meta.eventCount ?? reader.summary().events;
    const bar = io.tty && !flags.json ? new SingleBar({
      stream: process.stderr, format: `replaying ${meta.app} [{bar}] {value}/{total} events`, hideCursor: true, clearOnComplete: true,
    }) : undefined;
    bar?.start(total, 0);
    let shown = 0;
    const startMs = performance.now();
    const r = replayCapture(reader, {
      level, verify, keepGoing: flags.keepGoing === true, inject: flags.inject,
      onProgress: bar ? (seq) => {
        if (seq - shown >= 1024) bar.update((shown = seq));
      } : undefined,
    });
    const wallMs = performance.now() - startMs;
    if (bar) {
      bar.update(total);
      bar.stop();
    }
    if (!r.ok) return say(`${file}: ${r.error.message}`);
    const o = r.value;
    if (flags.json) io.out(JSON.stringify({ capture: { path: file, app: meta.app, state: meta.state, seed: meta.seed }, ...o, wallMs: Math.round(wallMs) }, jsonBytes, 2));
    else for (const line of replayLines(file, meta.app, o, wallMs)) io.out(line);
    return o.diverged ? EXIT_DIVERGED : EXIT_SAME;
  } catch (err) {
    return reportDamaged('replay', file, io, err, EXIT_CANNOT_TEST);
  } finally {
    reader.close();
  }
}

/** The readable report: summary, then each divergence. */
export function replayLines(file: string, app: string, o: ReplayOutcome, wallMs: number): string[] {
  const s = o.stats;
  const perS = wallMs > 0 ? Math.round((s.events / wallMs) * 1000) : 0;
  const remapped = Object.entries(s.remapped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  const lines = [
    `replayed ${file} (${app}) at ${o.level} level, ${o.verify} verification${s.injected.length ? `, injected: ${s.injected.join(', ')}` : ''}`,
    `  ${s.inputs} inputs applied, ${s.events} events regenerated, ${o.compared} compared${s.stopped ? ' (stopped at the first divergence)' : ''}`,
    `  virtual time ${(s.virtualNs / 1e9).toFixed(9)} s, wall time ${(wallMs / 1000).toFixed(3)} s, ${perS} events/s`,
    `  remapped: ${remapped.length ? remapped.join(', ') : 'nothing (the fresh run handed out the same numbers)'}`,
  ];
  for (const k of s.skipped) lines.push(`  skipped input ${k.seq}: ${k.message}`);
  if (!o.diverged) {
    lines.push('no divergence');
    return lines;
  }
  lines.push(`DIVERGED: ${o.divergences.length} divergence(s)`);
  o.divergences.forEach((d, i) => lines.push('', ...divergenceLines(d, i + 1)));
  return lines;
}

export function divergenceLines(d: Divergence, n: number): string[] {
  const lines = [
    `divergence ${n} at seq ${d.seq}: ${d.layer} ${d.kind}${d.object ? ` ${d.object}` : ''}`,
    `  expected  ${d.expected ? eventText(d.expected) : '(nothing)'}`,
    `  actual    ${d.actual ? eventText(d.actual) : '(nothing)'}`,
  ];
  const width = Math.max(5, ...d.fields.map((f) => f.path.length));
  for (const f of d.fields) {
    lines.push(`  ${f.path.padEnd(width)}  expected ${f.expected}`);
    lines.push(`  ${' '.repeat(width)}  actual   ${f.actual}${f.note ? `   (${f.note})` : ''}`);
  }
  if (d.chain.length) {
    lines.push('  caused by');
    for (const c of d.chain) lines.push(`    ${reportLine(c)}`);
  }
  if (d.context.length) {
    lines.push('  around it in the capture');
    for (const c of d.context) lines.push(`  ${c.seq === d.seq ? '>' : ' '} ${reportLine(c)}`);
  }
  return lines;
}

function reportLine(e: ReportEvent): string {
  return `${String(e.seq).padStart(7)}  ${e.layer.padEnd(3)}  ${e.text}`;
}

function jsonBytes(_key: string, v: unknown): unknown {
  return v instanceof Uint8Array ? bytesSummary(v) : v;
}
