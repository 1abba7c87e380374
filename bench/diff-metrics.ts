/**
 * Diff and bisect on two 1,000,000-event captures: the stress app (23,000
 * submissions, seed 1) recorded clean and with `dma-drop-partial-page` injected —
 * similar captures whose every small copy differs (~23k changed hw.job events, the
 * read-backs and BO bytes they spoil), recorded once per bench process into a
 * temporary folder. Each measurement runs in a fresh child process (diff-child.ts).
 * - diff_1m_s: `diffCaptures(clean, buggy)` wall time, report included (target ≤ 5 s);
 * - diff_1m_peak_rss_mb: that process's peak resident set (target ≤ 1024 MB);
 * - bisect_1m_s: `bisectCaptures(clean, buggy)` wall time (target ≤ 10 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appByName } from '../engine/apps/catalogue';
import { recordApp } from '../recorder/record-session';
import type { Metric } from './harness';

const TARGET_EVENTS = 1_000_000;
/** Stress emits ~44 events per submission (88,169 events for 2,000). */
const SUBMISSIONS = 23_000;

let pair: { dir: string; clean: string; buggy: string } | undefined;

function capturePair(): { clean: string; buggy: string } {
  if (pair) return pair;
  const dir = mkdtempSync(join(tmpdir(), 'tracefold-bench-diff-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const record = (name: string, inject: readonly string[]): string => {
    const path = join(dir, name);
    const r = recordApp(appByName('stress')!, { size: SUBMISSIONS, seed: 1, inject }, path, { engineVersion: 'bench' });
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.events < TARGET_EVENTS) throw new Error(`stress capture has ${r.value.events} events, want ≥ ${TARGET_EVENTS}`);
    return path;
  };
  pair = { dir, clean: record('clean.tfcap', []), buggy: record('buggy.tfcap', ['dma-drop-partial-page']) };
  return pair;
}

function child(what: 'diff' | 'bisect'): { seconds: number; maxRssMb: number } {
  const p = capturePair();
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'diff-child.ts'), what, p.clean, p.buggy], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; maxRssMb: number };
}

export const diff1mS: Metric = {
  name: 'diff_1m_s',
  unit: 's',
  target: { max: 5 },
  doc: 'diffCaptures on two 1M-event stress captures (clean vs dma-drop-partial-page), child process',
  run: () => child('diff').seconds,
};

export const diff1mPeakRssMb: Metric = {
  name: 'diff_1m_peak_rss_mb',
  unit: 'MB',
  target: { max: 1024 },
  doc: 'peak RSS of the diffing process, same diff',
  run: () => child('diff').maxRssMb,
};

export const bisect1mS: Metric = {
  name: 'bisect_1m_s',
  unit: 's',
  target: { max: 10 },
  doc: 'bisectCaptures on the same two 1M-event captures, child process',
  run: () => child('bisect').seconds,
};
