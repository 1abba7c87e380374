/**
 * The readable one-line form of a recorded event: the kind's own text
 * (engine/trace/events.ts `eventText`), except ioctls, which are decoded like
 * strace prints them, with their argument struct from the uAPI table. An input
 * struct prints as copied in; an output as copied back; an in/out one as
 * `{in} => {out}` when the kernel changed it. The table is looked up by ioctl nr,
 * as the DRM core dispatches, so a shorter (older) struct still decodes.
 *
 * Example:
 *   eventLine(vmBindIoctl)
 *   // → 'ioctl(3, DRM_IOCTL_PANTHOR_VM_BIND, {vm_id=1, flags=0x0, ops={…}}) = 0 <700ns>'
 *   eventLine({ kind: 'kmd.job_started', tsNs: 5, jobId: 12, slot: 0 })  // → 'job 12 started slot=0'
 */
import { errnoName } from '../engine/base/errno';
import { ioctlByNr } from '../engine/kmd/uapi';
import { eventText, type IoctlEvent, type TraceEvent } from '../engine/trace/events';

export function eventLine(e: TraceEvent): string {
  return e.kind === 'kmd.ioctl' ? ioctlLine(e) : eventText(e);
}

export function ioctlLine(e: IoctlEvent): string {
  const def = ioctlByNr(e.request);
  let arg: string;
  if (def === undefined) {
    arg = `0x${(e.request >>> 0).toString(16)}, ${e.argIn.length ? `<${e.argIn.length} bytes>` : 'NULL'}`;
  } else {
    const struct = def.arg;
    const inText = e.argIn.length ? struct.describe(e.argIn) : undefined;
    const outText = e.argOut.length ? struct.describe(e.argOut) : undefined;
    let shown: string;
    if (def.dir === 'r') shown = outText ?? inText ?? '{}';
    else if (def.dir === 'w' || outText === undefined || outText === inText) shown = inText ?? outText ?? '{}';
    else shown = `${inText ?? '{}'} => ${outText}`;
    arg = `${e.name}, ${shown}`;
  }
  const result = e.errno ? `-1 ${errnoName(e.errno)}` : '0';
  return `ioctl(${e.fd}, ${arg}) = ${result} <${e.durNs}ns>`;
}
