/**
 * Strict ioctl replay stops at the first regenerated event that depends on a
 * tampered input, and the report points back at the input:
 * - one byte of a CPU write into mapped memory (vkcube's uniforms) → the first
 *   engine job that reads it, the draw, writes something else (its write hash);
 * - one byte of an ioctl's argument struct (BO_CREATE flags) → that ioctl's own
 *   return (errno and out-arguments);
 * - one byte the kernel copied in from user memory (GROUP_SUBMIT's queue_submit
 *   stream_size) → the job the submit queues, caused by that ioctl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IoctlEvent, MemWriteEvent } from '../../engine/trace/events';
import { openCapture, type CaptureReader, type DecodedEvent } from '../../recorder/capture/reader';
import type { Divergence } from '../../replayer/divergence';
import { replayCapture } from '../../replayer/replay';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';
import { tamperEventBytes } from '../support/tamper';

const tmp = tempDir();
let clean: string;
beforeAll(() => {
  clean = recordSmall('vkcube', tmp.path('vkcube.tfcap'));
});
afterAll(() => tmp.remove());

function withReader<T>(path: string, fn: (r: CaptureReader) => T): T {
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  try {
    return fn(r.value);
  } finally {
    r.value.close();
  }
}

function all(reader: CaptureReader): DecodedEvent[] {
  const r = reader.events({});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function strictReplay(path: string): readonly Divergence[] {
  return withReader(path, (reader) => {
    const r = replayCapture(reader, { level: 'ioctl', verify: 'strict' });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.divergences;
  });
}

/** The app's last write into mapped memory before the first draw: frame 0's uniforms. */
function uniformsWrite(): DecodedEvent {
  return withReader(clean, (r) => {
    const events = all(r);
    const draw = events.find((d) => d.event.kind === 'hw.job' && d.event.op === 'DRAW')!;
    return events.filter((d) => d.seq < draw.seq && d.event.kind === 'mem.write' && (d.event as MemWriteEvent).memory !== 0).at(-1)!;
  });
}

describe('tampered captures', () => {
  it('the clean capture replays without divergence', () => {
    expect(strictReplay(clean)).toEqual([]);
  });

  it('a flipped byte of a mapped-memory write: stops at the draw that reads it, with a different write hash', () => {
    const write = uniformsWrite();
    const path = tmp.path('mem-write.tfcap');
    // Byte 3 of the first float of the uniforms: its exponent, so the transform really changes.
    tamperEventBytes(clean, path, write.seq, 'bytes', (b) => void (b[3]! ^= 0x40));
    const divergences = strictReplay(path);
    expect(divergences).toHaveLength(1);
    const d = divergences[0]!;
    expect(d.seq).toBeGreaterThan(write.seq);
    expect(d).toMatchObject({ kind: 'hw.job', layer: 'hw', object: 'slot:0' });
    expect(d.expected).toMatchObject({ kind: 'hw.job', op: 'DRAW' });
    expect(d.fields.map((f) => f.path)).toContain('writeHash');
    // Everything before it matched: the fills that clear the targets do not read uniforms.
    const before = withReader(path, (r) => all(r).filter((e) => e.seq > write.seq && e.seq < d.seq && e.event.kind === 'hw.job'));
    expect(before.length).toBeGreaterThan(0);
    // The chain leads back to the submit that queued the draw.
    expect(d.chain.map((c) => c.kind)).toEqual(expect.arrayContaining(['kmd.job_started', 'kmd.job_queued', 'kmd.ioctl_enter']));
    expect(d.context.map((c) => c.seq)).toContain(d.seq);
  });

  it('a flipped byte of an ioctl argument struct: stops at that ioctl\'s return', () => {
    const create = withReader(clean, (r) => all(r).find((d) => d.event.kind === 'kmd.ioctl' && d.event.name === 'DRM_IOCTL_PANTHOR_BO_CREATE')!);
    const path = tmp.path('arg-in.tfcap');
    tamperEventBytes(clean, path, create.seq, 'argIn', (b) => void (b[8]! ^= 0x80)); // flags: a bit no kernel knows
    const [d, ...more] = strictReplay(path);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ seq: create.seq, kind: 'kmd.ioctl', layer: 'kmd' });
    expect(d!.fields).toContainEqual({ path: 'errno', expected: '0', actual: '22' });
    expect(d!.fields.map((f) => f.path)).toContain('argOut.handle');
    expect(d!.chain[0]).toMatchObject({ seq: create.causeSeq, kind: 'kmd.ioctl_enter' });
  });

  it('a flipped byte of a copied-in array: stops at the job the submit queues, caused by that ioctl', () => {
    const submit = withReader(clean, (r) => all(r).find((d) => d.event.kind === 'kmd.ioctl' && d.event.name === 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT')!);
    const copy = (submit.event as IoctlEvent).copies.findIndex((c) => c.dir === 'in' && c.bytes.length === 40); // drm_panthor_queue_submit
    expect(copy).toBeGreaterThanOrEqual(0);
    const path = tmp.path('copy-in.tfcap');
    tamperEventBytes(clean, path, submit.seq, `copies[${copy}].bytes`, (b) => void (b[4]! ^= 0x08)); // stream_size: one instruction less
    const [d, ...more] = strictReplay(path);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ kind: 'kmd.job_queued', layer: 'kmd' });
    expect(d!.seq).toBeGreaterThan(submit.causeSeq!);
    expect(d!.seq).toBeLessThan(submit.seq);
    expect(d!.fields.map((f) => f.path)).toContain('streamSizeBytes');
    expect(d!.chain[0]).toMatchObject({ seq: submit.causeSeq, kind: 'kmd.ioctl_enter', text: expect.stringContaining('GROUP_SUBMIT') });
  });

  it('keep-going reports more than the first divergence', () => {
    const write = uniformsWrite();
    const path = tmp.path('keep-going.tfcap');
    tamperEventBytes(clean, path, write.seq, 'bytes', (b) => void (b[3]! ^= 0x40));
    const n = withReader(path, (reader) => {
      const r = replayCapture(reader, { keepGoing: true });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.divergences.length;
    });
    expect(n).toBeGreaterThan(1);
  });
});
