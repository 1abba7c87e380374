/** The row codec's JSON is JSON.stringify's, byte arrays become blob references, and blobs survive their codec. */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../engine/trace/events';
import { decodeBlob, encodeBlob } from './blob-codec';
import { decodeEvent, encodeEvent } from './row-codec';

function memoryBlobs(): { put(b: Uint8Array): number; get(id: number): Uint8Array | undefined } {
  const stored: Uint8Array[] = [];
  return { put: (b) => stored.push(b.slice()), get: (id) => stored[id - 1] };
}

describe('row codec', () => {
  it('writes the same args text as JSON.stringify, with blob references', () => {
    const e: TraceEvent = { kind: 'hw.fault', tsNs: 1, slot: 0, as: 1, fault: 'PERMISSION', va: 2 ** 47, access: 'read', detail: 'quote " backslash \\ newline \n tab \t é 𝄞' };
    const row = encodeEvent(e, memoryBlobs());
    const { kind: _k, tsNs: _t, ...args } = e;
    expect(row.args).toBe(JSON.stringify(args));
    expect(row).toMatchObject({ tsNs: 1, durNs: null, pid: null, tid: null, layer: 'hw', kind: 'hw.fault', object: 'as:1' });
  });

  it('round-trips nested byte arrays and reports missing blobs', () => {
    const blobs = memoryBlobs();
    const e: TraceEvent = {
      kind: 'kmd.ioctl', tsNs: 5, durNs: 9, pid: 2, fd: 4, request: 1, name: 'X', argIn: Uint8Array.of(1, 2), argOut: new Uint8Array(0),
      copies: [{ dir: 'out', addr: 16, bytes: Uint8Array.of(3) }], errno: 0, id: 7,
    };
    const row = encodeEvent(e, blobs);
    expect(row.args).toBe('{"durNs":9,"pid":2,"fd":4,"request":1,"name":"X","argIn":{"$blob":1},"argOut":{"$blob":2},"copies":[{"dir":"out","addr":16,"bytes":{"$blob":3}}],"errno":0,"id":7}');
    const stored = { ts_ns: row.tsNs, dur_ns: row.durNs, pid: row.pid, kind: row.kind, args: row.args };
    expect(decodeEvent(stored, blobs.get)).toEqual({ ok: true, value: e });
    expect(decodeEvent(stored, () => undefined)).toMatchObject({ ok: false, error: { code: 'bad-row', message: expect.stringContaining('missing blob(s) 1, 2, 3') } });
    expect(decodeEvent({ ...stored, kind: 'gpu.teleport' }, blobs.get)).toMatchObject({ ok: false, error: { code: 'bad-row' } });
  });

  it('compresses big payloads with zstd, keeps small or incompressible ones raw', () => {
    const zeros = new Uint8Array(4096);
    const big = encodeBlob(zeros);
    expect(big.codec).toBe('zstd');
    expect(big.data.length).toBeLessThan(64);
    expect(decodeBlob(big.codec, big.data)).toEqual(zeros);
    expect(encodeBlob(new Uint8Array(100)).codec).toBe('raw');
    const noise = Uint8Array.from({ length: 1024 }, (_, i) => (i * 2654435761) >>> 24);
    const n = encodeBlob(noise);
    expect(decodeBlob(n.codec, n.data)).toEqual(noise);
  });
});
