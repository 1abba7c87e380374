/**
 * The URL is the view: which capture, which tab, the selected event and the timeline
 * viewport, so a copied link reopens the same view. Parsing is forgiving (a bad number
 * is dropped, an unknown view falls back to the list); serialising writes only what is
 * set, in a fixed order, so equal routes give equal URLs.
 *
 * Example: `parseRoute('?view=capture&capture=vkcube-1-1.tfcap&tab=timeline&sel=42&t0=0&t1=5000000')`
 *   → `{ view: 'capture', capture: 'vkcube-1-1.tfcap', tab: 'timeline', sel: 42, t0: 0, t1: 5000000 }`
 */
export type CaptureTab = 'timeline' | 'state' | 'frames' | 'query';
export const CAPTURE_TABS: readonly CaptureTab[] = ['timeline', 'state', 'frames', 'query'];

export type Route =
  | { readonly view: 'list' }
  | { readonly view: 'capture'; readonly capture: string; readonly tab: CaptureTab; readonly sel?: number; readonly t0?: number; readonly t1?: number }
  | { readonly view: 'diff'; readonly a?: string; readonly b?: string }
  | { readonly view: 'jobs'; readonly capture?: string };

function int(s: string | null): number | undefined {
  if (s === null || !/^-?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function parseRoute(search: string): Route {
  const q = new URLSearchParams(search);
  const view = q.get('view');
  const capture = q.get('capture') ?? undefined;
  if (view === 'capture' && capture) {
    const tab = (CAPTURE_TABS as readonly string[]).includes(q.get('tab') ?? '') ? (q.get('tab') as CaptureTab) : 'timeline';
    const r: { view: 'capture'; capture: string; tab: CaptureTab; sel?: number; t0?: number; t1?: number } = { view, capture, tab };
    const sel = int(q.get('sel'));
    const t0 = int(q.get('t0'));
    const t1 = int(q.get('t1'));
    if (sel !== undefined) r.sel = sel;
    if (t0 !== undefined && t1 !== undefined && t1 > t0) {
      r.t0 = t0;
      r.t1 = t1;
    }
    return r;
  }
  if (view === 'diff') return { view, ...(q.get('a') ? { a: q.get('a')! } : {}), ...(q.get('b') ? { b: q.get('b')! } : {}) };
  if (view === 'jobs') return { view, ...(capture ? { capture } : {}) };
  return { view: 'list' };
}

export function routeSearch(r: Route): string {
  const q = new URLSearchParams();
  if (r.view === 'list') return '';
  q.set('view', r.view);
  if (r.view === 'capture') {
    q.set('capture', r.capture);
    q.set('tab', r.tab);
    if (r.sel !== undefined) q.set('sel', String(r.sel));
    if (r.t0 !== undefined && r.t1 !== undefined) {
      q.set('t0', String(Math.floor(r.t0)));
      q.set('t1', String(Math.ceil(r.t1)));
    }
  } else if (r.view === 'diff') {
    if (r.a) q.set('a', r.a);
    if (r.b) q.set('b', r.b);
  } else if (r.capture) q.set('capture', r.capture);
  return `?${q.toString()}`;
}
