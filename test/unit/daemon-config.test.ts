/**
 * The daemon's configuration: defaults, a JSON file, EDGEPROV_DAEMON_* overrides that win, and clear
 * errors; and the test-only clock (EDGEPROV_TEST_CLOCK_FILE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDaemonConfig } from '../../daemon/config.js';
import { createTestClock, testClockFromEnv } from '../../daemon/test-clock.js';
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

test('test clock: the system time plus the offset in the file, re-read at every reading; bad content keeps the last offset and is reported once', () => {
  withDir((dir) => {
    const file = join(dir, 'offset');
    writeFileSync(file, '');
    const bad: string[] = [];
    const clock = createTestClock(file, (content) => bad.push(content));
    // Bounds, not durations: the system clock between two readings only moves forward.
    const within = (offset: number) => {
      const lo = Date.now() + offset;
      const t = clock.now().getTime();
      assert.ok(t >= lo && t <= Date.now() + offset, `${t - lo} ms off for offset ${offset}`);
    };
    within(0);
    writeFileSync(file, '600001\n');
    within(600_001);
    writeFileSync(file, '-5000');
    within(-5000);
    writeFileSync(file, '12 minutes');
    within(-5000);
    within(-5000);
    assert.deepEqual(bad, ['12 minutes'], 'reported once per distinct content');
    writeFileSync(file, '+90000');
    within(90_000);
    assert.equal(clock.offsetMs(), 90_000);
  });
});

test('test clock: off without the variable, refused under NODE_ENV=production, a missing or unreadable offset file is a config error', () => {
  withDir((dir) => {
    const file = join(dir, 'offset');
    writeFileSync(file, '0');
    assert.equal(testClockFromEnv({}, () => {}), undefined);
    assert.equal(testClockFromEnv({ EDGEPROV_TEST_CLOCK_FILE: '' }, () => {}), undefined);
    assert.equal(testClockFromEnv({ EDGEPROV_TEST_CLOCK_FILE: file }, () => {})?.file, file);
    assert.match(problem(() => testClockFromEnv({ EDGEPROV_TEST_CLOCK_FILE: file, NODE_ENV: 'production' }, () => {})), /for tests only/);
    assert.match(problem(() => createTestClock(join(dir, 'absent'), () => {})), /absent does not exist/);
    writeFileSync(file, '1e6');
    assert.match(problem(() => createTestClock(file, () => {})), /whole number of milliseconds .*"1e6"/);
  });
});
