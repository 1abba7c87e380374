/**
 * The model state at an event, and BO contents, from a seek (replayer/seek.ts:
 * nearest checkpoint restored, inputs replayed to the event).
 *
 *   GET /api/captures/:id/state?at=SEQ                                 → StateAt
 *   GET /api/captures/:id/bos/:bo?at=SEQ[&offset=O&length=L]           → the bytes (application/octet-stream)
 *   GET /api/captures/:id/bos/:bo/image.png?at=SEQ[&width=W&height=H]  → RGBA8 rows as a PNG
 *
 * `:bo` is the driver's global BO id (StateAt.bos[].id), not a per-file GEM handle:
 * one number names one BO whichever process looks at it. A read is capped at
 * BO_BYTES_MAX (ask for a range of a larger BO with offset/length). The image size
 * comes from the images the app created that fit the BO (recorder/image-sizes.ts)
 * unless width and height are given.
 */
import { Hono } from 'hono';
import { PNG } from 'pngjs';
import { z } from 'zod';
import type { CaptureReader } from '../../recorder/capture/reader';
import { fittingSizes, imageSizeFor, imageSizes } from '../../recorder/image-sizes';
import { boBytes, describeSeek } from '../../replayer/state-view';
import { replayStateHash } from '../../replayer/seek';
import { BO_BYTES_MAX, type StateAt } from '../contract';
import type { ApiDeps } from '../deps';
import { bad, fail, failure, no, okv, type Outcome } from '../errors';
import { seekAt } from '../seek-cache';
import { int, valid } from '../validate';

const GROUP_STATE_BITS: ReadonlyArray<[number, string]> = [[1, 'timed out'], [2, 'fatal fault'], [4, 'innocent']];

const boParam = z.object({ id: z.string(), bo: int(1) });

/** BO `bo`'s bytes in the model state after event `at` of capture `id` (404 when it does not exist there). */
function boAt(deps: ApiDeps, id: string, bo: number, at: number): Outcome<{ bytes: Uint8Array; reader: CaptureReader }> {
  const e = deps.cache.open(id);
  if (!e.ok) return e;
  const s = seekAt(e.value, at);
  if (!s.ok) return s;
  const bytes = boBytes(s.value, bo);
  return bytes ? okv({ bytes, reader: e.value.reader }) : no(failure(404, `no BO ${bo} at seq ${at}`));
}

export function stateRoutes(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/:id/state', valid('query', z.strictObject({ at: int(1) })), (c) => {
    const { at } = c.req.valid('query');
    const e = deps.cache.open(c.req.param('id'));
    if (!e.ok) return fail(c, e.failure);
    const s = seekAt(e.value, at);
    if (!s.ok) return fail(c, s.failure);
    const d = describeSeek(s.value);
    const hash = replayStateHash(s.value.stack);
    const sizes = imageSizes(e.value.reader, at);
    const body: StateAt = {
      seq: at,
      tsNs: d.tsNs,
      stateHash: hash.ok ? hash.value : '',
      bos: d.bos.map((b) => {
        const fit = 'error' in sizes ? [] : fittingSizes(sizes, b.sizeBytes);
        return {
          id: b.id, label: b.label, sizeBytes: b.sizeBytes, flags: b.flags,
          handles: b.handles.map((h) => ({ pid: h.pid, handle: h.handle })),
          vmMappings: b.vmMappings, contentHash: b.contentHash,
          image: fit.length === 1 ? { width: fit[0]!.width, height: fit[0]!.height } : null,
        };
      }),
      vms: d.vms.map((v) => ({ id: v.id, usable: v.usable, mappings: v.mappings })),
      syncobjs: d.syncobjs.map((o) => ({ id: o.id, binary: o.binary, payload: o.payload, lastSubmitted: o.lastSubmitted })),
      groups: d.groups.map((g) => ({
        id: g.id, pid: g.pid, vm: g.vm, priority: g.priority, state: g.state,
        stateText: GROUP_STATE_BITS.filter(([bit]) => g.state & bit).map(([, t]) => t).join(', ') || 'ok',
      })),
    };
    return c.json(body);
  });

  app.get('/:id/bos/:bo', valid('param', boParam), valid('query', z.strictObject({ at: int(1), offset: int(0).optional(), length: int(1, BO_BYTES_MAX).optional() })), (c) => {
    const { id, bo } = c.req.valid('param');
    const q = c.req.valid('query');
    const found = boAt(deps, id, bo, q.at);
    if (!found.ok) return fail(c, found.failure);
    const { bytes } = found.value;
    const offset = q.offset ?? 0;
    if (offset > bytes.length) return fail(c, bad(`query parameter 'offset' (${offset}) is past the end of BO ${bo} (${bytes.length} bytes)`));
    const length = q.length ?? bytes.length - offset;
    if (offset + length > bytes.length) return fail(c, bad(`offset ${offset} + length ${length} is past the end of BO ${bo} (${bytes.length} bytes)`));
    if (length > BO_BYTES_MAX) return fail(c, bad(`BO ${bo} has ${bytes.length} bytes, more than one read returns (${BO_BYTES_MAX}): give offset and length`));
    return c.body(bytes.slice(offset, offset + length), 200, { 'content-type': 'application/octet-stream' });
  });

  app.get('/:id/bos/:bo/image.png', valid('param', boParam), valid('query', z.strictObject({ at: int(1), width: int(1, 16384).optional(), height: int(1, 16384).optional() })), (c) => {
    const { id, bo } = c.req.valid('param');
    const q = c.req.valid('query');
    if ((q.width === undefined) !== (q.height === undefined)) return fail(c, bad(`query parameters 'width' and 'height' go together`));
    const found = boAt(deps, id, bo, q.at);
    if (!found.ok) return fail(c, found.failure);
    const { bytes, reader } = found.value;
    const size = q.width !== undefined && q.height !== undefined ? { width: q.width, height: q.height } : imageSizeFor(reader, q.at, bytes.length);
    if ('error' in size) return fail(c, bad(size.error.replace('--width and --height', `query parameters 'width' and 'height'`)));
    const need = size.width * size.height * 4;
    if (need > bytes.length) return fail(c, bad(`a ${size.width}×${size.height} RGBA8 image needs ${need} bytes, BO ${bo} has ${bytes.length}`));
    return c.body(new Uint8Array(encodePng(size.width, size.height, bytes.subarray(0, need))), 200, { 'content-type': 'image/png' });
  });

  return app;
}

/** RGBA8 rows, row 0 on top, alpha as stored (as cli/png.ts writes frames). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, width * height * 4);
  return PNG.sync.write(png, { colorType: 6 });
}
