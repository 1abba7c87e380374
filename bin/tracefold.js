#!/usr/bin/env node
// Launcher for the `tracefold` command: the CLI is written in TypeScript and runs
// through tsx's loader in this same process, so argv (`process.argv`), stdio and the
// exit code (`process.exitCode` / `process.exit`) pass through unchanged. A failure
// to load the CLI is reported and exits 1.
import { register } from 'tsx/esm/api';

register();
try {
  await import(new URL('../cli/main.ts', import.meta.url).href);
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
}
