/**
 * ioctl-level replay: a capture of every catalogued app, replayed into a fresh
 * kernel driver and GPU model, regenerates every kmd.* and hw.* event of the
 * capture exactly (strict) — and a replay whose fresh run hands out different
 * pids, fds, handles, mmap offsets and mapping addresses still does, because those
 * are remapped both ways.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { APPS } from '../../engine/apps/catalogue';
import { Syncobj } from '../../engine/kmd/syncobj';
import type { Stack } from '../../engine/stack';
import type { ProcessOpEvent } from '../../engine/trace/events';
import type { CaptureReader } from '../../recorder/capture/reader';
import { regeneratedByIoctlReplay, replayIoctl } from '../../replayer/ioctl-replay';
import { replayCapture } from '../../replayer/replay';
import { Verifier } from '../../replayer/verify';
import { openOrThrow as open, tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** Recorded events of the kinds the ioctl replay regenerates. */
function regeneratedCount(reader: CaptureReader): number {
  return reader.summary().byKind.filter((k) => k.layer !== 'api').reduce((n, k) => n + k.count, 0);
}

describe('ioctl replay of every catalogued app', () => {
  it.each(APPS.map((a) => a.name))('%s: strict and outputs verification find no divergence', (name) => {
    const reader = open(recordSmall(name, tmp.path(`${name}.tfcap`)));
    try {
      const strict = replayCapture(reader, { level: 'ioctl', verify: 'strict' });
      if (!strict.ok) throw new Error(strict.error.message);
      expect(strict.value.divergences).toEqual([]);
      // Every recorded kmd/hw event was regenerated and compared, none left over.
      expect(strict.value.compared).toBe(regeneratedCount(reader));
      expect(strict.value.stats.inputs).toBe(reader.summary().byKind
        .filter((k) => ['kmd.process_op', 'kmd.ioctl', 'mem.write'].includes(k.kind)).reduce((n, k) => n + k.count, 0));
      expect(strict.value.stats.remapped).toEqual({ pid: 0, fd: 0, bo: 0, syncobj: 0, vm: 0, group: 0, heap: 0, mmap_offset: 0, mapping: 0, gpuva: 0 });

      const outputs = replayCapture(reader, { level: 'ioctl', verify: 'outputs' });
      if (!outputs.ok) throw new Error(outputs.error.message);
      expect(outputs.value.diverged).toBe(false);
      expect(outputs.value.compared).toBeGreaterThan(0);
      expect(outputs.value.compared).toBeLessThan(strict.value.compared);
    } finally {
      reader.close();
    }
  });
});

/**
 * Makes the fresh run allocate differently from the recording without spending
 * virtual time (an ioctl would shift every timestamp): another process first (pids
 * move up), an extra fd in each recorded process (fds move up), and in each of their
 * DRM files a live syncobj and a BO that was given an mmap offset and mapped once
 * (handles, mmap offsets and mapping addresses move up). The BO is released again so
 * the driver's lowest-free page allocator hands the recording's physical pages out
 * as before (physical addresses are in MMIO values and write hashes, not remapped).
 */
function allocateDifferently(stack: Stack, after: ProcessOpEvent | null): void {
  const kmd = stack.kmd;
  if (after === null) {
    const other = kmd.spawn();
    kmd.open(other.pid);
    return;
  }
  if (after.op === 'spawn') {
    kmd.open(after.result);
    return;
  }
  const obj = after.op === 'open' ? kmd.process(after.pid)?.fds.get(after.result) : undefined;
  if (obj?.kind !== 'drm') return;
  const file = obj.file;
  file.syncobjs.add(new Syncobj(0, new Set()));
  const bo = kmd.gem.create(8192, 0, 0, 'interposed')!;
  const handle = file.bos.add(bo);
  const addr = kmd.mmap(after.pid, after.result, kmd.gem.assignMmapOffset(bo), 8192);
  expect(addr).toBeGreaterThan(0);
  expect(kmd.munmap(after.pid, addr)).toBe(0);
  file.bos.remove(handle);
  kmd.gem.put(bo);
}

describe('remapping', () => {
  it.each(['vkcube', 'sharing'])('%s: a fresh run that hands out other numbers replays without divergence', (name) => {
    const reader = open(recordSmall(name, tmp.path(`remap-${name}.tfcap`)));
    try {
      const verifier = new Verifier(reader, { regenerates: regeneratedByIoctlReplay });
      const r = replayIoctl(reader, { sink: verifier, shouldStop: () => verifier.stopped, interpose: allocateDifferently });
      if (!r.ok) throw new Error(r.error.message);
      verifier.finish();
      expect(verifier.divergences.map((d) => ({ seq: d.seq, kind: d.kind, fields: d.fields }))).toEqual([]);
      expect(verifier.compared).toBe(regeneratedCount(reader));
      const m = r.value.remapped;
      const processes = name === 'sharing' ? 2 : 1;
      expect(m.pid).toBe(processes);
      expect(m.fd).toBeGreaterThanOrEqual(processes);
      expect(m.bo).toBeGreaterThan(0);
      expect(m.syncobj).toBeGreaterThan(0);
      expect(m.mmap_offset).toBeGreaterThan(0);
      expect(m.mapping).toBeGreaterThan(0);
    } finally {
      reader.close();
    }
  });

  it('without remapping the same fresh run would not match: the handles really moved', () => {
    const reader = open(recordSmall('vkcube', tmp.path('remap-raw.tfcap')));
    try {
      const raw: ProcessOpEvent[] = [];
      const r = replayIoctl(reader, {
        interpose: (stack, after) => {
          allocateDifferently(stack, after);
          if (after) raw.push(after);
        },
      });
      if (!r.ok) throw new Error(r.error.message);
      const recorded = reader.events({ kind: 'kmd.process_op' });
      if (!recorded.ok) throw new Error(recorded.error.message);
      const spawn = recorded.value.find((d) => d.event.kind === 'kmd.process_op' && d.event.op === 'spawn')!.event as ProcessOpEvent;
      expect(raw.find((e) => e.op === 'spawn')!.result).toBe(spawn.result + 1);
      expect(raw.find((e) => e.op === 'open')!.result).toBe(4); // 3 went to the interposed open
    } finally {
      reader.close();
    }
  });
});
