/**
 * Load on the API (issue: reliability): CLIENTS concurrent clients over loopback against a
 * real `tracefold serve` (in this process, port 0) on the 1,000,000-event stress capture
 * shared with export-metrics.ts, each issuing REQUESTS_PER_CLIENT requests back to back:
 * timeline windows (random position and width, 1600 px) and event pages (random cursor,
 * unfiltered or by kind) alternately, as several open UI tabs would. The timeline index
 * is built before the clock starts. Any non-200 answer fails the run.
 * - load_requests_per_s: requests answered ÷ wall time of the whole run;
 * - load_p99_ms: the 99th percentile of request latency in that run.
 * Each metric measures runs of its own (the harness takes medians per metric).
 */
import path from 'node:path';
import { startServer, type RunningServer } from '../cli/serve';
import type { TrackList } from '../api/contract';
import { Rng } from '../engine/base/rng';
import { bigCapture } from './export-metrics';
import type { Metric } from './harness';

const CLIENTS = 16;
const REQUESTS_PER_CLIENT = 60;

let server: { running: RunningServer; base: string; tracks: TrackList; events: number } | undefined;

async function served(): Promise<NonNullable<typeof server>> {
  if (server) return server;
  const file = bigCapture();
  const running = await startServer({ dir: path.dirname(file), port: '0', demo: false }, { out: () => {}, err: () => {} });
  if ('error' in running) throw new Error(running.error);
  process.on('exit', () => void running.close());
  const base = new URL(`/api/captures/${path.basename(file)}`, running.url).href;
  const tracks = (await (await fetch(`${base}/tracks`)).json()) as TrackList;
  const detail = (await (await fetch(base)).json()) as { events: number };
  server = { running, base, tracks, events: detail.events };
  return server;
}

interface LoadRun {
  readonly requestsPerS: number;
  readonly p99Ms: number;
}

let round = 0;
async function loadRun(): Promise<LoadRun> {
  const { base, tracks, events } = await served();
  const span = tracks.endNs - tracks.startNs;
  const latencies: number[] = [];
  const client = async (c: number): Promise<void> => {
    const rng = new Rng(1000 * round + c);
    for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
      let url: string;
      if (i % 2 === 0) {
        const width = Math.max(1000, Math.round(1000 * (span / 1000) ** (rng.below(1_000_001) / 1_000_000)));
        const start = tracks.startNs + rng.below(Math.max(1, span - width + 1));
        url = `${base}/timeline?startNs=${start}&endNs=${start + width}&widthPx=1600`;
      } else {
        url = `${base}/events?cursor=${1 + rng.below(events)}&limit=200${i % 4 === 1 ? '&kind=kmd.job_finished' : ''}`;
      }
      const t0 = performance.now();
      const res = await fetch(url);
      const body = await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
    }
  };
  round++;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const seconds = (performance.now() - t0) / 1e3;
  latencies.sort((a, b) => a - b);
  return { requestsPerS: latencies.length / seconds, p99Ms: latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! };
}

export const loadRequestsPerS: Metric = {
  name: 'load_requests_per_s',
  unit: 'req/s',
  doc: `${CLIENTS} concurrent loopback clients × ${REQUESTS_PER_CLIENT} timeline/event requests on the 1M-event capture (real server)`,
  run: async () => (await loadRun()).requestsPerS,
};

export const loadP99Ms: Metric = {
  name: 'load_p99_ms',
  unit: 'ms',
  doc: 'p99 request latency under the same load (a run of its own)',
  run: async () => (await loadRun()).p99Ms,
};
