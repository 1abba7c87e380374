/**
 * `minimize` on buggy vkcube captures: each of three catalogued bugs that spoil
 * vkcube's frames (wrong-vertex-stride, missing-flush, early-signal) is recorded over
 * 24 frames; delta debugging keeps at most 10 % of the API calls, the result is a
 * capture that replays without divergence at both levels, and it still reproduces:
 * replayed on a clean stack it diverges at a presented frame.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { openCapture } from '../../recorder/capture/reader';
import { CausalLinker } from '../../recorder/causality';
import { recordApp } from '../../recorder/record-session';
import { ddmin } from '../../replayer/minimize/ddmin';
import { minimizeCapture } from '../../replayer/minimize/minimize-capture';
import { parsePredicate } from '../../replayer/minimize/predicate';
import { replayCapture } from '../../replayer/replay';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('ddmin', () => {
  it('finds the 1-minimal set, dragging dependents along', () => {
    const items = Array.from({ length: 100 }, (_, i) => i + 1);
    // 60 needs 3: removing 3 removes 60 too.
    const closure = (removed: Iterable<number>) => {
      const out = new Set(removed);
      if (out.has(3)) out.add(60);
      return out;
    };
    const r = ddmin(items, (kept) => kept.has(3) && kept.has(50), closure);
    expect(r.kept).toEqual([3, 50]);
    expect(r.tests).toBeLessThan(60);
  });

  it('parses the predicate text forms', () => {
    expect(parsePredicate('fault')).toEqual({ kind: 'fault' });
    expect(parsePredicate('diverges')).toEqual({ kind: 'diverges' });
    expect(parsePredicate('diverges:mem.read')).toEqual({ kind: 'diverges', at: 'mem.read' });
    expect(parsePredicate('diverges:hw.mmio')).toHaveProperty('error');
  });
});

describe('minimize a buggy vkcube capture', () => {
  it.each(['wrong-vertex-stride', 'missing-flush', 'early-signal'])('%s: at most a tenth of the calls, replays, still reproduces', (bug) => {
    const path = tmp.path(`${bug}.tfcap`);
    const rec = recordApp(appByName('vkcube')!, { seed: 1, frames: 24, width: 64, height: 64, inject: [bug] }, path, { engineVersion: 'test' });
    expect(rec.ok && rec.value.state).toBe('complete');
    const out = tmp.path(`${bug}-small.tfcap`);
    const r = minimizeCapture(path, { kind: 'diverges' }, out, { linkCauses: (w) => new CausalLinker(w) });
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value;
    expect(m.predicate).toEqual({ kind: 'diverges', at: 'frame.present' });
    expect(m.callsBefore).toBe(421);
    expect(m.callsAfter).toBeLessThanOrEqual(Math.floor(m.callsBefore / 10));
    expect(m.kept.length).toBe(m.callsAfter);
    // Nothing used before it is created: the creators come first.
    const names = m.kept.map((k) => k.name);
    expect(names.indexOf('vkCreateDevice')).toBeLessThan(names.indexOf('vkQueueSubmit2'));
    expect(names.at(-1)).toBe('vkQueuePresentKHR');

    const small = openCapture(out);
    if (!small.ok) throw new Error(small.error.message);
    try {
      expect(small.value.meta()).toMatchObject({ state: 'complete', app: 'vkcube', injectedBugs: [bug] });
      // A valid capture: it replays at both levels with no divergence.
      for (const level of ['api', 'ioctl'] as const) {
        const again = replayCapture(small.value, { level });
        if (!again.ok) throw new Error(again.error.message);
        expect(again.value.diverged, `${level} replay of the minimised capture`).toBe(false);
      }
      // And it still reproduces: on a clean stack, the first presented frame differs.
      const clean = replayCapture(small.value, { level: 'api', inject: [] });
      if (!clean.ok) throw new Error(clean.error.message);
      expect(clean.value.diverged).toBe(true);
      expect(clean.value.divergences[0]).toMatchObject({ layer: 'api', kind: 'frame.present' });
    } finally {
      small.value.close();
    }
  }, 60_000);
});
