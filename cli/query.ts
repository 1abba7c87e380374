/**
 * `tracefold query FILE "SQL" [--json]`: one read-only SQL statement on a capture
 * (tables in docs/capture-format.md), printed as an aligned table, or with --json as
 * an array of row objects. A statement that would write (INSERT, DELETE, ATTACH…) is
 * refused before it runs. Byte values print as `<N bytes>` (table) or base64 (JSON).
 *
 * Example:
 *   tracefold query run.tfcap "SELECT layer, count(*) AS n FROM events GROUP BY layer"
 *   layer  n
 *   -----  ----
 *   api      40
 *   …
 *   (3 rows)
 *
 * Exit codes: 0 ran; 1 the file is missing, damaged or not a capture, or SQLite
 * rejected the statement or it would modify the capture.
 */
import type { Command } from 'commander';
import type { QueryResult } from '../recorder/capture/reader';
import { ensurePerfettoTables, mentionsPerfettoTables, perfettoSql } from '../recorder/timeline/perfetto-tables';
import { consoleOutput, openOrReport, type Output, reportDamaged } from './output';

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run one read-only SQL statement on a capture and print the rows')
    .argument('<file>', 'capture file (.tfcap)')
    .argument('<sql>', 'one SELECT (or other read-only) statement')
    .option('--json', 'print the rows as a JSON array of objects')
    .action((file: string, sql: string, flags: { json?: boolean }) => {
      process.exitCode = queryCommand(file, sql, flags);
    });
}

export function queryCommand(file: string, sql: string, flags: { readonly json?: boolean }, io: Output = consoleOutput): number {
  const reader = openOrReport('query', file, io);
  if (!reader) return 1;
  try {
    let q: { sql: string; restoreName(name: string): string } = { sql, restoreName: (n) => n };
    if (mentionsPerfettoTables(sql)) {
      const built = ensurePerfettoTables(reader);
      if (!built.ok) {
        io.err(`tracefold query: cannot build the Perfetto-style tables: ${built.message}`);
        return 1;
      }
      q = perfettoSql(sql);
    }
    const r = reader.query(q.sql);
    if (!r.ok) {
      io.err(`tracefold query: ${r.error.message}`);
      return 1;
    }
    const result = { ...r.value, columns: r.value.columns.map(q.restoreName) };
    if (flags.json) io.out(JSON.stringify(jsonRows(result), null, 2));
    else for (const line of tableLines(result)) io.out(line);
    return 0;
  } catch (err) {
    return reportDamaged('query', file, io, err);
  } finally {
    reader.close();
  }
}

function jsonRows(q: QueryResult): Record<string, unknown>[] {
  return q.rows.map((row) => Object.fromEntries(q.columns.map((c, i) => {
    const v = row[i];
    return [c, v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? v.toString() : v];
  })));
}

/** Columns padded to their widest cell; numbers right-aligned; NULL shown as NULL. */
export function tableLines(q: QueryResult): string[] {
  const cell = (v: unknown): string => v === null || v === undefined ? 'NULL' : v instanceof Uint8Array ? `<${v.length} bytes>` : String(v);
  const cells = q.rows.map((r) => q.columns.map((_, i) => cell(r[i])));
  const widths = q.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = q.columns.map((_, i) => q.rows.length > 0 && q.rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const line = (vals: readonly string[]): string =>
    vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [
    line(q.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    `(${q.rows.length} row${q.rows.length === 1 ? '' : 's'})`,
  ];
}
