/**
 * Errors as values across the API: a route's helpers return `Failure` (an HTTP status
 * and a reason) instead of throwing, and `fail()` turns one into the contract's
 * `ApiError` body. Anything that still throws is a bug: app.ts's onError answers it
 * with a 500 and the message, and the process goes on.
 *
 * Statuses (api/contract.ts): 400 bad parameter, 403 a path the capture folder does
 * not hold, 404 no such capture / event / job, 409 a capture that cannot do this,
 * 413 upload too large, 422 not a valid capture, 501 not available in this build.
 *
 * Example: `return fail(c, bad('limit must be at most 2000'))` → 400 `{ "error": "limit must be at most 2000" }`
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from './contract';

export interface Failure {
  readonly status: ContentfulStatusCode;
  readonly error: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

export const failure = (status: ContentfulStatusCode, error: string): Failure => ({ status, error });
export const bad = (error: string): Failure => failure(400, error);
export const notFound = (error: string): Failure => failure(404, error);

export const okv = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const no = <T>(f: Failure): Outcome<T> => ({ ok: false, failure: f });

export function fail(c: Context, f: Failure): Response {
  return c.json<ApiError>({ error: f.error }, f.status);
}
