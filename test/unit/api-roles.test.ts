/**
 * The role matrix. Every route in the OpenAPI document (so a new route cannot be forgotten)
 * answers an anonymous caller 401 and a `user` 403 (admin routes), whatever its body and
 * parameters: the role is checked before the input is validated. End users see and change only
 * the phones carrying their extensions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordUnknownDevice } from '../../hub/domain/discovered.js';
import { testHub, makeSite, changesSince, lastSeq, lastAuditId, auditSince, ADMIN, type TestHub } from '../helpers/hub.js';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

interface Route {
  method: string;
  path: string;
  hasBody: boolean;
  /** Takes path or query parameters. */
  hasParams: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const PHONE_A = '001565aa0001';
const PHONE_B = '001565aa0002';
const PHONE_AB = '001565aa0003';
const PHONE_NONE = '001565aa0004';

/** Public routes and the end-user routes have their own rules; everything else is for admins. */
const PUBLIC = new Set(['POST /auth/login', 'GET /openapi.json']);
const isSelf = (r: Route) => r.path.startsWith('/auth/');
const isMe = (r: Route) => r.path === '/me' || r.path.startsWith('/me/');

/** Valid-looking bodies, so a 401/403 cannot be a validation error in disguise. */
const BODIES: Record<string, unknown> = {
  'POST /auth/tokens': { name: 'matrix' },
  'POST /sites': { name: 'Matrix site', fqdn: 'pbx.example.com' },
  'PATCH /sites/{id}': { ntp_server: 'ntp.example.com' },
  'POST /users': { extension: '299', display_name: 'Matrix' },
  'PATCH /users/{id}': { display_name: 'Renamed' },
  'POST /users/{id}/sip-accounts': { username: '299-x', password: 'secret' },
  'PATCH /users/{id}/sip-accounts/{sid}': { label: 'hacked' },
  'POST /devices/import': { text: '00:15:65:aa:00:99' },
  'PATCH /devices/{mac}': { name: 'hacked' },
  'PUT /devices/{mac}/users': { users: [1] },
  'POST /devices/actions/export': { macs: [PHONE_A], include_secrets: true },
  'POST /devices/actions/reset-counter': { macs: [PHONE_A] },
  'POST /devices/actions/remove': { macs: [PHONE_A] },
  'PUT /devices/{mac}/template': { engine: 'default', body: 'hacked={{device.mac}}' },
  'POST /provision/auto': { macs: [PHONE_NONE] },
  'POST /provision/bulk': { csv: `${PHONE_NONE},201` },
  'POST /templates': { name: 'hacked', engine: 'default', body: 'x={{device.mac}}' },
  'PATCH /templates/{id}': { name: 'hacked' },
  'PATCH /settings': { session_window_s: 900 },
  'POST /discovered/{mac}/adopt': { name: 'hacked' },
  'PATCH /me/devices/{mac}': { name: 'hacked' },
};

function fill(path: string, garbage: boolean): string {
  return path
    .replace('{id}', garbage ? 'abc' : '1')
    .replace('{sid}', garbage ? 'xyz' : '1')
    .replace('{mac}', garbage ? 'not-a-mac' : path.startsWith('/discovered') ? '001565bb0001' : PHONE_A);
}

async function routesOf(h: TestHub): Promise<Route[]> {
  const doc = await h.json<{ paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>> }>('GET', '/openapi.json');
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => METHODS.has(m))
      .map(([m, op]) => ({ method: m.toUpperCase(), path, hasBody: op.requestBody !== undefined, hasParams: (op.parameters?.length ?? 0) > 0 })),
  );
}

/** The request for `r`: a valid-looking one, or one whose params, query and body are all invalid. */
async function call(h: TestHub, r: Route, token: string | undefined, garbage: boolean): Promise<Response> {
  const path = fill(r.path, garbage) + (garbage && r.method === 'GET' ? '?page=-1&per_page=abc&reveal=maybe&engine=cobol&site_id=abc' : '');
  const body = r.hasBody ? (garbage ? '{"truncated": ' : (BODIES[`${r.method} ${r.path}`] ?? {})) : undefined;
  return h.request(r.method, path, { token, body });
}

async function expectError(res: Response, status: number, code: string, what: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, `${what}: ${text}`);
  assert.equal((JSON.parse(text) as ErrorBody).error.code, code, what);
}

interface World {
  h: TestHub;
  site: number;
  alice: { id: number; token: string };
  bob: { id: number; token: string };
}

async function world(): Promise<World> {
  const h = await testHub();
  const site = await makeSite(h, { name: 'Roles' });
  const alice = await h.json('POST', '/users', {
    body: { extension: '201', display_name: 'Alice', username: 'alice', password: 'alice-password', sip_accounts: [{ username: '201', password: 'sip-201' }] },
  });
  const bob = await h.json('POST', '/users', {
    body: { extension: '202', display_name: 'Bob', username: 'bob', password: 'bob-password', sip_accounts: [{ username: '202', password: 'sip-202' }] },
  });
  await h.json('POST', '/devices/import', { body: { text: [PHONE_A, PHONE_B, PHONE_AB, PHONE_NONE].map((m) => `${m},T46S`).join('\n'), site_id: site } });
  await h.json('PUT', `/devices/${PHONE_A}/users`, { body: { users: [alice.id] } });
  await h.json('PUT', `/devices/${PHONE_B}/users`, { body: { users: [bob.id] } });
  await h.json('PUT', `/devices/${PHONE_AB}/users`, { body: { users: [bob.id, alice.id] } });
  await h.json('POST', '/templates', { body: { name: 'Org', engine: 'default', vendor: 'yealink', model: null, body: 'mac={{device.mac}}\n' } });
  await h.json('POST', '/auth/tokens', { body: { name: 'admin token' }, expect: 201 });
  recordUnknownDevice(h.db, { site_id: site, mac: '001565bb0001', ip: '192.168.1.50', at: '2026-01-01T00:00:00.000Z', evidence: { user_agent: 'Yealink SIP-T46S' } });
  return {
    h,
    site,
    alice: { id: alice.id as number, token: await h.login('alice', 'alice-password') },
    bob: { id: bob.id as number, token: await h.login('bob', 'bob-password') },
  };
}

test('the OpenAPI document lists every route the matrix needs', async () => {
  const { h } = await world();
  try {
    const routes = await routesOf(h);
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const k of ['GET /sites', 'POST /devices/import', 'PUT /devices/{mac}/users', 'POST /devices/actions/remove', 'GET /audit', 'PATCH /settings', 'GET /me/devices', 'PATCH /me/devices/{mac}', 'POST /discovered/{mac}/adopt']) {
      assert.ok(keys.has(k), `${k} is in the document`);
    }
    assert.ok(routes.length >= 45, `expected the whole API, got ${routes.length} operations`);
    // Every route with a body has a valid-looking sample here, so the 401/403 below is not a validation error.
    const missing = routes.filter((r) => r.hasBody && !PUBLIC.has(`${r.method} ${r.path}`) && r.path !== '/auth/logout' && !(`${r.method} ${r.path}` in BODIES));
    assert.deepEqual(missing.map((r) => `${r.method} ${r.path}`), [], 'add a sample body to BODIES for new routes');
  } finally {
    h.close();
  }
});

test('anonymous callers get 401 UNAUTHENTICATED on every route but login, with valid and with garbage input', async (t) => {
  const { h } = await world();
  try {
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const routes = (await routesOf(h)).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    assert.ok(routes.length >= 45);
    for (const r of routes) {
      await t.test(`${r.method} ${r.path}`, async () => {
        await expectError(await call(h, r, undefined, false), 401, 'UNAUTHENTICATED', 'valid input');
        await expectError(await call(h, r, undefined, true), 401, 'UNAUTHENTICATED', 'garbage input');
      });
    }
    assert.equal(changesSince(h.db, seq).length, 0, 'no change-log row was written');
    assert.equal(auditSince(h.db, audit0).length, 0, 'no audit row was written');
  } finally {
    h.close();
  }
});

test('a `user` gets 403 FORBIDDEN on every admin route, with valid and with garbage input', async (t) => {
  const { h, alice } = await world();
  try {
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const routes = (await routesOf(h)).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && !isSelf(r) && !isMe(r));
    assert.ok(routes.length >= 40);
    for (const r of routes) {
      await t.test(`${r.method} ${r.path}`, async () => {
        await expectError(await call(h, r, alice.token, false), 403, 'FORBIDDEN', 'valid input');
        await expectError(await call(h, r, alice.token, true), 403, 'FORBIDDEN', 'garbage input');
      });
    }
    assert.equal(changesSince(h.db, seq).length, 0, 'no change-log row was written');
    assert.equal(auditSince(h.db, audit0).length, 0, 'no audit row was written');
    // Secrets stay hidden from users: ?reveal=true does not help.
    await expectError(await h.request('GET', '/users?reveal=true', { token: alice.token }), 403, 'FORBIDDEN', 'reveal');
  } finally {
    h.close();
  }
});

test('an admin is not refused by the matrix gate on any admin route (the matrix is not vacuous)', async (t) => {
  const { h } = await world();
  try {
    const routes = (await routesOf(h)).filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && !isMe(r));
    for (const r of routes) {
      await t.test(`${r.method} ${r.path}`, async () => {
        // Logging out would end the session the other rows use: log out a throwaway one.
        const token = r.path === '/auth/logout' ? await h.login(ADMIN.username, ADMIN.password) : h.adminToken;
        const res = await call(h, r, token, false);
        const text = await res.text();
        assert.ok(res.status !== 401 && res.status !== 403, `${res.status}: ${text}`);
        assert.ok(res.status < 500, `${res.status}: ${text}`);
        // Garbage input reaches validation for an admin: a 4xx, never a server error.
        if (r.path === '/auth/logout' || !(r.hasBody || r.hasParams)) return;
        const bad = await call(h, r, h.adminToken, true);
        assert.ok(bad.status >= 400 && bad.status < 500 && bad.status !== 401 && bad.status !== 403, `${bad.status}: ${await bad.text()}`);
      });
    }
  } finally {
    h.close();
  }
});

test('a `user` may use the /auth/* self routes', async () => {
  const { h, alice } = await world();
  try {
    assert.deepEqual(await h.json('GET', '/auth/me', { token: alice.token }), { username: 'alice', role: 'user', user_id: alice.id });
    const tok = await h.json<{ id: number; token: string }>('POST', '/auth/tokens', { token: alice.token, body: { name: 'alice script' }, expect: 201 });
    const viaToken = await h.json<{ items: Array<{ mac: string }> }>('GET', '/me/devices', { token: tok.token });
    assert.deepEqual(viaToken.items.map((d) => d.mac), [PHONE_A, PHONE_AB]);
    await h.json('DELETE', `/auth/tokens/${tok.id}`, { token: alice.token });
    assert.deepEqual(await h.json('POST', '/auth/logout', { token: alice.token }), { ok: true });
  } finally {
    h.close();
  }
});

test('GET /me/devices lists only the phones carrying the caller\'s extension', async () => {
  const { h, alice, bob } = await world();
  try {
    const a = await h.json<{ items: Array<{ mac: string; extensions: string[]; name: string; provisioned: boolean; pending: boolean; last_provisioned_at: string | null }> }>('GET', '/me/devices', { token: alice.token });
    assert.deepEqual(a.items.map((d) => d.mac), [PHONE_A, PHONE_AB]);
    assert.deepEqual(a.items.find((d) => d.mac === PHONE_AB)?.extensions, ['202', '201'], 'all extensions of a shared phone, in order');
    assert.equal(a.items[0]?.provisioned, false);
    assert.equal(a.items[0]?.last_provisioned_at, null);
    const b = await h.json<{ items: Array<{ mac: string }> }>('GET', '/me/devices', { token: bob.token });
    assert.deepEqual(b.items.map((d) => d.mac), [PHONE_B, PHONE_AB]);
    // A user without phones sees an empty list.
    await h.json('POST', '/users', { body: { extension: '203', display_name: 'Carol', username: 'carol', password: 'carol-password' } });
    const carol = await h.login('carol', 'carol-password');
    assert.deepEqual((await h.json('GET', '/me/devices', { token: carol })).items, []);
    // Unassigning a phone removes it from the list.
    await h.json('PUT', `/devices/${PHONE_AB}/users`, { body: { users: [bob.id] } });
    assert.deepEqual((await h.json<{ items: Array<{ mac: string }> }>('GET', '/me/devices', { token: alice.token })).items.map((d) => d.mac), [PHONE_A]);
  } finally {
    h.close();
  }
});

test('PATCH /me/devices/{mac} renames the caller\'s phone and sets its login password (any MAC notation)', async () => {
  const { h, alice } = await world();
  try {
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const res = await h.json<{ mac: string; name: string }>('PATCH', '/me/devices/00-15-65-AA-00-01', { token: alice.token, body: { name: 'Alice desk', login_password: 'alice-phone-pw' } });
    assert.equal(res.mac, PHONE_A);
    assert.equal(res.name, 'Alice desk');
    const row = h.db.prepare(`SELECT name, login_password FROM devices WHERE mac = ?`).get(PHONE_A) as { name: string; login_password: string };
    assert.deepEqual(row, { name: 'Alice desk', login_password: 'alice-phone-pw' });
    const changes = changesSince(h.db, seq);
    assert.ok(changes.some((c) => c.entity === 'device' && c.key === PHONE_A && c.deleted === 0), 'the edge learns the new settings');
    const audit = auditSince(h.db, audit0);
    assert.deepEqual(audit.map((a) => [a.actor, a.action, a.target_id]), [['alice', 'device.update', PHONE_A]]);
    assert.equal(audit[0]?.after.login_password, '***', 'the audit masks the password');
    // A shared phone may be changed by either of its users.
    await h.json('PATCH', `/me/devices/${PHONE_AB}`, { token: alice.token, body: { name: 'Shared' } });
    assert.equal((h.db.prepare(`SELECT name FROM devices WHERE mac = ?`).get(PHONE_AB) as { name: string }).name, 'Shared');
    // End users cannot reach admin-only device settings.
    const res2 = await h.request('PATCH', `/me/devices/${PHONE_A}`, { token: alice.token, body: { site_id: 99 } });
    await expectError(res2, 400, 'VALIDATION_FAILED', 'site_id is not an end-user field');
    const res3 = await h.request('PATCH', `/me/devices/${PHONE_A}`, { token: alice.token, body: { login_password: '' } });
    await expectError(res3, 400, 'VALIDATION_FAILED', 'empty login password');
  } finally {
    h.close();
  }
});

test('user B patching user A\'s phone gets 404 and nothing changes', async () => {
  const { h, bob } = await world();
  try {
    const before = h.db.prepare(`SELECT * FROM devices WHERE mac = ?`).get(PHONE_A);
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const res = await h.request('PATCH', `/me/devices/${PHONE_A}`, { token: bob.token, body: { name: 'pwned', login_password: 'pwned' } });
    await expectError(res, 404, 'NOT_FOUND', 'another user\'s phone');
    // Same answer as a phone that does not exist at all, and as an unassigned phone.
    await expectError(await h.request('PATCH', '/me/devices/001565ffffff', { token: bob.token, body: { name: 'x' } }), 404, 'NOT_FOUND', 'missing phone');
    await expectError(await h.request('PATCH', `/me/devices/${PHONE_NONE}`, { token: bob.token, body: { name: 'x' } }), 404, 'NOT_FOUND', 'unassigned phone');
    assert.deepEqual(h.db.prepare(`SELECT * FROM devices WHERE mac = ?`).get(PHONE_A), before);
    assert.equal(changesSince(h.db, seq).length, 0);
    assert.equal(auditSince(h.db, audit0).length, 0);
    await expectError(await h.request('PATCH', '/me/devices/not-a-mac', { token: bob.token, body: { name: 'x' } }), 400, 'INVALID_MAC', 'bad MAC');
  } finally {
    h.close();
  }
});

test('an admin calling /me/devices gets 403; anonymous gets 401', async () => {
  const { h } = await world();
  try {
    await expectError(await h.request('GET', '/me/devices', { token: h.adminToken }), 403, 'FORBIDDEN', 'admin GET');
    await expectError(await h.request('PATCH', `/me/devices/${PHONE_A}`, { token: h.adminToken, body: { name: 'x' } }), 403, 'FORBIDDEN', 'admin PATCH');
    await expectError(await h.request('PATCH', '/me/devices/not-a-mac', { token: h.adminToken, body: '{"x": ' }), 403, 'FORBIDDEN', 'admin PATCH, garbage');
    await expectError(await h.request('GET', '/me/devices'), 401, 'UNAUTHENTICATED', 'anonymous GET');
    await expectError(await h.request('PATCH', '/me/devices/not-a-mac', { body: '{"x": ' }), 401, 'UNAUTHENTICATED', 'anonymous PATCH, garbage');
    assert.equal((h.db.prepare(`SELECT name FROM devices WHERE mac = ?`).get(PHONE_A) as { name: string }).name, '');
  } finally {
    h.close();
  }
});
