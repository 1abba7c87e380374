/**
 * The bug catalogue itself (engine/bugs.ts): every entry is documented, lives at
 * exactly one place in its layer's code, and reaches that layer when injected by
 * name; unknown names are refused. What each bug does is asserted per layer in
 * umd.test.ts, kmd.test.ts and hw.test.ts beside this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { App } from '../../engine/apps/app';
import { BUGS, bugByName, resolveBugs, type BugLayer } from '../../engine/bugs';
import { runApp } from '../../engine/session';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAYER_DIR: Record<BugLayer, string> = { umd: 'engine/umd', kmd: 'engine/kmd', hw: 'engine/hw' };

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const noop: App = { name: 'noop', description: 'does nothing', run: () => {} };

describe('bug catalogue', () => {
  it('has at least 8 bugs over all three layers, each with a unique name, a mechanism, a symptom and a site', () => {
    expect(BUGS.length).toBeGreaterThanOrEqual(8);
    expect(new Set(BUGS.map((b) => b.layer))).toEqual(new Set(['umd', 'kmd', 'hw']));
    expect(new Set(BUGS.map((b) => b.name)).size).toBe(BUGS.length);
    for (const b of BUGS) {
      expect(b.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['umd', 'kmd', 'hw']).toContain(b.layer);
      expect(b.mechanism.length, `${b.name}: mechanism`).toBeGreaterThan(40);
      expect(b.symptom.length, `${b.name}: symptom`).toBeGreaterThan(40);
      expect(b.site.startsWith(`${LAYER_DIR[b.layer]}/`), `${b.name}: site ${b.site} is in its layer`).toBe(true);
      expect(bugByName(b.name)).toBe(b);
    }
  });

  it('tests each bug at exactly one place in the engine, the file its entry names', () => {
    const files = sources('engine').filter((f) => f !== 'engine/bugs.ts');
    const text = new Map(files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));
    for (const b of BUGS) {
      const test = new RegExp(`\\.(?:has|bug)\\('${b.name}'\\)`, 'g');
      const hits = files.flatMap((f) => Array.from(text.get(f)!.matchAll(test), () => f));
      expect(hits, `${b.name} is tested once, in ${b.site}`).toEqual([b.site.split(' ')[0]]);
    }
  });

  it('resolveBugs splits names per layer and returns unknown names', () => {
    const r = resolveBugs(['early-signal', 'missing-flush', 'dma-drop-partial-page', 'unmap-stale-tlb', 'no-such-bug', 'Early-Signal']);
    expect([...r.umd]).toEqual(['missing-flush']);
    expect([...r.kmd]).toEqual(['early-signal', 'unmap-stale-tlb']);
    expect([...r.hw]).toEqual(['dma-drop-partial-page']);
    expect(r.unknown).toEqual(['no-such-bug', 'Early-Signal']);
    expect(resolveBugs([])).toEqual({ umd: new Set(), kmd: new Set(), hw: new Set(), unknown: [] });
  });

  it('runApp refuses unknown names and hands every known one to its layer', () => {
    const refused = runApp(noop, { inject: ['early-signal', 'no-such-bug'] });
    expect(refused.error).toBe('unknown bug(s): no-such-bug');

    const all = runApp(noop, { inject: BUGS.map((b) => b.name) });
    expect(all.error).toBeUndefined();
    const names = (layer: BugLayer) => BUGS.filter((b) => b.layer === layer).map((b) => b.name).sort();
    expect([...all.stack.kmd.config.bugs].sort()).toEqual(names('kmd'));
    expect([...all.stack.gpu.config.bugs].sort()).toEqual(names('hw'));

    const clean = runApp(noop);
    expect(clean.stack.kmd.config.bugs.size).toBe(0);
    expect(clean.stack.gpu.config.bugs.size).toBe(0);
  });
});
