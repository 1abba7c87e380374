/**
 * The event vocabulary: one discriminated union of everything the stack can report.
 * Each kind is defined once here with its layer and its text form (`eventKinds`);
 * every consumer dispatches through a `Record<EventKind, …>`, so adding a kind fails
 * to compile until every consumer handles it. `row` says how a kind becomes a row of
 * a capture's `events` table (recorder/capture/row-codec.ts does the rest generically);
 * the Perfetto mapping joins this table as the exporter arrives.
 *
 * Events are plain readonly data: numbers, strings, byte arrays. `tsNs` is virtual
 * time from the engine's clock, never wall time.
 */
import { errnoName } from '../base/errno';

export type Layer = 'api' | 'kmd' | 'hw';

/** One copy across the user/kernel boundary, exactly as copyFromUser/copyToUser saw it. */
export interface UserCopy {
  readonly dir: 'in' | 'out';
  readonly addr: number;
  readonly bytes: Uint8Array;
}

export interface IoctlEvent {
  readonly kind: 'kmd.ioctl';
  readonly tsNs: number;
  readonly durNs: number;
  readonly pid: number;
  readonly fd: number;
  readonly request: number;
  readonly name: string;
  /** Argument struct as copied in, and as copied back out (empty when not copied). */
  readonly argIn: Uint8Array;
  readonly argOut: Uint8Array;
  /** Every other user-memory copy the handler made (arrays, query results, names). */
  readonly copies: readonly UserCopy[];
  /** 0 on success, else the errno. */
  readonly errno: number;
  /** The call's number on its device; its `kmd.ioctl_enter` has the same id. */
  readonly id: number;
}

/**
 * An ioctl entered the KMD (before any argument is copied). `id` numbers the device's
 * ioctls from 1; the `kmd.ioctl` emitted when the call returns has the same id, and
 * events the handler causes carry it as `ioctl`.
 */
export interface IoctlEnterEvent {
  readonly kind: 'kmd.ioctl_enter';
  readonly tsNs: number;
  readonly pid: number;
  readonly fd: number;
  readonly request: number;
  readonly name: string;
  readonly id: number;
}

/** A fence identity: its timeline and its position on it. */
export interface FenceRef {
  readonly context: string;
  readonly seqno: number;
}

/**
 * A SYNCOBJ_WAIT / SYNCOBJ_TIMELINE_WAIT ended successfully. `endedBy` is the fence
 * whose signal made the condition true: the last one signalled among those the wait
 * needed (the earliest-completing entry for a wait-any). For a wait satisfied on
 * entry it is the fence that was already signalled; null only for WAIT_AVAILABLE
 * waits that ended on a fence being attached, not signalled.
 */
export interface WaitEndEvent {
  readonly kind: 'kmd.wait_end';
  readonly tsNs: number;
  readonly pid: number;
  readonly ioctl: number;
  readonly handles: readonly number[];
  /** Timeline points, one per handle (all 0 for SYNCOBJ_WAIT). */
  readonly points: readonly number[];
  readonly endedBy: FenceRef | null;
  /** first_signaled as returned to userspace. */
  readonly firstSignaled: number;
}

/**
 * An API call entering the UMD, as a Vulkan layer sees it. `args` is JSON-safe:
 * handles, numbers, strings and plain objects/arrays as passed; byte arrays as bytes
 * (push constants, shader code); anything else reduced to a short description.
 */
export interface ApiCallEvent {
  readonly kind: 'api.call';
  readonly tsNs: number;
  readonly pid: number;
  readonly name: string;
  readonly args: readonly unknown[];
}

/**
 * The call returned. `result` is the VkResult (null for functions returning nothing,
 * like vkCmd*); `value` a summary of what it returned (handles, numbers; a mapped
 * view only as `{ lengthBytes }`), `message` the validation message of a failure.
 */
export interface ApiReturnEvent {
  readonly kind: 'api.return';
  readonly tsNs: number;
  readonly durNs: number;
  readonly pid: number;
  readonly name: string;
  readonly result: number | null;
  readonly value: unknown;
  readonly message: string;
}

export interface MmioEvent {
  readonly kind: 'hw.mmio';
  readonly tsNs: number;
  readonly op: 'read' | 'write';
  readonly offset: number;
  readonly reg: string;
  readonly value: number;
}

export interface IrqEvent {
  readonly kind: 'hw.irq';
  readonly tsNs: number;
  readonly line: 'gpu' | 'mmu' | 'job';
  readonly status: number;
}

export interface FaultEvent {
  readonly kind: 'hw.fault';
  readonly tsNs: number;
  readonly slot: number;
  readonly as: number;
  readonly fault: string;
  readonly va: number;
  readonly access: string;
  readonly detail: string;
}

/** An engine job (copy, fill, dispatch, draw) on the hardware. */
export interface HwJobEvent {
  readonly kind: 'hw.job';
  readonly tsNs: number;
  readonly durNs: number;
  readonly slot: number;
  readonly engine: 'dma' | 'compute' | 'fragment';
  readonly op: string;
  readonly ok: boolean;
  readonly work: number;
  /** Hash of every byte the job wrote, with its address (GPU writes are outputs: hashed, not stored). */
  readonly writeHash: string;
}

export interface JobQueuedEvent {
  readonly kind: 'kmd.job_queued';
  readonly tsNs: number;
  readonly jobId: number;
  readonly pid: number;
  readonly group: number;
  readonly queue: number;
  readonly streamVa: number;
  readonly streamSizeBytes: number;
  /**
   * The submitted stream's bytes as they were in memory at submit (the user stream the
   * kernel's ring CALLs); empty when unmapped or larger than MAX_RECORDED_STREAM_BYTES.
   * Instructions are decoded from these on demand with the CS ISA table.
   */
  readonly stream: Uint8Array;
  readonly waits: number;
  /** The GROUP_SUBMIT that queued it (ioctl id). */
  readonly ioctl: number;
}

export interface JobStartedEvent {
  readonly kind: 'kmd.job_started';
  readonly tsNs: number;
  readonly jobId: number;
  readonly slot: number;
}

export interface JobFinishedEvent {
  readonly kind: 'kmd.job_finished';
  readonly tsNs: number;
  readonly jobId: number;
  readonly status: 'done' | 'faulted' | 'timedout' | 'cancelled';
}

export interface FenceSignalEvent {
  readonly kind: 'kmd.fence_signal';
  readonly tsNs: number;
  readonly context: string;
  readonly seqno: number;
  readonly error: number;
  /** Job whose done-fence this is; 0 for other fences. */
  readonly jobId: number;
  /**
   * For fences not signalled by a job (CPU-signalled stubs, VM_BIND and joined
   * fences): the ioctl that created them; 0 for job fences.
   */
  readonly ioctl: number;
}

export interface SyncobjEvent {
  readonly kind: 'kmd.syncobj';
  readonly tsNs: number;
  readonly pid: number;
  readonly handle: number;
  readonly op: 'signal' | 'reset' | 'transfer' | 'attach';
  readonly point: number;
  /** The ioctl that changed it. */
  readonly ioctl: number;
}

export interface ResetEvent {
  readonly kind: 'kmd.reset';
  readonly tsNs: number;
  readonly reason: string;
  readonly guiltyGroups: readonly string[];
  readonly innocentGroups: readonly string[];
}

export interface GroupStateEvent {
  readonly kind: 'kmd.group_state';
  readonly tsNs: number;
  readonly group: string;
  readonly state: number;
  readonly reason: string;
}

/**
 * The process and file side of the kernel boundary: what a real tracer sees as
 * syscalls around the ioctls (spawn, open, close, mmap, munmap, and an fd handed to
 * another process over a unix socket). ioctl-level replay re-issues them in order,
 * so a replayed process has the same files, mappings and shared buffers.
 * `result` is what the call returned: the new pid / fd / user address, 0, or -errno.
 */
export interface ProcessOpEvent {
  readonly kind: 'kmd.process_op';
  readonly tsNs: number;
  readonly pid: number;
  readonly op: 'spawn' | 'open' | 'close' | 'mmap' | 'munmap' | 'pass_fd';
  /** spawn: privileged (1) or not (0); mmap/close/pass_fd: the fd; munmap: the address. */
  readonly arg: number;
  /** mmap: the fake offset of the BO; pass_fd: the receiving pid; else 0. */
  readonly offset: number;
  /** mmap: bytes mapped; else 0. */
  readonly lengthBytes: number;
  readonly result: number;
}

/** A CPU write to mapped GPU memory, as the UMD's tracking saw it (before the GPU can read it). */
export interface MemWriteEvent {
  readonly kind: 'mem.write';
  readonly tsNs: number;
  readonly pid: number;
  /** GEM handle of the BO in the writing process's DRM file. */
  readonly bo: number;
  /**
   * The VkDeviceMemory the app mapped (API-level replay writes through its mapping);
   * 0 for the UMD's own writes (command streams, descriptors, shader code), which an
   * API-level replay regenerates rather than replays.
   */
  readonly memory: number;
  readonly offsetBytes: number;
  readonly bytes: Uint8Array;
}

/**
 * Bytes reached an app's mapped view from GPU memory: the whole view at vkMapMemory,
 * and at each refresh (after a wait, at vkInvalidateMappedMemoryRanges) the span from
 * the first to the last byte that changed. This is what the app can read back. GPU writes
 * are outputs, so the bytes are hashed, not stored; replay verification compares the
 * hashes (read-back memory is something an app observes).
 */
export interface MemReadEvent {
  readonly kind: 'mem.read';
  readonly tsNs: number;
  readonly pid: number;
  /** The VkDeviceMemory whose view changed. */
  readonly memory: number;
  readonly bo: number;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  /** Hash of the view's bytes in the span after the refresh (engine/base/hash.ts). */
  readonly hash: string;
}

/** A presented frame (swapchain image handed to the frame sink). */
export interface FramePresentEvent {
  readonly kind: 'frame.present';
  readonly tsNs: number;
  readonly pid: number;
  readonly frame: number;
  readonly width: number;
  readonly height: number;
  /** RGBA8, row-major, width * 4 bytes per row. */
  readonly rgba: Uint8Array;
}

/**
 * The seeded scheduler switched app threads: from here on, thread `thread` of
 * process `pid` runs until its next yield. This is the nondeterminism a real machine
 * would have; replay forces the same order by following these events.
 */
export interface ThreadSwitchEvent {
  readonly kind: 'app.thread_switch';
  readonly tsNs: number;
  readonly pid: number;
  readonly thread: number;
}

export type TraceEvent =
  | ApiCallEvent
  | ApiReturnEvent
  | ThreadSwitchEvent
  | MemWriteEvent
  | MemReadEvent
  | FramePresentEvent
  | IoctlEnterEvent
  | IoctlEvent
  | WaitEndEvent
  | MmioEvent
  | IrqEvent
  | FaultEvent
  | HwJobEvent
  | JobQueuedEvent
  | JobStartedEvent
  | JobFinishedEvent
  | FenceSignalEvent
  | SyncobjEvent
  | ResetEvent
  | GroupStateEvent
  | ProcessOpEvent;

export type EventKind = TraceEvent['kind'];
export type EventOf<K extends EventKind> = Extract<TraceEvent, { kind: K }>;

export interface KindSpec<K extends EventKind> {
  readonly layer: Layer;
  readonly doc: string;
  /** One line, strace-like. */
  text(e: EventOf<K>): string;
  /**
   * What a capture row needs beyond the event's own fields: the object the event
   * concerns (`kind:id`, e.g. `bo:3`, `job:12`, `group:g1`; null when none) and the
   * app thread (null when unknown). `tsNs`, `durNs` and `pid` become columns by name.
   * Example: `row({ kind: 'kmd.job_started', tsNs: 5, jobId: 12, slot: 0 })` → `{ object: 'job:12', tid: null }`.
   */
  row(e: EventOf<K>): EventRow;
  /**
   * For kinds whose object is named after one field (`reg:${e.reg}`): that field. The
   * same key always gives the same `row(e).object`, and `row(e).tid` is null, so the
   * capture writer finds the object's id by the key and builds the name only the first
   * time (naming it per event was ~10 ms of ~90 per 56k stress events).
   */
  objectKey?(e: EventOf<K>): number | string;
}

/** The per-kind part of a capture row (see `KindSpec.row`). */
export interface EventRow {
  readonly object: string | null;
  readonly tid: number | null;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

function processOpText(e: ProcessOpEvent): string {
  const res = e.result < 0 ? `-${errnoName(-e.result)}` : e.op === 'mmap' ? hex(e.result) : String(e.result);
  switch (e.op) {
    case 'spawn': return `spawn(${e.arg ? 'privileged' : ''}) = ${res}`;
    case 'open': return `open("/dev/dri/renderD128") = ${res}`;
    case 'close': return `close(${e.arg}) = ${res}`;
    case 'mmap': return `mmap(fd=${e.arg}, offset=${hex(e.offset)}, len=${e.lengthBytes}) = ${res}`;
    case 'munmap': return `munmap(${hex(e.arg)}) = ${res}`;
    case 'pass_fd': return `pass_fd(${e.arg} -> pid ${e.offset}) = ${res}`;
  }
}

/** An API argument in one short line: byte arrays by length, objects as JSON. */
function argText(v: unknown): string {
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x));
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export const eventKinds: { readonly [K in EventKind]: KindSpec<K> } = {
  'api.call': {
    layer: 'api',
    doc: 'An API call entering the UMD (name and arguments), as a Vulkan layer sees it.',
    text: (e) => `${e.name}(${e.args.map(argText).join(', ')})`,
    row: (e) => ({ object: `api:${e.name}`, tid: null }),
    objectKey: (e) => e.name,
  },
  'api.return': {
    layer: 'api',
    doc: 'An API call returned: VkResult (null for void functions), value summary, validation message.',
    text: (e) => `${e.name} = ${e.result ?? 'void'}${e.value !== null && e.value !== undefined ? ` ${argText(e.value)}` : ''}${e.message ? ` (${e.message})` : ''} <${e.durNs}ns>`,
    row: (e) => ({ object: `api:${e.name}`, tid: null }),
    objectKey: (e) => e.name,
  },
  'app.thread_switch': {
    layer: 'api',
    doc: 'The seeded scheduler handed the CPU to another app thread (recorded so replay can force the same interleaving).',
    text: (e) => `thread switch pid=${e.pid} -> thread ${e.thread}`,
    row: (e) => ({ object: `thread:${e.pid}.${e.thread}`, tid: e.thread }),
  },
  'mem.write': {
    layer: 'api',
    doc: 'A CPU write to mapped GPU memory (BO, offset, bytes), known before the GPU could read it.',
    text: (e) => `mem.write mem=${e.memory} bo=${e.bo} +${hex(e.offsetBytes)} len=${e.bytes.length}`,
    row: (e) => ({ object: `bo:${e.bo}`, tid: null }),
    objectKey: (e) => e.bo,
  },
  'mem.read': {
    layer: 'api',
    doc: 'Bytes reached an app\'s mapped view from GPU memory (the whole view at map, the changed span after a wait or an invalidate): span and hash of what the app can now read back.',
    text: (e) => `mem.read mem=${e.memory} bo=${e.bo} +${hex(e.offsetBytes)} len=${e.lengthBytes} hash=${e.hash.slice(0, 12)}`,
    row: (e) => ({ object: `bo:${e.bo}`, tid: null }),
    objectKey: (e) => e.bo,
  },
  'frame.present': {
    layer: 'api',
    doc: 'A swapchain image presented: frame number, size and RGBA8 pixels.',
    text: (e) => `present frame=${e.frame} ${e.width}x${e.height}`,
    row: (e) => ({ object: `frame:${e.frame}`, tid: null }),
    objectKey: (e) => e.frame,
  },
  'kmd.ioctl': {
    layer: 'kmd',
    doc: 'An ioctl on a DRM file: request, argument bytes in and out, user copies, errno.',
    text: (e) => `ioctl(${e.fd}, ${e.name}) = ${e.errno ? `-${errnoName(e.errno)}` : '0'} <${e.durNs}ns>`,
    row: (e) => ({ object: `fd:${e.fd}`, tid: null }),
    objectKey: (e) => e.fd,
  },
  'kmd.ioctl_enter': {
    layer: 'kmd',
    doc: 'An ioctl entered the KMD: request and the id its return and its effects carry.',
    text: (e) => `ioctl(${e.fd}, ${e.name}) #${e.id} ...`,
    row: (e) => ({ object: `fd:${e.fd}`, tid: null }),
    objectKey: (e) => e.fd,
  },
  'kmd.wait_end': {
    layer: 'kmd',
    doc: 'A syncobj wait ended successfully, and the fence whose signal ended it (its object: the same fence as that signal).',
    text: (e) => `wait #${e.ioctl} on [${e.handles.map((h, i) => (e.points[i] ? `${h}@${e.points[i]}` : `${h}`)).join(',')}] ended by ${e.endedBy ? `${e.endedBy.context}#${e.endedBy.seqno}` : 'attach'} first=${e.firstSignaled}`,
    row: (e) => ({ object: e.endedBy ? `fence:${e.endedBy.context}:${e.endedBy.seqno}` : null, tid: null }),
  },
  'hw.mmio': {
    layer: 'hw',
    doc: 'A register access by the KMD through the bus.',
    text: (e) => `mmio ${e.op} ${e.reg} (${hex(e.offset)}) ${e.op === 'write' ? '<-' : '->'} ${hex(e.value)}`,
    row: (e) => ({ object: `reg:${e.reg}`, tid: null }),
    objectKey: (e) => e.reg,
  },
  'hw.irq': {
    layer: 'hw',
    doc: 'An interrupt line raised by the GPU, with its raw status.',
    text: (e) => `irq ${e.line} status=${hex(e.status)}`,
    row: (e) => ({ object: `irq:${e.line}`, tid: null }),
    objectKey: (e) => e.line,
  },
  'hw.fault': {
    layer: 'hw',
    doc: 'A GPU fault: unit slot, address space, kind, address and access.',
    text: (e) => `fault ${e.fault} slot=${e.slot} as=${e.as} va=${hex(e.va)} ${e.access}: ${e.detail}`,
    row: (e) => ({ object: `as:${e.as}`, tid: null }),
    objectKey: (e) => e.as,
  },
  'hw.job': {
    layer: 'hw',
    doc: 'An engine job (copy, fill, dispatch, draw) from start to completion.',
    text: (e) => `${e.engine} ${e.op} slot=${e.slot} ${e.ok ? 'ok' : 'FAILED'} work=${e.work} <${e.durNs}ns>`,
    row: (e) => ({ object: `slot:${e.slot}`, tid: null }),
    objectKey: (e) => e.slot,
  },
  'kmd.job_queued': {
    layer: 'kmd',
    doc: 'GROUP_SUBMIT queued a job; it waits for its dependencies.',
    text: (e) => `job ${e.jobId} queued group=${e.group} queue=${e.queue} stream=${hex(e.streamVa)}+${e.streamSizeBytes} waits=${e.waits}`,
    row: (e) => ({ object: `job:${e.jobId}`, tid: null }),
    objectKey: (e) => e.jobId,
  },
  'kmd.job_started': {
    layer: 'kmd',
    doc: 'A job was written to its queue ring on a hardware slot.',
    text: (e) => `job ${e.jobId} started slot=${e.slot}`,
    row: (e) => ({ object: `job:${e.jobId}`, tid: null }),
    objectKey: (e) => e.jobId,
  },
  'kmd.job_finished': {
    layer: 'kmd',
    doc: 'A job completed, faulted, timed out or was cancelled.',
    text: (e) => `job ${e.jobId} ${e.status}`,
    row: (e) => ({ object: `job:${e.jobId}`, tid: null }),
    objectKey: (e) => e.jobId,
  },
  'kmd.fence_signal': {
    layer: 'kmd',
    doc: 'A dma-fence signalled (error 0 = success).',
    text: (e) => `fence ${e.context}#${e.seqno} signalled${e.error ? ` error=-${errnoName(e.error)}` : ''}`,
    row: (e) => ({ object: `fence:${e.context}:${e.seqno}`, tid: null }),
  },
  'kmd.syncobj': {
    layer: 'kmd',
    doc: 'A syncobj changed: a fence attached or signalled at a point, reset or transferred.',
    text: (e) => `syncobj ${e.handle} ${e.op} point=${e.point}`,
    row: (e) => ({ object: `syncobj:${e.handle}`, tid: null }),
    objectKey: (e) => e.handle,
  },
  'kmd.reset': {
    layer: 'kmd',
    doc: 'A GPU reset: why, which groups were guilty and which innocent.',
    text: (e) => `reset (${e.reason}) guilty=[${e.guiltyGroups.join(',')}] innocent=[${e.innocentGroups.join(',')}]`,
    row: () => ({ object: 'gpu', tid: null }),
  },
  'kmd.process_op': {
    layer: 'kmd',
    doc: 'A process or file operation around the ioctls: spawn, open, close, mmap, munmap, or an fd passed to another process; result is the new pid/fd/address, 0 or -errno.',
    text: (e) => processOpText(e),
    row: (e) => ({ object: e.op === 'spawn' ? `pid:${e.result}` : e.op === 'munmap' ? `va:${hex(e.arg)}` : `fd:${e.arg}`, tid: null }),
  },
  'kmd.group_state': {
    layer: 'kmd',
    doc: 'A scheduling group changed state (DRM_PANTHOR_GROUP_STATE_* flags).',
    text: (e) => `group ${e.group} state=${hex(e.state)} (${e.reason})`,
    row: (e) => ({ object: `group:${e.group}`, tid: null }),
    objectKey: (e) => e.group,
  },
};

export function layerOf(e: TraceEvent): Layer {
  return eventKinds[e.kind].layer;
}

export function eventText(e: TraceEvent): string {
  const spec = eventKinds[e.kind] as KindSpec<EventKind>;
  return spec.text(e as never);
}
