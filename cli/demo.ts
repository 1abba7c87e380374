/**
 * `tracefold demo` (what `npm start` ran before `tracefold serve`): drives the GPU
 * model and the panthor-style KMD through raw ioctls with the same scenarios the
 * end-to-end tests use — copy + compute, a draw, a GPU fault and a hang that ends
 * in a reset — checks each result against its CPU reference, and prints what the
 * stack's tracepoints saw (`--trace` prints every event, strace-style). Then, if
 * the default capture folder holds no capture yet, it records demo captures of
 * vkcube and sharing there, ready for `tracefold info / events / query`.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { appByName } from '../engine/apps/catalogue';
import { recordApp } from '../recorder/record-session';
import { formatBytes } from './output';
import { CAPTURE_DIR, engineVersion, freeCapturePath } from './record';
import { equalBytes } from '../engine/base/bytes';
import { errnoName } from '../engine/base/errno';
import * as U from '../engine/kmd/uapi';
import { createStack } from '../engine/stack';
import { eventKinds, eventText, type EventKind } from '../engine/trace/events';
import { MemorySink } from '../engine/trace/sink';
import { Client } from '../tests/support/client';
import { drawSquare, faultingStream, hangingStream, setUpCopyCompute, submitStream, W } from '../tests/support/scenarios';

interface DemoOptions {
  seed: string;
  trace?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the GPU model + KMD demo scenarios, verify their results and summarise the trace')
    .option('--seed <n>', 'hardware timing seed', '1')
    .option('--trace', 'print every traced event, strace-style')
    .action((opts: DemoOptions) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0) {
        console.error(`tracefold demo: --seed must be a non-negative integer, got ${opts.seed}`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = runDemo(seed, opts.trace ?? false);
    });
}

function runDemo(seed: number, trace: boolean): number {
  const sink = new MemorySink();
  const stack = createStack({ seed, sink, kmd: { jobTimeoutNs: 2_000_000 } });
  const results: Array<[string, boolean, string]> = [];
  const step = (name: string, fn: () => string): void => {
    try {
      results.push([name, true, fn()]);
    } catch (e) {
      results.push([name, false, (e as Error).message]);
    }
  };

  step('copy + compute', () => {
    const c = new Client(stack);
    const s = setUpCopyCompute(c);
    const group = c.groupCreate(s.vm);
    const done = c.syncobjCreate();
    c.submit(group, 0, 0x60_0000, s.streamSize, { signal: [done] });
    c.wait([done], { timeoutNs: 100e6 });
    if (!equalBytes(c.read(s.out.cpu, s.expected.length), s.expected)) throw new Error('result differs from the CPU reference');
    return `${s.expected.length} bytes copied by DMA, scaled by a 1024-invocation compute shader; matches the CPU reference`;
  });

  step('draw', () => {
    const pixels = drawSquare(new Client(stack));
    let covered = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]) covered++;
    if (covered !== 32 * 32) throw new Error(`${covered} pixels covered, expected 1024`);
    return `32×32 square from two triangles on a ${W}×${W} target: ${covered} pixels, each edge pixel drawn once`;
  });

  step('GPU fault', () => {
    const c = new Client(stack);
    const vm = c.vmCreate();
    const job = submitStream(c, vm, 0x90_0000, faultingStream);
    c.wait([job.done], { timeoutNs: 100e6 });
    const state = c.groupState(job.group).state;
    const vmState = c.vmState(vm);
    if (state !== U.DRM_PANTHOR_GROUP_STATE_FATAL_FAULT || vmState !== U.DRM_PANTHOR_VM_STATE_UNUSABLE) throw new Error(`group state ${state}, VM state ${vmState}`);
    return 'store to unmapped 0xdead0000 → group FATAL_FAULT, VM unusable';
  });

  step('hang and reset', () => {
    const c = new Client(stack);
    const vm = c.vmCreate();
    c.buffer(vm, 0xb0_0000, 4096);
    const job = submitStream(c, vm, 0x90_0000, hangingStream(0xb0_0000));
    c.wait([job.done], { timeoutNs: 100e6 });
    const state = c.groupState(job.group).state;
    if (state !== U.DRM_PANTHOR_GROUP_STATE_TIMEDOUT) throw new Error(`group state ${state}`);
    return 'WAIT on a sync object nobody signals → job timeout after 2 ms → GPU reset, group TIMEDOUT';
  });

  if (trace) for (const e of sink.events) console.log(`${String(e.tsNs).padStart(12)}  ${eventText(e)}`);

  console.log(`Tracefold demo — deterministic GPU model + panthor-style KMD (seed ${seed})\n`);
  for (const [name, ok, detail] of results) console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(16)} ${detail}`);
  const counts = new Map<EventKind, number>();
  for (const e of sink.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const ioctlErrors = sink.events.filter((e) => e.kind === 'kmd.ioctl' && e.errno).map((e) => (e.kind === 'kmd.ioctl' ? `${e.name}=${errnoName(e.errno)}` : ''));
  console.log(`\n  virtual time ${(stack.sim.nowNs / 1e6).toFixed(3)} ms, ${sink.events.length} events, GPU memory hash ${stack.gpu.memoryHash()}`);
  for (const kind of Object.keys(eventKinds) as EventKind[]) {
    const n = counts.get(kind);
    if (n) console.log(`  ${kind.padEnd(18)} ${String(n).padStart(6)}  ${eventKinds[kind].doc}`);
  }
  if (ioctlErrors.length) console.log(`  ioctl errors: ${ioctlErrors.join(', ')}`);
  console.log('\n  run with --trace for the full event log; `npm test` runs the suite, `npm run bench` the benchmarks.');
  const recorded = recordDemoCaptures();
  return results.every(([, ok]) => ok) && recorded ? 0 : 1;
}

/** Apps recorded as demo captures: the graphics showcase and the two-process one. */
const DEMO_CAPTURES = [
  { app: 'vkcube', frames: 3 },
  { app: 'sharing', frames: 2 },
] as const;

/**
 * Record the demo captures into the default capture folder when it has none yet, and
 * say where they are; a folder that already holds captures is left as it is.
 */
function recordDemoCaptures(): boolean {
  const existing = existsSync(CAPTURE_DIR) ? readdirSync(CAPTURE_DIR).filter((f) => f.endsWith('.tfcap')) : [];
  if (existing.length) {
    console.log(`\n  ${existing.length} capture(s) already in ${CAPTURE_DIR}/ — try: npx tracefold info ${CAPTURE_DIR}/${existing[0]}`);
    return true;
  }
  mkdirSync(CAPTURE_DIR, { recursive: true });
  console.log(`\n  recording demo captures into ${CAPTURE_DIR}/:`);
  let ok = true;
  for (const d of DEMO_CAPTURES) {
    const app = appByName(d.app);
    if (!app) return false;
    const file = freeCapturePath(CAPTURE_DIR, d.app, 1);
    const r = recordApp(app, { frames: d.frames, seed: 1 }, file, { engineVersion: engineVersion() });
    if (!r.ok) {
      console.log(`  FAIL  ${d.app}: ${r.error.message}`);
      ok = false;
      continue;
    }
    console.log(`  ${r.value.state === 'complete' ? 'ok  ' : 'FAIL'}  ${file}: ${r.value.events} events, ${r.value.frames} frame(s), ${formatBytes(r.value.sizeBytes)}`);
    ok &&= r.value.state === 'complete';
  }
  console.log(`  inspect with: npx tracefold info FILE · npx tracefold events FILE --kind kmd.ioctl · npx tracefold query FILE "SQL"`);
  return ok;
}
