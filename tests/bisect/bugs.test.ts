/**
 * For every catalogued driver bug, `bisect GOOD BAD` on a clean and a buggy capture
 * (same app, seed and options) names the first event after which the buggy run's
 * state departs, the state that differs — the one the bug damages — and the event
 * that wrote it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BUGS } from '../../engine/bugs';
import { bisectCaptures, type BisectReport } from '../../replayer/bisect/bisect-captures';
import { recordBugPair } from '../support/bug-captures';
import { tempDir } from '../support/capture-files';

interface Expect {
  readonly seq: number;
  readonly layer: string;
  readonly kind: string;
  readonly object: string;
  readonly text: RegExp;
  /** The state difference the bug causes. */
  readonly state: (r: BisectReport) => void;
  /** A writer the report must name. */
  readonly writer: RegExp;
}

const bo = (r: BisectReport, handle: number) => r.stateDiff!.bos.find((b) => b.handles.some((h) => h.handle === handle));
const obj = (r: BisectReport, kind: string, id: number) => r.stateDiff!.objects.find((o) => o.kind === kind && o.id === id);

const FIRST: Readonly<Record<string, Expect>> = {
  // UMD bugs: the command stream / draw descriptor the UMD wrote into its BO.
  'missing-barrier': {
    seq: 268, layer: 'api', kind: 'mem.write', object: 'bo:10', text: /^mem\.write mem=0 bo=10 /, writer: /^mem\.write mem=0 bo=10 /,
    state: (r) => expect(bo(r, 10)).toMatchObject({ sizeBytes: 4096, differingBytes: 20, ranges: [{ offsetBytes: 57, lengthBytes: 39 }, { offsetBytes: 119, lengthBytes: 9 }] }),
  },
  'wrong-vertex-stride': {
    seq: 137, layer: 'api', kind: 'mem.write', object: 'bo:5', text: /^mem\.write mem=0 bo=5 /, writer: /^mem\.write mem=0 bo=5 /,
    state: (r) => expect(bo(r, 5)).toMatchObject({ differingBytes: 1, ranges: [{ offsetBytes: 424, lengthBytes: 1 }] }),
  },
  'missing-flush': {
    seq: 137, layer: 'api', kind: 'mem.write', object: 'bo:5', text: /^mem\.write mem=0 bo=5 /, writer: /^mem\.write mem=0 bo=5 /,
    state: (r) => expect(bo(r, 5)).toMatchObject({ differingBytes: 1, ranges: [{ offsetBytes: 71, lengthBytes: 1 }] }),
  },
  // KMD bugs.
  'early-signal': {
    seq: 157, layer: 'kmd', kind: 'kmd.ioctl', object: 'fd:3', text: /GROUP_SUBMIT\) = 0/, writer: /^fence g1\.q0#1 signalled$/,
    state: (r) => expect(obj(r, 'syncobj', 1)?.fields).toContainEqual({ path: 'payload', good: '0', bad: '1' }),
  },
  'unmap-stale-tlb': {
    seq: 138, layer: 'kmd', kind: 'kmd.ioctl', object: 'fd:3', text: /VM_BIND\) = 0/, writer: /VM_BIND\) = 0/,
    state: (r) => {
      expect(obj(r, 'tlb', 0)?.fields[0]).toEqual({ path: 'staleEntries', good: '0', bad: '4' });
      expect(r.stateDiff!.bos).toEqual([]);
    },
  },
  'bind-one-page-short': {
    seq: 32, layer: 'kmd', kind: 'kmd.ioctl', object: 'fd:3', text: /VM_BIND\) = 0/, writer: /VM_BIND\) = 0/,
    state: (r) => expect(obj(r, 'vm', 1)?.fields).toEqual([{ path: 'mappings[0].sizeBytes', good: '16384', bad: '12288' }]),
  },
  'sched-ignore-wait': {
    seq: 474, layer: 'kmd', kind: 'kmd.ioctl', object: 'fd:3', text: /GROUP_SUBMIT\) = 0/, writer: /GROUP_SUBMIT\) = 0/,
    state: (r) => expect(obj(r, 'group', 1)?.fields).toContainEqual({ path: 'queues[0].insert', good: '56', bad: '112' }),
  },
  'timeline-out-of-order': {
    seq: 506, layer: 'hw', kind: 'hw.irq', object: 'irq:job', text: /^irq job /, writer: /^fence g3\.q0#1 signalled$/,
    state: (r) => expect(obj(r, 'syncobj', 8)?.fields).toEqual([{ path: 'payload', good: '2', bad: '5' }]),
  },
  // Hardware bug: the copy's short tail never lands.
  'dma-drop-partial-page': {
    seq: 178, layer: 'hw', kind: 'hw.irq', object: 'irq:job', text: /^irq job /, writer: /^dma COPY slot=0 ok work=16 /,
    state: (r) => expect(bo(r, 3)).toMatchObject({ differingBytes: 16, ranges: [{ offsetBytes: 0, lengthBytes: 16 }] }),
  },
};

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('bisect names the first state departure a bug causes', () => {
  it('has one row per catalogued bug', () => {
    expect(Object.keys(FIRST).sort()).toEqual(BUGS.map((b) => b.name).sort());
  });

  it.each(BUGS.map((b) => b.name))('%s', (bug) => {
    const { clean, bad } = recordBugPair(bug, tmp.path(bug));
    const r = bisectCaptures(clean, bad);
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value;
    const want = FIRST[bug]!;
    expect({ identical: v.identical, seq: v.seq, layer: v.layer, kind: v.kind, object: v.object })
      .toEqual({ identical: false, seq: want.seq, layer: want.layer, kind: want.kind, object: want.object });
    expect(v.text).toMatch(want.text);
    want.state(v);
    expect(v.writers.some((w) => want.writer.test(w.text)), JSON.stringify(v.writers)).toBe(true);
    expect(v.writers.at(-1)?.seq).toBe(v.seq);
    // The search really bracketed it: the event before does not differ, the event does.
    expect(v.probes.find((p) => p.seq === v.seq)?.differs).toBe(true);
    expect(v.checkpoints.compared).toBeGreaterThan(0);
    expect(v.checkpoints.lastEqualSeq).toBeLessThan(v.seq!);
  });

  it('two recordings of the same run bisect as identical', () => {
    const a = tmp.path('same-a.tfcap');
    const b = tmp.path('same-b.tfcap');
    recordBugPair('early-signal', a.replace(/\.tfcap$/, ''));
    recordBugPair('early-signal', b.replace(/\.tfcap$/, ''));
    const r = bisectCaptures(a.replace(/\.tfcap$/, '-clean.tfcap'), b.replace(/\.tfcap$/, '-clean.tfcap'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ identical: true, seq: null, stateDiff: null, writers: [] });
    expect(r.value.probes.every((p) => !p.differs)).toBe(true);
  });
});
