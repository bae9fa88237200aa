/**
 * Forward-only migrations (hub/db/migrations.ts): an empty DB and a DB at every earlier version
 * reach the latest schema with their data intact, and the code still works on the result. The
 * loops run over MIGRATIONS.length, so a new migration is covered the day it is appended. A
 * migration that reshapes a table seeded below must add a seed for its version to SEEDS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDb, migrate, type Db } from '../../hub/db/open.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../hub/db/migrations.js';
import { HubStore, SYSTEM_ACTOR } from '../../hub/db/store.js';
import { getSite } from '../../hub/domain/sites.js';
import { getUser } from '../../hub/domain/users.js';
import { deviceRecord, findDeviceRow } from '../../hub/domain/devices-sync.js';
import { setDeviceUsers, updateDevice } from '../../hub/domain/devices.js';
import { getSettings } from '../../hub/domain/settings.js';
import { queryAudit } from '../../hub/domain/audit.js';
import { slotsOf } from '../../hub/domain/counters.js';
import { snapshotFor } from '../../hub/sync/projection.js';
import { canonicalJson } from '../../shared/sync/digest.js';

const LATEST = MIGRATIONS.length;
const NOW = '2026-01-01T00:00:00.000Z';
const clock = { now: () => new Date(NOW) };

function tempDir(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-migrate-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A bare connection with the pragmas openDb sets, but no migration. */
function rawDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  return db;
}

function version(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function tables(db: Db): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

function schemaText(db: Db): string {
  return (db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all() as Array<Record<string, unknown>>).map((r) => JSON.stringify(r)).join('\n');
}

function assertClean(db: Db): void {
  assert.deepEqual(db.pragma('foreign_key_check'), [], 'foreign_key_check');
  assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'integrity_check');
}

/** Version 1: the desired state, sign-in and the logs. */
function seedV1(db: Db): void {
  db.prepare(
    `INSERT INTO sites(id, name, timezone, ntp_server, provision_mode, fqdn, public_ip, edge_lan_ip, edge_http_port, edge_https_port,
      edge_tftp_port, sip_port, sip_transport, rtp_port_min, rtp_port_max, provision_limit, dhcp, created_at, updated_at)
     VALUES (7, 'Seeded', 'Europe/Berlin', 'pool.ntp.org', 'fqdn', 'pbx.seed.example', NULL, '192.0.2.10', 80, NULL, 69, 5060, 'udp',
      10000, 20000, 1, '{"mode":"off","pool_start":null,"pool_end":null,"router":null,"dns":[],"lease_time_s":86400}', ?, ?)`,
  ).run(NOW, NOW);
  db.prepare(`INSERT INTO site_tokens(site_id, token_hash, created_at) VALUES (7, 'seed-token-hash', ?)`).run(NOW);
  db.prepare(`INSERT INTO users(id, extension, display_name, ip_phone_license, created_at, updated_at) VALUES (11, '4711', 'Seed User', 1, ?, ?)`).run(NOW, NOW);
  db.prepare(`INSERT INTO users(id, extension, display_name, ip_phone_license, created_at, updated_at) VALUES (12, '4712', 'Second Seed', 1, ?, ?)`).run(NOW, NOW);
  db.prepare(
    `INSERT INTO sip_accounts(id, user_id, username, auth_username, password, server, port, transport, outbound_proxy, label)
     VALUES (21, 11, '4711', '4711', 'seed-sip-secret', NULL, NULL, 'udp', NULL, 'Main')`,
  ).run();
  db.prepare(
    `INSERT INTO sip_accounts(id, user_id, username, auth_username, password, server, port, transport, outbound_proxy, label)
     VALUES (22, 12, '4712', '4712', 'seed-sip-secret-2', NULL, NULL, 'udp', NULL, '')`,
  ).run();
  db.prepare(`INSERT INTO accounts(id, username, password_hash, role, user_id, created_at) VALUES (31, 'seeduser', 'scrypt$x', 'user', 11, ?)`).run(NOW);
  db.prepare(`INSERT INTO api_tokens(account_id, name, token_hash, created_at) VALUES (31, 'seed', 'seed-api-hash', ?)`).run(NOW);
  db.prepare(
    `INSERT INTO templates(id, name, scope, engine, vendor, model, body, version, created_at, updated_at)
     VALUES (41, 'Seed device template', 'device', 'default', 'yealink', 'T46S', 'a = {{device.name}}\n', 3, ?, ?)`,
  ).run(NOW, NOW);
  db.prepare(
    `INSERT INTO devices(mac, site_id, vendor, model, name, login_password, engine, template_id, provision_limit, prov_username,
      prov_password, provision_count, reset_baseline, first_seen, last_seen, last_provisioned_at, last_ip, last_user_agent, firmware,
      last_config_hash, created_at, updated_at)
     VALUES ('001565abcdef', 7, 'yealink', 'T46S', 'Seed phone', 'seed-login', 'default', 41, 5, '001565abcdef', 'seed-prov', 9, 2,
      ?, ?, ?, '192.0.2.50', 'Yealink SIP-T46S', '66.86.0.15', 'abc', ?, ?)`,
  ).run(NOW, NOW, NOW, NOW, NOW);
  db.prepare(`INSERT INTO device_users(mac, position, user_id) VALUES ('001565abcdef', 1, 11)`).run();
  db.prepare(`INSERT INTO settings(key, value) VALUES ('session_window_s', '300')`).run();
  db.prepare(`INSERT INTO change_log(txid, site_id, entity, key, deleted, data, at) VALUES (1, 7, 'device', '001565abcdef', 0, '{"mac":"001565abcdef"}', ?)`).run(NOW);
  db.prepare(`INSERT INTO change_log(txid, site_id, entity, key, deleted, data, at) VALUES (1, NULL, 'template', '41', 1, NULL, ?)`).run(NOW);
  db.prepare(`UPDATE meta SET value = '1' WHERE key = 'txid'`).run();
  db.prepare(
    `INSERT INTO audit_log(at, actor, actor_role, action, target_type, target_id, before, after) VALUES (?, 'admin', 'admin', 'device.create', 'device', '001565abcdef', NULL, '{"name":"Seed phone"}')`,
  ).run(NOW);
  db.prepare(`INSERT INTO discovered(site_id, mac, ip, evidence, first_seen, last_seen) VALUES (7, '001565000999', '192.0.2.99', '{"model":"T31P"}', ?, ?)`).run(NOW, NOW);
}

/** Version 2 (sync): the edges' stored events — two edge DBs of site 7 (the second a wiped edge's), a reset between them. */
function seedV2(db: Db): void {
  seedV1(db);
  db.prepare(`UPDATE devices SET provision_count = 3, reset_baseline = 1, reset_at = '2026-01-01T02:00:00.000Z' WHERE mac = '001565abcdef'`).run();
  const ev = db.prepare(`INSERT INTO sync_events(site_id, db_id, seq, kind, data, at, received_at) VALUES (7, ?, ?, ?, ?, ?, ?)`);
  const prov = (count: number, mac = '001565abcdef') => JSON.stringify({ mac, count, at: NOW, ip: '192.0.2.50' });
  ev.run('edge-a', 1, 'provisioned', prov(1), NOW, '2026-01-01T01:00:00.000Z');
  ev.run('edge-a', 2, 'provisioned', prov(3), NOW, '2026-01-01T03:00:00.000Z');
  ev.run('edge-a', 3, 'provisioned', prov(5, '001565000404'), NOW, '2026-01-01T03:00:00.000Z'); // a device the hub does not have
  ev.run('edge-a', 4, 'unknown_device', JSON.stringify({ mac: '001565000999' }), NOW, '2026-01-01T03:00:00.000Z');
  ev.run('edge-b', 1, 'provisioned', prov(2), NOW, '2026-01-01T04:00:00.000Z');
  ev.run('edge-b', 2, 'provisioned', prov(1), NOW, '2026-01-01T04:00:00.000Z');
}

/** Version 3 (G-counter slots): what migration 3 makes of seedV2, written directly. */
function seedV3(db: Db): void {
  seedV1(db);
  db.prepare(`UPDATE devices SET provision_count = 5, reset_baseline = 1, reset_at = '2026-01-01T02:00:00.000Z' WHERE mac = '001565abcdef'`).run();
  const slot = db.prepare(`INSERT INTO counter_slots(mac, site_id, db_id, count, baseline, synced_count, updated_at) VALUES ('001565abcdef', 7, ?, ?, ?, ?, ?)`);
  slot.run('edge-a', 3, 1, 3, NOW);
  slot.run('edge-b', 2, 0, 2, NOW);
  const data = { mac: '001565abcdef', at: '2026-01-01T02:00:00.000Z', baseline: 1, slots: [{ site_id: 7, db_id: 'edge-a', count: 3, baseline: 1 }, { site_id: 7, db_id: 'edge-b', count: 2, baseline: 0 }] };
  db.prepare(`INSERT INTO change_log(txid, site_id, entity, key, deleted, data, at) VALUES (2, 7, 'counter_reset', '001565abcdef', 0, ?, ?)`).run(JSON.stringify(data), NOW);
  db.prepare(`UPDATE meta SET value = '2' WHERE key = 'txid'`).run();
}

/**
 * Representative data written with the schema of version v (the seed with the highest `from` ≤ v
 * is used). Version 0 has no tables, so there is nothing to seed.
 */
const SEEDS: ReadonlyArray<{ from: number; seed(db: Db): void }> = [
  { from: 1, seed: seedV1 },
  { from: 2, seed: seedV2 },
  { from: 3, seed: seedV3 },
];

/** The counter state each seed must come out with on the latest schema (sum over slots). */
const COUNTERS: Record<number, { slots: Array<[string, number, number]>; count: number; baseline: number }> = {
  // No stored events explain the count: one legacy slot keeps it.
  1: { slots: [['legacy', 9, 2]], count: 9, baseline: 2 },
  // Per edge DB the highest count received; the baseline is what that slot had reported by the reset.
  2: { slots: [['edge-a', 3, 1], ['edge-b', 2, 0]], count: 5, baseline: 1 },
  3: { slots: [['edge-a', 3, 1], ['edge-b', 2, 0]], count: 5, baseline: 1 },
};

function seedFor(v: number): { from: number; seed(db: Db): void } | undefined {
  let pick: { from: number; seed(db: Db): void } | undefined;
  for (const s of SEEDS) if (s.from <= v) pick = s;
  return pick;
}

/** What the seed must still say after migrating, read through the current code. */
function assertSeedSurvived(db: Db, from: number): void {
  const site = getSite(db, 7);
  assert.equal(site.name, 'Seeded');
  assert.equal(site.fqdn, 'pbx.seed.example');
  assert.equal(site.edge_lan_ip, '192.0.2.10');
  assert.equal(site.dhcp.mode, 'off');
  const user = getUser(db, 11);
  assert.equal(user.extension, '4711');
  assert.equal(user.username, 'seeduser');
  assert.deepEqual(user.devices, ['001565abcdef']);
  assert.deepEqual(user.sip_accounts.map((a) => [a.id, a.username, a.password, a.label]), [[21, '4711', 'seed-sip-secret', 'Main']]);
  const row = findDeviceRow(db, '001565abcdef');
  assert.ok(row, 'the seeded device survived');
  assert.equal(row.name, 'Seed phone');
  assert.equal(row.login_password, 'seed-login');
  assert.equal(row.prov_password, 'seed-prov');
  assert.equal(row.template_id, 41);
  const want = COUNTERS[from]!;
  assert.deepEqual(slotsOf(db, row.mac).map((x) => [x.db_id, x.count, x.baseline]), want.slots);
  assert.equal(row.provision_count, want.count);
  assert.equal(row.reset_baseline, want.baseline);
  assert.equal(row.last_config_hash, 'abc');
  const rec = deviceRecord(db, row);
  assert.deepEqual(rec.extensions.map((e) => [e.extension, e.accounts.map((a) => a.password)]), [['4711', ['seed-sip-secret']]]);
  assert.equal(getSettings(db).session_window_s, 300);
  const log = db.prepare(`SELECT txid, site_id, entity, key, deleted FROM change_log ORDER BY seq`).all();
  assert.deepEqual(log, [
    { txid: 1, site_id: 7, entity: 'device', key: '001565abcdef', deleted: 0 },
    { txid: 1, site_id: null, entity: 'template', key: '41', deleted: 1 },
    // Migration 3 logs the device's counter state once, in its own transaction.
    { txid: 2, site_id: 7, entity: 'counter_reset', key: '001565abcdef', deleted: 0 },
  ]);
  // What the migration logged (built in SQL) is what the projection builds (in code).
  const logged = JSON.parse((db.prepare(`SELECT data FROM change_log WHERE entity = 'counter_reset' ORDER BY seq DESC`).get() as { data: string }).data) as unknown;
  const projected = snapshotFor(db, 7).changes.find((c) => c.entity === 'counter_reset')!.data;
  assert.equal(canonicalJson(logged), canonicalJson(projected));
  const audit = queryAudit(db, { page: 1, per_page: 10 });
  assert.equal(audit.total, 1);
  assert.deepEqual(audit.items[0]!.after, { name: 'Seed phone' });
  assert.equal((db.prepare(`SELECT count(*) AS n FROM site_tokens WHERE site_id = 7`).get() as { n: number }).n, 1);
  assert.equal((db.prepare(`SELECT count(*) AS n FROM api_tokens`).get() as { n: number }).n, 1);
  assert.equal((db.prepare(`SELECT count(*) AS n FROM discovered`).get() as { n: number }).n, 1);
}

/** The current code writes to the migrated DB: a change row with the next txid and an audit row. */
function assertWritable(db: Db, seeded: boolean): void {
  const store = new HubStore(db, clock);
  const maxSeq = () => (db.prepare(`SELECT coalesce(max(seq), 0) AS s FROM change_log`).get() as { s: number }).s;
  const before = maxSeq();
  if (seeded) {
    store.write(SYSTEM_ACTOR, (w) => {
      updateDevice(w, '001565abcdef', { name: 'Renamed after migration' });
      setDeviceUsers(w, '001565abcdef', [11, 12]);
    });
    const rows = db.prepare(`SELECT txid, site_id, entity, key FROM change_log WHERE seq > ? ORDER BY seq`).all(before) as Array<{ txid: number }>;
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => r.txid === 3), 'the txid counter carried over from the old version (and migration 3)');
    assert.equal(findDeviceRow(db, '001565abcdef')!.name, 'Renamed after migration');
  } else {
    store.write(SYSTEM_ACTOR, (w) => w.change({ site_id: null, entity: 'setting', key: 'probe', data: { key: 'probe', value: 1 } }));
    assert.equal(maxSeq(), before + 1);
  }
  assertClean(db);
}

test('an empty database migrates from user_version 0 to the latest', () => {
  const t = tempDir();
  try {
    assert.equal(SCHEMA_VERSION, LATEST);
    const db = rawDb(join(t.dir, 'hub.db'));
    assert.equal(version(db), 0);
    const applied = migrate(db);
    assert.deepEqual(applied, Array.from({ length: LATEST }, (_, i) => i + 1));
    assert.equal(version(db), LATEST);
    for (const name of ['meta', 'sites', 'users', 'sip_accounts', 'accounts', 'devices', 'device_users', 'templates', 'settings', 'change_log', 'audit_log']) {
      assert.ok(tables(db).includes(name), `table ${name}`);
    }
    const meta = Object.fromEntries((db.prepare(`SELECT key, value FROM meta`).all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    assert.match(meta.epoch ?? '', /^[0-9a-f]{16}$/);
    assert.equal(meta.txid, '0');
    assertClean(db);
    assertWritable(db, false);
    db.close();
  } finally {
    t.done();
  }
});

for (let v = 0; v < LATEST; v++) {
  test(`a database at version ${v} migrates to ${LATEST} with its data intact`, () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'hub.db');
      const db = rawDb(file);
      const first = migrate(db, v);
      assert.deepEqual(first, Array.from({ length: v }, (_, i) => i + 1));
      assert.equal(version(db), v);
      if (v === 0) assert.deepEqual(tables(db), [], 'version 0 is an empty database');
      const seed = seedFor(v);
      if (seed) db.transaction(() => seed.seed(db))();
      assertClean(db);
      db.close();

      // Reopen as the hub does at start: openDb migrates the rest.
      const hub = openDb(file);
      try {
        assert.equal(version(hub), LATEST);
        assertClean(hub);
        if (seed) assertSeedSurvived(hub, seed.from);
        assertWritable(hub, seed !== undefined);
      } finally {
        hub.close();
      }
    } finally {
      t.done();
    }
  });
}

// The seeds are only exercised by the loop above for versions below the latest; this keeps the
// newest seed honest today (it must fit the latest schema and read back through the code).
test(`the seed for version ${LATEST} fits the latest schema, and reopening a populated database changes nothing`, () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'hub.db');
    const db = openDb(file);
    const seed = seedFor(LATEST);
    assert.ok(seed, 'a seed exists for the latest version');
    db.transaction(() => seed.seed(db))();
    assertSeedSurvived(db, seed.from);
    db.close();
    const again = openDb(file);
    try {
      assert.equal(version(again), LATEST);
      assertSeedSurvived(again, seed.from);
      assertWritable(again, true);
    } finally {
      again.close();
    }
  } finally {
    t.done();
  }
});

test('migrating step by step gives the same schema as migrating at once', () => {
  const t = tempDir();
  try {
    const once = rawDb(join(t.dir, 'once.db'));
    migrate(once);
    const steps = rawDb(join(t.dir, 'steps.db'));
    for (let v = 0; v <= LATEST; v++) {
      migrate(steps, v);
      assert.equal(version(steps), v);
    }
    assert.equal(schemaText(steps), schemaText(once));
    once.close();
    steps.close();
  } finally {
    t.done();
  }
});

test('migrating twice is a no-op, and a target below the current version changes nothing', () => {
  const t = tempDir();
  try {
    const db = openDb(join(t.dir, 'hub.db'));
    const schema = schemaText(db);
    const epoch = db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get();
    assert.deepEqual(migrate(db), []);
    assert.deepEqual(migrate(db, 0), []);
    assert.equal(version(db), LATEST);
    assert.equal(schemaText(db), schema);
    assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get(), epoch, 'the epoch is kept');
    db.close();
    const again = openDb(join(t.dir, 'hub.db'));
    assert.equal(schemaText(again), schema);
    assert.deepEqual(again.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get(), epoch);
    again.close();
  } finally {
    t.done();
  }
});

test('a database newer than the code is refused with a clear error, and left untouched', () => {
  const t = tempDir();
  try {
    const file = join(t.dir, 'hub.db');
    const db = rawDb(file);
    migrate(db);
    db.pragma(`user_version = ${LATEST + 1}`);
    const schema = schemaText(db);
    assert.throws(() => migrate(db), (err: Error) => {
      assert.match(err.message, new RegExp(`version ${LATEST + 1} is newer than this edgeprov \\(${LATEST}\\)`));
      return true;
    });
    db.close();
    assert.throws(() => openDb(file), /newer than this edgeprov/);
    const check = new Database(file);
    assert.equal(version(check), LATEST + 1);
    assert.equal(schemaText(check), schema);
    check.close();
  } finally {
    t.done();
  }
});

test('a target beyond the known migrations is refused', () => {
  const t = tempDir();
  try {
    const db = rawDb(join(t.dir, 'hub.db'));
    assert.throws(() => migrate(db, LATEST + 1), /no migration to version/);
    assert.equal(version(db), 0, 'nothing was applied');
    db.close();
  } finally {
    t.done();
  }
});

test('openDb turns on WAL and foreign keys', () => {
  const t = tempDir();
  try {
    const db = openDb(join(t.dir, 'hub.db'));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    // Foreign keys are enforced, not just declared.
    assert.throws(
      () => db.prepare(`INSERT INTO device_users(mac, position, user_id) VALUES ('001565000000', 1, 999)`).run(),
      /FOREIGN KEY constraint failed/,
    );
    db.close();
  } finally {
    t.done();
  }
});
