/**
 * kmd.wait_end and ioctl ids: each ioctl's enter and return share an id, the events
 * its handler causes carry it, and a successful syncobj wait names the fence whose
 * signal ended it — the already-signalled one for a wait satisfied on entry, the
 * last-signalled for wait-all, the first-signalled for wait-any.
 */
import { describe, expect, it } from 'vitest';
import * as U from '../../engine/kmd/uapi';
import type { EventOf, TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { Gate } from '../support/igt';

const of = <K extends TraceEvent['kind']>(events: readonly TraceEvent[], kind: K) => events.filter((e): e is EventOf<K> => e.kind === kind);
const ref = (f: EventOf<'kmd.fence_signal'>) => ({ context: f.context, seqno: f.seqno });

describe('ioctl ids and kmd.wait_end', () => {
  it('numbers ioctls, and a wait on a syncobj created signalled ends by its stub fence', () => {
    const sink = new MemorySink();
    const c = Client.create({ sink });
    const h = c.syncobjCreate({ flags: U.DRM_SYNCOBJ_CREATE_SIGNALED });
    expect(c.wait([h], { timeoutNs: 0 })).toBe(0);
    const enters = of(sink.events, 'kmd.ioctl_enter');
    const returns = of(sink.events, 'kmd.ioctl');
    expect(enters.map((e) => [e.id, e.name])).toEqual([[1, 'DRM_IOCTL_SYNCOBJ_CREATE'], [2, 'DRM_IOCTL_SYNCOBJ_WAIT']]);
    expect(returns.map((e) => [e.id, e.name])).toEqual([[1, 'DRM_IOCTL_SYNCOBJ_CREATE'], [2, 'DRM_IOCTL_SYNCOBJ_WAIT']]);
    const [stub] = of(sink.events, 'kmd.fence_signal');
    expect(stub).toMatchObject({ context: 'stub', seqno: 1, jobId: 0, ioctl: 1, error: 0 });
    expect(of(sink.events, 'kmd.wait_end')).toEqual([
      { kind: 'kmd.wait_end', tsNs: expect.any(Number), pid: c.proc.pid, ioctl: 2, handles: [h], points: [0], endedBy: { context: 'stub', seqno: 1 }, firstSignaled: 0 },
    ]);
    // Order in the stream: enter, (handler's events), return.
    expect(sink.events.filter((e) => e.kind !== 'hw.mmio').map((e) => e.kind)).toEqual([
      'kmd.process_op', 'kmd.process_op', 'kmd.ioctl_enter', 'kmd.fence_signal', 'kmd.ioctl', 'kmd.ioctl_enter', 'kmd.wait_end', 'kmd.ioctl',
    ]);
  });

  it('CPU signal and reset carry their ioctl; a failed wait ends nothing', () => {
    const sink = new MemorySink();
    const c = Client.create({ sink });
    const h = c.syncobjCreate();
    c.io(U.DRM_IOCTL_SYNCOBJ_SIGNAL, { handles: c.u32s([h]), count_handles: 1 });
    c.io(U.DRM_IOCTL_SYNCOBJ_RESET, { handles: c.u32s([h]), count_handles: 1 });
    c.wait([h], { err: 22 /* EINVAL: nothing submitted */ });
    expect(of(sink.events, 'kmd.syncobj').map((e) => [e.op, e.ioctl])).toEqual([['signal', 2], ['reset', 3]]);
    expect(of(sink.events, 'kmd.fence_signal').map((e) => [e.context, e.seqno, e.ioctl])).toEqual([['stub', 1, 2]]);
    expect(of(sink.events, 'kmd.wait_end')).toEqual([]);
  });

  it('wait-all ends by the last fence signalled, wait-any by the first, GPU jobs included', () => {
    const sink = new MemorySink();
    const c = Client.create({ sink });
    const a = new Gate(c);
    const b = new Gate(c);
    const submitIds = of(sink.events, 'kmd.job_queued').map((e) => e.ioctl);
    const submits = of(sink.events, 'kmd.ioctl_enter').filter((e) => e.name === 'DRM_IOCTL_PANTHOR_GROUP_SUBMIT').map((e) => e.id);
    expect(submitIds).toEqual(submits);
    b.release();
    expect(c.wait([a.syncobj, b.syncobj], { flags: 0 })).toBe(1); // any: b
    a.release();
    c.wait([a.syncobj, b.syncobj]); // all
    const jobFences = of(sink.events, 'kmd.fence_signal').filter((f) => f.jobId > 0);
    const gateFence = (g: Gate) => jobFences.find((f) => f.jobId === of(sink.events, 'kmd.job_queued')[g === a ? 0 : 1]!.jobId)!;
    const [any, all] = of(sink.events, 'kmd.wait_end');
    expect(any).toMatchObject({ handles: [a.syncobj, b.syncobj], firstSignaled: 1, endedBy: ref(gateFence(b)) });
    expect(all).toMatchObject({ firstSignaled: 0, endedBy: ref(gateFence(a)) });
    expect(sink.events.indexOf(gateFence(a))).toBeLessThan(sink.events.indexOf(all!));
  });
});
