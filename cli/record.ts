/**
 * `tracefold record <app|path.ts> [-o FILE] [--force] [--frames N] [--size WxH] [--seed S]
 * [--threads N] [--work N] [--inject BUG…]`: run an app (as `tracefold run` resolves it)
 * and record everything the stack reports into a capture file.
 *
 * Without -o the capture goes to `captures/<app>-<seed>-<n>.tfcap` under the current
 * folder (created), n the first number not taken. An existing -o file is refused
 * unless --force. On a terminal, stderr shows a progress bar (frames presented,
 * events recorded); otherwise only the summary is printed.
 *
 * Exit codes: 0 recorded, the app ran to its end and every check passed; 1 the app
 * could not be loaded, threw (the capture is kept, state 'aborted'), failed a
 * check (state 'complete'), or the file could not be written; 2 a bad command line
 * (unknown app or bug, bad option value, an existing -o file without --force).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { defaultAppOptions } from '../engine/apps/app';
import { recordApp, type RecordProgress } from '../recorder/record-session';
import { consoleOutput, formatBytes, type Output } from './output';
import { loadApp, parseFlags, withAppOptions, type RunFlags } from './run';

export interface RecordFlags extends Omit<RunFlags, 'out'> {
  readonly output?: string;
  readonly force?: boolean;
}

export const CAPTURE_DIR = 'captures';

export function registerRecord(program: Command): void {
  const cmd = program
    .command('record')
    .description('run a built-in app or a user app and record it into a capture file')
    .argument('<app>', 'built-in app name (see `tracefold apps`) or path to a .ts/.js module');
  withAppOptions(cmd)
    .option('-o, --output <file>', `capture file (default: ${CAPTURE_DIR}/<app>-<seed>-<n>.tfcap)`)
    .option('--force', 'overwrite the -o file if it exists')
    .action(async (target: string, flags: RecordFlags) => {
      process.exitCode = await recordCommand(target, flags);
    });
}

export async function recordCommand(target: string, flags: RecordFlags, io: Output = consoleOutput): Promise<number> {
  const say = (message: string, code: 1 | 2): number => {
    io.err(`tracefold record: ${message}`);
    return code;
  };
  const parsed = parseFlags(flags);
  if ('error' in parsed) return say(parsed.error, 2);
  const loaded = await loadApp(target);
  if ('error' in loaded) return say(loaded.error, loaded.exitCode);
  const { app } = loaded;
  const seed = parsed.options.seed ?? defaultAppOptions.seed;

  let file: string;
  if (flags.output !== undefined) {
    file = flags.output;
    if (existsSync(file) && !flags.force) return say(`${file} already exists (use --force to overwrite it)`, 2);
  } else {
    try {
      mkdirSync(CAPTURE_DIR, { recursive: true });
    } catch (e) {
      return say(`cannot create ${path.resolve(CAPTURE_DIR)}: ${(e as Error).message}`, 1);
    }
    file = freeCapturePath(CAPTURE_DIR, app.name, seed);
  }

  const bar = io.tty ? new SingleBar({
    stream: process.stderr,
    format: `recording ${app.name} [{bar}] {value}/{total} frames | {events} events`,
    hideCursor: true,
    clearOnComplete: true,
  }) : undefined;
  let started = false;
  const onProgress = bar
    ? (p: RecordProgress): void => {
      if (!started) bar.start(p.totalFrames, 0, { events: 0 });
      started = true;
      bar.update(Math.min(p.frames, p.totalFrames), { events: p.events });
    }
    : undefined;

  const recorded = recordApp(app, { ...parsed.options, inject: parsed.inject }, file, {
    engineVersion: engineVersion(), overwrite: flags.force === true, onProgress,
  });
  if (started) bar?.stop();
  if (!recorded.ok) return say(recorded.error.message, recorded.error.code === 'unknown-bug' ? 2 : 1);

  const s = recorded.value;
  const o = s.options;
  io.out(`recorded ${s.app} (${o.frames} frame(s) at ${o.width}x${o.height}, seed ${o.seed}${s.injectedBugs.length ? `, injected: ${s.injectedBugs.join(', ')}` : ''}) to ${file}`);
  io.out(`  state ${s.state}, ${s.events} events, ${s.frames} frame(s) presented, ${s.blobs} blobs, ${formatBytes(s.sizeBytes)}`);
  for (const c of s.checks) io.out(`  check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  let code = 0;
  if (s.error !== undefined) code = say(`${s.app} failed: ${s.error} (capture kept, state aborted)`, 1);
  const failed = s.checks.filter((c) => !c.ok);
  if (failed.length) code = say(`${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`, 1);
  return code;
}

/** `<dir>/<app>-<seed>-<n>.tfcap` with the first n from 1 whose file does not exist. */
export function freeCapturePath(dir: string, app: string, seed: number): string {
  const safe = app.replace(/[^\w.-]+/g, '_');
  for (let n = 1; ; n++) {
    const p = path.join(dir, `${safe}-${seed}-${n}.tfcap`);
    if (!existsSync(p)) return p;
  }
}

let version: string | undefined;
/** The engine version written into captures: this package's version. */
export function engineVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
