import { describe, expect, it } from 'vitest';
import { parseRoute, routeSearch, type Route } from '../../ui/src/core/route';

describe('UI route ⇄ URL', () => {
  const routes: Route[] = [
    { view: 'list' },
    { view: 'capture', capture: 'vkcube-1-1.tfcap', tab: 'timeline' },
    { view: 'capture', capture: 'a b.tfcap', tab: 'state', sel: 42, t0: 100, t1: 5_000_000 },
    { view: 'diff', a: 'x.tfcap', b: 'y.tfcap' },
    { view: 'diff' },
    { view: 'jobs', capture: 'x.tfcap' },
  ];
  it.each(routes.map((r) => [routeSearch(r), r] as const))('%s round-trips', (search, r) => {
    expect(parseRoute(search)).toEqual(r);
  });

  it('drops what does not parse instead of failing', () => {
    expect(parseRoute('?view=capture&capture=x.tfcap&tab=nope&sel=abc&t0=5&t1=2')).toEqual({ view: 'capture', capture: 'x.tfcap', tab: 'timeline' });
    expect(parseRoute('?view=capture')).toEqual({ view: 'list' });
    expect(parseRoute('?view=whatever')).toEqual({ view: 'list' });
    expect(parseRoute('?view=capture&capture=x.tfcap&sel=99999999999999999999')).toEqual({ view: 'capture', capture: 'x.tfcap', tab: 'timeline' });
  });

  it('writes keys in one order, so equal routes give equal URLs', () => {
    expect(routeSearch({ view: 'capture', capture: 'c.tfcap', tab: 'frames', t1: 20, t0: 10, sel: 3 }))
      .toBe('?view=capture&capture=c.tfcap&tab=frames&sel=3&t0=10&t1=20');
  });
});
