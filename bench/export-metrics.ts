/**
 * Export metrics on a 1,000,000-event capture (the stress app, 23k submissions,
 * recorded once per bench process into a temporary folder):
 * - export_events_per_s: events exported to a Perfetto trace per second;
 * - export_mb_per_s: trace bytes written per second;
 * - export_peak_rss_mb: the exporting process's peak resident set (a fresh child
 *   process, so it is the export's own; target ≤ 300 MB: the export streams).
 * - raw_scan_events_per_s: every event row of the same capture read (the columns the
 *   export reads) and its args JSON parsed, on one thread, nothing else — the floor
 *   of reading this format here. An export does that and projects and encodes each
 *   event; with the reading on one core and the rest on the other it cannot pass
 *   this rate, and on two cores in all it stays below 2 ÷ (1 / this rate + the
 *   projection and encoding's seconds per event).
 */
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appByName } from '../engine/apps/catalogue';
import { recordApp } from '../recorder/record-session';
import type { Metric } from './harness';

const TARGET_EVENTS = 1_000_000;
/** Stress emits ~44 events per submission (measured: 176,169 events for 4,000). */
const SUBMISSIONS = 23_000;

let dir: string | undefined;
let capture: string | undefined;

/** The 1M-event stress capture, recorded once per bench process (shared with api-metrics.ts). */
export function bigCapture(): string {
  if (capture) return capture;
  dir = mkdtempSync(join(tmpdir(), 'tracefold-bench-export-'));
  process.on('exit', () => rmSync(dir!, { recursive: true, force: true }));
  capture = join(dir, 'stress-1m.tfcap');
  const r = recordApp(appByName('stress')!, { size: SUBMISSIONS, seed: 1 }, capture, { engineVersion: 'bench' });
  if (!r.ok) throw new Error(r.error.message);
  if (r.value.events < TARGET_EVENTS) throw new Error(`stress capture has ${r.value.events} events, want ≥ ${TARGET_EVENTS}`);
  return capture;
}

interface ChildResult {
  readonly seconds: number;
  readonly events: number;
  readonly bytes: number;
  readonly maxRssMb: number;
}

function exportOnce(): ChildResult {
  const c = bigCapture();
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'export-child.ts'), c, join(dir!, 'out.perfetto-trace')], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

export const exportEventsPerS: Metric = {
  name: 'export_events_per_s',
  unit: 'events/s',
  target: { min: 1_000_000 },
  doc: 'a 1M-event stress capture exported to a Perfetto trace file (child process)',
  run: () => {
    const r = exportOnce();
    return r.events / r.seconds;
  },
};

export const exportMbPerS: Metric = {
  name: 'export_mb_per_s',
  unit: 'MB/s',
  doc: 'trace bytes written per second, same export',
  run: () => {
    const r = exportOnce();
    return r.bytes / 1e6 / r.seconds;
  },
};

export const exportPeakRssMb: Metric = {
  name: 'export_peak_rss_mb',
  unit: 'MB',
  target: { max: 300 },
  doc: 'peak RSS of the exporting process, same export',
  run: () => exportOnce().maxRssMb,
};

export const rawScanEventsPerS: Metric = {
  name: 'raw_scan_events_per_s',
  unit: 'events/s',
  doc: 'the 1M-event capture: every event row read and its args parsed, one thread, nothing else',
  run: () => {
    const db = new Database(bigCapture(), { readonly: true });
    try {
      const t0 = performance.now();
      let events = 0;
      for (const row of db.prepare('SELECT seq, ts_ns, kind_id, object_id, cause_seq, args FROM event_rows').raw().iterate() as Iterable<unknown[]>) {
        if (JSON.parse(row[5] as string) !== null) events++;
      }
      return events / ((performance.now() - t0) / 1e3);
    } finally {
      db.close();
    }
  },
};
