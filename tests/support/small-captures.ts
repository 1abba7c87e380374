/**
 * Small captures of the catalogued apps for replay tests: two frames at 32×32 (one
 * iteration for compute), a short two-thread stress run — enough to exercise every
 * app's path through the kernel in well under a second each.
 *
 * Example: recordSmall('vkcube', tmp.path('vkcube.tfcap')) → the capture's path.
 */
import { appByName } from '../../engine/apps/catalogue';
import { recordApp, type RecordOptions } from '../../recorder/record-session';

const SMALL: Readonly<Record<string, RecordOptions>> = {
  compute: { frames: 1 },
  stress: { size: 40, threads: 2 },
  streaming: { frames: 2, size: 64 },
};

export function recordSmall(name: string, path: string, extra: RecordOptions = {}): string {
  const app = appByName(name);
  if (!app) throw new Error(`no app ${name}`);
  const r = recordApp(app, { frames: 2, width: 32, height: 32, seed: 3, ...SMALL[name], ...extra }, path, { engineVersion: 'test', overwrite: true });
  if (!r.ok) throw new Error(r.error.message);
  if (r.value.state !== 'complete') throw new Error(`${name}: ${r.value.error}`);
  return path;
}
