/**
 * Real runs through the capture store: vkcube and sharing recorded with the writer
 * as the run's TraceSink read back event for event equal to a MemorySink run of the
 * same seed; recording the same app + seed twice gives the same table contents.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { openCapture } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';
import { tableContentHash, tempDir, testInfo } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

function record(app: string, file: string, seed: number): string {
  const path = tmp.path(file);
  const w = CaptureWriter.create(path, testInfo(app, seed), { batchRows: 64 });
  if (!w.ok) throw new Error(w.error.message);
  const run = runApp(appByName(app)!, { sink: w.value, seed });
  expect(run.error).toBeUndefined();
  const done = w.value.finish('complete');
  expect(done.ok).toBe(true);
  return path;
}

describe.each(['vkcube', 'sharing'])('%s recorded and read back', (app) => {
  const path = record(app, `${app}-a.tfcap`, 3);

  it('equals a MemorySink run of the same seed, event for event', () => {
    const mem = new MemorySink();
    runApp(appByName(app)!, { sink: mem, seed: 3 });
    const r = openCapture(path);
    if (!r.ok) throw new Error(r.error.message);
    const back = r.value.events();
    if (!back.ok) throw new Error(back.error.message);
    expect(back.value.length).toBe(mem.events.length);
    expect(back.value.map((d) => d.seq)).toEqual(mem.events.map((_, i) => i + 1));
    for (const [i, d] of back.value.entries()) expect(d.event, `event ${i + 1}`).toEqual(mem.events[i]);
    expect(mem.events.some((e) => e.kind === 'frame.present')).toBe(true);
    expect(r.value.meta()).toMatchObject({ state: 'complete', app, seed: 3, eventCount: mem.events.length });
    r.value.close();
  });

  it('is identical, table by table, when recorded again with the same seed', () => {
    const again = record(app, `${app}-b.tfcap`, 3);
    const other = record(app, `${app}-c.tfcap`, 4);
    expect(tableContentHash(again)).toEqual(tableContentHash(path));
    expect(tableContentHash(other).events).not.toBe(tableContentHash(path).events); // the seed moves timestamps
  });
});
