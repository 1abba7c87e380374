/**
 * Bisecting driver revisions with git: `git bisect run npx tracefold replay GOLDEN
 * --level api` finds the commit that introduces a driver bug. A scratch repository
 * holds a copy of the stack's source; its history is a clean commit (where the golden
 * capture was recorded), a harmless one, the commit that breaks the UMD's vertex
 * stride (the catalogued wrong-vertex-stride bug, made unconditional), and two more
 * harmless ones. `replay` exits 0 (same), 1 (diverged) or 125 (cannot test), which is
 * what `git bisect run` reads.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { recordApp } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['engine', 'recorder', 'replayer', 'api', 'cli', 'bin', 'scripts', 'tests/support', 'package.json', 'tsconfig.json'];
const BUG_FILE = 'engine/umd/cmd-draw.ts';
const BUGGY_LINE = /cb\.device\.bug\('wrong-vertex-stride'\) && attr \?/;

const tmp = tempDir();
afterAll(() => tmp.remove());

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com' },
  });
}

function commit(repo: string, message: string): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

describe('git bisect run npx tracefold replay GOLDEN --level api', () => {
  it('finds the commit that breaks the driver', () => {
    const repo = join(tmp.dir, 'repo');
    for (const s of SOURCES) cpSync(join(ROOT, s), join(repo, s), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(repo, 'node_modules'));
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    writeFileSync(join(repo, 'NOTES.md'), '# notes\n');
    git(repo, 'init', '-q');
    const clean = commit(repo, 'clean driver');

    // The golden capture, recorded by the clean code (this process runs the same sources).
    const golden = join(tmp.dir, 'golden.tfcap');
    const rec = recordApp(appByName('triangle')!, { frames: 1, width: 32, height: 32, seed: 1 }, golden, { engineVersion: 'test' });
    expect(rec.ok && rec.value.state).toBe('complete');

    appendFileSync(join(repo, 'NOTES.md'), 'a harmless change\n');
    commit(repo, 'notes: harmless');
    const source = readFileSync(join(repo, BUG_FILE), 'utf8');
    expect(source).toMatch(BUGGY_LINE);
    writeFileSync(join(repo, BUG_FILE), source.replace(BUGGY_LINE, 'attr ?'));
    const bad = commit(repo, 'draw: take the vertex stride from the attribute format');
    appendFileSync(join(repo, 'NOTES.md'), 'another harmless change\n');
    commit(repo, 'notes: harmless 2');
    appendFileSync(join(repo, 'NOTES.md'), 'and another\n');
    commit(repo, 'notes: harmless 3');

    git(repo, 'bisect', 'start', 'HEAD', clean);
    const out = git(repo, 'bisect', 'run', 'npx', 'tracefold', 'replay', golden, '--level', 'api');
    git(repo, 'bisect', 'reset');
    expect(out).toContain(`${bad} is the first bad commit`);
    expect(out).toContain('draw: take the vertex stride from the attribute format');
  }, 240_000);
});
