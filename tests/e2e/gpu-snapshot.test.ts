/**
 * Snapshot / restore of the whole GPU: a snapshot taken at an idle point, restored
 * into a fresh device, gives the same memory, the same register file and the same
 * translations; restoring over a device that ran on brings it back exactly.
 */
import { describe, expect, it } from 'vitest';
import { Sim } from '../../engine/base/sim';
import { createStack } from '../../engine/stack';
import { Client } from '../../tests/support/client';
import { setUpCopyCompute } from '../../tests/support/scenarios';
import { defaultGpuConfig, Gpu } from '../../engine/hw/device';
import { slotReg, SLOT_EXTRACT_LO, SLOT_INSERT_LO, SLOT_RING_BASE_LO, SLOT_STATUS } from '../../engine/hw/csf-regs';
import { AS_STATUS, MMU_AS_BASE } from '../../engine/hw/mmu-regs';

const REGS = [slotReg(0, SLOT_RING_BASE_LO), slotReg(0, SLOT_INSERT_LO), slotReg(0, SLOT_EXTRACT_LO), slotReg(0, SLOT_STATUS), MMU_AS_BASE + AS_STATUS];

function runJob(c: Client, s: ReturnType<typeof setUpCopyCompute>, group: number): void {
  const done = c.syncobjCreate();
  c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
  c.wait([done], { timeoutNs: 100e6 });
}

describe('GPU snapshot / restore', () => {
  it('restores memory, registers and translations exactly', () => {
    const stack = createStack();
    const c = new Client(stack);
    const s = setUpCopyCompute(c);
    const group = c.groupCreate(s.vm);
    runJob(c, s, group);
    const snap = stack.gpu.snapshot();
    const hash = stack.gpu.memoryHash();
    const regs = REGS.map((r) => stack.gpu.mmioRead(r));
    const pa = stack.gpu.mmu.translate(0, 0x30_0000, 'read').ppn;

    // Into a fresh device.
    const fresh = new Gpu(new Sim(), defaultGpuConfig);
    fresh.restore(snap);
    expect(fresh.memoryHash()).toBe(hash);
    expect(REGS.map((r) => fresh.mmioRead(r))).toEqual(regs);
    expect(fresh.mmu.translate(0, 0x30_0000, 'read').ppn).toBe(pa);

    // Over the same device after it changed memory.
    c.write(s.src.cpu, new Uint8Array(4096).fill(0x5a));
    runJob(c, s, group);
    expect(stack.gpu.memoryHash()).not.toBe(hash);
    stack.gpu.restore(snap);
    expect(stack.gpu.memoryHash()).toBe(hash);
    expect(REGS.map((r) => stack.gpu.mmioRead(r))).toEqual(regs);
  });
});
