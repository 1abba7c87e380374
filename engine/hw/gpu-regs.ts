/**
 * GPU control block register map: identification, the GPU IRQ, global commands
 * and the timestamp counter.
 */
export const GPU_ID = 0x0000; // arch major 4 bits | minor | rev | product (panthor layout)
export const GPU_CS_SLOT_COUNT = 0x0004;
export const GPU_AS_PRESENT = 0x0008;
export const GPU_SHADER_PRESENT_LO = 0x000c;
export const GPU_MEM_SIZE_LO = 0x0010; // bytes of DRAM behind the GPU
export const GPU_MEM_SIZE_HI = 0x0014;
export const GPU_IRQ_RAWSTAT = 0x0020;
export const GPU_IRQ_CLEAR = 0x0024;
export const GPU_IRQ_MASK = 0x0028;
export const GPU_IRQ_STATUS = 0x002c;
export const GPU_COMMAND = 0x0030;
export const GPU_STATUS = 0x0034; // bit 0: reset in progress
export const GPU_LATEST_FLUSH_ID = 0x0038;
export const GPU_TIMESTAMP_LO = 0x0040; // virtual ns
export const GPU_TIMESTAMP_HI = 0x0044;

export const GPU_COMMAND_NOP = 0;
/** Clean caches, stop every slot and engine, reset the MMU; RESET_COMPLETED follows. */
export const GPU_COMMAND_SOFT_RESET = 1;
/** Clean the L2 (GPU writes become CPU-visible); CLEAN_CACHES_COMPLETED follows. */
export const GPU_COMMAND_CLEAN_CACHES = 2;
/** Re-evaluate every slot blocked on WAIT (after the CPU changed a sync object). */
export const GPU_COMMAND_SYNC_UPDATE = 3;

export const GPU_IRQ_RESET_COMPLETED = 1 << 8;
export const GPU_IRQ_CLEAN_CACHES_COMPLETED = 1 << 17;

export const GPU_ID_VALUE = 0xa8670000; // arch 10.8, product 7: a made-up "Mali-G610-like" part

export function gpuRegName(offset: number): string | undefined {
  const names: Record<number, string> = {
    [GPU_ID]: 'GPU_ID',
    [GPU_CS_SLOT_COUNT]: 'GPU_CS_SLOT_COUNT',
    [GPU_AS_PRESENT]: 'GPU_AS_PRESENT',
    [GPU_SHADER_PRESENT_LO]: 'GPU_SHADER_PRESENT_LO',
    [GPU_MEM_SIZE_LO]: 'GPU_MEM_SIZE_LO',
    [GPU_MEM_SIZE_HI]: 'GPU_MEM_SIZE_HI',
    [GPU_IRQ_RAWSTAT]: 'GPU_IRQ_RAWSTAT',
    [GPU_IRQ_CLEAR]: 'GPU_IRQ_CLEAR',
    [GPU_IRQ_MASK]: 'GPU_IRQ_MASK',
    [GPU_IRQ_STATUS]: 'GPU_IRQ_STATUS',
    [GPU_COMMAND]: 'GPU_COMMAND',
    [GPU_STATUS]: 'GPU_STATUS',
    [GPU_LATEST_FLUSH_ID]: 'GPU_LATEST_FLUSH_ID',
    [GPU_TIMESTAMP_LO]: 'GPU_TIMESTAMP_LO',
    [GPU_TIMESTAMP_HI]: 'GPU_TIMESTAMP_HI',
  };
  return names[offset];
}
