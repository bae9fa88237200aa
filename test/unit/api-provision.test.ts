/**
 * The Provision menu (Auto Provision, Bulk Provision) and a device's templates: sample download,
 * custom upload validated with line and column, config preview with secrets masked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiError, testHub, makeSite, makeUser, lastSeq, lastAuditId, changesSince, auditSince, type TestHub } from '../helpers/hub.js';

interface BulkBody {
  applied: boolean;
  rows: Array<{ line: number; mac: string; extensions: string[] }>;
  errors: Array<{ line: number; column: number; field: string; message: string }>;
}

async function importText(h: TestHub, text: string): Promise<void> {
  const body = await h.json('POST', '/devices/import', { body: { text } });
  assert.equal(body.applied, true);
}

async function extensionsOf(h: TestHub, mac: string): Promise<string[]> {
  return ((await h.json('GET', `/devices/${mac}`)).users as Array<{ extension: string }>).map((u) => u.extension);
}

async function bulkRaw(h: TestHub, body: Record<string, unknown>): Promise<{ status: number; body: BulkBody }> {
  const res = await h.request('POST', '/provision/bulk', { body, token: h.adminToken });
  return { status: res.status, body: (await res.json()) as BulkBody };
}

function assignmentRows(h: TestHub): Array<{ mac: string; position: number; user_id: number }> {
  return h.db.prepare(`SELECT mac, position, user_id FROM device_users ORDER BY mac, position`).all() as Array<{ mac: string; position: number; user_id: number }>;
}

/* ------------------------------------------------------------------ auto provision */

test('auto provision pairs the given unassigned MACs, in order, with licensed unassigned users that have SIP accounts', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, ['001565000001,T46S', '001565000002,T46S', '001565000003,T46S', '001565000004,T46S', '001565000005,T46S', '001565000009,T46S'].join('\n'));
    // Candidates in extension order: 301, 302, 1000. Not candidates: unlicensed 300, no SIP account 299, already on a phone 298.
    const u1000 = await makeUser(h, '1000');
    const u302 = await makeUser(h, '302');
    const u301 = await makeUser(h, '301');
    await makeUser(h, '300', 1, { ip_phone_license: false });
    await makeUser(h, '299', 0);
    const u298 = await makeUser(h, '298');
    await h.json('PUT', '/devices/001565000009/users', { body: { users: [u298] } });

    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const res = await h.json('POST', '/provision/auto', { body: { macs: ['00:15:65:00:00:03', '001565000001', '001565000009', '0015.6500.0002', '001565000004', '00-15-65-00-00-03'] } });
    assert.deepEqual(res.pairs, [
      { mac: '001565000003', user_id: u301, extension: '301' },
      { mac: '001565000001', user_id: u302, extension: '302' },
      { mac: '001565000002', user_id: u1000, extension: '1000' },
    ]);
    assert.deepEqual(res.skipped, [
      { mac: '001565000009', reason: 'already assigned' },
      { mac: '001565000004', reason: 'no unassigned licensed user with a SIP account left' },
    ]);
    assert.deepEqual(await extensionsOf(h, '001565000003'), ['301']);
    assert.deepEqual(await extensionsOf(h, '001565000001'), ['302']);
    assert.deepEqual(await extensionsOf(h, '001565000002'), ['1000']);
    assert.deepEqual(await extensionsOf(h, '001565000004'), []);
    assert.deepEqual(await extensionsOf(h, '001565000005'), [], 'not selected, not touched');
    assert.deepEqual(await extensionsOf(h, '001565000009'), ['298']);
    const changes = changesSince(h.db, seq);
    assert.deepEqual(changes.map((c) => [c.entity, c.key]), [['device', '001565000003'], ['device', '001565000001'], ['device', '001565000002']]);
    assert.equal(new Set(changes.map((c) => c.txid)).size, 1, 'one transaction');
    const audits = auditSince(h.db, audit);
    assert.deepEqual(audits.map((a) => a.action), ['device.assign', 'device.assign', 'device.assign', 'provision.auto']);
    assert.equal(audits[3]!.after.pairs.length, 3);

    // Run again: nobody is left to pair.
    const again = await h.json('POST', '/provision/auto', { body: { macs: ['001565000004', '001565000005'] } });
    assert.deepEqual(again.pairs, []);
    assert.equal(again.skipped.length, 2);
  } finally {
    h.close();
  }
});

test('auto provision: an unknown or malformed MAC fails the whole request and nothing is paired', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S\n001565000002,T46S');
    await makeUser(h, '501');
    await makeUser(h, '502');
    const seq = lastSeq(h.db);
    const unknown = await apiError(h, 'POST', '/provision/auto', { macs: ['001565000001', '001565ffffff'] });
    assert.deepEqual([unknown.status, unknown.code], [404, 'NOT_FOUND']);
    const garbage = await apiError(h, 'POST', '/provision/auto', { macs: ['001565000001', 'what'] });
    assert.deepEqual([garbage.status, garbage.code], [400, 'INVALID_MAC']);
    const empty = await apiError(h, 'POST', '/provision/auto', { macs: [] });
    assert.deepEqual([empty.status, empty.code], [400, 'VALIDATION_FAILED']);
    assert.deepEqual(assignmentRows(h), []);
    assert.deepEqual(changesSince(h.db, seq), []);
  } finally {
    h.close();
  }
});

test('auto provision with an explicit user order pairs in that order', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S\n001565000002,T46S');
    const a = await makeUser(h, '601');
    const b = await makeUser(h, '602');
    const res = await h.json('POST', '/provision/auto', { body: { macs: ['001565000001', '001565000002'], users: [b, a] } });
    assert.deepEqual(res.pairs.map((p: { mac: string; extension: string }) => [p.mac, p.extension]), [['001565000001', '602'], ['001565000002', '601']]);
    // An unlicensed user in the explicit list is refused, not paired.
    await importText(h, '001565000003,T46S');
    const c = await makeUser(h, '603', 1, { ip_phone_license: false });
    const f = await apiError(h, 'POST', '/provision/auto', { macs: ['001565000003'], users: [c] });
    assert.deepEqual([f.status, f.code], [409, 'USER_NOT_LICENSED']);
    assert.deepEqual(await extensionsOf(h, '001565000003'), []);
  } finally {
    h.close();
  }
});

/* ------------------------------------------------------------------ bulk provision */

test('bulk provision validates the whole CSV first: one bad line → 400 with line and column, nothing applied', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, ['001565000001,T46S', '001565000002,T46S', '001565000003,T46S', '001565000031,T31P'].join('\n'));
    for (const ext of ['201', '202', '203', '204']) await makeUser(h, ext);
    await makeUser(h, '299', 1, { ip_phone_license: false });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const good = ['mac,extension,extension', '00:15:65:00:00:01,201,202', '', '# reception', '0015.6500.0002,203'];

    // Each kind of problem, one at a time, appended after valid lines: the error names that line and column.
    const cases: Array<[string, number, string]> = [
      ['001565000003,204,777', 3, 'extension'], // unknown extension in the 3rd column
      ['00:15:65:00:00:0z,204', 1, 'mac'],
      ['001565abcdef,204', 1, 'mac'], // not imported
      ['00-15-65-00-00-01,204', 1, 'mac'], // duplicate of line 2
      ['001565000031,201,202,203', 2, 'extension'], // T31P holds 2 lines
      ['001565000003,299', 2, 'extension'], // unlicensed
      ['001565000003,204,204', 2, 'extension'], // the same user twice
    ];
    for (const [line, column, field] of cases) {
      const { status, body } = await bulkRaw(h, { csv: [...good, line].join('\n') });
      assert.equal(status, 400, line);
      assert.equal(body.applied, false);
      assert.deepEqual(body.errors.map((e) => [e.line, e.column, e.field]), [[6, column, field]], line);
    }
    const dupMsg = (await bulkRaw(h, { csv: [...good, '00-15-65-00-00-01,204'].join('\n') })).body.errors[0]!.message;
    assert.match(dupMsg, /line 2\b/);
    const linesMsg = (await bulkRaw(h, { csv: [...good, '001565000031,201,202,203'].join('\n') })).body.errors[0]!.message;
    assert.match(linesMsg, /T31P/);
    assert.match(linesMsg, /\b2\b/);

    assert.deepEqual(assignmentRows(h), []);
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.deepEqual(auditSince(h.db, audit), []);
  } finally {
    h.close();
  }
});

test('bulk provision: more than 6 extensions on a line are refused', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S');
    for (let i = 1; i <= 7; i++) await makeUser(h, `70${i}`);
    const { status, body } = await bulkRaw(h, { csv: '001565000001,701,702,703,704,705,706,707\n' });
    assert.equal(status, 400);
    assert.deepEqual(body.errors.map((e) => [e.line, e.column, e.field]), [[1, 8, 'extension']]);
    assert.match(body.errors[0]!.message, /6/);
    assert.deepEqual(assignmentRows(h), []);
    // Six are fine.
    const six = await h.json<BulkBody>('POST', '/provision/bulk', { body: { csv: '001565000001,701,702,703,704,705,706\n' } });
    assert.equal(six.applied, true);
    assert.deepEqual(await extensionsOf(h, '001565000001'), ['701', '702', '703', '704', '705', '706']);
  } finally {
    h.close();
  }
});

test('bulk provision: preview applies nothing; applying sets every listed phone in order in one transaction', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S\n001565000002,T46S\n001565000003,T46S');
    const u = new Map<string, number>();
    for (const ext of ['201', '202', '203']) u.set(ext, await makeUser(h, ext));
    // 001565000003 already carries 201 and is not in the CSV: left alone.
    await h.json('PUT', '/devices/001565000003/users', { body: { users: [u.get('201')] } });
    const csv = 'MAC,Extensions\n001565000001,203,201\n00:15:65:00:00:02,202,,\n';
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const preview = await h.json<BulkBody>('POST', '/provision/bulk', { body: { csv, preview: true } });
    assert.equal(preview.applied, false);
    assert.deepEqual(preview.errors, []);
    assert.deepEqual(preview.rows, [
      { line: 2, mac: '001565000001', extensions: ['203', '201'] },
      { line: 3, mac: '001565000002', extensions: ['202'] },
    ]);
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.deepEqual(auditSince(h.db, audit), []);
    assert.deepEqual(await extensionsOf(h, '001565000001'), []);

    const applied = await h.json<BulkBody>('POST', '/provision/bulk', { body: { csv } });
    assert.equal(applied.applied, true);
    assert.deepEqual(await extensionsOf(h, '001565000001'), ['203', '201']);
    assert.deepEqual(await extensionsOf(h, '001565000002'), ['202']);
    assert.deepEqual(await extensionsOf(h, '001565000003'), ['201']);
    const changes = changesSince(h.db, seq);
    assert.deepEqual(changes.map((c) => c.key), ['001565000001', '001565000002']);
    assert.equal(new Set(changes.map((c) => c.txid)).size, 1);
    const audits = auditSince(h.db, audit);
    assert.deepEqual(audits.map((a) => a.action), ['device.assign', 'device.assign', 'provision.bulk']);
    assert.deepEqual(audits[2]!.after.rows, [{ mac: '001565000001', extensions: ['203', '201'] }, { mac: '001565000002', extensions: ['202'] }]);

  } finally {
    h.close();
  }
});

test('bulk provision: empty input and CSV syntax errors are refused with a line', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S');
    await makeUser(h, '201');
    const empty = await bulkRaw(h, { csv: '# nothing\n' });
    assert.equal(empty.status, 400);
    assert.match(empty.body.errors[0]!.message, /nothing to provision/);
    const header = await bulkRaw(h, { csv: 'mac,extension\n' });
    assert.equal(header.status, 400, 'a header alone provisions nothing');
    const quote = await bulkRaw(h, { csv: '001565000001,201\n001565000001,2"01\n' });
    assert.equal(quote.status, 400);
    assert.deepEqual(quote.body.errors.map((e) => [e.line, e.field]), [[2, 'csv']]);
    assert.deepEqual(assignmentRows(h), []);
  } finally {
    h.close();
  }
});

/* ------------------------------------------------------------------ templates and config */

const SAMPLE = readFileSync(new URL('../../../templates/yealink/device.tpl', import.meta.url), 'utf8');

/** A valid Default-engine template; `line12` replaces its 12th line. */
function customTemplate(line12 = 'label = {{lines.1.label}}'): string {
  const lines = [
    '#!version:1.0.0.1',
    '## custom template for one phone',
    'static.security.user_password = admin:{{device.login_password}}',
    'static.auto_provision.server.url = {{provisioning.url}}',
    'static.auto_provision.server.password = {{provisioning.password}}',
    'device = {{ device.mac_colon }} {{device.name}}',
    'site = {{site.name}} {{site.timezone}}',
    'server = {{server.host}}:{{server.sip_port}}',
    'account.1.user_name = {{lines.1.username}}',
    'account.1.password = {{lines.1.password}}',
    'account.9.user_name = {{lines.9.username}}',
    line12,
    '',
  ];
  return lines.join('\n');
}

test('template sample: GET /devices/{mac}/template/sample?engine=default returns templates/yealink/device.tpl', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S\naabbcc000001,Mystery');
    const res = await h.request('GET', '/devices/00:15:65:00:00:01/template/sample?engine=default', { token: h.adminToken });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), SAMPLE);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="yealink-device\.tpl"/);
    // Without ?engine the device's engine is used (default).
    assert.equal(await (await h.request('GET', '/devices/001565000001/template/sample', { token: h.adminToken })).text(), SAMPLE);
    const bad = await apiError(h, 'GET', '/devices/001565000001/template/sample?engine=jinja');
    assert.deepEqual([bad.status, bad.code], [400, 'VALIDATION_FAILED']);
    const noVendor = await apiError(h, 'GET', '/devices/aabbcc000001/template/sample?engine=default');
    assert.deepEqual([noVendor.status, noVendor.code], [404, 'NOT_FOUND']);
  } finally {
    h.close();
  }
});

test('template upload: an error at line 12 column 5 → 400 TEMPLATE_INVALID with that position, nothing stored', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S');
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const templates = () => (h.db.prepare(`SELECT count(*) AS n FROM templates`).get() as { n: number }).n;
    const before = templates();
    // Unknown name: the position is where the name starts.
    const unknown = await apiError(h, 'PUT', '/devices/001565000001/template', { engine: 'default', body: customTemplate('ab{{device.serial}}') });
    assert.deepEqual([unknown.status, unknown.code], [400, 'TEMPLATE_INVALID']);
    assert.equal(unknown.details.line, 12);
    assert.equal(unknown.details.column, 5);
    assert.match(unknown.message, /^12:5: /);
    assert.match(unknown.message, /device\.serial/);
    // Unclosed braces: the position is the opening "{{".
    const unclosed = await apiError(h, 'PUT', '/devices/001565000001/template', { engine: 'default', body: customTemplate('key {{lines.1.username') });
    assert.deepEqual([unclosed.code, unclosed.details.line, unclosed.details.column], ['TEMPLATE_INVALID', 12, 5]);
    // A line field that does not exist.
    const field = await apiError(h, 'PUT', '/devices/001565000001/template', { engine: 'default', body: customTemplate('x = {{lines.1.pasword}}') });
    assert.deepEqual([field.code, field.details.line, field.details.column], ['TEMPLATE_INVALID', 12, 7]);
    assert.equal(templates(), before);
    assert.deepEqual(changesSince(h.db, seq), []);
    assert.deepEqual(auditSince(h.db, audit), []);
    const d = await h.json('GET', '/devices/001565000001');
    assert.equal(d.template_id, null);
    assert.equal((await h.request('GET', '/devices/001565000001/config', { token: h.adminToken })).headers.get('x-template'), 'sample:yealink/device.tpl');
  } finally {
    h.close();
  }
});

test('template upload: a valid template is stored and used by the config preview; secrets masked unless ?reveal=true', async () => {
  const h = await testHub();
  try {
    await makeSite(h, { name: 'Berlin', timezone: 'Europe/Berlin', fqdn: 'pbx.example.com' });
    await importText(h, '001565000001,T46S,Front desk');
    await h.json('PATCH', '/devices/001565000001', { body: { login_password: 'phone-admin-pw' } });
    const u = await makeUser(h, '201');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    const body = customTemplate();
    const t = await h.json('PUT', '/devices/00:15:65:00:00:01/template', { body: { engine: 'default', body, name: 'front desk' } });
    assert.equal(t.body, body);
    assert.equal(t.version, 1);
    assert.equal(t.name, 'front desk');
    assert.deepEqual(t.devices, ['001565000001']);
    const d = await h.json('GET', '/devices/001565000001');
    assert.equal(d.template_id, t.id);
    assert.deepEqual(changesSince(h.db, seq).map((c) => [c.entity, c.key, c.site_id === null]), [['template', String(t.id), true], ['device', '001565000001', false]]);
    assert.deepEqual(auditSince(h.db, audit).map((a) => a.action), ['device.template.upload']);

    const res = await h.request('GET', '/devices/001565000001/config', { token: h.adminToken });
    const masked = await res.text();
    assert.equal(res.status, 200, masked);
    assert.equal(res.headers.get('x-template'), `t:${t.id}`);
    assert.equal(res.headers.get('x-template-version'), '1');
    const lines = masked.split('\n');
    assert.equal(lines[2], 'static.security.user_password = admin:***');
    assert.equal(lines[4], 'static.auto_provision.server.password = ***');
    assert.equal(lines[5], 'device = 00:15:65:00:00:01 Front desk');
    assert.equal(lines[6], 'site = Berlin Europe/Berlin');
    assert.equal(lines[7], 'server = pbx.example.com:5060');
    assert.equal(lines[8], 'account.1.user_name = 201');
    assert.equal(lines[9], 'account.1.password = ***');
    assert.equal(lines[10], 'account.9.user_name = ', 'a missing line renders empty');
    assert.equal(lines[11], 'label = 201');
    assert.ok(!masked.includes('phone-admin-pw') && !masked.includes('pw-201-0'));

    const revealed = await (await h.request('GET', '/devices/001565000001/config?reveal=true', { token: h.adminToken })).text();
    const rl = revealed.split('\n');
    assert.equal(rl[2], 'static.security.user_password = admin:phone-admin-pw');
    assert.equal(rl[9], 'account.1.password = pw-201-0');
    assert.match(rl[4]!, /^static\.auto_provision\.server\.password = \S{10,}$/);
    assert.notEqual(rl[4], lines[4]);

    // Uploading again bumps the version of the same stored template.
    const t2 = await h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: `${body}extra = {{device.model}}\n` } });
    assert.deepEqual([t2.id, t2.version], [t.id, 2]);
    assert.match(await (await h.request('GET', '/devices/001565000001/config', { token: h.adminToken })).text(), /extra = T46S\n$/);

    // A user end of the API cannot see secrets: ?reveal=true needs an admin.
    await h.json('PATCH', `/users/${u}`, { body: { username: 'u201', password: 'user-password-1' } });
    const userToken = await h.login('u201', 'user-password-1');
    const asUser = await h.request('GET', '/devices/001565000001/config?reveal=true', { token: userToken });
    assert.equal(asUser.status, 403);
    const anon = await h.request('GET', '/devices/001565000001/config');
    assert.equal(anon.status, 401);
  } finally {
    h.close();
  }
});

test('template upload: FreeMarker with an error at line 12, column 5 → 400 with that position, nothing stored; a fixed one is used', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S');
    const seq = lastSeq(h.db);
    const lines = Array.from({ length: 11 }, (_, i) => `# line ${i + 1}`);
    // Line 12, column 5: a value without a default that no device has — refused at upload, not at a phone's boot.
    const body = [...lines, '  ${device.nickname}', '<#list lines as l>account.${l.index}.user_name = ${l.username}', '</#list>', ''].join('\n');
    const f = await apiError(h, 'PUT', '/devices/001565000001/template', { engine: 'freemarker', body });
    assert.deepEqual([f.status, f.code], [400, 'TEMPLATE_INVALID']);
    assert.deepEqual([f.details.line, f.details.column], [12, 5]);
    const d = await h.json('GET', '/devices/001565000001');
    assert.deepEqual([d.template_id, d.engine], [null, 'default']);
    assert.deepEqual(changesSince(h.db, seq), []);
    const fixed = body.replace('${device.nickname}', '${device.name}');
    const t = await h.json('PUT', '/devices/001565000001/template', { body: { engine: 'freemarker', body: fixed } });
    assert.equal(t.engine, 'freemarker');
    const cfg = await (await h.request('GET', '/devices/001565000001/config', { token: h.adminToken })).text();
    assert.match(cfg, /# line 11\n  \naccount\.1\.user_name = |# line 11\n  \n$/);
    const shape = await apiError(h, 'PUT', '/devices/001565000001/template', { engine: 'default', body: '' });
    assert.deepEqual([shape.status, shape.code], [400, 'VALIDATION_FAILED']);
  } finally {
    h.close();
  }
});

test('template delete: DELETE /devices/{mac}/template goes back to the sample', async () => {
  const h = await testHub();
  try {
    await makeSite(h);
    await importText(h, '001565000001,T46S');
    const sampleConfig = await (await h.request('GET', '/devices/001565000001/config?reveal=true', { token: h.adminToken })).text();
    const t = await h.json('PUT', '/devices/001565000001/template', { body: { engine: 'default', body: 'only = {{device.mac}}\n' } });
    assert.equal(await (await h.request('GET', '/devices/001565000001/config', { token: h.adminToken })).text(), 'only = 001565000001\n');
    const seq = lastSeq(h.db);
    const audit = lastAuditId(h.db);
    assert.deepEqual(await h.json('DELETE', '/devices/0015.6500.0001/template'), { ok: true });
    const res = await h.request('GET', '/devices/001565000001/config?reveal=true', { token: h.adminToken });
    assert.equal(res.headers.get('x-template'), 'sample:yealink/device.tpl');
    assert.equal(await res.text(), sampleConfig);
    assert.equal((await h.json('GET', '/devices/001565000001')).template_id, null);
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM templates WHERE id = ?`).get(t.id) as { n: number }).n, 0, 'the device template is gone');
    assert.deepEqual(changesSince(h.db, seq).map((c) => [c.entity, c.key, c.deleted]), [['template', String(t.id), 1], ['device', '001565000001', 0]]);
    assert.deepEqual(auditSince(h.db, audit).map((a) => a.action), ['device.template.clear']);
    // Deleting when there is none is harmless and writes nothing.
    const seq2 = lastSeq(h.db);
    assert.deepEqual(await h.json('DELETE', '/devices/001565000001/template'), { ok: true });
    assert.deepEqual(changesSince(h.db, seq2), []);
  } finally {
    h.close();
  }
});

test('config preview of the sample: the assigned lines in order, secrets masked by default', async () => {
  const h = await testHub();
  try {
    await makeSite(h, { fqdn: 'sip.example.org' });
    await importText(h, '001565000001,T46S');
    const a = await makeUser(h, '201');
    const b = await makeUser(h, '202');
    await h.json('PUT', '/devices/001565000001/users', { body: { users: [b, a] } });
    const masked = await (await h.request('GET', '/devices/001565000001/config', { token: h.adminToken })).text();
    assert.match(masked, /account\.1\.user_name = 202\n/);
    assert.match(masked, /account\.1\.password = \*\*\*\n/);
    assert.match(masked, /account\.1\.sip_server\.1\.address = sip\.example\.org\n/);
    assert.match(masked, /account\.2\.user_name = 201\n/);
    assert.match(masked, /static\.security\.user_password = admin:\*\*\*\n/);
    assert.ok(!/pw-20[12]-0/.test(masked));
    const revealed = await (await h.request('GET', '/devices/001565000001/config?reveal=true', { token: h.adminToken })).text();
    assert.match(revealed, /account\.1\.password = pw-202-0\n/);
    assert.match(revealed, /account\.2\.password = pw-201-0\n/);
  } finally {
    h.close();
  }
});
