/**
 * `tracefold export FILE [-o OUT] [--format perfetto|json] [--from SEQ] [--to SEQ]`:
 * writes the capture's timeline as a Perfetto protobuf trace (open it at
 * ui.perfetto.dev or in trace_processor) or Chrome trace-event JSON.
 *
 * The output is written to `OUT.partial` and renamed when complete, so an export
 * that fails or is interrupted never leaves a file that looks finished. Default OUT:
 * the capture's name with `.perfetto-trace` or `.json`.
 *
 * Exit codes: 0 written; 1 unreadable capture or write error; 2 bad options.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { exportCapture, type ExportFormat } from '../recorder/export/export-capture';
import { consoleOutput, formatBytes, intOption, openOrReport, type Output } from './output';

export interface ExportFlags {
  readonly output?: string;
  readonly format?: string;
  readonly from?: string;
  readonly to?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a capture as a Perfetto trace (default) or Chrome JSON')
    .argument('<file>', 'capture file (.tfcap)')
    .option('-o, --output <out>', 'output file (default: beside the capture)')
    .option('--format <format>', 'perfetto | json', 'perfetto')
    .option('--from <seq>', 'first event (seq) to export')
    .option('--to <seq>', 'last event (seq) to export')
    .action((file: string, flags: ExportFlags) => {
      process.exitCode = exportCommand(file, flags);
    });
}

export function defaultExportPath(capture: string, format: ExportFormat): string {
  const base = capture.replace(/\.tfcap$/, '');
  return `${base}${format === 'perfetto' ? '.perfetto-trace' : '.json'}`;
}

export function exportCommand(file: string, flags: ExportFlags, io: Output = consoleOutput): number {
  const format = flags.format ?? 'perfetto';
  if (format !== 'perfetto' && format !== 'json') {
    io.err(`tracefold export: --format must be perfetto or json, got '${format}'`);
    return 2;
  }
  const from = intOption('from', flags.from, 1);
  const to = intOption('to', flags.to, 1);
  for (const o of [from, to]) {
    if (typeof o === 'object') {
      io.err(`tracefold export: ${o.error}`);
      return 2;
    }
  }
  const reader = openOrReport('export', file, io);
  if (!reader) return 1;
  const out = flags.output ?? defaultExportPath(file, format);
  const partial = `${out}.partial`;
  let fd: number | undefined;
  const bar = io.tty ? new SingleBar({ stream: process.stderr, format: `exporting [{bar}] {value}/{total} events`, hideCursor: true, clearOnComplete: true }) : undefined;
  let started = false;
  try {
    fd = openSync(partial, 'w');
    const target = fd;
    const r = exportCapture(reader, {
      format, fromSeq: from as number | undefined, toSeq: to as number | undefined,
      out: { write: (b) => void writeSync(target, b) },
      onProgress: bar ? (done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      } : undefined,
    });
    if (started) bar?.stop();
    closeSync(fd);
    fd = undefined;
    if (!r.ok) {
      rmSync(partial, { force: true });
      io.err(`tracefold export: ${r.error.message}`);
      return 1;
    }
    renameSync(partial, out);
    io.out(`exported ${r.value.events} events (${r.value.items} timeline items) to ${out} (${formatBytes(r.value.bytes)}, ${format})`);
    return 0;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(partial, { force: true });
    const sqlite = typeof (e as { code?: unknown }).code === 'string' && String((e as { code: string }).code).startsWith('SQLITE_');
    io.err(sqlite ? `tracefold export: ${file} is damaged: ${(e as Error).message}` : `tracefold export: cannot write ${out}: ${(e as Error).message}`);
    return 1;
  } finally {
    reader.close();
  }
}
