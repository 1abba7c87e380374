/**
 * Two recordings of the same work diff as identical: every sample app recorded twice
 * with the same seed, and — where the app's work does not depend on the seed —
 * with different seeds, whose only engine effect is a jitter of job durations
 * (hence timestamps and wait deadlines). Apps that draw their data from the seeded
 * Rng (compute, multiqueue, sharing, streaming) do different work with another seed:
 * the diff then shows that data and nothing of the kernel's behaviour.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { APPS } from '../../engine/apps/catalogue';
import { diffCaptures, type DiffReport } from '../../replayer/diff/diff-captures';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

function diff(a: string, b: string): DiffReport {
  const r = diffCaptures(a, b);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Apps whose work is the same whatever the seed. */
const SEED_FREE = ['triangle', 'vkcube', 'isolation'];
/** Apps whose data comes from the seeded Rng, single-threaded: their kernel traffic is the same. */
const SEEDED_DATA = ['compute', 'multiqueue', 'sharing', 'streaming'];
/** Fields that carry the app's data (or what the GPU computed from it). */
const DATA_FIELDS = new Set(['mem.write:bytes', 'mem.read:hash', 'mem.read:offsetBytes', 'mem.read:lengthBytes', 'hw.job:writeHash', 'hw.job:work', 'frame.present:rgba', 'api.call:args[]']);

describe('diff of two recordings of the same work', () => {
  it('covers every sample app', () => {
    expect([...SEED_FREE, ...SEEDED_DATA, 'stress'].sort()).toEqual(APPS.map((a) => a.name).sort());
  });

  it.each(APPS.map((a) => a.name))('%s: same seed → identical', (app) => {
    const a = recordSmall(app, tmp.path(`${app}-same-a.tfcap`), { seed: 3 });
    const b = recordSmall(app, tmp.path(`${app}-same-b.tfcap`), { seed: 3 });
    const d = diff(a, b);
    expect(d.identical).toBe(true);
    expect(d.summary).toEqual([]);
    expect(d.firstDivergence).toBeNull();
    expect(d.matched).toBe(d.a.events);
    expect(d.matched).toBe(d.b.events);
    expect(d.memory).toEqual([]);
    expect(d.frames.every((f) => f.differingPixels === 0)).toBe(true);
    for (const t of d.timing) expect(t.totalDurNsB).toBe(t.totalDurNsA);
  });

  it.each(SEED_FREE)('%s: different seeds → identical, timing reported apart', (app) => {
    const a = recordSmall(app, tmp.path(`${app}-seed-a.tfcap`), { seed: 3 });
    const b = recordSmall(app, tmp.path(`${app}-seed-b.tfcap`), { seed: 4 });
    const d = diff(a, b);
    expect(d.identical).toBe(true);
    expect(d.summary).toEqual([]);
    expect(d.matched).toBe(d.a.events);
    expect(d.frames.length).toBe(app === 'isolation' ? 0 : 2);
    for (const f of d.frames) expect({ differing: f.differingPixels, total: f.totalPixels }).toEqual({ differing: 0, total: 32 * 32 });
    // The seed's jitter is there, in the timing section only.
    expect(d.timing.length).toBeGreaterThan(0);
    expect(d.timing.some((t) => t.totalDurNsA !== t.totalDurNsB)).toBe(true);
    for (const t of d.timing) expect(t.jobsB).toBe(t.jobsA);
  });

  it.each(SEEDED_DATA)('%s: different seeds → only the app\'s data differs, no kernel event', (app) => {
    const a = recordSmall(app, tmp.path(`${app}-data-a.tfcap`), { seed: 3 });
    const b = recordSmall(app, tmp.path(`${app}-data-b.tfcap`), { seed: 4 });
    const d = diff(a, b);
    expect(d.identical).toBe(false);
    expect(d.summary.filter((s) => s.layer === 'kmd')).toEqual([]);
    expect(d.summary.find((s) => s.kind === 'mem.write')?.changed).toBeGreaterThan(0);
    const fields = new Set(d.changes.flatMap((c) => c.fields.map((f) => `${c.kind}:${f.path.replace(/\[\d+\]/g, '[]')}`)));
    for (const f of fields) expect(DATA_FIELDS.has(f), f).toBe(true);
    expect(d.moreChanges).toBe(0);
  });
});
