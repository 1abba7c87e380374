/**
 * API-level replay for tests: record an app into a temporary capture, replay it
 * (optionally with bugs injected or handles renumbered) into a sink that keeps every
 * regenerated event with its causal link, an outputs verifier beside it, and find
 * the first event where the regenerated stream departs from the recorded one (the
 * event a strict verifier reports).
 */
import { isDeepStrictEqual } from 'node:util';
import type { AppOptions } from '../../engine/apps/app';
import { appByName } from '../../engine/apps/catalogue';
import type { Layer, TraceEvent } from '../../engine/trace/events';
import { layerOf } from '../../engine/trace/events';
import { CausalLinker } from '../../recorder/causality';
import { openCapture, type CaptureReader, type DecodedEvent } from '../../recorder/capture/reader';
import { recordApp } from '../../recorder/record-session';
import { replayApi, type ApiReplayOptions, type ApiReplayRun } from '../../replayer/api-replay';
import { OutputsVerifier } from '../../replayer/verify-outputs';

export function recordCapture(app: string, options: Partial<AppOptions>, path: string): CaptureReader {
  const a = appByName(app);
  if (!a) throw new Error(`no app ${app}`);
  const rec = recordApp(a, options, path, { engineVersion: 'test' });
  if (!rec.ok) throw new Error(rec.error.message);
  if (rec.value.state !== 'complete') throw new Error(`${app}: ${rec.value.error}`);
  const r = openCapture(path);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export interface Replayed {
  readonly run: ApiReplayRun;
  /** Regenerated events with the cause_seq a recording would have given them. */
  readonly events: readonly { readonly event: TraceEvent; readonly causeSeq: number | null }[];
  readonly outputs: OutputsVerifier;
}

/** Replays to the end (the outputs verifier keeps going, so the whole stream is regenerated). */
export function replayAll(reader: CaptureReader, options: Omit<ApiReplayOptions, 'sink'> = {}): Replayed {
  const events: { event: TraceEvent; causeSeq: number | null }[] = [];
  const linker = new CausalLinker({ append: (event, causeSeq) => events.push({ event, causeSeq }) });
  const outputs = new OutputsVerifier(reader, { keepGoing: true });
  const run = replayApi(reader, { ...options, sink: { emit: (e) => { linker.emit(e); outputs.emit(e); } } });
  if (!run.ok) throw new Error(run.error.message);
  if (!run.value.stopped) outputs.finish();
  return { run: run.value, events, outputs };
}

export interface FirstDifference {
  readonly index: number;
  readonly recorded: { readonly layer: Layer; readonly kind: string } | null;
  readonly replayed: { readonly layer: Layer; readonly kind: string } | null;
}

/** The first position where (event, cause) differ; undefined when the streams are equal. */
export function firstDifference(recorded: readonly DecodedEvent[], replayed: Replayed['events']): FirstDifference | undefined {
  const n = Math.max(recorded.length, replayed.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i];
    const b = replayed[i];
    if (a && b && isDeepStrictEqual(a.event, b.event) && a.causeSeq === b.causeSeq) continue;
    const side = (e: TraceEvent | undefined) => (e ? { layer: layerOf(e), kind: e.kind } : null);
    return { index: i, recorded: side(a?.event), replayed: side(b?.event) };
  }
  return undefined;
}

export function allEvents(reader: CaptureReader): DecodedEvent[] {
  const r = reader.events();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
