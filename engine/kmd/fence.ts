/**
 * dma-fence: a one-shot completion with an optional error, on a (context, seqno)
 * timeline. Fences are signalled exactly once; callbacks run synchronously at the
 * signal, in registration order, so completion order is deterministic.
 */
import type { TraceSink } from '../trace/sink';

export class DmaFence {
  private signalled = false;
  private errorValue = 0;
  private callbacks: Array<(f: DmaFence) => void> = [];
  signalledAtNs = -1;

  constructor(
    readonly context: string,
    readonly seqno: number,
    /** Job that will signal it (0 for stub fences). */
    readonly jobId = 0,
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
    sink.emit({ kind: 'kmd.fence_signal', tsNs: nowNs, context: this.context, seqno: this.seqno, error, jobId: this.jobId });
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb(this);
  }

  /** An already-signalled fence (DRM's stub fence). */
  static signalledStub(nowNs: number): DmaFence {
    const f = new DmaFence('stub', 0);
    f.signalled = true;
    f.signalledAtNs = nowNs;
    return f;
  }
}
