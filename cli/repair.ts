/**
 * `tracefold repair FILE [--json]`: finish a capture whose recorder was cut short
 * (recorder/capture/repair.ts): it becomes `aborted`, holds every committed event, and
 * replays, exports and diffs like any other capture. A finished capture is left alone.
 *
 * Exit codes: 0 repaired or nothing to do; 1 the file is missing, damaged, not a
 * capture, or cannot be written.
 */
import type { Command } from 'commander';
import { repairCapture } from '../recorder/capture/repair';
import { consoleOutput, type Output } from './output';

export function registerRepair(program: Command): void {
  program
    .command('repair')
    .description('mark a capture whose recording was cut short as aborted, keeping every committed event')
    .argument('<file>', 'capture file (.tfcap)')
    .option('--json', 'print one JSON object')
    .action((file: string, flags: { json?: boolean }) => {
      process.exitCode = repairCommand(file, flags);
    });
}

export function repairCommand(file: string, flags: { readonly json?: boolean }, io: Output = consoleOutput): number {
  const r = repairCapture(file);
  if (!r.ok) {
    io.err(`tracefold repair: ${r.error.message}`);
    return 1;
  }
  const s = r.value;
  if (flags.json) io.out(JSON.stringify(s));
  else if (s.action === 'none') io.out(`${file}: already ${s.before} (${s.events} events); nothing to repair`);
  else {
    io.out(`${file}: was still 'recording'; now aborted with ${s.events} events and ${s.checkpoints} checkpoint(s)` +
      (s.droppedCheckpoints ? ` (${s.droppedCheckpoints} checkpoint(s) without their snapshot dropped)` : ''));
  }
  return 0;
}
