/**
 * GPU faults as data. A fault is what a real GPU reports in its fault status
 * registers: which unit, which kind, the address and the access. The KMD reads it
 * through MMIO and turns it into group / VM state; nothing here is an exception
 * that leaves the hardware model.
 *
 * Inside a running job the interpreters unwind with `GpuFaultSignal` (a throw is the
 * cheapest way out of a deep inner loop); the engine that started the job always
 * catches it at the job boundary and turns it into a `GpuFault` value.
 */
export type FaultKind =
  | 'TRANSLATION' // no valid page-table entry for the address
  | 'PERMISSION' // mapping exists but forbids the access (write to RO, exec of NX)
  | 'ALIGNMENT' // misaligned access
  | 'INSTR_INVALID' // unknown opcode or bad operand in a command stream or shader
  | 'DESC_INVALID' // malformed job descriptor (dispatch / draw parameters)
  | 'STACK' // CALL nesting too deep or RETURN-less stream overrun
  | 'BUS'; // physical address outside memory

export type AccessKind = 'read' | 'write' | 'execute';

export interface GpuFault {
  readonly kind: FaultKind;
  readonly va: number;
  readonly access: AccessKind;
  /** Address space the access went through, or -1 when not an MMU fault. */
  readonly as: number;
  readonly detail: string;
}

export class GpuFaultSignal {
  constructor(readonly fault: GpuFault) {}
}

export function raise(kind: FaultKind, va: number, access: AccessKind, as: number, detail: string): never {
  throw new GpuFaultSignal({ kind, va, access, as, detail });
}

/** Codes the MMIO fault-status registers use for each kind (stable: they are ABI). */
export const faultCode: Record<FaultKind, number> = {
  TRANSLATION: 0xc1,
  PERMISSION: 0xc8,
  ALIGNMENT: 0xd1,
  INSTR_INVALID: 0x49,
  DESC_INVALID: 0x4a,
  STACK: 0x4b,
  BUS: 0xd0,
};

export function faultKindFromCode(code: number): FaultKind | undefined {
  return (Object.keys(faultCode) as FaultKind[]).find((k) => faultCode[k] === code);
}
