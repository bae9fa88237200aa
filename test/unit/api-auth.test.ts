/**
 * Sign-in: login, logout, /auth/me, API tokens, cookie sessions with CSRF, and session expiry on
 * the test clock. In-process hub on a real SQLite file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { withHub, testHub, ADMIN, auditSince, lastAuditId, type TestHub } from '../helpers/hub.js';

const HOUR = 3600 * 1000;

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

interface LoginBody {
  username: string;
  role: 'admin' | 'user';
  user_id: number | null;
  token: string;
  csrf_token: string;
  expires_at: string;
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  const body = (await res.json()) as ErrorBody;
  assert.ok(body.error, `an error body, got ${JSON.stringify(body)}`);
  return body.error;
}

async function loginFull(h: TestHub, username: string, password: string): Promise<{ body: LoginBody; cookie: string | undefined; setCookie: string }> {
  const res = await h.request('POST', '/auth/login', { body: { username, password } });
  assert.equal(res.status, 200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /edgeprov_session=([^;]+)/.exec(setCookie)?.[1];
  return { body: (await res.json()) as LoginBody, cookie, setCookie };
}

/** A self-service end user (role `user`) with a sign-in; returns the user id. */
async function makeEndUser(h: TestHub, username: string, password: string, extension: string): Promise<number> {
  const u = await h.json('POST', '/users', { body: { extension, display_name: `User ${extension}`, username, password } });
  return u.id as number;
}

test('login: good credentials return a session token, csrf token and expiry, set an HttpOnly cookie and are audited', async () => {
  await withHub(async (h) => {
    const audit0 = lastAuditId(h.db);
    const { body, cookie, setCookie } = await loginFull(h, ADMIN.username, ADMIN.password);
    assert.equal(body.username, 'admin');
    assert.equal(body.role, 'admin');
    assert.equal(body.user_id, null);
    assert.ok(body.token.length >= 32);
    assert.ok(body.csrf_token.length >= 16);
    assert.notEqual(body.token, body.csrf_token);
    assert.equal(body.expires_at, new Date(h.clock.t + 12 * HOUR).toISOString());
    assert.equal(cookie, body.token);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Path=\//);
    // Only the hash of the session token is stored.
    const rows = h.db.prepare(`SELECT token_hash FROM sessions`).all() as { token_hash: string }[];
    assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(body.token).digest('hex')));
    assert.ok(!rows.some((r) => r.token_hash === body.token));
    const audit = auditSince(h.db, audit0);
    assert.deepEqual(audit.map((a) => [a.actor, a.action, a.target_id]), [['admin', 'auth.login', 'admin']]);
    // The token works as a Bearer.
    const me = await h.json('GET', '/auth/me', { token: body.token });
    assert.deepEqual(me, { username: 'admin', role: 'admin', user_id: null });
  });
});

test('login: wrong password and unknown user both answer 401 UNAUTHENTICATED with the same message', async () => {
  await withHub(async (h) => {
    const sessions0 = (h.db.prepare(`SELECT count(*) AS n FROM sessions`).get() as { n: number }).n;
    const wrong = await h.request('POST', '/auth/login', { body: { username: ADMIN.username, password: 'not-the-password' } });
    const unknown = await h.request('POST', '/auth/login', { body: { username: 'nobody-here', password: 'not-the-password' } });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const a = await errorOf(wrong);
    const b = await errorOf(unknown);
    assert.equal(a.code, 'UNAUTHENTICATED');
    assert.equal(b.code, 'UNAUTHENTICATED');
    assert.equal(a.message, b.message);
    assert.deepEqual(a, b);
    const sessions1 = (h.db.prepare(`SELECT count(*) AS n FROM sessions`).get() as { n: number }).n;
    assert.equal(sessions1, sessions0, 'a failed login creates no session');
  });
});

test('login: a malformed body is a 400 VALIDATION_FAILED naming the field', async () => {
  await withHub(async (h) => {
    const res = await h.request('POST', '/auth/login', { body: { username: 'admin' } });
    assert.equal(res.status, 400);
    const err = await errorOf(res);
    assert.equal(err.code, 'VALIDATION_FAILED');
    assert.match(err.message, /password/);
    const extra = await h.request('POST', '/auth/login', { body: { username: 'admin', password: ADMIN.password, remember: true } });
    assert.equal(extra.status, 400);
    const e2 = await errorOf(extra);
    assert.equal(e2.code, 'VALIDATION_FAILED');
    assert.match(e2.message, /remember/);
  });
});

test('/auth/me: anonymous 401, garbage bearer 401, valid session answers who is calling', async () => {
  await withHub(async (h) => {
    const anon = await h.request('GET', '/auth/me');
    assert.equal(anon.status, 401);
    assert.equal((await errorOf(anon)).code, 'UNAUTHENTICATED');
    const bad = await h.request('GET', '/auth/me', { token: 'not-a-token' });
    assert.equal(bad.status, 401);
    assert.equal((await errorOf(bad)).code, 'UNAUTHENTICATED');
    const uid = await makeEndUser(h, 'alice', 'alice-password', '201');
    const tok = await h.login('alice', 'alice-password');
    const me = await h.json('GET', '/auth/me', { token: tok });
    assert.deepEqual(me, { username: 'alice', role: 'user', user_id: uid });
  });
});

test('/auth/logout invalidates that session only', async () => {
  await withHub(async (h) => {
    const a = await h.login(ADMIN.username, ADMIN.password);
    const b = await h.login(ADMIN.username, ADMIN.password);
    assert.notEqual(a, b);
    assert.deepEqual(await h.json('POST', '/auth/logout', { token: a }), { ok: true });
    const after = await h.request('GET', '/auth/me', { token: a });
    assert.equal(after.status, 401);
    assert.equal((await errorOf(after)).code, 'UNAUTHENTICATED');
    // The other session is untouched.
    assert.equal((await h.json('GET', '/auth/me', { token: b })).username, 'admin');
    // Logging out again with the dead token is itself unauthenticated.
    const again = await h.request('POST', '/auth/logout', { token: a });
    assert.equal(again.status, 401);
    const anon = await h.request('POST', '/auth/logout');
    assert.equal(anon.status, 401);
  });
});

test('/auth/logout with the cookie session clears the cookie and kills the session', async () => {
  await withHub(async (h) => {
    const { body, cookie } = await loginFull(h, ADMIN.username, ADMIN.password);
    assert.ok(cookie);
    const headers = { cookie: `edgeprov_session=${cookie}`, 'x-csrf-token': body.csrf_token };
    const res = await h.request('POST', '/auth/logout', { headers });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie') ?? '', /edgeprov_session=;.*Max-Age=0/i);
    const me = await h.request('GET', '/auth/me', { headers: { cookie: `edgeprov_session=${cookie}` } });
    assert.equal(me.status, 401);
    assert.equal((await h.request('GET', '/auth/me', { token: body.token })).status, 401);
  });
});

test('API tokens: created once, stored hashed, usable as Bearer, revoked by DELETE', async () => {
  await withHub(async (h) => {
    const audit0 = lastAuditId(h.db);
    const created = await h.json<{ id: number; token: string }>('POST', '/auth/tokens', { body: { name: 'ci script' }, expect: 201 });
    assert.equal(typeof created.id, 'number');
    assert.match(created.token, /^ept_[A-Za-z0-9_-]{40,}$/);
    const row = h.db.prepare(`SELECT name, token_hash FROM api_tokens WHERE id = ?`).get(created.id) as { name: string; token_hash: string };
    assert.equal(row.name, 'ci script');
    assert.equal(row.token_hash, createHash('sha256').update(created.token).digest('hex'));
    const leaked = h.db.prepare(`SELECT count(*) AS n FROM api_tokens WHERE token_hash = ?`).get(created.token) as { n: number };
    assert.equal(leaked.n, 0);
    assert.deepEqual(auditSince(h.db, audit0).map((a) => a.action), ['api_token.create']);
    assert.ok(!JSON.stringify(auditSince(h.db, audit0)).includes(created.token), 'the token is not in the audit log');

    // Usable as Bearer for admin work.
    assert.deepEqual(await h.json('GET', '/auth/me', { token: created.token }), { username: 'admin', role: 'admin', user_id: null });
    await h.json('GET', '/sites', { token: created.token });
    // An unsafe request with a Bearer needs no CSRF token.
    await h.json('POST', '/sites', { token: created.token, body: { name: 'By token', fqdn: 'pbx.example.com' } });

    assert.deepEqual(await h.json('DELETE', `/auth/tokens/${created.id}`), { ok: true });
    const dead = await h.request('GET', '/auth/me', { token: created.token });
    assert.equal(dead.status, 401);
    assert.equal((await errorOf(dead)).code, 'UNAUTHENTICATED');
    const twice = await h.request('DELETE', `/auth/tokens/${created.id}`, { token: h.adminToken });
    assert.equal(twice.status, 404);
    assert.equal((await errorOf(twice)).code, 'NOT_FOUND');
  });
});

test('API tokens: one account cannot revoke another account\'s token', async () => {
  await withHub(async (h) => {
    const created = await h.json<{ id: number; token: string }>('POST', '/auth/tokens', { body: { name: 'admin automation' }, expect: 201 });
    await makeEndUser(h, 'bob', 'bob-password', '202');
    const bob = await h.login('bob', 'bob-password');
    const res = await h.request('DELETE', `/auth/tokens/${created.id}`, { token: bob });
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, 'NOT_FOUND');
    assert.equal((await h.json('GET', '/auth/me', { token: created.token })).username, 'admin');
  });
});

test('API tokens: an empty or unknown-field body is refused', async () => {
  await withHub(async (h) => {
    const empty = await h.request('POST', '/auth/tokens', { token: h.adminToken, body: { name: '   ' } });
    assert.equal(empty.status, 400);
    assert.equal((await errorOf(empty)).code, 'VALIDATION_FAILED');
    const extra = await h.request('POST', '/auth/tokens', { token: h.adminToken, body: { name: 'x', scope: 'all' } });
    assert.equal(extra.status, 400);
    assert.equal((await errorOf(extra)).code, 'VALIDATION_FAILED');
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM api_tokens`).get() as { n: number }).n, 0);
  });
});

test('cookie session: GET works with the cookie alone', async () => {
  await withHub(async (h) => {
    const { cookie } = await loginFull(h, ADMIN.username, ADMIN.password);
    assert.ok(cookie);
    const res = await h.request('GET', '/auth/me', { headers: { cookie: `edgeprov_session=${cookie}` } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { username: string }).username, 'admin');
    const sites = await h.request('GET', '/sites', { headers: { cookie: `edgeprov_session=${cookie}` } });
    assert.equal(sites.status, 200);
    const wrong = await h.request('GET', '/auth/me', { headers: { cookie: 'edgeprov_session=forged' } });
    assert.equal(wrong.status, 401);
  });
});

test('cookie session: unsafe requests need the session\'s X-CSRF-Token', async () => {
  await withHub(async (h) => {
    const { body, cookie } = await loginFull(h, ADMIN.username, ADMIN.password);
    const other = await loginFull(h, ADMIN.username, ADMIN.password);
    assert.ok(cookie);
    const siteCount = () => (h.db.prepare(`SELECT count(*) AS n FROM sites`).get() as { n: number }).n;
    const site = { name: 'Cookie site', fqdn: 'pbx.example.com' };

    const without = await h.request('POST', '/sites', { body: site, headers: { cookie: `edgeprov_session=${cookie}` } });
    assert.equal(without.status, 403);
    assert.equal((await errorOf(without)).code, 'CSRF_FAILED');

    const wrong = await h.request('POST', '/sites', { body: site, headers: { cookie: `edgeprov_session=${cookie}`, 'x-csrf-token': 'wrong' } });
    assert.equal(wrong.status, 403);
    assert.equal((await errorOf(wrong)).code, 'CSRF_FAILED');

    // Another session's CSRF token does not fit this session.
    const crossed = await h.request('POST', '/sites', { body: site, headers: { cookie: `edgeprov_session=${cookie}`, 'x-csrf-token': other.body.csrf_token } });
    assert.equal(crossed.status, 403);
    assert.equal((await errorOf(crossed)).code, 'CSRF_FAILED');

    // The CSRF check also guards PATCH and DELETE, and comes before validation.
    for (const method of ['PATCH', 'DELETE', 'PUT']) {
      const res = await h.request(method, '/sites/1', { body: {}, headers: { cookie: `edgeprov_session=${cookie}` } });
      assert.equal(res.status, 403, method);
      assert.equal((await errorOf(res)).code, 'CSRF_FAILED', method);
    }
    assert.equal(siteCount(), 0, 'nothing was written by the refused requests');

    const right = await h.request('POST', '/sites', { body: site, headers: { cookie: `edgeprov_session=${cookie}`, 'x-csrf-token': body.csrf_token } });
    assert.equal(right.status, 201);
    assert.equal(siteCount(), 1);
  });
});

test('session expiry: valid until 12 hours after login, 401 afterwards (cookie and Bearer); API tokens do not expire', async () => {
  await withHub(async (h) => {
    const { body, cookie } = await loginFull(h, ADMIN.username, ADMIN.password);
    const api = await h.json<{ id: number; token: string }>('POST', '/auth/tokens', { body: { name: 'long-lived' }, token: body.token, expect: 201 });
    h.clock.advance(12 * HOUR - 60_000);
    assert.equal((await h.request('GET', '/auth/me', { token: body.token })).status, 200);
    assert.equal((await h.request('GET', '/auth/me', { headers: { cookie: `edgeprov_session=${cookie}` } })).status, 200);
    h.clock.advance(2 * 60_000);
    const bearer = await h.request('GET', '/auth/me', { token: body.token });
    assert.equal(bearer.status, 401);
    assert.equal((await errorOf(bearer)).code, 'UNAUTHENTICATED');
    const viaCookie = await h.request('GET', '/auth/me', { headers: { cookie: `edgeprov_session=${cookie}` } });
    assert.equal(viaCookie.status, 401);
    // An expired cookie session cannot write either (no CSRF escape hatch: it is simply anonymous).
    const write = await h.request('POST', '/sites', { body: { name: 'late', fqdn: 'a.example' }, headers: { cookie: `edgeprov_session=${cookie}`, 'x-csrf-token': body.csrf_token } });
    assert.equal(write.status, 401);
    assert.equal((await errorOf(write)).code, 'UNAUTHENTICATED');
    // Signing in again works on the moved clock; the API token is not a session and still works.
    const fresh = await h.login(ADMIN.username, ADMIN.password);
    assert.equal((await h.request('GET', '/auth/me', { token: fresh })).status, 200);
    assert.equal((await h.request('GET', '/auth/me', { token: api.token })).status, 200);
  });
});

test('changing an end user\'s password ends their sessions', async () => {
  await withHub(async (h) => {
    const uid = await makeEndUser(h, 'carol', 'carol-password', '203');
    const tok = await h.login('carol', 'carol-password');
    await h.json('PATCH', `/users/${uid}`, { body: { password: 'carol-new-password' } });
    assert.equal((await h.request('GET', '/auth/me', { token: tok })).status, 401);
    const old = await h.request('POST', '/auth/login', { body: { username: 'carol', password: 'carol-password' } });
    assert.equal(old.status, 401);
    const fresh = await h.login('carol', 'carol-new-password');
    assert.equal((await h.json('GET', '/auth/me', { token: fresh })).user_id, uid);
  });
});
