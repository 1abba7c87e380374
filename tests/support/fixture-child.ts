/**
 * A fixture script (tests/fixtures/*.ts) in a child Node process, its stdout handed over
 * line by line — how the crash, kill and live-capture tests follow a recorder they are
 * about to kill. stderr is collected for the failure message.
 *
 * Example: const c = spawnFixture('record-stress-child.ts', [path], (line, child) => {
 *   if (line === 'committed 500') child.kill('SIGKILL');
 * });
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export type FixtureChild = ChildProcessByStdio<null, Readable, Readable> & { readonly stderrText: () => string };

export function spawnFixture(script: string, args: readonly string[], onLine: (line: string, child: FixtureChild) => void): FixtureChild {
  const child = spawn(process.execPath, ['--import', 'tsx', `tests/fixtures/${script}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) as FixtureChild;
  let stderr = '';
  Object.defineProperty(child, 'stderrText', { value: () => stderr });
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line, child);
  });
  return child;
}
