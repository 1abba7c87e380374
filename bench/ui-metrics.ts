/**
 * first_paint_ms (issue: web UI): from navigation to the first timeline paint with
 * slices, in headless chromium, on the 1,000,000-event stress capture shared with
 * export-metrics.ts. A real `tracefold serve` (in this process, port 0) over the
 * capture's folder; a fresh browser profile per run (cold browser cache). The server's
 * timeline index is built once before the runs: that one-off cost per capture is
 * timeline_index_build_s, not part of this figure. The time is the page's own clock
 * (`performance.now()` at the first draw, origin = navigation start), read from the
 * canvas's `data-first-paint-ms`.
 */
import path from 'node:path';
import { startServer, type RunningServer } from '../cli/serve';
import { launch } from '../tests/support/browser';
import { bigCapture } from './export-metrics';
import type { Metric } from './harness';

let server: { running: RunningServer; id: string } | undefined;

async function served(): Promise<{ running: RunningServer; id: string }> {
  if (server) return server;
  const file = bigCapture();
  const quiet = { out: () => {}, err: () => {} };
  const running = await startServer({ dir: path.dirname(file), port: '0', demo: false }, quiet);
  if ('error' in running) throw new Error(running.error);
  const id = path.basename(file);
  const res = await fetch(new URL(`/api/captures/${id}/tracks`, running.url));
  if (!res.ok) throw new Error(`tracks: ${res.status} ${await res.text()}`);
  server = { running, id };
  process.on('exit', () => void running.close());
  return server;
}

export const firstPaintMs: Metric = {
  name: 'first_paint_ms',
  unit: 'ms',
  target: { max: 1500 },
  doc: 'navigation → first timeline paint, headless chromium, 1M-event capture (index warm, browser cache cold)',
  async run() {
    const { running, id } = await served();
    const { context, page } = await launch();
    try {
      await page.goto(`${running.url}?view=capture&capture=${encodeURIComponent(id)}&tab=timeline`);
      const attr = await page.waitForFunction(
        `document.querySelector('[data-testid=timeline-canvas]')?.getAttribute('data-first-paint-ms')`, undefined, { timeout: 60_000 });
      const ms = Number(await attr.jsonValue());
      if (!Number.isFinite(ms) || ms <= 0) throw new Error(`no first paint time (got ${String(await attr.jsonValue())})`);
      return ms;
    } finally {
      await context.close();
    }
  },
};
