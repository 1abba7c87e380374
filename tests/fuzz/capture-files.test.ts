/**
 * Damaged and foreign capture files against every reader command — info, events, query,
 * export, replay, state, repair — with fixed seeds. A reader may accept a file (exit 0),
 * reject it (exit 1; replay may also say 125, "cannot test", or 1, "diverged"), but it
 * never throws, never hangs, and a rejection is a message that says what is wrong, not
 * a stack trace. Inputs tried per command are printed (the closing note reports them).
 *
 * The variants, from one real vkcube capture:
 * - truncated at fixed fractions and at page boundaries, and inside the header;
 * - single bit flips and 64-byte garbage runs at seeded offsets;
 * - schema damage: a newer format version, a meta row gone, args that are not JSON, an
 *   unknown kind id, a blob reference to a missing blob, a missing table;
 * - not captures at all: empty, text, random bytes, a foreign SQLite database.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsCommand } from '../../cli/events';
import { exportCommand } from '../../cli/export';
import { infoCommand } from '../../cli/info';
import type { Output } from '../../cli/output';
import { queryCommand } from '../../cli/query';
import { repairCommand } from '../../cli/repair';
import { replayCommand } from '../../cli/replay';
import { stateCommand } from '../../cli/state';
import { appByName } from '../../engine/apps/catalogue';
import { Rng } from '../../engine/base/rng';
import { recordApp } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
afterAll(() => tmp.remove());

interface Variant {
  readonly name: string;
  readonly path: string;
}

let base: string;
const variants: Variant[] = [];

function variant(name: string, make: (path: string) => void): void {
  const path = tmp.path(`${variants.length}-${name.replace(/[^a-z0-9]+/gi, '_')}.tfcap`);
  make(path);
  variants.push({ name, path });
}

function sqlEdit(name: string, ...statements: string[]): void {
  variant(name, (path) => {
    copyFileSync(base, path);
    const db = new Database(path);
    for (const s of statements) db.exec(s);
    db.close();
  });
}

beforeAll(() => {
  base = tmp.path('base.tfcap');
  const r = recordApp(appByName('vkcube')!, { frames: 2, seed: 3 }, base, { engineVersion: 'test', checkpointEveryEvents: 150 });
  if (!r.ok) throw new Error(r.error.message);
  const bytes = readFileSync(base);
  const rng = new Rng(20261121);
  for (const f of [0.02, 0.1, 0.33, 0.5, 0.75, 0.9, 0.999]) variant(`truncated at ${f}`, (p) => writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length * f))));
  for (const n of [16, 99, 16384, 32768]) variant(`truncated to ${n} B`, (p) => writeFileSync(p, bytes.subarray(0, n)));
  for (let i = 0; i < 24; i++) {
    const at = rng.below(bytes.length);
    const bit = rng.below(8);
    variant(`bit ${bit} flipped at ${at}`, (p) => {
      const b = Buffer.from(bytes);
      b[at]! ^= 1 << bit;
      writeFileSync(p, b);
    });
  }
  for (let i = 0; i < 8; i++) {
    const at = rng.below(bytes.length - 64);
    variant(`64 garbage bytes at ${at}`, (p) => {
      const b = Buffer.from(bytes);
      for (let k = 0; k < 64; k++) b[at + k] = rng.below(256);
      writeFileSync(p, b);
    });
  }
  sqlEdit('newer format version', 'UPDATE meta SET format_version = 99, min_reader_version = 99');
  sqlEdit('newer schema (user_version)', 'PRAGMA user_version = 99');
  sqlEdit('meta row gone', 'DELETE FROM meta');
  sqlEdit('args not JSON', "UPDATE event_rows SET args = '{not json' WHERE seq = 40");
  sqlEdit('args a JSON array', "UPDATE event_rows SET args = '[1,2]' WHERE seq = 41");
  sqlEdit('unknown kind id', 'UPDATE event_rows SET kind_id = 9999 WHERE seq = 42');
  sqlEdit('blob gone', 'DELETE FROM blobs WHERE id = (SELECT min(blob_id) FROM event_blobs)');
  sqlEdit('checkpoint snapshot gone', 'DELETE FROM blobs WHERE id IN (SELECT snapshot_blob FROM checkpoints)');
  sqlEdit('events table gone', 'DROP VIEW events');
  sqlEdit('state still recording', "UPDATE meta SET state = 'recording', event_count = NULL");
  variant('empty file', (p) => writeFileSync(p, ''));
  variant('text file', (p) => writeFileSync(p, 'this is not a capture\n'.repeat(50)));
  variant('random bytes', (p) => writeFileSync(p, Buffer.from(Array.from({ length: 8192 }, () => rng.below(256)))));
  variant('foreign SQLite database', (p) => {
    const db = new Database(p);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\')');
    db.close();
  });
}, 120_000);

type Command = (file: string, io: Output) => number;

const commands: Record<string, { run: Command; exits: readonly number[] }> = {
  info: { run: (f, io) => infoCommand(f, {}, io), exits: [0, 1] },
  events: { run: (f, io) => eventsCommand(f, {}, io), exits: [0, 1] },
  query: { run: (f, io) => queryCommand(f, 'SELECT kind, count(*) FROM events GROUP BY kind', {}, io), exits: [0, 1] },
  export: { run: (f, io) => exportCommand(f, { output: `${f}.perfetto-trace` }, io), exits: [0, 1] },
  replay: { run: (f, io) => replayCommand(f, {}, io), exits: [0, 1, 125] },
  state: { run: (f, io) => stateCommand(f, { at: '60' }, io), exits: [0, 1] },
  repair: { run: (f, io) => repairCommand(f, {}, io), exits: [0, 1] },
};

describe.each(Object.entries(commands))('%s on damaged and foreign captures', (name, { run, exits }) => {
  it('answers every variant with an exit code and, on refusal, a reason', () => {
    const tally: Record<number, number> = {};
    for (const v of variants) {
      const err: string[] = [];
      const io: Output = { out: () => {}, err: (l) => void err.push(l) };
      let code: number;
      try {
        code = run(v.path, io);
      } catch (e) {
        throw new Error(`${name} threw on '${v.name}': ${(e as Error).stack}`);
      }
      tally[code] = (tally[code] ?? 0) + 1;
      expect(exits, `${name} on '${v.name}' exit ${code}: ${err.join('\n')}`).toContain(code);
      if (code !== 0 && !(name === 'replay' && code === 1)) {
        expect(err.join('\n').trim().length, `${name} on '${v.name}' says nothing`).toBeGreaterThan(10);
        expect(err.join('\n'), `${name} on '${v.name}' prints a stack`).not.toMatch(/\n\s+at /);
      }
    }
    console.log(`capture fuzz: ${name}: ${variants.length} inputs, exits ${JSON.stringify(tally)}`);
  }, 300_000);
});

it('a newer capture is refused with both version numbers', () => {
  const v = variants.find((x) => x.name === 'newer format version')!;
  const err: string[] = [];
  expect(infoCommand(v.path, {}, { out: () => {}, err: (l) => void err.push(l) })).toBe(1);
  expect(err.join('\n')).toMatch(/99/);
  expect(err.join('\n')).toMatch(/\b2\b/);
});
