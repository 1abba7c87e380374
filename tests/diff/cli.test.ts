/**
 * The diff, bisect and minimize commands: exit codes, the readable report's key
 * lines, --json shapes (JSON-serialisable, what the HTTP API returns), heat maps
 * written with --out, and one-line errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../cli/png';
import { bisectCommand } from '../../cli/bisect';
import { diffCommand } from '../../cli/diff';
import { minimizeCommand } from '../../cli/minimize';
import type { Output } from '../../cli/output';
import { recordBugPair } from '../support/bug-captures';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
let pair: { clean: string; bad: string };
beforeAll(() => {
  pair = recordBugPair('wrong-vertex-stride', tmp.path('stride'));
});
afterAll(() => tmp.remove());

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), tty: false };
}

describe('tracefold diff / bisect / minimize', () => {
  it('diff: exit 0 identical, 1 different, 2 trouble', () => {
    const same = captured();
    expect(diffCommand(pair.clean, pair.clean, {}, same)).toBe(0);
    expect(same.stdout).toContain('identical (handles, addresses and timing normalised)');

    const io = captured();
    const out = tmp.path('heat');
    expect(diffCommand(pair.clean, pair.bad, { out }, io)).toBe(1);
    const text = io.stdout.join('\n');
    expect(text).toMatch(/first divergence: changed api mem\.write bo:5 at A#137 \/ B#137/);
    expect(text).toMatch(/frame 0 \(A#\d+ \/ B#\d+\): \d+ of 4096 pixels differ → .*frame-0000-heatmap\.png/);
    const png = decodePng(readFileSync(`${out}/frame-0000-heatmap.png`));
    expect({ width: png.width, height: png.height }).toEqual({ width: 64, height: 64 });

    const missing = captured();
    expect(diffCommand(pair.clean, tmp.path('nope.tfcap'), {}, missing)).toBe(2);
    expect(missing.stderr[0]).toMatch(/^tracefold diff: .*nope\.tfcap: no such file$/);
  });

  it('diff --json is the DiffReport', () => {
    const io = captured();
    expect(diffCommand(pair.clean, pair.bad, { json: true }, io)).toBe(1);
    const report = JSON.parse(io.stdout.join('\n')) as { identical: boolean; firstDivergence: { seqA: number; kind: string }; summary: unknown[]; frames: { differingPixels: number }[] };
    expect(report.identical).toBe(false);
    expect(report.firstDivergence).toMatchObject({ seqA: 137, seqB: 137, kind: 'mem.write', layer: 'api', object: 'bo:5' });
    expect(report.frames[0]!.differingPixels).toBeGreaterThan(0);
  });

  it('bisect: exit 1 with the departure, 0 for the same run, 2 for bad usage', () => {
    const io = captured();
    expect(bisectCommand(pair.clean, pair.bad, {}, io)).toBe(1);
    expect(io.stdout.join('\n')).toMatch(/state departs after BAD#137 \(GOOD#137\): api mem\.write bo:5/);
    expect(io.stdout.join('\n')).toMatch(/bo \d+ \(pid 100 handle 5, bo\.f1\): 1 of 4096 bytes differ: \+0x1a8\.\.\+0x1a9/);
    expect(bisectCommand(pair.clean, pair.clean, {}, captured())).toBe(0);
    const frame = captured();
    expect(bisectCommand(pair.bad, undefined, { frame: '0', golden: pair.clean }, frame)).toBe(1);
    expect(frame.stdout.join('\n')).toMatch(/state departs after BAD#165/);
    const usage = captured();
    expect(bisectCommand(pair.bad, undefined, {}, usage)).toBe(2);
    expect(usage.stderr[0]).toMatch(/give GOOD and BAD, or FILE --frame N --golden GOLDEN/);
  });

  it('minimize: exit 0 and a smaller capture; 1 when the predicate does not hold; 2 for a bad predicate', () => {
    const small = tmp.path('small.tfcap');
    const io = captured();
    expect(minimizeCommand(pair.bad, { until: 'diverges', output: small }, io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^minimised .*: \d+ → \d+ API calls \([\d.]+ %\) in \d+ tests, predicate diverges:frame\.present → .*small\.tfcap/);
    expect(existsSync(small)).toBe(true);
    const none = captured();
    expect(minimizeCommand(pair.clean, { until: 'fault', output: tmp.path('x.tfcap') }, none)).toBe(1);
    expect(none.stderr[0]).toMatch(/the predicate 'fault' does not hold on the whole capture/);
    expect(minimizeCommand(pair.bad, { until: 'sometimes', output: small }, captured())).toBe(2);
  });
});
