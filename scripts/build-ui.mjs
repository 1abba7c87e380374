// Builds the web UI into ui/dist (Vite) — what `npm install` runs as `prepare`, so a fresh
// clone needs no extra command before `npm start`.
//
// Skipped, with a line saying why, when there is nothing to build or nothing to build it
// with: no ui/ (a partial copy of the sources, as `git bisect` scratch trees are), no
// Vite (an install without dev dependencies), or when npm runs it while linking this
// package for `npx tracefold` (npm_command=exec): `prepare` runs there too, and the UI
// was built by the install that put the package here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skip = (why) => {
  console.log(`tracefold: not building the web UI: ${why}`);
  process.exit(0);
};

if (process.env.npm_command === 'exec') skip('npx is linking the package (the UI is built by npm install)');
if (!existsSync(join(root, 'ui', 'index.html'))) skip('no ui/ in this tree');
let viteBin;
try {
  viteBin = join(dirname(createRequire(join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  skip('Vite is not installed (dev dependencies omitted); run `npm install` to build it');
}
const r = spawnSync(process.execPath, [viteBin, 'build', 'ui', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
