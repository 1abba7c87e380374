/**
 * `tracefold serve` for real: a server on 127.0.0.1 and a free port, fetched over
 * HTTP — the demo set recorded into an empty folder, the API, the built UI with its
 * client-route fallback (a stand-in ui/dist), and the warning for a non-loopback host.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../cli/serve';
import type { CaptureListItem } from '../../api/contract';
import { tempDir } from '../support/capture-files';
import { recordSmall } from '../support/small-captures';

const tmp = tempDir();
const quiet = { out: () => {}, err: () => {} };
let servers: RunningServer[] = [];

async function start(flags: Parameters<typeof startServer>[0], io: Parameters<typeof startServer>[1] = quiet): Promise<RunningServer> {
  const s = await startServer({ port: '0', ...flags }, io);
  if ('error' in s) throw new Error(s.error);
  servers.push(s);
  return s;
}

beforeAll(() => {
  mkdirSync(tmp.path('one'));
  recordSmall('vkcube', tmp.path('one/vkcube.tfcap'));
  mkdirSync(tmp.path('ui'));
  writeFileSync(tmp.path('ui/index.html'), '<!doctype html><title>Tracefold</title><div id="app"></div>');
  writeFileSync(tmp.path('ui/app.js'), 'console.log("ui")');
});
afterAll(async () => {
  for (const s of servers) await s.close();
  servers = [];
  tmp.remove();
});

describe('tracefold serve', () => {
  it('serves the API on 127.0.0.1 and says where; without a built UI, / says so', async () => {
    const lines: string[] = [];
    const s = await start({ dir: tmp.path('one'), demo: false, uiDir: tmp.path('no-ui') }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    expect(lines.join('\n')).toMatch(/the web UI is not built/);
    expect(lines.join('\n')).toContain(`serving 1 capture(s) from ${tmp.path('one')}/ at ${s.url}`);
    const root = await fetch(s.url);
    expect(await root.text()).toMatch(/the web UI is not built; the API is under \/api/);
    const list = (await (await fetch(`${s.url}api/captures`)).json()) as CaptureListItem[];
    expect(list.map((c) => [c.id, c.app, c.state])).toEqual([['vkcube.tfcap', 'vkcube', 'complete']]);
  });

  it('serves the built UI, index.html for client routes, and keeps /api 404s as API errors', async () => {
    const s = await start({ dir: tmp.path('one'), demo: false, uiDir: tmp.path('ui') });
    expect(await (await fetch(s.url)).text()).toContain('<title>Tracefold</title>');
    const js = await fetch(`${s.url}app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log("ui")');
    expect(await (await fetch(`${s.url}captures/vkcube.tfcap/timeline`)).text()).toContain('<title>Tracefold</title>');
    const api404 = await fetch(`${s.url}api/nope`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toEqual({ error: 'no route GET /api/nope' });
  });

  it('records the demo set into an empty folder first, the bug capture included', async () => {
    const errs: string[] = [];
    const s = await start({ dir: tmp.path('empty'), uiDir: tmp.path('no-ui') }, { out: () => {}, err: (l) => errs.push(l) });
    expect(errs.join('\n')).toMatch(/recording the demo set \(5 captures\)/);
    const list = (await (await fetch(`${s.url}api/captures`)).json()) as CaptureListItem[];
    expect(list.map((c) => c.id).sort()).toEqual(['compute-1-1.tfcap', 'multiqueue-1-1.tfcap', 'sharing-1-1.tfcap', 'vkcube-1-1.tfcap', 'vkcube-wrong-vertex-stride-1-1.tfcap']);
    for (const c of list) expect(c.state).toBe('complete');
    expect(list.find((c) => c.id.startsWith('vkcube-wrong'))!.injectedBugs).toEqual(['wrong-vertex-stride']);
  });

  it('warns loudly about a non-loopback host, and reports a port it cannot bind', async () => {
    const errs: string[] = [];
    const r = await startServer({ dir: tmp.path('one'), demo: false, host: '192.0.2.1', port: '0', uiDir: tmp.path('no-ui') }, { out: () => {}, err: (l) => errs.push(l) });
    expect(errs.join('\n')).toMatch(/WARNING: tracefold serve is binding 192\.0\.2\.1, not loopback/);
    expect(r).toEqual({ error: expect.stringMatching(/cannot listen on 192\.0\.2\.1:0/) });
    expect(await startServer({ dir: tmp.path('one'), port: '99999' }, quiet)).toEqual({ error: expect.stringMatching(/--port/) });
  });
});
