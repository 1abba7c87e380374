/**
 * Causal links on real runs: vkcube and sharing (two processes, timeline syncobjs
 * across a process boundary) recorded through the API tap and the CausalLinker.
 * Every job, job fence, wait end and ioctl return has a cause of the right kind
 * naming the same object; following causes from a wait's end leads back to the
 * GROUP_SUBMIT and the vkQueueSubmit2 behind it (or, for a fence created signalled,
 * to the SYNCOBJ_CREATE in vkCreateFence); the same seed gives the same
 * (event, cause) sequence; and through a real capture file cause_seq is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { sharing } from '../../engine/apps/sharing';
import { vkcube } from '../../engine/apps/vkcube';
import { runApp, type RunResult } from '../../engine/session';
import type { EventKind, EventOf, TraceEvent } from '../../engine/trace/events';
import { withApiTap } from '../../recorder/api-tap';
import { CausalLinker, type CausalAppender } from '../../recorder/causality';
import { openCapture } from '../../recorder/capture/reader';
import { CaptureWriter } from '../../recorder/capture/writer';
import { tempDir, testInfo } from '../support/capture-files';

interface Linked {
  readonly seq: number;
  readonly event: TraceEvent;
  readonly cause: number | null;
}

/** A writer stand-in: numbers events 1, 2, … and keeps (event, cause). */
class PairRecorder implements CausalAppender {
  readonly rows: Linked[] = [];
  append(event: TraceEvent, cause: number | null): number {
    const seq = this.rows.length + 1;
    this.rows.push({ seq, event, cause });
    return seq;
  }
}

function record(app: App, seed = 1, frames = 3): { result: RunResult; rows: Linked[] } {
  const out = new PairRecorder();
  const sink = new CausalLinker(out);
  const result = runApp(app, { seed, frames, sink, keepFrames: false, wrapVk: (vk, pid, nowNs) => withApiTap(vk, sink, pid, nowNs) });
  return { result, rows: out.rows };
}

/** Query helpers over one recorded run. */
function view(rows: readonly Linked[]) {
  const bySeq = (seq: number | null): Linked | undefined => (seq === null ? undefined : rows[seq - 1]);
  const all = <K extends EventKind>(kind: K) => rows.filter((r) => r.event.kind === kind) as Array<Linked & { event: EventOf<K> }>;
  const causeOf = <K extends EventKind>(r: Linked, kind: K): EventOf<K> => {
    const c = bySeq(r.cause);
    expect(c, `${r.event.kind} #${r.seq} has no cause`).toBeDefined();
    expect(c!.seq).toBeLessThan(r.seq);
    expect(c!.event.kind, `cause of ${r.event.kind} #${r.seq}`).toBe(kind);
    return c!.event as EventOf<K>;
  };
  const chain = (r: Linked): TraceEvent[] => {
    const out: TraceEvent[] = [];
    for (let c = bySeq(r.cause); c; c = bySeq(c.cause)) out.push(c.event);
    return out;
  };
  return { bySeq, all, causeOf, chain };
}

function assertLinks(rows: readonly Linked[]): void {
  const v = view(rows);
  const firstCall = rows.find((r) => r.event.kind === 'api.call')!.seq;
  for (const r of v.all('kmd.ioctl_enter')) {
    // ioctls the UMD makes while being created (before the app holds the table) have no API call.
    if (r.seq > firstCall) expect(v.causeOf(r, 'api.call').pid).toBe(r.event.pid);
  }
  for (const r of v.all('kmd.ioctl')) {
    const enter = v.causeOf(r, 'kmd.ioctl_enter');
    expect([enter.id, enter.name, enter.pid, enter.fd]).toEqual([r.event.id, r.event.name, r.event.pid, r.event.fd]);
  }
  for (const r of v.all('kmd.job_queued')) {
    const enter = v.causeOf(r, 'kmd.ioctl_enter');
    expect([enter.id, enter.name]).toEqual([r.event.ioctl, 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT']);
  }
  for (const r of v.all('kmd.job_started')) expect(v.causeOf(r, 'kmd.job_queued').jobId).toBe(r.event.jobId);
  for (const r of v.all('kmd.job_finished')) expect(v.causeOf(r, 'kmd.job_started').jobId).toBe(r.event.jobId);
  for (const r of v.all('hw.job')) expect(v.causeOf(r, 'kmd.job_started').slot).toBe(r.event.slot);
  for (const r of v.all('kmd.fence_signal')) {
    if (r.event.jobId) expect(v.causeOf(r, 'kmd.job_finished').jobId).toBe(r.event.jobId);
    else expect(v.causeOf(r, 'kmd.ioctl_enter').id).toBe(r.event.ioctl);
  }
  for (const r of v.all('kmd.wait_end')) {
    expect(r.event.endedBy).not.toBeNull();
    const signal = v.causeOf(r, 'kmd.fence_signal');
    expect({ context: signal.context, seqno: signal.seqno }).toEqual(r.event.endedBy);
  }
  for (const r of v.all('kmd.syncobj')) expect(v.causeOf(r, 'kmd.ioctl_enter').id).toBe(r.event.ioctl);
  for (const r of v.all('api.return')) expect(v.causeOf(r, 'api.call').name).toBe(r.event.name);
  // Published by whichever call made the write visible to the GPU (flush, unmap, a UMD upload, end of recording).
  for (const r of v.all('mem.write')) expect(v.causeOf(r, 'api.call').pid).toBe(r.event.pid);
  for (const r of v.all('frame.present')) expect(v.causeOf(r, 'api.call').name).toBe('vkQueuePresentKHR');
}

const canonical = (rows: readonly Linked[]): string[] =>
  rows.map((r) => `${r.cause ?? '-'} ${JSON.stringify(r.event, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x))}`);

describe('causal links: vkcube', () => {
  let run: ReturnType<typeof record>;
  beforeAll(() => {
    run = record(vkcube);
  });

  it('runs unchanged under the tap', () => {
    expect(run.result.error).toBeUndefined();
    expect(run.result.checks.every((c) => c.ok)).toBe(true);
  });

  it('gives every job, fence, wait and ioctl a cause of the right kind for the same object', () => {
    const v = view(run.rows);
    for (const kind of ['kmd.job_queued', 'kmd.job_started', 'kmd.job_finished', 'kmd.fence_signal', 'kmd.wait_end', 'kmd.ioctl', 'hw.job', 'mem.write', 'frame.present'] as const) {
      expect(v.all(kind).length, kind).toBeGreaterThan(0);
    }
    assertLinks(run.rows);
  });

  it('leads from a wait end back to the GROUP_SUBMIT and the vkQueueSubmit2 that caused it', () => {
    const v = view(run.rows);
    const jobWaits = v.all('kmd.wait_end').filter((r) => v.bySeq(r.cause)?.event.kind === 'kmd.fence_signal' && (v.bySeq(r.cause)!.event as EventOf<'kmd.fence_signal'>).jobId > 0);
    expect(jobWaits.length).toBeGreaterThanOrEqual(3); // at least one per frame
    for (const w of jobWaits) {
      const kinds = v.chain(w).map((e) => e.kind);
      expect(kinds).toEqual(['kmd.fence_signal', 'kmd.job_finished', 'kmd.job_started', 'kmd.job_queued', 'kmd.ioctl_enter', 'api.call']);
      const [, , , , enter, call] = v.chain(w) as [unknown, unknown, unknown, unknown, EventOf<'kmd.ioctl_enter'>, EventOf<'api.call'>];
      expect(enter.name).toBe('DRM_IOCTL_PANTHOR_GROUP_SUBMIT');
      expect(call.name).toBe('vkQueueSubmit2');
      expect(call.pid).toBe(w.event.pid);
      // And the wait's own ioctl came from an API wait.
      const waitEnter = v.all('kmd.ioctl_enter').find((r) => r.event.id === w.event.ioctl)!;
      expect(['vkWaitForFences', 'vkWaitSemaphores', 'vkQueueWaitIdle', 'vkDeviceWaitIdle', 'vkAcquireNextImageKHR', 'vkQueuePresentKHR']).toContain((v.bySeq(waitEnter.cause)!.event as EventOf<'api.call'>).name);
    }
  });

  it('decodes each event family with its content', () => {
    const v = view(run.rows);
    const names = new Set(v.all('api.call').map((r) => r.event.name));
    for (const n of ['vkCreateInstance', 'vkCreateDevice', 'vkAllocateMemory', 'vkMapMemory', 'vkCmdDraw', 'vkQueueSubmit2', 'vkQueuePresentKHR']) expect(names).toContain(n);
    const ioctlNames = new Set(v.all('kmd.ioctl').map((r) => r.event.name));
    for (const n of ['DRM_IOCTL_PANTHOR_GROUP_SUBMIT', 'DRM_IOCTL_PANTHOR_VM_BIND', 'DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT']) expect(ioctlNames).toContain(n);
    // Returns: VkResult and value summaries; the mapping only by its length.
    const map = v.all('api.return').find((r) => r.event.name === 'vkMapMemory')!;
    expect(map.event.result).toBe(0);
    expect(map.event.value).toEqual({ lengthBytes: expect.any(Number) });
    const draw = v.all('api.return').find((r) => r.event.name === 'vkCmdDraw')!;
    expect([draw.event.result, draw.event.value]).toEqual([null, null]);
    const submit = v.all('api.call').find((r) => r.event.name === 'vkQueueSubmit2')!;
    expect(typeof submit.event.args[0]).toBe('number');
    expect(Array.isArray(submit.event.args[1])).toBe(true);
    // Each ioctl's enter precedes its return with the same request, and ids count up.
    const ids = v.all('kmd.ioctl_enter').map((r) => r.event.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(v.all('frame.present').map((r) => r.event.frame)).toEqual([0, 1, 2]);
    const publishers = new Set(v.all('mem.write').map((r) => (v.bySeq(r.cause)!.event as EventOf<'api.call'>).name));
    expect(publishers).toEqual(new Set(['vkUnmapMemory', 'vkCreateGraphicsPipelines', 'vkFlushMappedMemoryRanges', 'vkEndCommandBuffer']));
    expect(v.all('hw.job').some((r) => r.event.op === 'DRAW' && r.event.ok)).toBe(true);
    expect(v.all('kmd.fence_signal').filter((r) => r.event.jobId).every((r) => r.event.error === 0)).toBe(true);
  });

  it('is deterministic: the same seed gives the same (event, cause) sequence', () => {
    expect(canonical(record(vkcube).rows)).toEqual(canonical(run.rows));
  });
});

describe('causal links: sharing', () => {
  let run: ReturnType<typeof record>;
  beforeAll(() => {
    run = record(sharing);
  });

  it('links both processes: each wait ends on its own process\'s submit, or on the ioctl that signalled a fence', () => {
    expect(run.result.error).toBeUndefined();
    expect(run.result.checks.every((c) => c.ok)).toBe(true);
    assertLinks(run.rows);
    const v = view(run.rows);
    const pids = new Set(v.all('api.call').map((r) => r.event.pid));
    expect(pids.size).toBe(2);
    const origins = v.all('kmd.wait_end').map((w) => {
      const chain = v.chain(w);
      const call = chain.at(-1) as EventOf<'api.call'>;
      expect(call.kind).toBe('api.call');
      expect(call.pid).toBe(w.event.pid);
      return chain.length === 6 ? call.name : `${(chain[1] as EventOf<'kmd.ioctl_enter'>).name} in ${call.name}`;
    });
    expect(new Set(origins)).toEqual(new Set(['vkQueueSubmit2', 'DRM_IOCTL_SYNCOBJ_CREATE in vkCreateFence']));
    expect(new Set(v.all('kmd.wait_end').map((w) => w.event.pid))).toEqual(pids);
  });

  it('is deterministic', () => {
    expect(canonical(record(sharing).rows)).toEqual(canonical(run.rows));
  });
});

describe('causal links through a capture file', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('stores cause_seq so a wait end finds its submit with SQL alone', () => {
    const path = tmp.path('vkcube.tfcap');
    const w = CaptureWriter.create(path, testInfo('vkcube'));
    if (!w.ok) throw new Error(w.error.message);
    const sink = new CausalLinker(w.value);
    runApp(vkcube, { seed: 1, frames: 2, sink, keepFrames: false, wrapVk: (vk, pid, nowNs) => withApiTap(vk, sink, pid, nowNs) });
    expect(w.value.finish('complete').ok).toBe(true);
    const r = openCapture(path);
    if (!r.ok) throw new Error(r.error.message);
    const q = r.value.query(`
      WITH RECURSIVE up(seq, kind, cause_seq, args, depth) AS (
        SELECT seq, kind, cause_seq, args, 0 FROM events WHERE kind = 'kmd.wait_end' AND seq = (SELECT max(seq) FROM events WHERE kind = 'kmd.wait_end')
        UNION ALL SELECT e.seq, e.kind, e.cause_seq, e.args, up.depth + 1 FROM events e JOIN up ON e.seq = up.cause_seq)
      SELECT kind, json_extract(args, '$.name') FROM up ORDER BY depth`);
    expect(q.ok && q.value.rows).toEqual([
      ['kmd.wait_end', null], ['kmd.fence_signal', null], ['kmd.job_finished', null], ['kmd.job_started', null],
      ['kmd.job_queued', null], ['kmd.ioctl_enter', 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT'], ['api.call', 'vkQueueSubmit2'],
    ]);
    // Decoded back, api events are what the tap emitted.
    const calls = r.value.events({ kind: 'api.call' });
    expect(calls.ok && calls.value.some((d) => d.event.kind === 'api.call' && d.event.name === 'vkCmdPushConstants' && d.event.args[2] instanceof Uint8Array)).toBe(true);
    r.value.close();
  });
});
