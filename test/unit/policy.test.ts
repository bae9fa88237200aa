/**
 * The provision counter at limit 1 (DESIGN §4): every file of the first boot is served; a second
 * bootstrap session (another IP, or after the window) is refused with a security event; the
 * authenticated and lease-bound paths are always served and never counted; a reset applied
 * through the cache allows exactly one more session. Outbox and counter are written with the
 * decision, so nothing served goes unrecorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { testHub, makeSite, TestClock, type TestHub } from '../helpers/hub.js';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { createPolicy, type DeviceFileRequest } from '../../daemon/pipeline/policy.js';
import { deltaFor, snapshotFor } from '../../hub/sync/projection.js';
import { reportProvisioned } from '../helpers/counters.js';

const MAC = '001565000001';
const T0 = Date.parse('2026-03-01T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

function req(over: Partial<DeviceFileRequest> = {}): DeviceFileRequest {
  return { mac: MAC, ip: '10.0.0.21', access: 'bootstrap', userAgent: 'Yealink SIP-T46S 66.86.0.15 00:15:65:00:00:01', firmware: '66.86.0.15', configHash: 'h1', path: `${MAC}.cfg`, protocol: 'http', ...over };
}

async function setup(siteOver: Record<string, unknown> = {}): Promise<{ h: TestHub; site: number; cache: Cache; close(): void }> {
  const h = await testHub();
  const site = await makeSite(h, siteOver);
  await h.json('POST', '/devices/import', { body: { text: `${MAC},T46S`, site_id: site } });
  const cache = createCache({ path: join(h.dir, 'edge.db') }, { clock: new TestClock() });
  cache.apply(snapshotFor(h.db, site));
  return { h, site, cache, close: () => (cache.close(), h.close()) };
}

function outbox(cache: Cache): Array<{ kind: string; data: any }> {
  return (cache.db.prepare(`SELECT kind, data FROM outbox ORDER BY id`).all() as Array<{ kind: string; data: string }>).map((r) => ({ kind: r.kind, data: JSON.parse(r.data) }));
}

test('limit 1: one boot is served whole; another IP or a later boot is refused and reported', async () => {
  const s = await setup();
  try {
    const p = createPolicy(s.cache);
    assert.deepEqual(p.deviceFile(req(), at(0)), { allowed: true, access: 'bootstrap', session: 'new', count: 1, limit: 1 });
    // Phones fetch several device files per boot: the same IP within the window is the same session.
    assert.equal(p.deviceFile(req({ path: `${MAC}-local.cfg` }), at(5)).session, 'continued');
    assert.equal(p.deviceFile(req(), at(599)).allowed, true);
    const other = p.deviceFile(req({ ip: '10.0.0.99' }), at(30));
    assert.deepEqual(other, { allowed: false, access: 'bootstrap', session: null, count: 1, limit: 1 });
    assert.equal(p.deviceFile(req(), at(601)).allowed, false, 'the window is over: a new session, past the limit');
    const events = outbox(s.cache);
    assert.deepEqual(events.map((e) => e.kind), ['provisioned', 'provisioned', 'provisioned', 'bootstrap_refused', 'bootstrap_refused']);
    assert.deepEqual(events[3]!.data, { mac: MAC, ip: '10.0.0.99', at: at(30).toISOString(), count: 1, limit: 1, path: `${MAC}.cfg`, protocol: 'http' });
    assert.equal(events[0]!.data.count, 1);
    const counter = s.cache.db.prepare(`SELECT count, last_ip, last_config_hash FROM counters WHERE mac = ?`).get(MAC);
    assert.deepEqual(counter, { count: 1, last_ip: '10.0.0.21', last_config_hash: 'h1' });
  } finally {
    s.close();
  }
});

test('authenticated and lease-bound requests are always served and never counted', async () => {
  const s = await setup();
  try {
    const p = createPolicy(s.cache);
    p.deviceFile(req(), at(0));
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(p.deviceFile(req({ access: 'authenticated', ip: `10.0.1.${i}` }), at(1000 + i)), { allowed: true, access: 'authenticated', session: null, count: 1, limit: 1 });
      assert.equal(p.deviceFile(req({ access: 'lease', ip: `10.0.2.${i}`, protocol: 'tftp' }), at(2000 + i)).allowed, true);
    }
    assert.equal((s.cache.db.prepare(`SELECT count FROM counters WHERE mac = ?`).get(MAC) as { count: number }).count, 1);
  } finally {
    s.close();
  }
});

test('a reset from the hub (observed-reset baseline) allows exactly one more session', async () => {
  const s = await setup();
  try {
    const p = createPolicy(s.cache);
    p.deviceFile(req(), at(0));
    assert.equal(p.deviceFile(req({ ip: '10.0.0.50' }), at(10)).allowed, false);
    // The hub learns the edge's count from its outbox (sync), then the admin resets.
    reportProvisioned(s.h.db, { mac: MAC, at: at(0).toISOString(), ip: '10.0.0.21', user_agent: null, firmware: null, config_hash: 'h1', count: 1 }, s.cache.dbId);
    await s.h.json('POST', '/devices/actions/reset-counter', { body: { macs: [MAC] } });
    s.cache.apply(deltaFor(s.h.db, s.site, s.cache.state().cursor));
    assert.deepEqual(p.deviceFile(req({ ip: '10.0.0.50' }), at(20)), { allowed: true, access: 'bootstrap', session: 'new', count: 1, limit: 1 });
    assert.equal(p.deviceFile(req({ ip: '10.0.0.51' }), at(30)).allowed, false);
  } finally {
    s.close();
  }
});

test('a session the hub had not seen when it reset still counts (observed-reset)', async () => {
  const s = await setup({ provision_limit: 2 });
  try {
    const p = createPolicy(s.cache);
    p.deviceFile(req({ ip: '10.0.0.1' }), at(0));
    // The hub saw count 1; meanwhile, offline, the edge serves a second session.
    reportProvisioned(s.h.db, { mac: MAC, at: at(0).toISOString(), ip: '10.0.0.1', user_agent: null, firmware: null, config_hash: 'h1', count: 1 }, s.cache.dbId);
    p.deviceFile(req({ ip: '10.0.0.2' }), at(10));
    await s.h.json('POST', '/devices/actions/reset-counter', { body: { macs: [MAC] } });
    s.cache.apply(deltaFor(s.h.db, s.site, s.cache.state().cursor));
    // Baseline 1: the unseen second session still counts, so one more of two is left.
    assert.equal(p.deviceFile(req({ ip: '10.0.0.3' }), at(20)).allowed, true);
    assert.equal(p.deviceFile(req({ ip: '10.0.0.4' }), at(30)).allowed, false);
  } finally {
    s.close();
  }
});

test('limit 0 is unlimited; a per-device limit wins over the site', async () => {
  const s = await setup({ provision_limit: 0 });
  try {
    const p = createPolicy(s.cache);
    for (let i = 0; i < 20; i++) assert.equal(p.deviceFile(req({ ip: `10.0.3.${i}` }), at(i)).allowed, true);
    await s.h.json('PATCH', `/devices/${MAC}`, { body: { provision_limit: 21 } });
    s.cache.apply(deltaFor(s.h.db, s.site, s.cache.state().cursor));
    assert.equal(p.deviceFile(req({ ip: '10.0.4.1' }), at(100)).allowed, true);
    assert.deepEqual(p.deviceFile(req({ ip: '10.0.4.2' }), at(101)), { allowed: false, access: 'bootstrap', session: null, count: 21, limit: 21 });
  } finally {
    s.close();
  }
});
