/**
 * The web UI end to end: a real `tracefold serve` over a fresh folder (it records the demo
 * set), Debian's chromium through playwright-core. Each step saves a screenshot under
 * test-output/browser/. The steps run in order on one page, as a user would click.
 * Page-side code is passed as strings: this file is type-checked without the DOM library.
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureListItem, TimelineWindow, TrackList } from '../../api/contract';
import { layoutTracks, ROW_PX } from '../../ui/src/core/track-layout';
import { decodeTrace } from '../support/proto-decode';
import { launch, screenshot, serve, type Served } from '../support/browser';

const GUTTER_PX = 200;
const RULER_PX = 24;

let server: Served;
let page: Page;
let close: () => Promise<void>;
let captures: CaptureListItem[];
let clean: CaptureListItem;
let buggy: CaptureListItem;

async function json<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, server.url));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Pixels of a PNG whose channels spread by more than 40: slice colours, not the grey chrome. */
function colourfulRows(png: PNG, fromX: number): Map<number, number> {
  const rows = new Map<number, number>();
  for (let y = 0; y < png.height; y++) {
    for (let x = fromX; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const r = png.data[i]!, g = png.data[i + 1]!, b = png.data[i + 2]!;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) rows.set(y, (rows.get(y) ?? 0) + 1);
    }
  }
  return rows;
}

beforeAll(async () => {
  server = await serve();
  const b = await launch();
  page = b.page;
  close = async () => {
    await b.context.close();
    await server.stop();
  };
  captures = await json<CaptureListItem[]>('/api/captures');
  clean = captures.find((c) => c.app === 'vkcube' && c.injectedBugs.length === 0)!;
  buggy = captures.find((c) => c.app === 'vkcube' && c.injectedBugs.length > 0)!;
}, 300_000);

afterAll(async () => {
  await close?.();
});

describe('web UI', () => {
  it('lists the demo captures', async () => {
    expect(captures.map((c) => c.app).sort()).toEqual(['compute', 'multiqueue', 'sharing', 'vkcube', 'vkcube']);
    await page.goto(server.url);
    const rows = page.locator('[data-testid=capture-list] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(captures.length);
    for (const c of captures) expect(await page.locator(`a[data-capture="${c.id}"]`).count()).toBe(1);
    await screenshot(page, '1-capture-list');
  });

  it('opens vkcube and draws its tracks on the timeline canvas', async () => {
    await page.locator(`a[data-capture="${clean.id}"]`).click();
    const canvas = page.locator('[data-testid=timeline-canvas]');
    await page.waitForFunction(`Number(document.querySelector('[data-testid=timeline-canvas]')?.getAttribute('data-drawn-slices')) > 0`);
    expect(new URL(page.url()).searchParams.get('capture')).toBe(clean.id);
    const png = PNG.sync.read(await canvas.screenshot());
    const tracks = await json<TrackList>(`/api/captures/${clean.id}/tracks`);
    const { rows } = layoutTracks(tracks.tracks);
    const colourful = colourfulRows(png, GUTTER_PX + 1);
    // Slices drawn on at least three different tracks (API thread, ioctls, queue / slot…).
    const tracksWithPixels = rows.filter((r) => {
      for (let y = RULER_PX + r.y; y < RULER_PX + r.y + r.heightPx && y < png.height; y++) if ((colourful.get(y) ?? 0) > 0) return true;
      return false;
    });
    expect(tracksWithPixels.length).toBeGreaterThanOrEqual(3);
    expect([...colourful.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    await screenshot(page, '2-timeline');
  });

  let jobSeq = 0;

  it('selects a job slice and shows its inspector with the causal chain', async () => {
    const canvas = page.locator('[data-testid=timeline-canvas]');
    const box = (await canvas.boundingBox())!;
    const tracks = await json<TrackList>(`/api/captures/${clean.id}/tracks`);
    const url = new URL(page.url());
    const t0 = Number(url.searchParams.get('t0') ?? tracks.startNs);
    const t1 = Number(url.searchParams.get('t1') ?? tracks.endNs);
    const dataPx = box.width - GUTTER_PX;
    const win = await json<TimelineWindow>(`/api/captures/${clean.id}/timeline?startNs=${t0}&endNs=${t1}&widthPx=${Math.round(dataPx)}`);
    const { rows } = layoutTracks(tracks.tracks);
    const nsPerPx = (t1 - t0) / dataPx;
    const jobs = win.slices.filter((s) => /^job \d+$/.test(s.name) && s.seq !== null && s.count === 1 && s.durNs / nsPerPx >= 4);
    expect(jobs.length).toBeGreaterThan(0);
    const job = jobs.sort((a, b) => b.durNs - a.durNs)[0]!;
    const row = rows.find((r) => r.track.id === job.trackId)!;
    // Bring the track into the scroller's view, then click the slice's middle.
    await page.evaluate(`document.querySelector('[data-testid=timeline-canvas]').parentElement.scrollTop = ${Math.max(0, row.y - 60)}`);
    const box2 = (await canvas.boundingBox())!;
    const x = box2.x + GUTTER_PX + (job.tsNs - t0) / nsPerPx + Math.min(job.durNs / nsPerPx, dataPx) / 2;
    const y = box2.y + RULER_PX + row.y + 2 + job.depth * ROW_PX + ROW_PX / 2 - 1;
    await page.mouse.click(x, y);
    await page.waitForFunction(`new URL(location.href).searchParams.get('sel') === '${job.seq}'`);
    jobSeq = job.seq!;
    const inspector = page.locator('[data-testid=inspector]');
    await inspector.locator('h3').waitFor();
    expect(await inspector.locator('h3').innerText()).toContain(`#${jobSeq}`);
    const causes = inspector.locator('[data-testid=causes] li');
    await causes.first().waitFor();
    const causeTexts = await causes.allInnerTexts();
    // A job's chain leads back to the GROUP_SUBMIT ioctl that queued it.
    expect(causeTexts.some((t) => /GROUP_SUBMIT/.test(t))).toBe(true);
    await screenshot(page, '3-job-inspector');
  });

  it('opens the state view at that event and shows the frame image', async () => {
    await page.locator('[data-testid=open-state]').click();
    const img = page.locator('[data-testid=state-image]').first();
    await img.waitFor();
    await page.waitForFunction(`(() => { const i = document.querySelector('[data-testid=state-image]'); return i !== null && i.complete && i.naturalWidth > 0; })()`);
    const src = await img.getAttribute('src');
    const res = await fetch(new URL(src!, server.url));
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(2); // a rendered frame, not a cleared buffer
    expect(new URL(page.url()).searchParams.get('tab')).toBe('state');
    await screenshot(page, '4-state-image');
  });

  it('diffs clean and buggy vkcube and shows the first divergence', async () => {
    await page.goto(`${server.url}?view=diff&a=${encodeURIComponent(clean.id)}&b=${encodeURIComponent(buggy.id)}`);
    const first = page.locator('[data-testid=first-divergence]');
    await first.waitFor({ timeout: 120_000 });
    const report = await json<{ firstDivergence: { kind: string; seqB: number | null } }>(`/api/diff?a=${clean.id}&b=${buggy.id}`);
    const text = await first.innerText();
    expect(text).toContain(report.firstDivergence.kind);
    if (report.firstDivergence.seqB !== null) expect(text).toContain(`#${report.firstDivergence.seqB}`);
    await screenshot(page, '5-diff');
  });

  it('downloads a Perfetto export that decodes', async () => {
    await page.goto(`${server.url}?view=capture&capture=${encodeURIComponent(clean.id)}&tab=timeline`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=perfetto-download]').click()]);
    const path = await download.path();
    const trace = decodeTrace(new Uint8Array(readFileSync(path)));
    expect(trace.packets).toBeGreaterThan(100);
    expect(trace.tracks.some((t) => /slot/i.test(t.name))).toBe(true);
    expect(trace.events.length).toBeGreaterThan(100);
    await screenshot(page, '6-perfetto-download');
  });

  it('runs a replay job with live progress and reports no divergence', async () => {
    await page.goto(`${server.url}?view=jobs&capture=${encodeURIComponent(clean.id)}`);
    await page.locator('[data-testid=job-start]').waitFor();
    await page.waitForFunction(`document.querySelector('[data-testid=job-first]')?.value === ${JSON.stringify(clean.id)}`);
    await page.locator('[data-testid=job-start]').click();
    await page.locator('[data-testid=job][data-state=done]').waitFor({ timeout: 60_000 });
    const headline = await page.locator('[data-testid=job-headline]').innerText();
    expect(headline).toMatch(/^No divergence: [1-9]\d* events compared$/);
    await page.locator('summary').click();
    const text = await page.locator('[data-testid=job]').innerText();
    expect(text).toContain('"diverged": false');
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    await screenshot(page, '7-replay-job');
  });
});
