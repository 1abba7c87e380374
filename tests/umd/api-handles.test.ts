/**
 * The handle-slot table (engine/umd/api-handles.ts) against real traffic. The
 * compiler already checks branded-handle paths; this checks what it cannot: that at
 * run time the slots hold exactly the handles. Every app is replayed through UMDs
 * whose tables start far apart (VkBuffer handles from 3·10⁷+1, VkImage from 4·10⁷+1…),
 * so a number's range says which table issued it: every number at a slot must come
 * from the slot's table, and no number elsewhere in arguments or returned values may
 * look like a handle (a missing slot). fd slots are checked against the fds the
 * process actually got.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../engine/apps/app';
import { APPS } from '../../engine/apps/catalogue';
import type { ApiCallEvent, ApiReturnEvent } from '../../engine/trace/events';
import { API_HANDLES, handleSlots, mapSlot, readSlot } from '../../engine/umd/api-handles';
import { recordCapture, replayAll } from '../support/api-replay';
import { tempDir } from '../support/capture-files';

type ApiEvent = ApiCallEvent | ApiReturnEvent;

const tmp = tempDir();
afterAll(() => tmp.remove());

const TYPES = [...new Set(Object.values(API_HANDLES).flatMap((e) => Object.values(e.handles as Record<string, string>)))].sort();
const RANGE = 10_000_000;
const base = (type: string): number => RANGE * (TYPES.indexOf(type) + 1) + 1;
const typeOf = (n: number): string | undefined => (n > RANGE && n % RANGE > 0 && n % RANGE < 100_000 ? TYPES[Math.floor(n / RANGE) - 1] : undefined);

describe('slot paths', () => {
  it('map every element of nested arrays and leave other shapes alone', () => {
    const submits = [{ waitSemaphores: [{ semaphore: 5 }, { semaphore: 6, value: 2 }], commandBuffers: [1, 2] }, {}];
    const args = [9, submits, undefined];
    const mapped = mapSlot(args, '1[].waitSemaphores[].semaphore', (h) => h + 100) as typeof args;
    expect(mapped).toEqual([9, [{ waitSemaphores: [{ semaphore: 105 }, { semaphore: 106, value: 2 }], commandBuffers: [1, 2] }, {}], undefined]);
    expect(args[1]).toBe(submits); // a copy, the recorded value untouched
    expect(readSlot(args, '1[].commandBuffers[]')).toEqual([1, 2]);
    expect(readSlot(args, '2')).toEqual([]);
    expect(readSlot({ value: [4, 5] }, 'value[]')).toEqual([4, 5]);
  });

  it('list parameters and returns apart, file descriptors included', () => {
    expect(handleSlots('vkCmdBindVertexBuffers').params).toEqual([{ path: '0', kind: 'VkCommandBuffer' }, { path: '2[]', kind: 'VkBuffer' }]);
    expect(handleSlots('vkGetMemoryFdKHR')).toEqual({
      params: [{ path: '0', kind: 'VkDevice' }, { path: '1', kind: 'VkDeviceMemory' }], returns: [{ path: 'value', kind: 'fd' }],
    });
    expect(handleSlots('vkNoSuchCall')).toEqual({ params: [], returns: [] });
  });
});

const optionsFor = (app: string): Partial<AppOptions> => ({ seed: 3, frames: 2, width: 32, height: 32, ...(app === 'stress' ? { size: 32 } : {}) });

describe.each(APPS.map((a) => a.name))('%s: slots hold exactly the handles', (app) => {
  it('in every argument list and returned value', () => {
    const reader = recordCapture(app, optionsFor(app), tmp.path(`${app}.tfcap`));
    const r = replayAll(reader, { firstHandle: base });
    expect(r.outputs.divergences).toEqual([]);
    const fds = new Set<string>();
    const problems: string[] = [];
    const check = (e: ApiEvent, root: unknown, slots: readonly { path: string; kind: string }[]): void => {
      let rest = root;
      for (const slot of slots) {
        for (const n of readSlot(root, slot.path)) {
          if (slot.kind === 'fd') {
            if (e.kind === 'api.return') fds.add(`${e.pid}:${n}`);
            else if (!fds.has(`${e.pid}:${n}`)) problems.push(`${e.kind} ${e.name} ${slot.path}: fd ${n} was never handed to pid ${e.pid}`);
          } else if (n !== 0 && typeOf(n) !== slot.kind) problems.push(`${e.name} ${slot.path}: ${n} is not a ${slot.kind}`);
        }
        rest = mapSlot(rest, slot.path, () => 0);
      }
      const stray = JSON.stringify(rest, (_k, v: unknown) => (v instanceof Uint8Array ? null : v)).match(/\d+/g) ?? [];
      for (const s of stray) if (typeOf(Number(s))) problems.push(`${e.name}: ${s} looks like a ${typeOf(Number(s))} outside every slot`);
    };
    for (const { event: e } of r.events) {
      if (e.kind === 'api.call') check(e, e.args, handleSlots(e.name).params);
      else if (e.kind === 'api.return') check(e, { value: e.value }, handleSlots(e.name).returns);
      else if (e.kind === 'kmd.process_op' && e.op === 'pass_fd' && e.result >= 0) fds.add(`${e.offset}:${e.result}`);
    }
    expect(problems).toEqual([]);
  });
});
