/**
 * `tracefold run`, `apps` and `bugs`: the real binary writes every presented frame
 * as a PNG whose pixels are exactly the presented image, right side up; bad command
 * lines are exit 2 with a message saying what is wrong; the listings name every
 * built-in app and every injectable bug.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerApps } from '../../cli/apps';
import { decodePng } from '../../cli/png';
import { runCommand, type Output } from '../../cli/run';
import { APPS } from '../../engine/apps/catalogue';
import { vkcube } from '../../engine/apps/vkcube';
import { BUGS } from '../../engine/bugs';
import { runApp } from '../../engine/session';
import { coverage } from './frame-checks';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l) };
}

describe('tracefold run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracefold-cli-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`tracefold run vkcube --frames 3 --out DIR` writes three PNGs: the presented frames, frame 0 the reference', async () => {
    const out = path.join(dir, 'vkcube');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), 'run', 'vkcube', '--frames', '3', '--out', out], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['frame-0000.png', 'frame-0001.png', 'frame-0002.png']);
    const expected = runApp(vkcube, { frames: 3 }).frames;
    for (let i = 0; i < 3; i++) {
      const png = decodePng(readFileSync(path.join(out, `frame-000${i}.png`)));
      expect([png.width, png.height]).toEqual([256, 256]);
      expect(Buffer.from(png.rgba).equals(Buffer.from(expected[i]!.rgba))).toBe(true);
    }
    expect(readFileSync(path.join(out, 'frame-0000.png')).equals(readFileSync(path.join(ROOT, 'tests/fixtures/vkcube-frame0.png')))).toBe(true);
  });

  it('writes PNGs right side up: the triangle\'s apex is in the top rows of the file', async () => {
    const out = path.join(dir, 'triangle');
    const io = captured();
    expect(await runCommand('triangle', { size: '64x48', out }, io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout.join('\n')).toMatch(/triangle: 1 frame\(s\) requested at 64x48, seed 1\n {2}wrote 1 frame\(s\): .*frame-0000\.png$/);
    const png = decodePng(readFileSync(path.join(out, 'frame-0000.png')));
    const c = coverage({ frame: 0, ...png });
    const rowCovered = (y: number) => {
      let n = 0;
      for (let x = 0; x < png.width; x++) if (!Buffer.from(png.rgba.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)).equals(Buffer.from(png.rgba.subarray(0, 4)))) n++;
      return n;
    };
    expect(c.minY).toBeLessThan(png.height / 4);
    expect(rowCovered(c.minY + 2)).toBeLessThan(rowCovered(c.maxY - 2) / 4);
  });

  it.each([
    [['nope', {}], /^tracefold run: unknown app 'nope'; built-in apps: .*vkcube/],
    [['vkcube', { frames: '0' }], /^tracefold run: --frames must be an integer in 1\.\.100000, got '0'$/],
    [['vkcube', { frames: '2.5' }], /^tracefold run: --frames must be an integer/],
    [['vkcube', { size: '256' }], /^tracefold run: --size must be WxH .* got '256'$/],
    [['vkcube', { size: '0x10' }], /^tracefold run: --size must be WxH/],
    [['vkcube', { seed: '-1' }], /^tracefold run: --seed must be an integer in 0\.\.4294967295, got '-1'$/],
    [['vkcube', { inject: ['no-such-bug'] }], /^tracefold run: unknown bug\(s\): no-such-bug; known: missing-barrier/],
  ] as const)('a bad command line %j is exit 2 with a message', async ([target, flags], message) => {
    const io = captured();
    expect(await runCommand(target, flags, io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(message);
    expect(io.stdout).toEqual([]);
  });

  it('an --out that cannot be created is exit 1', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    const io = captured();
    expect(await runCommand('triangle', { out: path.join(file, 'sub') }, io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^tracefold run: cannot create .*a-file.sub: /);
  });

  it('--inject reaches the driver: the frame changes', async () => {
    const out = path.join(dir, 'stride');
    const io = captured();
    expect(await runCommand('vkcube', { frames: '1', inject: ['wrong-vertex-stride'], out }, io)).toBe(0);
    expect(io.stdout[0]).toContain('injected: wrong-vertex-stride');
    const png = decodePng(readFileSync(path.join(out, 'frame-0000.png')));
    expect(readFileSync(path.join(out, 'frame-0000.png')).equals(readFileSync(path.join(ROOT, 'tests/fixtures/vkcube-frame0.png')))).toBe(false);
    expect(coverage({ frame: 0, ...png }).fraction).toBeLessThan(0.1);
  });
});

describe('tracefold apps / bugs', () => {
  async function listing(args: string[]): Promise<string> {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      const program = new Command().exitOverride();
      registerApps(program);
      await program.parseAsync(['node', 'tracefold', ...args]);
    } finally {
      spy.mockRestore();
    }
    return lines.join('\n');
  }

  it('`apps` lists every built-in app with its description', async () => {
    const text = await listing(['apps']);
    for (const a of APPS) expect(text.split('\n').find((l) => l.startsWith(`${a.name} `))).toContain(a.description);
    expect(text).toMatch(/^vkcube +a lit cube .*\(default: 3 frame\(s\), 256x256\)$/m);
  });

  it('`bugs` lists every injectable bug with its layer, mechanism and symptom; --json parses', async () => {
    const text = await listing(['bugs']);
    for (const b of BUGS) {
      expect(text).toContain(`${b.name} (${b.layer})`);
      expect(text).toContain(b.mechanism);
      expect(text).toContain(b.symptom);
    }
    expect(JSON.parse(await listing(['bugs', '--json']))).toEqual(BUGS);
    expect((JSON.parse(await listing(['apps', '--json'])) as Array<{ name: string }>).map((a) => a.name)).toEqual(APPS.map((a) => a.name));
  });
});
