/**
 * Golden tests in Perfetto's style: a capture, a SQL query (tests/golden/perfetto/*.sql)
 * and the expected rows (<app>.<query>.json). The queries run through
 * `tracefold query` on the capture itself (its trace_processor-shaped tables) and,
 * when trace_processor_shell is on PATH or named by TRACE_PROCESSOR, on the exported
 * Perfetto trace too — both must give the expected rows, and trace_processor's
 * `stats` must report no errors.
 * Regenerate the expected rows with UPDATE_GOLDEN=1 (then review the diff).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { recordApp } from '../../recorder/record-session';
import { queryCommand } from '../../cli/query';
import { exportCommand } from '../../cli/export';
import { tempDir } from '../support/capture-files';

const dir = join(import.meta.dirname, 'perfetto');
const queries = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
const tmp = tempDir();
afterAll(() => tmp.remove());

function traceProcessor(): string | undefined {
  if (process.env.TRACE_PROCESSOR) return process.env.TRACE_PROCESSOR;
  const r = spawnSync('sh', ['-c', 'command -v trace_processor_shell'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const tp = traceProcessor();

function viaCli(capture: string, sql: string): Record<string, unknown>[] {
  const out: string[] = [];
  const code = queryCommand(capture, sql, { json: true }, { out: (l) => out.push(l), err: (l) => out.push(l) });
  if (code !== 0) throw new Error(out.join('\n'));
  return JSON.parse(out.join('\n')) as Record<string, unknown>[];
}

/** trace_processor_shell -q prints CSV with quoted strings; numbers come back as numbers. */
function viaTraceProcessor(trace: string, sqlFile: string): Record<string, unknown>[] {
  const csv = execFileSync(tp!, ['-q', sqlFile, trace], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
  const cells = (line: string): unknown[] => [...line.matchAll(/"([^"]*)"|([^,]+)/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
  const header = cells(csv[0]!).map(String);
  return csv.slice(1).map((l) => Object.fromEntries(cells(l).map((v, i) => [header[i], v])));
}

describe.each(['vkcube', 'sharing'])('golden Perfetto queries on %s', (app) => {
  let capture: string;
  let trace: string;
  beforeAll(() => {
    capture = tmp.path(`${app}.tfcap`);
    const r = recordApp(appByName(app)!, { frames: 4, width: 64, height: 64 }, capture, { engineVersion: 'test' });
    if (!r.ok) throw new Error(r.error.message);
    trace = tmp.path(`${app}.perfetto-trace`);
    expect(exportCommand(capture, { output: trace }, { out: () => {}, err: () => {} })).toBe(0);
  });

  it.each(queries)('%s', (query) => {
    const sql = readFileSync(join(dir, query), 'utf8');
    const golden = join(dir, `${app}.${query.replace(/\.sql$/, '.json')}`);
    const rows = viaCli(capture, sql);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, `${JSON.stringify(rows, null, 1)}\n`);
    expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
    if (tp) expect(viaTraceProcessor(trace, join(dir, query))).toEqual(rows);
  });

  it.skipIf(!tp)('loads into trace_processor with no import errors', () => {
    const q = tmp.path('stats.sql');
    writeFileSync(q, "select name, severity, value from stats where value <> 0 and severity in ('error', 'data_loss')");
    expect(viaTraceProcessor(trace, q)).toEqual([]);
  });
});
