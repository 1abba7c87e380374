/**
 * The API tap on a hand-made dispatch table: every function is wrapped (a new entry
 * point needs no change to the tap), arguments are copied JSON-safe at the call,
 * returns are summarised (a mapping only by its length), and the events survive the
 * capture's row codec unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { EventOf, TraceEvent } from '../../engine/trace/events';
import { MemorySink } from '../../engine/trace/sink';
import { withApiTap } from '../../recorder/api-tap';
import { decodeEvent, encodeEvent } from '../../recorder/capture/row-codec';

function table() {
  const mapping = new Uint8Array(4096).fill(7);
  return {
    version: 3,
    vkMapMemory: (_device: number, _memory: number) => ({ result: 0, value: mapping }),
    vkCmdPushConstants: (_cb: number, _offset: number, data: Uint8Array) => void data.fill(0),
    vkAllocateMemory: (_device: number, _info: object) => ({ result: -1000011001, message: 'memoryTypeIndex 9 out of range' }),
    vkFutureEntryPoint: (..._args: unknown[]) => 5,
    vkGetLastErrorMessage: () => 'none',
  };
}

describe('withApiTap', () => {
  it('reports each call and return, with JSON-safe arguments and summarised results', () => {
    const sink = new MemorySink();
    let now = 100;
    const vk = withApiTap(table(), sink, 7, () => (now += 10));
    expect(vk.version).toBe(3);
    const push = Uint8Array.of(1, 2, 3, 4);
    vk.vkCmdPushConstants(5, 0, push);
    expect(vk.vkMapMemory(1, 2).value?.length).toBe(4096); // the app still gets the mapping
    expect(vk.vkAllocateMemory(1, { sizeBytes: 64, extra: undefined, cb: () => 1 }).result).toBe(-1000011001);
    expect(vk.vkFutureEntryPoint(Number.NaN, new Float32Array(3), [1, 'a', null])).toBe(5);
    expect(vk.vkGetLastErrorMessage()).toBe('none');

    expect(sink.events.map((e) => `${e.kind} ${(e as EventOf<'api.call'>).name}`)).toEqual([
      'api.call vkCmdPushConstants', 'api.return vkCmdPushConstants', 'api.call vkMapMemory', 'api.return vkMapMemory',
      'api.call vkAllocateMemory', 'api.return vkAllocateMemory', 'api.call vkFutureEntryPoint', 'api.return vkFutureEntryPoint',
      'api.call vkGetLastErrorMessage', 'api.return vkGetLastErrorMessage',
    ]);
    const [pushCall, pushRet, , mapRet, , allocRet, futureCall, futureRet, , msgRet] = sink.events;
    // Bytes as passed at the call, not as the callee left them.
    expect(pushCall).toEqual({ kind: 'api.call', tsNs: 110, pid: 7, name: 'vkCmdPushConstants', args: [5, 0, Uint8Array.of(1, 2, 3, 4)] });
    expect(push).toEqual(new Uint8Array(4));
    expect(pushRet).toEqual({ kind: 'api.return', tsNs: 120, durNs: 10, pid: 7, name: 'vkCmdPushConstants', result: null, value: null, message: '' });
    expect(mapRet).toMatchObject({ result: 0, value: { lengthBytes: 4096 }, message: '' });
    expect(allocRet).toMatchObject({ result: -1000011001, value: null, message: 'memoryTypeIndex 9 out of range' });
    expect((sink.events[4] as EventOf<'api.call'>).args).toEqual([1, { sizeBytes: 64, extra: null, cb: '<function>' }]);
    expect((futureCall as EventOf<'api.call'>).args).toEqual(['NaN', '<Float32Array 12 bytes>', [1, 'a', null]]);
    expect(futureRet).toMatchObject({ result: 5, value: null });
    expect(msgRet).toMatchObject({ result: null, value: 'none' });
  });

  it('emits events that round-trip through the capture row codec', () => {
    const sink = new MemorySink();
    const vk = withApiTap(table(), sink, 1, () => 0);
    vk.vkCmdPushConstants(5, 0, Uint8Array.of(9));
    vk.vkAllocateMemory(1, { a: [1, { b: undefined }] });
    vk.vkMapMemory(1, 2);
    const blobs = new Map<number, Uint8Array>();
    const put = { put: (b: Uint8Array) => (blobs.set(blobs.size + 1, b), blobs.size) };
    for (const e of sink.events) {
      const row = encodeEvent(e, put);
      const back = decodeEvent({ ts_ns: row.tsNs, dur_ns: row.durNs, pid: row.pid, kind: row.kind, args: row.args }, (id) => blobs.get(id));
      expect(back).toEqual({ ok: true, value: e as TraceEvent });
    }
  });
});
