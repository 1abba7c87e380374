/**
 * API metrics on the 1,000,000-event stress capture shared with export-metrics.ts
 * (recorded once per bench process), through the app in-process (`app.request`: the
 * route, validation and JSON encoding are in the figure; the socket is not):
 * - timeline_index_build_s: one build of the capture's timeline index as the server
 *   does it (api/capture-cache.ts: in a worker thread), the one-off cost a capture pays
 *   on its first timeline request;
 * - timeline_query_ms_median: GET …/timeline at widthPx 1600 for QUERIES random windows
 *   (log-uniform widths from 1 µs to the whole capture, uniform starts; seeded), median
 *   latency; target ≤ 50 ms;
 * - timeline_query_full_ms: the same for the whole capture and its middle tenth (the
 *   windows holding the most slices), median latency; target ≤ 50 ms;
 * - event_page_ms_median: GET …/events (limit 200) at QUERIES random cursors, alternating
 *   no filter and a kind filter, median latency; target ≤ 20 ms.
 */
import path from 'node:path';
import { createApp } from '../api/app';
import type { TrackList } from '../api/contract';
import { CaptureCache } from '../api/capture-cache';
import { Rng } from '../engine/base/rng';
import { openCapture } from '../recorder/capture/reader';
import { bigCapture } from './export-metrics';
import type { Metric } from './harness';

const QUERIES = 60;
const WIDTH_PX = 1600;

let served: { app: ReturnType<typeof createApp>; base: string; tracks: TrackList; events: number } | undefined;

/** The app over the big capture's folder, its timeline index already built. */
async function api(): Promise<NonNullable<typeof served>> {
  if (served) return served;
  const file = bigCapture();
  const app = createApp({ captureDir: path.dirname(file) });
  const base = `/api/captures/${path.basename(file)}`;
  const res = await app.request(`${base}/tracks`);
  if (res.status !== 200) throw new Error(`tracks: ${res.status} ${await res.text()}`);
  const tracks = (await res.json()) as TrackList;
  const r = openCapture(file);
  if (!r.ok) throw new Error(r.error.message);
  const events = r.value.summary().events;
  r.value.close();
  served = { app, base, tracks, events };
  return served;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed(app: ReturnType<typeof createApp>, url: string): Promise<number> {
  const t0 = performance.now();
  const res = await app.request(url);
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
  return ms;
}

export const timelineIndexBuildS: Metric = {
  name: 'timeline_index_build_s',
  unit: 's',
  doc: 'api/capture-cache.ts: one build of the timeline index of the 1M-event stress capture, as the server does it (worker thread, arrays transferred)',
  async run() {
    const file = bigCapture();
    const cache = new CaptureCache(path.dirname(file));
    try {
      const t0 = performance.now();
      const built = await cache.timeline(path.basename(file));
      const s = (performance.now() - t0) / 1e3;
      if (!built.ok) throw new Error(built.failure.error);
      return s;
    } finally {
      cache.closeAll();
    }
  },
};

let timelineRound = 0;
export const timelineQueryMsMedian: Metric = {
  name: 'timeline_query_ms_median',
  unit: 'ms',
  target: { max: 50 },
  doc: `GET /timeline on the 1M-event capture, ${QUERIES} random windows at widthPx ${WIDTH_PX}, median latency (in-process)`,
  async run() {
    const { app, base, tracks } = await api();
    const rng = new Rng(100 + timelineRound++);
    const span = tracks.endNs - tracks.startNs;
    const ms: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const width = Math.max(1000, Math.round(1000 * (span / 1000) ** (rng.below(1_000_001) / 1_000_000)));
      const start = tracks.startNs + rng.below(Math.max(1, span - width + 1));
      ms.push(await timed(app, `${base}/timeline?startNs=${start}&endNs=${start + width}&widthPx=${WIDTH_PX}`));
    }
    return median(ms);
  },
};

export const timelineQueryFullMs: Metric = {
  name: 'timeline_query_full_ms',
  unit: 'ms',
  target: { max: 50 },
  doc: `GET /timeline on the 1M-event capture for the whole capture and for its middle tenth at widthPx ${WIDTH_PX} (the zoomed-out cases, where merging does the most work), median of 10 each`,
  async run() {
    const { app, base, tracks } = await api();
    const span = tracks.endNs - tracks.startNs;
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      ms.push(await timed(app, `${base}/timeline?startNs=${tracks.startNs}&endNs=${tracks.endNs}&widthPx=${WIDTH_PX}`));
      const a = tracks.startNs + Math.floor(span * 0.45);
      ms.push(await timed(app, `${base}/timeline?startNs=${a}&endNs=${a + Math.floor(span / 10)}&widthPx=${WIDTH_PX}`));
    }
    return median(ms);
  },
};

let pageRound = 0;
export const eventPageMsMedian: Metric = {
  name: 'event_page_ms_median',
  unit: 'ms',
  target: { max: 20 },
  doc: `GET /events (limit 200) on the 1M-event capture at ${QUERIES} random cursors, unfiltered and by kind alternately, median latency (in-process)`,
  async run() {
    const { app, base, events } = await api();
    const rng = new Rng(200 + pageRound++);
    const ms: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const cursor = 1 + rng.below(events);
      ms.push(await timed(app, `${base}/events?cursor=${cursor}&limit=200${i % 2 ? '&kind=kmd.ioctl' : ''}`));
    }
    return median(ms);
  },
};
