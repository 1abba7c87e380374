/**
 * `tracefold ioctls`: the uAPI table — every DRM core and panthor ioctl the decoder
 * knows, with its request number, argument struct size and whether our KMD
 * implements it. Handy when reading a raw strace of a real panthor system.
 */
import type { Command } from 'commander';
import { IOCTLS } from '../engine/kmd/uapi';

export function registerIoctls(program: Command): void {
  program
    .command('ioctls')
    .description('list the DRM / panthor ioctls of the uAPI table with request numbers')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = IOCTLS.map((d) => ({ name: d.name, request: `0x${(d.request >>> 0).toString(16)}`, argBytes: d.arg.sizeBytes, implemented: d.implemented }));
      if (opts.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.request.padStart(10)}  ${String(r.argBytes).padStart(3)} B  ${r.implemented ? '' : '(decode only)'}`);
    });
}
