import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import type { TraceEvent } from '../../engine/trace/events';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { exportCapture } from '../../recorder/export/export-capture';
import { INTERNED_NAMES_MAX, PerfettoSink, SEQ_EVENTS } from '../../recorder/export/perfetto/perfetto-sink';
import { recordApp } from '../../recorder/record-session';
import { tempDir } from '../support/capture-files';
import { decodeTrace, type DecodedEvent } from '../support/proto-decode';

const tmp = tempDir();
afterAll(() => tmp.remove());

function record(app: string, frames: number): CaptureReader {
  const path = tmp.path(`${app}.tfcap`);
  const r = recordApp(appByName(app)!, { frames, width: 64, height: 64 }, path, { engineVersion: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  const reader = openCapture(path);
  if (!reader.ok) throw new Error(reader.error.message);
  return reader.value;
}

function exportBytes(reader: CaptureReader, format: 'perfetto' | 'json'): Uint8Array {
  const chunks: Uint8Array[] = [];
  const r = exportCapture(reader, { format, out: { write: (b) => chunks.push(b.slice()) } });
  if (!r.ok) throw new Error(r.error.message);
  return Buffer.concat(chunks);
}

function eventsOf(reader: CaptureReader): { seq: number; event: TraceEvent }[] {
  const r = reader.events();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe.each([['vkcube', 4], ['sharing', 2]] as const)('Perfetto export of %s', (app, frames) => {
  let reader: CaptureReader;
  let trace: ReturnType<typeof decodeTrace>;
  let events: { seq: number; event: TraceEvent }[];
  beforeAll(() => {
    reader = record(app, frames);
    trace = decodeTrace(exportBytes(reader, 'perfetto'));
    events = eventsOf(reader);
  });
  afterAll(() => reader.close());

  const slicesOn = (track: number): DecodedEvent[] => trace.events.filter((e) => e.track === track && e.type === 1);

  it('keeps the rules trace_processor enforces silently', () => {
    const te = trace.events;
    expect(te.length).toBeGreaterThan(0);
    expect(te.every((e) => e.seqId === SEQ_EVENTS)).toBe(true);
    expect(te[0]!.flags).toBe(3);
    expect(te.slice(1).every((e) => e.flags === 2)).toBe(true);
    // Flow ids: one fixed64 tag each (wire type 1), never packed.
    expect(te.flatMap((e) => e.flowWireTypes).every((w) => w === 1)).toBe(true);
    const counterTracks = new Set(trace.tracks.filter((t) => t.kind === 'counter').map((t) => t.uuid));
    for (const e of te) expect(e.type === 4).toBe(counterTracks.has(e.track));
    expect(trace.tracks.every((t) => t.uuid > 0 && t.uuid < 2 ** 63)).toBe(true);
    // Every event lands on a described track; BEGIN/END balance per track.
    const described = new Set(trace.tracks.map((t) => t.uuid));
    expect(te.every((e) => described.has(e.track))).toBe(true);
    for (const t of described) expect(te.filter((e) => e.track === t && e.type === 1).length).toBe(te.filter((e) => e.track === t && e.type === 2).length);
  });

  it('lays the tracks out top-down: processes, threads, ioctls, scheduler queues, slots, fences', () => {
    const pids = [...new Set(events.filter((e) => e.event.kind === 'kmd.ioctl').map((e) => (e.event as { pid: number }).pid))];
    const processes = trace.tracks.filter((t) => t.kind === 'process');
    expect(processes.map((p) => p.pid).sort()).toEqual(pids.sort());
    expect(processes.every((p) => p.name === `${app} pid ${p.pid}`)).toBe(true);
    for (const pid of pids) {
      const proc = processes.find((p) => p.pid === pid)!;
      const ioctls = trace.tracks.filter((t) => t.name === 'ioctls' && t.parent === proc.uuid);
      // Slice count per track: one ioctl slice per kmd.ioctl of that process.
      const recorded = events.filter((e) => e.event.kind === 'kmd.ioctl' && e.event.pid === pid).length;
      expect(ioctls.reduce((n, t) => n + slicesOn(t.uuid).length, 0)).toBe(recorded);
      expect(trace.tracks.some((t) => t.kind === 'thread' && t.pid === pid && t.parent === undefined)).toBe(true);
    }
    const sched = trace.tracks.find((t) => t.name === 'KMD scheduler')!;
    const gpu = trace.tracks.find((t) => t.name === 'GPU')!;
    const slots = trace.tracks.filter((t) => t.parent === gpu.uuid && t.name.startsWith('CS slot'));
    const started = events.filter((e) => e.event.kind === 'kmd.job_started');
    expect(slots.reduce((n, t) => n + slicesOn(t.uuid).length, 0)).toBe(started.length);
    const groups = trace.tracks.filter((t) => t.parent === sched.uuid);
    const queues = trace.tracks.filter((t) => groups.some((g) => g.uuid === t.parent));
    const queued = events.filter((e) => e.event.kind === 'kmd.job_queued');
    expect(queues.reduce((n, t) => n + slicesOn(t.uuid).length, 0)).toBe(queued.length);
    const fences = trace.tracks.find((t) => t.name === 'Fences')!;
    expect(trace.events.filter((e) => e.track === fences.uuid && e.name?.startsWith('signal ')).length)
      .toBe(events.filter((e) => e.event.kind === 'kmd.fence_signal').length);
  });

  it('links a submit to its job, the fence it signals and the wait it ends', () => {
    const submit = trace.events.find((e) => e.name === 'PANTHOR_GROUP_SUBMIT' && e.flowIds.length === 1)!;
    expect(submit).toBeDefined();
    const id = submit.flowIds[0]!;
    const chain = trace.events.filter((e) => e.flowIds.includes(id)).sort((a, b) => a.ts - b.ts).map((e) => e.name ?? '');
    expect(chain[0]).toBe('PANTHOR_GROUP_SUBMIT');
    expect(chain[1]).toMatch(/^job \d+$/);
    expect(chain.some((n) => n.startsWith('signal '))).toBe(true);
    // The job in the chain is the one the submit queued (its cause is that ioctl).
    const jobName = chain[1]!;
    const jobId = Number(jobName.slice(4));
    const queuedBy = events.find((e) => e.event.kind === 'kmd.job_queued' && e.event.jobId === jobId)!;
    expect(queuedBy.event.kind === 'kmd.job_queued' && queuedBy.event.ioctl).toBe(submit.args.id);
  });

  it('counts jobs in flight and BO memory from the events', () => {
    const track = (name: string): number => trace.tracks.find((t) => t.name === name && t.kind === 'counter')!.uuid;
    const inFlight = trace.events.filter((e) => e.track === track('jobs in flight')).map((e) => e.counter!);
    const jobs = events.filter((e) => e.event.kind === 'kmd.job_queued').length;
    expect(inFlight.length).toBe(2 * jobs);
    expect(Math.min(...inFlight)).toBe(0);
    expect(inFlight[inFlight.length - 1]).toBe(0);
    const bo = trace.events.filter((e) => e.track === track('BO memory allocated')).map((e) => e.counter!);
    const creates = events.filter((e) => e.event.kind === 'kmd.ioctl' && e.event.name === 'DRM_IOCTL_PANTHOR_BO_CREATE' && e.event.errno === 0).length;
    expect(bo.length).toBeGreaterThanOrEqual(creates);
    expect(Math.max(...bo)).toBeGreaterThan(0);
  });

  it('exports Chrome JSON with the same slices', () => {
    const json = JSON.parse(Buffer.from(exportBytes(reader, 'json')).toString('utf8')) as { traceEvents: { ph: string; cat?: string }[] };
    const x = json.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'ioctl').length;
    expect(x).toBe(events.filter((e) => e.event.kind === 'kmd.ioctl').length);
    expect(json.traceEvents.filter((e) => e.ph === 'B').length).toBe(json.traceEvents.filter((e) => e.ph === 'E').length);
  });
});

describe('Perfetto export of many distinct names', () => {
  it('interns the first INTERNED_NAMES_MAX event names and writes later new ones inline, all decoding to their names', () => {
    const chunks: Uint8Array[] = [];
    const sink = new PerfettoSink({ write: (b) => chunks.push(b.slice()) });
    sink.item({ type: 'track', track: { id: 1, kind: 'slices', name: 'jobs', parent: null, rank: 0 } });
    const count = INTERNED_NAMES_MAX + 500;
    for (let i = 0; i < count; i++) sink.item({ type: 'instant', track: 1, tsNs: i, seq: i + 1, name: `job ${i}`, category: 'kmd', args: {}, flows: [] });
    sink.item({ type: 'instant', track: 1, tsNs: count, seq: count + 1, name: 'job 7', category: 'kmd', args: {}, flows: [] });
    sink.flush();
    const events = decodeTrace(Buffer.concat(chunks)).events;
    expect(events.map((e) => e.name)).toEqual([...Array.from({ length: count }, (_, i) => `job ${i}`), 'job 7']);
    const inline = events.filter((e) => !e.nameInterned).map((e) => e.name);
    expect(inline).toEqual(Array.from({ length: 500 }, (_, i) => `job ${INTERNED_NAMES_MAX + i}`));
  });
});
