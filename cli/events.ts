/**
 * `tracefold events FILE [--kind K] [--from SEQ] [--to SEQ] [--grep TEXT] [--limit N]`:
 * the capture's events, one line each: seq, virtual time (seconds, ns precision),
 * pid, layer and the event's text — ioctls decoded strace-style with their argument
 * struct (recorder/event-line.ts). --grep keeps lines containing TEXT (any case);
 * --limit counts lines printed, after --grep.
 *
 * Example line:
 *   `    42  0.000031000  pid 1  kmd  ioctl(3, DRM_IOCTL_PANTHOR_VM_BIND, {vm_id=1, …}) = 0 <1000ns>`
 *
 * Exit codes: 0 listed (possibly nothing); 1 the file is missing, damaged or not a
 * capture, or an event does not decode; 2 a bad option value.
 */
import type { Command } from 'commander';
import { layerOf } from '../engine/trace/events';
import type { DecodedEvent } from '../recorder/capture/reader';
import { eventLine } from '../recorder/event-line';
import { consoleOutput, intOption, openOrReport, type Output, reportDamaged } from './output';

export interface EventsFlags {
  readonly kind?: string;
  readonly from?: string;
  readonly to?: string;
  readonly grep?: string;
  readonly limit?: string;
}

/** Events decoded per query, so a --limit or a large capture never loads everything. */
const PAGE = 4096;

export function registerEvents(program: Command): void {
  program
    .command('events')
    .description('list a capture\'s events, one line each; ioctls decoded with their argument structs')
    .argument('<file>', 'capture file (.tfcap)')
    .option('--kind <kind>', 'only this event kind, e.g. kmd.ioctl')
    .option('--from <seq>', 'first seq (inclusive)')
    .option('--to <seq>', 'last seq (inclusive)')
    .option('--grep <text>', 'only lines containing TEXT (case-insensitive)')
    .option('--limit <n>', 'print at most N lines')
    .action((file: string, flags: EventsFlags) => {
      process.exitCode = eventsCommand(file, flags);
    });
}

export function eventsCommand(file: string, flags: EventsFlags, io: Output = consoleOutput): number {
  const bounds: Record<'from' | 'to' | 'limit', number | undefined> = { from: undefined, to: undefined, limit: undefined };
  for (const name of ['from', 'to', 'limit'] as const) {
    const v = intOption(name, flags[name]);
    if (typeof v === 'object') {
      io.err(`tracefold events: ${v.error}`);
      return 2;
    }
    bounds[name] = v;
  }
  const reader = openOrReport('events', file, io);
  if (!reader) return 1;
  try {
    const needle = flags.grep?.toLowerCase();
    let printed = 0;
    let from = bounds.from ?? 1;
    for (;;) {
      if (bounds.limit !== undefined && printed >= bounds.limit) return 0;
      if (bounds.to !== undefined && from > bounds.to) return 0;
      const page = reader.events({ fromSeq: from, toSeq: bounds.to, kind: flags.kind, limit: PAGE });
      if (!page.ok) {
        io.err(`tracefold events: ${file}: ${page.error.message}`);
        return 1;
      }
      for (const d of page.value) {
        const line = formatEvent(d);
        if (needle !== undefined && !line.toLowerCase().includes(needle)) continue;
        io.out(line);
        if (bounds.limit !== undefined && ++printed >= bounds.limit) return 0;
      }
      const last = page.value[page.value.length - 1];
      if (page.value.length < PAGE || !last) return 0;
      from = last.seq + 1;
    }
  } catch (err) {
    return reportDamaged('events', file, io, err);
  } finally {
    reader.close();
  }
}

export function formatEvent(d: DecodedEvent): string {
  const e = d.event;
  const ts = (e.tsNs / 1e9).toFixed(9);
  const pid = 'pid' in e ? `pid ${e.pid}` : '-';
  return `${String(d.seq).padStart(6)}  ${ts.padStart(12)}  ${pid.padEnd(6)}  ${layerOf(e).padEnd(3)}  ${eventLine(e)}`;
}
