/**
 * The change log the edges sync from (DESIGN §7, sync.md §2.2): every kind of write through the
 * API appends exactly the rows the edges need, in the same transaction as the write. A device row
 * is the edge projection (lines carried inside it, with the real SIP secrets); templates and
 * settings are global rows; a move is a tombstone at the old site plus an upsert at the new one;
 * a write that fails leaves neither change rows nor audit rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  testHub, makeSite, makeUser, changesSince, lastSeq, auditSince, lastAuditId, type TestHub,
} from '../helpers/hub.js';
import { recordUnknownDevice } from '../../hub/domain/discovered.js';
import { reportProvisioned } from '../helpers/counters.js';

type ChangeRow = ReturnType<typeof changesSince>[number];

const TPL = 'account.1.user_name = {{lines.1.username}}\naccount.1.password = {{lines.1.password}}\n';

/** The highest txid written so far (0 when the log is empty). */
function lastTxid(h: TestHub): number {
  return (h.db.prepare(`SELECT coalesce(max(txid), 0) AS t FROM change_log`).get() as { t: number }).t;
}

/**
 * Runs one API call and returns the change rows it wrote, after checking what every call must
 * satisfy: its rows share one txid, that txid is above every earlier one, and seq strictly increases.
 */
async function changesOf(h: TestHub, call: () => Promise<unknown>): Promise<ChangeRow[]> {
  const seq = lastSeq(h.db);
  const txid = lastTxid(h);
  await call();
  const rows = changesSince(h.db, seq);
  if (rows.length > 0) {
    const first = rows[0]!;
    assert.ok(first.txid > txid, `txid ${first.txid} must be above the previous call's ${txid}`);
    for (const r of rows) assert.equal(r.txid, first.txid, 'rows of one API call share one txid');
    rows.forEach((r, i) => assert.ok(i === 0 ? r.seq > seq : r.seq > rows[i - 1]!.seq, 'seq strictly increasing'));
  }
  return rows;
}

/** Entity, key, site and tombstone flag of each row, in seq order: the shape the edges see. */
function shape(rows: ChangeRow[]): Array<[string, string, number | null, number]> {
  return rows.map((r) => [r.entity, r.key, r.site_id, r.deleted]);
}

function device(h: TestHub, mac: string): { login_password: string; prov_password: string; prov_username: string; site_id: number; template_id: number | null } {
  return h.db.prepare(`SELECT * FROM devices WHERE mac = ?`).get(mac) as never;
}

function sipPassword(h: TestHub, userId: number): string[] {
  return (h.db.prepare(`SELECT password FROM sip_accounts WHERE user_id = ? ORDER BY id`).all(userId) as { password: string }[]).map((r) => r.password);
}

async function importMacs(h: TestHub, siteId: number, text: string): Promise<void> {
  const res = await h.json('POST', '/devices/import', { body: { text, site_id: siteId } });
  assert.equal(res.applied, true);
}

/** Asserts that a failing call leaves no trace: no change rows, no audit rows. */
async function assertNoTrace(h: TestHub, call: () => Promise<Response>, status: number, code?: string): Promise<void> {
  const seq = lastSeq(h.db);
  const audit = lastAuditId(h.db);
  const res = await call();
  const text = await res.text();
  assert.equal(res.status, status, text);
  if (code) assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, code, text);
  assert.deepEqual(changesSince(h.db, seq), [], 'a failed write leaves no change_log rows');
  assert.deepEqual(auditSince(h.db, audit), [], 'a failed write leaves no audit rows');
}

/** Global properties of the whole log: seq strictly increasing, txids never go back, each txid contiguous. */
function assertLogWellFormed(h: TestHub): void {
  const rows = changesSince(h.db, 0);
  const closed = new Set<number>();
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1]!;
    const cur = rows[i]!;
    assert.ok(cur.seq > prev.seq, 'seq strictly increasing');
    assert.ok(cur.txid >= prev.txid, `txid went back at seq ${cur.seq}`);
    if (cur.txid !== prev.txid) {
      closed.add(prev.txid);
      assert.ok(!closed.has(cur.txid), `rows of txid ${cur.txid} are not contiguous`);
    }
  }
  for (const r of rows) {
    if (r.deleted === 1) assert.equal(r.data, null, 'a tombstone carries no data');
    else assert.notEqual(r.data, null, 'an upsert carries data');
  }
}

test('sites: create, update (re-emits its devices), delete; tombstone and no-trace failures', async () => {
  const h = await testHub();
  try {
    const created = await changesOf(h, () => h.json('POST', '/sites', { body: { name: 'Berlin', fqdn: 'pbx.berlin.example', timezone: 'Europe/Berlin' } }));
    assert.equal(created.length, 1);
    const siteRow = created[0]!;
    const siteId = siteRow.data.id as number;
    assert.deepEqual(shape(created), [['site', String(siteId), siteId, 0]]);
    assert.equal(siteRow.data.name, 'Berlin');
    assert.equal(siteRow.data.fqdn, 'pbx.berlin.example');
    assert.equal(siteRow.data.timezone, 'Europe/Berlin');
    assert.equal(siteRow.data.provision_mode, 'fqdn');
    assert.equal(siteRow.data.sip_port, 5060);
    assert.deepEqual(siteRow.data.dhcp, { mode: 'off', pool_start: null, pool_end: null, router: null, dns: [], lease_time_s: 86400 });

    // A site with no devices: only the site row.
    const bare = await changesOf(h, () => h.json('PATCH', `/sites/${siteId}`, { body: { ntp_server: 'ntp.berlin.example' } }));
    assert.deepEqual(shape(bare), [['site', String(siteId), siteId, 0]]);
    assert.equal(bare[0]!.data.ntp_server, 'ntp.berlin.example');

    // With devices: the site row, then every device of this site (and none of another site),
    // because lines without their own server default to the site's SIP host and port.
    const other = await makeSite(h, { name: 'Paris' });
    await importMacs(h, siteId, '001565000001\n001565000002');
    await importMacs(h, other, '001565000003');
    const u = await makeUser(h, '201');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    const updated = await changesOf(h, () => h.json('PATCH', `/sites/${siteId}`, { body: { provision_mode: 'public_ip', public_ip: '203.0.113.7', sip_port: 5080 } }));
    assert.deepEqual(shape(updated), [
      ['site', String(siteId), siteId, 0],
      ['device', '001565000001', siteId, 0],
      ['device', '001565000002', siteId, 0],
    ]);
    assert.equal(updated[0]!.data.provision_mode, 'public_ip');
    assert.equal(updated[0]!.data.public_ip, '203.0.113.7');
    assert.equal(updated[0]!.data.sip_port, 5080);
    const line = updated[1]!.data.extensions[0].accounts[0];
    assert.equal(line.server, null, 'the line has no server of its own: the edge resolves it against the site row');
    assert.equal(line.port, null);
    assert.equal(line.password, sipPassword(h, u)[0]);

    // Refused: the site still has devices. Nothing is written.
    await assertNoTrace(h, () => h.request('DELETE', `/sites/${siteId}`, { token: h.adminToken }), 409, 'CONFLICT');
    // An invalid patch (public_ip mode without an address) is refused before anything is written.
    await assertNoTrace(h, () => h.request('PATCH', `/sites/${other}`, { token: h.adminToken, body: { provision_mode: 'public_ip' } }), 400);

    // Delete: a tombstone scoped to the site itself.
    const empty = await makeSite(h, { name: 'Madrid' });
    const deleted = await changesOf(h, () => h.json('DELETE', `/sites/${empty}`));
    assert.deepEqual(shape(deleted), [['site', String(empty), empty, 1]]);
    assert.equal(deleted[0]!.data, null);

    // A site token is hub-only state: audited, not synced.
    const tokenRows = await changesOf(h, () => h.json('POST', `/sites/${siteId}/tokens`));
    assert.deepEqual(tokenRows, []);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('device import: one upsert per device at its site, in one txid, carrying the real device secrets', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    const rows = await changesOf(h, () =>
      h.json('POST', '/devices/import', { body: { csv: 'mac,model,name,site\n00:15:65:00:00:01,T46S,Front desk,A\n00-15-65-00-00-02,,,B\n0015.6500.0003,t31p,Back,A\n' } }),
    );
    assert.deepEqual(shape(rows), [
      ['device', '001565000001', a, 0],
      ['device', '001565000002', b, 0],
      ['device', '001565000003', a, 0],
    ]);
    const d1 = rows[0]!.data;
    assert.equal(d1.mac, '001565000001');
    assert.equal(d1.site_id, a);
    assert.equal(d1.vendor, 'yealink');
    assert.equal(d1.model, 'T46S');
    assert.equal(d1.name, 'Front desk');
    assert.equal(d1.engine, 'default');
    assert.equal(d1.template_id, null);
    assert.deepEqual(d1.extensions, []);
    const db1 = device(h, '001565000001');
    assert.ok(db1.login_password.length > 0);
    assert.equal(d1.login_password, db1.login_password, 'the edge renders the phone login password, so it gets the real one');
    assert.equal(d1.prov_username, db1.prov_username);
    assert.equal(d1.prov_password, db1.prov_password);
    assert.notEqual(d1.prov_password, '***');
    assert.equal(rows[2]!.data.model, 'T31P');
    // Observations are the edge's own writes; the desired-state row does not carry them.
    assert.equal('provision_count' in d1, false);
    assert.equal('last_config_hash' in d1, false);

    // Preview writes nothing.
    const preview = await changesOf(h, () => h.json('POST', '/devices/import', { body: { text: '001565000009', site_id: a, preview: true } }));
    assert.deepEqual(preview, []);

    // One bad line: nothing applied, no change rows, no audit rows.
    await assertNoTrace(
      h,
      () => h.request('POST', '/devices/import', { token: h.adminToken, body: { text: '001565000010\n001565000011\nnot-a-mac\n001565000012', site_id: a } }),
      400,
    );
    // A duplicate of an existing device: same.
    await assertNoTrace(h, () => h.request('POST', '/devices/import', { token: h.adminToken, body: { text: '001565000013\n001565000001', site_id: a } }), 400);
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM devices`).get() as { n: number }).n, 3);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('device patch, move A→B (tombstone at A, then upsert at B), remove and bulk remove', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    await importMacs(h, a, '001565000001,T46S\n001565000002\n001565000003\n001565000004');
    const u = await makeUser(h, '301');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });

    const patched = await changesOf(h, () => h.json('PATCH', '/devices/00:15:65:00:00:01', { body: { name: 'Lobby', login_password: 'phone-admin-secret' } }));
    assert.deepEqual(shape(patched), [['device', '001565000001', a, 0]]);
    assert.equal(patched[0]!.data.name, 'Lobby');
    assert.equal(patched[0]!.data.login_password, 'phone-admin-secret');
    assert.equal(patched[0]!.data.extensions.length, 1, 'a patch re-emits the whole projection, lines included');

    const moved = await changesOf(h, () => h.json('PATCH', '/devices/001565000001', { body: { site_id: b } }));
    assert.deepEqual(shape(moved), [
      ['device', '001565000001', a, 1],
      ['device', '001565000001', b, 0],
    ]);
    assert.equal(moved[0]!.data, null);
    assert.equal(moved[1]!.data.site_id, b);
    assert.equal(moved[1]!.data.name, 'Lobby');
    assert.equal(moved[1]!.data.extensions[0].accounts[0].password, sipPassword(h, u)[0]);

    // "Moving" to the site it is at is a plain upsert, no tombstone.
    const same = await changesOf(h, () => h.json('PATCH', '/devices/001565000001', { body: { site_id: b } }));
    assert.deepEqual(shape(same), [['device', '001565000001', b, 0]]);

    // Moving to a site that does not exist writes nothing.
    await assertNoTrace(h, () => h.request('PATCH', '/devices/001565000002', { token: h.adminToken, body: { site_id: 999 } }), 404);

    const removed = await changesOf(h, () => h.json('DELETE', '/devices/001565000002'));
    assert.deepEqual(shape(removed), [['device', '001565000002', a, 1]]);
    await assertNoTrace(h, () => h.request('DELETE', '/devices/001565000002', { token: h.adminToken }), 404);

    // Bulk remove by filter: one tombstone per matching device, all in one txid.
    const bulk = await changesOf(h, () => h.json('POST', '/devices/actions/remove', { body: { filter: { site_id: a } } }));
    assert.deepEqual(shape(bulk), [
      ['device', '001565000003', a, 1],
      ['device', '001565000004', a, 1],
    ]);
    // A selection naming a missing device is refused whole.
    await assertNoTrace(h, () => h.request('POST', '/devices/actions/remove', { token: h.adminToken, body: { macs: ['001565000001', '0015650000ff'] } }), 404);
    assert.ok(device(h, '001565000001'));
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('users and SIP accounts: device upserts at the sites of the devices carrying the user, none when on no device', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    await importMacs(h, a, '001565000001,T46S');
    await importMacs(h, b, '001565000002,T46S');

    // A user on no device: nothing for the edges, whatever happens to it.
    const lonely = await changesOf(h, () => makeUser(h, '400', 2, { username: 'lonely', password: 'lonely-signin-pw' }));
    assert.deepEqual(lonely, []);
    const lonelyId = (h.db.prepare(`SELECT id FROM users WHERE extension = '400'`).get() as { id: number }).id;
    assert.deepEqual(await changesOf(h, () => h.json('PATCH', `/users/${lonelyId}`, { body: { display_name: 'Nobody', extension: '401' } })), []);
    let lonelyAcc: { id: number } = { id: 0 };
    const accRows = await changesOf(h, async () => {
      lonelyAcc = await h.json('POST', `/users/${lonelyId}/sip-accounts`, { body: { username: '401-x', password: 'unused-secret' } });
    });
    assert.deepEqual(accRows, [], 'a SIP account of a user on no device reaches no edge');
    assert.deepEqual(await changesOf(h, () => h.json('PATCH', `/users/${lonelyId}/sip-accounts/${lonelyAcc.id}`, { body: { password: 'x-secret-2' } })), []);
    assert.deepEqual(await changesOf(h, () => h.json('DELETE', `/users/${lonelyId}/sip-accounts/${lonelyAcc.id}`)), []);
    assert.deepEqual(await changesOf(h, () => h.json('DELETE', `/users/${lonelyId}`)), []);

    // A user on two phones at two sites.
    const u = await makeUser(h, '500');
    const other = await makeUser(h, '501');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [other, u] } });
    await h.json('PUT', '/devices/001565000002/users', { body: { users: [u] } });

    const renamed = await changesOf(h, () => h.json('PATCH', `/users/${u}`, { body: { display_name: 'Alice Example' } }));
    assert.deepEqual(shape(renamed), [
      ['device', '001565000001', a, 0],
      ['device', '001565000002', b, 0],
    ]);
    assert.deepEqual(renamed[0]!.data.extensions.map((e: { extension: string; display_name: string }) => [e.extension, e.display_name]), [
      ['501', 'User 501'],
      ['500', 'Alice Example'],
    ]);
    assert.equal(renamed[1]!.data.extensions[0].display_name, 'Alice Example');

    const renumbered = await changesOf(h, () => h.json('PATCH', `/users/${u}`, { body: { extension: '510' } }));
    assert.deepEqual(shape(renumbered), shape(renamed));
    assert.equal(renumbered[1]!.data.extensions[0].extension, '510');

    // Changes the phones cannot see (licence flag, sign-in) emit nothing.
    assert.deepEqual(await changesOf(h, () => h.json('PATCH', `/users/${other}`, { body: { username: 'bob', password: 'bob-signin-pw' } })), []);

    const accCreated = await changesOf(h, () => h.json('POST', `/users/${u}/sip-accounts`, { body: { username: '510-b', password: 'second-line-secret', server: 'sip2.example.com', port: 5070, label: 'Second' } }));
    assert.deepEqual(shape(accCreated), shape(renamed));
    const accounts = accCreated[1]!.data.extensions[0].accounts as Array<{ id: number; username: string; password: string; server: string | null; port: number | null; label: string }>;
    assert.deepEqual(accounts.map((x) => x.username), ['500', '510-b']);
    assert.equal(accounts[1]!.password, 'second-line-secret', 'the edge renders the SIP secret, so the device row carries it in clear');
    assert.equal(accounts[1]!.server, 'sip2.example.com');
    assert.equal(accounts[1]!.port, 5070);
    assert.equal(accounts[1]!.label, 'Second');
    const accId = accounts[1]!.id;

    const accUpdated = await changesOf(h, () => h.json('PATCH', `/users/${u}/sip-accounts/${accId}`, { body: { password: 'rotated-secret' } }));
    assert.deepEqual(shape(accUpdated), shape(renamed));
    for (const r of accUpdated) {
      const line = (r.data.extensions as Array<{ extension: string; accounts: Array<{ id: number; password: string }> }>).find((e) => e.extension === '510')!.accounts.find((x) => x.id === accId)!;
      assert.equal(line.password, 'rotated-secret');
    }

    const accDeleted = await changesOf(h, () => h.json('DELETE', `/users/${u}/sip-accounts/${accId}`));
    assert.deepEqual(shape(accDeleted), shape(renamed));
    assert.deepEqual(accDeleted[1]!.data.extensions[0].accounts.map((x: { username: string }) => x.username), ['500']);

    // A user on a phone cannot be deleted; nothing is written.
    await assertNoTrace(h, () => h.request('DELETE', `/users/${u}`, { token: h.adminToken }), 409, 'CONFLICT');
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('a SIP account the phone cannot hold is rolled back with the device upsert already written in its transaction', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h);
    await importMacs(h, a, '001565000001,T30');
    const u = await makeUser(h, '600');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    // createSipAccount emits the device and audits before the line-limit check fails: all of it must roll back.
    await assertNoTrace(
      h,
      () => h.request('POST', `/users/${u}/sip-accounts`, { token: h.adminToken, body: { username: '600-b', password: 'never-stored' } }),
      409,
      'TOO_MANY_LINES',
    );
    assert.deepEqual(sipPassword(h, u), ['pw-600-0']);
  } finally {
    h.close();
  }
});

test('assignment: PUT users, the 7th user refused, auto and bulk provision, adopt', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    await importMacs(h, a, '001565000001,T46S\n001565000002,T46S\n001565000003,T46S\n001565000004,T46S\n001565000005,T46S');
    await importMacs(h, b, '001565000006,T46S');
    const users: number[] = [];
    for (let i = 0; i < 7; i++) users.push(await makeUser(h, `70${i}`));
    const [u0, u1] = [users[0]!, users[1]!];

    const assigned = await changesOf(h, () => h.json('PUT', '/devices/001565000001/users', { body: { users: [u1, u0] } }));
    assert.deepEqual(shape(assigned), [['device', '001565000001', a, 0]]);
    const exts = assigned[0]!.data.extensions as Array<{ user_id: number; extension: string; display_name: string; accounts: Array<{ username: string; password: string }> }>;
    assert.deepEqual(exts.map((e) => [e.user_id, e.extension, e.display_name]), [
      [u1, '701', 'User 701'],
      [u0, '700', 'User 700'],
    ]);
    assert.equal(exts[0]!.accounts[0]!.username, '701');
    assert.equal(exts[0]!.accounts[0]!.password, 'pw-701-0');

    // The 7th user: 409 with a stable code, no trace.
    await assertNoTrace(h, () => h.request('PUT', '/devices/001565000002/users', { token: h.adminToken, body: { users } }), 409, 'TOO_MANY_USERS');
    // An unlicensed user: same.
    const unlicensed = await makeUser(h, '799', 1, { ip_phone_license: false });
    await assertNoTrace(h, () => h.request('PUT', '/devices/001565000002/users', { token: h.adminToken, body: { users: [unlicensed] } }), 409, 'USER_NOT_LICENSED');

    // Unassign: an upsert with no lines (the phone stays, its lines go).
    const cleared = await changesOf(h, () => h.json('PUT', '/devices/001565000001/users', { body: { users: [] } }));
    assert.deepEqual(shape(cleared), [['device', '001565000001', a, 0]]);
    assert.deepEqual(cleared[0]!.data.extensions, []);

    // Auto provision: one upsert per pair, in the order given, in one txid.
    const auto = await changesOf(h, () => h.json('POST', '/provision/auto', { body: { macs: ['001565000002', '001565000006'] } }));
    assert.deepEqual(shape(auto), [
      ['device', '001565000002', a, 0],
      ['device', '001565000006', b, 0],
    ]);
    assert.deepEqual(auto.map((r) => r.data.extensions[0].extension), ['700', '701']);
    // A failing auto provision after a pair was already made in its transaction: nothing stays.
    await assertNoTrace(h, () => h.request('POST', '/provision/auto', { token: h.adminToken, body: { macs: ['001565000003', '0015650000ff'] } }), 404);
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM device_users WHERE mac = '001565000003'`).get() as { n: number }).n, 0);

    // Bulk provision: one upsert per CSV row.
    const bulk = await changesOf(h, () => h.json('POST', '/provision/bulk', { body: { csv: 'mac,extension\n001565000003,702,703\n00:15:65:00:00:04,704\n' } }));
    assert.deepEqual(shape(bulk), [
      ['device', '001565000003', a, 0],
      ['device', '001565000004', a, 0],
    ]);
    assert.deepEqual(bulk[0]!.data.extensions.map((e: { extension: string }) => e.extension), ['702', '703']);
    // A bulk file with one bad row applies nothing.
    await assertNoTrace(h, () => h.request('POST', '/provision/bulk', { token: h.adminToken, body: { csv: '001565000005,705\n001565000001,nope\n' } }), 400);

    // Adopting a discovered phone: the device appears at the edge's site with its lines.
    recordUnknownDevice(h.db, { site_id: b, mac: '001565000099', ip: '10.0.0.9', at: '2026-01-01T00:00:00.000Z', evidence: { model: 'T46S' } });
    const adopted = await changesOf(h, () => h.json('POST', '/discovered/001565000099/adopt', { body: { name: 'Found', users: [users[5]!] } }));
    assert.ok(adopted.length >= 1);
    for (const r of adopted) assert.deepEqual([r.entity, r.key, r.site_id, r.deleted], ['device', '001565000099', b, 0]);
    const last = adopted[adopted.length - 1]!.data;
    assert.equal(last.name, 'Found');
    assert.deepEqual(last.extensions.map((e: { extension: string }) => e.extension), ['705']);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('templates: org template create/update/delete are global rows; device template upload/clear; invalid ones leave no trace', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h);
    await importMacs(h, a, '001565000001,T46S');

    const created = await changesOf(h, () => h.json('POST', '/templates', { body: { name: 'Yealink org', engine: 'default', vendor: 'yealink', model: null, body: TPL } }));
    assert.equal(created.length, 1);
    const tid = Number(created[0]!.key);
    assert.deepEqual(shape(created), [['template', String(tid), null, 0]]);
    assert.equal(created[0]!.data.id, tid);
    assert.equal(created[0]!.data.body, TPL);
    assert.equal(created[0]!.data.version, 1);
    assert.equal(created[0]!.data.scope, 'org');
    assert.equal(created[0]!.data.vendor, 'yealink');
    assert.equal(created[0]!.data.engine, 'default');

    const updated = await changesOf(h, () => h.json('PATCH', `/templates/${tid}`, { body: { body: `${TPL}# v2\n` } }));
    assert.deepEqual(shape(updated), [['template', String(tid), null, 0]]);
    assert.equal(updated[0]!.data.version, 2);
    assert.equal(updated[0]!.data.body, `${TPL}# v2\n`);

    // Invalid bodies are refused before anything is stored.
    await assertNoTrace(h, () => h.request('POST', '/templates', { token: h.adminToken, body: { name: 'bad', engine: 'default', vendor: 'yealink', model: null, body: 'x = {{lines.1.username\n' } }), 400, 'TEMPLATE_INVALID');
    await assertNoTrace(h, () => h.request('PATCH', `/templates/${tid}`, { token: h.adminToken, body: { body: 'x = {{}}\n' } }), 400, 'TEMPLATE_INVALID');

    const deleted = await changesOf(h, () => h.json('DELETE', `/templates/${tid}`));
    assert.deepEqual(shape(deleted), [['template', String(tid), null, 1]]);

    // Device template: the template as a global row, then the device pointing at it.
    const uploaded = await changesOf(h, () => h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: TPL } }));
    assert.equal(uploaded.length, 2);
    const did = Number(uploaded[0]!.key);
    assert.deepEqual(shape(uploaded), [
      ['template', String(did), null, 0],
      ['device', '001565000001', a, 0],
    ]);
    assert.equal(uploaded[0]!.data.scope, 'device');
    assert.equal(uploaded[0]!.data.body, TPL);
    assert.equal(uploaded[1]!.data.template_id, did);

    const reuploaded = await changesOf(h, () => h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: `${TPL}# mine\n` } }));
    assert.deepEqual(shape(reuploaded), shape(uploaded), 'a second upload replaces the device template in place');
    assert.equal(reuploaded[0]!.data.version, 2);

    await assertNoTrace(h, () => h.request('PUT', '/devices/001565000001/template', { token: h.adminToken, body: { engine: 'default', body: 'a = {{nope.x}}\n' } }), 400, 'TEMPLATE_INVALID');
    assert.equal(device(h, '001565000001').template_id, did);

    const cleared = await changesOf(h, () => h.json('DELETE', '/devices/001565000001/template'));
    assert.deepEqual(shape(cleared), [
      ['template', String(did), null, 1],
      ['device', '001565000001', a, 0],
    ]);
    assert.equal(cleared[1]!.data.template_id, null);

    // Removing a device that has its own template tombstones both.
    await h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: TPL } });
    const own = device(h, '001565000001').template_id!;
    const removed = await changesOf(h, () => h.json('DELETE', '/devices/001565000001'));
    assert.deepEqual(shape(removed), [
      ['template', String(own), null, 1],
      ['device', '001565000001', a, 1],
    ]);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('settings patch: one global row per key; counter reset: an observed-reset baseline at the device site', async () => {
  const h = await testHub();
  try {
    const settings = await changesOf(h, () => h.json('PATCH', '/settings', { body: { session_window_s: 300, scan_threshold_per_min: 5 } }));
    assert.deepEqual(shape(settings).sort(), [
      ['setting', 'scan_threshold_per_min', null, 0],
      ['setting', 'session_window_s', null, 0],
    ]);
    const byKey = new Map(settings.map((r) => [r.key, r.data]));
    assert.deepEqual(byKey.get('session_window_s'), { key: 'session_window_s', value: 300 });
    assert.deepEqual(byKey.get('scan_threshold_per_min'), { key: 'scan_threshold_per_min', value: 5 });
    await assertNoTrace(h, () => h.request('PATCH', '/settings', { token: h.adminToken, body: { session_window_s: 1 } }), 400);

    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    await importMacs(h, a, '001565000001\n001565000002');
    await importMacs(h, b, '001565000003');
    reportProvisioned(h.db, { mac: '001565000001', at: '2026-01-01T00:00:00.000Z', ip: '10.0.0.5', user_agent: 'Yealink', firmware: null, config_hash: 'x', count: 4 });
    reportProvisioned(h.db, { mac: '001565000003', at: '2026-01-01T00:00:00.000Z', ip: '10.0.0.6', user_agent: 'Yealink', firmware: null, config_hash: 'x', count: 2 });

    const one = await changesOf(h, () => h.json('POST', '/devices/actions/reset-counter', { body: { macs: ['00:15:65:00:00:01'] } }));
    assert.deepEqual(shape(one), [['counter_reset', '001565000001', a, 0]]);
    assert.equal(one[0]!.data.mac, '001565000001');
    assert.equal(one[0]!.data.baseline, 4);

    const all = await changesOf(h, () => h.json('POST', '/devices/actions/reset-counter', { body: { filter: { filter: 'all' } } }));
    assert.deepEqual(shape(all), [
      ['counter_reset', '001565000001', a, 0],
      ['counter_reset', '001565000002', a, 0],
      ['counter_reset', '001565000003', b, 0],
    ]);
    assert.deepEqual(all.map((r) => r.data.baseline), [4, 0, 2]);
    await assertNoTrace(h, () => h.request('POST', '/devices/actions/reset-counter', { token: h.adminToken, body: { macs: ['001565000001', 'zz'] } }), 400);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});

test('txids: one per writing call, increasing across calls; reads, previews and sign-ins take none', async () => {
  const h = await testHub();
  try {
    const a = await makeSite(h);
    await importMacs(h, a, '001565000001\n001565000002');
    const u = await makeUser(h, '800');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    await h.json('PATCH', '/devices/001565000002', { body: { name: 'Two' } });
    const before = lastSeq(h.db);
    await h.json('GET', '/devices');
    await h.json('POST', '/devices/import', { body: { text: '001565000003', site_id: a, preview: true } });
    await h.login('admin', 'admin-password-1');
    assert.equal(lastSeq(h.db), before);
    await h.json('PATCH', `/sites/${a}`, { body: { ntp_server: 'ntp2.example.com' } });

    const rows = changesSince(h.db, 0);
    const txids = [...new Set(rows.map((r) => r.txid))];
    // site create, import, assign, patch, site update: five writing calls, five txids in order.
    assert.equal(txids.length, 5);
    for (let i = 1; i < txids.length; i++) assert.ok(txids[i]! > txids[i - 1]!);
    assert.deepEqual(rows.filter((r) => r.txid === txids[1]).map((r) => r.key), ['001565000001', '001565000002']);
    assert.deepEqual(rows.filter((r) => r.txid === txids[4]).map((r) => r.entity), ['site', 'device', 'device']);
    // The txid counter lives in the same transaction: a failed write does not burn one either.
    const meta = () => Number((h.db.prepare(`SELECT value FROM meta WHERE key = 'txid'`).get() as { value: string }).value);
    const t = meta();
    assert.equal(t, txids[4]);
    await assertNoTrace(h, () => h.request('PUT', '/devices/001565000002/users', { token: h.adminToken, body: { users: [u, u] } }), 400, 'VALIDATION_FAILED');
    assert.equal(meta(), t);
    assertLogWellFormed(h);
  } finally {
    h.close();
  }
});
