/**
 * The hub's sync state without sockets: the commit notifier, change-log retention and its floor,
 * idempotent event ingestion folded into device status (G-counter max, first/last seen min/max,
 * the hub's receive time kept), security events in the audit log, and the token limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testHub, makeSite, changesSince } from '../helpers/hub.js';
import { SYSTEM_ACTOR, type CommitInfo } from '../../hub/db/store.js';
import { purgeChangeLog, floorSeq } from '../../hub/sync/retention.js';
import { edgeActor, ingestEvents, authenticateSiteToken, enforceTokenLimit, revokeSiteToken } from '../../hub/sync/state.js';
import { addSiteToken } from '../../hub/domain/sites.js';
import { hubSeq } from '../../hub/sync/projection.js';
import { slotsOf } from '../../hub/domain/counters.js';
import type { EdgeEvent } from '../../shared/sync/protocol.js';

test('HubStore.onCommit: told after commit with the sites touched and signals; never for a rolled-back write', async () => {
  const h = await testHub();
  try {
    const seen: CommitInfo[] = [];
    const off = h.store.onCommit((c) => seen.push(c));
    const site = await makeSite(h, { name: 'N' });
    assert.equal(seen.length, 1);
    assert.deepEqual([...seen[0]!.sites], [site]);
    assert.throws(() => h.store.write(SYSTEM_ACTOR, (w) => {
      w.change({ site_id: null, entity: 'setting', key: 'x', data: { key: 'x', value: 1 } });
      throw new Error('rollback');
    }));
    assert.equal(seen.length, 1, 'a rolled-back write tells no one');
    h.store.write(SYSTEM_ACTOR, (w) => w.signal({ kind: 'resync', site_id: site }));
    assert.deepEqual(seen[1]!.signals, [{ kind: 'resync', site_id: site }]);
    assert.equal(seen[1]!.txid, null);
    off();
    await makeSite(h, { name: 'M' });
    assert.equal(seen.length, 2);
  } finally {
    h.close();
  }
});

test('retention purges old tombstones and superseded rows, records the floor, keeps the newest row and every live one', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h, { name: 'R' });
    await h.json('POST', '/devices/import', { body: { text: '001565000001,T46S\n001565000002,T46S', site_id: site } });
    await h.json('PATCH', '/devices/001565000001', { body: { name: 'renamed' } });
    await h.json('POST', '/devices/actions/remove', { body: { macs: ['001565000002'] } });
    const tomb = changesSince(h.db, 0).find((c) => c.deleted === 1)!;
    await h.json('PATCH', '/settings', { body: { session_window_s: 500 } });
    const top = hubSeq(h.db);
    assert.equal(purgeChangeLog(h.db, '2000-01-01T00:00:00.000Z').purged, 0, 'nothing is old enough');
    h.clock.advance(40 * 86_400_000);
    const r = purgeChangeLog(h.db, new Date(h.clock.t - 30 * 86_400_000).toISOString());
    assert.ok(r.purged >= 3, JSON.stringify(r));
    assert.equal(r.floor, tomb.seq);
    assert.equal(floorSeq(h.db), tomb.seq);
    assert.equal(hubSeq(h.db), top, 'the newest row stays: hub_seq never goes back');
    const left = changesSince(h.db, 0);
    assert.ok(left.every((c) => c.deleted === 0), 'no tombstone left');
    assert.ok(left.some((c) => c.entity === 'device' && c.key === '001565000001' && c.data.name === 'renamed'));
    assert.ok(!left.some((c) => c.entity === 'device' && c.key === '001565000001' && c.data.name !== 'renamed'), 'the superseded upsert is gone');
    // A later purge never lowers the floor.
    assert.equal(purgeChangeLog(h.db, new Date(h.clock.t).toISOString()).floor, tomb.seq);
  } finally {
    h.close();
  }
});

test('edge events are stored once per (site, edge DB, outbox id) and folded: count into its G-counter slot by max, seen by min/max, security events audited', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h, { name: 'E' });
    const other = await makeSite(h, { name: 'F' });
    await h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: site } });
    const ingest = (siteId: number, dbId: string, items: EdgeEvent[], at: string) => {
      // The hub's receive time is its clock's; put back after, so the admin session stays valid.
      const t0 = h.clock.t;
      h.clock.t = Date.parse(at);
      try {
        return h.store.write(edgeActor(siteId), (w) => ingestEvents(w, siteId, dbId, items));
      } finally {
        h.clock.t = t0;
      }
    };
    const ev = (id: number, kind: string, data: Record<string, unknown>) => ({ id, kind, at: data.at as string, data });
    const prov = (id: number, count: number, at = '2026-01-05T00:00:00.000Z') =>
      ev(id, 'provisioned', { mac: '001565000001', at, ip: '1', user_agent: null, firmware: null, config_hash: 'x', count });
    const batch = [
      ev(1, 'provisioned', { mac: '001565000001', at: '2026-01-02T10:00:00.000Z', ip: '10.0.0.5', user_agent: 'Yealink', firmware: '1.0', config_hash: 'a', count: 2 }),
      ev(2, 'provisioned', { mac: '001565000001', at: '2026-01-01T10:00:00.000Z', ip: '10.0.0.4', user_agent: 'Yealink', firmware: '0.9', config_hash: 'b', count: 1 }),
      ev(3, 'unknown_device', { mac: '001565ffffff', ip: '10.0.0.9', at: '2026-01-02T11:00:00.000Z', evidence: { user_agent: 'Poly' } }),
      ev(4, 'bootstrap_refused', { mac: '001565000001', ip: '10.0.0.6', at: '2026-01-02T12:00:00.000Z', count: 2, limit: 1 }),
    ];
    const seq0 = hubSeq(h.db);
    assert.deepEqual(ingest(site, 'db-1', batch, '2026-01-03T00:00:00.000Z'), { stored: 4, duplicates: 0, upTo: 4 });
    assert.deepEqual(ingest(site, 'db-1', batch, '2026-01-04T00:00:00.000Z'), { stored: 0, duplicates: 4, upTo: 4 });
    const d = h.db.prepare(`SELECT provision_count, first_seen, last_seen, last_ip, firmware FROM devices WHERE mac = '001565000001'`).get();
    assert.deepEqual(d, { provision_count: 2, first_seen: '2026-01-01T10:00:00.000Z', last_seen: '2026-01-02T10:00:00.000Z', last_ip: '10.0.0.5', firmware: '1.0' });
    assert.deepEqual(slotsOf(h.db, '001565000001').map((x) => [x.site_id, x.db_id, x.count, x.baseline]), [[site, 'db-1', 2, 0]]);
    assert.deepEqual(changesSince(h.db, seq0), [], "the device's own edge is not sent its own count back");
    const received = h.db.prepare(`SELECT DISTINCT received_at FROM sync_events`).all();
    assert.deepEqual(received, [{ received_at: '2026-01-03T00:00:00.000Z' }], "the hub's receive time of the first delivery is kept");
    assert.equal((h.db.prepare(`SELECT count(*) AS n FROM discovered WHERE mac = '001565ffffff' AND site_id = ?`).get(site) as { n: number }).n, 1);
    const audit = h.db.prepare(`SELECT actor, action, target_id FROM audit_log WHERE action LIKE 'security.%'`).all();
    assert.deepEqual(audit, [{ actor: `edge:site-${site}`, action: 'security.bootstrap_refused', target_id: '001565000001' }]);

    // Another site's edge cannot count a device that is not at its site and that it never counted.
    ingest(other, 'db-2', [prov(1, 9)], '2026-01-05T00:00:00.000Z');
    assert.equal((h.db.prepare(`SELECT provision_count AS n FROM devices`).get() as { n: number }).n, 2);
    // A wiped edge (new DB id) is a new sequence and a new slot: the device's count is the sum.
    assert.deepEqual(ingest(site, 'db-3', [prov(1, 1)], '2026-01-06T00:00:00.000Z'), { stored: 1, duplicates: 0, upTo: 1 });
    assert.equal((await h.json<any>('GET', '/devices/001565000001')).status.counter.count, 3);

    // Observed-reset: every slot's baseline is the count received; a replayed old count changes nothing.
    await h.json('POST', '/devices/actions/reset-counter', { body: { macs: ['001565000001'] } });
    assert.deepEqual(slotsOf(h.db, '001565000001').map((x) => [x.db_id, x.count, x.baseline]), [['db-1', 2, 2], ['db-3', 1, 1]]);
    ingest(site, 'db-1', [prov(5, 2)], '2026-01-07T00:00:00.000Z');
    assert.equal((await h.json<any>('GET', '/devices/001565000001')).status.counter.count, 0);

    // The device moves to F; E's edge (db-1), offline meanwhile, served one more session: it counts
    // (E's edge had counted the device before), and F's edge is sent the raised slot at once.
    await h.json('PATCH', '/devices/001565000001', { body: { site_id: other } });
    const seq1 = hubSeq(h.db);
    ingest(site, 'db-1', [prov(6, 3, '2026-01-08T00:00:00.000Z')], '2026-01-08T00:00:00.000Z');
    const echo = changesSince(h.db, seq1);
    assert.deepEqual(echo.map((c) => [c.entity, c.site_id, c.key]), [['counter_reset', other, '001565000001']]);
    assert.deepEqual(echo[0]!.data.slots, [{ site_id: site, db_id: 'db-1', count: 3, baseline: 2 }, { site_id: site, db_id: 'db-3', count: 1, baseline: 1 }]);
    assert.equal((await h.json<any>('GET', '/devices/001565000001')).status.counter.count, 1);
    assert.equal(h.db.prepare(`SELECT last_seen FROM devices`).pluck().get(), '2026-01-05T00:00:00.000Z', 'status comes from the edge of its site only');
  } finally {
    h.close();
  }
});

test('site tokens: at most two active; the oldest beyond is revoked; revoked and unknown tokens do not authenticate', async () => {
  const h = await testHub();
  try {
    const site = await makeSite(h, { name: 'T' });
    const tokens = h.store.write(SYSTEM_ACTOR, (w) => [addSiteToken(w, site), addSiteToken(w, site)]);
    assert.equal(authenticateSiteToken(h.db, tokens[0]!)?.site_id, site);
    const revoked = h.store.write(SYSTEM_ACTOR, (w) => {
      addSiteToken(w, site);
      return enforceTokenLimit(w, site);
    });
    assert.equal(revoked.length, 1);
    assert.equal(authenticateSiteToken(h.db, tokens[0]!), undefined);
    assert.equal(authenticateSiteToken(h.db, tokens[1]!)?.site_id, site);
    assert.equal(authenticateSiteToken(h.db, 'eps_nope'), undefined);
    assert.equal(authenticateSiteToken(h.db, ''), undefined);
    const id = authenticateSiteToken(h.db, tokens[1]!)!.token_id;
    h.store.write(SYSTEM_ACTOR, (w) => revokeSiteToken(w, site, id));
    assert.equal(authenticateSiteToken(h.db, tokens[1]!), undefined);
  } finally {
    h.close();
  }
});
