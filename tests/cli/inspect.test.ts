/**
 * `tracefold info`, `events` and `query` on real captures: a vkcube capture's
 * summary agrees with the reader's; its GROUP_SUBMIT ioctls list decoded with their
 * argument struct; queries print rows and refuse writes; a capture cut short says
 * INCOMPLETE; a missing, empty or foreign file is one line and exit 1.
 */
import { withApiTap } from '../../recorder/api-tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsCommand } from '../../cli/events';
import { infoCommand } from '../../cli/info';
import type { Output } from '../../cli/output';
import { queryCommand } from '../../cli/query';
import { appByName } from '../../engine/apps/catalogue';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';
import { openCapture } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';
import { recordApp } from '../../recorder/record-session';
import { tempDir, testInfo } from '../support/capture-files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.remove());

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), tty: false };
}

const VKCUBE = tmp.path('vkcube.tfcap');
const recorded = recordApp(appByName('vkcube')!, { frames: 2, width: 64, height: 64, seed: 3 }, VKCUBE, { engineVersion: 'test' });
if (!recorded.ok) throw new Error(recorded.error.message);

describe('tracefold info', () => {
  it('shows state, app, options, seed and per-layer counts equal to the reader summary', () => {
    const io = captured();
    expect(infoCommand(VKCUBE, {}, io)).toBe(0);
    const text = io.stdout.join('\n');
    const r = openCapture(VKCUBE);
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.summary();
    r.value.close();
    expect(text).toMatch(/^state {5}complete$/m);
    expect(text).toMatch(/^app {7}vkcube$/m);
    expect(text).toMatch(/^seed {6}3$/m);
    expect(text).toContain('"width":64');
    expect(text).toMatch(new RegExp(`^events {4}${s.events}$`, 'm'));
    for (const [layer, n] of Object.entries(s.byLayer)) expect(text).toMatch(new RegExp(`^ {2}${layer} +${n}$`, 'm'));
    for (const k of s.byKind) expect(text).toMatch(new RegExp(`^ {4}${k.kind.replace('.', '\\.')} +${k.count}$`, 'm'));
    expect(text).toMatch(/^processes pid \d+$/m);
    expect(text).toMatch(/^objects .*\bbo \d+/m);
  });

  it('--json carries the same numbers, the virtual duration of the last event and the dedup ratio', () => {
    const io = captured();
    expect(infoCommand(VKCUBE, { json: true }, io)).toBe(0);
    const o = JSON.parse(io.stdout.join('\n')) as Record<string, any>;
    const mem = new MemorySink();
    // The same run as recorded: the recorder taps every API call.
    runApp(appByName('vkcube')!, { frames: 2, width: 64, height: 64, seed: 3, sink: mem, wrapVk: (vk, pid, nowNs) => withApiTap(vk, mem, pid, nowNs) });
    expect(o.summary.events).toBe(mem.events.length);
    expect(o.durationNs).toBe(mem.events.at(-1)!.tsNs);
    expect(o.pids).toEqual([...new Set(mem.events.flatMap((e) => ('pid' in e ? [e.pid] : [])))].sort((a, b) => a - b));
    expect(o.objects.frame).toBe(2);
    expect(o.meta).toMatchObject({ state: 'complete', app: 'vkcube', seed: 3, injectedBugs: [] });
    expect(o.dedupRatio).toBeGreaterThanOrEqual(1);
    expect(o.sizeBytes).toBe(recorded.ok ? recorded.value.sizeBytes : -1);
  });

  it('says INCOMPLETE for a capture still recording', () => {
    const file = tmp.path('cut-short.tfcap');
    const w = CaptureWriter.create(file, testInfo('vkcube'), { batchRows: 16 });
    if (!w.ok) throw new Error(w.error.message);
    runApp(appByName('triangle')!, { sink: w.value, width: 16, height: 16 });
    w.value.flush();
    const io = captured();
    expect(infoCommand(file, {}, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^state {5}INCOMPLETE \(still says recording/m);
    w.value.finish('aborted');
  });
});

describe('tracefold events', () => {
  it('lists GROUP_SUBMIT ioctls strace-style with their decoded argument struct', () => {
    const io = captured();
    expect(eventsCommand(VKCUBE, { kind: 'kmd.ioctl', grep: 'GROUP_SUBMIT' }, io)).toBe(0);
    expect(io.stdout.length).toBe(2); // one submit per frame
    for (const line of io.stdout) {
      expect(line).toMatch(/^ +\d+ +\d\.\d{9} {2}pid \d+ +kmd {2}ioctl\(3, DRM_IOCTL_PANTHOR_GROUP_SUBMIT, \{group_handle=1, queue_submits=\{stride=40, count=1, array=0x[0-9a-f]+\}\}\) = 0 <\d+ns>$/);
    }
  });

  it('prints in/out structs as `{in} => {out}`, and seq, time, pid and layer as recorded', () => {
    const io = captured();
    expect(eventsCommand(VKCUBE, { kind: 'kmd.ioctl', grep: 'BO_CREATE', limit: '1' }, io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(/ioctl\(3, DRM_IOCTL_PANTHOR_BO_CREATE, \{size=\d+, flags=0x0, exclusive_vm_id=0, handle=0\} => \{size=\d+, flags=0x0, exclusive_vm_id=0, handle=1\}\) = 0/);
    const seq = Number(io.stdout[0]!.trim().split(/\s+/)[0]);
    const r = openCapture(VKCUBE);
    if (!r.ok) throw new Error(r.error.message);
    const row = r.value.eventRows({ fromSeq: seq, toSeq: seq })[0]!;
    r.value.close();
    expect(row.kind).toBe('kmd.ioctl');
    expect(io.stdout[0]).toContain(`  ${(row.ts_ns / 1e9).toFixed(9)}  pid ${row.pid}`);
  });

  it('--from/--to/--limit bound the listing by seq', () => {
    const io = captured();
    expect(eventsCommand(VKCUBE, { from: '10', to: '20', limit: '5' }, io)).toBe(0);
    expect(io.stdout.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([10, 11, 12, 13, 14]);
    const all = captured();
    expect(eventsCommand(VKCUBE, { from: '10', to: '20' }, all)).toBe(0);
    expect(all.stdout).toHaveLength(11);
  });

  it('a bad option value is exit 2', () => {
    const io = captured();
    expect(eventsCommand(VKCUBE, { limit: '-3' }, io)).toBe(2);
    expect(io.stderr).toEqual([`tracefold events: --limit must be an integer ≥ 0, got '-3'`]);
  });
});

describe('tracefold query', () => {
  it('prints an aligned table of the rows', () => {
    const io = captured();
    expect(queryCommand(VKCUBE, `SELECT kind, count(*) AS n FROM events WHERE kind = 'frame.present' GROUP BY kind`, {}, io)).toBe(0);
    expect(io.stdout).toEqual(['kind           n', '-------------  -', 'frame.present  2', '(1 row)']);
  });

  it('--json prints row objects', () => {
    const io = captured();
    expect(queryCommand(VKCUBE, `SELECT state, app, seed FROM meta`, { json: true }, io)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual([{ state: 'complete', app: 'vkcube', seed: 3 }]);
  });

  it.each(['INSERT INTO checkpoints (seq, state_hash) VALUES (1, \'x\')', 'DELETE FROM events', 'DROP TABLE blobs'])('refuses %s: exit 1, the capture unchanged', (sql) => {
    const io = captured();
    expect(queryCommand(VKCUBE, sql, {}, io)).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^tracefold query: captures are queried read-only: this statement would modify the database/);
    const db = new Database(VKCUBE, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(recorded.ok ? recorded.value.events : -1);
    db.close();
  });

  it('a SQL error is one line and exit 1', () => {
    const io = captured();
    expect(queryCommand(VKCUBE, 'SELECT nope FROM events', {}, io)).toBe(1);
    expect(io.stderr).toEqual(['tracefold query: no such column: nope']);
  });
});

describe('a file that is not a readable capture', () => {
  const empty = tmp.path('empty.tfcap');
  writeFileSync(empty, '');
  const foreign = tmp.path('foreign.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE t (x)');
  db.close();
  const missing = tmp.path('missing.tfcap');

  it.each([
    ['missing', missing, /no such file/],
    ['empty', empty, /is not a SQLite database \(empty file\)/],
    ['foreign SQLite', foreign, /is a SQLite database but not a capture/],
  ])('%s: every command prints one line and exits 1', (_what, file, message) => {
    for (const [name, run] of [
      ['info', (io: Output) => infoCommand(file, {}, io)],
      ['events', (io: Output) => eventsCommand(file, {}, io)],
      ['query', (io: Output) => queryCommand(file, 'SELECT 1', {}, io)],
    ] as const) {
      const io = captured();
      expect(run(io), name).toBe(1);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(new RegExp(`^tracefold ${name}: `));
      expect(io.stderr[0]).toMatch(message);
    }
  });

  it('through the real binary: `tracefold info` on a missing file is exit 1 with one line', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), 'info', missing], { cwd: ROOT },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tracefold info: ${missing}: no such file\n`);
  });
});
