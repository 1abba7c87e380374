/**
 * Where a command writes: stdout for results, stderr for errors and progress
 * (the console by default; tests pass a capturing one). `tty` says whether stderr
 * is a terminal, which is when a progress bar may be drawn.
 */
import { openCapture, type CaptureReader } from '../recorder/capture/reader';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  readonly tty?: boolean;
}

export const consoleOutput: Output = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  get tty() {
    return process.stderr.isTTY === true;
  },
};

/** Opens a capture, or prints the reader's one-line error as `tracefold <command>: …`. */
export function openOrReport(command: string, file: string, io: Output): CaptureReader | undefined {
  const r = openCapture(file);
  if (r.ok) return r.value;
  io.err(`tracefold ${command}: ${r.error.message}`);
  return undefined;
}

/**
 * A capture that turns out damaged part-way through a read (SQLite reports a bad page
 * only when a query reaches it, long after the file opened fine): one line naming the
 * file and SQLite's reason, and `exitCode`. Any other error is a bug and is rethrown.
 */
export function reportDamaged(command: string, file: string, io: Output, err: unknown, exitCode = 1): number {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err;
  io.err(`tracefold ${command}: ${file} is damaged: ${(err as Error).message}`);
  return exitCode;
}

/** A non-negative integer option, or a message saying what is wrong with it. */
export function intOption(name: string, value: string | undefined, min = 0): number | undefined | { error: string } {
  if (value === undefined) return undefined;
  const n = Number(value);
  return /^\d+$/.test(value.trim()) && n >= min && Number.isSafeInteger(n) ? n : { error: `--${name} must be an integer ≥ ${min}, got '${value}'` };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
