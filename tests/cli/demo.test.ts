/**
 * `tracefold demo`: every scenario passes, and the first run records
 * the demo captures into the default capture folder, which open as complete captures;
 * a second run leaves the folder alone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../recorder/capture/reader';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'tracefold-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demo(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/tracefold.js'), 'demo'], { cwd: dir }, (err, stdout) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }));
  });
}

describe('tracefold demo', () => {
  it('passes every scenario and records the demo captures once', async () => {
    const first = await demo();
    expect(first.code).toBe(0);
    expect(first.stdout).not.toMatch(/FAIL/);
    const files = readdirSync(path.join(dir, 'captures')).sort();
    expect(files).toEqual(['sharing-1-1.tfcap', 'vkcube-1-1.tfcap']);
    for (const f of files) {
      const r = openCapture(path.join(dir, 'captures', f));
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.meta().state).toBe('complete');
      r.value.close();
    }
    const second = await demo();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/2 capture\(s\) already in captures\//);
    expect(readdirSync(path.join(dir, 'captures')).sort()).toEqual(files);
  });
});
