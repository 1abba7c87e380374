/**
 * `tracefold replay`: exit codes made for `git bisect run` (0 same, 1 diverged, 125
 * cannot test), the readable report, the --json shape, and a one-line message
 * naming what is wrong with a capture that cannot be replayed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../cli/output';
import { replayCommand } from '../../cli/replay';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir();
let clean: string;
beforeAll(() => {
  clean = recordSmall('vkcube', tmp.path('vkcube.tfcap'));
});
afterAll(() => tmp.remove());

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), tty: false };
}

describe('tracefold replay', () => {
  it('exit 0 and a summary when the replay matches the capture', () => {
    const io = captured();
    expect(replayCommand(clean, {}, io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout[0]).toMatch(/^replayed .*vkcube\.tfcap \(vkcube\) at ioctl level, strict verification$/);
    expect(io.stdout.join('\n')).toMatch(/\d+ inputs applied, \d+ events regenerated, \d+ compared/);
    expect(io.stdout.join('\n')).toMatch(/virtual time [\d.]+ s, wall time [\d.]+ s, \d+ events\/s/);
    expect(io.stdout.at(-1)).toBe('no divergence');
    expect(replayCommand(clean, { verify: 'outputs' }, captured())).toBe(0);
  });

  it('exit 1 and the divergence report when an injected kernel bug changes what the stack does', () => {
    const io = captured();
    expect(replayCommand(clean, { inject: ['early-signal'] }, io)).toBe(1);
    const text = io.stdout.join('\n');
    expect(text).toContain('injected: early-signal');
    expect(text).toContain('DIVERGED: 1 divergence(s)');
    expect(text).toMatch(/divergence 1 at seq \d+: (kmd|hw) \S+/);
    expect(text).toMatch(/ {2}expected {2}.+\n {2}actual {4}.+/);
    // The scheduler's fence now signals where the capture programmed the MMU for the job.
    expect(text).toMatch(/ {2}actual {4}fence g1\.q0#1 signalled/);
    expect(text).toContain('around it in the capture');
  });

  it('--json: one object with the summary and the divergences', () => {
    const io = captured();
    expect(replayCommand(clean, { inject: ['early-signal'], json: true, keepGoing: true }, io)).toBe(1);
    const o = JSON.parse(io.stdout.join('\n')) as Record<string, unknown>;
    expect(Object.keys(o).sort()).toEqual(['capture', 'compared', 'diverged', 'divergences', 'level', 'stats', 'verify', 'wallMs']);
    expect(o).toMatchObject({ capture: { app: 'vkcube', state: 'complete', seed: 3 }, level: 'ioctl', verify: 'strict', diverged: true });
    expect(o.stats).toMatchObject({ inputs: expect.any(Number), events: expect.any(Number), virtualNs: expect.any(Number), injected: ['early-signal'] });
    const ds = o.divergences as Record<string, unknown>[];
    expect(ds.length).toBeGreaterThan(1);
    for (const d of ds) {
      expect(Object.keys(d).sort()).toEqual(['actual', 'chain', 'context', 'expected', 'fields', 'kind', 'layer', 'object', 'seq']);
      expect(d.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.any(String), expected: expect.any(String), actual: expect.any(String) })]));
    }
    // Byte arrays are summaries, not number-keyed objects.
    expect(JSON.stringify(ds)).not.toContain('"0":');
  });

  it.each([
    ['a missing file', () => tmp.path('nope.tfcap'), /no such file/],
    ['a file that is not SQLite', () => {
      writeFileSync(tmp.path('text.tfcap'), 'not a capture\n');
      return tmp.path('text.tfcap');
    }, /is not a SQLite database/],
    ['a truncated capture', () => {
      writeFileSync(tmp.path('cut.tfcap'), readFileSync(clean).subarray(0, 8192));
      return tmp.path('cut.tfcap');
    }, /is truncated/],
  ])('exit 125 for %s, with a message naming it', (_what, file, message) => {
    const io = captured();
    expect(replayCommand(file(), {}, io)).toBe(125);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^tracefold replay: /);
    expect(io.stderr[0]).toMatch(message);
  });

  it('exit 125 for a capture without the process operations replay needs', () => {
    const file = tmp.path('no-process-ops.tfcap');
    copyFileSync(clean, file);
    const db = new Database(file);
    db.prepare(`DELETE FROM event_rows WHERE kind_id = (SELECT id FROM kinds WHERE name = 'kmd.process_op')`).run();
    db.close();
    const io = captured();
    expect(replayCommand(file, {}, io)).toBe(125);
    expect(io.stderr[0]).toMatch(/process \d+ was never spawned in the capture/);
  });

  it.each([
    ['an unknown bug', { inject: ['no-such-bug'] }, /unknown bug\(s\): no-such-bug/],
    ['an unknown level', { level: 'umd' }, /--level must be ioctl or api, got 'umd'/],
    ['an unknown verify mode', { verify: 'loose' }, /--verify must be strict or outputs/],
  ])('exit 125 for %s', (_what, flags, message) => {
    const io = captured();
    expect(replayCommand(clean, flags, io)).toBe(125);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it('replays at API level: outputs verification by default, exit 0 clean, strict finds an early fence signal', () => {
    const same = captured();
    expect(replayCommand(clean, { level: 'api' }, same)).toBe(0);
    expect(same.stdout.join('\n')).toMatch(/at api level, outputs verification/);
    const bad = captured();
    expect(replayCommand(clean, { level: 'api', verify: 'strict', inject: ['early-signal'], json: true }, bad)).toBe(1);
    const report = JSON.parse(bad.stdout.join('\n')) as { divergences: { layer: string; kind: string; actual: { kind: string } }[] };
    // Where the recording had the job's completion register read, the buggy stack already signalled its fence.
    expect(report.divergences[0]).toMatchObject({ layer: 'hw', kind: 'hw.mmio', actual: { kind: 'kmd.fence_signal' } });
  });

  it('the real command line exits 1 on a divergence, as git bisect run needs', async () => {
    const code = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), 'replay', clean, '--inject', 'early-signal'], { cwd: tmp.dir },
        (err) => resolve(err ? (err as { code?: number }).code ?? null : 0));
    });
    expect(code).toBe(1);
  });
});
