/**
 * Captures: the list, one capture's overview, upload and delete.
 *
 *   GET    /api/captures              → CaptureListItem[] (newest first; unreadable files left out)
 *   GET    /api/captures/:id          → CaptureDetail
 *   POST   /api/captures?name=ID      body: the .tfcap bytes → 201 CaptureListItem
 *   DELETE /api/captures/:id          → { deleted: id }
 *
 * Upload: streamed to a hidden temp file in the folder (`.upload-…`, which no id can
 * name), counted against limits.maxUploadBytes (413 as soon as it is exceeded, or at
 * once from Content-Length), opened as a capture (422 with the reader's reason when
 * it is not one), and only then given its id (a hard link, which fails on an existing
 * name: 409; then the temp name is removed), so the list never shows a partial or
 * invalid file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { openCapture } from '../../recorder/capture/reader';
import { captureDetail, listItem } from '../capture-info';
import { capturePath, checkId, listCaptureIds } from '../capture-paths';
import type { CaptureDetail, CaptureListItem } from '../contract';
import type { ApiDeps } from '../deps';
import { fail, failure } from '../errors';
import { valid } from '../validate';

export function captureRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const listed = new Map<string, { sizeBytes: number; mtimeMs: number; item: CaptureListItem }>();

  app.get('/', valid('query', z.strictObject({})), (c) => {
    const items: CaptureListItem[] = [];
    for (const id of listCaptureIds(deps.dir)) {
      const st = statSync(path.join(deps.dir, id));
      const known = listed.get(id);
      if (known && known.sizeBytes === st.size && known.mtimeMs === st.mtimeMs) {
        items.push(known.item);
        continue;
      }
      const r = openCapture(path.join(deps.dir, id));
      if (!r.ok) continue;
      try {
        const item = listItem(id, r.value, st.size);
        // A capture still recording grows in its WAL, which leaves the file's size and
        // mtime alone: list it afresh every time.
        if (item.state !== 'recording') listed.set(id, { sizeBytes: st.size, mtimeMs: st.mtimeMs, item });
        items.push(item);
      } finally {
        r.value.close();
      }
    }
    items.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
    return c.json(items);
  });

  app.get('/:id', valid('query', z.strictObject({})), (c) => {
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    // Once per open capture (a finished capture never changes); a live one afresh each time.
    let detail = e.value.memo.get('detail') as CaptureDetail | undefined;
    if (!detail) {
      detail = captureDetail(e.value.id, e.value.reader);
      if (detail.state !== 'recording') e.value.memo.set('detail', detail);
    }
    return c.json(detail);
  });

  app.post('/', valid('query', z.strictObject({ name: z.string({ message: 'is required (the capture id to store it as)' }) })), async (c) => {
    const { name } = c.req.valid('query');
    const id = checkId(name);
    if (!id.ok) return fail(c, id.failure);
    const max = deps.limits.maxUploadBytes;
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > max) return fail(c, failure(413, `upload of ${declared} bytes exceeds the limit of ${max} bytes`));
    if (existsSync(path.join(deps.dir, name))) return fail(c, failure(409, `a capture '${name}' already exists (delete it first)`));
    const tmp = path.join(deps.dir, `.upload-${randomBytes(6).toString('hex')}.partial`);
    const cleanup = (): void => { for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true }); };
    const fh = await open(tmp, 'wx');
    let size = 0;
    let tooBig = false;
    try {
      const body = c.req.raw.body;
      if (body) {
        for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > max) {
            tooBig = true;
            break;
          }
          await fh.write(chunk);
        }
      }
    } catch (e) {
      // The client went away mid-upload (or the disk filled): leave nothing behind.
      await fh.close();
      cleanup();
      return fail(c, failure(400, `upload interrupted: ${(e as Error).message}`));
    }
    await fh.close();
    if (tooBig) {
      cleanup();
      return fail(c, failure(413, `upload exceeds the limit of ${max} bytes`));
    }
    const opened = openCapture(tmp);
    if (!opened.ok) {
      cleanup();
      return fail(c, failure(422, `not a valid capture: ${opened.error.message.replaceAll(tmp, name)}`));
    }
    let item: CaptureListItem;
    try {
      item = listItem(name, opened.value, size);
    } finally {
      opened.value.close();
    }
    // link() refuses an existing name atomically (two uploads racing for one id); then the temp name goes.
    try {
      linkSync(tmp, path.join(deps.dir, name));
    } catch (e) {
      cleanup();
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fail(c, failure(409, `a capture '${name}' already exists (delete it first)`));
      throw e;
    }
    cleanup();
    return c.json(item, 201);
  });

  app.delete('/:id', (c) => {
    const id = c.req.param('id');
    const p = capturePath(deps.dir, id);
    if (!p.ok) return fail(c, p.failure);
    deps.cache.forget(id);
    listed.delete(id);
    // The folder entry goes (not the symlink target: capturePath refused any leading out).
    const file = path.join(deps.dir, id);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    return c.json({ deleted: id });
  });

  return app;
}
