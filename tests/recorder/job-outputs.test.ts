/**
 * What a capture holds about each job: the submitted command stream's bytes (decoded
 * on demand with the CS ISA table) and, per engine job, a hash of the memory it wrote
 * — equal across runs that compute the same thing, different when a bug changes it.
 */
import { describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { csIsa } from '../../engine/hw/cs-isa';
import { runApp } from '../../engine/session';
import { MemorySink } from '../../engine/trace/sink';

function record(app: string, inject: string[] = [], size?: number) {
  const sink = new MemorySink();
  const r = runApp(appByName(app)!, { sink, frames: 1, width: 32, height: 32, inject, ...(size ? { size } : {}) });
  return { r, events: sink.events };
}

describe('job outputs in the trace', () => {
  it('kmd.job_queued carries the submitted stream, which decodes to the work and the closing flush', () => {
    const { r, events } = record('compute');
    expect(r.error).toBeUndefined();
    const queued = events.flatMap((e) => (e.kind === 'kmd.job_queued' ? [e] : []));
    expect(queued.length).toBeGreaterThan(0);
    for (const q of queued) {
      expect(q.stream.length).toBe(q.streamSizeBytes);
      const ops = csIsa.fromBytes(q.stream).map(([lo, hi]) => csIsa.decode(lo, hi)?.op.name);
      expect(ops).not.toContain(undefined);
      if (q.streamSizeBytes) expect(ops.slice(-2)).toEqual(['BARRIER', 'FLUSH']);
    }
    expect(queued.some((q) => csIsa.fromBytes(q.stream).some(([lo, hi]) => csIsa.decode(lo, hi)?.op.name === 'DISPATCH'))).toBe(true);
  });

  it('hw.job write hashes repeat exactly for the same run and change when a bug changes the output', () => {
    const hashes = (events: ReturnType<typeof record>['events']) => events.flatMap((e) => (e.kind === 'hw.job' ? [`${e.op}:${e.writeHash}`] : []));
    const a = hashes(record('stress', [], 64).events);
    const b = hashes(record('stress', [], 64).events);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
    const buggy = hashes(record('stress', ['dma-drop-partial-page'], 64).events);
    expect(buggy).toHaveLength(a.length);
    const differing = a.filter((h, i) => h !== buggy[i]);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((h) => h.startsWith('COPY:'))).toBe(true);
  });
});
