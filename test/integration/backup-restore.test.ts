/**
 * `edgeprov backup` and `edgeprov restore` as an operator runs them (docs/operations.md): a backup
 * taken while the hub runs, more changes, the hub stopped, the backup restored: the later changes
 * are gone, the DB is intact, the epoch is new (so every edge takes a snapshot), and the restored
 * hub starts. Bad input is refused with a clear line and the DB left alone.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CliProcess, cliEnv, logLine, runCli } from '../helpers/cli-process.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function read(dbPath: string): { epoch: string; sites: string[]; integrity: unknown } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return {
      epoch: (db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string }).value,
      sites: (db.prepare(`SELECT name FROM sites ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

test('backup while the hub runs, restore with the hub stopped: later changes gone, integrity ok, a new epoch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-backup-'));
  dirs.push(dir);
  const config = join(dir, 'hub.json');
  const dbPath = join(dir, 'hub.db');
  writeFileSync(config, JSON.stringify({ db_path: dbPath, port: 0 }));
  const hub = new CliProcess(['hub', '--config', config], { env: cliEnv() });
  try {
    await hub.waitForLine((l) => logLine(l).msg === 'listening', 'listening');
    assert.equal((await runCli(['site', 'add', 'Before', '--config', config])).code, 0);
    const backup = join(dir, 'hub-backup.db');
    const b = await runCli(['backup', backup, '--config', config]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backup written to/);
    const again = await runCli(['backup', backup, '--config', config]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; a backup never overwrites a file/);
    assert.equal((await runCli(['site', 'add', 'After', '--config', config])).code, 0);
    const live = read(dbPath);
    assert.deepEqual(live.sites, ['After', 'Before']);
    assert.equal((await hub.stop()).code, 0, hub.stderr);

    const bogus = join(dir, 'not-a-db');
    writeFileSync(bogus, 'hello');
    const refused = await runCli(['restore', bogus, '--config', config]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not-a-db/);
    assert.deepEqual(read(dbPath).sites, ['After', 'Before'], 'a refused restore leaves the DB alone');

    const r = await runCli(['restore', backup, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /every edge takes a snapshot/);
    const restored = read(dbPath);
    assert.deepEqual(restored.sites, ['Before']);
    assert.equal(restored.integrity, 'ok');
    assert.notEqual(restored.epoch, live.epoch, 'the restored DB has a new epoch');
  } finally {
    hub.kill();
  }
  const again = new CliProcess(['hub', '--config', config], { env: cliEnv() });
  try {
    await again.waitForLine((l) => logLine(l).msg === 'listening', 'the restored hub listening');
    assert.equal((await again.stop()).code, 0, again.stderr);
  } finally {
    again.kill();
  }
});
