/**
 * `tracefold info FILE [--json]`: what a capture holds — state (INCOMPLETE when it
 * is still 'recording': the recorder was cut short), app, options, seed, injected
 * bugs, virtual duration, events per layer and kind, processes, objects per type,
 * size on disk, blobs and their deduplication (recorder/capture-overview.ts).
 *
 * Exit codes: 0 shown; 1 the file is missing, damaged or not a capture.
 */
import type { Command } from 'commander';
import { captureOverview, type CaptureOverview } from '../recorder/capture-overview';
import { consoleOutput, formatBytes, openOrReport, type Output, reportDamaged } from './output';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('summarise a capture: state, app, options, events per layer and kind, processes, objects, size')
    .argument('<file>', 'capture file (.tfcap)')
    .option('--json', 'print one JSON object')
    .action((file: string, flags: { json?: boolean }) => {
      process.exitCode = infoCommand(file, flags);
    });
}

export function infoCommand(file: string, flags: { readonly json?: boolean }, io: Output = consoleOutput): number {
  const reader = openOrReport('info', file, io);
  if (!reader) return 1;
  try {
    const o = captureOverview(reader);
    if (flags.json) io.out(JSON.stringify(o, null, 2));
    else for (const line of infoLines(o)) io.out(line);
    return 0;
  } catch (err) {
    return reportDamaged('info', file, io, err);
  } finally {
    reader.close();
  }
}

export function infoLines(o: CaptureOverview): string[] {
  const m = o.meta;
  const s = o.summary;
  const state = m.state === 'recording'
    ? 'INCOMPLETE (still says recording: the recorder stopped before finishing; it holds every committed batch)'
    : m.state === 'aborted' && m.error ? `aborted: ${m.error}` : m.state;
  const lines = [
    `capture   ${o.path}`,
    `state     ${state}`,
    `app       ${m.app}`,
    `options   ${JSON.stringify(m.options)}`,
    `seed      ${m.seed}`,
    `injected  ${m.injectedBugs.length ? m.injectedBugs.join(', ') : 'none'}`,
    `recorded  ${m.createdAt} on ${m.host}, engine ${m.engineVersion}, format ${m.formatVersion}`,
    `duration  ${o.durationNs} ns virtual (${(o.durationNs / 1e6).toFixed(3)} ms)`,
    `events    ${s.events}`,
  ];
  for (const [layer, n] of Object.entries(s.byLayer)) {
    lines.push(`  ${layer.padEnd(4)} ${String(n).padStart(8)}`);
    for (const k of s.byKind.filter((x) => x.layer === layer)) lines.push(`    ${k.kind.padEnd(20)} ${String(k.count).padStart(8)}`);
  }
  lines.push(`processes ${o.pids.length ? o.pids.map((p) => `pid ${p}`).join(', ') : 'none'}`);
  const objects = Object.entries(o.objects);
  lines.push(`objects   ${objects.length ? objects.map(([t, n]) => `${t} ${n}`).join(', ') : 'none'}`);
  lines.push(`size      ${formatBytes(o.sizeBytes)} (${o.sizeBytes} B)`);
  lines.push(`blobs     ${s.blobs} distinct, ${formatBytes(s.blobBytes)} (${formatBytes(s.storedBlobBytes)} stored), dedup ${(o.dedupRatio ?? 1).toFixed(2)}× of ${formatBytes(o.blobRefBytes ?? 0)} referenced`);
  return lines;
}
