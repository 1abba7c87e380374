/**
 * dma-fence: a one-shot completion with an optional error, on a (context, seqno)
 * timeline. Fences are signalled exactly once; callbacks run synchronously at the
 * signal, in registration order, so completion order is deterministic.
 *
 * Every signal is a `kmd.fence_signal` event, stubs included (each stub gets its own
 * seqno on the 'stub' context), so a wait can name the fence that ended it and a
 * reader finds that fence's signal in the stream. `signalOrder` ranks signals
 * (several can share one virtual nanosecond); only comparisons between fences use it.
 * The rank comes from the device's `SignalRanks` (one per device, part of its state and
 * of its snapshots), so two devices in one process never share a counter and a
 * restored device goes on ranking where the original stopped.
 *
 * Snapshots hold only signalled fences (a checkpoint is taken when nothing is
 * pending, see engine/snapshot.ts): a signalled fence is immutable data, with no
 * callbacks left to carry.
 */
import type { TraceSink } from '../trace/sink';

/** The device's signal counter: the rank of the last fence signalled on it. */
export class SignalRanks {
  last = 0;

  next(): number {
    return ++this.last;
  }
}

/** A signalled fence as data (snapshots). */
export interface FenceState {
  readonly context: string;
  readonly seqno: number;
  readonly jobId: number;
  readonly ioctl: number;
  readonly error: number;
  readonly signalledAtNs: number;
  readonly signalOrder: number;
}

export class DmaFence {
  private signalled = false;
  private errorValue = 0;
  private callbacks: Array<(f: DmaFence) => void> = [];
  signalledAtNs = -1;
  /** Rank of the signal among all fences' signals (-1 while pending). */
  signalOrder = -1;

  constructor(
    private readonly ranks: SignalRanks,
    readonly context: string,
    readonly seqno: number,
    /** Job that will signal it (0 for other fences). */
    readonly jobId = 0,
    /** For fences no job signals: the ioctl (id) that created them; 0 otherwise. */
    readonly ioctl = 0,
  ) {}

  get isSignalled(): boolean {
    return this.signalled;
  }

  /** 0, or the errno the producer failed with (ECANCELED, EIO, ETIMEDOUT…). */
  get error(): number {
    return this.errorValue;
  }

  onSignal(cb: (f: DmaFence) => void): void {
    if (this.signalled) cb(this);
    else this.callbacks.push(cb);
  }

  signal(nowNs: number, sink: TraceSink, error = 0): void {
    if (this.signalled) return;
    this.signalled = true;
    this.errorValue = error;
    this.signalledAtNs = nowNs;
    this.signalOrder = this.ranks.next();
    sink.emit({ kind: 'kmd.fence_signal', tsNs: nowNs, context: this.context, seqno: this.seqno, error, jobId: this.jobId, ioctl: this.ioctl });
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb(this);
  }

  /**
   * An already-signalled fence (DRM's stub fence), signalled by the CPU in ioctl
   * `ioctl`; `seqno` is unique per device so the signal can be named.
   */
  static signalledStub(ranks: SignalRanks, nowNs: number, sink: TraceSink, seqno: number, ioctl: number): DmaFence {
    const f = new DmaFence(ranks, 'stub', seqno, 0, ioctl);
    f.signal(nowNs, sink);
    return f;
  }

  /** This fence as data; only a signalled fence has a snapshot (pending ones carry callbacks). */
  snapshot(): FenceState | undefined {
    if (!this.signalled) return undefined;
    const { context, seqno, jobId, ioctl, signalledAtNs, signalOrder } = this;
    return { context, seqno, jobId, ioctl, error: this.errorValue, signalledAtNs, signalOrder };
  }

  /** A signalled fence rebuilt from its snapshot (emits nothing: the signal already happened). */
  static restore(ranks: SignalRanks, s: FenceState): DmaFence {
    const f = new DmaFence(ranks, s.context, s.seqno, s.jobId, s.ioctl);
    f.signalled = true;
    f.errorValue = s.error;
    f.signalledAtNs = s.signalledAtNs;
    f.signalOrder = s.signalOrder;
    return f;
  }
}

