/**
 * Outputs verification: does a replay show the app what the capture showed it?
 * A TraceSink over the regenerated stream that compares, in order, the events an app
 * can observe with the capture's, read in pages (capture-cursor.ts):
 *
 * - `api.return`: entry point, VkResult (so fence and semaphore waits, fence status,
 *   device loss — fault states reach an app only as results like
 *   VK_ERROR_DEVICE_LOST), and the returned value (counter values, memory
 *   requirements, image indices, device addresses) with handles compared through a
 *   recorded → replayed HandleMap bound from the returns themselves: a UMD that
 *   numbers objects differently is not a divergence, one that returns the same handle
 *   for two objects is. Validation messages and durations are not compared (messages
 *   are for people; timing is not an output).
 * - `frame.present`: frame number, size and pixels, byte-exact; the report gives the
 *   number of differing pixels and the first one, with both colours.
 * - `mem.read`: what reached the app's mapped views (engine/umd/memory-tracking.ts):
 *   VkDeviceMemory (remapped), span and content hash. This is read-back memory,
 *   recorded as hashes (GPU writes are outputs), so a compute result the app reads is
 *   verified without the capture storing it.
 *
 * Everything else (ioctls, jobs, timing, command-stream bytes) is the strict
 * verifier's business. The two share the report shape (divergence.ts) and the
 * `diverged` / `divergences` / `stopped` surface, so a replay can feed either.
 *
 * Alignment: observable events are compared one for one in stream order; a replay
 * that produces a different kind at a position (a refresh that found nothing new, a
 * missing frame) diverges there. The first divergence stops verification unless
 * `keepGoing`; `finish()` after a replay that ran to the end reports recorded
 * observable events the replay never produced.
 *
 * Example:
 *   const v = new OutputsVerifier(reader);
 *   const run = replayApi(reader, { sink: v, shouldStop: () => v.stopped });
 *   if (run.ok && !run.value.stopped) v.finish();
 *   v.divergences[0]  // → { seq: 233, layer: 'api', kind: 'frame.present', fields: [{ path: 'rgba', note: '4211 of 65536 pixels differ; first (12, 40): …' }], … }
 */
import type { ApiReturnEvent, FramePresentEvent, MemReadEvent, TraceEvent } from '../engine/trace/events';
import { layerOf } from '../engine/trace/events';
import { vkResultName } from '../engine/umd/vk-result';
import { handleSlots, mapSlot } from '../engine/umd/api-handles';
import type { TraceSink } from '../engine/trace/sink';
import type { DecodedEvent } from '../recorder/capture/reader';
import { MergedCursor, type EventSource } from '../recorder/capture/capture-cursor';
import type { Divergence, FieldDiff } from './divergence';
import { fieldDiffs, printable } from './field-diff';
import { HandleMap } from './handle-map';
import { bindReturn } from './recorded-call';
import { causalChain, contextAround, objectOf } from './report-events';

/** The kinds outputs verification compares. */
export const OBSERVABLE_KINDS = ['api.return', 'frame.present', 'mem.read'] as const;
type Observable = ApiReturnEvent | FramePresentEvent | MemReadEvent;

export interface OutputsVerifierOptions {
  /** Report every divergence instead of stopping at the first (default false). */
  readonly keepGoing?: boolean;
  /** With keepGoing, stop collecting after this many (default 100). */
  readonly maxDivergences?: number;
  readonly pageEvents?: number;
}

export class OutputsVerifier implements TraceSink {
  readonly divergences: Divergence[] = [];
  /** True once verification will compare nothing more (first divergence, or the limit). */
  stopped = false;
  private readonly expected: MergedCursor;
  private readonly map = new HandleMap();
  private readonly keepGoing: boolean;
  private readonly maxDivergences: number;
  /** Observable events compared so far. */
  compared = 0;

  constructor(
    private readonly reader: EventSource,
    options: OutputsVerifierOptions = {},
  ) {
    this.expected = new MergedCursor(reader, OBSERVABLE_KINDS, 1, options.pageEvents);
    this.keepGoing = options.keepGoing ?? false;
    this.maxDivergences = options.maxDivergences ?? 100;
  }

  get diverged(): boolean {
    return this.divergences.length > 0;
  }

  emit(event: TraceEvent): void {
    if (this.stopped || !isObservable(event)) return;
    const d = this.expected.next();
    if (!d) {
      if (this.expected.error) this.report(undefined, event, [{ path: '(capture)', expected: this.expected.error.message, actual: '' }]);
      else this.report(undefined, event, [{ path: 'kind', expected: '(capture ended)', actual: event.kind, note: 'the replay produced more than the capture holds' }]);
      return;
    }
    this.compared++;
    const fields = this.compare(d.event as Observable, event);
    if (fields.length) this.report(d, event, fields);
  }

  /** After a replay that ran to the end: recorded observable events it never produced. */
  finish(): void {
    if (this.stopped) return;
    const d = this.expected.next();
    if (d) this.report(d, null, [{ path: 'kind', expected: d.event.kind, actual: '(replay ended)', note: 'the replay ended before producing this' }]);
    else if (this.expected.error) this.report(undefined, null, [{ path: '(capture)', expected: this.expected.error.message, actual: '' }]);
  }

  private compare(exp: Observable, act: Observable): FieldDiff[] {
    if (exp.kind !== act.kind) return [{ path: 'kind', expected: exp.kind, actual: act.kind }];
    switch (exp.kind) {
      case 'api.return':
        return this.compareReturn(exp, act as ApiReturnEvent);
      case 'frame.present':
        return compareFrame(exp, act as FramePresentEvent);
      case 'mem.read':
        return this.compareRead(exp, act as MemReadEvent);
    }
  }

  private compareReturn(exp: ApiReturnEvent, act: ApiReturnEvent): FieldDiff[] {
    if (exp.name !== act.name) return [{ path: 'name', expected: exp.name, actual: act.name }];
    const out: FieldDiff[] = [];
    if (exp.result !== act.result) {
      out.push({ path: 'result', expected: resultText(exp.result), actual: resultText(act.result), ...(act.message ? { note: act.message } : {}) });
    }
    for (const conflict of bindReturn(exp.name, exp.pid, exp.value, act.value, this.map)) {
      out.push({ path: 'value', expected: printable(exp.value), actual: printable(act.value), note: conflict });
    }
    // Recorded handles in the value, seen as this run's numbers; the rest compared as is.
    let translated = exp.value;
    for (const slot of handleSlots(exp.name).returns) {
      translated = (mapSlot({ value: translated }, slot.path, (h) => this.map.translate(exp.pid, slot.kind, h)) as { value: unknown }).value;
    }
    out.push(...fieldDiffs(translated, act.value).map((f) => ({ ...f, path: f.path === '(value)' ? 'value' : `value.${f.path}`.replace('value.[', 'value[') })));
    return out;
  }

  private compareRead(exp: MemReadEvent, act: MemReadEvent): FieldDiff[] {
    const memory = this.map.translate(exp.pid, 'VkDeviceMemory', exp.memory);
    return fieldDiffs(
      { memory, offsetBytes: exp.offsetBytes, lengthBytes: exp.lengthBytes, hash: exp.hash },
      { memory: act.memory, offsetBytes: act.offsetBytes, lengthBytes: act.lengthBytes, hash: act.hash },
    );
  }

  private report(exp: DecodedEvent | undefined, act: TraceEvent | null, fields: readonly FieldDiff[]): void {
    const shown = exp?.event ?? act;
    const seq = exp?.seq ?? 0;
    this.divergences.push({
      seq,
      layer: shown ? layerOf(shown) : 'api',
      kind: shown?.kind ?? '(none)',
      object: shown ? objectOf(shown) : null,
      expected: exp?.event ?? null,
      actual: act,
      fields,
      chain: exp ? causalChain(this.reader, exp) : [],
      context: seq ? contextAround(this.reader, seq) : [],
    });
    if (!this.keepGoing || this.divergences.length >= this.maxDivergences) this.stopped = true;
  }
}

function isObservable(e: TraceEvent): e is Observable {
  return e.kind === 'api.return' || e.kind === 'frame.present' || e.kind === 'mem.read';
}

function resultText(r: number | null): string {
  return r === null ? 'void' : `${vkResultName(r)} (${r})`;
}

/** Frame number, size, and pixels: how many differ and the first one. */
export function compareFrame(exp: FramePresentEvent, act: FramePresentEvent): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const k of ['frame', 'width', 'height'] as const) if (exp[k] !== act[k]) out.push({ path: k, expected: String(exp[k]), actual: String(act[k]) });
  if (out.length) return out;
  if (exp.rgba.length !== act.rgba.length) return [{ path: 'rgba', expected: `${exp.rgba.length} bytes`, actual: `${act.rgba.length} bytes`, note: 'sizes differ' }];
  const pixels = exp.width * exp.height;
  let differing = 0;
  let first = -1;
  for (let p = 0; p < pixels; p++) {
    const o = p * 4;
    if (exp.rgba[o] !== act.rgba[o] || exp.rgba[o + 1] !== act.rgba[o + 1] || exp.rgba[o + 2] !== act.rgba[o + 2] || exp.rgba[o + 3] !== act.rgba[o + 3]) {
      differing++;
      if (first < 0) first = p;
    }
  }
  if (!differing) return [];
  const x = first % exp.width;
  const y = Math.floor(first / exp.width);
  const px = (b: Uint8Array) => `rgba(${[...b.subarray(first * 4, first * 4 + 4)].join(', ')})`;
  return [{
    path: 'rgba', expected: px(exp.rgba), actual: px(act.rgba),
    note: `${differing} of ${pixels} pixels differ; first at (${x}, ${y})`,
  }];
}
