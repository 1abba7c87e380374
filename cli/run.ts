/**
 * `tracefold run <app|path.ts> [--frames N] [--size WxH] [--seed S] [--inject BUG…] [--out DIR]`:
 * run a built-in app (`tracefold apps`) or a user app without recording, and write
 * every presented frame as DIR/frame-NNNN.png (numbered in presentation order across
 * all swapchains and processes, so multi-process apps do not overwrite each other).
 *
 * A user app is a TypeScript (or JavaScript) module given by path that exports
 * `run(vk, options, ctx)`; it is imported here, in the CLI, because loading a file
 * is I/O and engine/ does none. It is loaded with tsx, so a .ts file works from anywhere.
 * `run` must be synchronous: the engine is a synchronous simulation.
 *
 * Exit codes: 0 the app ran and every check it recorded passed; 1 the app could not
 * be loaded (syntax error, no `run` export), threw (a failed Vulkan call included),
 * failed a check, or a frame could not be written; 2 a bad command line (unknown
 * app, missing file, bad option value, unknown bug). Errors are one readable
 * message on stderr, never a stack trace.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { tsImport } from 'tsx/esm/api';
import { defaultAppOptions, type App, type AppOptions } from '../engine/apps/app';
import { APPS, appByName } from '../engine/apps/catalogue';
import { BUGS, bugByName } from '../engine/bugs';
import { runApp } from '../engine/session';
import { encodePng } from './png';

export interface RunFlags {
  readonly frames?: string;
  readonly size?: string;
  readonly seed?: string;
  readonly threads?: string;
  readonly work?: string;
  readonly inject?: readonly string[];
  readonly out?: string;
}

/** Where the command writes: stdout for results, stderr for errors (console by default; tests capture). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: Output = { out: (l) => console.log(l), err: (l) => console.error(l) };

type Loaded = { readonly app: App } | { readonly error: string; readonly exitCode: 1 | 2 };

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a built-in app or a user app (path to a module exporting run(vk, options)) and write every presented frame as a PNG')
    .argument('<app>', 'built-in app name (see `tracefold apps`) or path to a .ts/.js module');
  withAppOptions(cmd)
    .option('--out <dir>', 'directory for the PNG frames (default: <app>-frames)')
    .action(async (target: string, flags: RunFlags) => {
      process.exitCode = await runCommand(target, flags);
    });
}

/** The whole command; returns the exit code. */
export async function runCommand(target: string, flags: RunFlags, io: Output = consoleOutput): Promise<number> {
  const usage = (message: string): number => {
    io.err(`tracefold run: ${message}`);
    return 2;
  };
  const parsed = parseFlags(flags);
  if ('error' in parsed) return usage(parsed.error);

  const loaded = await loadApp(target);
  if ('error' in loaded) {
    io.err(`tracefold run: ${loaded.error}`);
    return loaded.exitCode;
  }
  const { app } = loaded;
  const shownDir = flags.out ?? `${app.name}-frames`;
  const outDir = path.resolve(shownDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    io.err(`tracefold run: cannot create ${outDir}: ${(e as Error).message}`);
    return 1;
  }

  let written = 0;
  let writeError: string | undefined;
  const result = runApp(app, {
    ...parsed.options,
    inject: parsed.inject,
    keepFrames: false,
    // Frames are written as they are presented (a long run need not hold them all).
    // A write failure must not look like the app's failure, so it is kept, not thrown.
    onFrame: (frame) => {
      if (writeError !== undefined) return;
      const file = path.join(outDir, frameFileName(written));
      try {
        writeFileSync(file, encodePng(frame));
        written++;
      } catch (e) {
        writeError = `cannot write ${file}: ${(e as Error).message}`;
      }
    },
  });

  const o = result.options;
  io.out(`${app.name}: ${o.frames} frame(s) requested at ${o.width}x${o.height}, seed ${o.seed}${parsed.inject.length ? `, injected: ${parsed.inject.join(', ')}` : ''}`);
  if (written > 0) io.out(`  wrote ${written} frame(s): ${path.join(shownDir, frameFileName(0))}${written > 1 ? ` … ${frameFileName(written - 1)}` : ''}`);
  else io.out('  no frames presented');
  for (const line of result.log) io.out(`  log: ${line}`);
  for (const c of result.checks) io.out(`  check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  let code = 0;
  if (writeError !== undefined) {
    io.err(`tracefold run: ${writeError}`);
    code = 1;
  }
  if (result.error !== undefined) {
    io.err(`tracefold run: ${app.name} failed: ${result.error}`);
    code = 1;
  }
  const failed = result.checks.filter((c) => !c.ok);
  if (failed.length) {
    io.err(`tracefold run: ${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`);
    code = 1;
  }
  return code;
}

export function frameFileName(index: number): string {
  return `frame-${String(index).padStart(4, '0')}.png`;
}

/** The options `run` and `record` share (what parseFlags reads). */
export function withAppOptions(cmd: Command): Command {
  return cmd
    .option('--frames <n>', 'frames to present (graphics) or iterations (compute); default: the app\'s')
    .option('--size <WxH>', 'render size in pixels, e.g. 256x256; default: the app\'s')
    .option('--seed <s>', 'seed of the run (timing jitter, app thread interleaving)', String(defaultAppOptions.seed))
    .option('--threads <n>', 'app threads, for apps that use them')
    .option('--work <n>', 'app-specific workload size knob (0 = the app\'s default)')
    .option('--inject <bug...>', 'inject driver bugs by name (see `tracefold bugs`)');
}

export function parseFlags(flags: RunFlags): { options: Partial<AppOptions>; inject: string[] } | { error: string } {
  const options: { -readonly [K in keyof AppOptions]?: AppOptions[K] } = {};
  const integer = (name: string, value: string | undefined, min: number, max: number): number | string | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    return /^\d+$/.test(value.trim()) && n >= min && n <= max ? n : `--${name} must be an integer in ${min}..${max}, got '${value}'`;
  };
  const fields = [
    ['frames', 'frames', flags.frames, 1, 100_000],
    ['seed', 'seed', flags.seed, 0, 0xffff_ffff],
    ['threads', 'threads', flags.threads, 1, 64],
    ['work', 'size', flags.work, 0, 2 ** 31],
  ] as const;
  for (const [flag, key, value, min, max] of fields) {
    const n = integer(flag, value, min, max);
    if (typeof n === 'string') return { error: n };
    if (n !== undefined) options[key] = n;
  }
  if (flags.size !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(flags.size.trim());
    const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (!m || w < 1 || h < 1 || w > 4096 || h > 4096) return { error: `--size must be WxH with each side in 1..4096, e.g. 256x256, got '${flags.size}'` };
    options.width = w;
    options.height = h;
  }
  const inject = (flags.inject ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  const unknown = inject.filter((b) => !bugByName(b));
  if (unknown.length) return { error: `unknown bug(s): ${unknown.join(', ')}; known: ${BUGS.map((b) => b.name).join(', ')}` };
  return { options, inject };
}

/**
 * A built-in app by name, or a user module by path. Anything that looks like a path
 * (a separator or a file extension) is a path; a bare name that is not built in is
 * tried as a file before giving up.
 */
export async function loadApp(target: string): Promise<Loaded> {
  const builtIn = appByName(target);
  if (builtIn) return { app: builtIn };
  const looksLikePath = /[\\/]/.test(target) || /\.[cm]?[jt]s$/.test(target);
  const file = path.resolve(target);
  if (!existsSync(file)) {
    return looksLikePath
      ? { error: `no such file: ${target}`, exitCode: 2 }
      : { error: `unknown app '${target}'; built-in apps: ${APPS.map((a) => a.name).join(', ')} (or give a path to a module exporting run(vk, options))`, exitCode: 2 };
  }
  return loadUserApp(target, file);
}

async function loadUserApp(target: string, file: string): Promise<Loaded> {
  let mod: Record<string, unknown>;
  try {
    // tsImport, not import(): a .ts file outside this package (no "type": "module"
    // above it) would otherwise go through the CommonJS path and fail to load.
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (e) {
    return { error: `cannot load ${target}: ${errorText(e)}`, exitCode: 1 };
  }
  const run = mod.run;
  if (typeof run !== 'function') {
    const names = Object.keys(mod).filter((k) => k !== 'default');
    return {
      error: `${target} does not export a run(vk, options) function${names.length ? ` (its exports: ${names.join(', ')})` : ' (it exports nothing)'}`,
      exitCode: 1,
    };
  }
  const name = path.basename(file).replace(/\.[^.]+$/, '');
  return {
    app: {
      name,
      description: `user app ${target}`,
      run(ctx) {
        const returned: unknown = run(ctx.vk, ctx.options, ctx);
        if (returned instanceof Promise) {
          returned.catch(() => undefined); // reported below; never an unhandled rejection
          throw new Error('run() returned a Promise: app code must be synchronous (the GPU stack is a synchronous simulation)');
        }
      },
    },
  };
}

/** One readable message: the error's own text (tsx/esbuild put the file:line of a syntax error there), no stack. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const message = e.message.split(/\n\s*Require stack:/)[0]!.replace(/\?namespace=[\w-]+/g, '');
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return `${e.name === 'Error' ? '' : `${e.name}: `}${lines.slice(0, 4).join(' ')}`;
}
