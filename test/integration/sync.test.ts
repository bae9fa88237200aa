/**
 * Hub ⇄ edge sync over real WebSockets on loopback, hub and edges in this process (each with
 * its own SQLite file): auth in the upgrade, scoping, token rotation and revocation, "resync
 * site", every snapshot path of planResume, a device moving while its old edge is offline,
 * observed-reset through an outage, nack shown on the hub, anti-entropy, and duplicated frames
 * through the fault proxy. Waits are events with bounded timeouts; nothing sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { createSyncClient, type AppliedEvent, type SyncClient, type SyncClientOptions } from '../../daemon/sync/index.js';
import { createPolicy } from '../../daemon/pipeline/policy.js';
import { purgeChangeLog, floorSeq } from '../../hub/sync/retention.js';
import type { ReadyFrame, BatchFrame } from '../../shared/sync/protocol.js';
import { systemClock } from '../../shared/clock.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { hubSeq, mirrorLines, once, projectionLines, silentLog, startInProcessHub, tempDir, type InProcessHub } from '../helpers/sync.js';

const FAST: Partial<SyncClientOptions> = { backoffMinMs: 20, backoffMaxMs: 200, pingIntervalMs: 5000, pongTimeoutMs: 5000, outboxPollMs: 50, digestIntervalMs: 0 };

interface Edge {
  cache: Cache;
  client: SyncClient;
  applied: AppliedEvent[];
  readies: ReadyFrame[];
  frames: BatchFrame[];
  close(): Promise<void>;
}

function edge(dir: string, name: string, hubUrl: string, token: string, over: Partial<SyncClientOptions> = {}): Edge {
  const cache = createCache({ path: join(dir, `${name}.db`) }, { clock: systemClock });
  const client = createSyncClient({ hubUrl, token, version: `edge-${name}/1.0`, ...FAST, ...over }, { cache, log: silentLog, clock: systemClock });
  const e: Edge = {
    cache, client, applied: [], readies: [], frames: [],
    async close() {
      await client.stop();
      cache.close();
    },
  };
  client.on('applied', (a: AppliedEvent) => e.applied.push(a));
  client.on('ready', (f: ReadyFrame) => e.readies.push(f));
  return e;
}

/** Resolves when the edge has committed up to the hub's current sequence. */
function caughtUp(h: InProcessHub, e: Edge, timeoutMs = 10_000): Promise<unknown> {
  const target = hubSeq(h.db);
  if (e.cache.state().cursor >= target) return Promise.resolve();
  return once<AppliedEvent>(e.client, 'applied', (a) => a.cursor >= target, `edge applied up to ${target}`, timeoutMs);
}

function outboxLeft(e: Edge): number {
  return (e.cache.db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n;
}

/** Resolves when the edge's outbox is empty (every event acked by the hub and pruned). */
function outboxDrained(e: Edge, timeoutMs = 10_000): Promise<unknown> {
  if (outboxLeft(e) === 0) return Promise.resolve();
  e.client.notifyOutbox();
  return once(e.client, 'events-acked', () => outboxLeft(e) === 0, 'outbox drained', timeoutMs);
}

function readyOnce(e: Edge, what = 'ready'): Promise<ReadyFrame> {
  return once<ReadyFrame>(e.client, 'ready', () => true, what);
}

async function withWorld(sites: string[], fn: (h: InProcessHub, dir: string) => Promise<void>, sync = {}): Promise<void> {
  const t = tempDir();
  const h = await startInProcessHub(join(t.dir, 'hub.db'), sites, { sync });
  try {
    await fn(h, t.dir);
  } finally {
    await h.close();
    t.remove();
  }
}

async function importDevices(h: InProcessHub, site: number, macs: string[]): Promise<void> {
  await h.api('POST', '/devices/import', { text: macs.map((m) => `${m},T46S`).join('\n'), site_id: site });
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => {});
  });
}

test('auth happens in the upgrade: no, wrong or revoked tokens get 401 before any socket exists', async () => {
  await withWorld(['A'], async (h) => {
    const url = `ws://127.0.0.1:${h.port}/sync/v1`;
    assert.equal(await upgradeStatus(url, {}), 401);
    assert.equal(await upgradeStatus(url, { authorization: 'Bearer eps_not-a-real-token' }), 401);
    assert.equal(await upgradeStatus(url, { authorization: `Basic ${h.sites[0]!.token}` }), 401);
    assert.equal(await upgradeStatus(url, { authorization: `Bearer ${h.adminToken}` }), 401, 'an admin API token is not a site token');
    assert.equal(await upgradeStatus(`ws://127.0.0.1:${h.port}/elsewhere`, { authorization: `Bearer ${h.sites[0]!.token}` }), 404);
    assert.deepEqual(h.sync.sessions(), []);
  });
});

test('a fresh edge gets a snapshot, then deltas; a site receives only its own rows and the global ones; the hub shows status', async () => {
  await withWorld(['A', 'B'], async (h, dir) => {
    const [a, b] = h.sites as [typeof h.sites[0], typeof h.sites[0]];
    await importDevices(h, a.id, ['001565000a01', '001565000a02']);
    await importDevices(h, b.id, ['001565000b01']);
    const ea = edge(dir, 'a', h.url, a.token);
    const eb = edge(dir, 'b', h.url, b.token);
    const seen: BatchFrame[] = [];
    try {
      const r = readyOnce(ea);
      ea.client.start();
      eb.client.start();
      assert.deepEqual([(await r).mode, (await r).reason, (await r).site_id], ['snapshot', 'no cursor', a.id]);
      await caughtUp(h, ea);
      await caughtUp(h, eb);
      assert.deepEqual(mirrorLines(ea.cache.db), projectionLines(h.db, a.id));
      assert.deepEqual(mirrorLines(eb.cache.db), projectionLines(h.db, b.id));
      assert.ok(ea.cache.device('001565000a01') && !ea.cache.device('001565000b01'));
      // Live changes arrive as deltas, and never carry another site's rows.
      const origApply = ea.cache.apply.bind(ea.cache);
      ea.cache.apply = (batch) => {
        seen.push({ t: 'batch', v: 1, epoch: batch.epoch, prev: 0, cursor: batch.cursor, more: false, changes: batch.changes });
        return origApply(batch);
      };
      await importDevices(h, b.id, ['001565000b02', '001565000b03']);
      await importDevices(h, a.id, ['001565000a03']);
      await h.api('PATCH', '/settings', { session_window_s: 900 });
      await caughtUp(h, ea);
      await caughtUp(h, eb);
      assert.ok(seen.length > 0);
      for (const f of seen) for (const c of f.changes) assert.ok(c.site_id === a.id || c.site_id === null, `site A got ${c.entity}/${c.key} of site ${c.site_id}`);
      assert.deepEqual(mirrorLines(ea.cache.db), projectionLines(h.db, a.id));
      assert.deepEqual(mirrorLines(eb.cache.db), projectionLines(h.db, b.id));
      assert.equal(ea.cache.setting('session_window_s'), 900);
      const st = await h.api('GET', `/sites/${a.id}/sync`);
      assert.equal(st.online, true);
      assert.equal(st.daemon_version, 'edge-a/1.0');
      assert.equal(st.hub_seq, hubSeq(h.db));
      assert.equal(st.last_mode, 'snapshot');
      assert.equal(st.last_reason, 'no cursor');
      assert.ok(st.last_seen !== null && st.connected_at !== null);
      // The ack lands just after the apply: wait for the hub to record it.
      const acked = (await h.api('GET', `/sites/${a.id}/sync`)).acked_seq as number | null;
      assert.ok(acked === null || acked <= hubSeq(h.db));
    } finally {
      await ea.close();
      await eb.close();
    }
    const off = await h.api('GET', `/sites/${a.id}/sync`);
    assert.equal(off.online, false);
    assert.ok(off.acked_seq > 0 && off.lag_seq === 0 && off.pending_changes === 0, JSON.stringify(off));
  });
});

test('token rotation: two active tokens per site; a third revokes the oldest and closes its socket; DELETE revokes and closes', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    const second = await h.api<{ id: number; token: string; revoked: number[] }>('POST', `/sites/${site.id}/tokens`);
    assert.deepEqual(second.revoked, []);
    const e1 = edge(dir, 'old', h.url, site.token);
    try {
      e1.client.start();
      await readyOnce(e1);
      // The old token still works during rotation; a third token revokes the oldest: the live socket closes.
      const closed = once<{ code: number }>(e1.client, 'disconnected', () => true, 'the old socket closed');
      const third = await h.api<{ id: number; token: string; revoked: number[] }>('POST', `/sites/${site.id}/tokens`);
      assert.equal(third.revoked.length, 1);
      assert.equal((await closed).code, 4401);
      const tokens = await h.api<{ items: Array<{ id: number; revoked_at: string | null }> }>('GET', `/sites/${site.id}/tokens`);
      assert.deepEqual(tokens.items.map((t) => t.revoked_at === null), [false, true, true]);
      assert.equal(await upgradeStatus(`ws://127.0.0.1:${h.port}/sync/v1`, { authorization: `Bearer ${site.token}` }), 401);
    } finally {
      await e1.close();
    }
    const e2 = edge(dir, 'new', h.url, second.token);
    try {
      e2.client.start();
      await readyOnce(e2);
      const closed = once<{ code: number }>(e2.client, 'disconnected', () => true, 'socket closed by DELETE');
      await h.api('DELETE', `/sites/${site.id}/tokens/${second.id}`);
      assert.equal((await closed).code, 4401);
      assert.equal((await h.api<{ online: boolean }>('GET', `/sites/${site.id}/sync`)).online, false);
      await h.api('DELETE', `/sites/${site.id}/tokens/9999`, undefined, 404);
      await h.api('DELETE', `/sites/999/tokens/1`, undefined, 404);
    } finally {
      await e2.close();
    }
  });
});

test('POST /sites/{id}/resync sends the live edge a snapshot now (and an offline one at its next hello)', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, ['001565000a01']);
    const e = edge(dir, 'a', h.url, site.token);
    try {
      e.client.start();
      await caughtUp(h, e);
      const snap = once<AppliedEvent>(e.client, 'applied', (a) => a.snapshot, 'a snapshot after resync');
      const acked = once<{ site_id: number; seq: number }>(h.sync, 'ack', (a) => a.site_id === site.id && a.seq >= hubSeq(h.db), 'the hub got the ack');
      const st = await h.api('POST', `/sites/${site.id}/resync`);
      assert.equal(st.site_id, site.id);
      await snap;
      await acked;
      assert.equal((await h.api('GET', `/sites/${site.id}/sync`)).resync_pending, false);
      await e.client.stop();
      await h.api('POST', `/sites/${site.id}/resync`);
      assert.equal((await h.api('GET', `/sites/${site.id}/sync`)).resync_pending, true);
      const r = readyOnce(e);
      e.client.start();
      assert.deepEqual([(await r).mode, (await r).reason], ['snapshot', 'admin resync']);
      await caughtUp(h, e);
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
    } finally {
      await e.close();
    }
  });
});

test('snapshot paths: floor raised past the cursor, hub epoch changed (restored backup), edge cursor above the hub seq', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, ['001565000a01', '001565000a02']);
    const e = edge(dir, 'a', h.url, site.token);
    try {
      e.client.start();
      await caughtUp(h, e);
      await e.client.stop();
      // Edge offline: a device is removed (tombstone), time passes, retention purges it.
      await h.api('POST', '/devices/actions/remove', { macs: ['001565000a02'] });
      await h.api('PATCH', '/settings', { session_window_s: 700 });
      const purged = purgeChangeLog(h.db, new Date(Date.now() + 86_400_000).toISOString());
      assert.ok(purged.tombstones >= 1 && purged.floor > e.cache.state().cursor, JSON.stringify(purged));
      assert.equal(floorSeq(h.db), purged.floor);
      let r = readyOnce(e);
      e.client.start();
      assert.deepEqual([(await r).mode, (await r).reason], ['snapshot', 'cursor below floor']);
      await caughtUp(h, e);
      assert.equal(e.cache.device('001565000a02'), undefined, 'the purged tombstone still took effect');
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
      await e.client.stop();

      // The hub DB is restored from a backup: a new epoch.
      h.db.prepare(`UPDATE meta SET value = 'restored-epoch' WHERE key = 'epoch'`).run();
      r = readyOnce(e);
      e.client.start();
      assert.deepEqual([(await r).mode, (await r).reason], ['snapshot', 'epoch differs']);
      await caughtUp(h, e);
      assert.equal(e.cache.state().epoch, 'restored-epoch');
      await e.client.stop();

      // The edge claims more history than the hub has.
      e.cache.db.prepare(`UPDATE sync_state SET cursor = ? WHERE id = 1`).run(hubSeq(h.db) + 1000);
      r = readyOnce(e);
      const snap = once<AppliedEvent>(e.client, 'applied', (a) => a.snapshot, 'the snapshot');
      e.client.start();
      assert.deepEqual([(await r).mode, (await r).reason], ['snapshot', 'cursor above hub seq']);
      await snap;
      assert.equal(e.cache.state().cursor, hubSeq(h.db));
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
      // And a plain reconnect resumes by delta.
      await e.client.stop();
      r = readyOnce(e);
      e.client.start();
      assert.deepEqual([(await r).mode, (await r).reason], ['delta', 'in sync']);
    } finally {
      await e.close();
    }
  });
});

test('a device moved A→B while A is offline: A stops serving it when it reconnects, B serves it', async () => {
  await withWorld(['A', 'B'], async (h, dir) => {
    const [a, b] = h.sites as [typeof h.sites[0], typeof h.sites[0]];
    await importDevices(h, a.id, ['001565000a01']);
    await h.api('POST', '/devices/actions/reset-counter', { macs: ['001565000a01'] });
    const ea = edge(dir, 'a', h.url, a.token);
    const eb = edge(dir, 'b', h.url, b.token);
    try {
      ea.client.start();
      eb.client.start();
      await caughtUp(h, ea);
      await caughtUp(h, eb);
      assert.ok(ea.cache.device('001565000a01'));
      await ea.client.stop();
      await h.api('PATCH', '/devices/001565000a01', { site_id: b.id });
      await caughtUp(h, eb);
      assert.equal(eb.cache.device('001565000a01')?.site_id, b.id);
      assert.ok(ea.cache.device('001565000a01'), 'offline A still has its old data');
      const r = readyOnce(ea);
      ea.client.start();
      assert.equal((await r).mode, 'delta');
      await caughtUp(h, ea);
      assert.equal(ea.cache.device('001565000a01'), undefined);
      assert.equal(ea.cache.counterReset('001565000a01'), undefined, 'the reset baseline left with the device');
      assert.ok(eb.cache.counterReset('001565000a01'));
      assert.deepEqual(mirrorLines(ea.cache.db), projectionLines(h.db, a.id));
      assert.deepEqual(mirrorLines(eb.cache.db), projectionLines(h.db, b.id));
      const pb = createPolicy(eb.cache);
      const req = { mac: '001565000a01', ip: '10.0.0.5', access: 'bootstrap' as const, userAgent: null, firmware: null, configHash: 'h', path: '/x', protocol: 'http' as const };
      assert.equal(ea.cache.device(req.mac), undefined, 'A answers 404 for it');
      assert.equal(pb.deviceFile(req, new Date()).allowed, true, 'B serves it');
    } finally {
      await ea.close();
      await eb.close();
    }
  });
});

test('observed-reset through an outage: the hub resets at 1 while the offline edge serves 1 more; both agree after reconnect', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, ['001565000a01']);
    await h.api('PATCH', '/devices/001565000a01', { provision_limit: 2 });
    const e = edge(dir, 'a', h.url, site.token);
    const policy = createPolicy(e.cache);
    const boot = (ip: string) =>
      policy.deviceFile({ mac: '001565000a01', ip, access: 'bootstrap', userAgent: 'Yealink', firmware: null, configHash: 'h', path: '/a.cfg', protocol: 'http' }, new Date());
    try {
      e.client.start();
      await caughtUp(h, e);
      assert.deepEqual([boot('10.0.0.1').allowed, boot('10.0.0.1').count], [true, 1]);
      await outboxDrained(e);
      assert.equal((await h.api('GET', '/devices/001565000a01')).status.counter.count, 1);
      await e.client.stop();
      // Offline: the hub resets at its observed count (1); the edge serves one more bootstrap.
      await h.api('POST', '/devices/actions/reset-counter', { macs: ['001565000a01'] });
      const served = boot('10.0.0.2');
      assert.deepEqual([served.allowed, served.count], [true, 2], 'the edge has not seen the reset yet');
      e.client.start();
      await caughtUp(h, e);
      await outboxDrained(e);
      // Edge: count 2 − baseline 1 = 1. Hub: max(count) 2 − baseline 1 = 1.
      assert.equal(e.cache.counterReset('001565000a01')?.baseline, 1);
      const after = await h.api('GET', '/devices/001565000a01');
      assert.equal(after.status.counter.count, 1, 'the hub shows the one session it had not seen when it reset');
      assert.equal(policy.deviceFile({ mac: '001565000a01', ip: '10.0.0.2', access: 'authenticated', userAgent: null, firmware: null, configHash: 'h', path: '/a.cfg', protocol: 'http' }, new Date()).count, 1, 'and so does the edge');
      // The phone's next bootstrap follows the observed-reset rule: one left of the limit 2, then refused.
      assert.deepEqual([boot('10.0.0.3').allowed, boot('10.0.0.4').allowed], [true, false]);
    } finally {
      await e.close();
    }
  });
});

test('a batch the edge cannot apply is nacked: old data keeps serving, the hub shows the error, the edge retries', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, ['001565000a01']);
    const e = edge(dir, 'a', h.url, site.token);
    try {
      e.client.start();
      await caughtUp(h, e);
      // A local fault on the edge (here a trigger) makes the next apply fail.
      e.cache.db.exec(`CREATE TRIGGER poison BEFORE INSERT ON mirror WHEN NEW.key = '001565000a02' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
      const nack = once<{ error: { message: string } }>(e.client, 'nack', () => true, 'a nack');
      const cursor = e.cache.state().cursor;
      await importDevices(h, site.id, ['001565000a02']);
      assert.match((await nack).error.message, /disk says no/);
      assert.equal(e.cache.state().cursor, cursor, 'cursor unchanged');
      assert.ok(e.cache.device('001565000a01'), 'old data keeps serving');
      const st = await h.api('GET', `/sites/${site.id}/sync`);
      assert.match(st.last_nack.message, /disk says no/);
      assert.ok(st.last_nack_at);
      e.cache.db.exec(`DROP TRIGGER poison`);
      await caughtUp(h, e);
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
    } finally {
      await e.close();
    }
  });
});

test('anti-entropy: a digest mismatch (a mirror changed behind sync’s back) triggers a snapshot that repairs it', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, ['001565000a01', '001565000a02']);
    const e = edge(dir, 'a', h.url, site.token);
    try {
      e.client.start();
      await caughtUp(h, e);
      const ok = once<{ result: string }>(e.client, 'digest', () => true, 'digest result');
      e.client.sendDigest();
      assert.equal((await ok).result, 'match');
      e.cache.db.prepare(`DELETE FROM mirror WHERE key = '001565000a02'`).run();
      const bad = once<{ result: string }>(e.client, 'digest', () => true, 'digest result');
      const snap = once<AppliedEvent>(e.client, 'applied', (a) => a.snapshot, 'the repairing snapshot');
      e.client.sendDigest();
      assert.equal((await bad).result, 'mismatch');
      await snap;
      assert.ok(e.cache.device('001565000a02'));
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
      assert.equal((await h.api('GET', `/sites/${site.id}/sync`)).digest_result, 'mismatch');
    } finally {
      await e.close();
    }
  });
});

test('duplicated WebSocket frames (TCP-level, both directions) are no-ops; every (outbox id) is stored exactly once', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    await importDevices(h, site.id, Array.from({ length: 30 }, (_, i) => `0015650a${String(i).padStart(4, '0')}`));
    const proxy = await startFaultProxy({ port: h.port });
    proxy.duplicate = { toEdge: true, toHub: true };
    const e = edge(dir, 'a', proxy.url, site.token);
    let replays = 0;
    e.client.on('replay', () => replays++);
    try {
      e.client.start();
      await caughtUp(h, e);
      const policy = createPolicy(e.cache);
      for (let i = 0; i < 30; i++) {
        policy.deviceFile({ mac: `0015650a${String(i).padStart(4, '0')}`, ip: `10.0.1.${i + 1}`, access: 'bootstrap', userAgent: null, firmware: null, configHash: 'h', path: '/x', protocol: 'http' }, new Date());
      }
      await h.api('PATCH', '/settings', { session_window_s: 800 });
      await caughtUp(h, e);
      await outboxDrained(e);
      assert.ok(proxy.stats.duplicatedToEdge > 0 && proxy.stats.duplicatedToHub > 0, JSON.stringify(proxy.stats));
      assert.ok(replays > 0, 'the edge saw and ignored replays');
      const rows = h.db.prepare(`SELECT seq, count(*) AS n FROM sync_events WHERE site_id = ? GROUP BY db_id, seq`).all(site.id) as Array<{ seq: number; n: number }>;
      assert.equal(rows.length, 30);
      assert.ok(rows.every((r) => r.n === 1));
      assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 30 }, (_, i) => i + 1), 'outbox ids contiguous, no duplicates');
      const counts = h.db.prepare(`SELECT provision_count AS c FROM devices WHERE site_id = ?`).all(site.id) as { c: number }[];
      assert.ok(counts.every((r) => r.c === 1), 'each phone counted once');
      assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
    } finally {
      await e.close();
      await proxy.close();
    }
  });
});

test('a silent link cut (blackhole, no FIN) is found by the heartbeat within ping + grace on both ends; on heal the catch-up commits at once', async () => {
  await withWorld(
    ['A'],
    async (h, dir) => {
      const site = h.sites[0]!;
      const proxy = await startFaultProxy({ port: h.port });
      const e = edge(dir, 'a', proxy.url, site.token, { pingIntervalMs: 150, pongTimeoutMs: 150, handshakeTimeoutMs: 300 });
      try {
        e.client.start();
        await caughtUp(h, e);
        const cursor = e.cache.state().cursor;
        const cutAt = Date.now();
        const lost = once(e.client, 'disconnected', () => true, 'edge notices the dead link', 5000);
        proxy.setMode('blackhole');
        await lost;
        const edgeMs = Date.now() - cutAt;
        assert.ok(edgeMs <= 150 + 150 + 250, `edge found the cut in ${edgeMs} ms`);
        // The hub finds it too (its own heartbeat), without any FIN.
        if (h.sync.sessions().length > 0) await once(h.sync, 'session-closed', () => true, 'hub notices the dead link', 5000);
        assert.ok(Date.now() - cutAt <= 150 + 150 + 400, `hub found the cut in ${Date.now() - cutAt} ms`);
        assert.equal((await h.api('GET', `/sites/${site.id}/sync`)).online, false);
        // Admin writes during the cut: 40 devices in 4 transactions.
        for (let t = 0; t < 4; t++) await importDevices(h, site.id, Array.from({ length: 10 }, (_, i) => `0015650c${t}${String(i).padStart(3, '0')}`));
        assert.equal(e.cache.state().cursor, cursor);
        const applied = once<AppliedEvent>(e.client, 'applied', (a) => a.cursor >= hubSeq(h.db), 'the catch-up');
        proxy.setMode('pass');
        const a = await applied;
        assert.equal(a.rows, 40, 'the whole outage arrived in one commit');
        assert.equal(e.applied.filter((x) => x.cursor > cursor && x.rows > 0).length, 1);
        assert.deepEqual(mirrorLines(e.cache.db), projectionLines(h.db, site.id));
      } finally {
        await e.close();
        await proxy.close();
      }
    },
    { pingIntervalMs: 150, pongTimeoutMs: 150, pageRows: 7 },
  );
});

test('a wiped edge (new DB id) does not let an already-provisioned phone bootstrap again past the limit; a reset still grants exactly one', async () => {
  await withWorld(['A'], async (h, dir) => {
    const site = h.sites[0]!;
    const mac = '001565000b01';
    await importDevices(h, site.id, [mac]);
    const boot = (e: Edge, ip: string) =>
      createPolicy(e.cache).deviceFile({ mac, ip, access: 'bootstrap', userAgent: null, firmware: null, configHash: 'h', path: '/x', protocol: 'http' }, new Date());
    const hubCount = async () => (await h.api('GET', `/devices/${mac}`)).status.counter.count as number;
    const first = edge(dir, 'first', h.url, site.token);
    try {
      first.client.start();
      await caughtUp(h, first);
      assert.equal(boot(first, '10.0.0.1').allowed, true);
      await outboxDrained(first);
      // Reset, and the phone uses it: the first edge's slot is at 2 with baseline 1.
      await h.api('POST', '/devices/actions/reset-counter', { macs: [mac] });
      await caughtUp(h, first);
      assert.deepEqual([boot(first, '10.0.0.2').allowed, boot(first, '10.0.0.3').allowed], [true, false]);
      await outboxDrained(first);
      assert.equal(await hubCount(), 1);
    } finally {
      await first.close();
    }
    // The edge's disk is replaced: a new DB, a new id, a counter at 0 for every phone.
    const wiped = edge(dir, 'wiped', h.url, site.token);
    try {
      assert.notEqual(wiped.cache.dbId, first.client.dbId);
      const r = readyOnce(wiped);
      wiped.client.start();
      assert.equal((await r).mode, 'snapshot');
      await caughtUp(h, wiped);
      const counter = wiped.cache.counterReset(mac)!;
      assert.deepEqual(counter.slots, [{ site_id: site.id, db_id: first.client.dbId, count: 2, baseline: 1 }], "the new edge holds its predecessor's slot");
      const refused = boot(wiped, '10.0.0.4');
      assert.deepEqual([refused.allowed, refused.count], [false, 1], 'the session the old edge served after the reset still counts');
      assert.deepEqual(mirrorLines(wiped.cache.db), projectionLines(h.db, site.id));
      // The admin resets again: one bootstrap at the new edge, then refused; hub and edge agree.
      await h.api('POST', '/devices/actions/reset-counter', { macs: [mac] });
      await caughtUp(h, wiped);
      assert.deepEqual([boot(wiped, '10.0.0.5').allowed, boot(wiped, '10.0.0.6').allowed], [true, false]);
      await outboxDrained(wiped);
      assert.equal(await hubCount(), 1);
      assert.equal(boot(wiped, '10.0.0.6').count, 1);
      const slots = h.db.prepare(`SELECT db_id, count, baseline FROM counter_slots WHERE mac = ? ORDER BY count DESC`).all(mac);
      assert.deepEqual(slots, [{ db_id: first.client.dbId, count: 2, baseline: 2 }, { db_id: wiped.cache.dbId, count: 1, baseline: 0 }]);
    } finally {
      await wiped.close();
    }
  });
});

test('duplicated, replayed and reordered event batches over a real socket do not double-count: each slot keeps its max, the device the sum', async () => {
  await withWorld(['A'], async (h) => {
    const site = h.sites[0]!;
    const macs = ['001565000c01', '001565000c02'];
    await importDevices(h, site.id, macs);
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}/sync/v1`, { headers: { authorization: `Bearer ${site.token}` } });
    const acks: number[] = [];
    const acked = (n: number) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${n} events-acks within 10 s; got ${acks.length}`)), 10_000);
      const check = () => {
        if (acks.length < n) return;
        clearTimeout(timer);
        ws.off('message', check);
        resolve();
      };
      ws.on('message', check);
      check();
    });
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as { t: string; up_to?: number };
      if (f.t === 'events-ack') acks.push(f.up_to!);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const send = (f: Record<string, unknown>) => ws.send(JSON.stringify({ v: 1, ...f }));
    const prov = (id: number, mac: string, count: number) => ({ id, kind: 'provisioned', at: new Date().toISOString(), data: { mac, count, at: new Date().toISOString(), ip: '10.0.0.1' } });
    try {
      send({ t: 'hello', proto: 1, epoch: null, cursor: 0, outbox: { db_id: 'edge-one', first: 1, last: 3 }, version: 'raw-test' });
      const batch = [prov(1, macs[0]!, 1), prov(2, macs[0]!, 2), prov(3, macs[1]!, 1)];
      send({ t: 'events', db_id: 'edge-one', items: batch });
      send({ t: 'events', db_id: 'edge-one', items: batch }); // duplicated
      send({ t: 'events', db_id: 'edge-one', items: [batch[1]!] }); // replayed, newest first
      send({ t: 'events', db_id: 'edge-one', items: [batch[0]!] });
      // A later event carrying an older state (count 1 after 2) cannot lower the slot.
      send({ t: 'events', db_id: 'edge-one', items: [prov(4, macs[0]!, 1)] });
      // Another edge DB of the site (after a wipe) has its own slot: the device's count is the sum.
      send({ t: 'events', db_id: 'edge-two', items: [prov(1, macs[0]!, 1)] });
      send({ t: 'events', db_id: 'edge-two', items: [prov(1, macs[0]!, 1)] });
      await acked(7);
      const slots = h.db.prepare(`SELECT mac, db_id, count FROM counter_slots ORDER BY mac, db_id`).all();
      assert.deepEqual(slots, [
        { mac: macs[0], db_id: 'edge-one', count: 2 },
        { mac: macs[0], db_id: 'edge-two', count: 1 },
        { mac: macs[1], db_id: 'edge-one', count: 1 },
      ]);
      assert.deepEqual([(await h.api('GET', `/devices/${macs[0]}`)).status.counter.count, (await h.api('GET', `/devices/${macs[1]}`)).status.counter.count], [3, 1]);
      const stored = h.db.prepare(`SELECT db_id, seq FROM sync_events ORDER BY db_id, seq`).all();
      assert.deepEqual(stored, [{ db_id: 'edge-one', seq: 1 }, { db_id: 'edge-one', seq: 2 }, { db_id: 'edge-one', seq: 3 }, { db_id: 'edge-one', seq: 4 }, { db_id: 'edge-two', seq: 1 }]);
    } finally {
      ws.terminate();
    }
  });
});
