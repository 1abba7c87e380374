/**
 * Faults and hangs, as panthor reports them: a GPU page fault makes the group
 * FATAL_FAULT and its VM unusable while another group's work completes; a job that
 * waits forever times out, the reset marks the guilty group TIMEDOUT and a resident
 * bystander TIMEDOUT|INNOCENT, and the device keeps working afterwards.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../engine/base/errno';
import { encodeDispatchDesc } from '../../engine/hw/job-descriptors';
import { assembleShader } from '../../engine/hw/shader-isa';
import * as U from '../../engine/kmd/uapi';
import { createStack } from '../../engine/stack';
import { MemorySink } from '../../engine/trace/sink';
import { Client } from '../support/client';
import { faultingStream, hangingStream, setUpCopyCompute, submitStream } from '../support/scenarios';

const { DRM_PANTHOR_GROUP_STATE_FATAL_FAULT: FATAL, DRM_PANTHOR_GROUP_STATE_TIMEDOUT: TIMEDOUT, DRM_PANTHOR_GROUP_STATE_INNOCENT: INNOCENT } = U;

describe('GPU faults', () => {
  it('an unmapped access faults: group FATAL_FAULT, VM unusable, another group still completes', () => {
    const sink = new MemorySink();
    const stack = createStack({ sink });
    const bad = new Client(stack);
    const good = new Client(stack);

    const badVm = bad.vmCreate();
    const faulting = submitStream(bad, badVm, 0x90_0000, faultingStream); // stores to unmapped 0xdead0000
    const s = setUpCopyCompute(good);
    const goodGroup = good.groupCreate(s.vm);
    const goodDone = good.syncobjCreate();
    good.submit(goodGroup, 0, 0x60_0000, s.streamSize, { signal: [goodDone] });

    good.wait([goodDone], { timeoutNs: 100e6 });
    expect(good.read(s.out.cpu, s.expected.length)).toEqual(s.expected);
    bad.wait([faulting.done], { timeoutNs: 100e6 });

    expect(bad.groupState(faulting.group)).toEqual({ state: FATAL, fatalQueues: 1 });
    expect(bad.vmState(badVm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
    expect(good.groupState(goodGroup)).toEqual({ state: 0, fatalQueues: 0 });
    expect(good.vmState(s.vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);

    const fault = sink.events.find((e) => e.kind === 'hw.fault');
    expect(fault).toMatchObject({ kind: 'hw.fault', fault: 'TRANSLATION', va: 0xdead_0000, access: 'write' });
    // A dead group takes no more work; an unusable VM takes no new mappings.
    bad.submit(faulting.group, 0, 0x90_0000, 24, { err: Errno.ECANCELED });
    const bo = bad.boCreate(4096);
    bad.map(badVm, bo, 0x100_0000, 4096, { err: Errno.EINVAL });
  });

  it('a write to a read-only mapping is a PERMISSION fault', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    c.buffer(vm, 0xa0_0000, 4096, U.DRM_PANTHOR_VM_BIND_OP_MAP_READONLY);
    const job = submitStream(c, vm, 0x90_0000, [
      ['MOV48', { d: 0, imm: 0xa0_0000 }],
      ['STORE', { r: 2, a: 0, count: 0, offset: 0 }],
    ]);
    c.wait([job.done], { timeoutNs: 100e6 });
    expect(c.groupState(job.group).state).toBe(FATAL);
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_UNUSABLE);
  });

  it('an invalid instruction faults the group but leaves the VM usable', () => {
    const c = Client.create();
    const vm = c.vmCreate();
    const stream = c.buffer(vm, 0x90_0000, 4096);
    c.write(stream.cpu, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 0xfe])); // opcode 0xfe does not exist
    const group = c.groupCreate(vm);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x90_0000, 8, { signal: [done] });
    c.wait([done], { timeoutNs: 100e6 });
    expect(c.groupState(group)).toEqual({ state: FATAL, fatalQueues: 1 });
    expect(c.vmState(vm)).toBe(U.DRM_PANTHOR_VM_STATE_USABLE);
  });
});

const longShader = assembleShader(`
  MOVI r0, 4000
loop:
  IADDI r0, r0, -1
  BRNZ r0, loop
  END
`);

describe('job timeouts and GPU reset', () => {
  it('a job waiting forever times out; guilty and innocent groups are marked; the device keeps working', () => {
    const timeoutNs = 2_000_000;
    const sink = new MemorySink();
    const stack = createStack({ sink, kmd: { jobTimeoutNs: timeoutNs } });
    const hung = new Client(stack);
    const bystander = new Client(stack);
    const later = new Client(stack);

    // Guilty: WAIT until a sync object nobody touches becomes > 0.
    const hungVm = hung.vmCreate();
    hung.buffer(hungVm, 0xb0_0000, 4096);
    const guilty = submitStream(hung, hungVm, 0x90_0000, hangingStream(0xb0_0000));
    hung.wait([guilty.done], { timeoutNs: timeoutNs / 2, err: Errno.ETIME });

    // Innocent: a long compute job that is on the GPU when the reset comes.
    const vm = bystander.vmCreate();
    const code = bystander.buffer(vm, 0x40_0000, 4096);
    bystander.write(code.cpu, longShader);
    const desc = bystander.buffer(vm, 0x50_0000, 4096);
    bystander.write(desc.cpu, encodeDispatchDesc({
      shaderVa: 0x40_0000, pushConstantsVa: 0, pushConstantsSizeBytes: 0,
      localSizeX: 64, localSizeY: 1, localSizeZ: 1, groupCountX: 32, groupCountY: 1, groupCountZ: 1,
    }));
    const innocent = submitStream(bystander, vm, 0x90_0000, [['MOV48', { d: 0, imm: 0x50_0000 }], ['DISPATCH', { desc: 0 }]]);

    hung.wait([guilty.done], { timeoutNs: 10 * timeoutNs });
    bystander.wait([innocent.done], { timeoutNs: 10 * timeoutNs });
    expect(hung.groupState(guilty.group).state).toBe(TIMEDOUT);
    expect(bystander.groupState(innocent.group).state).toBe(TIMEDOUT | INNOCENT);
    const reset = sink.events.find((e) => e.kind === 'kmd.reset');
    expect(reset).toMatchObject({ guiltyGroups: ['g1'], innocentGroups: ['g2'] });

    // After the reset, new work on a new group runs to completion with the right bytes.
    const s = setUpCopyCompute(later);
    const group = later.groupCreate(s.vm);
    const done = later.syncobjCreate();
    later.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    later.wait([done], { timeoutNs: 100e6 });
    expect(later.read(s.out.cpu, s.expected.length)).toEqual(s.expected);
    expect(later.groupState(group).state).toBe(0);
  });
});
