/**
 * Templates, settings, discovered devices (ingested with the hub's real recordUnknownDevice),
 * the audit log with its filters, and the one error-body shape every failure shares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordUnknownDevice } from '../../hub/domain/discovered.js';
import { ERROR_STATUS } from '../../shared/errors.js';
import { fails, withHub, testHub, makeSite, makeUser, changesSince, lastSeq, auditSince, lastAuditId, ADMIN, type TestHub } from '../helpers/hub.js';

interface TemplateOut {
  id: number;
  name: string;
  engine: 'default' | 'freemarker';
  vendor: string | null;
  model: string | null;
  version: number;
  body: string;
  devices: string[];
}

interface AuditItem {
  id: number;
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  before: any;
  after: any;
}

interface AuditPage {
  items: AuditItem[];
  total: number;
  page: number;
  per_page: number;
}

interface DiscoveredOut {
  site_id: number;
  mac: string;
  ip: string | null;
  evidence: Record<string, unknown>;
  first_seen: string;
  last_seen: string;
}

function count(h: TestHub, table: string): number {
  return (h.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

// ---------------------------------------------------------------------------------------------
// Templates

const GOOD = 'mac={{device.mac}}\nname={{device.name}}\nline1={{lines.1.username}}\n';

test('/templates CRUD: org template on the Default engine, versioned, in the change log and audit log', async () => {
  await withHub(async (h) => {
    await makeSite(h);
    let seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const t = await h.json<TemplateOut>('POST', '/templates', { body: { name: 'Yealink org', engine: 'default', vendor: 'yealink', model: 'T46S', body: GOOD } });
    assert.deepEqual(t, { id: t.id, name: 'Yealink org', engine: 'default', vendor: 'yealink', model: 'T46S', version: 1, body: GOOD, devices: [] });
    const ch = changesSince(h.db, seq);
    assert.deepEqual(ch.map((c) => [c.entity, c.key, c.site_id, c.deleted]), [['template', String(t.id), null, 0]]);
    assert.equal(ch[0]?.data.body, GOOD);
    assert.deepEqual(await h.json('GET', `/templates/${t.id}`), t);
    assert.deepEqual((await h.json<{ items: TemplateOut[] }>('GET', '/templates')).items, [t]);

    // Defaults: vendor and model are optional (null = any).
    const any = await h.json<TemplateOut>('POST', '/templates', { body: { name: 'Generic', engine: 'default', body: 'x={{device.mac}}' } });
    assert.equal(any.vendor, null);
    assert.equal(any.model, null);

    seq = lastSeq(h.db);
    const renamed = await h.json<TemplateOut>('PATCH', `/templates/${t.id}`, { body: { name: 'Yealink v2', body: 'mac={{device.mac_colon}}\n' } });
    assert.equal(renamed.version, 2);
    assert.equal(renamed.name, 'Yealink v2');
    assert.equal(renamed.body, 'mac={{device.mac_colon}}\n');
    assert.equal(renamed.vendor, 'yealink');
    assert.equal(changesSince(h.db, seq)[0]?.data.version, 2);

    seq = lastSeq(h.db);
    assert.deepEqual(await h.json('DELETE', `/templates/${t.id}`), { ok: true });
    assert.equal((await fails(h, 'GET', `/templates/${t.id}`, 404)).code, 'NOT_FOUND');
    assert.deepEqual(changesSince(h.db, seq).map((c) => [c.entity, c.key, c.deleted]), [['template', String(t.id), 1]]);
    assert.deepEqual(
      auditSince(h.db, audit0).map((a) => a.action),
      ['template.create', 'template.create', 'template.update', 'template.delete'],
    );
    assert.deepEqual((await h.json<{ items: TemplateOut[] }>('GET', '/templates')).items.map((x) => x.id), [any.id]);
  });
});

test('an invalid Default template is refused with 400 TEMPLATE_INVALID and its line and column; nothing is stored', async () => {
  await withHub(async (h) => {
    await makeSite(h);
    const seq = lastSeq(h.db);
    const nope = await fails(h, 'POST', '/templates', 400, { name: 'Bad', engine: 'default', vendor: 'yealink', body: '# line one\n# line two\nxx{{device.nope}}\n' });
    assert.equal(nope.code, 'TEMPLATE_INVALID');
    assert.equal(nope.details.line, 3);
    assert.equal(nope.details.column, 5);
    assert.match(nope.message, /^3:5: /);
    assert.match(nope.message, /device\.nope/);

    const unclosed = await fails(h, 'POST', '/templates', 400, { name: 'Bad', engine: 'default', body: 'a\nvalue={{device.mac\n' });
    assert.equal(unclosed.code, 'TEMPLATE_INVALID');
    assert.deepEqual([unclosed.details.line, unclosed.details.column], [2, 7]);

    const line = await fails(h, 'POST', '/templates', 400, { name: 'Bad', engine: 'default', body: 'x={{lines.0.username}}' });
    assert.equal(line.code, 'TEMPLATE_INVALID');
    assert.deepEqual([line.details.line, line.details.column], [1, 5]);

    assert.equal(count(h, 'templates'), 0);
    assert.equal(changesSince(h.db, seq).length, 0);
  });
});

test('PATCH with an invalid body is refused and the template keeps its version', async () => {
  await withHub(async (h) => {
    const t = await h.json<TemplateOut>('POST', '/templates', { body: { name: 'Keep', engine: 'default', body: GOOD } });
    const err = await fails(h, 'PATCH', `/templates/${t.id}`, 400, { body: 'ok\n{{site.nope}}' });
    assert.equal(err.code, 'TEMPLATE_INVALID');
    assert.deepEqual([err.details.line, err.details.column], [2, 3]);
    assert.deepEqual(await h.json('GET', `/templates/${t.id}`), t);
    assert.equal((await fails(h, 'PATCH', '/templates/999', 404, { name: 'x' })).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'DELETE', '/templates/999', 404)).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'POST', '/templates', 400, { name: 'x', engine: 'jinja', body: 'x' })).code, 'VALIDATION_FAILED');
    assert.equal((await fails(h, 'POST', '/templates', 400, { name: 'x', engine: 'default', body: '' })).code, 'VALIDATION_FAILED');
  });
});

test('FreeMarker templates: stored when they compile and render; refused with their position otherwise', async () => {
  await withHub(async (h) => {
    const fm = await h.json<TemplateOut>('POST', '/templates', { body: { name: 'FM', engine: 'freemarker', vendor: 'yealink', body: '<#list lines as l>${l.username}</#list>' } });
    assert.equal(fm.engine, 'freemarker');
    const bad = await fails(h, 'POST', '/templates', 400, { name: 'FM2', engine: 'freemarker', vendor: 'yealink', body: 'a\n<#list lines as l>${l.username}\n' });
    assert.equal(bad.code, 'TEMPLATE_INVALID');
    assert.equal(count(h, 'templates'), 1);
    // Switching a Default template to FreeMarker re-validates its body under the new engine.
    const t = await h.json<TemplateOut>('POST', '/templates', { body: { name: 'Default', engine: 'default', body: GOOD } });
    const sw = await h.request('PATCH', `/templates/${t.id}`, { token: h.adminToken, body: { engine: 'freemarker' } });
    assert.equal(sw.status, 200, await sw.text());
  });
});

// ---------------------------------------------------------------------------------------------
// Settings

test('/settings: defaults, partial PATCH synced as global rows and audited, validation', async () => {
  await withHub(async (h) => {
    const defaults = await h.json('GET', '/settings');
    assert.deepEqual(defaults, { session_window_s: 600, default_provision_limit: 1, scan_threshold_per_min: 20 });
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const after = await h.json('PATCH', '/settings', { body: { session_window_s: 900 } });
    assert.deepEqual(after, { ...defaults, session_window_s: 900 });
    assert.deepEqual(await h.json('GET', '/settings'), after);
    const ch = changesSince(h.db, seq);
    assert.deepEqual(ch.map((c) => [c.entity, c.key, c.site_id, c.data]), [['setting', 'session_window_s', null, { key: 'session_window_s', value: 900 }]]);
    const au = auditSince(h.db, audit0);
    assert.deepEqual(au.map((a) => [a.action, a.target_type]), [['settings.update', 'settings']]);
    assert.equal(au[0]?.before.session_window_s, 600);
    assert.equal(au[0]?.after.session_window_s, 900);

    const two = await h.json('PATCH', '/settings', { body: { default_provision_limit: 5, scan_threshold_per_min: 50 } });
    assert.deepEqual(two, { session_window_s: 900, default_provision_limit: 5, scan_threshold_per_min: 50 });

    const seq2 = lastSeq(h.db);
    assert.equal((await fails(h, 'PATCH', '/settings', 400, { session_window_s: 5 })).code, 'VALIDATION_FAILED');
    assert.match((await fails(h, 'PATCH', '/settings', 400, { session_window_s: 'ten' })).message, /session_window_s/);
    assert.match((await fails(h, 'PATCH', '/settings', 400, { dark_mode: true })).message, /dark_mode/);
    assert.equal(changesSince(h.db, seq2).length, 0);
    assert.deepEqual(await h.json('GET', '/settings'), two);
  });
});

// ---------------------------------------------------------------------------------------------
// Discovered devices

test('/discovered lists what the edges reported, merged per site and MAC, newest first, filterable by site', async () => {
  await withHub(async (h) => {
    const a = await makeSite(h, { name: 'A' });
    const b = await makeSite(h, { name: 'B' });
    recordUnknownDevice(h.db, { site_id: a, mac: '001565000a01', ip: '10.0.0.5', at: '2026-01-01T10:00:00.000Z', evidence: { user_agent: 'Yealink SIP-T46S 66.86.0.15', path: '/001565000a01.cfg' } });
    recordUnknownDevice(h.db, { site_id: a, mac: '001565000a01', ip: '10.0.0.6', at: '2026-01-01T12:00:00.000Z', evidence: { model: 'T46S' } });
    // An older report arriving late moves first_seen back but does not overwrite the newer IP.
    recordUnknownDevice(h.db, { site_id: a, mac: '001565000a01', ip: '10.0.0.4', at: '2026-01-01T08:00:00.000Z', evidence: {} });
    recordUnknownDevice(h.db, { site_id: b, mac: '0004f2000b01', ip: null, at: '2026-01-01T11:00:00.000Z', evidence: { dhcp_vendor_class: 'Polycom-VVX411' } });

    const all = await h.json<{ items: DiscoveredOut[] }>('GET', '/discovered');
    assert.deepEqual(all.items, [
      {
        site_id: a, mac: '001565000a01', ip: '10.0.0.6',
        evidence: { user_agent: 'Yealink SIP-T46S 66.86.0.15', path: '/001565000a01.cfg', model: 'T46S' },
        first_seen: '2026-01-01T08:00:00.000Z', last_seen: '2026-01-01T12:00:00.000Z',
      },
      { site_id: b, mac: '0004f2000b01', ip: null, evidence: { dhcp_vendor_class: 'Polycom-VVX411' }, first_seen: '2026-01-01T11:00:00.000Z', last_seen: '2026-01-01T11:00:00.000Z' },
    ]);
    const onlyB = await h.json<{ items: DiscoveredOut[] }>('GET', `/discovered?site_id=${b}`);
    assert.deepEqual(onlyB.items.map((d) => d.mac), ['0004f2000b01']);
    assert.equal((await fails(h, 'GET', '/discovered?site_id=abc', 400)).code, 'VALIDATION_FAILED');

    // A MAC that is already in the inventory is not "discovered".
    await h.json('POST', '/devices/import', { body: { text: '00:15:65:00:0c:01', site_id: a } });
    recordUnknownDevice(h.db, { site_id: a, mac: '001565000c01', ip: '10.0.0.9', at: '2026-01-01T13:00:00.000Z', evidence: {} });
    assert.equal((await h.json<{ items: DiscoveredOut[] }>('GET', '/discovered')).items.length, 2);
  });
});

test('POST /discovered/{mac}/adopt imports the device at its site with the reported model and assigns users', async () => {
  await withHub(async (h) => {
    const site = await makeSite(h, { name: 'Adopt' });
    const u = await makeUser(h, '401', 1);
    recordUnknownDevice(h.db, { site_id: site, mac: '001565000a01', ip: '10.0.0.5', at: '2026-01-01T10:00:00.000Z', evidence: { model: 'T46S' } });
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const res = await h.json<{ mac: string }>('POST', '/discovered/00:15:65:00:0A:01/adopt', { body: { name: 'Reception', users: [u] } });
    assert.deepEqual(res, { mac: '001565000a01' });
    const dev = await h.json('GET', '/devices/001565000a01');
    assert.equal(dev.site_id, site);
    assert.equal(dev.vendor, 'yealink');
    assert.equal(dev.model, 'T46S');
    assert.equal(dev.name, 'Reception');
    assert.deepEqual(dev.users.map((x: { id: number }) => x.id), [u]);
    assert.deepEqual((await h.json<{ items: DiscoveredOut[] }>('GET', '/discovered')).items, []);
    const ch = changesSince(h.db, seq);
    assert.ok(ch.every((c) => c.entity === 'device' && c.key === '001565000a01' && c.site_id === site));
    assert.ok(ch.length >= 1);
    assert.deepEqual(auditSince(h.db, audit0).map((a) => a.action), ['device.create', 'device.assign', 'discovered.adopt']);

    // Adopting it again: it is no longer discovered.
    assert.equal((await fails(h, 'POST', '/discovered/001565000a01/adopt', 404, {})).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'POST', '/discovered/001565ffffff/adopt', 404, {})).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'POST', '/discovered/not-a-mac/adopt', 400, {})).code, 'INVALID_MAC');
    assert.equal((await fails(h, 'POST', '/discovered/001565000a01/adopt', 400, { colour: 'red' })).code, 'VALIDATION_FAILED');
  });
});

test('adopt with a model override and no users; a refused assignment adopts nothing', async () => {
  await withHub(async (h) => {
    const site = await makeSite(h);
    const unlicensed = await makeUser(h, '402', 1, { ip_phone_license: false });
    recordUnknownDevice(h.db, { site_id: site, mac: '001565000a02', ip: null, at: '2026-01-01T10:00:00.000Z', evidence: { model: 'T46S' } });
    recordUnknownDevice(h.db, { site_id: site, mac: '001565000a03', ip: null, at: '2026-01-01T10:00:00.000Z', evidence: {} });

    const seq = lastSeq(h.db);
    const err = await fails(h, 'POST', '/discovered/001565000a02/adopt', 409, { users: [unlicensed] });
    assert.equal(err.code, 'USER_NOT_LICENSED');
    assert.equal((await fails(h, 'GET', '/devices/001565000a02', 404)).code, 'NOT_FOUND');
    assert.equal(changesSince(h.db, seq).length, 0);
    assert.deepEqual((await h.json<{ items: DiscoveredOut[] }>('GET', '/discovered')).items.map((d) => d.mac).sort(), ['001565000a02', '001565000a03']);

    await h.json('POST', '/discovered/001565000a03/adopt', { body: { model: 'T31' } });
    const dev = await h.json('GET', '/devices/001565000a03');
    assert.equal(dev.model, 'T31');
    assert.deepEqual(dev.users, []);
    assert.equal(dev.name, '');

    // The vendor, where the OUI cannot tell (Cisco's enterprise firmware on Cisco hardware).
    recordUnknownDevice(h.db, { site_id: site, mac: '00562b000a04', ip: null, at: '2026-01-01T10:00:00.000Z', evidence: {} });
    assert.equal((await fails(h, 'POST', '/discovered/00562b000a04/adopt', 400, { vendor: 'acme' })).code, 'VALIDATION_FAILED');
    await h.json('POST', '/discovered/00562b000a04/adopt', { body: { vendor: 'cisco-sep', model: 'CP-7965G' } });
    const sep = await h.json('GET', '/devices/00562b000a04');
    assert.deepEqual([sep.vendor, sep.model], ['cisco-sep', 'CP-7965G']);
  });
});

// ---------------------------------------------------------------------------------------------
// Audit

test('/audit filters by actor, action prefix, exact action, target, time, and pages newest first', async () => {
  await withHub(async (h) => {
    const site = await makeSite(h, { name: 'Audited' });
    const alice = await h.json('POST', '/users', {
      body: { extension: '201', display_name: 'Alice', username: 'alice', password: 'alice-password', sip_accounts: [{ username: '201', password: 'sip-secret' }] },
    });
    await h.json('POST', '/devices/import', { body: { text: '001565aa0001\n001565aa0002', site_id: site } });
    await h.json('PUT', '/devices/001565aa0001/users', { body: { users: [alice.id] } });
    const t0 = h.clock.now().toISOString();
    h.clock.advance(3600_000);
    const later = h.clock.now().toISOString();
    const aliceTok = await h.login('alice', 'alice-password');
    await h.json('PATCH', '/me/devices/001565aa0001', { token: aliceTok, body: { name: 'Alice desk', login_password: 'phone-secret' } });
    await h.json('PATCH', '/settings', { body: { scan_threshold_per_min: 30 } });

    const all0 = await h.json<AuditPage>('GET', '/audit');
    const byAlice = await h.json<AuditPage>('GET', '/audit?actor=alice');
    assert.deepEqual(byAlice.items.map((i) => i.action), ['device.update', 'auth.login']);
    assert.ok(byAlice.items.every((i) => i.actor === 'alice' && i.actor_role === 'user'));
    assert.equal(byAlice.total, 2);

    const device = await h.json<AuditPage>('GET', '/audit?action=device.');
    assert.ok(device.items.length > 0);
    assert.ok(device.items.every((i) => i.action.startsWith('device.')), JSON.stringify(device.items.map((i) => i.action)));
    assert.deepEqual(new Set(device.items.map((i) => i.action)), new Set(['device.import', 'device.create', 'device.assign', 'device.update']));
    const inDb = (h.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action LIKE 'device.%'`).get() as { n: number }).n;
    assert.equal(device.total, inDb);
    assert.ok(device.total < all0.total, 'the prefix filter leaves other actions out');

    const exact = await h.json<AuditPage>('GET', '/audit?action=device.update');
    assert.deepEqual(exact.items.map((i) => [i.actor, i.target_id]), [['alice', '001565aa0001']]);
    assert.equal(exact.items[0]?.before.name, '');
    assert.equal(exact.items[0]?.after.name, 'Alice desk');
    assert.equal(exact.items[0]?.after.login_password, '***', 'secrets are masked in the audit log');
    // No exact action named "device" exists: without the trailing dot it is not a prefix.
    assert.equal((await h.json<AuditPage>('GET', '/audit?action=device')).total, 0);

    const target = await h.json<AuditPage>('GET', '/audit?target_type=device&target_id=001565aa0001');
    assert.deepEqual(target.items.map((i) => i.action), ['device.update', 'device.assign', 'device.create']);
    assert.ok(target.items.every((i) => i.target_type === 'device' && i.target_id === '001565aa0001'));

    const both = await h.json<AuditPage>('GET', '/audit?actor=admin&action=device.&target_id=001565aa0001');
    assert.deepEqual(both.items.map((i) => i.action), ['device.assign', 'device.create']);

    const since = await h.json<AuditPage>(`GET`, `/audit?since=${encodeURIComponent(later)}`);
    assert.deepEqual(since.items.map((i) => i.action), ['settings.update', 'device.update', 'auth.login']);
    const until = await h.json<AuditPage>(`GET`, `/audit?until=${encodeURIComponent(later)}`);
    assert.ok(until.items.every((i) => i.at <= t0));
    assert.equal(since.total + until.total, (await h.json<AuditPage>('GET', '/audit')).total);

    // Pages: newest first, disjoint, same total.
    const all = await h.json<AuditPage>('GET', '/audit?per_page=500');
    const ids = all.items.map((i) => i.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => y - x));
    const p1 = await h.json<AuditPage>('GET', '/audit?per_page=3&page=1');
    const p2 = await h.json<AuditPage>('GET', '/audit?per_page=3&page=2');
    assert.equal(p1.total, all.total);
    assert.deepEqual([...p1.items, ...p2.items].map((i) => i.id), ids.slice(0, 6));
    assert.deepEqual([p2.page, p2.per_page], [2, 3]);

    assert.equal((await fails(h, 'GET', '/audit?per_page=0', 400)).code, 'VALIDATION_FAILED');
    assert.equal((await fails(h, 'GET', '/audit?page=abc', 400)).code, 'VALIDATION_FAILED');
    // Nothing matching is an empty page, not an error.
    assert.deepEqual((await h.json<AuditPage>('GET', '/audit?actor=nobody')).items, []);
    assert.ok(!JSON.stringify(all).includes('sip-secret') && !JSON.stringify(all).includes('phone-secret') && !JSON.stringify(all).includes('alice-password'));
  });
});

// ---------------------------------------------------------------------------------------------
// Error bodies

test('every error body has the shape {"error": {"code", "message"[, "details"]}} with the status its code maps to', async () => {
  await withHub(async (h) => {
    const site = await makeSite(h, { name: 'Errors' });
    await h.json('POST', '/devices/import', { body: { text: '001565aa0001,T46S', site_id: site } });
    const users: number[] = [];
    for (let i = 0; i < 7; i++) users.push(await makeUser(h, `70${i}`, 1));
    await h.json('POST', '/users', { body: { extension: '800', display_name: 'U', username: 'enduser', password: 'enduser-password' } });
    const userTok = await h.login('enduser', 'enduser-password');
    const login = await h.request('POST', '/auth/login', { body: ADMIN });
    const cookie = /edgeprov_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const tok = h.adminToken;

    const cases: Array<[string, number, string, () => Promise<Response>]> = [
      ['malformed JSON', 400, 'VALIDATION_FAILED', () => h.request('POST', '/sites', { token: tok, body: '{"name": ' })],
      ['schema violation', 400, 'VALIDATION_FAILED', () => h.request('POST', '/sites', { token: tok, body: { name: 42 } })],
      ['bad query', 400, 'VALIDATION_FAILED', () => h.request('GET', '/devices?per_page=0', { token: tok })],
      ['bad MAC', 400, 'INVALID_MAC', () => h.request('GET', '/devices/zz:zz', { token: tok })],
      ['bad template', 400, 'TEMPLATE_INVALID', () => h.request('POST', '/templates', { token: tok, body: { name: 't', engine: 'default', body: '{{x}}' } })],
      ['bad import', 400, 'VALIDATION_FAILED', () => h.request('POST', '/devices/import', { token: tok, body: { text: 'a', csv: 'b' } })],
      ['anonymous', 401, 'UNAUTHENTICATED', () => h.request('GET', '/sites')],
      ['unknown bearer', 401, 'UNAUTHENTICATED', () => h.request('GET', '/sites', { token: 'nope' })],
      ['wrong password', 401, 'UNAUTHENTICATED', () => h.request('POST', '/auth/login', { body: { username: 'admin', password: 'wrong-password' } })],
      ['user on admin route', 403, 'FORBIDDEN', () => h.request('GET', '/sites', { token: userTok })],
      ['admin on /me', 403, 'FORBIDDEN', () => h.request('GET', '/me/devices', { token: tok })],
      ['CSRF', 403, 'CSRF_FAILED', () => h.request('POST', '/sites', { body: { name: 'x' }, headers: { cookie: `edgeprov_session=${cookie}` } })],
      ['missing resource', 404, 'NOT_FOUND', () => h.request('GET', '/sites/999', { token: tok })],
      ['missing device', 404, 'NOT_FOUND', () => h.request('GET', '/devices/001565ffffff', { token: tok })],
      ['unknown route', 404, 'NOT_FOUND', () => h.request('GET', '/no/such/route', { token: tok })],
      ['unknown method', 404, 'NOT_FOUND', () => h.request('PUT', '/sites', { token: tok, body: {} })],
      ['duplicate', 409, 'ALREADY_EXISTS', () => h.request('POST', '/sites', { token: tok, body: { name: 'Errors', fqdn: 'a.example' } })],
      ['conflict', 409, 'CONFLICT', () => h.request('DELETE', `/sites/${site}`, { token: tok })],
      ['7th user', 409, 'TOO_MANY_USERS', () => h.request('PUT', '/devices/001565aa0001/users', { token: tok, body: { users } })],
      ['too large', 413, 'PAYLOAD_TOO_LARGE', () => h.request('POST', '/devices/import', { token: tok, body: JSON.stringify({ text: 'x'.repeat(21 * 1024 * 1024) }) })],
      ['wrong media type', 415, 'UNSUPPORTED_MEDIA_TYPE', () => h.request('POST', '/sites', { token: tok, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
      ['freemarker syntax', 400, 'TEMPLATE_INVALID', () => h.request('POST', '/templates', { token: tok, body: { name: 't', engine: 'freemarker', body: '<#if>' } })],
    ];
    for (const [what, status, code, send] of cases) {
      const res = await send();
      const text = await res.text();
      assert.equal(res.status, status, `${what}: ${text}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
      const body = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['error'], what);
      const err = body.error as Record<string, unknown>;
      const keys = Object.keys(err);
      assert.ok(keys.includes('code') && keys.includes('message'), `${what}: ${text}`);
      assert.ok(keys.every((k) => ['code', 'message', 'details'].includes(k)), `${what}: ${text}`);
      assert.equal(err.code, code, what);
      assert.equal(typeof err.message, 'string', what);
      assert.ok((err.message as string).length > 0, what);
      assert.equal(ERROR_STATUS[err.code as keyof typeof ERROR_STATUS], status, `${what}: the code maps to the status`);
    }
  });
});
