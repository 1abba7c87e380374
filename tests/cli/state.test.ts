/**
 * Seeking (replayer/seek.ts) and `tracefold state`: the state at a seq reached by
 * restoring the nearest checkpoint and stepping forward equals the state reached by
 * replaying from the first event; BO dumps match the described content hash; an
 * image BO comes out as the frame the app presented; bad seqs are exit 1.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appByName } from '../../engine/apps/catalogue';
import { hashBytes } from '../../engine/base/hash';
import { describeState } from '../../engine/state-description';
import { stateHash } from '../../engine/snapshot';
import type { Output } from '../../cli/output';
import { decodePng } from '../../cli/png';
import { stateCommand } from '../../cli/state';
import { openCapture, type CaptureReader } from '../../recorder/capture/reader';
import { recordApp } from '../../recorder/record-session';
import { replayStateHash, stateAt, type SeekResult } from '../../replayer/seek';
import { tempDir } from '../support/capture-files';

const tmp = tempDir();
let file: string;
let reader: CaptureReader;
let events: number;

beforeAll(() => {
  file = tmp.path('vkcube.tfcap');
  const r = recordApp(appByName('vkcube')!, { frames: 3, width: 64, height: 64, seed: 3 }, file, {
    engineVersion: 'test', overwrite: true, checkpointEveryEvents: 100,
  });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.value.state).toBe('complete');
  expect(r.value.checkpoints).toBeGreaterThanOrEqual(4);
  events = r.value.events;
  const o = openCapture(file);
  if (!o.ok) throw new Error(o.error.message);
  reader = o.value;
});
afterAll(() => {
  reader?.close();
  tmp.remove();
});

function seek(seq: number, fromStart = false): SeekResult {
  const r = stateAt(reader, seq, { fromStart });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function hashOf(h: { ok: true; value: string } | { ok: false; error: string }): string {
  if (!h.ok) throw new Error(h.error);
  return h.value;
}

function checkpointSeqs(): number[] {
  const q = reader.query('SELECT seq FROM checkpoints ORDER BY seq');
  if (!q.ok) throw new Error(q.error.message);
  return q.value.rows.map((r) => Number(r[0]));
}

function lastPresent(): { seq: number; rgba: Uint8Array; width: number; height: number } {
  const r = reader.events({ kind: 'frame.present' });
  if (!r.ok) throw new Error(r.error.message);
  const d = r.value.at(-1)!;
  if (d.event.kind !== 'frame.present') throw new Error('not a frame');
  return { seq: d.seq, rgba: d.event.rgba, width: d.event.width, height: d.event.height };
}

function captured(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), tty: false };
}

describe('stateAt', () => {
  it('restoring the nearest checkpoint and stepping forward gives the state a replay from the start gives', () => {
    const cps = checkpointSeqs();
    // Before the first checkpoint, on one, just after one, between two, and the last event.
    const seqs = [3, cps[1]!, cps[1]! + 1, Math.floor((cps[2]! + cps[3]!) / 2), cps[3]! - 1, Math.floor(events * 0.9), events];
    for (const seq of seqs) {
      const near = seek(seq);
      const full = seek(seq, true);
      const expectedCp = cps.filter((c) => c <= seq).at(-1);
      expect(near.checkpoint?.seq, `seq ${seq}`).toBe(expectedCp);
      expect(full.checkpoint).toBeNull();
      if (expectedCp !== undefined && expectedCp > 1) expect(near.inputs).toBeLessThan(full.inputs);
      expect(describeState(near.stack), `seq ${seq}`).toEqual(describeState(full.stack));
      expect(hashOf(replayStateHash(near.stack)), `seq ${seq}`).toBe(hashOf(replayStateHash(full.stack)));
      expect(near.skipped).toEqual([]);
      expect(full.skipped).toEqual([]);
    }
  });

  it('at a checkpoint the restored state is the recorded one: same state hash', () => {
    const q = reader.query('SELECT seq, state_hash FROM checkpoints ORDER BY seq');
    if (!q.ok) throw new Error(q.error.message);
    for (const [seq, hash] of q.value.rows) {
      const s = seek(Number(seq));
      expect(s.inputs).toBe(0);
      expect(hashOf(stateHash(s.stack))).toBe(hash);
    }
  });

  it('the BOs at the last present are the ones the app holds; at the end every BO is gone', () => {
    const present = lastPresent().seq;
    const named = (name: string): number => {
      const r = reader.query(`SELECT count(*) FROM events WHERE kind = 'kmd.ioctl' AND json_extract(args, '$.name') = ? AND json_extract(args, '$.errno') = 0 AND seq <= ?`, [name, present]);
      if (!r.ok) throw new Error(r.error.message);
      return Number(r.value.rows[0]![0]);
    };
    const d = describeState(seek(present).stack);
    const withHandles = d.bos.filter((b) => b.handles.length > 0).length;
    expect(withHandles).toBe(named('DRM_IOCTL_PANTHOR_BO_CREATE') - named('DRM_IOCTL_GEM_CLOSE'));
    expect(withHandles).toBe(10);
    // Plus the kernel's ring and sync BOs of the one group.
    expect(d.bos.length).toBe(12);
    expect(describeState(seek(events).stack).bos).toEqual([]);
  });

  it('a seq outside the capture and a corrupt checkpoint are errors naming them', () => {
    expect(stateAt(reader, events + 1)).toEqual({ ok: false, error: `seq ${events + 1} is outside the capture (events 1..${events})` });
    expect(stateAt(reader, 0).ok).toBe(false);

    const copy = tmp.path('tampered.tfcap');
    copyFileSync(file, copy);
    const db = new Database(copy);
    const cp = checkpointSeqs()[2]!;
    db.prepare('UPDATE checkpoints SET state_hash = ? WHERE seq = ?').run('0'.repeat(32), cp);
    db.close();
    const o = openCapture(copy);
    if (!o.ok) throw new Error(o.error.message);
    try {
      const r = stateAt(o.value, cp + 1);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(new RegExp(`^checkpoint at seq ${cp}: restored state hash [0-9a-f]+ does not match the recorded 0{32}`));
    } finally {
      o.value.close();
    }
  });
});

describe('tracefold state', () => {
  it('prints the state readably and as JSON', () => {
    const present = lastPresent().seq;
    const io = captured();
    expect(stateCommand(file, { at: String(present) }, io)).toBe(0);
    expect(io.stderr).toEqual([]);
    const text = io.stdout.join('\n');
    expect(io.stdout[0]).toMatch(new RegExp(`^state of .*vkcube\\.tfcap just after seq ${present} \\(api frame\\.present\\), virtual time [\\d.]+ s$`));
    expect(io.stdout[1]).toMatch(/^ {2}restored the checkpoint at seq \d+ \(state hash [0-9a-f]+\), then replayed \d+ input\(s\)$/);
    for (const h of ['BOs (12)', 'VMs (1)', 'groups (1)', 'hardware slots (']) expect(text).toContain(h);

    const json = captured();
    expect(stateCommand(file, { at: String(present), json: true }, json)).toBe(0);
    const parsed = JSON.parse(json.stdout.join('\n')) as { seq: number; state: unknown };
    expect(parsed.seq).toBe(present);
    expect(parsed.state).toEqual(JSON.parse(JSON.stringify(describeState(seek(present).stack))));
  });

  it('--bo dumps bytes whose hash is the described content hash', () => {
    const present = lastPresent().seq;
    const d = describeState(seek(present).stack);
    for (const handle of [1, 4, 5]) {
      const bo = d.bos.find((b) => b.handles.some((h) => h.handle === handle))!;
      const out = tmp.path(`bo${handle}.bin`);
      const io = captured();
      expect(stateCommand(file, { at: String(present), bo: String(handle), output: out }, io)).toBe(0);
      const bytes = new Uint8Array(readFileSync(out));
      expect(bytes.length).toBe(bo.sizeBytes);
      expect(hashBytes(bytes)).toBe(bo.contentHash);
    }
  });

  it('--image writes the presented swapchain image as the frame the capture recorded', () => {
    const frame = lastPresent();
    const d = describeState(seek(frame.seq).stack);
    const imageSized = d.bos.filter((b) => b.handles.length && b.sizeBytes === frame.width * frame.height * 4 && b.cpuMappings.length);
    expect(imageSized.length).toBe(3); // the swapchain's images (the depth image is not CPU-mapped)
    const matches: number[] = [];
    for (const bo of imageSized) {
      const handle = bo.handles[0]!.handle;
      const out = tmp.path(`image${handle}.png`);
      const io = captured();
      expect(stateCommand(file, { at: String(frame.seq), bo: String(handle), output: out, image: true }, io), io.stderr.join('\n')).toBe(0);
      expect(io.stdout[0]).toContain(`as a ${frame.width}×${frame.height} PNG`);
      const png = decodePng(readFileSync(out));
      expect([png.width, png.height]).toEqual([frame.width, frame.height]);
      if (Buffer.from(png.rgba).equals(Buffer.from(frame.rgba))) matches.push(handle);
    }
    expect(matches.length).toBe(1);
  });

  it('exit 1 with a clear message for a seq past the end and for bad options', () => {
    const io = captured();
    expect(stateCommand(file, { at: String(events + 5) }, io)).toBe(1);
    expect(io.stderr).toEqual([`tracefold state: ${file}: seq ${events + 5} is outside the capture (events 1..${events})`]);
    expect(io.stdout).toEqual([]);

    const cases: Array<[Parameters<typeof stateCommand>[1], RegExp]> = [
      [{}, /--at SEQ is required/],
      [{ at: 'x' }, /--at must be an integer/],
      [{ at: '5', bo: '1' }, /--bo needs -o OUT/],
      [{ at: '5', image: true, output: 'x.png' }, /go with --bo HANDLE/],
      [{ at: String(lastPresent().seq), bo: '99', output: tmp.path('none.bin') }, /no BO has handle 99/],
    ];
    for (const [flags, message] of cases) {
      const e = captured();
      expect(stateCommand(file, flags, e)).toBe(1);
      expect(e.stderr.join('\n')).toMatch(message);
    }
    const missing = captured();
    expect(stateCommand(tmp.path('nope.tfcap'), { at: '1' }, missing)).toBe(1);
    expect(missing.stderr.length).toBe(1);
  });
});
