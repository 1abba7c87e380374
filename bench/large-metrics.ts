/**
 * Large-capture memory (issue: reliability): a 10,000,000-event stress capture
 * recorded, replayed, exported and diffed, each by the `tracefold` command a user
 * would run, in a fresh process whose peak RSS is the figure (bench/cli-child.ts).
 *
 * The input: the stress app with 230,000 submissions (seed 1), recorded clean and
 * with `dma-drop-partial-page` injected (the same pair diff-metrics.ts uses at 1M),
 * both at once in two processes, once per bench process, into a temporary folder —
 * or into TRACEFOLD_BENCH_10M_DIR, where finished captures are kept and reused by
 * later runs (each recording takes minutes).
 * - record_10m_peak_rss_mb: the larger peak of the two recordings;
 * - replay_10m_peak_rss_mb: `tracefold replay CLEAN` (ioctl level, strict: no divergence);
 * - export_10m_peak_rss_mb: `tracefold export CLEAN` to a Perfetto trace;
 * - diff_10m_peak_rss_mb: `tracefold diff CLEAN BUGGY` (they differ: exit 1).
 * Each runs once (Metric.runs): one replay alone takes minutes. Compare with the
 * 1M figures (export_peak_rss_mb, diff_1m_peak_rss_mb) for how memory grows.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Metric } from './harness';

const TARGET_EVENTS = 10_000_000;
/** Stress emits ~44 events per submission (1,012,169 events for 23,000). */
const SUBMISSIONS = 230_000;

interface CliResult {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly exitCode: number;
}

let workDir: string | undefined;
let results = 0;

function dir(): string {
  if (workDir) return workDir;
  const kept = process.env.TRACEFOLD_BENCH_10M_DIR;
  if (kept) {
    mkdirSync(kept, { recursive: true });
    workDir = kept;
  } else {
    const tmp = mkdtempSync(join(tmpdir(), 'tracefold-bench-10m-'));
    process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
    workDir = tmp;
  }
  return workDir;
}

/** Runs `tracefold ARGS` in a fresh process; rejects unless it exits with one of `okCodes`. */
function tracefold(args: readonly string[], okCodes: readonly number[] = [0]): Promise<CliResult> {
  const resultFile = join(dir(), `result-${process.pid}-${++results}.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli-child.ts'), resultFile, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => void (stderr = (stderr + s).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const r = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as CliResult) : undefined;
      rmSync(resultFile, { force: true });
      if (r && okCodes.includes(r.exitCode)) resolve(r);
      else reject(new Error(`tracefold ${args.join(' ')} exited ${r?.exitCode ?? child.exitCode}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

/** A finished capture's event count, or undefined when the file is missing or unfinished. */
function finishedEvents(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true });
  try {
    const m = db.prepare('SELECT state, event_count FROM meta').get() as { state: string; event_count: number | null } | undefined;
    return m?.state === 'complete' && m.event_count !== null ? m.event_count : undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

interface LargePair {
  readonly clean: string;
  readonly buggy: string;
  /** Peak RSS of the larger recording; undefined when both captures were reused. */
  readonly recordPeakRssMb: number | undefined;
}

let pair: Promise<LargePair> | undefined;

function largePair(): Promise<LargePair> {
  pair ??= (async () => {
    const record = async (name: string, inject: readonly string[]): Promise<{ path: string; rss: number | undefined }> => {
      const path = join(dir(), name);
      if (finishedEvents(path) === undefined) {
        // With a bug injected the app's own checks fail (exit 1): expected, the capture is complete.
        const args = ['record', 'stress', '--work', String(SUBMISSIONS), '--seed', '1', ...(inject.length ? ['--inject', ...inject] : []), '-o', path, '--force'];
        const r = await tracefold(args, inject.length ? [0, 1] : [0]);
        const events = finishedEvents(path);
        if (events === undefined || events < TARGET_EVENTS) throw new Error(`${path}: ${events ?? 'no'} events, want ≥ ${TARGET_EVENTS}`);
        return { path, rss: r.maxRssMb };
      }
      return { path, rss: undefined };
    };
    const [clean, buggy] = await Promise.all([record('stress-10m-clean.tfcap', []), record('stress-10m-buggy.tfcap', ['dma-drop-partial-page'])]);
    const rss = [clean.rss, buggy.rss].filter((x): x is number => x !== undefined);
    return { clean: clean.path, buggy: buggy.path, recordPeakRssMb: rss.length ? Math.max(...rss) : undefined };
  })();
  return pair;
}

export const record10mPeakRssMb: Metric = {
  name: 'record_10m_peak_rss_mb',
  unit: 'MB',
  runs: 1,
  doc: `peak RSS of \`tracefold record stress --work ${SUBMISSIONS}\` (10M events; the larger of clean and dma-drop-partial-page)`,
  async run() {
    const p = await largePair();
    if (p.recordPeakRssMb === undefined) throw new Error(`both captures were reused from ${dir()}: remove them to measure the recording`);
    return p.recordPeakRssMb;
  },
};

export const replay10mPeakRssMb: Metric = {
  name: 'replay_10m_peak_rss_mb',
  unit: 'MB',
  runs: 1,
  doc: '`tracefold replay` of the clean 10M-event capture (ioctl level, strict, no divergence)',
  run: async () => (await tracefold(['replay', (await largePair()).clean])).maxRssMb,
};

export const export10mPeakRssMb: Metric = {
  name: 'export_10m_peak_rss_mb',
  unit: 'MB',
  runs: 1,
  doc: '`tracefold export` of the clean 10M-event capture to a Perfetto trace',
  async run() {
    const out = join(dir(), 'export-10m.perfetto-trace');
    try {
      return (await tracefold(['export', (await largePair()).clean, '-o', out])).maxRssMb;
    } finally {
      rmSync(out, { force: true });
    }
  },
};

export const diff10mPeakRssMb: Metric = {
  name: 'diff_10m_peak_rss_mb',
  unit: 'MB',
  runs: 1,
  doc: '`tracefold diff` of the clean and dma-drop-partial-page 10M-event captures',
  async run() {
    const p = await largePair();
    return (await tracefold(['diff', p.clean, p.buggy], [1])).maxRssMb;
  },
};
