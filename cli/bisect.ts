/**
 * `tracefold bisect GOOD BAD [--json]`: the first event of BAD after which its model
 * state departs from GOOD's (replayer/bisect/bisect-captures.ts) — first by
 * checkpoint hashes, then by per-event state inside the interval — with the state
 * that differs (which BO bytes, which syncobj, group, VM, slot or stale TLB entry)
 * and the events that wrote it.
 *
 * `tracefold bisect FILE --frame N --golden GOLDEN`: the same search with one
 * predicate — the image FILE presents as frame N matches GOLDEN's — on that image's
 * BO only (replayer/bisect/bisect-frame.ts).
 *
 * Across driver revisions, bisect with git instead, replaying a golden capture on
 * each revision: `git bisect run npx tracefold replay GOLDEN --level api` (exit 0
 * same, 1 diverged, 125 cannot test; see README).
 *
 * Exit codes: 0 no departure, 1 departed, 2 trouble (a capture that cannot be read
 * or replayed).
 *
 * Example:
 *   tracefold bisect clean.tfcap bad.tfcap
 *   // → state departs after BAD#178 (GOOD#178): hw hw.irq irq:job  irq job status=0x1
 *   //     bo 11 (pid 100 handle 3, bo.f1): 16 of 4096 bytes differ: +0x0..+0x10
 *   //   written by …  162  dma COPY slot=0 ok work=16 <204ns>; exit 1
 */
import type { Command } from 'commander';
import { bisectCaptures, type BisectReport } from '../replayer/bisect/bisect-captures';
import { bisectFrame } from '../replayer/bisect/bisect-frame';
import { consoleOutput, intOption, type Output } from './output';

export interface BisectFlags {
  readonly json?: boolean;
  readonly frame?: string;
  readonly golden?: string;
}

export function registerBisect(program: Command): void {
  program
    .command('bisect')
    .description('the first event of BAD after which its state departs from GOOD\'s, the state that differs and who wrote it; exit 0 none, 1 departed, 2 trouble')
    .argument('<good>', 'golden capture (.tfcap); with --golden, the capture to bisect')
    .argument('[bad]', 'capture to bisect (.tfcap)')
    .option('--frame <n>', 'bisect FILE --frame N --golden GOLDEN: the first event after which the image FILE presents as frame N departs from GOLDEN\'s')
    .option('--golden <file>', 'the golden capture for --frame')
    .option('--json', 'print the report as one JSON object')
    .action((good: string, bad: string | undefined, flags: BisectFlags) => {
      process.exitCode = bisectCommand(good, bad, flags);
    });
}

export function bisectCommand(first: string, second: string | undefined, flags: BisectFlags, io: Output = consoleOutput): number {
  const say = (m: string): number => {
    io.err(`tracefold bisect: ${m}`);
    return 2;
  };
  let r: ReturnType<typeof bisectCaptures>;
  if (flags.frame !== undefined || flags.golden !== undefined) {
    const frame = intOption('frame', flags.frame, 0);
    if (frame === undefined || typeof frame === 'object') return say(frame === undefined ? '--golden needs --frame N' : frame.error);
    if (!flags.golden) return say('--frame needs --golden GOLDEN');
    if (second !== undefined) return say('with --frame, give one capture: bisect FILE --frame N --golden GOLDEN');
    r = bisectFrame(first, flags.golden, frame);
  } else {
    if (second === undefined) return say('give GOOD and BAD, or FILE --frame N --golden GOLDEN');
    r = bisectCaptures(first, second);
  }
  if (!r.ok) {
    io.err(`tracefold bisect: ${r.error.message}`);
    return 2;
  }
  if (flags.json) io.out(JSON.stringify(r.value, null, 2));
  else for (const line of bisectLines(r.value)) io.out(line);
  return r.value.identical ? 0 : 1;
}

export function bisectLines(r: BisectReport): string[] {
  const lines = [
    `GOOD ${r.good.path} (${r.good.app}, seed ${r.good.seed}${r.good.injectedBugs.length ? `, injected: ${r.good.injectedBugs.join(', ')}` : ''}): ${r.good.events} events`,
    `BAD  ${r.bad.path} (${r.bad.app}, seed ${r.bad.seed}${r.bad.injectedBugs.length ? `, injected: ${r.bad.injectedBugs.join(', ')}` : ''}): ${r.bad.events} events`,
    `checkpoints: ${r.checkpoints.compared} compared, equal up to BAD#${r.checkpoints.lastEqualSeq}${r.checkpoints.firstDifferentSeq !== null ? `, first differing at BAD#${r.checkpoints.firstDifferentSeq}` : ''}; ${r.probes.length} per-event state probes`,
  ];
  if (r.identical || !r.stateDiff) {
    lines.push('no departure: the states are equal wherever compared');
    return lines;
  }
  lines.push(`state departs after BAD#${r.seq} (GOOD#${r.seqGood}): ${r.layer} ${r.kind}${r.object ? ` ${r.object}` : ''}`, `  ${r.text}`, 'what differs (good → bad)');
  for (const b of r.stateDiff.bos) {
    const who = b.handles.map((h) => `pid ${h.pid} handle ${h.handle}`).join(', ') || 'kernel-internal';
    if (b.only) lines.push(`  bo ${b.id} (${who}, ${b.label}): only in ${b.only}`);
    else {
      const ranges = b.ranges.slice(0, 4).map((x) => `+0x${x.offsetBytes.toString(16)}..+0x${(x.offsetBytes + x.lengthBytes).toString(16)}`).join(', ');
      lines.push(`  bo ${b.id} (${who}, ${b.label}): ${b.differingBytes} of ${b.sizeBytes} bytes differ: ${ranges}${b.ranges.length > 4 ? ', …' : ''}`);
    }
  }
  for (const o of r.stateDiff.objects) {
    const who = o.handles.map((h) => `pid ${h.pid} handle ${h.handle}`).join(', ');
    lines.push(`  ${o.kind} ${o.id}${who ? ` (${who})` : ''}${o.only ? `: only in ${o.only}` : ''}`);
    for (const f of o.fields) lines.push(`    ${f.path}: ${f.good} → ${f.bad}`);
  }
  lines.push('written by');
  for (const w of r.writers) lines.push(`  ${String(w.seq).padStart(7)}  ${w.text}`);
  return lines;
}
