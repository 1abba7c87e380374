/**
 * Errors at the capture boundary are values: opening, creating and querying return a
 * `Result`. `code` is for programs, `message` for people and names what is wrong
 * (the file, the table, the versions involved).
 */
export type Result<T, E = CaptureError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type CaptureErrorCode =
  | 'not-found' // no such file
  | 'exists' // create() without overwrite on an existing path
  | 'not-sqlite' // the file is not a SQLite database at all
  | 'corrupt' // SQLite, but truncated or damaged
  | 'not-a-capture' // SQLite, but not written by Tracefold
  | 'missing-tables' // a capture without some of the tables this reader needs
  | 'too-new' // written by a newer format than this reader can read
  | 'bad-row' // a row that does not decode into an event
  | 'read-only' // a write attempted through the read-only SQL entry point
  | 'sql' // a query SQLite rejected
  | 'io'; // the writer could not write (disk full, closed file…)

export interface CaptureError {
  readonly code: CaptureErrorCode;
  readonly message: string;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (code: CaptureErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });
