/**
 * dma-fence: a one-shot completion with an optional error, on a (context, seqno)
 * timeline. Fences are signalled exactly once; callbacks run synchronously at the
 * signal, in registration order, so completion order is deterministic.
 *
 * Every signal is a `kmd.fence_signal` event, stubs included (each stub gets its own
 * seqno on the 'stub' context), so a wait can name the fence that ended it and a
 * reader finds that fence's signal in the stream. `signalOrder` ranks signals
 * (several can share one virtual nanosecond); only comparisons between fences use it.
 */
import type { TraceSink } from '../trace/sink';

let signalCounter = 0;

export class DmaFence {
  private signalled = false;
  private errorValue = 0;
  private callbacks: Array<(f: DmaFence) => void> = [];
  signalledAtNs = -1;
  /** Rank of the signal among all fences' signals (-1 while pending). */
  signalOrder = -1;

  constructor(
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
    this.signalOrder = ++signalCounter;
    sink.emit({ kind: 'kmd.fence_signal', tsNs: nowNs, context: this.context, seqno: this.seqno, error, jobId: this.jobId, ioctl: this.ioctl });
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb(this);
  }

  /**
   * An already-signalled fence (DRM's stub fence), signalled by the CPU in ioctl
   * `ioctl`; `seqno` is unique per device so the signal can be named.
   */
  static signalledStub(nowNs: number, sink: TraceSink, seqno: number, ioctl: number): DmaFence {
    const f = new DmaFence('stub', seqno, 0, ioctl);
    f.signal(nowNs, sink);
    return f;
  }
}
