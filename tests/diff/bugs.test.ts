/**
 * For every catalogued driver bug, `diff` of a clean and a buggy capture (same app,
 * seed and options) names the first divergent event the bug causes — its layer,
 * kind and object, and the changed field that is the bug's signature — and the
 * memory or frames it spoils.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BUGS } from '../../engine/bugs';
import { diffCaptures } from '../../replayer/diff/diff-captures';
import { BUG_APPS, recordBugPair } from '../support/bug-captures';
import { tempDir } from '../support/capture-files';

interface Expect {
  readonly op: 'changed' | 'deleted' | 'inserted';
  readonly layer: string;
  readonly kind: string;
  readonly object: string;
  readonly fields: readonly string[];
  /** Text of the divergent event on the side that has it (A, else B). */
  readonly text: RegExp;
  /** Where the bug's damage shows besides the event stream. */
  readonly shows: 'frame' | 'memory';
}

const FIRST: Readonly<Record<string, Expect>> = {
  // UMD bugs: the driver's own writes (memory 0) of command streams / draw descriptors differ.
  'missing-barrier': { op: 'changed', layer: 'api', kind: 'mem.write', object: 'bo:10', fields: ['bytes'], text: /^mem\.write mem=0 bo=10 /, shows: 'memory' },
  'wrong-vertex-stride': { op: 'changed', layer: 'api', kind: 'mem.write', object: 'bo:5', fields: ['bytes'], text: /^mem\.write mem=0 bo=5 /, shows: 'frame' },
  'missing-flush': { op: 'changed', layer: 'api', kind: 'mem.write', object: 'bo:5', fields: ['bytes'], text: /^mem\.write mem=0 bo=5 /, shows: 'frame' },
  // KMD bugs.
  'early-signal': { op: 'changed', layer: 'kmd', kind: 'kmd.fence_signal', object: 'fence:g1.q0:1', fields: ['cause'], text: /^fence g1\.q0#1 signalled$/, shows: 'frame' },
  'unmap-stale-tlb': { op: 'deleted', layer: 'hw', kind: 'hw.mmio', object: 'reg:AS0_COMMAND', fields: [], text: /^mmio write AS0_COMMAND \(0x2418\) <- 0x4$/, shows: 'memory' },
  'bind-one-page-short': { op: 'changed', layer: 'kmd', kind: 'kmd.job_queued', object: 'job:1', fields: ['stream'], text: /^job 1 queued /, shows: 'frame' },
  'sched-ignore-wait': { op: 'changed', layer: 'hw', kind: 'hw.mmio', object: 'reg:SLOT0_INSERT_LO', fields: ['value'], text: /^mmio write SLOT0_INSERT_LO/, shows: 'memory' },
  'timeline-out-of-order': { op: 'changed', layer: 'kmd', kind: 'kmd.wait_end', object: 'fence:g5.q0:1', fields: ['endedBy', 'cause'], text: /^wait #\d+ on \[8@4\] ended by g5\.q0#1/, shows: 'memory' },
  // Hardware bug.
  'dma-drop-partial-page': { op: 'changed', layer: 'hw', kind: 'hw.job', object: 'slot:0', fields: ['writeHash'], text: /^dma COPY slot=0 ok work=16 /, shows: 'memory' },
};

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('diff names the first divergence a bug causes', () => {
  it('has one row per catalogued bug', () => {
    expect(Object.keys(FIRST).sort()).toEqual(BUGS.map((b) => b.name).sort());
    expect(Object.keys(BUG_APPS).sort()).toEqual(BUGS.map((b) => b.name).sort());
  });

  it.each(BUGS.map((b) => b.name))('%s', (bug) => {
    const { clean, bad } = recordBugPair(bug, tmp.path(bug));
    const r = diffCaptures(clean, bad, { outDir: tmp.path(`${bug}-frames`) });
    if (!r.ok) throw new Error(r.error.message);
    const d = r.value;
    const want = FIRST[bug]!;
    expect(d.identical).toBe(false);
    const f = d.firstDivergence!;
    expect({ op: f.op, layer: f.layer, kind: f.kind, object: f.object, fields: f.fields.map((x) => x.path) })
      .toEqual({ op: want.op, layer: want.layer, kind: want.kind, object: want.object, fields: want.fields });
    expect(f.textA ?? f.textB).toMatch(want.text);
    // Context on each side it exists on, centred on the event.
    if (f.seqA !== null) expect(f.contextA.some((c) => c.seq === f.seqA)).toBe(true);
    if (f.seqB !== null) expect(f.contextB.some((c) => c.seq === f.seqB)).toBe(true);
    expect(d.changes[0]).toMatchObject({ op: f.op, seqA: f.seqA, seqB: f.seqB });
    // The summary counts it.
    const row = d.summary.find((s) => s.kind === want.kind)!;
    expect(row[want.op]).toBeGreaterThan(0);

    if (want.shows === 'frame') {
      const spoilt = d.frames.filter((x) => x.differingPixels > 0);
      expect(spoilt.length).toBeGreaterThan(0);
      for (const x of spoilt) {
        expect(x.totalPixels).toBe(64 * 64);
        expect(x.heatmapPng).toMatch(/frame-\d{4}-heatmap\.png$/);
      }
    } else {
      expect(d.memory.length).toBeGreaterThan(0);
      for (const m of d.memory) {
        expect(m.differingBytes).toBeGreaterThan(0);
        expect(m.differingBytes).toBeLessThanOrEqual(m.ranges.reduce((n, x) => n + x.lengthBytes, 0));
      }
    }
  });
});
