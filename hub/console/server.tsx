/**
 * The web console, served by the hub under /console from the same origin as the API.
 *
 * - Pages are rendered on the server with Hono's JSX. Their data comes from the REST API itself,
 *   called in process with the caller's own session cookie (./api.ts), so what a page shows is
 *   exactly what the API allows that caller to see, masked the same way.
 * - Writes are made by the browser (assets/app.js) against /api/v1 with the session cookie and
 *   the X-CSRF-Token header, the API's own code path. Three read-only checks are served here
 *   (import and bulk previews, template validation) so a preview that finds problems answers 200
 *   with the problems instead of an HTTP error: they call the API's preview (import, bulk) or the
 *   domain's template validation that the upload route runs first.
 * - Sign-in and sign-out are plain HTML forms carrying a CSRF token (login: a double-submit
 *   cookie; sign-out: the session's token), handled by calling the API's /auth routes in process.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { ProvError, TemplateError } from '../../shared/errors.js';
import type { HubDeps, HubEnv } from '../api/context.js';
import { SESSION_COOKIE } from '../api/middleware.js';
import { sessionAuth } from '../domain/auth.js';
import { getDeviceRow } from '../domain/devices.js';
import { validateTemplate } from '../domain/templates.js';
import { ApiCallError, apiClient, type ApiFetch } from './api.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './types.js';
import type { PageContext } from './pages/context.js';
import { devicesPage } from './pages/devices.js';
import { sitesPage } from './pages/sites.js';
import { usersPage } from './pages/users.js';
import { templatesPage } from './pages/templates.js';
import { auditPage } from './pages/audit.js';
import { discoveredPage } from './pages/discovered.js';
import { myPage } from './pages/my.js';
import { LoginForm } from './pages/login.js';

export interface ConsoleEnv {
  Variables: HubEnv['Variables'] & { session: ConsoleSession | null };
}

export interface ConsoleOptions {
  /** How the console reaches the API in process (the hub app's own fetch). */
  fetchApi: ApiFetch;
  /** Whether the hub serves an API route (Hono path syntax, e.g. /api/v1/sites/:id/sync). */
  hasRoute(method: string, path: string): boolean;
  cookieSecure: boolean;
  maxBodyBytes: number;
}

const LOGIN_CSRF_COOKIE = 'edgeprov_login_csrf';

/** Content-Security-Policy: everything from this origin, nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

interface Asset {
  body: Buffer;
  type: string;
}

/** hub/console/assets/, next to the sources (dist/hub/console → ../../../hub/console/assets). */
const ASSETS_DIR = new URL('../../../hub/console/assets/', import.meta.url);

function loadAssets(): { files: Map<string, Asset>; version: string } {
  const files = new Map<string, Asset>();
  const hash = createHash('sha256');
  for (const [name, type] of [
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml'],
  ] as const) {
    const body = readFileSync(new URL(name, ASSETS_DIR));
    hash.update(body);
    files.set(name, { body, type });
  }
  return { files, version: hash.digest('hex').slice(0, 12) };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function landing(s: ConsoleSession): string {
  return s.auth.actor.role === 'admin' ? '/console/devices' : '/console/my';
}

/** Only a path inside the console, never another origin (`//evil`, `/\evil`). */
function safeNext(next: string | undefined): string | undefined {
  if (!next || !next.startsWith('/console/') || next.startsWith('//') || next.includes('\\')) return undefined;
  return next;
}

type PageRender = (ctx: PageContext) => Promise<Child>;

const PAGES: Array<{ path: string; key: string; title: string; role: 'admin' | 'user'; render: PageRender }> = [
  { path: '/devices', key: 'devices', title: 'Device Management', role: 'admin', render: devicesPage },
  { path: '/discovered', key: 'discovered', title: 'Discovered devices', role: 'admin', render: discoveredPage },
  { path: '/sites', key: 'sites', title: 'Sites', role: 'admin', render: sitesPage },
  { path: '/users', key: 'users', title: 'Users & extensions', role: 'admin', render: usersPage },
  { path: '/templates', key: 'templates', title: 'Templates', role: 'admin', render: templatesPage },
  { path: '/audit', key: 'audit', title: 'Audit log', role: 'admin', render: auditPage },
  { path: '/my', key: 'my', title: 'My phones', role: 'user', render: myPage },
];

const TemplateCheck = z
  .object({
    engine: z.enum(['default', 'freemarker']),
    body: z.string().min(1).max(1_000_000),
    mac: z.string().max(40).optional(),
    vendor: z.string().max(32).nullable().optional(),
    model: z.string().max(64).nullable().optional(),
  })
  .strict();

export function createConsole(hub: HubDeps, options: ConsoleOptions): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const assets = loadAssets();

  async function html(c: Context<ConsoleEnv>, props: { title: string; active?: string; heading?: Child }, body: Child, status = 200): Promise<Response> {
    const node = (
      <Layout title={props.title} session={c.get('session')} active={props.active} assets={assets.version} heading={props.heading}>
        {body}
      </Layout>
    );
    return c.html(`<!doctype html>${await node.toString()}`, status as 200);
  }

  function messagePage(c: Context<ConsoleEnv>, status: number, title: string, text: Child): Promise<Response> {
    return html(c, { title }, <div class="card message">{text}</div>, status);
  }

  function forbidden(c: Context<ConsoleEnv>): Promise<Response> {
    const s = c.get('session');
    return messagePage(
      c,
      403,
      'Not for your account',
      <>
        <p>This page is for administrators.</p>
        {s ? (
          <p>
            <a href={landing(s)}>Go to {s.auth.actor.role === 'admin' ? 'Device Management' : 'My phones'}</a>
          </p>
        ) : null}
      </>,
    );
  }

  function toLogin(c: Context<ConsoleEnv>): Response {
    const next = `${c.req.path}${new URL(c.req.url).search}`;
    return c.redirect(`/console/login?next=${encodeURIComponent(next)}`, 303);
  }

  /** The unsafe console requests (sign-out, checks) carry the session's CSRF token. */
  function csrfOk(c: Context<ConsoleEnv>, sent: string | undefined): boolean {
    const token = c.get('session')?.auth.csrf_token;
    return !!token && !!sent && sameSecret(sent, token);
  }

  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CONSOLE_CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'same-origin');
    if (!c.req.path.startsWith('/console/assets/')) c.header('cache-control', 'no-store');
  });
  app.use('*', async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const auth = token ? sessionAuth(hub.store.db, token, hub.store.clock.now()) : undefined;
    // An API token is not a console session: only cookie sessions carry a CSRF token.
    c.set('session', token && auth && auth.via === 'session' ? { token, auth } : null);
    return next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: (c) => c.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `request body larger than ${options.maxBodyBytes} bytes` } }, 413),
    }),
  );

  app.get('/assets/:name', (c) => {
    const a = assets.files.get(c.req.param('name'));
    if (!a) return c.text('not found', 404);
    const etag = `"${assets.version}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(new Uint8Array(a.body), 200, { 'content-type': a.type, 'cache-control': 'public, max-age=3600', etag });
  });

  app.get('/', (c) => {
    const s = c.get('session');
    return c.redirect(s ? landing(s) : '/console/login', 303);
  });

  // ---- sign-in / sign-out -------------------------------------------------------------------
  function loginPage(c: Context<ConsoleEnv>, opts: { next: string; username?: string; error?: string; status?: number }): Promise<Response> {
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'Strict', path: '/console/login', secure: options.cookieSecure, maxAge: 3600 });
    return html(
      c,
      { title: 'Sign in', heading: 'Sign in to edgeprov' },
      <LoginForm csrf={csrf} next={opts.next} username={opts.username} error={opts.error} />,
      opts.status ?? 200,
    );
  }

  app.get('/login', (c) => {
    const s = c.get('session');
    const next = safeNext(c.req.query('next')) ?? '';
    if (s) return c.redirect(next || landing(s), 303);
    return loginPage(c, { next });
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const field = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const next = safeNext(field('next')) ?? '';
    const username = field('username').trim();
    const cookie = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!cookie || !sameSecret(field('_csrf'), cookie)) {
      return loginPage(c, { next, username, error: 'The sign-in form had expired. Please sign in again.', status: 403 });
    }
    const res = await options.fetchApi(
      new Request('http://hub.internal/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: field('password') }),
      }),
    );
    if (res.status !== 200) {
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      const error = body.error?.code === 'UNAUTHENTICATED' ? 'Wrong username or password.' : body.error?.code === 'VALIDATION_FAILED' ? 'Enter your username and password.' : (body.error?.message ?? 'Sign-in failed.');
      return loginPage(c, { next, username, error, status: res.status === 400 ? 400 : 401 });
    }
    const me = (await res.json()) as { role: 'admin' | 'user' };
    for (const sc of res.headers.getSetCookie()) c.header('set-cookie', sc, { append: true });
    setCookie(c, LOGIN_CSRF_COOKIE, '', { path: '/console/login', maxAge: 0 });
    const adminPath = !next.startsWith('/console/my');
    const target = next && (me.role === 'admin') === adminPath ? next : me.role === 'admin' ? '/console/devices' : '/console/my';
    return c.redirect(target, 303);
  });

  app.post('/logout', async (c) => {
    const s = c.get('session');
    if (!s) return c.redirect('/console/login', 303);
    const form = await c.req.parseBody();
    if (!csrfOk(c, typeof form._csrf === 'string' ? form._csrf : undefined)) {
      return messagePage(c, 403, 'Sign-out refused', <p>The sign-out form was not sent by this console (missing or wrong CSRF token). Reload the page and try again.</p>);
    }
    const res = await apiClient(options.fetchApi, { token: s.token, csrf: s.auth.csrf_token }).send('POST', '/auth/logout');
    for (const sc of res.headers.getSetCookie()) c.header('set-cookie', sc, { append: true });
    return c.redirect('/console/login', 303);
  });

  // ---- read-only checks the console's previews use ------------------------------------------
  async function checkGate(c: Context<ConsoleEnv>): Promise<{ s: ConsoleSession } | Response> {
    const s = c.get('session');
    if (!s) return c.json({ error: { code: 'UNAUTHENTICATED', message: 'sign in first' } }, 401);
    if (!csrfOk(c, c.req.header('x-csrf-token'))) return c.json({ error: { code: 'CSRF_FAILED', message: 'missing or wrong X-CSRF-Token' } }, 403);
    if (s.auth.actor.role !== 'admin') return c.json({ error: { code: 'FORBIDDEN', message: 'this needs an administrator' } }, 403);
    return { s };
  }

  async function jsonBody(c: Context<ConsoleEnv>): Promise<Record<string, unknown> | undefined> {
    const body = (await c.req.json().catch(() => null)) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  }

  const notJson = (c: Context<ConsoleEnv>) => c.json({ error: { code: 'VALIDATION_FAILED', message: 'a JSON object is expected' } }, 400);

  /** The API's own preview, answered 200 whatever it found: `{status, result}`. */
  for (const [path, api] of [
    ['/check/import', '/devices/import'],
    ['/check/bulk', '/provision/bulk'],
  ] as const) {
    app.post(path, async (c) => {
      const gate = await checkGate(c);
      if (gate instanceof Response) return gate;
      const body = await jsonBody(c);
      if (!body) return notJson(c);
      const res = await apiClient(options.fetchApi, { token: gate.s.token, csrf: gate.s.auth.csrf_token }).send('POST', api, { ...body, preview: true });
      return c.json({ status: res.status, result: res.body }, 200);
    });
  }

  /** Validates a template the way storing it will (compile, then render for the phones it serves). */
  app.post('/check/template', async (c) => {
    const gate = await checkGate(c);
    if (gate instanceof Response) return gate;
    const input = await jsonBody(c);
    if (!input) return notJson(c);
    const parsed = TemplateCheck.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return c.json({ ok: false, error: { code: 'VALIDATION_FAILED', message: i ? `${i.path.join('.') || 'request'}: ${i.message}` : 'invalid request' } }, 200);
    }
    const req = parsed.data;
    try {
      const db = hub.store.db;
      if (req.mac) {
        const row = getDeviceRow(db, req.mac);
        validateTemplate(db, req.engine, req.body, { vendor: row.vendor, model: row.model, devices: [{ ...row, engine: req.engine }] });
      } else {
        validateTemplate(db, req.engine, req.body, { vendor: req.vendor ?? null, model: req.model ?? null, devices: [] });
      }
      return c.json({ ok: true }, 200);
    } catch (err) {
      if (err instanceof TemplateError) {
        return c.json({ ok: false, error: { code: err.code, message: err.message, line: err.line, column: err.column, reason: (err.details as { reason?: string }).reason ?? err.message } }, 200);
      }
      if (err instanceof ProvError) return c.json({ ok: false, error: { code: err.code, message: err.message } }, 200);
      throw err;
    }
  });

  // ---- pages --------------------------------------------------------------------------------
  for (const p of PAGES) {
    app.get(p.path, async (c) => {
      const s = c.get('session');
      if (!s) return toLogin(c);
      if (p.role === 'admin' && s.auth.actor.role !== 'admin') return forbidden(c);
      if (p.role === 'user' && s.auth.actor.user_id === null) return c.redirect(landing(s), 303);
      const ctx: PageContext = {
        api: apiClient(options.fetchApi, { token: s.token, csrf: s.auth.csrf_token }),
        session: s,
        url: new URL(c.req.url),
        hub,
        hasRoute: options.hasRoute,
      };
      try {
        const body = await p.render(ctx);
        return await html(c, { title: p.title, active: p.key }, body);
      } catch (err) {
        if (err instanceof ApiCallError) {
          if (err.status === 401) return toLogin(c);
          if (err.status === 403) return forbidden(c);
          return messagePage(c, err.status, p.title, <p>{err.message}</p>);
        }
        throw err;
      }
    });
  }

  app.all('*', (c) =>
    messagePage(
      c,
      404,
      'Page not found',
      <p>
        There is no page at <code>{c.req.path}</code>. <a href="/console">Go to the console</a>.
      </p>,
    ),
  );

  app.onError((err, c) => {
    hub.log.error({ err, method: c.req.method, path: c.req.path }, 'console error');
    return messagePage(c, 500, 'Something went wrong', <p>The hub could not render this page; the hub log has the details.</p>);
  });

  return app;
}
