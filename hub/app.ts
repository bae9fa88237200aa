/**
 * The hub's HTTP application: admin REST API under /api/v1 with its OpenAPI document, and
 * the web console under /console. Built from injected deps so tests run it in-process with app.request().
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { ProvError, isProvError } from '../shared/errors.js';
import type { Clock } from '../shared/clock.js';
import type { Db } from './db/open.js';
import { HubStore } from './db/store.js';
import { TemplateCache } from './domain/render.js';
import type { HubEnv, HubDeps } from './api/context.js';
import { authenticate, authorize } from './api/middleware.js';
import { authRoutes } from './api/routes/auth.js';
import { siteRoutes } from './api/routes/sites.js';
import { userRoutes } from './api/routes/users.js';
import { deviceRoutes } from './api/routes/devices.js';
import { provisionRoutes } from './api/routes/provision.js';
import { miscRoutes } from './api/routes/misc.js';
import { meRoutes } from './api/routes/me.js';
import { mountConsole } from './console/index.js';
import { syncRoutes } from './api/routes/sync.js';

export interface HubAppOptions {
  /** The URL edges and browsers reach the hub at (firewall facts, links). */
  publicUrl: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Mark the session cookie Secure (the hub is behind HTTPS). */
  cookieSecure?: boolean;
}

export interface HubAppDeps {
  db: Db;
  log: Logger;
  clock: Clock;
}

export const API_VERSION = '0.1.0';

function errorBody(err: ProvError) {
  return { error: err.toJSON() };
}

export function createHubApp(options: HubAppOptions, deps: HubAppDeps): { app: OpenAPIHono<HubEnv>; hub: HubDeps } {
  const hub: HubDeps = {
    store: new HubStore(deps.db, deps.clock),
    log: deps.log,
    templates: new TemplateCache(),
    publicUrl: options.publicUrl,
    cookieSecure: options.cookieSecure ?? false,
  };
  const app = new OpenAPIHono<HubEnv>();

  app.use('*', async (c, next) => {
    c.set('deps', hub);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = { method: c.req.method, path: c.req.path, status, ms: Math.round((performance.now() - started) * 10) / 10, user: c.get('auth')?.actor.username };
    if (status >= 500) hub.log.error(line, 'request failed');
    else hub.log.info(line, 'request');
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 20 * 1024 * 1024,
      onError: () => {
        throw new ProvError('PAYLOAD_TOO_LARGE', `request body larger than ${options.maxBodyBytes ?? 20 * 1024 * 1024} bytes`);
      },
    }),
  );
  app.use('/api/v1/*', authenticate, authorize);

  app.get('/healthz', (c) => c.json({ ok: true, version: API_VERSION }));

  const api = new OpenAPIHono<HubEnv>();
  api.route('/', authRoutes);
  api.route('/', siteRoutes);
  api.route('/', userRoutes);
  api.route('/', deviceRoutes);
  api.route('/', provisionRoutes);
  api.route('/', miscRoutes);
  api.route('/', meRoutes);
  api.route('/', syncRoutes);
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'edgeprov_session' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'edgeprov hub API', version: API_VERSION, description: 'Device management for IP-phone auto-provisioning.' },
    servers: [{ url: '/api/v1' }],
  });
  app.route('/api/v1', api);
  // The web console at /console (and / redirects there): pages read through `app`, the browser writes to /api/v1.
  mountConsole(app, hub, { cookieSecure: hub.cookieSecure, maxBodyBytes: options.maxBodyBytes ?? 20 * 1024 * 1024 });

  app.notFound((c) => c.json(errorBody(new ProvError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)), 404));
  app.onError((err, c) => {
    if (isProvError(err)) return c.json(errorBody(err), err.status as 400);
    if (err instanceof HTTPException) {
      const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 401 ? 'UNAUTHENTICATED' : err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED';
      return c.json(errorBody(new ProvError(code, err.message || 'bad request')), err.status);
    }
    if (err instanceof SyntaxError) return c.json(errorBody(new ProvError('VALIDATION_FAILED', `malformed JSON: ${err.message}`)), 400);
    hub.log.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json(errorBody(new ProvError('INTERNAL', 'internal error; see the hub log')), 500);
  });
  return { app, hub };
}
