/**
 * Device Management: listing (filters, search in any MAC notation, sort, pages), status
 * (provisioned, counter, pending), device and basic settings, user assignment rules, and the bulk
 * actions on a selection or on every row matching a filter across all pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { apiError, testHub, makeSite, makeUser, lastSeq, lastAuditId, changesSince, auditSince, type TestHub } from '../helpers/hub.js';
import { type DeviceView } from '../../hub/domain/devices.js';
import { reportProvisioned } from '../helpers/counters.js';

/** What GET /devices/{mac} answers: the domain's own view type. */
type DeviceBody = DeviceView;

interface PageBody {
  items: DeviceBody[];
  total: number;
  page: number;
  per_page: number;
}

async function importText(h: TestHub, text: string, siteId?: number): Promise<void> {
  const body = await h.json('POST', '/devices/import', { body: siteId === undefined ? { text } : { text, site_id: siteId } });
  assert.equal(body.applied, true);
}

/** Status and error code of a request expected to fail. */
async function getDevice(h: TestHub, mac: string, reveal = false): Promise<DeviceBody> {
  return h.json<DeviceBody>('GET', `/devices/${mac}${reveal ? '?reveal=true' : ''}`);
}

async function configText(h: TestHub, mac: string, reveal = true): Promise<string> {
  const res = await h.request('GET', `/devices/${mac}/config${reveal ? '?reveal=true' : ''}`, { token: h.adminToken });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function macsOf(page: PageBody): string[] {
  return page.items.map((d) => d.mac);
}

/* ------------------------------------------------------------------ listing */

test('list: filter all / assigned / unassigned with totals', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, ['001565000001,T46S,A', '001565000002,T46S,B', '001565000003,T46S,C', '001565000004,T46S,D'].join('\n'));
    const u1 = await makeUser(h, '801');
    const u2 = await makeUser(h, '802');
    await h.json('PUT', '/devices/001565000002/users', { body: { users: [u1] } });
    await h.json('PUT', '/devices/001565000004/users', { body: { users: [u2, u1] } });
    const all = await h.json<PageBody>('GET', '/devices');
    assert.equal(all.total, 4);
    assert.deepEqual(macsOf(all), ['001565000001', '001565000002', '001565000003', '001565000004']);
    const assigned = await h.json<PageBody>('GET', '/devices?filter=assigned');
    assert.equal(assigned.total, 2);
    assert.deepEqual(macsOf(assigned), ['001565000002', '001565000004']);
    assert.deepEqual(assigned.items[1]!.users.map((u) => u.extension), ['802', '801']);
    const unassigned = await h.json<PageBody>('GET', '/devices?filter=unassigned');
    assert.equal(unassigned.total, 2);
    assert.deepEqual(macsOf(unassigned), ['001565000001', '001565000003']);
    const bad = await apiError(h, 'GET', '/devices?filter=mine');
    assert.deepEqual([bad.status, bad.code], [400, 'VALIDATION_FAILED']);
  } finally {
    h.close();
  }
});

test('list: q matches a MAC in any notation (partial too), the name and the extension', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, ['001565aabbcc,T46S,Reception Desk', '001565aabbdd,T46S,Glassdoor', '0004f2123456,VVX 411,Boss_Office', '001565000777,T46S,Lab'].join('\n'));
    const u = await makeUser(h, '4711');
    await h.json('PUT', '/devices/001565000777/users', { body: { users: [u] } });
    const q = async (s: string) => macsOf(await h.json<PageBody>('GET', `/devices?q=${encodeURIComponent(s)}`));
    assert.deepEqual(await q('00:15:65:AA:BB:CC'), ['001565aabbcc']);
    assert.deepEqual(await q('00-15-65-aa-bb-cc'), ['001565aabbcc']);
    assert.deepEqual(await q('0015.65aa.bbcc'), ['001565aabbcc']);
    assert.deepEqual(await q('001565AABBCC'), ['001565aabbcc']);
    assert.deepEqual(await q('aa:bb'), ['001565aabbcc', '001565aabbdd'], 'partial, colon notation');
    assert.deepEqual(await q('65aa.bb'), ['001565aabbcc', '001565aabbdd'], 'partial, Cisco notation');
    assert.deepEqual(await q('BB-DD'), ['001565aabbdd'], 'partial, dash notation, upper case');
    assert.deepEqual(await q('reception'), ['001565aabbcc'], 'name, any case');
    assert.deepEqual(await q('ss_o'), ['0004f2123456'], '_ is literal, not a LIKE wildcard');
    assert.deepEqual(await q('4711'), ['001565000777'], 'extension');
    assert.deepEqual(await q('nothing-like-this'), []);
    const page = await h.json<PageBody>('GET', '/devices?q=aa:bb&filter=unassigned');
    assert.equal(page.total, 2);
  } finally {
    h.close();
  }
});

test('list: sort and pagination report totals and cover every row once', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const names = ['Mike', 'Alpha', 'Zulu', 'Bravo', 'Echo', 'Charlie', 'Delta', 'Xray', 'Golf', 'Hotel', 'India', 'Juliet', 'Kilo', 'Lima', 'November', 'Oscar', 'Papa', 'Quebec', 'Romeo', 'Sierra', 'Tango', 'Uniform', 'Victor'];
    await importText(h, names.map((n, i) => `${(0x001565000100 + i).toString(16).padStart(12, '0')},T46S,${n}`).join('\n'));
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const p = await h.json<PageBody>('GET', `/devices?per_page=10&page=${page}&sort=-mac`);
      assert.equal(p.total, 23);
      assert.equal(p.page, page);
      assert.equal(p.per_page, 10);
      assert.equal(p.items.length, page < 3 ? 10 : 3);
      seen.push(...macsOf(p));
    }
    const expected = names.map((_, i) => (0x001565000100 + i).toString(16).padStart(12, '0')).sort().reverse();
    assert.deepEqual(seen, expected);
    const beyond = await h.json<PageBody>('GET', '/devices?per_page=10&page=4');
    assert.deepEqual([beyond.total, beyond.items.length], [23, 0]);
    const byName = await h.json<PageBody>('GET', '/devices?sort=name&per_page=500');
    const sortedNames = byName.items.map((d) => d.name);
    assert.deepEqual(sortedNames, [...names].sort());
    const byNameDesc = await h.json<PageBody>('GET', '/devices?sort=-name&per_page=5');
    assert.deepEqual(byNameDesc.items.map((d) => d.name), [...names].sort().reverse().slice(0, 5));
    for (const bad of ['sort=colour', 'per_page=0', 'per_page=501', 'page=0']) {
      const f = await apiError(h, 'GET', `/devices?${bad}`);
      assert.deepEqual([f.status, f.code], [400, 'VALIDATION_FAILED'], bad);
    }
  } finally {
    h.close();
  }
});

test('list and get: login_password is masked unless ?reveal=true', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S,A');
    await h.json('PATCH', '/devices/001565000001', { body: { login_password: 'phone-admin-secret' } });
    const list = await h.json<PageBody>('GET', '/devices');
    assert.equal(list.items[0]!.login_password, '***');
    assert.equal((await getDevice(h, '001565000001')).login_password, '***');
    const revealed = await h.json<PageBody>('GET', '/devices?reveal=true');
    assert.equal(revealed.items[0]!.login_password, 'phone-admin-secret');
    assert.equal((await getDevice(h, '00:15:65:00:00:01', true)).login_password, 'phone-admin-secret');
    assert.ok(!JSON.stringify(await h.json('GET', '/devices?reveal=false')).includes('phone-admin-secret'));
  } finally {
    h.close();
  }
});

test('status: provisioned, counter, and pending follow the config last served', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await importText(h, '001565000001,T46S,Front');
    const mac = '001565000001';
    let d = await getDevice(h, mac);
    assert.deepEqual(d.status, {
      provisioned: false, last_provisioned_at: null, last_provisioned_ip: null, last_user_agent: null,
      first_seen: null, last_seen: null, firmware: null,
      counter: { count: 0, limit: 1, limit_source: 'site' },
      pending: true,
    });

    // The phone fetched exactly the config the hub would serve now.
    const served = await configText(h, mac);
    reportProvisioned(h.db, {
      mac, at: '2026-01-01T10:00:00.000Z', ip: '10.0.0.23', user_agent: 'Yealink SIP-T46S 66.86.0.15 00:15:65:00:00:01',
      firmware: '66.86.0.15', config_hash: sha256(served), count: 1,
    });
    d = await getDevice(h, mac);
    assert.equal(d.status.provisioned, true);
    assert.equal(d.status.pending, false);
    assert.equal(d.status.last_provisioned_at, '2026-01-01T10:00:00.000Z');
    assert.equal(d.status.last_provisioned_ip, '10.0.0.23');
    assert.match(d.status.last_user_agent ?? '', /SIP-T46S/);
    assert.equal(d.status.firmware, '66.86.0.15');
    assert.deepEqual(d.status.counter, { count: 1, limit: 1, limit_source: 'site' });
    const listed = await h.json<PageBody>('GET', '/devices');
    assert.equal(listed.items[0]!.status.pending, false, 'the list computes the same status');

    // A hash of the masked preview is not what the phone got: secrets are in the real config.
    assert.notEqual(sha256(await configText(h, mac, false)), sha256(served));

    // A change the config does not show (the sample has no device name) keeps it not pending.
    await h.json('PATCH', `/devices/${mac}`, { body: { name: 'Front desk' } });
    assert.equal((await getDevice(h, mac)).status.pending, false);

    // An assignment changes the config: pending again until the phone fetches it.
    const u = await makeUser(h, '901');
    const assigned = await h.json<DeviceBody>('PUT', `/devices/${mac}/users`, { body: { users: [u] } });
    assert.equal(assigned.status.pending, true);
    const next = await configText(h, mac);
    assert.notEqual(sha256(next), sha256(served));
    reportProvisioned(h.db, { mac, at: '2026-01-01T11:00:00.000Z', ip: '10.0.0.24', user_agent: null, firmware: null, config_hash: sha256(next), count: 1 });
    d = await getDevice(h, mac);
    assert.equal(d.status.pending, false);
    assert.equal(d.status.last_provisioned_ip, '10.0.0.24');
    assert.equal(d.status.firmware, '66.86.0.15', 'firmware kept when the report has none');

    // A change of a SIP password changes the config too.
    const user = await h.json('GET', `/users/${u}`);
    await h.json('PATCH', `/users/${u}/sip-accounts/${user.sip_accounts[0].id}`, { body: { password: 'rotated-secret' } });
    assert.equal((await getDevice(h, mac)).status.pending, true);

    // Counter limit: the site's, then the device's own, then the site's again.
    await h.json('PATCH', `/sites/${site}`, { body: { provision_limit: 3 } });
    assert.deepEqual((await getDevice(h, mac)).status.counter, { count: 1, limit: 3, limit_source: 'site' });
    await h.json('PATCH', `/devices/${mac}`, { body: { provision_limit: 0 } });
    d = await getDevice(h, mac);
    assert.deepEqual([d.provision_limit, d.status.counter], [0, { count: 1, limit: 0, limit_source: 'device' }]);
    await h.json('PATCH', `/devices/${mac}`, { body: { provision_limit: null } });
    assert.deepEqual((await getDevice(h, mac)).status.counter, { count: 1, limit: 3, limit_source: 'site' });
  } finally {
    h.close();
  }
});

/* ------------------------------------------------------------------ settings */

test('PATCH: name, login password, engine, model, provision limit; change log and audit with secrets masked', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S,Old name');
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const d = await h.json<DeviceBody>('PATCH', '/devices/00-15-65-00-00-01', {
      body: { name: '  Reception  ', login_password: 'new-admin-pw', engine: 'freemarker', model: 'yealink sip-t48s', provision_limit: 4 },
    });
    assert.equal(d.mac, '001565000001');
    assert.equal(d.name, 'Reception');
    assert.equal(d.login_password, '***');
    assert.equal(d.engine, 'freemarker');
    assert.deepEqual([d.vendor, d.model], ['yealink', 'T48S']);
    assert.equal(d.provision_limit, 4);
    assert.equal((await getDevice(h, '001565000001', true)).login_password, 'new-admin-pw');
    const changes = changesSince(h.db, seq);
    assert.deepEqual(changes.map((c) => [c.entity, c.key, c.deleted]), [['device', '001565000001', 0]]);
    assert.equal(changes[0]!.data.login_password, 'new-admin-pw', 'the edge needs the real value');
    assert.equal(changes[0]!.data.engine, 'freemarker');
    const audits = auditSince(h.db, audit);
    assert.equal(audits.length, 1);
    assert.equal(audits[0]!.action, 'device.update');
    assert.equal(audits[0]!.before.name, 'Old name');
    assert.equal(audits[0]!.after.name, 'Reception');
    assert.equal(audits[0]!.after.login_password, '***');
    assert.ok(!JSON.stringify(audits).includes('new-admin-pw'));

    // Unknown model kept as typed; null clears it.
    assert.equal((await h.json<DeviceBody>('PATCH', '/devices/001565000001', { body: { model: 'T99Z' } })).model, 'T99Z');
    assert.equal((await h.json<DeviceBody>('PATCH', '/devices/001565000001', { body: { model: null } })).model, null);

    for (const body of [{ engine: 'jinja' }, { provision_limit: -1 }, { login_password: '' }, { mac: '001565000009' }, { name: 'x'.repeat(101) }]) {
      const f = await apiError(h, 'PATCH', '/devices/001565000001', body);
      assert.deepEqual([f.status, f.code], [400, 'VALIDATION_FAILED'], JSON.stringify(body));
    }
  } finally {
    h.close();
  }
});

test('PATCH vendor: the admin names the family (cisco-sep), the model is re-read against it, the edge is told; a bad id is refused', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await importText(h, '00562b000001,CP-8851-3PCC,Front desk');
    assert.deepEqual(await getDevice(h, '00562b000001').then((d) => [d.vendor, d.model]), ['cisco', '8851']);
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const d = await h.json<DeviceBody>('PATCH', '/devices/00562b000001', { body: { vendor: 'cisco-sep', model: 'CP-7965G' } });
    assert.deepEqual([d.vendor, d.model], ['cisco-sep', 'CP-7965G']);
    const changes = changesSince(h.db, seq);
    assert.deepEqual(changes.map((c) => [c.entity, c.key, c.site_id, c.data.vendor]), [['device', '00562b000001', site, 'cisco-sep']], 'the edge gets the vendor');
    const audits = auditSince(h.db, audit);
    assert.deepEqual([audits[0]!.action, audits[0]!.before.vendor, audits[0]!.after.vendor], ['device.update', 'cisco', 'cisco-sep']);
    assert.match(await configText(h, '00562b000001'), /<device>/, 'the config preview is the enterprise family\'s');

    // Changing only the model keeps the vendor the admin set; changing only the vendor re-reads the model.
    assert.deepEqual(await h.json<DeviceBody>('PATCH', '/devices/00562b000001', { body: { model: 'CP-7975G' } }).then((x) => [x.vendor, x.model]), ['cisco-sep', 'CP-7975G']);
    await h.json('PATCH', '/devices/00562b000001', { body: { model: 'cp-8851-3pcc' } });
    assert.deepEqual(await h.json<DeviceBody>('PATCH', '/devices/00562b000001', { body: { vendor: 'cisco' } }).then((x) => [x.vendor, x.model]), ['cisco', '8851']);
    assert.match(await configText(h, '00562b000001'), /<flat-profile>/);

    const before = lastSeq(h.db);
    for (const vendor of ['acme', 'Cisco-SEP', null, 7]) {
      const f = await apiError(h, 'PATCH', '/devices/00562b000001', { vendor });
      assert.deepEqual([f.status, f.code], [400, 'VALIDATION_FAILED'], JSON.stringify(vendor));
    }
    const acme = await apiError(h, 'PATCH', '/devices/00562b000001', { vendor: 'acme' });
    assert.match(`${acme.message} ${JSON.stringify(acme.details)}`, /"acme" is not a vendor profile id \(yealink, .*cisco-sep/);
    assert.equal(lastSeq(h.db), before, 'refused patches change nothing');
  } finally {
    h.close();
  }
});

test('PATCH: moving a device to another site is a tombstone at the old site and an upsert at the new one', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    await importText(h, '001565000001,T46S,Mover', a);
    const seq = lastSeq(h.db);
    const d = await h.json<DeviceBody>('PATCH', '/devices/001565000001', { body: { site_id: b } });
    assert.equal(d.site_id, b);
    assert.deepEqual(changesSince(h.db, seq).map((c) => [c.site_id, c.entity, c.key, c.deleted]), [
      [a, 'device', '001565000001', 1],
      [b, 'device', '001565000001', 0],
    ]);
    const seq2 = lastSeq(h.db);
    const f = await apiError(h, 'PATCH', '/devices/001565000001', { site_id: 9999 });
    assert.deepEqual([f.status, f.code], [404, 'NOT_FOUND']);
    assert.equal((await getDevice(h, '001565000001')).site_id, b);
    assert.deepEqual(changesSince(h.db, seq2), []);
    // The filter by site sees it at B only.
    assert.equal((await h.json<PageBody>('GET', `/devices?site_id=${a}`)).total, 0);
    assert.equal((await h.json<PageBody>('GET', `/devices?site_id=${b}`)).total, 1);
  } finally {
    h.close();
  }
});

test('DELETE: removes permanently with a tombstone and an audit row; unknown → 404, garbage → 400 INVALID_MAC', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await importText(h, '001565000001,T46S,Gone\n001565000002,T46S,Stays');
    const u = await makeUser(h, '555');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    assert.deepEqual(await h.json('DELETE', '/devices/00:15:65:00:00:01'), { ok: true });
    assert.deepEqual(changesSince(h.db, seq).map((c) => [c.site_id, c.entity, c.key, c.deleted]), [[site, 'device', '001565000001', 1]]);
    const audits = auditSince(h.db, audit);
    assert.deepEqual(audits.map((a) => [a.action, a.target_id]), [['device.remove', '001565000001']]);
    assert.deepEqual(audits[0]!.before.users, ['555']);
    assert.equal(audits[0]!.before.login_password, '***');
    assert.equal((await apiError(h, 'GET', '/devices/001565000001')).code, 'NOT_FOUND');
    assert.deepEqual((await h.json('GET', `/users/${u}`)).devices, [], 'the assignment went with it');
    const again = await apiError(h, 'DELETE', '/devices/001565000001');
    assert.deepEqual([again.status, again.code], [404, 'NOT_FOUND']);
    assert.equal((await h.json<PageBody>('GET', '/devices')).total, 1);
  } finally {
    h.close();
  }
});

test('unknown MACs answer 404 NOT_FOUND and garbage answers 400 INVALID_MAC on every device route', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', ''],
      ['PATCH', '', { name: 'x' }],
      ['DELETE', ''],
      ['PUT', '/users', { users: [] }],
      ['GET', '/config'],
      ['GET', '/template/sample'],
      ['PUT', '/template', { engine: 'default', body: 'x' }],
      ['DELETE', '/template'],
    ];
    for (const [method, suffix, body] of routes) {
      const missing = await apiError(h, method, `/devices/001565abcdef${suffix}`, body);
      assert.deepEqual([missing.status, missing.code], [404, 'NOT_FOUND'], `${method} ${suffix}`);
      for (const garbage of ['not-a-mac', '00:15:65:aa:bb', '001565abcdefff', 'zz1565abcdef']) {
        const bad = await apiError(h, method, `/devices/${garbage}${suffix}`, body);
        assert.deepEqual([bad.status, bad.code], [400, 'INVALID_MAC'], `${method} ${garbage}${suffix}`);
      }
    }
  } finally {
    h.close();
  }
});

/* ------------------------------------------------------------------ users */

test('PUT users: ordered assignment, re-ordering, clearing; change log carries lines in order', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    await importText(h, '001565000001,T46S,Desk');
    const u1 = await makeUser(h, '101');
    const u2 = await makeUser(h, '102', 2);
    const u3 = await makeUser(h, '103');
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const d = await h.json<DeviceBody>('PUT', '/devices/0015.6500.0001/users', { body: { users: [u3, u1, u2] } });
    assert.deepEqual(d.users.map((u) => u.extension), ['103', '101', '102']);
    const changes = changesSince(h.db, seq);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.site_id, site);
    assert.deepEqual(
      changes[0]!.data.extensions.map((e: { extension: string; accounts: unknown[] }) => [e.extension, e.accounts.length]),
      [['103', 1], ['101', 1], ['102', 2]],
    );
    const audits = auditSince(h.db, audit);
    assert.deepEqual(audits.map((a) => [a.action, a.before, a.after]), [['device.assign', { users: [] }, { users: [u3, u1, u2] }]]);
    const config = await configText(h, '001565000001');
    assert.match(config, /account\.1\.user_name = 103\n/);
    assert.match(config, /account\.2\.user_name = 101\n/);

    const reordered = await h.json<DeviceBody>('PUT', '/devices/001565000001/users', { body: { users: [u2, u3] } });
    assert.deepEqual(reordered.users.map((u) => u.id), [u2, u3]);
    assert.match(await configText(h, '001565000001'), /account\.1\.user_name = 102\n[^]*account\.2\.user_name = 102-1\n/);
    const cleared = await h.json<DeviceBody>('PUT', '/devices/001565000001/users', { body: { users: [] } });
    assert.deepEqual(cleared.users, []);
    assert.equal((await h.json<PageBody>('GET', '/devices?filter=unassigned')).total, 1);
  } finally {
    h.close();
  }
});

test('PUT users: the 7th user is refused with 409 TOO_MANY_USERS and nothing changes', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S,Full\n001565000002,T46S,Empty');
    const ids: number[] = [];
    for (let i = 1; i <= 7; i++) ids.push(await makeUser(h, `60${i}`));
    const six = await h.json<DeviceBody>('PUT', '/devices/001565000001/users', { body: { users: ids.slice(0, 6) } });
    assert.equal(six.users.length, 6);
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const seventh = await apiError(h, 'PUT', '/devices/001565000001/users', { users: ids });
    assert.deepEqual([seventh.status, seventh.code], [409, 'TOO_MANY_USERS']);
    assert.deepEqual([seventh.details.max, seventh.details.given], [6, 7]);
    assert.match(seventh.message, /6/);
    assert.deepEqual((await getDevice(h, '001565000001')).users.map((u) => u.id), ids.slice(0, 6));
    const onEmpty = await apiError(h, 'PUT', '/devices/001565000002/users', { users: ids });
    assert.equal(onEmpty.code, 'TOO_MANY_USERS');
    assert.deepEqual((await getDevice(h, '001565000002')).users, []);
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.deepEqual(auditSince(h.db, audit), []);
  } finally {
    h.close();
  }
});

test('PUT users: more lines than the model holds → 409 TOO_MANY_LINES naming the limit; licence, unknown and duplicate users', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000031,T31P,Small\n001565000046,T46S,Big\naabbcc000001,,Unknown vendor');
    const a = await makeUser(h, '301');
    const b = await makeUser(h, '302');
    const c = await makeUser(h, '303');
    const triple = await makeUser(h, '310', 3);
    const unlicensed = await makeUser(h, '399', 1, { ip_phone_license: false });
    const seq = lastSeq(h.db);

    const lines = await apiError(h, 'PUT', '/devices/001565000031/users', { users: [a, b, c] });
    assert.deepEqual([lines.status, lines.code], [409, 'TOO_MANY_LINES']);
    assert.deepEqual([lines.details.model, lines.details.max_lines, lines.details.lines], ['Yealink T31P', 2, 3]);
    assert.match(lines.message, /T31P/);
    assert.match(lines.message, /\b2\b/);
    const one = await apiError(h, 'PUT', '/devices/001565000031/users', { users: [triple] });
    assert.deepEqual([one.code, one.details.lines], ['TOO_MANY_LINES', 3]);

    const lic = await apiError(h, 'PUT', '/devices/001565000046/users', { users: [a, unlicensed] });
    assert.deepEqual([lic.status, lic.code, lic.details.extension], [409, 'USER_NOT_LICENSED', '399']);
    const unknown = await apiError(h, 'PUT', '/devices/001565000046/users', { users: [a, 987654] });
    assert.deepEqual([unknown.status, unknown.code], [404, 'NOT_FOUND']);
    const dup = await apiError(h, 'PUT', '/devices/001565000046/users', { users: [a, b, a] });
    assert.deepEqual([dup.status, dup.code], [400, 'VALIDATION_FAILED']);
    const shape = await apiError(h, 'PUT', '/devices/001565000046/users', { users: ['301'] });
    assert.deepEqual([shape.status, shape.code], [400, 'VALIDATION_FAILED']);
    assert.deepEqual(changesSince(h.db, seq), [], 'nothing was written by the refusals');

    // Within the limits it is accepted: 2 lines on the T31P, 3+1+1 on the T46S, anything on an unknown model.
    assert.equal((await h.json<DeviceBody>('PUT', '/devices/001565000031/users', { body: { users: [a, b] } })).users.length, 2);
    assert.equal((await h.json<DeviceBody>('PUT', '/devices/001565000046/users', { body: { users: [triple, c, a] } })).users.length, 3);
    assert.equal((await h.json<DeviceBody>('PUT', '/devices/aabbcc000001/users', { body: { users: [triple, c, b] } })).users.length, 3);

    // Changing the model to one that cannot carry the lines is refused too.
    const model = await apiError(h, 'PATCH', '/devices/001565000046', { model: 'T31P' });
    assert.deepEqual([model.status, model.code, model.details.max_lines], [409, 'TOO_MANY_LINES', 2]);
    assert.equal((await getDevice(h, '001565000046')).model, 'T46S');
  } finally {
    h.close();
  }
});

test('SIP accounts: adding one that would overflow a phone carrying the user is refused, and nothing is added', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000031,T31P,Small\n001565000046,T46S,Big');
    const a = await makeUser(h, '401');
    const b = await makeUser(h, '402');
    await h.json('PUT', '/devices/001565000031/users', { body: { users: [a, b] } });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const f = await apiError(h, 'POST', `/users/${a}/sip-accounts`, { username: '401-2', password: 'second-line-pw' });
    assert.deepEqual([f.status, f.code, f.details.max_lines, f.details.lines], [409, 'TOO_MANY_LINES', 2, 3]);
    assert.equal((await h.json('GET', `/users/${a}/sip-accounts`)).items.length, 1);
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.deepEqual(auditSince(h.db, audit), []);

    // Once the user sits on a phone with room, the account is accepted and the phone re-emitted.
    await h.json('PUT', '/devices/001565000031/users', { body: { users: [b] } });
    await h.json('PUT', '/devices/001565000046/users', { body: { users: [a] } });
    const seq2 = lastSeq(h.db);
    await h.json('POST', `/users/${a}/sip-accounts`, { body: { username: '401-2', password: 'second-line-pw' } });
    const changes = changesSince(h.db, seq2);
    assert.deepEqual(changes.map((c) => [c.entity, c.key]), [['device', '001565000046']]);
    assert.equal(changes[0]!.data.extensions[0].accounts.length, 2);
  } finally {
    h.close();
  }
});

/* ------------------------------------------------------------------ bulk actions */

function counterOf(h: TestHub, mac: string): { count: number; baseline: number } {
  const r = h.db.prepare(`SELECT provision_count AS count, reset_baseline AS baseline FROM devices WHERE mac = ?`).get(mac) as { count: number; baseline: number };
  return r;
}

test('reset-counter with a filter touches exactly the matching devices, across all pages', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    // 120 devices; 57 are named "Sales …" and match q=sales; all have fetched their config.
    const macs = Array.from({ length: 120 }, (_, i) => `0015650a${i.toString(16).padStart(4, '0')}`);
    const isSales = (i: number) => i % 2 === 0 && i < 114;
    await importText(h, macs.map((m, i) => `${m},T46S,${isSales(i) ? `Sales ${i}` : `Ops ${i}`}`).join('\n'));
    const sales = macs.filter((_, i) => isSales(i));
    assert.equal(sales.length, 57);
    macs.forEach((mac, i) => reportProvisioned(h.db, { mac, at: '2026-01-01T09:00:00.000Z', ip: '10.0.0.9', user_agent: null, firmware: null, config_hash: 'x', count: 1 + (i % 3) }));

    const page1 = await h.json<PageBody>('GET', '/devices?q=sales&per_page=50');
    assert.deepEqual([page1.total, page1.items.length], [57, 50], 'the selection is wider than one page');

    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const res = await h.json<{ count: number }>('POST', '/devices/actions/reset-counter', { body: { filter: { filter: 'all', q: 'SALES' } } });
    assert.equal(res.count, 57);
    for (const [i, mac] of macs.entries()) {
      const c = counterOf(h, mac);
      assert.equal(c.count, 1 + (i % 3), mac);
      assert.equal(c.baseline, isSales(i) ? c.count : 0, mac);
    }
    const resets = changesSince(h.db, seq);
    assert.ok(resets.every((c) => c.entity === 'counter_reset'));
    assert.deepEqual(resets.map((c) => c.key).sort(), [...sales].sort());
    assert.deepEqual(resets.map((c) => c.data.baseline), resets.map((c) => counterOf(h, c.key).count));
    const audits = auditSince(h.db, audit);
    assert.equal(audits.filter((a) => a.action === 'device.reset_counter').length, 57);

    // What the list shows: matching devices at 0, the others untouched.
    const all = await h.json<PageBody>('GET', '/devices?per_page=500');
    for (const d of all.items) assert.equal(d.status.counter.count, d.name.startsWith('Sales') ? 0 : counterOf(h, d.mac).count, d.mac);

    // Observed reset: a replay of the count the hub already saw changes nothing; a new session counts.
    const s0 = sales[0]!;
    reportProvisioned(h.db, { mac: s0, at: '2026-01-01T09:00:00.000Z', ip: '10.0.0.9', user_agent: null, firmware: null, config_hash: 'x', count: counterOf(h, s0).count });
    assert.equal((await getDevice(h, s0)).status.counter.count, 0);
    reportProvisioned(h.db, { mac: s0, at: '2026-01-01T09:30:00.000Z', ip: '10.0.0.9', user_agent: null, firmware: null, config_hash: 'x', count: counterOf(h, s0).count + 1 });
    assert.equal((await getDevice(h, s0)).status.counter.count, 1);

    // A filter combined with assigned/unassigned.
    const u = await makeUser(h, '7001');
    await h.json('PUT', `/devices/${macs[1]}/users`, { body: { users: [u] } });
    await h.json('PUT', `/devices/${macs[0]}/users`, { body: { users: [u] } });
    const seq2 = lastSeq(h.db);
    const assigned = await h.json<{ count: number }>('POST', '/devices/actions/reset-counter', { body: { filter: { filter: 'assigned', q: 'ops' } } });
    assert.equal(assigned.count, 1);
    assert.deepEqual(changesSince(h.db, seq2).map((c) => [c.entity, c.key]), [['counter_reset', macs[1]]]);
  } finally {
    h.close();
  }
});

test('reset-counter and remove by MAC list: any notation; unknown MACs → 404 and garbage → 400, nothing touched', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001\n001565000002\n001565000003');
    for (const mac of ['001565000001', '001565000002', '001565000003']) {
      reportProvisioned(h.db, { mac, at: '2026-01-01T09:00:00.000Z', ip: '10.0.0.9', user_agent: null, firmware: null, config_hash: 'x', count: 2 });
    }
    const seq = lastSeq(h.db);
    const missing = await apiError(h, 'POST', '/devices/actions/reset-counter', { macs: ['00:15:65:00:00:01', '001565ffffff'] });
    assert.deepEqual([missing.status, missing.code, missing.details.missing], [404, 'NOT_FOUND', ['001565ffffff']]);
    const garbage = await apiError(h, 'POST', '/devices/actions/remove', { macs: ['001565000001', 'bogus'] });
    assert.deepEqual([garbage.status, garbage.code, garbage.details.invalid], [400, 'INVALID_MAC', ['bogus']]);
    for (const body of [{}, { macs: [] }, { macs: ['001565000001'], filter: {} }, { filter: { filter: 'some' } }]) {
      const f = await apiError(h, 'POST', '/devices/actions/reset-counter', body);
      assert.deepEqual([f.status, f.code], [400, 'VALIDATION_FAILED'], JSON.stringify(body));
    }
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.equal(counterOf(h, '001565000001').baseline, 0);

    const reset = await h.json<{ count: number }>('POST', '/devices/actions/reset-counter', { body: { macs: ['00-15-65-00-00-01', '0015.6500.0002', '001565000001'] } });
    assert.equal(reset.count, 2, 'a MAC listed twice in two notations is one device');
    assert.deepEqual([counterOf(h, '001565000001').baseline, counterOf(h, '001565000002').baseline, counterOf(h, '001565000003').baseline], [2, 2, 0]);

    const removed = await h.json<{ count: number }>('POST', '/devices/actions/remove', { body: { macs: ['00:15:65:00:00:03'] } });
    assert.equal(removed.count, 1);
    assert.deepEqual(macsOf(await h.json<PageBody>('GET', '/devices')), ['001565000001', '001565000002']);
  } finally {
    h.close();
  }
});

test('remove with a filter removes every matching device across pages and nothing else', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h);
    const macs = Array.from({ length: 60 }, (_, i) => `0015650b${i.toString(16).padStart(4, '0')}`);
    await importText(h, macs.join('\n'));
    const u = await makeUser(h, '8100');
    const keep = [macs[3]!, macs[44]!];
    for (const mac of keep) await h.json('PUT', `/devices/${mac}/users`, { body: { users: [u] } });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const res = await h.json<{ count: number }>('POST', '/devices/actions/remove', { body: { filter: { filter: 'unassigned' } } });
    assert.equal(res.count, 58);
    assert.deepEqual(macsOf(await h.json<PageBody>('GET', '/devices')), keep);
    const tombstones = changesSince(h.db, seq);
    assert.equal(tombstones.length, 58);
    assert.ok(tombstones.every((c) => c.entity === 'device' && c.deleted === 1 && c.site_id === site && !keep.includes(c.key)));
    assert.equal(auditSince(h.db, audit).filter((a) => a.action === 'device.remove').length, 58);
    // A filter that matches nothing removes nothing.
    assert.equal((await h.json<{ count: number }>('POST', '/devices/actions/remove', { body: { filter: { q: 'no-such-device' } } })).count, 0);
    assert.equal((await h.json<PageBody>('GET', '/devices')).total, 2);
  } finally {
    h.close();
  }
});

test('export: CSV with a header, secrets masked unless include_secrets, selection by MACs or filter', async () => {
  const h = await testHub();
  try {
    await makeSite(h, { name: 'Main' });
    await importText(h, '001565000001,T46S,"Desk, one"\n001565000002,T31P,Two\n0004f2000003,VVX_411,Three');
    await h.json('PATCH', '/devices/001565000001', { body: { login_password: 'pw-one' } });
    const u1 = await makeUser(h, '201');
    const u2 = await makeUser(h, '202');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u2, u1] } });
    reportProvisioned(h.db, { mac: '001565000001', at: '2026-01-02T03:04:05.000Z', ip: '10.1.1.1', user_agent: null, firmware: null, config_hash: 'x', count: 1 });

    const audit = lastAuditId(h.db);
    const res = await h.request('POST', '/devices/actions/export', { body: { filter: { filter: 'all' } }, token: h.adminToken });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    const rows = parse(await res.text()) as string[][];
    assert.deepEqual(rows[0], ['mac', 'model', 'name', 'site', 'vendor', 'extensions', 'provisioned', 'last_provisioned_at', 'login_password']);
    assert.deepEqual(rows.slice(1), [
      ['001565000001', 'T46S', 'Desk, one', 'Main', 'yealink', '202 201', 'yes', '2026-01-02T03:04:05.000Z', '***'],
      ['001565000002', 'T31P', 'Two', 'Main', 'yealink', '', 'no', '', '***'],
      ['0004f2000003', 'VVX 411', 'Three', 'Main', 'poly', '', 'no', '', '***'],
    ].sort((a, b) => a[0]!.localeCompare(b[0]!)));
    assert.deepEqual(auditSince(h.db, audit), [], 'a masked export is not a write');

    const secret = await h.request('POST', '/devices/actions/export', { body: { macs: ['00:15:65:00:00:01', '0015.6500.0002'], include_secrets: true }, token: h.adminToken });
    const srows = parse(await secret.text()) as string[][];
    assert.equal(srows.length, 3);
    const revealed2 = (await getDevice(h, '001565000002', true)).login_password;
    assert.deepEqual(srows.slice(1).map((r) => [r[0], r[8]]), [['001565000001', 'pw-one'], ['001565000002', revealed2]]);
    assert.notEqual(revealed2, '***');
    const audits = auditSince(h.db, audit);
    assert.deepEqual(audits.map((a) => a.action), ['device.export_secrets'], 'exporting secrets is audited');

    const filtered = parse(await (await h.request('POST', '/devices/actions/export', { body: { filter: { q: 'vvx' } }, token: h.adminToken })).text()) as string[][];
    assert.deepEqual(filtered.map((r) => r[0]), ['mac', '0004f2000003']);
  } finally {
    h.close();
  }
});

test('export CSV re-imports cleanly: export, remove all, re-import → same devices, vendors, models, names, sites', async () => {
  const h = await testHub();
  try {
    const main = await makeSite(h, { name: 'Main Office' });
    const lab = await makeSite(h, { name: 'Lab; 2nd floor' });
    const num = await makeSite(h, { name: String(main) });
    await importText(h, [
      `mac,model,name,site,vendor`,
      `001565000001,SIP-T46S,"Reception, ""front""",Main Office`,
      `00:15:65:00:00:02,T31P,#2 back room,Lab; 2nd floor`,
      `0004f2000003,Polycom VVX 411,Boss,${main}`,
      `001565000004,T99Z,Unknown model,Main Office`,
      `aabbcc000005,,No vendor,Lab; 2nd floor`,
      `001565000006,,,Main Office`,
      `001565000007,T46S,  padded  ,${num}`,
      `00562b000008,CP-7965G,Enterprise,Main Office,cisco-sep`,
    ].join('\n'));
    const snapshotDevices = async () =>
      (await h.json<PageBody>('GET', '/devices?per_page=500')).items.map((d) => ({ mac: d.mac, vendor: d.vendor, model: d.model, name: d.name, site_id: d.site_id }));
    const before = await snapshotDevices();
    assert.equal(before.length, 8);
    assert.equal(before.find((d) => d.mac === '00562b000008')?.vendor, 'cisco-sep');
    assert.equal(before.find((d) => d.mac === '0004f2000003')?.site_id, num, 'the numeric site name was matched by name');

    const res = await h.request('POST', '/devices/actions/export', { body: { filter: {} }, token: h.adminToken });
    const csv = await res.text();
    assert.equal(res.status, 200, csv);
    const removed = await h.json<{ count: number }>('POST', '/devices/actions/remove', { body: { filter: {} } });
    assert.equal(removed.count, 8);
    assert.equal((await h.json<PageBody>('GET', '/devices')).total, 0);

    const again = await h.json('POST', '/devices/import', { body: { csv } });
    assert.equal(again.applied, true);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(await snapshotDevices(), before);
    void lab;
  } finally {
    h.close();
  }
});
