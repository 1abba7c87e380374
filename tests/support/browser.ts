/**
 * Browser-test plumbing: a real `tracefold serve` child process on a free loopback port
 * over a fresh capture folder (so it records the demo set first, as a newcomer's first
 * `npm start` does), and Debian's chromium driven by playwright-core in a throw-away
 * profile. Screenshots go to test-output/browser/, which git ignores and CI keeps.
 *
 * `chromiumPath()` is where the browser is; `.ci/run` installs it. Without it the browser
 * tests fail with a message saying how to install it, rather than silently passing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = join(REPO, 'test-output', 'browser');

export function chromiumPath(): string {
  const p = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`browser tests need Debian's chromium at ${p} (apt-get install -y chromium, or set CHROMIUM)`);
  return p;
}

export interface Served {
  readonly url: string;
  readonly dir: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts `tracefold serve --dir DIR --port 0` and resolves once it prints its address. */
export function serve(dir = mkdtempSync(join(tmpdir(), 'tracefold-ui-')), timeoutMs = 180_000): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'bin', 'tracefold.js'), 'serve', '--dir', dir, '--port', '0'], {
    cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tracefold serve printed no address in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          url: m[0], dir, output: () => out,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tracefold serve exited with ${code} before printing its address:\n${out}`));
    });
  });
}

export async function launch(): Promise<{ context: BrowserContext; page: Page }> {
  const profile = mkdtempSync(join(tmpdir(), 'tracefold-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1600, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
