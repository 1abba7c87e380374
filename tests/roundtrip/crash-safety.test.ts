/**
 * Crash safety with a real SIGKILL: a child records the stress app in small batches;
 * once it has reported a few committed batches it is killed with -9. The file must
 * open, say 'recording', and hold every reported batch, each event decoding to what
 * a MemorySink run of the same seed saw.
 */
import { existsSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { tempDir } from '../support/capture-files';
import { spawnFixture } from '../support/fixture-child';
import { openCapture } from '../../recorder/capture/reader';

const tmp = tempDir();
afterAll(() => tmp.remove());

function recordAndKill(path: string, afterCommits: number): Promise<{ lastReported: number; finished: boolean; signal: string | null }> {
  return new Promise((resolve, reject) => {
    let commits = 0;
    let lastReported = 0;
    let finished = false;
    const child = spawnFixture('record-stress-child.ts', [path], (line) => {
      const m = /^committed (\d+)$/.exec(line);
      if (m) {
        commits++;
        lastReported = Number(m[1]);
        if (commits === afterCommits) child.kill('SIGKILL');
      } else if (line === 'finished') finished = true;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal || code === 0 ? resolve({ lastReported, finished, signal }) : reject(new Error(`child exited ${code}: ${child.stderrText()}`))));
  });
}

it('a capture killed with SIGKILL opens as incomplete and keeps every committed batch', async () => {
  const path = tmp.path('killed.tfcap');
  const { lastReported, finished, signal } = await recordAndKill(path, 20);
  expect(signal).toBe('SIGKILL');
  expect(finished).toBe(false);
  expect(lastReported).toBeGreaterThanOrEqual(20 * 50);
  expect(existsSync(`${path}-wal`)).toBe(true); // the committed batches live in the WAL

  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  const meta = r.value.meta();
  expect(meta.state).toBe('recording');
  expect(meta.eventCount).toBeNull();
  const back = r.value.events();
  if (!back.ok) throw new Error(back.error.message);
  expect(back.value.length).toBeGreaterThanOrEqual(lastReported);
  expect(back.value.length % 50).toBe(0); // whole batches only

  const mem = new MemorySink();
  runApp(appByName('stress')!, { sink: mem, seed: 7 });
  expect(back.value.map((d) => d.event)).toEqual(mem.events.slice(0, back.value.length));
  r.value.close();
}, 60_000);
