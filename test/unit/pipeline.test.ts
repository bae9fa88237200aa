/**
 * The request pipeline in-process (resolve → authorize → render → respond → record) on a real edge
 * cache filled from the hub's own snapshot, with a clock the tests move: authenticated and
 * first-boot rules on the `/secure/` path, lease binding, unknown-device evidence and its
 * deduplication, scan throttling, ETag/304, uploads and their ring, the render cache, and that
 * shared files carry no secret. HTTP and TFTP on real sockets are in test/integration/daemon-*.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { createPhoneAuth } from '../../daemon/http/index.js';
import { createMetrics, createPipeline, createScanGuard, etagMatches, type Metrics, type PhoneRequest, type Pipeline } from '../../daemon/pipeline/index.js';
import { deltaFor, snapshotFor } from '../../hub/sync/projection.js';
import { digestAuthorization, pickMd5Challenge } from '../sim/transport.js';
import { makeSite, makeUser, TestClock, testHub, type TestHub } from '../helpers/hub.js';

const YEA = '001565000001';
const YEA_UA = 'Yealink SIP-T46S 66.86.0.15 00:15:65:00:00:01';
const SNOM = '000413000002';

interface Setup {
  h: TestHub;
  site: number;
  cache: Cache;
  clock: TestClock;
  metrics: Metrics;
  p: Pipeline;
  leases: Map<string, string>;
  sync(): void;
  events(kind?: string): Array<{ kind: string; data: any }>;
  close(): void;
}

async function setup(siteOver: Record<string, unknown> = {}): Promise<Setup> {
  const h = await testHub();
  const site = await makeSite(h, { edge_lan_ip: '10.0.0.2', ...siteOver });
  await h.json('POST', '/devices/import', { body: { text: `${YEA},T46S\n${SNOM},D785`, site_id: site } });
  const u = await makeUser(h, '101', 2);
  await h.json('PUT', `/devices/${YEA}/users`, { body: { users: [u] } });
  const clock = new TestClock('2026-03-01T08:00:00Z');
  const cache = createCache({ path: join(h.dir, 'edge.db') }, { clock });
  cache.apply(snapshotFor(h.db, site));
  const metrics = createMetrics();
  const leases = new Map<string, string>();
  const auth = createPhoneAuth({ realm: 'edgeprov', nonceTtlMs: 300_000 }, () => clock.now().getTime());
  const p = createPipeline({ scanCoolingMs: 300_000, uploadRing: 2 }, { cache, clock, auth, metrics, log: pino({ level: 'silent' }), leaseOwner: (ip) => leases.get(ip) });
  return {
    h, site, cache, clock, metrics, p, leases,
    sync: () => void cache.apply(deltaFor(h.db, site, cache.state().cursor)),
    events: (kind) =>
      (cache.db.prepare(`SELECT kind, data FROM outbox ORDER BY id`).all() as Array<{ kind: string; data: string }>)
        .map((r) => ({ kind: r.kind, data: JSON.parse(r.data) }))
        .filter((e) => kind === undefined || e.kind === kind),
    close: () => (cache.close(), h.close()),
  };
}

function get(path: string, over: Partial<PhoneRequest> = {}): PhoneRequest {
  return { protocol: 'http', method: 'GET', path, ip: '10.0.0.21', userAgent: YEA_UA, uri: `/${path}`, ...over };
}

function count(cache: Cache, mac: string): number {
  return (cache.db.prepare(`SELECT count FROM counters WHERE mac = ?`).get(mac) as { count: number } | undefined)?.count ?? 0;
}

test('a boot on the plain path: boot file and device file served, one bootstrap session counted and recorded', async () => {
  const s = await setup();
  try {
    const boot = await s.p.handle(get(`${YEA}.boot`));
    assert.equal(boot.status, 200);
    assert.equal(boot.kind, 'boot');
    assert.match(boot.body!.toString(), new RegExp(`include:config "${YEA}.cfg"`));
    const cfg = await s.p.handle(get(`${YEA}.cfg`));
    assert.equal(cfg.status, 200);
    assert.deepEqual([cfg.kind, cfg.access, cfg.session], ['device', 'bootstrap', 'new']);
    assert.equal(cfg.contentType, 'text/plain; charset=utf-8');
    assert.match(cfg.etag!, /^"[0-9a-f]{64}"$/);
    assert.ok(cfg.body!.toString().split('\n').includes('account.1.password = pw-101-0'));
    assert.equal(count(s.cache, YEA), 1);
    const ev = s.events('provisioned');
    assert.equal(ev.length, 1, 'the boot file is not a provisioning event; the device file is');
    assert.equal(ev[0]!.data.config_hash, cfg.etag!.slice(1, -1));
    assert.equal(ev[0]!.data.firmware, '66.86.0.15');
  } finally {
    s.close();
  }
});

test('/secure/ without credentials: 401 with MD5 and SHA-256 challenges, unless it continues a first boot from the plain path', async () => {
  const s = await setup();
  try {
    const cold = await s.p.handle(get(`secure/${YEA}.cfg`, { ip: '10.0.0.30' }));
    assert.equal(cold.status, 401);
    assert.equal(cold.challenges!.length, 2);
    assert.ok(cold.challenges!.some((c) => /algorithm=MD5/.test(c)) && cold.challenges!.some((c) => /algorithm=SHA-256/.test(c)));
    assert.equal(count(s.cache, YEA), 0, 'a challenge counts nothing');
    assert.equal(s.events().length, 0);

    // Snom's first boot: the plain-path container points at /secure/<MAC>.xml before the phone holds credentials.
    const snomUa = 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413000002 SXM:0 UXM:0)';
    assert.equal((await s.p.handle(get(`snomD785-${SNOM.toUpperCase()}.htm`, { userAgent: snomUa, ip: '10.0.0.31' }))).status, 200);
    const first = await s.p.handle(get(`secure/${SNOM.toUpperCase()}.xml`, { userAgent: snomUa, ip: '10.0.0.31' }));
    assert.deepEqual([first.status, first.access, first.session], [200, 'bootstrap', 'new']);
    // Another IP without that boot file: 401, not a bootstrap.
    assert.equal((await s.p.handle(get(`secure/${SNOM.toUpperCase()}.xml`, { userAgent: snomUa, ip: '10.0.0.32' }))).status, 401);
    // After the window the first boot is over: 401 again.
    s.clock.advance(601_000);
    assert.equal((await s.p.handle(get(`secure/${SNOM.toUpperCase()}.xml`, { userAgent: snomUa, ip: '10.0.0.31' }))).status, 401);
    assert.equal(count(s.cache, SNOM), 1);
  } finally {
    s.close();
  }
});

test('credentials: Digest and Basic on /secure/ are served uncounted past the limit; wrong ones get 401 there and are ignored on the plain path', async () => {
  const s = await setup();
  try {
    const d = s.cache.device(YEA)!;
    assert.equal((await s.p.handle(get(`${YEA}.cfg`))).status, 200);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { ip: '10.0.0.99' }))).status, 403, 'limit 1: another IP is refused');
    const challenge = pickMd5Challenge((await s.p.handle(get(`secure/${YEA}.cfg`, { ip: '10.0.0.50' }))).challenges)!;
    const uri = `/secure/${YEA}.cfg`;
    const digest = digestAuthorization(challenge, 'GET', uri, d.prov_username, d.prov_password);
    const a = await s.p.handle(get(`secure/${YEA}.cfg`, { ip: '10.0.0.50', authorization: digest, uri }));
    assert.deepEqual([a.status, a.access], [200, 'authenticated']);
    const basic = `Basic ${Buffer.from(`${d.prov_username}:${d.prov_password}`).toString('base64')}`;
    assert.deepEqual([(await s.p.handle(get(`secure/${YEA}.cfg`, { ip: '10.0.0.51', authorization: basic }))).access], ['authenticated']);
    // The digest covers the URI: replayed for another path it is refused.
    assert.equal((await s.p.handle(get(`secure/${YEA}.boot`, { ip: '10.0.0.50', authorization: digest, uri: `/secure/${YEA}.boot` }))).status, 200, 'boot files need no credentials');
    const wrong = digestAuthorization(challenge, 'GET', uri, d.prov_username, 'not-the-password');
    assert.equal((await s.p.handle(get(`secure/${YEA}.cfg`, { ip: '10.0.0.52', authorization: wrong, uri }))).status, 401);
    // Another device's valid credentials do not open this one.
    const plainWrong = await s.p.handle(get(`${YEA}.cfg`, { ip: '10.0.0.53', authorization: `Basic ${Buffer.from('someone:else').toString('base64')}` }));
    assert.deepEqual([plainWrong.status, plainWrong.outcome], [403, 'refused'], 'on the plain path bad credentials are ignored: a bootstrap, refused past the limit');
    assert.equal(count(s.cache, YEA), 1, 'authenticated deliveries are never counted');
    assert.deepEqual(s.events().map((e) => e.kind), ['provisioned', 'bootstrap_refused', 'provisioned', 'provisioned', 'bootstrap_refused']);
  } finally {
    s.close();
  }
});

test('lease-bound: the IP the edge leased to this MAC is served past the limit and not counted; a stranger IP is not', async () => {
  const s = await setup();
  try {
    s.leases.set('10.0.0.40', YEA);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { protocol: 'tftp', ip: '10.0.0.21', userAgent: undefined }))).status, 200);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { protocol: 'tftp', ip: '10.0.0.41', userAgent: undefined }))).status, 403);
    const leased = await s.p.handle(get(`${YEA}.cfg`, { protocol: 'tftp', ip: '10.0.0.40', userAgent: undefined }));
    assert.deepEqual([leased.status, leased.access], [200, 'lease']);
    s.leases.set('10.0.0.41', SNOM);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { protocol: 'tftp', ip: '10.0.0.41', userAgent: undefined }))).status, 403, 'a lease of another MAC binds nothing');
    assert.equal(count(s.cache, YEA), 1);
  } finally {
    s.close();
  }
});

test('unknown MAC: 404 and one unknown_device event with its evidence, repeated only after an hour or from another IP', async () => {
  const s = await setup();
  try {
    const unknown = '001565abcdef';
    const ua = 'Yealink SIP-T54W 96.86.0.70 00:15:65:ab:cd:ef';
    const a = await s.p.handle(get(`${unknown}.cfg`, { userAgent: ua }));
    assert.deepEqual([a.status, a.outcome], [404, 'unknown-device']);
    s.clock.advance(1000);
    await s.p.handle(get(`${unknown}.boot`, { userAgent: ua }));
    let ev = s.events('unknown_device');
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.data.mac, unknown);
    assert.equal(ev[0]!.data.ip, '10.0.0.21');
    assert.deepEqual(ev[0]!.data.evidence, {
      protocol: 'http', path: `${unknown}.cfg`, user_agent: ua, vendor_guess: 'yealink', oui_vendor: 'yealink', model: 'T54W', firmware: '96.86.0.70',
    });
    await s.p.handle(get(`${unknown}.cfg`, { userAgent: ua, ip: '10.0.0.22' }));
    ev = s.events('unknown_device');
    assert.equal(ev.length, 2, 'a new IP is news');
    s.clock.advance(3_600_000);
    await s.p.handle(get(`${unknown}.cfg`, { userAgent: ua, ip: '10.0.0.22' }));
    ev = s.events('unknown_device');
    assert.equal(ev.length, 3, 'reported again after the interval');
    assert.equal(ev[2]!.data.first_seen, '2026-03-01T08:00:00.000Z');
    assert.equal(ev[2]!.data.requests, 4);
    // A shared file asked with an unknown phone's User-Agent is still served (no secrets), and noted.
    const common = await s.p.handle(get('y000000000096.cfg', { userAgent: 'Yealink SIP-T54W 96.86.0.70 00:15:65:ab:cd:ee' }));
    assert.equal(common.status, 200);
    assert.equal(s.events('unknown_device').at(-1)!.data.mac, '001565abcdee');
  } finally {
    s.close();
  }
});

test('scan: more than scan_threshold_per_min distinct unknown or refused MACs from one IP → 429 for the cooling period, one scan event', async () => {
  const s = await setup();
  try {
    await s.h.json('PATCH', '/settings', { body: { scan_threshold_per_min: 3 } });
    s.sync();
    const prober = { ip: '10.0.9.9', userAgent: undefined };
    assert.equal((await s.p.handle(get(`${YEA}.cfg`))).status, 200, 'the phone itself boots first');
    for (let i = 0; i < 3; i++) assert.equal((await s.p.handle(get(`00156500aa0${i}.cfg`, prober))).status, 404);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, prober))).status, 403, 'a refused MAC counts too');
    const blocked = await s.p.handle(get('00156500aa09.cfg', prober));
    assert.deepEqual([blocked.status, blocked.outcome], [429, 'throttled']);
    assert.equal((await s.p.handle(get('y000000000066.cfg', prober))).status, 429, 'everything is throttled, shared files too');
    assert.equal((await s.p.handle(get(`${YEA}.cfg`))).status, 200, 'other IPs are not affected');
    const scans = s.events('scan');
    assert.equal(scans.length, 1);
    assert.equal(scans[0]!.data.ip, '10.0.9.9');
    assert.equal(scans[0]!.data.macs, 4);
    s.clock.advance(299_000);
    assert.equal((await s.p.handle(get('00156500aa0a.cfg', prober))).status, 429);
    s.clock.advance(2000);
    assert.equal((await s.p.handle(get('00156500aa0b.cfg', prober))).status, 404, 'cooled down');
    assert.equal(s.events('scan').length, 1, 'reported once per period');
    assert.match(s.metrics.text(), /^edgeprov_scan_blocks_total 1$/m);
  } finally {
    s.close();
  }
});

test('ETag / If-None-Match: 304 after the same authorization, recorded like a delivery; a changed config gets 200 again', async () => {
  const s = await setup();
  try {
    const first = await s.p.handle(get(`${YEA}.cfg`));
    const again = await s.p.handle(get(`${YEA}.cfg`, { ifNoneMatch: `W/${first.etag}, "other"` }));
    assert.deepEqual([again.status, again.etag, again.body], [304, first.etag, undefined]);
    assert.equal(s.events('provisioned').length, 2, 'the phone confirmed it holds this config: recorded');
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { ip: '10.0.0.99', ifNoneMatch: first.etag }))).status, 403, 'a 304 is no way around the counter');
    await s.h.json('PATCH', `/devices/${YEA}`, { body: { login_password: 'New-Admin-Pw-1' } });
    s.sync();
    const changed = await s.p.handle(get(`${YEA}.cfg`, { ifNoneMatch: first.etag }));
    assert.equal(changed.status, 200);
    assert.notEqual(changed.etag, first.etag);
    assert.ok(etagMatches('*', changed.etag!));
  } finally {
    s.close();
  }
});

test('render cache: a storm of requests renders each device once per config generation', async () => {
  const s = await setup();
  try {
    const renders = () => Number(/^edgeprov_render_seconds_count (\d+)$/m.exec(s.metrics.text())![1]);
    for (let i = 0; i < 20; i++) await s.p.handle(get(`${YEA}.cfg`));
    assert.equal(renders(), 1);
    await s.p.handle(get(`${YEA}.boot`));
    assert.equal(renders(), 2);
    await s.h.json('PATCH', `/devices/${YEA}`, { body: { login_password: 'Lobby-Admin-Pw-2' } });
    s.sync();
    const after = await s.p.handle(get(`${YEA}.cfg`));
    assert.equal(renders(), 3);
    assert.ok(after.body!.toString().includes('admin:Lobby-Admin-Pw-2'));
  } finally {
    s.close();
  }
});

test('boot and common files carry no secret of the device; optional files are a quiet 404', async () => {
  const s = await setup();
  try {
    const d = s.cache.device(YEA)!;
    const secrets = [d.login_password, d.prov_password, ...d.extensions.flatMap((e) => e.accounts.map((a) => a.password))];
    for (const path of [`${YEA}.boot`, 'y000000000066.cfg', `secure/${YEA}.boot`]) {
      const a = await s.p.handle(get(path));
      assert.equal(a.status, 200, path);
      for (const secret of secrets) assert.ok(!a.body!.toString().includes(secret), `${path} leaks a secret`);
    }
    for (const path of ['y000000000000.boot', `${YEA}-local.cfg`, 'sip.ld', '2345-12600-001.sip.ld']) {
      const a = await s.p.handle(get(path));
      assert.deepEqual([a.status, a.outcome], [404, 'optional'], path);
    }
    assert.equal((await s.p.handle(get('index.html'))).outcome, 'unmatched');
    assert.equal(s.events().length, 0, 'none of these is an event');
  } finally {
    s.close();
  }
});

test('uploads: a Poly PUT is kept in a per-MAC ring of the last N and reported; PUT elsewhere is 405', async () => {
  const s = await setup();
  try {
    const POLY = '0004f2000003';
    await s.h.json('POST', '/devices/import', { body: { text: `${POLY},VVX 411`, site_id: s.site } });
    s.sync();
    const ua = 'FileTransport PolycomVVX-VVX_411-UA/6.4.6.2345 Type/Application';
    for (let i = 0; i < 3; i++) {
      const a = await s.p.handle(get(`${POLY}-app.log`, { method: 'PUT', userAgent: ua, body: Buffer.from(`log ${i}\n`) }));
      assert.deepEqual([a.status, a.outcome], [201, 'uploaded']);
    }
    const rows = s.cache.db.prepare(`SELECT name, size, body FROM uploads WHERE mac = ? ORDER BY id`).all(POLY) as Array<{ name: string; size: number; body: Buffer }>;
    assert.deepEqual(rows.map((r) => r.body.toString()), ['log 1\n', 'log 2\n'], 'ring of 2');
    const ev = s.events('upload');
    assert.equal(ev.length, 3);
    assert.deepEqual(Object.keys(ev[0]!.data).sort(), ['access', 'at', 'ip', 'mac', 'name', 'sha256', 'size']);
    assert.equal((await s.p.handle(get(`${YEA}.cfg`, { method: 'PUT', body: Buffer.from('x') }))).status, 405);
    assert.equal((await s.p.handle(get(`secure/${POLY}-app.log`, { method: 'PUT', userAgent: ua, body: Buffer.from('x') }))).status, 401, 'the authenticated path wants credentials for uploads too');
    assert.equal((await s.p.handle(get('0004f2999999-app.log', { method: 'PUT', userAgent: ua, body: Buffer.from('x') }))).outcome, 'unknown-device');
  } finally {
    s.close();
  }
});

test('scan guard: the window slides, the tracked IPs are bounded', () => {
  const g = createScanGuard({ threshold: () => 2, windowMs: 60_000, coolingMs: 1000, maxTracked: 2 });
  assert.equal(g.note('a', 'm1', 0), undefined);
  assert.equal(g.note('a', 'm2', 30_000), undefined);
  assert.equal(g.note('a', 'm3', 61_000), undefined, 'm1 left the window');
  assert.equal(g.note('a', 'm3', 61_001), undefined, 'the same MAC again is not another');
  assert.ok(g.note('a', 'm4', 62_000), 'm2, m3, m4 within a minute');
  assert.equal(g.blocked('a', 62_500), true);
  assert.equal(g.blocked('a', 63_000), false);
  g.note('b', 'x', 0);
  g.note('c', 'x', 0);
  g.note('d', 'x', 0);
  assert.equal(g.blocked('a', 62_500), false, 'a was forgotten when more IPs came (bounded)');
});
