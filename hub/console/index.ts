/** The web console's public surface: mount it on the hub app under /console. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HubDeps, HubEnv } from '../api/context.js';
import { createConsole } from './server.js';

export { createConsole, CONSOLE_CSP, type ConsoleEnv, type ConsoleOptions } from './server.js';

/**
 * Serves the console at /console (and sends / there). Its pages read through `app` in process and
 * its browser code writes to the same app's /api/v1, so the console has no code path of its own
 * for what the API does.
 */
export function mountConsole(app: OpenAPIHono<HubEnv>, hub: HubDeps, opts: { cookieSecure: boolean; maxBodyBytes: number }): void {
  const console = createConsole(hub, {
    fetchApi: (req) => app.fetch(req),
    hasRoute: (method, path) => app.routes.some((r) => r.method === method && r.path === path),
    cookieSecure: opts.cookieSecure,
    maxBodyBytes: opts.maxBodyBytes,
  });
  app.get('/', (c) => c.redirect('/console', 302));
  app.get('/console/', (c) => c.redirect('/console', 302));
  app.route('/console', console);
}
