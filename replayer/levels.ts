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
import { runApiReplayPending } from './api-replay-pending';
import type { ReplayLevel } from './divergence';
import { regeneratedByIoctlReplay, replayIoctl, type ReplayResult, type ReplayRunOptions } from './ioctl-replay';

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
    run: runApiReplayPending,
  },
};

export function isReplayLevel(s: string): s is ReplayLevel {
  return Object.hasOwn(LEVELS, s);
}
