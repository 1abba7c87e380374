import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { rewriteExtractArg, rewriteExtractArgQuery } from './extract-arg';

describe('rewriteExtractArg', () => {
  const db = new Database(':memory:');
  db.exec(`CREATE TEMP TABLE args (arg_set_id INTEGER, key TEXT, int_value INTEGER, string_value TEXT, real_value REAL);
    CREATE TEMP TABLE slice (id INTEGER, arg_set_id INTEGER);
    INSERT INTO args VALUES (1, 'debug.fd', 7, NULL, NULL), (1, 'debug.name', NULL, 'x(,)', NULL), (2, 'debug.fd', 9, NULL, NULL), (2, 'debug.ratio', NULL, NULL, 0.5);
    INSERT INTO slice VALUES (10, 1), (20, 2), (30, NULL);`);
  const run = (sql: string): unknown[] => db.prepare(rewriteExtractArg(sql)).raw(true).all();

  it("answers with the slice's own arg set (unqualified names are not captured by args' columns)", () => {
    expect(run(`SELECT id, extract_arg(arg_set_id, 'debug.fd') FROM slice ORDER BY id`)).toEqual([[10, 7], [20, 9], [30, null]]);
    expect(run(`SELECT EXTRACT_ARG (s.arg_set_id, 'debug.ratio') FROM slice s WHERE id = 20`)).toEqual([[0.5]]);
  });

  it('leaves strings, quoted names and comments alone, and rewrites nested calls', () => {
    expect(run(`SELECT 'extract_arg(1, 2)', extract_arg(1, 'debug.name') -- extract_arg(
      /* extract_arg( */`)).toEqual([['extract_arg(1, 2)', 'x(,)']]);
    expect(run(`SELECT extract_arg(extract_arg(1, 'debug.fd') - 5, 'debug.fd')`)).toEqual([[9]]);
    expect(rewriteExtractArg(`SELECT my_extract_arg(1, 2), "extract_arg"(1)`)).toBe(`SELECT my_extract_arg(1, 2), "extract_arg"(1)`);
  });

  it('names result columns as the user wrote them', () => {
    const q = rewriteExtractArgQuery(`SELECT extract_arg(extract_arg(1, 'debug.fd') - 5, 'debug.fd'), extract_arg(arg_set_id, 'debug.fd') AS fd FROM slice`);
    const names = db.prepare(q.sql).columns().map((c) => q.restoreName(c.name));
    expect(names).toEqual([`extract_arg(extract_arg(1, 'debug.fd') - 5, 'debug.fd')`, 'fd']);
  });

  it('leaves a call it cannot parse as written', () => {
    expect(rewriteExtractArg('SELECT extract_arg(1, 2')).toBe('SELECT extract_arg(1, 2');
    expect(rewriteExtractArg('SELECT extract_arg(1)')).toBe('SELECT extract_arg(1)');
  });
});
