/**
 * /sites: CRUD, defaults, validation, duplicate names, refusal to delete a site with devices,
 * firewall facts (JSON and text) and sync tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fails, withHub, testHub, makeSite, changesSince, lastSeq, auditSince, lastAuditId, type TestHub } from '../helpers/hub.js';

interface Rule {
  purpose: string;
  from: string;
  to: string;
  protocol: 'udp' | 'tcp';
  ports: string;
  note?: string;
}

/** Sends as the admin and returns the error, asserting the status. */
function siteCount(h: TestHub): number {
  return (h.db.prepare(`SELECT count(*) AS n FROM sites`).get() as { n: number }).n;
}

function rule(rules: Rule[], purpose: RegExp): Rule {
  const r = rules.find((x) => purpose.test(x.purpose));
  assert.ok(r, `a rule for ${purpose}: ${JSON.stringify(rules)}`);
  return r;
}

test('POST /sites fills every default and GET returns the same site', async () => {
  await withHub(async (h) => {
    const site = await h.json('POST', '/sites', { body: { name: 'Berlin', fqdn: 'pbx.example.com' } });
    assert.equal(typeof site.id, 'number');
    assert.deepEqual(site, {
      id: site.id,
      name: 'Berlin',
      timezone: 'UTC',
      ntp_server: 'pool.ntp.org',
      provision_mode: 'fqdn',
      fqdn: 'pbx.example.com',
      public_ip: null,
      edge_lan_ip: null,
      edge_http_port: 80,
      edge_https_port: null,
      edge_tftp_port: 69,
      sip_port: 5060,
      sip_transport: 'udp',
      rtp_port_min: 10000,
      rtp_port_max: 20000,
      provision_limit: 1,
      dhcp: { mode: 'off', pool_start: null, pool_end: null, router: null, dns: [], lease_time_s: 86400 },
    });
    assert.deepEqual(await h.json('GET', `/sites/${site.id}`), site);
    const list = await h.json('GET', '/sites');
    assert.deepEqual(list.items, [site]);
  });
});

test('POST /sites keeps every field given; the write is in the change log and the audit log', async () => {
  await withHub(async (h) => {
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const input = {
      name: 'Hamburg',
      timezone: 'Europe/Berlin',
      ntp_server: 'ntp.example.net',
      provision_mode: 'public_ip',
      fqdn: null,
      public_ip: '203.0.113.10',
      edge_lan_ip: '192.168.10.2',
      edge_http_port: 8080,
      edge_https_port: 8443,
      edge_tftp_port: 6969,
      sip_port: 5061,
      sip_transport: 'tls',
      rtp_port_min: 16384,
      rtp_port_max: 32767,
      provision_limit: 3,
      dhcp: { mode: 'known-only', pool_start: '192.168.10.100', pool_end: '192.168.10.199', router: '192.168.10.1', dns: ['192.168.10.1'], lease_time_s: 3600 },
    };
    const site = await h.json('POST', '/sites', { body: input });
    assert.deepEqual(site, { id: site.id, ...input });
    const changes = changesSince(h.db, seq);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]?.entity, 'site');
    assert.equal(changes[0]?.site_id, site.id);
    assert.equal(changes[0]?.deleted, 0);
    assert.deepEqual(changes[0]?.data, site);
    const audit = auditSince(h.db, audit0);
    assert.deepEqual(audit.map((a) => [a.actor, a.action, a.target_type, a.target_id]), [['admin', 'site.create', 'site', String(site.id)]]);
  });
});

test('PATCH /sites/{id} changes only what is given, merges dhcp, and is logged; DELETE removes with a tombstone', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, { name: 'Munich' });
    const before = await h.json('GET', `/sites/${id}`);
    const seq = lastSeq(h.db);
    const audit0 = lastAuditId(h.db);
    const after = await h.json('PATCH', `/sites/${id}`, {
      body: { timezone: 'Europe/Berlin', sip_port: 5070, edge_lan_ip: '10.1.0.2', dhcp: { mode: 'full', pool_start: '10.1.0.100', pool_end: '10.1.0.150' } },
    });
    assert.deepEqual(after, {
      ...before,
      timezone: 'Europe/Berlin',
      sip_port: 5070,
      edge_lan_ip: '10.1.0.2',
      dhcp: { ...before.dhcp, mode: 'full', pool_start: '10.1.0.100', pool_end: '10.1.0.150' },
    });
    assert.deepEqual(await h.json('GET', `/sites/${id}`), after);
    const ch = changesSince(h.db, seq);
    assert.ok(ch.some((c) => c.entity === 'site' && c.key === String(id) && c.deleted === 0 && c.data.sip_port === 5070));
    const au = auditSince(h.db, audit0);
    assert.equal(au.length, 1);
    assert.equal(au[0]?.action, 'site.update');
    assert.equal(au[0]?.before.sip_port, 5060);
    assert.equal(au[0]?.after.sip_port, 5070);

    const seq2 = lastSeq(h.db);
    assert.deepEqual(await h.json('DELETE', `/sites/${id}`), { ok: true });
    assert.equal((await fails(h, 'GET', `/sites/${id}`, 404)).code, 'NOT_FOUND');
    const tomb = changesSince(h.db, seq2);
    assert.deepEqual(tomb.map((c) => [c.entity, c.key, c.deleted, c.data, c.site_id]), [['site', String(id), 1, null, id]]);
    assert.equal(auditSince(h.db, audit0).at(-1)?.action, 'site.delete');
  });
});

test('unknown site ids answer 404 NOT_FOUND on every /sites/{id} route; a non-numeric id is a 400', async () => {
  await withHub(async (h) => {
    assert.equal((await fails(h, 'GET', '/sites/999', 404)).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'PATCH', '/sites/999', 404, { ntp_server: 'x.example' })).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'DELETE', '/sites/999', 404)).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'GET', '/sites/999/firewall', 404)).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'POST', '/sites/999/tokens', 404)).code, 'NOT_FOUND');
    assert.equal((await fails(h, 'GET', '/sites/abc', 400)).code, 'VALIDATION_FAILED');
  });
});

test('validation: bad timezone, bad port, fqdn mode without fqdn, unknown field: 400 VALIDATION_FAILED naming the field', async () => {
  await withHub(async (h) => {
    const tz = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', timezone: 'Mars/Olympus_Mons' });
    assert.equal(tz.code, 'VALIDATION_FAILED');
    assert.match(tz.message, /timezone/);
    assert.equal(tz.details.issues[0].path, 'timezone');

    const port = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', sip_port: 70000 });
    assert.equal(port.code, 'VALIDATION_FAILED');
    assert.match(port.message, /sip_port/);
    const port0 = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', edge_http_port: 0 });
    assert.match(port0.message, /edge_http_port/);
    const portStr = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', edge_tftp_port: '69' });
    assert.match(portStr.message, /edge_tftp_port/);

    const fqdn = await fails(h, 'POST', '/sites', 400, { name: 'A', provision_mode: 'fqdn' });
    assert.equal(fqdn.code, 'VALIDATION_FAILED');
    assert.match(fqdn.message, /fqdn/);
    const pip = await fails(h, 'POST', '/sites', 400, { name: 'A', provision_mode: 'public_ip', fqdn: 'pbx.example.com' });
    assert.equal(pip.code, 'VALIDATION_FAILED');
    assert.match(pip.message, /public_ip/);

    const unknown = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', colour: 'blue' });
    assert.equal(unknown.code, 'VALIDATION_FAILED');
    assert.match(unknown.message, /colour/);

    const rtp = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', rtp_port_min: 30000, rtp_port_max: 20000 });
    assert.equal(rtp.code, 'VALIDATION_FAILED');
    assert.match(rtp.message, /rtp_port/);

    const dhcp = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', dhcp: { mode: 'full' } });
    assert.equal(dhcp.code, 'VALIDATION_FAILED');
    assert.match(dhcp.message, /pool_start/);

    const ip = await fails(h, 'POST', '/sites', 400, { name: 'A', fqdn: 'pbx.example.com', edge_lan_ip: '999.1.1.1' });
    assert.match(ip.message, /edge_lan_ip/);

    const noName = await fails(h, 'POST', '/sites', 400, { fqdn: 'pbx.example.com' });
    assert.match(noName.message, /name/);

    assert.equal(siteCount(h), 0, 'nothing was created');
  });
});

test('PATCH validation: an unknown field or an inconsistent result is refused and the site is unchanged', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, { name: 'Patchy' });
    const before = await h.json('GET', `/sites/${id}`);
    const seq = lastSeq(h.db);
    const unknown = await fails(h, 'PATCH', `/sites/${id}`, 400, { id: 7 });
    assert.equal(unknown.code, 'VALIDATION_FAILED');
    assert.match(unknown.message, /"id"/);
    const mode = await fails(h, 'PATCH', `/sites/${id}`, 400, { provision_mode: 'public_ip' });
    assert.equal(mode.code, 'VALIDATION_FAILED');
    assert.match(mode.message, /public_ip/);
    const clear = await fails(h, 'PATCH', `/sites/${id}`, 400, { fqdn: null });
    assert.equal(clear.code, 'VALIDATION_FAILED');
    const tz = await fails(h, 'PATCH', `/sites/${id}`, 400, { timezone: 'Not/AZone' });
    assert.match(tz.message, /timezone/);
    assert.deepEqual(await h.json('GET', `/sites/${id}`), before);
    assert.equal(changesSince(h.db, seq).length, 0, 'refused writes leave no change-log rows');
  });
});

test('duplicate site name (any case) is 409 ALREADY_EXISTS, on create and on rename', async () => {
  await withHub(async (h) => {
    await makeSite(h, { name: 'Branch A' });
    const other = await makeSite(h, { name: 'Branch B' });
    const dup = await fails(h, 'POST', '/sites', 409, { name: 'branch a', fqdn: 'pbx.example.com' });
    assert.equal(dup.code, 'ALREADY_EXISTS');
    const rename = await fails(h, 'PATCH', `/sites/${other}`, 409, { name: 'Branch A' });
    assert.equal(rename.code, 'ALREADY_EXISTS');
    assert.equal((await h.json('GET', `/sites/${other}`)).name, 'Branch B');
    // Renaming a site to its own name is fine.
    assert.equal((await h.json('PATCH', `/sites/${other}`, { body: { name: 'Branch B' } })).name, 'Branch B');
    assert.equal(siteCount(h), 2);
  });
});

test('DELETE /sites/{id} is refused with 409 CONFLICT while the site has devices', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, { name: 'Busy' });
    await h.json('POST', '/devices/import', { body: { text: '00:15:65:aa:00:01\n00:15:65:aa:00:02', site_id: id } });
    const seq = lastSeq(h.db);
    const err = await fails(h, 'DELETE', `/sites/${id}`, 409);
    assert.equal(err.code, 'CONFLICT');
    assert.equal(err.details.devices, 2);
    assert.equal((await h.json('GET', `/sites/${id}`)).name, 'Busy');
    assert.equal(changesSince(h.db, seq).length, 0);
    await h.json('POST', '/devices/actions/remove', { body: { macs: ['001565aa0001', '001565aa0002'] } });
    assert.deepEqual(await h.json('DELETE', `/sites/${id}`), { ok: true });
    assert.equal(siteCount(h), 0);
  });
});

test('GET /sites/{id}/firewall (JSON): rules computed from a site with DHCP, TLS, HTTPS and a custom RTP range', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, {
      name: 'Firewalled',
      fqdn: 'sip.example.org',
      edge_lan_ip: '192.168.1.5',
      edge_http_port: 8080,
      edge_https_port: 8443,
      edge_tftp_port: 69,
      sip_port: 5061,
      sip_transport: 'tls',
      rtp_port_min: 16384,
      rtp_port_max: 32767,
      ntp_server: 'ntp.example.org',
      dhcp: { mode: 'full', pool_start: '192.168.1.100', pool_end: '192.168.1.200' },
    });
    const res = await h.request('GET', `/sites/${id}/firewall`, { token: h.adminToken });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { site_id: number; rules: Rule[] };
    assert.equal(body.site_id, id);
    const dhcp = rule(body.rules, /DHCP/);
    assert.deepEqual([dhcp.protocol, dhcp.ports, dhcp.to], ['udp', '67', '192.168.1.5']);
    const tftp = rule(body.rules, /TFTP/);
    assert.deepEqual([tftp.protocol, tftp.ports, tftp.from, tftp.to], ['udp', '69', 'phones', '192.168.1.5']);
    const http = rule(body.rules, /^HTTP provisioning/);
    assert.deepEqual([http.protocol, http.ports], ['tcp', '8080']);
    const https = rule(body.rules, /HTTPS/);
    assert.deepEqual([https.protocol, https.ports], ['tcp', '8443']);
    const sync = rule(body.rules, /hub/i);
    assert.deepEqual([sync.protocol, sync.ports, sync.from, sync.to], ['tcp', '443', '192.168.1.5', 'https://hub.example.com']);
    const sip = rule(body.rules, /SIP/);
    assert.deepEqual([sip.protocol, sip.ports, sip.to], ['tcp', '5061', 'sip.example.org'], 'SIP over TLS is TCP');
    const rtp = rule(body.rules, /RTP/);
    assert.deepEqual([rtp.protocol, rtp.ports, rtp.to], ['udp', '16384-32767', 'sip.example.org']);
    const ntp = rule(body.rules, /NTP/);
    assert.deepEqual([ntp.protocol, ntp.ports, ntp.to], ['udp', '123', 'ntp.example.org']);
  });
});

test('GET /sites/{id}/firewall: without DHCP there is no DHCP rule; udp SIP stays udp; public_ip mode targets the public IP', async () => {
  await withHub(async (h) => {
    const plain = await makeSite(h, { name: 'Plain' });
    const body = await h.json<{ site_id: number; rules: Rule[] }>('GET', `/sites/${plain}/firewall`);
    assert.ok(!body.rules.some((r) => /DHCP/.test(r.purpose)), 'no DHCP rule when dhcp.mode is off');
    assert.ok(!body.rules.some((r) => /HTTPS/.test(r.purpose)), 'no HTTPS rule without an HTTPS port');
    const sip = rule(body.rules, /SIP/);
    assert.deepEqual([sip.protocol, sip.ports, sip.to], ['udp', '5060', 'pbx.example.com']);
    assert.equal(rule(body.rules, /RTP/).ports, '10000-20000');

    const tcp = await makeSite(h, { name: 'TCP', provision_mode: 'public_ip', fqdn: null, public_ip: '198.51.100.7', sip_transport: 'tcp' });
    const t = await h.json<{ site_id: number; rules: Rule[] }>('GET', `/sites/${tcp}/firewall`);
    const tsip = rule(t.rules, /SIP/);
    assert.deepEqual([tsip.protocol, tsip.to], ['tcp', '198.51.100.7']);
    assert.equal(rule(t.rules, /RTP/).to, '198.51.100.7');

    // Turning DHCP on adds the rule.
    await h.json('PATCH', `/sites/${plain}`, { body: { edge_lan_ip: '10.0.0.2', dhcp: { mode: 'known-only', pool_start: '10.0.0.10', pool_end: '10.0.0.20' } } });
    const on = await h.json<{ site_id: number; rules: Rule[] }>('GET', `/sites/${plain}/firewall`);
    assert.equal(rule(on.rules, /DHCP/).ports, '67');
  });
});

test('GET /sites/{id}/firewall as text/plain lists the same rules, one per line', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, {
      name: 'Texty', edge_lan_ip: '192.168.1.5', sip_transport: 'tls', sip_port: 5061, rtp_port_min: 16384, rtp_port_max: 32767,
      dhcp: { mode: 'full', pool_start: '192.168.1.100', pool_end: '192.168.1.200' },
    });
    const json = await h.json<{ site_id: number; rules: Rule[] }>('GET', `/sites/${id}/firewall`);
    const res = await h.request('GET', `/sites/${id}/firewall`, { token: h.adminToken, headers: { accept: 'text/plain' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, /Texty/);
    const lines = text.trimEnd().split('\n').filter((l) => !l.startsWith('#'));
    assert.equal(lines.length, json.rules.length);
    for (const r of json.rules) assert.ok(text.includes(`${r.protocol}/${r.ports}\t${r.from} -> ${r.to}`), `${r.purpose} in:\n${text}`);
    assert.match(text, /^udp\/67\t/m);
    assert.match(text, /^tcp\/5061\t/m);
    assert.match(text, /^udp\/16384-32767\t/m);
    assert.match(text, /^tcp\/443\t192\.168\.1\.5 -> https:\/\/hub\.example\.com/m);

    const off = await makeSite(h, { name: 'Off' });
    const offText = await (await h.request('GET', `/sites/${off}/firewall`, { token: h.adminToken, headers: { accept: 'text/plain' } })).text();
    assert.doesNotMatch(offText, /udp\/67\t/);
    assert.match(offText, /^udp\/5060\t/m);
  });
});

test('POST /sites/{id}/tokens returns a sync token once; only its SHA-256 hash is stored', async () => {
  await withHub(async (h) => {
    const id = await makeSite(h, { name: 'Tokens' });
    const audit0 = lastAuditId(h.db);
    const a = await h.json<{ site_id: number; token: string }>('POST', `/sites/${id}/tokens`);
    const b = await h.json<{ site_id: number; token: string }>('POST', `/sites/${id}/tokens`);
    assert.equal(a.site_id, id);
    assert.match(a.token, /^eps_[A-Za-z0-9_-]{40,}$/);
    assert.notEqual(a.token, b.token);
    const rows = h.db.prepare(`SELECT site_id, token_hash FROM site_tokens ORDER BY id`).all() as { site_id: number; token_hash: string }[];
    assert.deepEqual(rows, [
      { site_id: id, token_hash: createHash('sha256').update(a.token).digest('hex') },
      { site_id: id, token_hash: createHash('sha256').update(b.token).digest('hex') },
    ]);
    const dump = JSON.stringify(h.db.prepare(`SELECT * FROM site_tokens`).all()) + JSON.stringify(h.db.prepare(`SELECT * FROM audit_log`).all());
    assert.ok(!dump.includes(a.token) && !dump.includes(b.token), 'the plain token is stored nowhere');
    assert.deepEqual(auditSince(h.db, audit0).map((x) => [x.action, x.target_id]), [['site.token.create', String(id)], ['site.token.create', String(id)]]);
  });
});
