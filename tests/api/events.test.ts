/**
 * /api/captures/:id/events: pages equal the capture's rows (whole, by cursor, by
 * kind, layer, object, text), one event in detail (args, raw bytes, causes, effects,
 * a submit's disassembly), and every bad parameter a 400 with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDetail, EventPage, EventRow } from '../../api/contract';
import { apiFixture, type ApiFixture } from './api-fixture';

let f: ApiFixture;
const base = '/api/captures/vkcube.tfcap';
let total: number;

beforeAll(() => {
  f = apiFixture(['vkcube']);
  total = sqlSeqs('').length;
});
afterAll(() => f.remove());

async function all(query: string, limit = 300): Promise<EventRow[]> {
  const out: EventRow[] = [];
  let cursor: number | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: EventPage = await f.json<EventPage>(`${base}/events?limit=${limit}${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
    out.push(...page.events);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

function sqlSeqs(where: string, params: unknown[] = []): number[] {
  const r = f.reader('vkcube.tfcap').query(`SELECT seq FROM events ${where} ORDER BY seq`, params);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.rows.map((row) => Number(row[0]));
}

describe('event pages', () => {
  it('cursor paging walks every event once, in seq order, with the stored columns', async () => {
    const rows = await all('');
    expect(rows.length).toBe(total);
    expect(rows.map((r) => r.seq)).toEqual(sqlSeqs(''));
    const first = f.reader('vkcube.tfcap').eventRows({ fromSeq: 1, toSeq: 1 })[0]!;
    expect(rows[0]).toMatchObject({ seq: 1, tsNs: first.ts_ns, layer: first.layer, kind: first.kind, object: first.object, causeSeq: first.cause_seq });
  });

  it('a first page has limit events and a cursor at the next one', async () => {
    const page = await f.json<EventPage>(`${base}/events?limit=7&from=10`);
    expect(page.events.map((e) => e.seq)).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(page.nextCursor).toBe(17);
    const last = await f.json<EventPage>(`${base}/events?from=${total - 1}`);
    expect(last.events.map((e) => e.seq)).toEqual([total - 1, total]);
    expect(last.nextCursor).toBeNull();
  });

  it('filters by kind, layer, object and range like SQL does', async () => {
    expect((await all('&kind=kmd.ioctl', 50)).map((e) => e.seq)).toEqual(sqlSeqs(`WHERE kind = 'kmd.ioctl'`));
    expect((await all('&layer=hw')).map((e) => e.seq)).toEqual(sqlSeqs(`WHERE layer = 'hw'`));
    expect((await all('&object=frame:0')).map((e) => e.seq)).toEqual(sqlSeqs(`WHERE object = 'frame:0'`));
    expect((await all('&from=100&to=180&kind=hw.mmio')).map((e) => e.seq)).toEqual(sqlSeqs(`WHERE kind = 'hw.mmio' AND seq BETWEEN 100 AND 180`));
  });

  it('text matches the decoded one-line form, case-insensitively', async () => {
    const rows = await all('&text=group_submit', 3);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.text).toMatch(/^ioctl\(\d+, DRM_IOCTL_PANTHOR_GROUP_SUBMIT[,)]/);
    const submits = sqlSeqs(`WHERE kind IN ('kmd.ioctl', 'kmd.ioctl_enter') AND json_extract(args, '$.name') = 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT'`);
    expect(rows.map((r) => r.seq)).toEqual(submits);
  });

  it('refuses bad parameters with a reason', async () => {
    await f.expectError(`${base}/events?limit=0`, 400, /'limit'.*≥ 1/);
    await f.expectError(`${base}/events?limit=2001`, 400, /'limit'.*≤ 2000/);
    await f.expectError(`${base}/events?limit=ten`, 400, /'limit'.*integer/);
    await f.expectError(`${base}/events?kind=kmd.nope`, 400, /'kind'.*event kind/);
    await f.expectError(`${base}/events?layer=gpu`, 400, /'layer'/);
    await f.expectError(`${base}/events?from=9&to=3`, 400, /'from'.*after 'to'/);
    await f.expectError(`${base}/events?cursor=-1`, 400, /'cursor'/);
    await f.expectError(`${base}/events?colour=red`, 400, /unknown query parameter.*'colour'/);
    await f.expectError('/api/captures/nope.tfcap/events', 404, /no capture 'nope.tfcap'/);
  });
});

describe('one event', () => {
  it('a GROUP_SUBMIT ioctl: decoded args, raw argument bytes, causes, effects and its streams disassembled', async () => {
    const [seq] = sqlSeqs(`WHERE kind = 'kmd.ioctl' AND json_extract(args, '$.name') = 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT'`);
    const d = await f.json<EventDetail>(`${base}/events/${seq}`);
    const stored = f.reader('vkcube.tfcap').events({ fromSeq: seq, toSeq: seq });
    const e = stored.ok ? stored.value[0]!.event : undefined;
    if (e?.kind !== 'kmd.ioctl') throw new Error('not an ioctl');
    expect(d).toMatchObject({ seq, kind: 'kmd.ioctl', layer: 'kmd', args: { name: 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT', fd: e.fd, errno: 0 } });
    expect(d.args.argIn).toEqual({ $bytes: e.argIn.length, hex: Buffer.from(e.argIn).toString('hex') });
    expect(d.raw.find((r) => r.field === 'argIn')).toEqual({ field: 'argIn', sizeBytes: e.argIn.length, hex: Buffer.from(e.argIn).toString('hex'), truncated: false });
    expect(d.raw.some((r) => /^copies\[\d+\]\.bytes$/.test(r.field))).toBe(true);
    // Its jobs' streams: one disassembly per job queued, each a listing of CS instructions.
    const jobs = sqlSeqs(`WHERE kind = 'kmd.job_queued' AND json_extract(args, '$.ioctl') = ? AND seq < ?`, [e.id, seq]);
    expect(d.disassembly.length).toBe(jobs.length);
    expect(d.disassembly[0]!.lines.length).toBeGreaterThan(0);
    expect(d.disassembly[0]!.lines[0]).toMatch(/^0000: [A-Z]/);
    // Effects are the events whose cause chain leads here.
    const direct = sqlSeqs('WHERE cause_seq = ?', [seq]);
    for (const s of direct) expect(d.effects.map((x) => x.seq)).toContain(s);
  });

  it('causes walk cause_seq upward, nearest first', async () => {
    const [seq] = sqlSeqs(`WHERE kind = 'kmd.job_finished'`);
    const d = await f.json<EventDetail>(`${base}/events/${seq}`);
    expect(d.causes.length).toBeGreaterThan(0);
    let expected = d.causeSeq;
    for (const c of d.causes) {
      expect(c.seq).toBe(expected);
      expected = f.reader('vkcube.tfcap').eventRows({ fromSeq: c.seq, toSeq: c.seq })[0]!.cause_seq;
    }
    expect(expected).toBeNull();
    expect(d.disassembly.length).toBe(1); // the job's own stream
  });

  it('404 past the end, 400 for a bad seq', async () => {
    await f.expectError(`${base}/events/${total + 1}`, 404, /no event/);
    await f.expectError(`${base}/events/0`, 400, /'seq'.*≥ 1/);
    await f.expectError(`${base}/events/abc`, 400, /'seq'.*integer/);
  });
});
