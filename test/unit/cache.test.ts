/**
 * The edge cache fed exactly as sync will feed it: the hub's change-log deltas and snapshots
 * applied through `apply()`. Replays are no-ops, tombstones stick, a move leaves the old site,
 * a snapshot replaces everything, and a batch that fails leaves cursor and data untouched.
 */
import { reportProvisioned } from '../helpers/counters.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testHub, makeSite, makeUser, TestClock, type TestHub } from '../helpers/hub.js';
import { createCache, WAL_AUTOCHECKPOINT_PAGES, type Cache } from '../../daemon/cache/index.js';
import { deltaFor, snapshotFor } from '../../hub/sync/projection.js';

async function setup(): Promise<{ h: TestHub; a: number; b: number; cacheA: Cache; cacheB: Cache; close(): void }> {
  const h = await testHub();
  const a = await makeSite(h, { name: 'A' });
  const b = await makeSite(h, { name: 'B' });
  const clock = new TestClock();
  const cacheA = createCache({ path: join(h.dir, 'edge-a.db') }, { clock });
  const cacheB = createCache({ path: join(h.dir, 'edge-b.db') }, { clock });
  // Edges start from a snapshot, as a fresh edge does.
  cacheA.apply(snapshotFor(h.db, a));
  cacheB.apply(snapshotFor(h.db, b));
  return { h, a, b, cacheA, cacheB, close: () => (cacheA.close(), cacheB.close(), h.close()) };
}

function sync(h: TestHub, site: number, cache: Cache): number {
  const batch = deltaFor(h.db, site, cache.state().cursor);
  return cache.apply(batch).changed;
}

test('deltas bring devices with their lines; a replay changes nothing', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S,Desk\n001565000002,T46S', site_id: s.a } });
    const u = await makeUser(s.h, '301', 2);
    await s.h.json('PUT', '/devices/001565000001/users', { body: { users: [u] } });
    const before = s.cacheA.state().cursor;
    const batch = deltaFor(s.h.db, s.a, before);
    assert.ok(s.cacheA.apply(batch).changed > 0);
    const d = s.cacheA.device('001565000001')!;
    assert.equal(d.name, 'Desk');
    assert.deepEqual(d.extensions.map((e) => e.accounts.map((x) => x.username)), [['301', '301-1']]);
    assert.equal(d.extensions[0]!.accounts[0]!.password, 'pw-301-0', 'the edge holds the real secret to render');
    // Replaying the same batch, and every earlier one, is a no-op.
    const gen = s.cacheA.generation;
    assert.equal(s.cacheA.apply(batch).changed, 0);
    assert.equal(s.cacheA.apply(deltaFor(s.h.db, s.a, 0)).changed, 0);
    assert.equal(s.cacheA.generation, gen);
    assert.equal(s.cacheB.device('001565000001'), undefined, 'site B never sees site A devices');
    assert.equal(sync(s.h, s.b, s.cacheB), 0);
  } finally {
    s.close();
  }
});

test('a tombstone sticks: an older upsert replayed after it does not resurrect the device', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: s.a } });
    const created = deltaFor(s.h.db, s.a, s.cacheA.state().cursor);
    s.cacheA.apply(created);
    await s.h.json('DELETE', '/devices/001565000001');
    sync(s.h, s.a, s.cacheA);
    assert.equal(s.cacheA.device('001565000001'), undefined);
    assert.equal(s.cacheA.apply({ ...created, cursor: s.cacheA.state().cursor }).changed, 0);
    assert.equal(s.cacheA.device('001565000001'), undefined);
  } finally {
    s.close();
  }
});

test('moving a device A→B: A loses it and B gains it', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: s.a } });
    sync(s.h, s.a, s.cacheA);
    await s.h.json('PATCH', '/devices/001565000001', { body: { site_id: s.b } });
    sync(s.h, s.a, s.cacheA);
    sync(s.h, s.b, s.cacheB);
    assert.equal(s.cacheA.device('001565000001'), undefined);
    assert.equal(s.cacheB.device('001565000001')!.site_id, s.b);
  } finally {
    s.close();
  }
});

test('templates, settings and counter resets reach the edge', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: s.a } });
    const t = await s.h.json('POST', '/templates', { body: { name: 'org', engine: 'default', vendor: 'yealink', model: null, body: 'mac={{device.mac}}\n' } });
    await s.h.json('PATCH', '/settings', { body: { session_window_s: 300 } });
    reportProvisioned(s.h.db, { mac: '001565000001', at: '2026-01-01T00:00:00.000Z', ip: '10.0.0.1', user_agent: null, firmware: null, config_hash: 'x', count: 3 }, s.cacheA.dbId);
    await s.h.json('POST', '/devices/actions/reset-counter', { body: { macs: ['001565000001'] } });
    sync(s.h, s.a, s.cacheA);
    assert.equal(s.cacheA.template(t.id)!.body, 'mac={{device.mac}}\n');
    assert.deepEqual(s.cacheA.orgTemplates('yealink', 'default').map((x) => x.id), [t.id]);
    assert.equal(s.cacheA.setting<number>('session_window_s'), 300);
    assert.deepEqual(s.cacheA.counterReset('001565000001')!.slots, [{ site_id: s.a, db_id: s.cacheA.dbId, count: 3, baseline: 3 }]);
    assert.equal(s.cacheA.counterReset('001565000001')!.baseline, 3, 'what edges before per-slot counters read');
  } finally {
    s.close();
  }
});

test('a snapshot replaces the mirror; a delta for another epoch is refused and changes nothing', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S\n001565000002,T46S', site_id: s.a } });
    sync(s.h, s.a, s.cacheA);
    // A device the hub no longer has (e.g. the hub DB was restored) disappears with the snapshot.
    s.h.db.prepare(`DELETE FROM devices WHERE mac = '001565000002'`).run();
    const snap = snapshotFor(s.h.db, s.a);
    s.cacheA.apply(snap);
    assert.ok(s.cacheA.device('001565000001'));
    assert.equal(s.cacheA.device('001565000002'), undefined);
    assert.equal(s.cacheA.state().cursor, snap.cursor);
    const state = s.cacheA.state();
    assert.throws(() => s.cacheA.apply({ epoch: 'another-epoch', snapshot: false, cursor: state.cursor + 5, changes: [] }), { code: 'CONFLICT' });
    assert.deepEqual(s.cacheA.state(), state);
  } finally {
    s.close();
  }
});

test('a malformed batch is refused whole: cursor and data untouched', async () => {
  const s = await setup();
  try {
    await s.h.json('POST', '/devices/import', { body: { text: '001565000001,T46S', site_id: s.a } });
    const good = deltaFor(s.h.db, s.a, s.cacheA.state().cursor);
    const bad = { ...good, changes: [...good.changes, { seq: good.cursor, txid: 1, site_id: s.a, entity: 'device' as const, key: 'x', deleted: false, data: null }] };
    const state = s.cacheA.state();
    assert.throws(() => s.cacheA.apply(bad), { code: 'VALIDATION_FAILED' });
    assert.deepEqual(s.cacheA.state(), state);
    assert.equal(s.cacheA.device('001565000001'), undefined);
  } finally {
    s.close();
  }
});

test('deltas never split a transaction, even when a batch limit falls inside one', async () => {
  const s = await setup();
  try {
    const macs = Array.from({ length: 30 }, (_, i) => `0015650000${String(i + 10).padStart(2, '0')}`);
    await s.h.json('POST', '/devices/import', { body: { text: macs.join('\n'), site_id: s.a } });
    const batch = deltaFor(s.h.db, s.a, s.cacheA.state().cursor, 10);
    const txids = new Set(batch.changes.map((c) => c.txid));
    assert.equal(txids.size, 1);
    assert.equal(batch.changes.length, 30, 'the one 30-row import transaction is sent whole');
    s.cacheA.apply(batch);
    assert.equal(sync(s.h, s.a, s.cacheA), 0);
  } finally {
    s.close();
  }
});

test('commits do not checkpoint in line before WAL_AUTOCHECKPOINT_PAGES: the WAL grows past SQLite\'s default 1000 pages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-wal-'));
  const cache = createCache({ path: join(dir, 'edge.db') }, { clock: new TestClock() });
  try {
    const insert = cache.db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES ('test', ?, '2025-01-01T00:00:00Z')`);
    const pageSize = cache.db.pragma('page_size', { simple: true }) as number;
    // One commit per row, ~one page each: 1500 commits, all within one event-loop turn (no idle checkpoint).
    const filler = 'x'.repeat(pageSize - 200);
    for (let i = 0; i < 1500; i++) insert.run(filler);
    const frames = (statSync(join(dir, 'edge.db-wal')).size - 32) / (pageSize + 24);
    assert.ok(WAL_AUTOCHECKPOINT_PAGES > 1500);
    assert.ok(frames >= 1500, `${frames} WAL frames after 1500 commits: a commit checkpointed in line`);
  } finally {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parsed rows are memoised within a bound, least recently used out; an evicted row reads back equal', async () => {
  const h = await testHub();
  const site = await makeSite(h, { name: 'M' });
  const macs = ['001565000041', '001565000042', '001565000043', '001565000044'];
  await h.json('POST', '/devices/import', { body: { text: macs.map((m) => `${m},T46S`).join('\n'), site_id: site } });
  const cache = createCache({ path: join(h.dir, 'edge-memo.db'), memoEntries: 3 }, { clock: new TestClock() });
  try {
    cache.apply(snapshotFor(h.db, site));
    const [a, b, c, d] = macs as [string, string, string, string];
    const first = new Map([a, b, c].map((m) => [m, cache.device(m)!]));
    assert.equal(cache.device(a), first.get(a), 'a memoised read is the same object');
    cache.device(d); // b is now the least recently used: it goes
    assert.equal(cache.device(a), first.get(a));
    assert.equal(cache.device(c), first.get(c));
    const again = cache.device(b)!;
    assert.notEqual(again, first.get(b), 'parsed afresh after its eviction');
    assert.deepEqual(again, first.get(b));
    // Unknown MACs take memo slots too, and push known rows out rather than growing it.
    for (let i = 0; i < 10; i++) assert.equal(cache.device(`00156500ff${String(i).padStart(2, '0')}`), undefined);
    assert.deepEqual(cache.device(a), first.get(a));
  } finally {
    cache.close();
    h.close();
  }
});
