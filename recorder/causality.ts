/**
 * Causal links: the stage between the engine's event stream and the capture writer
 * that fills `cause_seq`, so "why did this wait end" and "what did this submit
 * cause" are single queries (follow cause_seq up, or select by it down).
 *
 * Links are derived from the stream alone, in order, with no clock or table other
 * than what earlier events said — the same stream always gets the same links:
 *
 *   api.call          → the enclosing api.call of the same pid (layers calling down), else none
 *   api.return        → its api.call
 *   kmd.ioctl_enter   → the innermost open api.call of the same pid (none for a raw ioctl)
 *   kmd.ioctl         → its kmd.ioctl_enter (same id)
 *   kmd.syncobj       → the ioctl_enter of the ioctl that changed it
 *   kmd.job_queued    → the ioctl_enter of its GROUP_SUBMIT
 *   kmd.job_started   → its job_queued
 *   hw.job            → the job_started of the oldest unfinished job on that slot (jobs
 *                       on a slot run in ring order; the hardware does not know job ids)
 *   kmd.job_finished  → its job_started (its job_queued if it never ran: cancelled)
 *   kmd.fence_signal  → job_finished of its job (or what it had reached, if the fence
 *                       signals early); for CPU-signalled stubs, VM_BIND and
 *                       joined fences the ioctl_enter that created the fence
 *   kmd.wait_end      → the fence_signal of `endedBy` (latest signal of that fence
 *                       identity); the wait's ioctl_enter when nothing signalled
 *   mem.write         → the api.call during which it was published (submit, flush, unmap)
 *   mem.read          → the api.call that refreshed the view (a wait, an invalidate)
 *   frame.present     → the api.call (vkQueuePresentKHR) that presented it
 *   others (mmio, irq, faults, resets, group state, thread switches) → none
 *
 * A link points only backwards (cause_seq < seq). The stream is assumed to come
 * from one device (ioctl ids are per device). Rejected: having the engine emit
 * cause_seq itself — seq is the capture's numbering, and the engine must not know
 * about captures; ids in events (ioctl, jobId, fence) are what it can honestly say.
 *
 * Example: `const sink = new CausalLinker(writer); runApp(vkcube, { sink, wrapVk })`
 * → the job_queued row of frame 0 has cause_seq = seq of its GROUP_SUBMIT ioctl_enter.
 */
import type { EventKind, EventOf, TraceEvent } from '../engine/trace/events';
import type { TraceSink } from '../engine/trace/sink';
import { DenseSeqTable } from './dense-seq-table';

/** Where linked events go: the capture writer, or anything that numbers events 1, 2, …. */
export interface CausalAppender {
  /** Stores `event` with its cause; returns the event's seq. */
  append(event: TraceEvent, causeSeq: number | null): number;
}

type Rule<K extends EventKind> = (e: EventOf<K>, s: LinkState) => number | null;

interface OpenCall {
  readonly seq: number;
  readonly name: string;
}

/** What earlier events said, as far as later links need it. */
class LinkState {
  readonly openCalls = new Map<number, OpenCall[]>();
  // Dense tables, not Maps: one entry per ioctl and job of the whole recording.
  readonly ioctlEnter = new DenseSeqTable();
  readonly jobQueued = new DenseSeqTable();
  readonly jobStarted = new DenseSeqTable();
  readonly jobFinished = new DenseSeqTable();
  /** Started, unfinished jobs per hardware slot, oldest first. */
  readonly slotJobs = new Map<number, number[]>();
  readonly jobSlot = new Map<number, number>();
  /** Per fence context, seqno → seq of its latest signal. */
  readonly fenceSignal = new Map<string, DenseSeqTable>();

  innermostCall(pid: number): number | null {
    const stack = this.openCalls.get(pid);
    return stack?.[stack.length - 1]?.seq ?? null;
  }

  signalOf(context: string, seqno: number): number | undefined {
    return this.fenceSignal.get(context)?.get(seqno);
  }

  ioctl(id: number): number | null {
    return this.ioctlEnter.get(id) ?? null;
  }

  leaveSlot(jobId: number): void {
    const slot = this.jobSlot.get(jobId);
    if (slot === undefined) return;
    this.jobSlot.delete(jobId);
    const jobs = this.slotJobs.get(slot);
    const i = jobs?.indexOf(jobId) ?? -1;
    if (jobs && i >= 0) jobs.splice(i, 1);
  }
}

const none = (): null => null;

const rules: { readonly [K in EventKind]: Rule<K> } = {
  'api.call': (e, s) => s.innermostCall(e.pid),
  'api.return': (e, s) => {
    const stack = s.openCalls.get(e.pid);
    const top = stack?.[stack.length - 1];
    return top && top.name === e.name ? top.seq : null;
  },
  'app.thread_switch': none,
  'mem.write': (e, s) => s.innermostCall(e.pid),
  'mem.read': (e, s) => s.innermostCall(e.pid),
  'frame.present': (e, s) => s.innermostCall(e.pid),
  'kmd.ioctl_enter': (e, s) => s.innermostCall(e.pid),
  'kmd.ioctl': (e, s) => s.ioctl(e.id),
  'kmd.wait_end': (e, s) => (e.endedBy ? s.signalOf(e.endedBy.context, e.endedBy.seqno) : undefined) ?? s.ioctl(e.ioctl),
  'hw.mmio': none,
  'hw.irq': none,
  'hw.fault': none,
  'hw.job': (e, s) => {
    const head = s.slotJobs.get(e.slot)?.[0];
    return head === undefined ? null : (s.jobStarted.get(head) ?? null);
  },
  'kmd.job_queued': (e, s) => s.ioctl(e.ioctl),
  'kmd.job_started': (e, s) => s.jobQueued.get(e.jobId) ?? null,
  'kmd.job_finished': (e, s) => s.jobStarted.get(e.jobId) ?? s.jobQueued.get(e.jobId) ?? null,
  // A job fence signalling before its job finished (the 'early-signal' bug) links to what the job had reached.
  'kmd.fence_signal': (e, s) => (e.jobId ? (s.jobFinished.get(e.jobId) ?? s.jobStarted.get(e.jobId) ?? s.jobQueued.get(e.jobId) ?? null) : e.ioctl ? s.ioctl(e.ioctl) : null),
  'kmd.syncobj': (e, s) => s.ioctl(e.ioctl),
  'kmd.reset': none,
  'kmd.group_state': none,
  'kmd.process_op': (e, s) => s.innermostCall(e.pid),
};

/** Remember what later links need, once the event has its seq. */
function record(e: TraceEvent, seq: number, s: LinkState): void {
  switch (e.kind) {
    case 'api.call': {
      const stack = s.openCalls.get(e.pid) ?? [];
      stack.push({ seq, name: e.name });
      s.openCalls.set(e.pid, stack);
      break;
    }
    case 'api.return': {
      const stack = s.openCalls.get(e.pid);
      if (stack?.[stack.length - 1]?.name === e.name) stack.pop();
      break;
    }
    case 'kmd.ioctl_enter':
      s.ioctlEnter.set(e.id, seq);
      break;
    case 'kmd.job_queued':
      s.jobQueued.set(e.jobId, seq);
      break;
    case 'kmd.job_started': {
      s.leaveSlot(e.jobId);
      s.jobStarted.set(e.jobId, seq);
      s.jobSlot.set(e.jobId, e.slot);
      const jobs = s.slotJobs.get(e.slot) ?? [];
      jobs.push(e.jobId);
      s.slotJobs.set(e.slot, jobs);
      break;
    }
    case 'kmd.job_finished':
      s.leaveSlot(e.jobId);
      s.jobFinished.set(e.jobId, seq);
      break;
    case 'kmd.fence_signal': {
      let table = s.fenceSignal.get(e.context);
      if (!table) s.fenceSignal.set(e.context, (table = new DenseSeqTable()));
      table.set(e.seqno, seq);
      break;
    }
    default:
      break;
  }
}

/**
 * A TraceSink that links each event to its cause and appends both to `out`
 * (a CaptureWriter, or a test's recorder of (event, cause) pairs).
 */
export class CausalLinker implements TraceSink {
  private readonly state = new LinkState();

  constructor(private readonly out: CausalAppender) {}

  emit(event: TraceEvent): void {
    this.append(event);
  }

  /** Links and appends one event; returns its seq. */
  append(event: TraceEvent): number {
    const rule = rules[event.kind] as Rule<EventKind>;
    const cause = rule(event as never, this.state);
    const seq = this.out.append(event, cause);
    record(event, seq, this.state);
    return seq;
  }
}
