/**
 * `tracefold serve [--dir DIR] [--port N] [--host H] [--no-demo]` (what `npm start`
 * runs): the HTTP API (api/app.ts) under /api and the built web UI (ui/dist, with
 * index.html for client-side routes) over a capture folder, default ./captures.
 *
 * - A folder with no capture gets the demo set first, progress on stderr: vkcube,
 *   compute, multiqueue, sharing, and vkcube with `wrong-vertex-stride` injected —
 *   the catalogued bug that visibly changes vkcube's frames (a garbled mesh), so the
 *   diff view has something to show. (`missing-barrier` leaves vkcube's frames
 *   unchanged: its one producer → consumer hazard is in multiqueue.) --no-demo skips it.
 * - Binds 127.0.0.1 unless --host says otherwise; any other host is warned about
 *   loudly on stderr, since the API reads and deletes files in the capture folder and
 *   has no authentication.
 * - Without ui/dist, says the UI is not built and serves the API only.
 *
 * Example:
 *   tracefold serve --port 7420
 *   // → tracefold: serving 5 capture(s) from captures/ at http://127.0.0.1:7420/
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createApp } from '../api/app';
import { workerAnalysis } from '../api/worker-analysis';
import { appByName } from '../engine/apps/catalogue';
import { recordApp, type RecordOptions, type RecordProgress } from '../recorder/record-session';
import { consoleOutput, formatBytes, type Output } from './output';
import { CAPTURE_DIR, engineVersion, freeCapturePath } from './record';

export const DEFAULT_PORT = 7420;
export const DEFAULT_HOST = '127.0.0.1';
const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The demo set: each app once, and vkcube with a bug that shows in its frames. */
export const DEMO_SET: ReadonlyArray<{ readonly app: string; readonly name: string; readonly options: RecordOptions }> = [
  { app: 'vkcube', name: 'vkcube', options: { frames: 3, seed: 1 } },
  { app: 'compute', name: 'compute', options: { seed: 1 } },
  { app: 'multiqueue', name: 'multiqueue', options: { frames: 3, seed: 1 } },
  { app: 'sharing', name: 'sharing', options: { frames: 2, seed: 1 } },
  { app: 'vkcube', name: 'vkcube-wrong-vertex-stride', options: { frames: 3, seed: 1, inject: ['wrong-vertex-stride'] } },
];

export interface ServeFlags {
  readonly dir?: string;
  readonly port?: string;
  readonly host?: string;
  /** commander's --no-demo sets demo: false. */
  readonly demo?: boolean;
  /** The built UI (default: ui/dist of this checkout); not a command-line option. */
  readonly uiDir?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web UI and the HTTP API over a capture folder (records a demo set into an empty one)')
    .option('--dir <dir>', 'capture folder', CAPTURE_DIR)
    .option('--port <n>', 'TCP port (0: any free one)', String(DEFAULT_PORT))
    .option('--host <host>', 'address to bind (anything but loopback exposes your captures)', DEFAULT_HOST)
    .option('--no-demo', 'do not record the demo set into an empty folder')
    .action(async (flags: ServeFlags) => {
      const r = await startServer(flags);
      if ('error' in r) {
        console.error(`tracefold serve: ${r.error}`);
        process.exitCode = 2;
      }
    });
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startServer(flags: ServeFlags, io: Output = consoleOutput): Promise<RunningServer | { error: string }> {
  const dir = flags.dir ?? CAPTURE_DIR;
  const host = flags.host ?? DEFAULT_HOST;
  const port = Number(flags.port ?? DEFAULT_PORT);
  if (!/^\d+$/.test(String(flags.port ?? DEFAULT_PORT)) || port > 65535) return { error: `--port must be an integer 0..65535, got '${flags.port}'` };
  if (!isLoopback(host)) {
    io.err('');
    io.err(`  WARNING: tracefold serve is binding ${host}, not loopback. Anyone who can reach this address`);
    io.err('  can read, upload and DELETE captures and run replays: the API has no authentication.');
    io.err('');
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return { error: `cannot create ${path.resolve(dir)}: ${(e as Error).message}` };
  }
  if (flags.demo !== false && !readdirSync(dir).some((f) => f.endsWith('.tfcap'))) recordDemoSet(dir, io);

  const app = createApp({ captureDir: dir, analysis: workerAnalysis(engineVersion()) });
  const ui = flags.uiDir ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../ui/dist');
  if (existsSync(path.join(ui, 'index.html'))) {
    app.use('*', serveStatic({ root: ui }));
    // Client-side routes (/captures/x/timeline…) get the app shell.
    app.get('*', serveStatic({ root: ui, path: 'index.html' }));
  } else {
    io.err(`tracefold serve: the web UI is not built (no ${path.relative(process.cwd(), ui) || ui}/index.html): serving the API only`);
    app.get('/', (c) => c.text('tracefold: the web UI is not built; the API is under /api (e.g. /api/captures)\n'));
  }

  const server = await new Promise<{ server: ServerType; info: AddressInfo } | { error: string }>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, (info) => resolve({ server: s, info }));
    s.once('error', (e) => resolve({ error: `cannot listen on ${host}:${port}: ${e.message}` }));
  });
  if ('error' in server) {
    app.tracefold.close();
    return server;
  }
  const shown = server.info.family === 'IPv6' ? `[${server.info.address}]` : server.info.address;
  const url = `http://${shown}:${server.info.port}/`;
  const count = readdirSync(dir).filter((f) => f.endsWith('.tfcap')).length;
  io.out(`tracefold: serving ${count} capture(s) from ${dir}/ at ${url}`);
  return {
    url,
    port: server.info.port,
    close: () => new Promise<void>((resolve) => {
      app.tracefold.close();
      server.server.close(() => resolve());
    }),
  };
}

/** Records DEMO_SET into `dir`, a progress bar per capture on a terminal, one line each otherwise. */
export function recordDemoSet(dir: string, io: Output = consoleOutput): void {
  io.err(`tracefold serve: ${dir}/ has no captures; recording the demo set (${DEMO_SET.length} captures)`);
  DEMO_SET.forEach((d, i) => {
    const app = appByName(d.app);
    if (!app) {
      io.err(`  no app ${d.app}`);
      return;
    }
    const file = freeCapturePath(dir, d.name, d.options.seed ?? 1);
    const bar = io.tty ? new SingleBar({
      stream: process.stderr,
      format: `  [${i + 1}/${DEMO_SET.length}] ${d.name} [{bar}] {value}/{total} frames | {events} events`,
      hideCursor: true,
      clearOnComplete: true,
    }) : undefined;
    let started = false;
    const onProgress = bar ? (p: RecordProgress): void => {
      if (!started) bar.start(p.totalFrames, 0, { events: 0 });
      started = true;
      bar.update(Math.min(p.frames, p.totalFrames), { events: p.events });
    } : undefined;
    const r = recordApp(app, d.options, file, { engineVersion: engineVersion(), onProgress });
    if (started) bar?.stop();
    if (!r.ok) io.err(`  [${i + 1}/${DEMO_SET.length}] ${d.name}: FAILED: ${r.error.message}`);
    else io.err(`  [${i + 1}/${DEMO_SET.length}] ${path.basename(file)}: ${r.value.state}, ${r.value.events} events, ${r.value.frames} frame(s), ${formatBytes(r.value.sizeBytes)}`);
  });
}
