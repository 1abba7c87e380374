/**
 * The KMD driven through ioctls alone: VM, BOs, mappings, a command stream that
 * copies a buffer with the DMA engine and runs a compute shader over the copy,
 * submitted with a syncobj signal, waited on, and read back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import * as U from '../../engine/kmd/uapi';
import { Client } from '../support/client';
import { N, setUpCopyCompute } from '../support/scenarios';

describe('KMD through ioctls: copy + compute', () => {
  it('copies with the DMA engine, runs a compute shader, signals a syncobj, and reads back exact bytes', () => {
    const c = Client.create();
    const s = setUpCopyCompute(c);
    const group = c.groupCreate(s.vm);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    c.wait([done], { timeoutNs: 100e6 });
    expect(c.read(s.mid.cpu, N * 4)).toEqual(s.input);
    expect(c.read(s.out.cpu, N * 4)).toEqual(s.expected);
    expect(c.groupState(group).state).toBe(0);
    expect(c.vmState(s.vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });

  it('a wait with too short a timeout fails with ETIME and the work still completes', () => {
    const c = Client.create();
    const s = setUpCopyCompute(c);
    const group = c.groupCreate(s.vm);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    c.wait([done], { timeoutNs: 10, err: 62 /* ETIME */ });
    c.wait([done], { timeoutNs: 100e6 });
    expect(c.read(s.out.cpu, N * 4)).toEqual(s.expected);
  });
});
