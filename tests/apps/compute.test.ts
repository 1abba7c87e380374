/**
 * compute: the prefix sum and the SGEMM match their CPU references, and the checks
 * are real — a word of input corrupted after the app wrote it, a wrong shader, or a
 * missing barrier in the UMD each make exactly the affected check fail. A run is a
 * pure function of its options and seed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compute, computeSizes, prefixSumReference, SCAN_ADD_SHADER, sgemmReference, SGEMM_SHADER } from '../../engine/apps/compute';
import { runApp, type RunOptions, type RunResult } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { eventStreamHash } from './frame-checks';
import { corruptMapping, layered, replaceShader, type Layer } from './vk-layers';

function run(options: RunOptions = {}, layer?: Layer): RunResult {
  return runApp(layer ? layered(compute, layer) : compute, options);
}

const verdicts = (r: RunResult) => Object.fromEntries(r.checks.map((c) => [c.name, c.ok]));

describe('compute', () => {
  let plain: RunResult;
  beforeAll(() => {
    plain = run();
  });

  it('CPU references: a prefix sum wraps mod 2^32; A·I = A bit for bit', () => {
    expect([...prefixSumReference(Uint32Array.of(1, 2, 0xffff_ffff, 5))]).toEqual([1, 3, 2, 7]);
    const d = 8;
    const a = Float32Array.from({ length: d * d }, (_, i) => Math.fround(i / 7 - 3));
    const identity = Float32Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
    expect([...sgemmReference(a, identity, d)]).toEqual([...a]);
    expect(computeSizes(0)).toEqual({ scanElements: 16384, sgemmDim: 64 });
  });

  it('by default scans 16384 integers and multiplies 64×64 matrices, twice, all checks passing', () => {
    expect(plain.error).toBeUndefined();
    expect(plain.checks.map((c) => c.name)).toEqual(['scan[0]', 'sgemm[0]', 'scan[1]', 'sgemm[1]']);
    for (const c of plain.checks) expect(c.ok, `${c.name}: ${c.detail}`).toBe(true);
  });

  it('handles sizes that are not a multiple of the block or the 8×8 tile', () => {
    const r = run({ size: 1000, frames: 1 });
    expect(r.error).toBeUndefined();
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([['scan[0]', true], ['sgemm[0]', true]]);
    expect(computeSizes(1000)).toEqual({ scanElements: 1000, sgemmDim: 16 });
  });

  it('an input word corrupted after upload fails that iteration’s scan only', () => {
    const r = run({}, corruptMapping({ mapping: 0, offsetBytes: 40, submit: 0 }));
    expect(r.error).toBeUndefined();
    expect(verdicts(r)).toEqual({ 'scan[0]': false, 'sgemm[0]': true, 'scan[1]': true, 'sgemm[1]': true });
    // Every element from the corrupted one on is off: the scan really ran on the GPU's input.
    expect(r.checks[0]!.detail).toMatch(/^16374\/16384 words differ; first \[10\]/);
  });

  it('a wrong shader fails the check that depends on it', () => {
    const badAdd = run({ frames: 1 }, replaceShader(SCAN_ADD_SHADER, SCAN_ADD_SHADER.replace('IADD r17, r17, r18', 'ISUB r17, r17, r18')));
    expect(verdicts(badAdd)).toEqual({ 'scan[0]': false, 'sgemm[0]': true });
    const badMul = run({ frames: 1 }, replaceShader(SGEMM_SHADER, SGEMM_SHADER.replace('FFMA r20, r21, r22, r20', 'FFMA r20, r21, r21, r20')));
    expect(verdicts(badMul)).toEqual({ 'scan[0]': true, 'sgemm[0]': false });
  });

  it('an injected UMD bug (missing barrier: dispatches read before the upload copy lands) fails the checks', () => {
    const r = run({ frames: 1, inject: ['missing-barrier'] });
    expect(r.error).toBeUndefined();
    expect(verdicts(r)).toEqual({ 'scan[0]': false, 'sgemm[0]': false });
  });

  it('the same seed gives the identical event stream; another seed other data, still correct', () => {
    const traced = (seed: number) => {
      const sink = new MemorySink();
      const r = run({ seed, frames: 1, size: 2048, sink });
      return { r, hash: eventStreamHash(sink.events), count: sink.events.length };
    };
    const a = traced(5);
    const b = traced(5);
    const c = traced(6);
    expect(a.count).toBeGreaterThan(50);
    expect(b.hash).toBe(a.hash);
    expect(b.r.checks).toEqual(a.r.checks);
    expect(c.hash).not.toBe(a.hash);
    for (const x of [a, b, c]) expect(x.r.checks.every((k) => k.ok)).toBe(true);
    expect(a.r.frames).toEqual([]);
  });
});
