/**
 * `bisect FILE --frame N --golden GOLDEN`: the first event after which the image FILE
 * presents as frame N departs from GOLDEN's — for a triangle drawn with the wrong
 * vertex stride, the draw that wrote the garbled triangle into the swapchain image.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bisectFrame } from '../../replayer/bisect/bisect-frame';
import { recordBugPair } from '../support/bug-captures';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('bisect FILE --frame N --golden GOLDEN', () => {
  it('names the draw that spoilt the frame, and the image bytes it changed', () => {
    const { clean, bad } = recordBugPair('wrong-vertex-stride', tmp.path('stride'));
    const r = bisectFrame(bad, clean, 0);
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value;
    expect({ identical: v.identical, seq: v.seq, layer: v.layer, kind: v.kind, object: v.object }).toEqual({ identical: false, seq: 165, layer: 'hw', kind: 'hw.irq', object: 'irq:job' });
    // The swapchain image (64×64 RGBA8 = 16 KiB) is the only state looked at.
    expect(v.stateDiff!.objects).toEqual([]);
    expect(v.stateDiff!.bos).toHaveLength(1);
    expect(v.stateDiff!.bos[0]).toMatchObject({ sizeBytes: 16384, differingBytes: 3743, handles: [{ pid: 100, handle: 1 }] });
    expect(v.writers.some((w) => /^fragment DRAW slot=0 ok /.test(w.text))).toBe(true);
    expect(v.probes.find((p) => p.seq === 165)?.differs).toBe(true);
    expect(v.probes.find((p) => p.seq === 164)?.differs ?? false).toBe(false);
  });

  it('a frame equal to the golden one holds the predicate: nothing to bisect', () => {
    const { clean } = recordBugPair('early-signal', tmp.path('same'));
    const r = bisectFrame(clean, clean, 0);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ identical: true, seq: null });
  });

  it('a frame the capture does not present is an error', () => {
    const { clean } = recordBugPair('missing-flush', tmp.path('none'));
    const r = bisectFrame(clean, clean, 7);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/presents no frame 7/);
  });
});
