/**
 * /users and /users/{id}/sip-accounts: CRUD, secret masking, duplicate extensions, self-service
 * sign-in, the IP Phone licence, and refusals while a user is assigned to a phone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fails, withHub, testHub, makeSite, makeUser, changesSince, lastSeq, auditSince, lastAuditId, type TestHub } from '../helpers/hub.js';

interface SipAccountOut {
  id: number;
  username: string;
  auth_username: string;
  password: string;
  server: string | null;
  port: number | null;
  transport: 'udp' | 'tcp' | 'tls';
  outbound_proxy: string | null;
  label: string;
}

interface UserOut {
  id: number;
  extension: string;
  display_name: string;
  ip_phone_license: boolean;
  username: string | null;
  sip_accounts: SipAccountOut[];
  devices: string[];
}

function userCount(h: TestHub): number {
  return (h.db.prepare(`SELECT count(*) AS n FROM users`).get() as { n: number }).n;
}

/** A Yealink phone of `model` in a fresh site; returns its canonical MAC. */
async function makePhone(h: TestHub, mac: string, model = 'T46S'): Promise<string> {
  const site = await makeSite(h);
  const res = await h.json('POST', '/devices/import', { body: { text: `${mac},${model}`, site_id: site } });
  assert.equal(res.applied, true);
  return res.created[0].mac as string;
}

const THREE_ACCOUNTS = [
  { username: '301', password: 'secret-one' },
  { username: '301-b', auth_username: 'auth301b', password: 'secret-two', server: 'sip2.example.com', port: 5080, transport: 'tcp', label: 'Office' },
  { username: '301-c', password: 'secret-three', transport: 'tls', outbound_proxy: 'proxy.example.com' },
];

test('POST /users with several SIP accounts; every read masks SIP passwords as ***', async () => {
  await withHub(async (h) => {
    const audit0 = lastAuditId(h.db);
    const u = await h.json<UserOut>('POST', '/users', { body: { extension: '301', display_name: 'Ada Lovelace', sip_accounts: THREE_ACCOUNTS } });
    assert.equal(u.extension, '301');
    assert.equal(u.display_name, 'Ada Lovelace');
    assert.equal(u.ip_phone_license, true, 'licensed by default');
    assert.equal(u.username, null);
    assert.deepEqual(u.devices, []);
    assert.equal(u.sip_accounts.length, 3);
    assert.deepEqual(
      u.sip_accounts.map(({ id: _id, ...a }) => a),
      [
        { username: '301', auth_username: '301', password: '***', server: null, port: null, transport: 'udp', outbound_proxy: null, label: '' },
        { username: '301-b', auth_username: 'auth301b', password: '***', server: 'sip2.example.com', port: 5080, transport: 'tcp', outbound_proxy: null, label: 'Office' },
        { username: '301-c', auth_username: '301-c', password: '***', server: null, port: null, transport: 'tls', outbound_proxy: 'proxy.example.com', label: '' },
      ],
    );
    const got = await h.json<UserOut>('GET', `/users/${u.id}`);
    assert.deepEqual(got, u);
    const list = await h.json<{ items: UserOut[] }>('GET', '/users');
    assert.deepEqual(list.items, [u]);
    const accs = await h.json<{ items: SipAccountOut[] }>('GET', `/users/${u.id}/sip-accounts`);
    assert.deepEqual(accs.items, u.sip_accounts);
    const first = u.sip_accounts[0]!;
    assert.equal((await h.json<SipAccountOut>('GET', `/users/${u.id}/sip-accounts/${first.id}`)).password, '***');
    // Secrets are stored, but nowhere in responses or the audit log.
    const stored = h.db.prepare(`SELECT password FROM sip_accounts WHERE user_id = ? ORDER BY id`).all(u.id) as { password: string }[];
    assert.deepEqual(stored.map((r) => r.password), ['secret-one', 'secret-two', 'secret-three']);
    const audit = auditSince(h.db, audit0);
    assert.equal(audit.at(-1)?.action, 'user.create');
    assert.ok(!JSON.stringify(audit).includes('secret-'), 'no SIP password in the audit log');
  });
});

test('?reveal=true shows SIP passwords to an admin on every read', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '302', 2);
    const u = await h.json<UserOut>('GET', `/users/${id}?reveal=true`);
    assert.deepEqual(u.sip_accounts.map((a) => a.password), ['pw-302-0', 'pw-302-1']);
    const list = await h.json<{ items: UserOut[] }>('GET', '/users?reveal=true');
    assert.deepEqual(list.items[0]?.sip_accounts.map((a) => a.password), ['pw-302-0', 'pw-302-1']);
    const accs = await h.json<{ items: SipAccountOut[] }>('GET', `/users/${id}/sip-accounts?reveal=true`);
    assert.deepEqual(accs.items.map((a) => a.password), ['pw-302-0', 'pw-302-1']);
    const one = await h.json<SipAccountOut>('GET', `/users/${id}/sip-accounts/${accs.items[1]!.id}?reveal=true`);
    assert.equal(one.password, 'pw-302-1');
    // reveal=false is the same as not asking.
    assert.equal((await h.json<UserOut>('GET', `/users/${id}?reveal=false`)).sip_accounts[0]?.password, '***');
    const bad = await fails(h, 'GET', `/users?reveal=yes`, 400);
    assert.equal(bad.code, 'VALIDATION_FAILED');
  });
});

test('GET /users filters by q and by unassigned', async () => {
  await withHub(async (h) => {
    await makeUser(h, '401', 1, { display_name: 'Grace Hopper' });
    const b = await makeUser(h, '402', 1, { display_name: 'Alan Turing' });
    const mac = await makePhone(h, '00:15:65:11:22:33');
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [b] } });
    const q = await h.json<{ items: UserOut[] }>('GET', '/users?q=hopper');
    assert.deepEqual(q.items.map((u) => u.extension), ['401']);
    const un = await h.json<{ items: UserOut[] }>('GET', '/users?unassigned=true');
    assert.deepEqual(un.items.map((u) => u.extension), ['401']);
    const all = await h.json<{ items: UserOut[] }>('GET', '/users');
    assert.deepEqual(all.items.map((u) => [u.extension, u.devices]), [['401', []], ['402', [mac]]]);
  });
});

test('duplicate extension is 409 ALREADY_EXISTS on create and on PATCH', async () => {
  await withHub(async (h) => {
    await makeUser(h, '500');
    const other = await makeUser(h, '501');
    const dup = await fails(h, 'POST', '/users', 409, { extension: '500', display_name: 'Twin' });
    assert.equal(dup.code, 'ALREADY_EXISTS');
    const patch = await fails(h, 'PATCH', `/users/${other}`, 409, { extension: '500' });
    assert.equal(patch.code, 'ALREADY_EXISTS');
    assert.equal((await h.json<UserOut>('GET', `/users/${other}`)).extension, '501');
    assert.equal(userCount(h), 2);
  });
});

test('validation: bad extension, short password, username without password, unknown field', async () => {
  await withHub(async (h) => {
    const ext = await fails(h, 'POST', '/users', 400, { extension: '12 34', display_name: 'x' });
    assert.equal(ext.code, 'VALIDATION_FAILED');
    assert.match(ext.message, /extension/);
    const pw = await fails(h, 'POST', '/users', 400, { extension: '600', display_name: 'x', username: 'shorty', password: 'short' });
    assert.equal(pw.code, 'VALIDATION_FAILED');
    assert.match(pw.message, /password/);
    const half = await fails(h, 'POST', '/users', 400, { extension: '600', display_name: 'x', username: 'halfway' });
    assert.equal(half.code, 'VALIDATION_FAILED');
    const extra = await fails(h, 'POST', '/users', 400, { extension: '600', display_name: 'x', email: 'x@example.com' });
    assert.equal(extra.code, 'VALIDATION_FAILED');
    assert.match(extra.message, /email/);
    const transport = await fails(h, 'POST', '/users', 400, { extension: '600', display_name: 'x', sip_accounts: [{ username: '600', password: 'p', transport: 'sctp' }] });
    assert.equal(transport.code, 'VALIDATION_FAILED');
    assert.match(transport.message, /transport/);
    assert.equal(userCount(h), 0);
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM accounts WHERE role = 'user'`).get() as { n: number }).n, 0);
  });
});

test('self-service sign-in: username + password create a `user` account that can log in', async () => {
  await withHub(async (h) => {
    const u = await h.json<UserOut>('POST', '/users', { body: { extension: '700', display_name: 'Edsger', username: 'edsger', password: 'goto-considered' } });
    assert.equal(u.username, 'edsger');
    assert.ok(!JSON.stringify(u).includes('goto-considered'));
    const acc = h.db.prepare(`SELECT role, user_id, password_hash FROM accounts WHERE username = 'edsger'`).get() as { role: string; user_id: number; password_hash: string };
    assert.equal(acc.role, 'user');
    assert.equal(acc.user_id, u.id);
    assert.match(acc.password_hash, /^scrypt\$/);
    const tok = await h.login('edsger', 'goto-considered');
    assert.deepEqual(await h.json('GET', '/auth/me', { token: tok }), { username: 'edsger', role: 'user', user_id: u.id });
    // A taken username (even the admin's) is refused.
    const taken = await fails(h, 'POST', '/users', 409, { extension: '701', display_name: 'Imposter', username: 'admin', password: 'long-enough-pw' });
    assert.equal(taken.code, 'ALREADY_EXISTS');
    assert.equal(userCount(h), 1, 'the user row is rolled back with the account');
  });
});

test('PATCH /users/{id}: enable sign-in later, rename, and disable sign-in (username null)', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '710');
    const half = await fails(h, 'PATCH', `/users/${id}`, 400, { username: 'late' });
    assert.equal(half.code, 'VALIDATION_FAILED');
    const on = await h.json<UserOut>('PATCH', `/users/${id}`, { body: { username: 'late', password: 'late-password', display_name: 'Late Bloomer' } });
    assert.equal(on.username, 'late');
    assert.equal(on.display_name, 'Late Bloomer');
    const tok = await h.login('late', 'late-password');
    assert.equal((await h.json('GET', '/auth/me', { token: tok })).user_id, id);
    const off = await h.json<UserOut>('PATCH', `/users/${id}`, { body: { username: null } });
    assert.equal(off.username, null);
    assert.equal((await h.request('GET', '/auth/me', { token: tok })).status, 401, 'sessions die with the account');
    const res = await h.request('POST', '/auth/login', { body: { username: 'late', password: 'late-password' } });
    assert.equal(res.status, 401);
  });
});

test('removing the IP Phone licence is refused while the user is assigned; unlicensed users cannot be assigned', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '800');
    const mac = await makePhone(h, '00:15:65:00:08:00');
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [id] } });
    const audit0 = lastAuditId(h.db);
    const err = await fails(h, 'PATCH', `/users/${id}`, 409, { ip_phone_license: false });
    assert.equal(err.code, 'CONFLICT');
    assert.deepEqual(err.details.devices, [mac]);
    assert.equal((await h.json<UserOut>('GET', `/users/${id}`)).ip_phone_license, true);
    assert.equal(auditSince(h.db, audit0).length, 0);

    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [] } });
    const off = await h.json<UserOut>('PATCH', `/users/${id}`, { body: { ip_phone_license: false } });
    assert.equal(off.ip_phone_license, false);
    const assign = await fails(h, 'PUT', `/devices/${mac}/users`, 409, { users: [id] });
    assert.equal(assign.code, 'USER_NOT_LICENSED');
  });
});

test('DELETE /users/{id} is refused while assigned; afterwards the user and its SIP accounts are gone', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '900', 2);
    const mac = await makePhone(h, '00:15:65:00:09:00');
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [id] } });
    const err = await fails(h, 'DELETE', `/users/${id}`, 409);
    assert.equal(err.code, 'CONFLICT');
    assert.equal((await h.json<UserOut>('GET', `/users/${id}`)).extension, '900');
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [] } });
    const audit0 = lastAuditId(h.db);
    assert.deepEqual(await h.json('DELETE', `/users/${id}`), { ok: true });
    assert.equal((await fails(h, 'GET', `/users/${id}`, 404)).code, 'NOT_FOUND');
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM sip_accounts WHERE user_id = ?`).get(id) as { n: number }).n, 0);
    const audit = auditSince(h.db, audit0);
    assert.deepEqual(audit.map((a) => [a.action, a.target_id]), [['user.delete', String(id)]]);
    assert.ok(!JSON.stringify(audit).includes('pw-900'), 'the before-image masks SIP passwords');
  });
});

test('deleting a user with sign-in also removes the account', async () => {
  await withHub(async (h) => {
    const u = await h.json<UserOut>('POST', '/users', { body: { extension: '910', display_name: 'Gone', username: 'gone', password: 'gone-password' } });
    await h.json('DELETE', `/users/${u.id}`);
    const res = await h.request('POST', '/auth/login', { body: { username: 'gone', password: 'gone-password' } });
    assert.equal(res.status, 401);
  });
});

test('/users/{id}/sip-accounts CRUD, with change-log rows for the phones carrying the user', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '950', 1);
    const mac = await makePhone(h, '00:15:65:00:09:50');
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [id] } });

    let seq = lastSeq(h.db);
    const created = await h.json<SipAccountOut>('POST', `/users/${id}/sip-accounts`, { body: { username: '950-2', password: 'second-secret', label: 'Second' } });
    assert.equal(created.password, '***');
    assert.equal(created.auth_username, '950-2');
    assert.equal(created.label, 'Second');
    assert.ok(changesSince(h.db, seq).some((c) => c.entity === 'device' && c.key === mac), 'the phone carrying the user is re-emitted');

    const list = await h.json<{ items: SipAccountOut[] }>('GET', `/users/${id}/sip-accounts`);
    assert.deepEqual(list.items.map((a) => a.username), ['950', '950-2']);

    seq = lastSeq(h.db);
    const patched = await h.json<SipAccountOut>('PATCH', `/users/${id}/sip-accounts/${created.id}`, { body: { password: 'changed-secret', transport: 'tls', port: 5061 } });
    assert.equal(patched.password, '***');
    assert.equal(patched.transport, 'tls');
    assert.equal(patched.port, 5061);
    assert.equal(patched.username, '950-2', 'untouched fields stay');
    assert.equal((await h.json<SipAccountOut>('GET', `/users/${id}/sip-accounts/${created.id}?reveal=true`)).password, 'changed-secret');
    assert.ok(changesSince(h.db, seq).some((c) => c.entity === 'device' && c.key === mac));

    const audit0 = lastAuditId(h.db);
    seq = lastSeq(h.db);
    assert.deepEqual(await h.json('DELETE', `/users/${id}/sip-accounts/${created.id}`), { ok: true });
    assert.equal((await fails(h, 'GET', `/users/${id}/sip-accounts/${created.id}`, 404)).code, 'NOT_FOUND');
    assert.ok(changesSince(h.db, seq).some((c) => c.entity === 'device' && c.key === mac));
    const audit = auditSince(h.db, audit0);
    assert.deepEqual(audit.map((a) => a.action), ['sip_account.delete']);
    assert.equal(audit[0]?.before.password, '***');
  });
});

test('SIP-account validation: unknown field, bad port, empty password', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '960', 1);
    const sid = (await h.json<UserOut>('GET', `/users/${id}`)).sip_accounts[0]!.id;
    assert.equal((await fails(h, 'POST', `/users/${id}/sip-accounts`, 400, { username: 'x', password: 'y', codec: 'opus' })).code, 'VALIDATION_FAILED');
    assert.match((await fails(h, 'POST', `/users/${id}/sip-accounts`, 400, { username: 'x', password: 'y', port: 99999 })).message, /port/);
    assert.match((await fails(h, 'POST', `/users/${id}/sip-accounts`, 400, { username: 'x', password: '' })).message, /password/);
    assert.match((await fails(h, 'PATCH', `/users/${id}/sip-accounts/${sid}`, 400, { transport: 'carrier-pigeon' })).message, /transport/);
    assert.equal((await h.json<{ items: SipAccountOut[] }>('GET', `/users/${id}/sip-accounts`)).items.length, 1);
  });
});

test('a SIP account the phone cannot carry is refused with TOO_MANY_LINES and not stored', async () => {
  await withHub(async (h) => {
    const id = await makeUser(h, '970', 2);
    const mac = await makePhone(h, '00:15:65:00:09:70', 'T31'); // 2 lines
    await h.json('PUT', `/devices/${mac}/users`, { body: { users: [id] } });
    const err = await fails(h, 'POST', `/users/${id}/sip-accounts`, 409, { username: '970-3', password: 'third' });
    assert.equal(err.code, 'TOO_MANY_LINES');
    assert.equal((await h.json<{ items: SipAccountOut[] }>('GET', `/users/${id}/sip-accounts`)).items.length, 2);
  });
});

test('404 NOT_FOUND for unknown users and SIP accounts, including another user\'s account', async () => {
  await withHub(async (h) => {
    const a = await makeUser(h, '980', 1);
    const b = await makeUser(h, '981', 1);
    const aSid = (await h.json<UserOut>('GET', `/users/${a}`)).sip_accounts[0]!.id;
    const cases: Array<[string, string, unknown?]> = [
      ['GET', '/users/9999'],
      ['PATCH', '/users/9999', { display_name: 'x' }],
      ['DELETE', '/users/9999'],
      ['GET', '/users/9999/sip-accounts'],
      ['POST', '/users/9999/sip-accounts', { username: 'x', password: 'y' }],
      ['GET', `/users/${a}/sip-accounts/9999`],
      ['GET', `/users/${b}/sip-accounts/${aSid}`],
      ['PATCH', `/users/${b}/sip-accounts/${aSid}`, { label: 'stolen' }],
      ['DELETE', `/users/${b}/sip-accounts/${aSid}`],
    ];
    for (const [method, path, body] of cases) assert.equal((await fails(h, method, path, 404, body)).code, 'NOT_FOUND', `${method} ${path}`);
    const still = await h.json<SipAccountOut>('GET', `/users/${a}/sip-accounts/${aSid}`);
    assert.equal(still.label, '', 'the cross-user PATCH changed nothing');
    assert.equal(userCount(h), 2);
  });
});
