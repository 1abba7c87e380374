/**
 * The Perfetto-shaped tables are built in chunks (ids, depth, parent and flows walk
 * the staged slices BATCH_ROWS at a time): chunk boundaries must change nothing.
 */
import { afterAll, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { tempDir } from '../support/capture-files';
import { openCapture } from '../../recorder/capture/reader';
import { recordApp } from '../../recorder/record-session';
import { ensurePerfettoTables, PERFETTO_TABLES } from '../../recorder/timeline/perfetto-tables';

const tmp = tempDir();
afterAll(() => tmp.remove());

it('builds the same tables in chunks of 7 rows as in one chunk', () => {
  const path = tmp.path('sharing.tfcap');
  const r = recordApp(appByName('sharing')!, { frames: 2, width: 32, height: 32 }, path, { engineVersion: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  const tables = (batchRows: number): Record<string, unknown[]> => {
    const reader = openCapture(path);
    if (!reader.ok) throw new Error(reader.error.message);
    try {
      expect(ensurePerfettoTables(reader.value, batchRows).ok).toBe(true);
      const temp = reader.value.temp();
      return Object.fromEntries(PERFETTO_TABLES.map((t) => [t, temp.all(`SELECT * FROM temp.${t} ORDER BY 1`)]));
    } finally {
      reader.value.close();
    }
  };
  const whole = tables(1_000_000);
  expect(whole.slice!.length).toBeGreaterThan(100);
  expect(whole.flow!.length).toBeGreaterThan(10);
  expect(tables(7)).toEqual(whole);
});
