/** The daemon's configuration: defaults, a JSON file, EDGEPROV_DAEMON_* overrides that win, and clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDaemonConfig } from '../../daemon/config.js';
import { isProvError } from '../../shared/errors.js';

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-dcfg-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isProvError(err) && err.code === 'CONFIG_INVALID', String(err));
    return err.message;
  }
  assert.fail('expected CONFIG_INVALID');
}

test('defaults: the LAN on the standard ports, TFTP blksize 1428, realm edgeprov, no HTTPS, no hub yet', () => {
  const c = loadDaemonConfig(undefined, {});
  assert.deepEqual(
    [c.http_host, c.http_port, c.tftp_host, c.tftp_port, c.tftp_max_blksize, c.realm, c.https_cert, c.hub_url, c.log_level, c.max_upload_bytes],
    ['0.0.0.0', 80, '0.0.0.0', 69, 1428, 'edgeprov', undefined, undefined, 'info', 1024 * 1024],
  );
});

test('a file, then the environment wins; numbers and booleans from env are typed', () => {
  withDir((dir) => {
    const file = join(dir, 'edge.json');
    writeFileSync(file, JSON.stringify({ db_path: '/var/lib/edgeprov/edge.db', http_port: 8081, tftp_port: 6969, hub_url: 'https://hub.example.com' }));
    const c = loadDaemonConfig(file, { EDGEPROV_DAEMON_HTTP_PORT: '0', EDGEPROV_DAEMON_LOG_LEVEL: 'debug', EDGEPROV_DAEMON_SITE_TOKEN: 'abc' });
    assert.deepEqual([c.db_path, c.http_port, c.tftp_port, c.log_level, c.hub_url, c.site_token], ['/var/lib/edgeprov/edge.db', 0, 6969, 'debug', 'https://hub.example.com', 'abc']);
  });
});

test('errors name the key and where it came from; HTTPS needs both files', () => {
  assert.match(problem(() => loadDaemonConfig(undefined, { EDGEPROV_DAEMON_TFTP_PORT: '70000' })), /tftp_port: .*\(from environment EDGEPROV_DAEMON_TFTP_PORT\)/);
  withDir((dir) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ listen: 80 }));
    assert.match(problem(() => loadDaemonConfig(file, {})), new RegExp(`listen: unknown key \\(from ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)`));
    writeFileSync(file, '{');
    assert.match(problem(() => loadDaemonConfig(file, {})), /is not valid JSON/);
  });
  assert.match(problem(() => loadDaemonConfig(undefined, { EDGEPROV_DAEMON_HTTPS_KEY: '/k.pem' })), /https_cert and https_key go together/);
  assert.match(problem(() => loadDaemonConfig(undefined, { EDGEPROV_DAEMON_REALM: 'a"b' })), /realm/);
  assert.match(problem(() => loadDaemonConfig(undefined, { EDGEPROV_DAEMON_HUB_URL: 'not a url' })), /hub_url/);
});
