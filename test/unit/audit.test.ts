/**
 * The audit log (DESIGN §3, §8): every admin and end-user write leaves a row naming who, what,
 * which target, and the state before and after, with every secret masked as `***`. The secrets
 * used below are distinctive strings, and the whole audit_log table is searched for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testHub, makeSite, makeUser, auditSince, lastAuditId, changesSince, lastSeq, ADMIN, type TestHub } from '../helpers/hub.js';
import { recordUnknownDevice } from '../../hub/domain/discovered.js';

type AuditRow = ReturnType<typeof auditSince>[number] & { actor_role: string; at: string };

const TPL = 'account.1.user_name = {{lines.1.username}}\naccount.1.password = {{lines.1.password}}\n';

/** Runs one call and returns the audit rows it wrote. */
async function auditOf(h: TestHub, call: () => Promise<unknown>): Promise<AuditRow[]> {
  const id = lastAuditId(h.db);
  await call();
  return auditSince(h.db, id) as AuditRow[];
}

/** The one row with this action among `rows`. */
function one(rows: AuditRow[], action: string): AuditRow {
  const found = rows.filter((r) => r.action === action);
  assert.equal(found.length, 1, `expected one ${action} row, got ${JSON.stringify(rows.map((r) => r.action))}`);
  return found[0]!;
}

function assertAdmin(row: AuditRow): void {
  assert.equal(row.actor, ADMIN.username);
  assert.equal(row.actor_role, 'admin');
  assert.match(row.at, /^\d{4}-\d\d-\d\dT/);
}

/** Every column of every audit row, as one text. */
function auditText(h: TestHub): string {
  const rows = h.db.prepare(`SELECT * FROM audit_log`).all() as Record<string, unknown>[];
  return rows.map((r) => Object.values(r).map(String).join('\u0001')).join('\n');
}

test('admin writes: who, action, target, before/after for every kind of write', async () => {
  const h = await testHub();
  try {
    // Sites.
    let rows = await auditOf(h, () => h.json('POST', '/sites', { body: { name: 'Berlin', fqdn: 'pbx.example.com' } }));
    const siteCreate = one(rows, 'site.create');
    assertAdmin(siteCreate);
    const siteId = siteCreate.after.id as number;
    assert.deepEqual([siteCreate.target_type, siteCreate.target_id], ['site', String(siteId)]);
    assert.equal(siteCreate.before, null);
    assert.equal(siteCreate.after.name, 'Berlin');

    rows = await auditOf(h, () => h.json('PATCH', `/sites/${siteId}`, { body: { ntp_server: 'ntp.example.com' } }));
    const siteUpdate = one(rows, 'site.update');
    assertAdmin(siteUpdate);
    assert.deepEqual([siteUpdate.before.ntp_server, siteUpdate.after.ntp_server], ['pool.ntp.org', 'ntp.example.com']);

    rows = await auditOf(h, () => h.json('POST', `/sites/${siteId}/tokens`));
    assert.deepEqual([one(rows, 'site.token.create').target_type, one(rows, 'site.token.create').target_id], ['site', String(siteId)]);

    const doomed = await makeSite(h, { name: 'Doomed' });
    rows = await auditOf(h, () => h.json('DELETE', `/sites/${doomed}`));
    const siteDelete = one(rows, 'site.delete');
    assert.equal(siteDelete.target_id, String(doomed));
    assert.equal(siteDelete.before.name, 'Doomed');
    assert.equal(siteDelete.after, null);

    // Devices.
    rows = await auditOf(h, () => h.json('POST', '/devices/import', { body: { text: '001565000001,T46S,Front\n001565000002\n001565000003', site_id: siteId } }));
    assert.deepEqual(rows.map((r) => r.action), ['device.create', 'device.create', 'device.create', 'device.import']);
    rows.forEach(assertAdmin);
    assert.deepEqual([rows[0]!.target_type, rows[0]!.target_id, rows[0]!.after.name, rows[0]!.after.model], ['device', '001565000001', 'Front', 'T46S']);
    assert.equal(one(rows, 'device.import').after.count, 3);

    rows = await auditOf(h, () => h.json('PATCH', '/devices/001565000001', { body: { name: 'Lobby', engine: 'default' } }));
    const devUpdate = one(rows, 'device.update');
    assertAdmin(devUpdate);
    assert.deepEqual([devUpdate.target_type, devUpdate.target_id], ['device', '001565000001']);
    assert.deepEqual([devUpdate.before.name, devUpdate.after.name], ['Front', 'Lobby']);
    assert.equal(devUpdate.before.login_password, '***');

    const other = await makeSite(h, { name: 'Other' });
    rows = await auditOf(h, () => h.json('PATCH', '/devices/001565000003', { body: { site_id: other } }));
    assert.deepEqual([one(rows, 'device.update').before.site_id, one(rows, 'device.update').after.site_id], [siteId, other]);

    // Users and SIP accounts.
    rows = await auditOf(h, () => makeUser(h, '201', 1, { username: 'alice', password: 'alice-signin-pw' }));
    const userCreate = one(rows, 'user.create');
    assertAdmin(userCreate);
    const u = userCreate.after.id as number;
    assert.deepEqual([userCreate.target_type, userCreate.target_id, userCreate.after.extension], ['user', String(u), '201']);
    assert.equal(userCreate.after.sip_accounts[0].password, '***');
    assert.deepEqual([one(rows, 'account.create').target_id, one(rows, 'account.create').after.role], ['alice', 'user']);

    rows = await auditOf(h, () => h.json('PATCH', `/users/${u}`, { body: { display_name: 'Alice', extension: '202' } }));
    const userUpdate = one(rows, 'user.update');
    assert.deepEqual([userUpdate.before.display_name, userUpdate.after.display_name], ['User 201', 'Alice']);
    assert.deepEqual([userUpdate.before.extension, userUpdate.after.extension], ['201', '202']);

    rows = await auditOf(h, () => h.json('POST', `/users/${u}/sip-accounts`, { body: { username: '202-b', password: 'sip-secret-second' } }));
    const accCreate = one(rows, 'sip_account.create');
    assertAdmin(accCreate);
    const acc = accCreate.after.id as number;
    assert.deepEqual([accCreate.target_type, accCreate.target_id, accCreate.after.username, accCreate.after.password], ['sip_account', String(acc), '202-b', '***']);

    rows = await auditOf(h, () => h.json('PATCH', `/users/${u}/sip-accounts/${acc}`, { body: { label: 'Second', password: 'sip-secret-rotated' } }));
    const accUpdate = one(rows, 'sip_account.update');
    assert.deepEqual([accUpdate.before.label, accUpdate.after.label], ['', 'Second']);
    assert.deepEqual([accUpdate.before.password, accUpdate.after.password], ['***', '***']);

    rows = await auditOf(h, () => h.json('DELETE', `/users/${u}/sip-accounts/${acc}`));
    const accDelete = one(rows, 'sip_account.delete');
    assert.deepEqual([accDelete.target_id, accDelete.before.username, accDelete.after], [String(acc), '202-b', null]);

    // Assignment, auto and bulk provision.
    rows = await auditOf(h, () => h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } }));
    const assign = one(rows, 'device.assign');
    assertAdmin(assign);
    assert.deepEqual([assign.target_id, assign.before.users, assign.after.users], ['001565000001', [], [u]]);

    const v = await makeUser(h, '300');
    rows = await auditOf(h, () => h.json('POST', '/provision/auto', { body: { macs: ['001565000002'] } }));
    assert.deepEqual(rows.map((r) => r.action), ['device.assign', 'provision.auto']);
    assert.deepEqual(one(rows, 'provision.auto').after.pairs, [{ mac: '001565000002', user_id: v, extension: '300' }]);

    const w = await makeUser(h, '400');
    rows = await auditOf(h, () => h.json('POST', '/provision/bulk', { body: { csv: '001565000003,400' } }));
    assert.deepEqual(rows.map((r) => r.action), ['device.assign', 'provision.bulk']);
    assert.deepEqual(one(rows, 'device.assign').after.users, [w]);
    assert.deepEqual(one(rows, 'provision.bulk').after.rows, [{ mac: '001565000003', extensions: ['400'] }]);

    // Templates.
    rows = await auditOf(h, () => h.json('POST', '/templates', { body: { name: 'Org', engine: 'default', vendor: 'yealink', model: null, body: TPL } }));
    const tCreate = one(rows, 'template.create');
    assertAdmin(tCreate);
    const tid = tCreate.after.id as number;
    assert.deepEqual([tCreate.target_type, tCreate.target_id, tCreate.after.name], ['template', String(tid), 'Org']);
    rows = await auditOf(h, () => h.json('PATCH', `/templates/${tid}`, { body: { name: 'Org 2', body: `${TPL}#\n` } }));
    assert.deepEqual([one(rows, 'template.update').before, one(rows, 'template.update').after], [{ version: 1, name: 'Org' }, { version: 2, name: 'Org 2' }]);
    rows = await auditOf(h, () => h.json('DELETE', `/templates/${tid}`));
    assert.deepEqual(one(rows, 'template.delete').before, { name: 'Org 2', version: 2 });

    rows = await auditOf(h, () => h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: TPL } }));
    const upload = one(rows, 'device.template.upload');
    assert.deepEqual([upload.target_type, upload.target_id, upload.before.template_id], ['device', '001565000001', null]);
    assert.equal(typeof upload.after.template_id, 'number');
    rows = await auditOf(h, () => h.json('DELETE', '/devices/001565000001/template'));
    assert.deepEqual(one(rows, 'device.template.clear').before, { template_id: upload.after.template_id });

    // Settings, counters, export with secrets, removal, user deletion, adoption, API tokens.
    rows = await auditOf(h, () => h.json('PATCH', '/settings', { body: { session_window_s: 120 } }));
    const settings = one(rows, 'settings.update');
    assert.deepEqual([settings.target_type, settings.target_id, settings.before.session_window_s, settings.after.session_window_s], ['settings', 'global', 600, 120]);

    rows = await auditOf(h, () => h.json('POST', '/devices/actions/reset-counter', { body: { macs: ['001565000002'] } }));
    assert.deepEqual([one(rows, 'device.reset_counter').target_id, one(rows, 'device.reset_counter').after.count], ['001565000002', 0]);

    rows = await auditOf(h, async () => {
      const res = await h.request('POST', '/devices/actions/export', { token: h.adminToken, body: { filter: { filter: 'all' }, include_secrets: true } });
      assert.equal(res.status, 200);
      await res.text();
    });
    assert.equal(one(rows, 'device.export_secrets').target_id, '3 devices');
    // An export without secrets is a read: no row.
    rows = await auditOf(h, async () => (await h.request('POST', '/devices/actions/export', { token: h.adminToken, body: { filter: { filter: 'all' } } })).text());
    assert.deepEqual(rows, []);

    rows = await auditOf(h, () => h.json('PUT', '/devices/001565000003/users', { body: { users: [] } }));
    rows = await auditOf(h, () => h.json('DELETE', `/users/${w}`));
    assert.deepEqual([one(rows, 'user.delete').target_id, one(rows, 'user.delete').before.extension], [String(w), '400']);

    rows = await auditOf(h, () => h.json('POST', '/devices/actions/remove', { body: { macs: ['001565000003'] } }));
    const remove = one(rows, 'device.remove');
    assert.deepEqual([remove.target_id, remove.before.site_id, remove.after], ['001565000003', other, null]);
    assert.equal(remove.before.login_password, '***');

    recordUnknownDevice(h.db, { site_id: siteId, mac: '001565000009', ip: '10.0.0.9', at: '2026-01-01T00:00:00.000Z', evidence: {} });
    rows = await auditOf(h, () => h.json('POST', '/discovered/001565000009/adopt', { body: { name: 'Found' } }));
    assert.deepEqual(rows.map((r) => r.action), ['device.create', 'discovered.adopt']);
    assert.equal(one(rows, 'discovered.adopt').target_id, '001565000009');

    rows = await auditOf(h, () => h.json('POST', '/auth/tokens', { body: { name: 'ci' }, expect: 201 }));
    const tok = one(rows, 'api_token.create');
    assert.equal(tok.after.name, 'ci');
    rows = await auditOf(h, () => h.json('DELETE', `/auth/tokens/${tok.target_id}`));
    assert.equal(one(rows, 'api_token.delete').target_id, tok.target_id);

    // Reads write nothing.
    rows = await auditOf(h, async () => {
      await h.json('GET', '/devices');
      await h.json('GET', `/sites/${siteId}`);
      await h.json('GET', '/users');
      await h.json('GET', '/audit');
    });
    assert.deepEqual(rows, []);

    // GET /audit reads the same rows back, filterable.
    const listed = await h.json('GET', '/audit?action=sip_account.');
    assert.deepEqual(listed.items.map((r: { action: string }) => r.action), ['sip_account.delete', 'sip_account.update', 'sip_account.create']);
    assert.equal(listed.items[1].after.password, '***');
  } finally {
    h.close();
  }
});

test('secrets never appear in clear anywhere in audit_log', async () => {
  const h = await testHub();
  try {
    const SECRETS = {
      sip1: 'SIPSECRET-one-7f3a',
      sip2: 'SIPSECRET-two-91bc',
      sipRotated: 'SIPSECRET-rot-55de',
      signIn: 'SIGNIN-password-4411',
      signIn2: 'SIGNIN-password-changed-9922',
      phone: 'PHONELOGIN-c0ffee',
      phoneByUser: 'PHONELOGIN-byuser-beef',
    };
    const site = await makeSite(h);
    await h.json('POST', '/devices/import', { body: { text: '001565000001,T46S\n001565000002,T46S', site_id: site } });
    const user = await h.json('POST', '/users', {
      body: { extension: '100', display_name: 'Carol', username: 'carol', password: SECRETS.signIn, sip_accounts: [{ username: '100', password: SECRETS.sip1 }] },
    });
    const acc = await h.json('POST', `/users/${user.id}/sip-accounts`, { body: { username: '100-b', password: SECRETS.sip2 } });
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [user.id] } });
    await h.json('PATCH', `/users/${user.id}/sip-accounts/${acc.id}`, { body: { password: SECRETS.sipRotated } });
    await h.json('PATCH', `/users/${user.id}`, { body: { password: SECRETS.signIn2 } });
    await h.json('PATCH', '/devices/001565000001', { body: { login_password: SECRETS.phone } });
    const carol = await h.login('carol', SECRETS.signIn2);
    await h.json('PATCH', '/me/devices/001565000001', { token: carol, body: { login_password: SECRETS.phoneByUser } });
    const exported = await h.request('POST', '/devices/actions/export', { token: h.adminToken, body: { macs: ['001565000001'], include_secrets: true } });
    assert.match(await exported.text(), new RegExp(SECRETS.phoneByUser), 'the export itself does carry the secret');
    const token = await h.json('POST', '/auth/tokens', { body: { name: 'automation' }, expect: 201 });
    const siteToken = await h.json('POST', `/sites/${site}/tokens`);
    await h.json('DELETE', `/users/${user.id}/sip-accounts/${acc.id}`);
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [] } });
    await h.json('DELETE', `/users/${user.id}`);
    await h.json('DELETE', '/devices/001565000001');

    const device2 = h.db.prepare(`SELECT login_password, prov_password FROM devices WHERE mac = '001565000002'`).get() as { login_password: string; prov_password: string };
    const text = auditText(h);
    const secrets: Record<string, string> = {
      ...SECRETS,
      generatedLogin: device2.login_password,
      generatedProv: device2.prov_password,
      apiToken: String(token.token),
      siteToken: String(siteToken.token),
    };
    assert.ok(secrets.siteToken!.startsWith('eps_'), JSON.stringify(siteToken));
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 8, name);
      assert.equal(text.includes(secret), false, `the ${name} secret appears in audit_log`);
    }
    // Masked, not dropped: the rows say a secret was there.
    const rows = auditSince(h.db, 0);
    const accUpdate = rows.find((r) => r.action === 'sip_account.update')!;
    assert.deepEqual([accUpdate.before.password, accUpdate.after.password], ['***', '***']);
    const pwChange = rows.find((r) => r.action === 'user.update')!;
    assert.equal(pwChange.after.password_changed, true, 'a sign-in password change is recorded as a change, without the password');
    assert.equal(pwChange.after.password, undefined);
    const phone = rows.find((r) => r.action === 'device.update' && r.actor === 'admin')!;
    assert.deepEqual([phone.before.login_password, phone.after.login_password], ['***', '***']);
    assert.ok(text.includes('***'));
    // And the password hash never leaves the accounts table either.
    const hash = (h.db.prepare(`SELECT password_hash FROM accounts WHERE username = 'admin'`).get() as { password_hash: string }).password_hash;
    assert.equal(text.includes(hash.split('$').pop()!), false);
  } finally {
    h.close();
  }
});

test('end-user PATCH /me/devices/{mac} is audited under the user name, and synced', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await h.json('POST', '/devices/import', { body: { text: '001565000001,T46S,Desk', site_id: site } });
    const u = await makeUser(h, '210', 1, { username: 'dave', password: 'dave-signin-pw' });
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    const dave = await h.login('dave', 'dave-signin-pw');

    const seq = lastSeq(h.db);
    const rows = await auditOf(h, () => h.json('PATCH', '/me/devices/00:15:65:00:00:01', { token: dave, body: { name: 'My phone', login_password: 'dave-phone-pw' } }));
    const row = one(rows, 'device.update');
    assert.equal(row.actor, 'dave');
    assert.equal(row.actor_role, 'user');
    assert.deepEqual([row.target_type, row.target_id], ['device', '001565000001']);
    assert.deepEqual([row.before.name, row.after.name], ['Desk', 'My phone']);
    assert.deepEqual([row.before.login_password, row.after.login_password], ['***', '***']);
    assert.equal(rows.length, 1);
    const changes = changesSince(h.db, seq);
    assert.deepEqual(changes.map((c) => [c.entity, c.key, c.site_id, c.deleted]), [['device', '001565000001', site, 0]]);
    assert.equal(changes[0]!.data.login_password, 'dave-phone-pw');

    // GET /audit?actor= finds it.
    const listed = await h.json('GET', '/audit?actor=dave');
    assert.deepEqual(listed.items.map((r: { action: string }) => r.action), ['device.update', 'auth.login']);

    // Refused end-user writes leave nothing: another phone, an admin route, a field users may not set.
    await h.json('POST', '/devices/import', { body: { text: '001565000002', site_id: site } });
    const id = lastAuditId(h.db);
    const s = lastSeq(h.db);
    assert.equal((await h.request('PATCH', '/me/devices/001565000002', { token: dave, body: { name: 'Not mine' } })).status, 404);
    assert.equal((await h.request('PATCH', '/devices/001565000001', { token: dave, body: { name: 'Admin route' } })).status, 403);
    assert.equal((await h.request('PATCH', '/me/devices/001565000001', { token: dave, body: { site_id: site } })).status, 400);
    assert.equal((await h.request('PATCH', '/me/devices/001565000001', { body: { name: 'anonymous' } })).status, 401);
    assert.deepEqual(auditSince(h.db, id), []);
    assert.deepEqual(changesSince(h.db, s), []);
  } finally {
    h.close();
  }
});

test('failed writes leave no audit rows', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: site } });
    const users: number[] = [];
    for (let i = 0; i < 7; i++) users.push(await makeUser(h, `90${i}`));
    const id = lastAuditId(h.db);
    const bad: Array<[string, string, unknown, number]> = [
      ['PUT', '/devices/001565000001/users', { users }, 409],
      ['POST', '/devices/import', { text: '001565000002\nxx', site_id: site }, 400],
      ['POST', '/templates', { name: 'bad', engine: 'default', body: '{{oops' }, 400],
      ['POST', '/users', { extension: '900', display_name: 'Dup' }, 409],
      ['PATCH', '/devices/001565000001', { site_id: 4242 }, 404],
      ['DELETE', `/sites/${site}`, undefined, 409],
      ['POST', '/provision/bulk', { csv: '001565000001,nope' }, 400],
    ];
    for (const [method, path, body, status] of bad) {
      const res = await h.request(method, path, { token: h.adminToken, body });
      assert.equal(res.status, status, `${method} ${path}: ${await res.text()}`);
    }
    assert.deepEqual(auditSince(h.db, id), []);
  } finally {
    h.close();
  }
});
