/**
 * `tracefold state FILE --at SEQ [--json] [--bo HANDLE [--pid PID] -o OUT [--image]
 * [--width W --height H]]`: the model's state just after event SEQ (replayer/seek.ts:
 * the nearest checkpoint restored, then the recorded inputs replayed up to SEQ).
 *
 * Without --bo it prints every BO (size, handles, CPU and GPU mappings, content
 * hash), VM (with its mappings), syncobj (payload and points), group (with its
 * queues) and hardware slot, readably or as one JSON object (--json). With --bo it
 * writes the bytes of the BO that HANDLE names in PID's DRM file to OUT; --image
 * writes them as a PNG instead, reading the BO as RGBA8 rows. The image size is
 * taken from the capture when one image or swapchain the app created has a size
 * that fits the BO (vkCreateSwapchainKHR / vkCreateImage arguments), else
 * --width/--height must say it.
 *
 * Exit codes: 0 done, 1 anything wrong (message on stderr).
 *
 * Example:
 *   tracefold state captures/vkcube.tfcap --at 421 --bo 3 --image -o frame2.png
 *   // → wrote BO 3 of pid 100 (16.0 KiB) at seq 421 as a 64×64 PNG to frame2.png
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Bo } from '../engine/kmd/gem';
import type { Stack } from '../engine/stack';
import { describeState, type HandleRef, type StateDescription } from '../engine/state-description';
import { eventKinds } from '../engine/trace/events';
import type { CaptureReader } from '../recorder/capture/reader';
import { imageSizeFor } from '../recorder/image-sizes';
import { stateAt, type SeekResult } from '../replayer/seek';

export { imageSizeFor };
import { consoleOutput, formatBytes, intOption, openOrReport, type Output, reportDamaged } from './output';
import { encodePng } from './png';

export interface StateFlags {
  readonly at?: string;
  readonly json?: boolean;
  readonly bo?: string;
  readonly pid?: string;
  readonly output?: string;
  readonly image?: boolean;
  readonly width?: string;
  readonly height?: string;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;

export function registerState(program: Command): void {
  program
    .command('state')
    .description('print the model state (BOs, VMs, syncobjs, groups, hardware slots) just after an event, or dump a BO')
    .argument('<file>', 'capture file (.tfcap)')
    .requiredOption('--at <seq>', 'the event whose state to show (the state just after it)')
    .option('--json', 'print one JSON object')
    .option('--bo <handle>', 'dump this GEM handle\'s BO instead (needs -o)')
    .option('--pid <pid>', 'the process whose handle --bo is (default: the only one that has it)')
    .option('-o, --output <file>', 'where --bo writes')
    .option('--image', 'write --bo as a PNG (RGBA8 rows)')
    .option('--width <n>', 'image width for --image when the capture does not say')
    .option('--height <n>', 'image height for --image when the capture does not say')
    .action((file: string, flags: StateFlags) => {
      process.exitCode = stateCommand(file, flags);
    });
}

export function stateCommand(file: string, flags: StateFlags, io: Output = consoleOutput): number {
  const say = (message: string): number => {
    io.err(`tracefold state: ${message}`);
    return EXIT_ERROR;
  };
  const at = intOption('at', flags.at, 1);
  if (at === undefined) return say('--at SEQ is required');
  if (typeof at === 'object') return say(at.error);
  const handle = intOption('bo', flags.bo, 1);
  if (typeof handle === 'object') return say(handle.error);
  const pid = intOption('pid', flags.pid, 1);
  if (typeof pid === 'object') return say(pid.error);
  const width = intOption('width', flags.width, 1);
  if (typeof width === 'object') return say(width.error);
  const height = intOption('height', flags.height, 1);
  if (typeof height === 'object') return say(height.error);
  if (handle === undefined && (flags.output !== undefined || flags.image || pid !== undefined)) return say('-o, --image and --pid go with --bo HANDLE');
  if (handle !== undefined && flags.output === undefined) return say('--bo needs -o OUT');
  if ((width === undefined) !== (height === undefined)) return say('--width and --height go together');

  const reader = openOrReport('state', file, io);
  if (!reader) return EXIT_ERROR;
  try {
    const seek = stateAt(reader, at);
    if (!seek.ok) return say(`${file}: ${seek.error}`);
    const s = seek.value;
    if (handle === undefined) {
      const desc = describeState(s.stack);
      if (flags.json) io.out(JSON.stringify({ capture: file, seq: at, checkpoint: s.checkpoint, inputsReplayed: s.inputs, skipped: s.skipped, state: desc }, null, 2));
      else for (const line of stateLines(file, reader, s, desc)) io.out(line);
      return EXIT_OK;
    }
    const found = findBo(s.stack, handle, pid);
    if ('error' in found) return say(`${file} at seq ${at}: ${found.error}`);
    const bytes = s.stack.kmd.gem.read(found.bo, 0, found.bo.sizeBytes);
    const out = flags.output!;
    if (!flags.image) {
      writeFileSync(out, bytes);
      io.out(`wrote BO ${handle} of pid ${found.pid} (${formatBytes(bytes.length)}) at seq ${at} to ${out}`);
      return EXIT_OK;
    }
    const size = width !== undefined && height !== undefined ? { width, height } : imageSizeFor(reader, at, found.bo.sizeBytes);
    if ('error' in size) return say(`${file}: ${size.error}`);
    if (size.width * size.height * 4 > bytes.length) {
      return say(`a ${size.width}×${size.height} RGBA8 image needs ${size.width * size.height * 4} bytes, BO ${handle} has ${bytes.length}`);
    }
    writeFileSync(out, encodePng({ width: size.width, height: size.height, rgba: bytes.subarray(0, size.width * size.height * 4) }));
    io.out(`wrote BO ${handle} of pid ${found.pid} (${formatBytes(bytes.length)}) at seq ${at} as a ${size.width}×${size.height} PNG to ${out}`);
    return EXIT_OK;
  } catch (err) {
    return reportDamaged('state', file, io, err, EXIT_ERROR);
  } finally {
    reader.close();
  }
}

/** The BO a GEM handle names: in `pid`'s DRM files, or in the only process that has the handle. */
function findBo(stack: Stack, handle: number, pid: number | undefined): { bo: Bo; pid: number } | { error: string } {
  const hits = stack.kmd.files()
    .filter((f) => pid === undefined || f.process.pid === pid)
    .flatMap((f) => {
      const bo = f.bos.get(handle);
      return bo ? [{ bo, pid: f.process.pid }] : [];
    });
  if (hits.length === 0) return { error: `no BO has handle ${handle}${pid === undefined ? '' : ` in pid ${pid}`}` };
  const pids = [...new Set(hits.map((h) => h.pid))];
  if (pids.length > 1) return { error: `handle ${handle} names a BO in pids ${pids.join(', ')}: say which with --pid` };
  if (new Set(hits.map((h) => h.bo)).size > 1) return { error: `handle ${handle} names different BOs in pid ${pids[0]}'s DRM files` };
  return hits[0]!;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const refs = (hs: readonly HandleRef[]): string => (hs.length ? hs.map((h) => `pid ${h.pid} file ${h.file} handle ${h.handle}`).join(', ') : 'no handles');

/** The readable report. */
export function stateLines(file: string, reader: CaptureReader, s: SeekResult, d: StateDescription): string[] {
  const ev = reader.events({ fromSeq: s.seq, toSeq: s.seq, limit: 1 });
  const kind = ev.ok && ev.value[0] ? ev.value[0].event.kind : '?';
  const layer = kind in eventKinds ? `${eventKinds[kind as keyof typeof eventKinds].layer} ` : '';
  const lines = [
    `state of ${file} just after seq ${s.seq} (${layer}${kind}), virtual time ${(d.tsNs / 1e9).toFixed(9)} s`,
    s.checkpoint
      ? `  restored the checkpoint at seq ${s.checkpoint.seq} (state hash ${s.checkpoint.stateHash}), then replayed ${s.inputs} input(s)`
      : `  no checkpoint at or before seq ${s.seq}: replayed ${s.inputs} input(s) from the start`,
  ];
  for (const k of s.skipped) lines.push(`  skipped input ${k.seq}: ${k.message}`);

  lines.push('', `BOs (${d.bos.length})`);
  for (const b of d.bos) {
    lines.push(`  bo ${b.id} '${b.label}' ${formatBytes(b.sizeBytes)} (${b.sizeBytes} B) flags ${hex(b.flags)} refs ${b.refs}, ${refs(b.handles)}`);
    lines.push(`    content ${b.contentHash}${b.mmapOffset ? `, mmap offset ${hex(b.mmapOffset)}` : ''}`);
    for (const m of b.cpuMappings) lines.push(`    cpu: pid ${m.pid} at ${hex(m.addr)} (bo +${m.boOffsetBytes})`);
    for (const m of b.vmMappings) lines.push(`    gpu: vm ${m.vm} va ${hex(m.va)} ${formatBytes(m.sizeBytes)} (bo +${m.boOffsetBytes})`);
  }

  lines.push('', `VMs (${d.vms.length})`);
  for (const v of d.vms) {
    lines.push(`  vm ${v.id}, ${refs(v.handles)}: ${v.destroyed ? 'destroyed' : v.usable ? 'usable' : 'UNUSABLE'}, address space ${v.as < 0 ? 'none' : v.as}, user va range ${hex(v.userVaRange)}, ${v.mappings.length} mapping(s)`);
    for (const m of v.mappings) lines.push(`    ${hex(m.va)} ${formatBytes(m.sizeBytes)} -> bo ${m.bo} +${m.boOffsetBytes} flags ${hex(m.flags)}`);
  }

  lines.push('', `syncobjs (${d.syncobjs.length})`);
  for (const o of d.syncobjs) {
    const points = o.points.map((p) => `${p.point}:${p.fence}${p.signalled ? (p.error ? ` error ${p.error}` : ' signalled') : ' pending'}`);
    lines.push(`  syncobj ${o.id}, ${refs(o.handles)}: ${o.binary ? 'binary' : 'timeline'}, payload ${o.payload}, last submitted ${o.lastSubmitted}${points.length ? `, points ${points.join(', ')}` : ', no fence'}`);
  }

  lines.push('', `groups (${d.groups.length})`);
  for (const g of d.groups) {
    lines.push(`  group ${g.id} of pid ${g.pid}, ${refs(g.handles)}: vm ${g.vm}, priority ${g.priority}, state ${hex(g.state)}, fatal queues ${hex(g.fatalQueues)}`);
    for (const q of g.queues) {
      lines.push(`    queue ${q.index}: priority ${q.priority}, slot ${q.slot < 0 ? 'none' : q.slot}, ${q.pendingJobs} pending, ${q.inflightJobs} in flight, ring ${hex(q.ringVa)} ${formatBytes(q.ringSizeBytes)}, insert ${q.insert}, next seqno ${q.nextSeqno}`);
    }
  }

  lines.push('', `hardware slots (${d.slots.length})`);
  for (const sl of d.slots) {
    lines.push(`  slot ${sl.index}: ${sl.state}${sl.queue ? ` running ${sl.queue}` : ''}, address space ${sl.as}, ring ${hex(sl.ringBase)}, insert ${sl.insert}, extract ${sl.extract}`);
  }
  return lines;
}
