/**
 * `tracefold apps` and `tracefold bugs`: what exists. `apps` lists the built-in
 * apps `tracefold run` accepts by name, with their descriptions and default
 * options; `bugs` lists the driver bugs `--inject` accepts, with the layer each
 * lives in, what the code does wrong and what a user sees. Both take --json.
 */
import type { Command } from 'commander';
import { defaultAppOptions } from '../engine/apps/app';
import { APPS } from '../engine/apps/catalogue';
import { BUGS } from '../engine/bugs';

export function registerApps(program: Command): void {
  program
    .command('apps')
    .description('list the built-in apps `tracefold run` accepts')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = APPS.map((a) => ({ name: a.name, description: a.description, defaults: { ...defaultAppOptions, ...a.defaults } }));
      if (opts.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const d = r.defaults;
        console.log(`${r.name.padEnd(width)}  ${r.description} (default: ${d.frames} frame(s), ${d.width}x${d.height})`);
      }
      console.log(`\nOr run your own: tracefold run path/to/app.ts, a module exporting run(vk, options).`);
    });

  program
    .command('bugs')
    .description('list the driver bugs `--inject` accepts')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        console.log(JSON.stringify(BUGS, null, 2));
        return;
      }
      for (const b of BUGS) {
        console.log(`${b.name} (${b.layer})`);
        console.log(`  mechanism: ${b.mechanism}`);
        console.log(`  symptom:   ${b.symptom}`);
      }
    });
}
