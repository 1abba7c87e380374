/**
 * Every catalogued bug shows in a built-in app: run the app clean and with the bug
 * injected, same seed and options; the clean run passes every check with no error,
 * the injected one differs in what the app produces — a failed check, an error, or
 * different presented frames. This is what lets a clean capture, replayed with a bug
 * injected, diverge for every entry of the catalogue.
 *
 * The table names the app (a built-in, looked up by name) and the options; options
 * are the app's defaults unless a smaller run shows the same thing faster.
 */
import { describe, expect, it } from 'vitest';
import type { AppOptions } from '../../engine/apps/app';
import { appByName } from '../../engine/apps/catalogue';
import { BUGS } from '../../engine/bugs';
import { runApp, type RunResult } from '../../engine/session';

interface Row {
  readonly app: string;
  readonly options?: Partial<AppOptions>;
}

const MATRIX: Readonly<Record<string, Row>> = {
  'missing-barrier': { app: 'multiqueue' },
  'wrong-vertex-stride': { app: 'triangle' },
  'missing-flush': { app: 'triangle' },
  'early-signal': { app: 'triangle' },
  'unmap-stale-tlb': { app: 'isolation' },
  'bind-one-page-short': { app: 'triangle' },
  'sched-ignore-wait': { app: 'streaming' },
  'timeline-out-of-order': { app: 'streaming' },
  'dma-drop-partial-page': { app: 'stress', options: { size: 64 } },
};

const SEED = 1;

function failed(r: RunResult): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => c.name);
}

function framesDiffer(a: RunResult, b: RunResult): boolean {
  if (a.frames.length !== b.frames.length) return true;
  return a.frames.some((f, i) => !Buffer.from(f.rgba).equals(Buffer.from(b.frames[i]!.rgba)));
}

describe('every bug is visible in a built-in app', () => {
  it('the table has exactly one row per catalogued bug, each naming a built-in app', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(BUGS.map((b) => b.name).sort());
    for (const [bug, row] of Object.entries(MATRIX)) expect(appByName(row.app), `${bug}: app ${row.app}`).toBeDefined();
  });

  it.each(BUGS.map((b) => [b.name, MATRIX[b.name]?.app ?? '?'] as const))('%s shows in %s', (bug, appName) => {
    const app = appByName(appName)!;
    const options = { seed: SEED, ...MATRIX[bug]!.options };
    const clean = runApp(app, options);
    expect(clean.error, `${appName} clean`).toBeUndefined();
    expect(clean.checks.length + clean.frames.length, `${appName} clean: checks or frames`).toBeGreaterThan(0);
    for (const c of clean.checks) expect(c.ok, `${appName} clean: ${c.name}: ${c.detail}`).toBe(true);

    const injected = runApp(app, { ...options, inject: [bug] });
    const visible = failed(injected).length > 0 || injected.error !== undefined || framesDiffer(clean, injected);
    expect(visible, `${appName} with ${bug}: checks ${JSON.stringify(injected.checks)}, error ${injected.error}`).toBe(true);
  });
});
