/**
 * The web console's server side, in process (no browser): sign-in and sign-out forms with their CSRF
 * tokens, the role gates of every page, the read-only checks behind the previews, the security
 * headers, and the static assets. The browser flows are test/interop/console-chromium.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDb, type Db } from '../../hub/db/open.js';
import { createHubApp } from '../../hub/app.js';
import { SYSTEM_ACTOR } from '../../hub/db/store.js';
import { createAccount, hashPassword } from '../../hub/domain/auth.js';
import { CONSOLE_CSP } from '../../hub/console/index.js';
import { TestClock } from '../helpers/hub.js';

const ADMIN_PW = 'console-unit-admin-1';
const USER_PW = 'console-unit-user-1';

let dir = '';
let db: Db;
let app: ReturnType<typeof createHubApp>['app'];

interface Session {
  cookie: string;
  csrf: string;
}

function req(method: string, path: string, opts: { cookie?: string; headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  return Promise.resolve(app.request(`http://hub.test${path}`, { method, headers, body, redirect: 'manual' }));
}

function cookieValue(res: Response, name: string): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return set?.split(';')[0]?.slice(name.length + 1);
}

/** Signs in through the console's own form, as a browser does. */
async function signIn(username: string, password: string): Promise<Session & { location: string }> {
  const page = await req('GET', '/console/login');
  const loginCsrf = cookieValue(page, 'edgeprov_login_csrf')!;
  const res = await req('POST', '/console/login', { cookie: `edgeprov_login_csrf=${loginCsrf}`, form: { _csrf: loginCsrf, username, password, next: '' } });
  assert.equal(res.status, 303, await res.text());
  const token = cookieValue(res, 'edgeprov_session');
  assert.ok(token, 'a session cookie');
  const cookie = `edgeprov_session=${token}`;
  const html = await (await req('GET', res.headers.get('location')!, { cookie })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csrf, 'the page carries the CSRF token');
  return { cookie, csrf, location: res.headers.get('location')! };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeprov-console-unit-'));
  db = openDb(join(dir, 'hub.db'));
  const created = createHubApp({ publicUrl: 'https://hub.example.com' }, { db, log: pino({ level: 'silent' }), clock: new TestClock() });
  app = created.app;
  const adminHash = await hashPassword(ADMIN_PW);
  created.hub.store.write(SYSTEM_ACTOR, (w) => createAccount(w, { username: 'admin', password_hash: adminHash, role: 'admin' }));
  // A site, a user with sign-in, two phones: one carries the user, one does not.
  const admin = await signIn('admin', ADMIN_PW);
  const api = async (method: string, path: string, json?: unknown) => {
    const res = await req(method, `/api/v1${path}`, { cookie: admin.cookie, headers: { 'x-csrf-token': admin.csrf }, json });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<any>;
  };
  const site = await api('POST', '/sites', { name: 'Unit Site', fqdn: 'pbx.unit.example.com' });
  await api('POST', '/devices/import', { text: '00:15:65:00:00:01,T46S,Mine\n00:15:65:00:00:02,T46S,Not mine', site_id: site.id });
  const user = await api('POST', '/users', { extension: '301', display_name: 'Una User', username: 'una', password: USER_PW, sip_accounts: [{ username: '301', password: 'sip-301-secret' }] });
  await api('PUT', '/devices/001565000001/users', { users: [user.id] });
});

after(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console: entry points and sign-in', () => {
  test('/ and /console/ lead to the console; without a session the console asks to sign in', async () => {
    const root = await req('GET', '/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console');
    assert.equal((await req('GET', '/console/')).headers.get('location'), '/console');
    const entry = await req('GET', '/console');
    assert.equal(entry.status, 303);
    assert.equal(entry.headers.get('location'), '/console/login');
    const page = await req('GET', '/console/devices?filter=assigned');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/console/login?next=%2Fconsole%2Fdevices%3Ffilter%3Dassigned');
  });

  test('the sign-in page: a form with a CSRF token matching its cookie, strict CSP, nothing inline', async () => {
    const res = await req('GET', '/console/login');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-security-policy'), CONSOLE_CSP);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('edgeprov_login_csrf='))!;
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Strict/i);
    const html = await res.text();
    assert.ok(html.startsWith('<!doctype html>'));
    assert.ok(html.includes(`name="_csrf" value="${cookieValue(res, 'edgeprov_login_csrf')}"`));
    assert.ok(!/<script(?![^>]*\bsrc=)/.test(html), 'no inline script');
    assert.ok(!/\sstyle=/.test(html), 'no inline style');
    assert.ok(!/https?:\/\/(?!hub\.test)/.test(html.replace(/xmlns="[^"]+"/g, '')), 'nothing from another origin');
    assert.match(html, /<label for="login-username">Username<\/label>/);
  });

  test('a sign-in without the form token is refused and sets no session', async () => {
    const res = await req('POST', '/console/login', { form: { username: 'admin', password: ADMIN_PW } });
    assert.equal(res.status, 403);
    assert.equal(cookieValue(res, 'edgeprov_session'), undefined);
    assert.match(await res.text(), /sign-in form had expired/);
  });

  test('a wrong password is said on the form, with the username kept, and sets no session', async () => {
    const page = await req('GET', '/console/login');
    const t = cookieValue(page, 'edgeprov_login_csrf')!;
    const res = await req('POST', '/console/login', { cookie: `edgeprov_login_csrf=${t}`, form: { _csrf: t, username: 'admin', password: 'not-the-password' } });
    assert.equal(res.status, 401);
    assert.equal(cookieValue(res, 'edgeprov_session'), undefined);
    const html = await res.text();
    assert.match(html, /Wrong username or password\./);
    assert.match(html, /id="login-username"[^>]*value="admin"/);
    assert.match(html, /aria-invalid="true"/);
  });

  test('admins land on Device Management, end users on My phones; `next` stays inside the console', async () => {
    const admin = await signIn('admin', ADMIN_PW);
    assert.equal(admin.location, '/console/devices');
    const user = await signIn('una', USER_PW);
    assert.equal(user.location, '/console/my');
    const page = await req('GET', '/console/login');
    const t = cookieValue(page, 'edgeprov_login_csrf')!;
    for (const [next, expected] of [
      ['/console/sites', '/console/sites'],
      ['//evil.example/console/', '/console/devices'],
      ['https://evil.example/', '/console/devices'],
      ['/console/my', '/console/devices'],
    ] as const) {
      const res = await req('POST', '/console/login', { cookie: `edgeprov_login_csrf=${t}`, form: { _csrf: t, username: 'admin', password: ADMIN_PW, next } });
      assert.equal(res.headers.get('location'), expected, `next=${next}`);
    }
  });

  test('sign-out needs the session CSRF token; then the session is gone', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const refused = await req('POST', '/console/logout', { cookie: s.cookie, form: {} });
    assert.equal(refused.status, 403);
    assert.equal((await req('GET', '/api/v1/auth/me', { cookie: s.cookie })).status, 200, 'still signed in');
    const res = await req('POST', '/console/logout', { cookie: s.cookie, form: { _csrf: s.csrf } });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/console/login');
    assert.match(res.headers.getSetCookie().find((c) => c.startsWith('edgeprov_session='))!, /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    assert.equal((await req('GET', '/api/v1/auth/me', { cookie: s.cookie })).status, 401);
  });
});

describe('console: pages and roles', () => {
  test('every admin page renders for an admin, with the session CSRF token and the navigation', async () => {
    const s = await signIn('admin', ADMIN_PW);
    for (const [path, heading] of [
      ['/console/devices', 'Device Management'],
      ['/console/discovered', 'Discovered devices'],
      ['/console/sites', 'Sites'],
      ['/console/users', 'Users &amp; extensions'],
      ['/console/templates', 'Templates'],
      ['/console/audit', 'Audit log'],
    ] as const) {
      const res = await req('GET', path, { cookie: s.cookie });
      assert.equal(res.status, 200, path);
      const html = await res.text();
      assert.ok(html.includes(`<h1>${heading}</h1>`), `${path}: heading`);
      assert.ok(html.includes(`content="${s.csrf}"`), `${path}: CSRF token`);
      assert.ok(html.includes('aria-current="page"'), `${path}: the current page is marked`);
      assert.ok(!/\sstyle=/.test(html), `${path}: no inline style`);
    }
  });

  test('Device Management shows the status columns and masks nothing it should not show', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const html = await (await req('GET', '/console/devices', { cookie: s.cookie })).text();
    for (const col of ['Assigned users', 'Provisioned', 'Last provisioned', 'Pending', 'Counter']) assert.ok(html.includes(`<th scope="col">${col}</th>`), col);
    assert.ok(html.includes('00:15:65:00:00:01'));
    assert.ok(!html.includes('sip-301-secret'));
    const filtered = await (await req('GET', '/console/devices?filter=unassigned', { cookie: s.cookie })).text();
    assert.ok(filtered.includes('00:15:65:00:00:02') && !filtered.includes('00:15:65:00:00:01'));
  });

  test('an end user gets 403 on every admin page and sees only their own phone', async () => {
    const s = await signIn('una', USER_PW);
    for (const path of ['/console/devices', '/console/discovered', '/console/sites', '/console/users', '/console/templates', '/console/audit']) {
      const res = await req('GET', path, { cookie: s.cookie });
      assert.equal(res.status, 403, path);
      const html = await res.text();
      assert.match(html, /This page is for administrators\./);
      assert.ok(!html.includes('00:15:65:00:00:0'), `${path}: no device data`);
      assert.ok(!html.includes('href="/console/devices"'), `${path}: no admin navigation`);
    }
    const my = await (await req('GET', '/console/my', { cookie: s.cookie })).text();
    assert.ok(my.includes('00:15:65:00:00:01'));
    assert.ok(!my.includes('00:15:65:00:00:02'), "another phone is not shown");
  });

  test('an admin asking for My phones is sent to Device Management', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const res = await req('GET', '/console/my', { cookie: s.cookie });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/console/devices');
  });

  test('an unknown console page is an HTML 404', async () => {
    const res = await req('GET', '/console/nope');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  test('the template preview of a phone masks its secrets', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const html = await (await req('GET', '/console/templates?mac=00:15:65:00:00:01', { cookie: s.cookie })).text();
    assert.ok(html.includes('account.1.user_name = 301'));
    assert.ok(html.includes('account.1.password = ***'));
    assert.ok(!html.includes('sip-301-secret'));
  });
});

describe('console: the read-only checks behind the previews', () => {
  test('import check: the API preview answered 200 with its line errors; nothing applied; CSRF and role enforced', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const body = { text: '00:15:65:00:00:10\nnot-a-mac\n00:15:65:00:00:01' };
    assert.equal((await req('POST', '/console/check/import', { cookie: s.cookie, json: body })).status, 403, 'no CSRF header');
    const res = await req('POST', '/console/check/import', { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf }, json: body });
    assert.equal(res.status, 200);
    const r = (await res.json()) as { status: number; result: { applied: boolean; errors: Array<{ line: number; column: number; message: string }> } };
    assert.equal(r.status, 400);
    assert.equal(r.result.applied, false);
    assert.deepEqual(r.result.errors.map((e) => [e.line, e.column]), [[2, 1], [3, 1]]);
    assert.match(r.result.errors[1]!.message, /already exists/);
    const list = (await (await req('GET', '/api/v1/devices', { cookie: s.cookie })).json()) as { total: number };
    assert.equal(list.total, 2, 'a preview applies nothing');
    const user = await signIn('una', USER_PW);
    assert.equal((await req('POST', '/console/check/import', { cookie: user.cookie, headers: { 'x-csrf-token': user.csrf }, json: body })).status, 403);
    assert.equal((await req('POST', '/console/check/import', { json: body })).status, 401);
  });

  test('bulk check: the API preview, 200 with the rows or the errors', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const ok = (await (await req('POST', '/console/check/bulk', { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf }, json: { csv: '00:15:65:00:00:02,301' } })).json()) as any;
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.result.rows, [{ line: 1, mac: '001565000002', extensions: ['301'] }]);
    const bad = (await (await req('POST', '/console/check/bulk', { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf }, json: { csv: '00:15:65:00:00:02,999' } })).json()) as any;
    assert.equal(bad.status, 400);
    assert.equal(bad.result.errors[0].message, 'no user with extension 999');
  });

  test('template check: a bad template answers its line and column; a good one is ok; nothing is stored', async () => {
    const s = await signIn('admin', ADMIN_PW);
    const check = async (json: unknown) => (await (await req('POST', '/console/check/template', { cookie: s.cookie, headers: { 'x-csrf-token': s.csrf }, json })).json()) as any;
    const bad = await check({ mac: '001565000001', engine: 'freemarker', body: 'a\n<#iff x>y</#iff>\n' });
    assert.equal(bad.ok, false);
    assert.equal(bad.error.line, 2);
    assert.equal(bad.error.column, 1);
    assert.match(bad.error.reason, /Unknown directive/);
    const unknownName = await check({ mac: '001565000001', engine: 'default', body: 'x={{device.nope}}' });
    assert.equal(unknownName.ok, false);
    assert.equal(unknownName.error.line, 1);
    assert.deepEqual(await check({ mac: '001565000001', engine: 'default', body: 'mac={{device.mac}}' }), { ok: true });
    assert.deepEqual(await check({ engine: 'default', body: 'mac={{device.mac}}', vendor: 'yealink', model: null }), { ok: true });
    const missing = await check({ mac: '00:15:65:99:99:99', engine: 'default', body: 'x' });
    assert.equal(missing.ok, false);
    assert.equal(missing.error.code, 'NOT_FOUND');
    const templates = (await (await req('GET', '/api/v1/templates', { cookie: s.cookie })).json()) as { items: unknown[] };
    assert.equal(templates.items.length, 0);
  });
});

describe('console: assets', () => {
  test('app.js, app.css and the icon are served with an ETag; unknown names are 404', async () => {
    for (const [name, type] of [
      ['app.js', /text\/javascript/],
      ['app.css', /text\/css/],
      ['favicon.svg', /image\/svg\+xml/],
    ] as const) {
      const res = await req('GET', `/console/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.match(res.headers.get('content-type') ?? '', type);
      const etag = res.headers.get('etag')!;
      assert.ok(etag);
      assert.equal((await req('GET', `/console/assets/${name}`, { headers: { 'if-none-match': etag } })).status, 304);
    }
    assert.equal((await req('GET', '/console/assets/../app.ts')).status, 404);
    assert.equal((await req('GET', '/console/assets/secret.txt')).status, 404);
  });
});
