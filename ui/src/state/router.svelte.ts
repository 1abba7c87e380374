/**
 * The current route as reactive state, kept in step with the address bar: `go` pushes a
 * history entry (navigation), `patch` replaces the current one (viewport and selection
 * changes, so Back leaves the capture instead of undoing every zoom).
 */
import { parseRoute, routeSearch, type Route } from '../core/route';

class Router {
  route = $state<Route>(parseRoute(location.search));

  constructor() {
    addEventListener('popstate', () => {
      this.route = parseRoute(location.search);
    });
  }

  go(r: Route): void {
    this.route = r;
    history.pushState(null, '', routeSearch(r) || location.pathname);
  }

  patch(changes: Partial<Extract<Route, { view: 'capture' }>>): void {
    const r = this.route;
    if (r.view !== 'capture') return;
    const next = { ...r, ...changes } as Route;
    this.route = next;
    history.replaceState(null, '', routeSearch(next));
  }
}

export const router = new Router();
