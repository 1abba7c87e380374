/**
 * Every catalogued bug, caught by API-level replay: a capture of an app recorded
 * clean, replayed through the same stack with the bug injected. Outputs verification
 * reports what the app would have seen differently, and the regenerated stream
 * departs from the recorded one at a first event a strict verifier reports.
 *
 * One table names, per bug, the app (the one tests/bugs/apps-matrix.test.ts shows it
 * in, with smaller options where the bug still shows), the first outputs divergence
 * (layer, kind, and the field that differs), and the first strict divergence (the
 * recorded event there and what the replay produced in its place).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../engine/apps/app';
import { BUGS } from '../../engine/bugs';
import type { ApiReturnEvent } from '../../engine/trace/events';
import { tempDir } from '../support/capture-files';
import { allEvents, firstDifference, recordCapture, replayAll } from '../support/api-replay';

interface Row {
  readonly app: string;
  readonly options: Partial<AppOptions>;
  /** First outputs divergence: kind, the differing field, and the entry point for api.return. */
  readonly outputs: { readonly kind: 'api.return' | 'frame.present' | 'mem.read'; readonly field: string; readonly name?: string };
  /** First strict divergence: the recorded event's kind there, and the replayed one in its place. */
  readonly strict: { readonly recorded: string; readonly replayed: string };
}

const SMALL = { frames: 1, width: 64, height: 64 };

const TABLE: Readonly<Record<string, Row>> = {
  // UMD bugs: the UMD writes different command streams / descriptors — its own mem.write (memory 0).
  'missing-barrier': { app: 'multiqueue', options: { frames: 3, width: 64, height: 64 }, outputs: { kind: 'mem.read', field: 'hash' }, strict: { recorded: 'mem.write', replayed: 'mem.write' } },
  'wrong-vertex-stride': { app: 'triangle', options: SMALL, outputs: { kind: 'frame.present', field: 'rgba' }, strict: { recorded: 'mem.write', replayed: 'mem.write' } },
  'missing-flush': { app: 'triangle', options: SMALL, outputs: { kind: 'frame.present', field: 'rgba' }, strict: { recorded: 'mem.write', replayed: 'mem.write' } },
  // KMD bugs.
  'early-signal': { app: 'triangle', options: SMALL, outputs: { kind: 'frame.present', field: 'rgba' }, strict: { recorded: 'hw.mmio', replayed: 'kmd.fence_signal' } },
  'unmap-stale-tlb': { app: 'isolation', options: {}, outputs: { kind: 'api.return', field: 'result', name: 'vkQueueWaitIdle' }, strict: { recorded: 'hw.mmio', replayed: 'kmd.ioctl' } },
  'bind-one-page-short': { app: 'triangle', options: SMALL, outputs: { kind: 'frame.present', field: 'rgba' }, strict: { recorded: 'kmd.job_queued', replayed: 'kmd.job_queued' } },
  'sched-ignore-wait': { app: 'streaming', options: {}, outputs: { kind: 'mem.read', field: 'hash' }, strict: { recorded: 'hw.mmio', replayed: 'hw.mmio' } },
  'timeline-out-of-order': { app: 'streaming', options: {}, outputs: { kind: 'mem.read', field: 'hash' }, strict: { recorded: 'hw.job', replayed: 'kmd.wait_end' } },
  // Hardware bug.
  'dma-drop-partial-page': { app: 'stress', options: { size: 64 }, outputs: { kind: 'mem.read', field: 'hash' }, strict: { recorded: 'hw.job', replayed: 'hw.job' } },
};

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('API-level replay with a bug injected into a clean capture', () => {
  it('the table has one row per catalogued bug', () => {
    expect(Object.keys(TABLE).sort()).toEqual(BUGS.map((b) => b.name).sort());
  });

  it.each(BUGS.map((b) => [b.name, TABLE[b.name]!] as const))('%s diverges', (bug, row) => {
    const reader = recordCapture(row.app, { seed: 1, ...row.options }, tmp.path(`${bug}.tfcap`));
    expect(reader.meta().injectedBugs).toEqual([]);
    const clean = replayAll(reader);
    expect(clean.outputs.divergences, `${bug}: clean replay`).toEqual([]);

    const injected = replayAll(reader, { inject: [bug] });
    expect(injected.run.error).toBeUndefined();

    const first = injected.outputs.divergences[0];
    expect(first, `${bug}: an outputs divergence`).toBeDefined();
    expect({ layer: first!.layer, kind: first!.kind, fields: first!.fields.map((f) => f.path) }).toEqual({ layer: 'api', kind: row.outputs.kind, fields: [row.outputs.field] });
    if (row.outputs.name) expect((first!.expected as ApiReturnEvent).name).toBe(row.outputs.name);
    expect(first!.seq).toBeGreaterThan(0);
    expect(first!.context.some((c) => c.seq === first!.seq)).toBe(true);
    if (row.outputs.kind === 'frame.present') expect(first!.fields[0]!.note).toMatch(/^\d+ of 4096 pixels differ; first at \(\d+, \d+\)$/);

    const strict = firstDifference(allEvents(reader), injected.events);
    expect(strict, `${bug}: the regenerated stream differs`).toBeDefined();
    expect({ recorded: strict!.recorded?.kind, replayed: strict!.replayed?.kind }).toEqual(row.strict);
    // The strict difference comes no later than what the app observes.
    expect(strict!.index + 1).toBeLessThanOrEqual(first!.seq);
  });
});
