/**
 * Verification: a replay's regenerated events checked against the capture, in
 * order, as they are produced. The `Verifier` is a TraceSink, so any replay level
 * plugs in by emitting into it; it holds a cursor over the recorded events (read in
 * pages, never all at once) and reports `Divergence`s (divergence.ts).
 *
 * Model
 * - The expected stream is the capture's events of the kinds the replay level
 *   regenerates (`regenerates`), in seq order. Each regenerated event of such a
 *   kind is compared with the next expected one; events of other kinds are not the
 *   replay's to reproduce and are ignored. Events must arrive in the capture's
 *   numbering (the ioctl replay remaps before emitting, see event-remap.ts).
 * - `strict`: every field — times and durations, argument bytes in and out, every
 *   user copy, errno, fence values, job streams, per-job write hashes, MMIO values.
 * - `outputs`: what an app can observe, projected per kind (OUTPUTS): ioctl errno,
 *   out-arguments and copy-outs; which fences signalled and with what error; GPU
 *   faults, resets and group states; what each engine job wrote (its write hash).
 *   Times, MMIO traffic and the scheduler's inner steps are not compared.
 * - The first mismatch sets `stopped` (the replay should stop) unless `keepGoing`,
 *   which goes on comparing event for event up to `maxDivergences`. No resync is
 *   attempted: after a divergence later ones may be consequences.
 * - `finish()` after the replay: a recorded event nobody regenerated is a
 *   divergence too (the replay produced less than the capture holds).
 *
 * Example:
 *   const v = new Verifier(reader, { regenerates: regeneratedByIoctlReplay });
 *   replayIoctl(reader, { sink: v, shouldStop: () => v.stopped }); v.finish();
 *   v.diverged   // → false; v.compared → 211
 */
import type { EventKind, EventOf, TraceEvent } from '../engine/trace/events';
import type { TraceSink } from '../engine/trace/sink';
import type { CaptureReader, DecodedEvent } from '../recorder/capture/reader';
import { DEFAULT_PAGE_EVENTS, KindCursor } from '../recorder/capture/capture-cursor';
import type { Divergence, FieldDiff, VerifyMode } from './divergence';
import { buildDivergence } from './divergence-report';
import { diffEvents, diffValues } from './event-diff';

export interface VerifierOptions {
  /** The kinds the replay level regenerates (the others are its inputs or not its business). */
  readonly regenerates: (kind: EventKind) => boolean;
  readonly mode?: VerifyMode;
  readonly keepGoing?: boolean;
  /** Cap on reports in keep-going mode (default 100); reaching it stops. */
  readonly maxDivergences?: number;
}

type Projection<K extends EventKind> = ((e: EventOf<K>) => unknown) | null;

/** What `outputs` mode compares of each kind; null = not an output. */
export const OUTPUTS: { readonly [K in EventKind]: Projection<K> } = {
  'kmd.ioctl': (e) => ({ name: e.name, errno: e.errno, argOut: e.argOut, copiesOut: e.copies.filter((c) => c.dir === 'out') }),
  'kmd.fence_signal': (e) => ({ context: e.context, seqno: e.seqno, error: e.error }),
  'hw.fault': (e) => ({ fault: e.fault, as: e.as, va: e.va, access: e.access }),
  'kmd.reset': (e) => ({ reason: e.reason, guiltyGroups: e.guiltyGroups, innocentGroups: e.innocentGroups }),
  'kmd.group_state': (e) => ({ group: e.group, state: e.state }),
  'hw.job': (e) => ({ engine: e.engine, op: e.op, ok: e.ok, writeHash: e.writeHash }),
  'frame.present': (e) => ({ frame: e.frame, width: e.width, height: e.height, rgba: e.rgba }),
  'kmd.process_op': (e) => ({ op: e.op, result: e.result }),
  'api.call': null,
  'api.return': (e) => ({ name: e.name, result: e.result, value: e.value }),
  'app.thread_switch': null,
  'mem.write': null,
  'mem.read': (e) => ({ memory: e.memory, offsetBytes: e.offsetBytes, lengthBytes: e.lengthBytes, hash: e.hash }),
  'kmd.ioctl_enter': null,
  'kmd.wait_end': null,
  'hw.mmio': null,
  'hw.irq': null,
  'kmd.job_queued': null,
  'kmd.job_started': null,
  'kmd.job_finished': null,
  'kmd.syncobj': null,
};

export class Verifier implements TraceSink {
  readonly divergences: Divergence[] = [];
  /** Set at the first divergence (or the cap in keep-going mode): the replay should stop. */
  stopped = false;
  /** Regenerated events compared. */
  compared = 0;
  private readonly expected: KindCursor;
  private readonly mode: VerifyMode;
  private lastSeq = 0;
  private finished = false;

  constructor(
    private readonly reader: CaptureReader,
    private readonly options: VerifierOptions,
  ) {
    this.mode = options.mode ?? 'strict';
    this.expected = new KindCursor(reader, undefined, 1, DEFAULT_PAGE_EVENTS, (d) => this.compares(d.event.kind));
  }

  get diverged(): boolean {
    return this.divergences.length > 0;
  }

  /** A row of the capture that did not decode (verification could not go on). */
  get error(): string | undefined {
    return this.expected.error?.message;
  }

  private compares(kind: EventKind): boolean {
    return this.options.regenerates(kind) && (this.mode === 'strict' || OUTPUTS[kind] !== null);
  }

  emit(actual: TraceEvent): void {
    if (this.stopped || !this.compares(actual.kind)) return;
    const expected = this.expected.next();
    this.compared++;
    if (!expected) {
      this.report({ seq: this.lastSeq, event: null, causeSeq: null }, actual, [{ path: 'kind', expected: '(end of capture)', actual: actual.kind, note: 'the replay produced an event the capture does not have' }]);
      return;
    }
    this.lastSeq = expected.seq;
    const fields = this.diff(expected.event, actual);
    if (fields.length) this.report(expected, actual, fields);
  }

  /** The replay is over: a recorded event still expected was never regenerated. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stopped) return;
    const missing = this.expected.next();
    if (missing) this.report(missing, null, [{ path: 'kind', expected: missing.event.kind, actual: '(none)', note: 'the replay ended before producing this event' }]);
  }

  private diff(expected: TraceEvent, actual: TraceEvent): FieldDiff[] {
    if (this.mode === 'strict' || expected.kind !== actual.kind) return diffEvents(expected, actual);
    const project = OUTPUTS[expected.kind] as Projection<EventKind>;
    return project ? diffValues('', project(expected as never), project(actual as never)) : [];
  }

  private report(at: DecodedEvent | { seq: number; event: null; causeSeq: null }, actual: TraceEvent | null, fields: readonly FieldDiff[]): void {
    this.divergences.push(buildDivergence(this.reader, at, actual, fields));
    if (!this.options.keepGoing || this.divergences.length >= (this.options.maxDivergences ?? 100)) this.stopped = true;
  }
}
