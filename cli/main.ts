/**
 * `tracefold`: the command-line entry. Each command lives in its own module and
 * registers itself here; every command has --help (commander generates it).
 */
import { Command } from 'commander';
import { registerApps } from './apps';
import { registerBisect } from './bisect';
import { registerDemo } from './demo';
import { registerDiff } from './diff';
import { registerDisasm } from './disasm';
import { registerEvents } from './events';
import { registerExport } from './export';
import { registerInfo } from './info';
import { registerIoctls } from './ioctls';
import { registerMinimize } from './minimize';
import { registerQuery } from './query';
import { registerRecord } from './record';
import { registerRepair } from './repair';
import { registerReplay } from './replay';
import { registerRun } from './run';
import { registerServe } from './serve';
import { registerState } from './state';

const program = new Command();
program
  .name('tracefold')
  .description('Trace-and-replay debugger for GPU driver stacks')
  .version('0.1.0')
  .showHelpAfterError();

registerDemo(program);
registerDisasm(program);
registerIoctls(program);
registerRun(program);
registerApps(program);
registerRecord(program);
registerInfo(program);
registerEvents(program);
registerQuery(program);
registerReplay(program);
registerRepair(program);
registerState(program);
registerExport(program);
registerServe(program);
registerDiff(program);
registerBisect(program);
registerMinimize(program);

await program.parseAsync(process.argv);
