/**
 * `tracefold record` and recordApp: every catalogued app records to a capture that
 * ends 'complete', holds the documented tables (what `.tables` in the sqlite3 shell
 * lists) and reads back with the meta the run was given; the default path and the
 * overwrite rule; bad command lines are exit 2; an app that throws leaves an
 * 'aborted' capture and exit 1.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURE_DIR, freeCapturePath, recordCommand } from '../../cli/record';
import type { Output } from '../../cli/output';
import { APPS } from '../../engine/apps/catalogue';
import { openCapture } from '../../recorder/capture/reader';
import { TABLES_V2, VIEWS_V2 } from '../../recorder/capture/schema';
import { recordApp } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.remove());

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), tty: false };
}

describe('recordApp on every catalogued app', () => {
  it.each(APPS.map((a) => a.name))('%s: complete, the documented tables, meta as given, events as counted', (name) => {
    const app = APPS.find((a) => a.name === name)!;
    const file = tmp.path(`${name}.tfcap`);
    const progress: number[] = [];
    const r = recordApp(app, { frames: 1, width: 32, height: 32, seed: 5 }, file, {
      engineVersion: '9.9.9', onProgress: (p) => void progress.push(p.events),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ state: 'complete', error: undefined, app: name });
    expect(r.value.events).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(r.value.events);

    const db = new Database(file, { readonly: true });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    const views = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name`).pluck().all();
    db.close();
    expect(tables).toEqual([...TABLES_V2].sort());
    expect(views).toEqual([...VIEWS_V2].sort());

    const c = openCapture(file);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.meta()).toMatchObject({
      state: 'complete', app: name, seed: 5, engineVersion: '9.9.9', injectedBugs: [], eventCount: r.value.events,
      options: { frames: 1, width: 32, height: 32, seed: 5 },
    });
    expect(c.value.summary().events).toBe(r.value.events);
    c.value.close();
  });

  it('refuses an unknown bug before creating a file, and an existing file unless overwrite', () => {
    const app = APPS[0]!;
    const file = tmp.path('refused.tfcap');
    const bad = recordApp(app, { frames: 1, inject: ['no-such-bug'] }, file, { engineVersion: 't' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown-bug' } });
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, 'x');
    expect(recordApp(app, { frames: 1 }, file, { engineVersion: 't' })).toMatchObject({ ok: false, error: { code: 'exists' } });
    expect(recordApp(app, { frames: 1 }, file, { engineVersion: 't', overwrite: true })).toMatchObject({ ok: true, value: { state: 'complete' } });
  });

  it('routes events through wrapSink, which sees the writer', () => {
    let wrapped = 0;
    const r = recordApp(APPS[0]!, { frames: 1, width: 16, height: 16 }, tmp.path('wrapped.tfcap'), {
      engineVersion: 't',
      wrapSink: (w) => ({ emit: (e) => { wrapped++; w.append(e, null); } }),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(wrapped).toBe(r.value.events);
  });

  it('an app that throws: capture kept with state aborted and the error in the summary and the capture', () => {
    const file = tmp.path('throws.tfcap');
    const r = recordApp({ name: 'thrower', description: '', run: () => { throw new Error('boom'); } }, {}, file, { engineVersion: 't' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ state: 'aborted', error: 'Error: boom' });
    const c = openCapture(file);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.meta()).toMatchObject({ state: 'aborted', error: 'Error: boom' });
    c.value.close();
  });
});

describe('tracefold record', () => {
  it('writes captures/<app>-<seed>-<n>.tfcap under the cwd, numbering repeats (real binary)', async () => {
    const run = (): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), 'record', 'triangle', '--size', '16x16', '--seed', '7'], { cwd: tmp.dir },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`to ${path.join(CAPTURE_DIR, 'triangle-7-1.tfcap')}`);
    expect(first.stdout).toMatch(/state complete, \d+ events, 1 frame\(s\) presented/);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('triangle-7-2.tfcap');
    const c = openCapture(path.join(tmp.dir, CAPTURE_DIR, 'triangle-7-2.tfcap'));
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.meta()).toMatchObject({ state: 'complete', app: 'triangle', seed: 7, engineVersion: '0.1.0' });
    c.value.close();
    expect(freeCapturePath(path.join(tmp.dir, CAPTURE_DIR), 'triangle', 7)).toMatch(/triangle-7-3\.tfcap$/);
  });

  it('refuses to overwrite -o FILE without --force (exit 2), replaces it with --force', async () => {
    const file = tmp.path('o.tfcap');
    writeFileSync(file, 'not a capture');
    const io = captured();
    expect(await recordCommand('triangle', { output: file, size: '16x16' }, io)).toBe(2);
    expect(io.stderr).toEqual([`tracefold record: ${file} already exists (use --force to overwrite it)`]);
    const forced = captured();
    expect(await recordCommand('triangle', { output: file, size: '16x16', force: true }, forced)).toBe(0);
    expect(openCapture(file).ok).toBe(true);
  });

  it.each([
    ['an unknown app', 'no-such-app', {}, /unknown app 'no-such-app'; built-in apps: triangle, vkcube/],
    ['an unknown bug', 'triangle', { inject: ['no-such-bug'] }, /unknown bug\(s\): no-such-bug; known: /],
    ['a bad --frames', 'triangle', { frames: 'many' }, /--frames must be an integer/],
    ['a bad --size', 'triangle', { size: '12' }, /--size must be WxH/],
  ] as const)('%s is exit 2 with one line saying so, and no file', async (_what, target, flags, message) => {
    const file = tmp.path(`bad-${target}-${Object.keys(flags).join('')}.tfcap`);
    const io = captured();
    expect(await recordCommand(target, { ...flags, output: file }, io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(message);
    expect(existsSync(file)).toBe(false);
  });

  it('an app that throws: exit 1, one line naming the error, capture state aborted', async () => {
    const src = tmp.path('throws.ts');
    writeFileSync(src, `export function run() {\n  throw new Error('the app gave up');\n}\n`);
    const file = tmp.path('throws-cli.tfcap');
    const io = captured();
    expect(await recordCommand(src, { output: file }, io)).toBe(1);
    expect(io.stderr).toEqual([`tracefold record: throws failed: Error: the app gave up (capture kept, state aborted)`]);
    expect(io.stdout[1]).toMatch(/^ {2}state aborted, /);
    const c = openCapture(file);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.meta()).toMatchObject({ state: 'aborted', app: 'throws' });
    c.value.close();
  });
});
