/**
 * Command-stream frontend register map: the job IRQ block, the doorbell, and one
 * 0x80-byte window per hardware slot. A slot executes one queue's ring buffer:
 * the KMD writes instructions into the ring, advances INSERT and rings the doorbell;
 * the hardware advances EXTRACT as it consumes them.
 */
export const JOB_IRQ_RAWSTAT = 0x1000; // bit n: slot n has unacknowledged EVENT bits
export const JOB_IRQ_CLEAR = 0x1004; // no effect: acknowledge per slot through SLOT_EVENT
export const JOB_IRQ_MASK = 0x1008;
export const JOB_IRQ_STATUS = 0x100c;
export const CS_DOORBELL = 0x1010; // write a bitmask of slots to (re)examine their rings

export const CS_SLOT_BASE = 0x1100;
export const CS_SLOT_STRIDE = 0x80;

export const SLOT_RING_BASE_LO = 0x00; // ring buffer GPU VA
export const SLOT_RING_BASE_HI = 0x04;
export const SLOT_RING_SIZE = 0x08; // bytes, power of two ≥ 4 KiB
export const SLOT_AS = 0x0c; // address space the slot translates through
export const SLOT_INSERT_LO = 0x10; // byte counter of instructions written (KMD)
export const SLOT_INSERT_HI = 0x14;
export const SLOT_EXTRACT_LO = 0x18; // byte counter of instructions consumed (hardware, read-only)
export const SLOT_EXTRACT_HI = 0x1c;
export const SLOT_CONTROL = 0x20; // write SLOT_CONTROL_*
export const SLOT_STATUS = 0x24; // SLOT_STATUS_*
export const SLOT_EVENT = 0x28; // SLOT_EVENT_* bits; write 1s to acknowledge
export const SLOT_FAULT = 0x2c; // fault code | access << 8 (0 = none)
export const SLOT_FAULT_VA_LO = 0x30;
export const SLOT_FAULT_VA_HI = 0x34;

export const SLOT_CONTROL_STOP = 0;
export const SLOT_CONTROL_START = 1;

export const SLOT_STATE = {
  STOPPED: 0,
  RUNNING: 1,
  IDLE: 2,
  WAITING: 3, // blocked on a WAIT instruction
  DRAINING: 4, // blocked until its engine jobs complete
  FAULTED: 5,
} as const;

export const SLOT_EVENT_SYNC = 1 << 0; // a SYNC_SET/SYNC_ADD with irq=1 executed
export const SLOT_EVENT_IDLE = 1 << 1; // the ring is drained and no engine job is outstanding
export const SLOT_EVENT_FAULT = 1 << 2; // the slot faulted and stopped

const slotRegNames: Record<number, string> = {
  [SLOT_RING_BASE_LO]: 'RING_BASE_LO',
  [SLOT_RING_BASE_HI]: 'RING_BASE_HI',
  [SLOT_RING_SIZE]: 'RING_SIZE',
  [SLOT_AS]: 'AS',
  [SLOT_INSERT_LO]: 'INSERT_LO',
  [SLOT_INSERT_HI]: 'INSERT_HI',
  [SLOT_EXTRACT_LO]: 'EXTRACT_LO',
  [SLOT_EXTRACT_HI]: 'EXTRACT_HI',
  [SLOT_CONTROL]: 'CONTROL',
  [SLOT_STATUS]: 'STATUS',
  [SLOT_EVENT]: 'EVENT',
  [SLOT_FAULT]: 'FAULT',
  [SLOT_FAULT_VA_LO]: 'FAULT_VA_LO',
  [SLOT_FAULT_VA_HI]: 'FAULT_VA_HI',
};

export function slotReg(slot: number, reg: number): number {
  return CS_SLOT_BASE + slot * CS_SLOT_STRIDE + reg;
}

export function csfRegName(offset: number): string | undefined {
  const fixed: Record<number, string> = {
    [JOB_IRQ_RAWSTAT]: 'JOB_IRQ_RAWSTAT',
    [JOB_IRQ_CLEAR]: 'JOB_IRQ_CLEAR',
    [JOB_IRQ_MASK]: 'JOB_IRQ_MASK',
    [JOB_IRQ_STATUS]: 'JOB_IRQ_STATUS',
    [CS_DOORBELL]: 'CS_DOORBELL',
  };
  if (fixed[offset]) return fixed[offset];
  if (offset < CS_SLOT_BASE || offset >= 0x2000) return undefined;
  const slot = Math.floor((offset - CS_SLOT_BASE) / CS_SLOT_STRIDE);
  const name = slotRegNames[(offset - CS_SLOT_BASE) % CS_SLOT_STRIDE];
  return name ? `SLOT${slot}_${name}` : undefined;
}
