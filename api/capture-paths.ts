/**
 * Capture ids to files, refusing anything outside the capture folder. Two gates:
 * the id must match CAPTURE_ID (a plain file name ending in .tfcap: no separator,
 * no leading dot, so `..`, `/etc/passwd`, `..%2f` once decoded are 400s), and the
 * file's real path (symlinks resolved) must lie in the folder's real path, so a
 * symlink planted in the folder cannot lead out of it (403).
 *
 * Example: `capturePath('/srv/captures', 'vkcube-1-1.tfcap')` → `{ ok: true, value: '/srv/captures/vkcube-1-1.tfcap' }`;
 *   `capturePath(dir, '../x.tfcap')` → 400 'bad capture id …'.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CAPTURE_ID } from './contract';
import { bad, failure, no, notFound, okv, type Outcome } from './errors';

export function checkId(id: string): Outcome<string> {
  if (!CAPTURE_ID.test(id)) return no(bad(`bad capture id '${id.slice(0, 80)}': a capture id is a file name ending in .tfcap (letters, digits, '.', '_', '-'; no path)`));
  return okv(id);
}

/** The file capture `id` names in `dir`, which must exist and really lie inside `dir`. */
export function capturePath(dir: string, id: string): Outcome<string> {
  const checked = checkId(id);
  if (!checked.ok) return checked;
  const file = path.join(dir, id);
  if (!existsSync(file)) return no(notFound(`no capture '${id}'`));
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return no(notFound(`no capture '${id}'`));
  }
  const root = realpathSync(dir);
  if (path.dirname(real) !== root) return no(failure(403, `refused: capture '${id}' resolves outside the capture folder`));
  if (!statSync(real).isFile()) return no(notFound(`no capture '${id}' (not a file)`));
  return okv(real);
}

/** Ids of the captures in `dir` (file names matching CAPTURE_ID; escaping symlinks left out). */
export function listCaptureIds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => CAPTURE_ID.test(f) && capturePath(dir, f).ok);
}
