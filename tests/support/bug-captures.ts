/**
 * A clean and a buggy capture per catalogued driver bug, recorded from the app that
 * shows it (tests/bugs/apps-matrix.test.ts), same seed and options: the fixtures
 * diff and bisect are proven against.
 *
 * Example: recordBugPair('early-signal', tmp.path('x')) → { clean: 'x-clean.tfcap', bad: 'x-bad.tfcap' }
 */
import type { AppOptions } from '../../engine/apps/app';
import { appByName } from '../../engine/apps/catalogue';
import { recordApp } from '../../recorder/record-session';

export const BUG_APPS: Readonly<Record<string, { readonly app: string; readonly options: Partial<AppOptions> }>> = {
  'missing-barrier': { app: 'multiqueue', options: { frames: 3, width: 64, height: 64 } },
  'wrong-vertex-stride': { app: 'triangle', options: { frames: 1, width: 64, height: 64 } },
  'missing-flush': { app: 'triangle', options: { frames: 1, width: 64, height: 64 } },
  'early-signal': { app: 'triangle', options: { frames: 1, width: 64, height: 64 } },
  'unmap-stale-tlb': { app: 'isolation', options: {} },
  'bind-one-page-short': { app: 'triangle', options: { frames: 1, width: 64, height: 64 } },
  'sched-ignore-wait': { app: 'streaming', options: {} },
  'timeline-out-of-order': { app: 'streaming', options: {} },
  'dma-drop-partial-page': { app: 'stress', options: { size: 64 } },
};

export function recordBugPair(bug: string, stem: string, extra: { checkpointEveryEvents?: number } = {}): { clean: string; bad: string } {
  const row = BUG_APPS[bug];
  if (!row) throw new Error(`no row for ${bug}`);
  const app = appByName(row.app)!;
  const out = { clean: `${stem}-clean.tfcap`, bad: `${stem}-bad.tfcap` };
  for (const [path, inject] of [[out.clean, []], [out.bad, [bug]]] as const) {
    const r = recordApp(app, { seed: 1, ...row.options, inject }, path, { engineVersion: 'test', overwrite: true, ...extra });
    if (!r.ok) throw new Error(r.error.message);
  }
  return out;
}
