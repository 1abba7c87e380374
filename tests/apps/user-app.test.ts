/**
 * User apps given by path: the example in tests/fixtures runs and presents what it
 * draws; broken ones — a throw (a failed Vulkan call included), no `run` export, a
 * syntax error, a missing file, an async `run` — end with one clear message and a
 * non-zero exit from the real `tracefold` binary, never a stack trace. The broken
 * modules are written to a temporary folder outside this package, which is also
 * what a user's own file looks like (no "type": "module" above it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApp } from '../../cli/run';
import { runApp } from '../../engine/session';
import { coverage, pixel } from './frame-checks';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = path.join(ROOT, 'tests/fixtures/user-app.ts');

function tracefold(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('user apps', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracefold-user-app-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example by path and runs it: clear colour steps red → blue, a white square in the middle', async () => {
    const loaded = await loadApp(FIXTURE);
    if ('error' in loaded) throw new Error(loaded.error);
    expect(loaded.app.name).toBe('user-app');
    const r = runApp(loaded.app, { frames: 3, width: 64, height: 48 });
    expect(r.error).toBeUndefined();
    expect(r.frames).toHaveLength(3);
    expect(pixel(r.frames[0]!, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(r.frames[1]!, 0, 0)).toEqual([128, 0, 128, 255]);
    expect(pixel(r.frames[2]!, 0, 0)).toEqual([0, 0, 255, 255]);
    const c = coverage(r.frames[1]!);
    expect(pixel(r.frames[1]!, 32, 24)).toEqual([255, 255, 255, 255]);
    expect([c.minX, c.maxX, c.minY, c.maxY]).toEqual([16, 47, 12, 35]);
  });

  const broken: ReadonlyArray<{ what: string; file: string; source: string; code: number; message: RegExp }> = [
    {
      what: 'throws (a Vulkan call failed)',
      file: 'throws.ts',
      source: `export function run(vk: any) {\n  const r = vk.vkCreateBuffer(7, { sizeBytes: 0, usage: 0 });\n  if (r.result !== 0) throw new Error('cannot create a buffer: ' + r.message);\n}\n`,
      code: 1,
      message: /^tracefold run: throws failed: Error: cannot create a buffer: vkCreateBuffer: unknown device$/,
    },
    {
      what: 'has no run export',
      file: 'no-run.ts',
      source: 'export function start(): void {}\nexport const name = "x";\n',
      code: 1,
      message: /^tracefold run: .*no-run\.ts does not export a run\(vk, options\) function \(its exports: (start, name|name, start)\)$/,
    },
    {
      what: 'has a syntax error',
      file: 'syntax.ts',
      source: 'export function run(vk: any) {\n  const x = ;\n}\n',
      code: 1,
      message: /^tracefold run: cannot load .*syntax\.ts: .*syntax\.ts:2:\d+: ERROR: Unexpected ";"$/,
    },
    {
      what: 'returns a Promise',
      file: 'async.ts',
      source: 'export async function run(): Promise<void> {}\n',
      code: 1,
      message: /^tracefold run: async failed: Error: run\(\) returned a Promise: app code must be synchronous/,
    },
  ];

  it.each(broken)('a user app that $what: one clear message, exit $code', async ({ file, source, code, message }) => {
    writeFileSync(path.join(dir, file), source);
    const r = await tracefold(['run', path.join(dir, file), '--out', path.join(dir, 'frames')]);
    expect(r.code).toBe(code);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing file is a usage error (exit 2) naming the path', async () => {
    const r = await tracefold(['run', path.join(dir, 'nowhere.ts')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tracefold run: no such file: ${path.join(dir, 'nowhere.ts')}`);
  });

  it('the example runs from the command line too', async () => {
    const out = path.join(dir, 'example');
    const r = await tracefold(['run', 'tests/fixtures/user-app.ts', '--frames', '2', '--size', '32x32', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote 2 frame(s)');
  });
});
