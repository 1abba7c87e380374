/**
 * Parameter validation: every route's query, path params and JSON body go through a
 * zod schema (strict: an unknown parameter is an error too), and a failure is a 400
 * whose reason names the parameter and what was wrong with it.
 *
 * Example: `GET …/events?limit=0` → 400 `{ "error": "query parameter 'limit': must be ≥ 1 (got 0)" }`
 */
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';

const TARGET_NAME: Partial<Record<keyof ValidationTargets, string>> = { query: 'query parameter', param: 'path parameter', json: 'body field' };

export function valid<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const issue = result.error.issues[0]!;
    const where = TARGET_NAME[target] ?? target;
    if (issue.code === 'unrecognized_keys') return c.json({ error: `unknown ${where}(s): ${issue.keys.map((k) => `'${k}'`).join(', ')}` }, 400);
    const name = issue.path.length ? `'${issue.path.join('.')}'` : '';
    return c.json({ error: `${where}${name ? ` ${name}` : ''}: ${issue.message}` }, 400);
  });
}

/** A decimal integer in [min, max] given as a string (query and path parameters). */
export function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.string()
    .regex(/^-?\d{1,16}$/, { message: 'must be an integer' })
    .transform(Number)
    .pipe(z.number().min(min, { message: `must be ≥ ${min}` }).max(max, { message: `must be ≤ ${max}` }));
}

/** A comma-separated list of integers ≥ 1. */
export const intList = z.string()
  .regex(/^\d{1,16}(,\d{1,16})*$/, { message: 'must be a comma-separated list of integers' })
  .transform((s) => s.split(',').map(Number));

export const captureIdParam = z.object({ id: z.string() });
