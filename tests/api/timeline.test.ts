/**
 * /tracks, /timeline and /flows against the Perfetto-shaped SQL tables built from the
 * same projection (recorder/timeline/perfetto-tables.ts): every slice is in a window
 * exactly once (as itself or inside a merged run), real slices carry the table's
 * track, time, duration and depth, a zoomed-out window stays within its pixel budget,
 * and the flows through a job are the `flow` table's links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowChain, TimelineWindow, TrackList } from '../../api/contract';
import { ensurePerfettoTables } from '../../recorder/timeline/perfetto-tables';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
const base = '/api/captures/vkcube.tfcap';
let rows: (sql: string, params?: unknown[]) => unknown[][];

beforeAll(() => {
  f = apiFixture(['vkcube']);
  const reader = f.reader('vkcube.tfcap');
  if (!ensurePerfettoTables(reader).ok) throw new Error('perfetto tables');
  rows = (sql, params = []) => {
    const r = reader.query(sql, params);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.rows as unknown[][];
  };
});
afterAll(() => f.remove());

describe('tracks', () => {
  it('lists every track of the projection, parents before children, with slice depths', async () => {
    const t = await f.json<TrackList>(`${base}/tracks`);
    expect(t.tracks.length).toBe(Number(rows('SELECT count(*) FROM track')[0]![0]));
    const seen = new Set<number>();
    for (const tr of t.tracks) {
      if (tr.parentId !== null) expect(seen.has(tr.parentId), `${tr.name} after its parent`).toBe(true);
      seen.add(tr.id);
      if (tr.kind === 'slices') {
        const depth = Number(rows('SELECT coalesce(max(depth), 0) FROM slice WHERE track_id = ?', [tr.id])[0]![0]);
        expect(tr.maxDepth, tr.name).toBe(Math.max(1, depth + 1));
      }
    }
    expect(t.tracks[0]).toMatchObject({ kind: 'process', name: expect.stringMatching(/^vkcube pid \d+$/) });
    expect(t.endNs).toBeGreaterThan(t.startNs);
  });
});

describe('timeline windows', () => {
  it('at fine resolution, real slices match the slice table and every slice is counted once', async () => {
    const t = await f.json<TrackList>(`${base}/tracks`);
    const w = await f.json<TimelineWindow>(`${base}/timeline?startNs=${t.startNs}&endNs=${t.endNs}&widthPx=16384`);
    const total = Number(rows('SELECT count(*) FROM slice')[0]![0]);
    expect(w.slices.reduce((n, s) => n + s.count, 0)).toBe(total);
    const real = w.slices.filter((s) => s.count === 1);
    expect(real.length).toBeGreaterThan(total / 2);
    for (const s of real.slice(0, 300)) {
      const match = rows('SELECT track_id, ts, dur, depth, name, category FROM slice WHERE seq = ? AND ts = ? AND track_id = ?', [s.seq, s.tsNs, s.trackId]);
      expect(match, `slice of seq ${s.seq}`).toEqual([[s.trackId, s.tsNs, s.durNs, s.depth, s.name, s.category]]);
    }
    expect(w.counters.length).toBeGreaterThan(0);
    expect(w.nsPerPx).toBeCloseTo((t.endNs - t.startNs) / 16384);
  });

  it('zoomed out, the answer stays within two items per lane per pixel and still counts every slice', async () => {
    const t = await f.json<TrackList>(`${base}/tracks`);
    const width = 40;
    const w = await f.json<TimelineWindow>(`${base}/timeline?startNs=${t.startNs}&endNs=${t.endNs}&widthPx=${width}`);
    const lanes = t.tracks.reduce((n, tr) => n + tr.maxDepth, 0);
    expect(w.slices.length).toBeLessThanOrEqual(lanes * width * 2);
    expect(w.slices.some((s) => s.count > 1 && s.seq === null)).toBe(true);
    expect(w.slices.reduce((n, s) => n + s.count, 0)).toBe(Number(rows('SELECT count(*) FROM slice')[0]![0]));
  });

  it('a window in the middle holds what overlaps it, and a track filter keeps only those tracks', async () => {
    const t = await f.json<TrackList>(`${base}/tracks`);
    const a = Math.floor(t.startNs + (t.endNs - t.startNs) * 0.4);
    const b = Math.floor(t.startNs + (t.endNs - t.startNs) * 0.6);
    const w = await f.json<TimelineWindow>(`${base}/timeline?startNs=${a}&endNs=${b}&widthPx=16384`);
    const expected = Number(rows('SELECT count(*) FROM slice WHERE ts <= ? AND ts + dur >= ?', [b, a])[0]![0]);
    expect(w.slices.reduce((n, s) => n + s.count, 0)).toBe(expected);
    const ioctlTracks = t.tracks.filter((tr) => tr.name === 'ioctls').map((tr) => tr.id);
    const only = await f.json<TimelineWindow>(`${base}/timeline?startNs=${a}&endNs=${b}&widthPx=800&tracks=${ioctlTracks.join(',')}`);
    expect(only.slices.length).toBeGreaterThan(0);
    for (const s of only.slices) expect(ioctlTracks).toContain(s.trackId);
    expect(only.counters).toEqual([]);
  });

  it('refuses bad windows with a reason', async () => {
    await f.expectError(`${base}/timeline?startNs=10&endNs=10&widthPx=100`, 400, /'endNs'.*after 'startNs'/);
    await f.expectError(`${base}/timeline?startNs=0&endNs=100`, 400, /'widthPx'/);
    await f.expectError(`${base}/timeline?startNs=0&endNs=100&widthPx=0`, 400, /'widthPx'.*≥ 1/);
    await f.expectError(`${base}/timeline?startNs=0&endNs=100&widthPx=100000`, 400, /'widthPx'.*≤ 16384/);
    await f.expectError(`${base}/timeline?startNs=-5&endNs=100&widthPx=10`, 400, /'startNs'/);
    await f.expectError(`${base}/timeline?startNs=0&endNs=100&widthPx=10&tracks=1,x`, 400, /'tracks'/);
    await f.expectError(`${base}/timeline?startNs=0&endNs=100&widthPx=10&tracks=99999`, 400, /no track 99999/);
    await f.expectError('/api/captures/missing.tfcap/timeline?startNs=0&endNs=100&widthPx=10', 404, /no capture/);
    await f.expectError('/api/captures/missing.tfcap/tracks', 404, /no capture/);
  });
});

describe('flows', () => {
  it('the chain through a job is the flow table\'s links, in time order', async () => {
    const [[seq]] = rows(`SELECT s.seq FROM flow JOIN slice s ON s.id = flow.slice_in ORDER BY s.ts LIMIT 1`) as [[number]];
    const chain = await f.json<FlowChain>(`${base}/flows?seq=${seq}`);
    expect(chain.links.length).toBeGreaterThan(0);
    const expected = rows(
      `SELECT o.seq, i.seq FROM flow JOIN slice o ON o.id = flow.slice_out JOIN slice i ON i.id = flow.slice_in
       WHERE flow.trace_id IN (SELECT trace_id FROM flow JOIN slice s ON s.id IN (flow.slice_in, flow.slice_out) WHERE s.seq = ?)`, [seq]);
    expect(chain.links.map((l) => [l.from.seq, l.to.seq]).sort()).toEqual(expected.sort());
    for (const l of chain.links) expect(l.to.tsNs).toBeGreaterThanOrEqual(l.from.tsNs);
  });

  it('an event on no chain has no links; bad or missing seqs are refused', async () => {
    const [[mmio]] = rows(`SELECT seq FROM events WHERE kind = 'hw.mmio' LIMIT 1`) as [[number]];
    expect(await f.json<FlowChain>(`${base}/flows?seq=${mmio}`)).toEqual({ links: [] });
    await f.expectError(`${base}/flows`, 400, /'seq'/);
    await f.expectError(`${base}/flows?seq=99999999`, 404, /no event 99999999/);
  });
});

describe('building the index', () => {
  it('happens in a worker: other requests are answered meanwhile, and concurrent requests get the same index', async () => {
    const g = apiFixture(['compute']);
    try {
      const order: string[] = [];
      const tracks = [1, 2].map(() => g.json<TrackList>('/api/captures/compute.tfcap/tracks').then((t) => (order.push('tracks'), t)));
      await g.json('/api/captures/compute.tfcap/events?limit=5');
      order.push('events');
      const [a, b] = await Promise.all(tracks);
      expect(order).toEqual(['events', 'tracks', 'tracks']);
      expect(b).toEqual(a);
      expect(a!.tracks.length).toBeGreaterThan(0);
    } finally {
      g.remove();
    }
  });
});
