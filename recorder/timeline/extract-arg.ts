/**
 * trace_processor's `EXTRACT_ARG(arg_set_id, key)` over the Perfetto-shaped tables
 * (perfetto-tables.ts), as a rewrite of the SQL text into a lookup in `args`:
 *
 *   extract_arg(s.arg_set_id, 'debug.fd')
 *   → (SELECT coalesce(ea_int, ea_str, ea_real) FROM (SELECT arg_set_id AS ea_set, … FROM temp.args)
 *       WHERE ea_set = (s.arg_set_id) AND ea_key = ('debug.fd'))
 *
 * Why a rewrite and not a SQL function: a function may not query its own connection
 * (better-sqlite3 refuses: the connection is busy with the calling statement), and the
 * tables are TEMP tables of that connection; answering from a copy of every arg in
 * memory cost ~1 GB on a 1M-event capture.
 *
 * The scan skips string literals, quoted identifiers and comments; the arguments may
 * hold parentheses, strings and further extract_arg calls. A call it cannot parse
 * (unbalanced, not two arguments) is left as written, and the query then fails with
 * the placeholder function's message.
 */

/**
 * The lookup. The args columns are renamed in a derived table so that the caller's
 * unqualified names (`arg_set_id` of the slice) are not captured by `args`' own
 * columns; SQLite flattens the derived table, so the (arg_set_id, key) index serves it.
 */
const LOOKUP = (set: string, key: string): string =>
  '(SELECT coalesce(ea_int, ea_str, ea_real) FROM (SELECT arg_set_id AS ea_set, key AS ea_key, int_value AS ea_int, ' +
  `string_value AS ea_str, real_value AS ea_real FROM temp.args) WHERE ea_set = (${set}) AND ea_key = (${key}))`;

/** A query with its extract_arg calls rewritten, and the way back for its column names. */
export interface RewrittenSql {
  readonly sql: string;
  /** A result column's name as the user wrote it (SQLite names a column by its expression's text). */
  restoreName(name: string): string;
}

export function rewriteExtractArgQuery(sql: string): RewrittenSql {
  const calls: Array<[lookup: string, original: string]> = [];
  const text = rewriteExtractArg(sql, calls);
  return {
    sql: text,
    // Outermost calls were rewritten last; their lookups contain the inner ones.
    restoreName: (name) => calls.reduceRight((n, [lookup, original]) => n.split(lookup).join(original), name),
  };
}

/** `sql` with every `extract_arg(a, b)` call replaced by its lookup; each (lookup, original text) is added to `calls`. */
export function rewriteExtractArg(sql: string, calls: Array<[string, string]> = []): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const skipped = skipNonCode(sql, i);
    if (skipped > i) {
      out += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    const call = /^extract_arg\s*\(/i.exec(sql.slice(i, i + 64));
    const wordStart = i === 0 || !/[\w$]/.test(sql[i - 1]!);
    if (call && wordStart) {
      const parsed = callArguments(sql, i + call[0].length);
      if (parsed && parsed.args.length === 2) {
        const lookup = LOOKUP(rewriteExtractArg(parsed.args[0]!.trim(), calls), rewriteExtractArg(parsed.args[1]!.trim(), calls));
        calls.push([lookup, sql.slice(i, parsed.end)]);
        out += lookup;
        i = parsed.end;
        continue;
      }
    }
    out += sql[i];
    i++;
  }
  return out;
}

/** The end of a string literal, quoted identifier or comment starting at `i`, or `i`. */
function skipNonCode(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === '[') {
    const j = sql.indexOf(']', i + 1);
    return j < 0 ? sql.length : j + 1;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const j = sql.indexOf('\n', i);
    return j < 0 ? sql.length : j + 1;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const j = sql.indexOf('*/', i + 2);
    return j < 0 ? sql.length : j + 2;
  }
  return i;
}

/** The top-level comma-separated arguments from `start` (just past the open paren) to the matching close. */
function callArguments(sql: string, start: number): { args: string[]; end: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let from = start;
  let i = start;
  while (i < sql.length) {
    const skipped = skipNonCode(sql, i);
    if (skipped > i) {
      i = skipped;
      continue;
    }
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) {
        args.push(sql.slice(from, i));
        return { args, end: i + 1 };
      }
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(sql.slice(from, i));
      from = i + 1;
    }
    i++;
  }
  return undefined;
}
