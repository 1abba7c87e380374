/**
 * The replay levels, one row each: what a level regenerates (so the verifier knows
 * which recorded events to expect) and how it runs. Every runner has the same
 * shape — a capture in; regenerated events out into `sink`, in the capture's
 * numbering; `shouldStop` checked between inputs — so verification, the CLI and
 * the API are written once over this table.
 *
 * Example: LEVELS.ioctl.run(reader, { sink: verifier, shouldStop: () => verifier.stopped })
 */
import type { EventKind } from '../engine/trace/events';
import type { CaptureReader } from '../recorder/capture/reader';
import { replayApi } from './api-replay';
import { Remapper } from './remap';
import type { ReplayLevel } from './divergence';
import { regeneratedByIoctlReplay, replayIoctl, type ReplayResult, type ReplayRunOptions, type ReplayStats } from './ioctl-replay';

export interface LevelRunner {
  readonly doc: string;
  readonly regenerates: (kind: EventKind) => boolean;
  readonly run: (reader: CaptureReader, options: ReplayRunOptions) => ReplayResult;
}

export const LEVELS: { readonly [L in ReplayLevel]: LevelRunner } = {
  ioctl: {
    doc: 'recorded process operations, ioctls and CPU memory writes into a fresh kernel driver and GPU model',
    regenerates: regeneratedByIoctlReplay,
    run: replayIoctl,
  },
  api: {
    doc: 'recorded API calls through the current user-mode driver, kernel driver and GPU model',
    // Everything below the app: the UMD's memory writes and frames, the kernel, the GPU.
    regenerates: (kind) => kind !== 'api.call' && kind !== 'app.thread_switch',
    run: runApiLevel,
  },
};

const emptyRemap = new Remapper().summary();

/** replayApi in the level table's shape (its run summary as ReplayStats). */
function runApiLevel(reader: CaptureReader, options: ReplayRunOptions): ReplayResult {
  const meta = reader.meta();
  let events = 0;
  let lastNs = 0;
  const sink = options.sink;
  const r = replayApi(reader, {
    sink: { emit: (e) => { events++; lastNs = Math.max(lastNs, e.tsNs); sink?.emit(e); } },
    inject: options.inject, shouldStop: options.shouldStop, onProgress: options.onProgress,
  });
  if (!r.ok) return { ok: false, error: { code: r.error.code === 'unknown-bug' ? 'unknown-bug' : 'bad-capture', message: r.error.message } };
  const v = r.value;
  return {
    ok: true,
    value: {
      inputs: v.calls, events, virtualNs: lastNs, lastSeq: v.lastSeq, stopped: v.stopped,
      skipped: v.error ? [{ seq: v.lastSeq, message: v.error }] : [],
      // API-level handles are the UMD's, not the kernel's: the kernel-side counts stay 0.
      remapped: { ...Object.fromEntries(Object.keys(emptyRemap).map((k) => [k, 0])) } as ReplayStats['remapped'],
      injected: options.inject ?? meta.injectedBugs,
    },
  };
}

export function isReplayLevel(s: string): s is ReplayLevel {
  return Object.hasOwn(LEVELS, s);
}
