/**
 * Command streams as a user-mode driver ends them: after the work, a BARRIER (wait
 * for this stream's engine jobs) and a FLUSH(CLEAN) so the results are CPU-visible
 * before the kernel signals the job's fence — the kernel's ring does not flush
 * after the call, as in panthor.
 */
import { encodeCs } from '../../engine/hw/cs-isa';

export type CsOps = Parameters<typeof encodeCs>[0];

export function userStream(ops: CsOps): Uint8Array {
  return encodeCs([...ops, ['BARRIER'], ['FLUSH', { mode: 0 /* CLEAN */ }]]);
}
