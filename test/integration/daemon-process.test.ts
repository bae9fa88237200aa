/**
 * The edge daemon as operators run it: `edgeprov daemon --config FILE` child processes reading a
 * cache file the test filled through `apply()` from the hub's own snapshot, simulated phones on real
 * HTTP and TFTP sockets on 127.0.0.x. Covers: every vendor profile's boot reading back the assigned
 * users' accounts; the provision counter at limit 1 end to end over HTTP and TFTP (other IPs
 * refused, the same IP refused after the session window — the daemon's clock moved through its
 * test-clock file, never by waiting —, curl --digest on the authenticated path, a reset baseline
 * applied to the cache file while the daemon runs); lease binding (in-process, with an injected `leaseOwner`); HTTPS;
 * `/healthz` and `/metrics`; Cisco's enterprise firmware told apart by the vendor the admin gave.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { reportProvisioned } from '../helpers/counters.js';
import { checkConfig } from '../../shared/vendors/formats/index.js';
import { TFTP_VENDORS, SIM_VENDORS, bootPhone, type BootResult } from '../sim/phones.js';
import { httpGet, httpGetWithDigest, tftpGet } from '../sim/transport.js';
import { logLine } from '../helpers/cli-process.js';
import { edgeFixture, startDaemonInProcess, startDaemonProcess, type DaemonProcess, type EdgeFixture, type EdgePhone } from '../helpers/edge.js';

const cleanups: Array<() => void> = [];
after(() => {
  for (const c of cleanups.reverse()) c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgeprov-daemon-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function daemon(f: EdgeFixture, extra: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<DaemonProcess> {
  const d = await startDaemonProcess(f.dbPath, tempDir(), extra, 'daemon.json', env);
  cleanups.push(() => d.p.kill());
  return d;
}

/** What a phone read back, in line order, against what the hub assigned. */
function assertAccounts(r: BootResult, phone: EdgePhone): void {
  assert.ok(r.ok, `${phone.spec.vendor} ${phone.spec.variant} over ${r.protocol}: ${r.error}\n${r.files.map((f) => `${f.path} ${f.status}`).join('\n')}`);
  const got = (r.config?.accounts ?? []).map((a) => ({ index: a.index, username: a.username, password: a.password, auth: a.auth_username ?? a.username }));
  const want = phone.accounts.map((a, i) => ({ index: i + 1, username: a.username, password: a.password, auth: a.auth_username || a.username }));
  assert.deepEqual(got, want, `${phone.spec.vendor} ${phone.spec.variant} over ${r.protocol}: accounts 1..${want.length}`);
}

function counters(dbPath: string, mac: string): { count: number } | undefined {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(`SELECT count FROM counters WHERE mac = ?`).get(mac) as { count: number } | undefined;
  } finally {
    db.close();
  }
}

/** The edge DB's id: the counter slot its outbox reports fill on the hub. */
function edgeDbId(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(`SELECT db_id FROM sync_outbox_id WHERE id = 1`).get() as { db_id: string }).db_id;
  } finally {
    db.close();
  }
}

function outbox(dbPath: string, kind: string): Array<Record<string, any>> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare(`SELECT data FROM outbox WHERE kind = ? ORDER BY id`).all(kind) as Array<{ data: string }>).map((r) => JSON.parse(r.data));
  } finally {
    db.close();
  }
}

describe('every vendor profile boots against a daemon process', () => {
  let f: EdgeFixture;
  let d: DaemonProcess;
  before(async () => {
    // Two phones per vendor: both variants (e.g. Yealink T46S and T54W, Cisco MPP and SPA), 3 lines each over two users.
    f = await edgeFixture({ vendors: SIM_VENDORS, perVendor: 2, lines: 3 });
    cleanups.push(() => f.close());
    d = await daemon(f);
  });

  for (const vendor of SIM_VENDORS) {
    test(`${vendor}: HTTP${TFTP_VENDORS.includes(vendor) ? ' and TFTP' : ''} boots read back accounts 1..3 of the assigned users`, async () => {
      for (const phone of f.phones.filter((p) => p.spec.vendor === vendor)) {
        assertAccounts(await bootPhone(phone.spec, { protocol: 'http', http: d.http }), phone);
        if (TFTP_VENDORS.includes(vendor)) assertAccounts(await bootPhone(phone.spec, { protocol: 'tftp', tftp: d.tftp }), phone);
      }
    });
  }

  test('a provisioned phone boots again on the authenticated path with its Digest credentials, uncounted', async () => {
    for (const vendor of ['yealink', 'snom', 'poly'] as const) {
      const phone = f.phones.find((p) => p.spec.vendor === vendor)!;
      const before = counters(f.dbPath, phone.spec.mac)!.count;
      // Another IP: a bootstrap would be refused at limit 1; the credentials make it an authenticated boot.
      const r = await bootPhone(phone.spec, { protocol: 'http', http: d.http, prefix: '/secure/', credentials: phone.prov, localAddress: '127.0.0.9' });
      assertAccounts(r, phone);
      assert.equal(counters(f.dbPath, phone.spec.mac)!.count, before, `${vendor}: not counted`);
    }
  });

  test('one log line per phone request, naming the device, the path and the outcome, over HTTP and over TFTP', async () => {
    const phone = f.phones.find((p) => p.spec.vendor === 'yealink')!;
    const mac = phone.spec.mac;
    const httpIp = '127.0.0.21';
    const tftpIp = '127.0.0.22';
    assert.equal((await httpGet(d.http, `/${mac}.boot`, { localAddress: httpIp })).status, 200);
    assert.ok((await tftpGet(d.tftp, `${mac}.boot`, { blksize: 1428, localAddress: tftpIp })).ok);
    const about = (ip: string) => (l: string) => l.includes(`${mac}.boot`) && l.includes(ip);
    const httpLine = logLine(await d.p.waitForLine(about(httpIp), 'the HTTP request line'));
    const tftpLine = logLine(await d.p.waitForLine(about(tftpIp), 'the TFTP request line'));
    assert.deepEqual([httpLine.msg, httpLine.mac, httpLine.path, httpLine.outcome, httpLine.kind], ['phone request', mac, `${mac}.boot`, 'served', 'boot']);
    // TFTP's line is written when the transfer ends: how it ended, and what the pipeline decided.
    assert.deepEqual(
      [tftpLine.msg, tftpLine.mac, tftpLine.filename, tftpLine.outcome, tftpLine.answer, tftpLine.kind, tftpLine.bytes],
      ['tftp transfer', mac, `${mac}.boot`, 'completed', 'served', 'boot', tftpLine.size],
    );
    assert.equal(d.p.lines.filter(about(httpIp)).length, 1, 'one line for the HTTP request');
    assert.equal(d.p.lines.filter(about(tftpIp)).length, 1, 'one line for the TFTP request');
  });

  test('uploads are size-bounded (413), HEAD carries the length without the body, 401 sends one challenge per line', async () => {
    const poly = f.phones.find((p) => p.spec.vendor === 'poly')!;
    const ua = { 'user-agent': 'FileTransport PolycomVVX-VVX_411-UA/6.4.6.2345 Type/Application' };
    const big = await httpGet(d.http, `/${poly.spec.mac}-app.log`, { method: 'PUT', body: Buffer.alloc(1024 * 1024 + 1, 0x41), headers: ua });
    assert.equal(big.status, 413);
    const ok = await httpGet(d.http, `/${poly.spec.mac}-app.log`, { method: 'PUT', body: Buffer.from('small log\n'), headers: ua });
    assert.equal(ok.status, 201);
    const head = await httpGet(d.http, '/common.cfg', { method: 'HEAD', headers: ua });
    const get = await httpGet(d.http, '/common.cfg', { headers: ua });
    assert.deepEqual([head.status, head.body.length, Number(head.headers['content-length'])], [200, 0, get.body.length]);
    const challenge = await httpGet(d.http, `/secure/${poly.spec.mac}-user.cfg`, { headers: ua, localAddress: '127.0.0.8' });
    assert.equal(challenge.status, 401);
    const lines = challenge.rawHeaders.filter((_, i) => i % 2 === 0 && challenge.rawHeaders[i]!.toLowerCase() === 'www-authenticate').length;
    assert.equal(lines, 2);
    assert.match(String(challenge.rawHeaders[challenge.rawHeaders.findIndex((h) => h.toLowerCase() === 'www-authenticate') + 1]), /algorithm=MD5/);
  });

  test('/healthz and /metrics (Prometheus text: requests by vendor/kind/outcome, render histogram, outbox depth, sync lag)', async () => {
    const health = await httpGet(d.http, '/healthz');
    assert.equal(health.status, 200);
    const h = JSON.parse(health.body.toString());
    assert.equal(h.status, 'ok');
    assert.equal(typeof h.cursor, 'number');
    const m = await httpGet(d.http, '/metrics');
    assert.equal(m.status, 200);
    assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = m.body.toString();
    for (const line of text.trimEnd().split('\n')) {
      assert.match(line, /^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? (-?[0-9.e+]+|NaN|\+Inf))$/, `exposition line: ${line}`);
    }
    assert.match(text, /^edgeprov_requests_total\{protocol="http",vendor="yealink",kind="device",outcome="served"\} [1-9]\d*$/m);
    assert.match(text, /^edgeprov_requests_total\{protocol="tftp",vendor="poly",kind="firmware",outcome="optional"\} [1-9]\d*$/m);
    const buckets = [...text.matchAll(/^edgeprov_render_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((x) => Number(x[2]));
    assert.ok(buckets.length > 5 && buckets.every((b, i) => i === 0 || b >= buckets[i - 1]!), 'cumulative buckets');
    const depth = Number(/^edgeprov_outbox_depth (\d+)$/m.exec(text)![1]);
    const db = new Database(f.dbPath, { readonly: true });
    const rows = (db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n;
    db.close();
    assert.equal(depth, rows);
    assert.match(text, /^edgeprov_sync_lag_seconds [0-9.e+]+$/m);
    assert.match(text, /^edgeprov_bootstrap_refusals_total \d+$/m);
    assert.match(text, /^edgeprov_scan_blocks_total \d+$/m);
  });
});

describe('the provision counter at limit 1, end to end', () => {
  let f: EdgeFixture;
  let d: DaemonProcess;
  let yea: EdgePhone;
  let poly: EdgePhone;
  let windowMs: number;
  // The daemon's clock is moved through its test-clock file (daemon/test-clock.ts), never by waiting.
  let clockFile: string;
  let offsetMs = 0;
  /** Moves the daemon process's clock forward: its very next request reads the new offset. */
  const advanceClock = (ms: number) => writeFileSync(clockFile, String((offsetMs += ms)));
  before(async () => {
    f = await edgeFixture({ vendors: ['yealink', 'poly'], perVendor: 1, lines: 2, salt: 9 });
    cleanups.push(() => f.close());
    yea = f.phones.find((p) => p.spec.vendor === 'yealink')!;
    poly = f.phones.find((p) => p.spec.vendor === 'poly')!;
    windowMs = (await f.h.json<{ session_window_s: number }>('GET', '/settings')).session_window_s * 1000;
    clockFile = join(tempDir(), 'clock-offset-ms');
    writeFileSync(clockFile, '0');
    d = await daemon(f, {}, { EDGEPROV_TEST_CLOCK_FILE: clockFile });
    const warning = d.p.lines.map((l) => logLine(l)).find((l) => typeof l.msg === 'string' && l.msg.startsWith('TEST CLOCK'));
    assert.equal(warning?.level, 40, 'a daemon with a test clock says so at warn level');
  });

  test('HTTP: the first boot gets every file; another IP is refused with 403 and a security event; curl --digest works', async (t) => {
    const first = await bootPhone(yea.spec, { protocol: 'http', http: d.http });
    assertAccounts(first, yea);
    assert.ok(first.files.every((x) => x.status === 200), 'every file of the first boot');
    // The same phone booting again from the same IP inside the window: the same session.
    assert.ok((await bootPhone(yea.spec, { protocol: 'http', http: d.http })).ok);
    const second = await bootPhone(yea.spec, { protocol: 'http', http: d.http, localAddress: '127.0.0.2' });
    assert.equal(second.ok, false);
    assert.deepEqual(second.files.map((x) => [x.path, x.status]), [[`/${yea.spec.mac}.boot`, 200], [`/${yea.spec.mac}.cfg`, 403]]);
    const refused = outbox(f.dbPath, 'bootstrap_refused');
    assert.deepEqual(refused.map((e) => [e.mac, e.ip, e.protocol]), [[yea.spec.mac, '127.0.0.2', 'http']]);
    assert.equal(counters(f.dbPath, yea.spec.mac)!.count, 1);

    if (spawnSync('curl', ['--version']).status !== 0) {
      t.skip('SKIPPED curl part: curl not installed (apt-get install curl)');
      return;
    }
    const url = `http://127.0.0.1:${d.http.port}/secure/${yea.spec.mac}.cfg`;
    const curl = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile('curl', ['-s', '--interface', '127.0.0.3', '-w', '\\n%{http_code}', ...args, url], { timeout: 20_000 }, (err, stdout) =>
          resolve({ code: err ? 1 : 0, out: stdout }),
        );
      });
    const noCreds = await curl();
    assert.match(noCreds.out, /\n401$/);
    const ok = await curl('--digest', '-u', `${yea.prov.username}:${yea.prov.password}`);
    assert.match(ok.out, /\n200$/);
    const parsed = checkConfig('yealink-cfg', ok.out.replace(/\n200$/, ''));
    assert.deepEqual(parsed.accounts.map((a) => a.username), yea.accounts.map((a) => a.username));
    assert.match((await curl('--digest', '-u', `${yea.prov.username}:wrong`)).out, /\n401$/);
    assert.equal(counters(f.dbPath, yea.spec.mac)!.count, 1, 'authenticated fetches are not counted');
  });

  test('TFTP: the first boot gets every file; another IP gets ERROR 2 (access violation)', async () => {
    const first = await bootPhone(poly.spec, { protocol: 'tftp', tftp: d.tftp });
    assertAccounts(first, poly);
    assert.ok(first.files.filter((x) => x.role !== 'optional').every((x) => x.status === 200));
    const second = await bootPhone(poly.spec, { protocol: 'tftp', tftp: d.tftp, localAddress: '127.0.0.2' });
    assert.equal(second.ok, false);
    const device = second.files.find((x) => x.path === `${poly.spec.mac}-user.cfg`)!;
    assert.equal(device.status, 403, 'TFTP ERROR 2');
    const raw = await tftpGet(d.tftp, `${poly.spec.mac}-user.cfg`, { localAddress: '127.0.0.2' });
    assert.deepEqual(raw, { ok: false, code: 2, message: 'Access violation' });
    assert.equal(counters(f.dbPath, poly.spec.mac)!.count, 1);
    assert.ok(outbox(f.dbPath, 'bootstrap_refused').some((e) => e.mac === poly.spec.mac && e.protocol === 'tftp' && e.ip === '127.0.0.2'));
  });

  test('after the session window the same IP\'s next bootstrap is refused (HTTP 403, TFTP error 2); the authenticated fetch still works', async () => {
    const firstBoot = (mac: string) => outbox(f.dbPath, 'provisioned').find((e) => e.mac === mac && e.session === 'new')!;
    // Inside the window the first boots' IP (127.0.0.1) is still in its session: served.
    assertAccounts(await bootPhone(yea.spec, { protocol: 'http', http: d.http }), yea);
    advanceClock(windowMs + 1000);
    // The authenticated path from the same IP is never counted, whatever the window.
    for (const phone of [yea, poly]) {
      assertAccounts(await bootPhone(phone.spec, { protocol: 'http', http: d.http, prefix: '/secure/', credentials: phone.prov }), phone);
      assert.equal(counters(f.dbPath, phone.spec.mac)!.count, 1);
    }
    const http = await bootPhone(yea.spec, { protocol: 'http', http: d.http });
    assert.equal(http.ok, false);
    assert.deepEqual(http.files.map((x) => [x.path, x.status]), [[`/${yea.spec.mac}.boot`, 200], [`/${yea.spec.mac}.cfg`, 403]]);
    // A provisioned phone rebooting from the same IP: its plain boot file (DHCP option 66 wins over
    // its stored URL) sends it to the authenticated path, first without credentials. Past the limit
    // that is a 401 asking for them, not a 403 that would keep it from using the ones it holds.
    const secure = `/secure/${yea.spec.mac}.cfg`;
    assert.equal((await httpGet(d.http, `/${yea.spec.mac}.boot`)).status, 200);
    const challenged = await httpGetWithDigest(d.http, secure, yea.prov);
    assert.ok(challenged.challenged, 'asked for credentials');
    assert.equal(challenged.status, 200, 'and served with them');
    assert.deepEqual(checkConfig('yealink-cfg', challenged.body.toString()).accounts.map((a) => a.username), yea.accounts.map((a) => a.username));
    const tftp = await bootPhone(poly.spec, { protocol: 'tftp', tftp: d.tftp });
    assert.equal(tftp.ok, false);
    assert.deepEqual(await tftpGet(d.tftp, `${poly.spec.mac}-user.cfg`), { ok: false, code: 2, message: 'Access violation' });
    const refused = outbox(f.dbPath, 'bootstrap_refused').filter((e) => e.ip === '127.0.0.1');
    assert.deepEqual([...new Set(refused.map((e) => `${e.mac} ${e.protocol}`))], [`${yea.spec.mac} http`, `${poly.spec.mac} tftp`]);
    for (const [e, phone] of [[refused[0]!, yea], [refused.at(-1)!, poly]] as const) {
      assert.ok(Date.parse(e.at) - Date.parse(firstBoot(phone.spec.mac).at) > windowMs, 'refused on the daemon\'s moved clock, past the window');
    }
    assert.equal(counters(f.dbPath, yea.spec.mac)!.count, 1);
    assert.equal(counters(f.dbPath, poly.spec.mac)!.count, 1);
  });

  test('a reset baseline applied to the cache file while the daemon runs allows exactly one more session, over HTTP and TFTP', async () => {
    // The hub learns the edge's counts (as sync will deliver the outbox), then the admin resets both phones.
    for (const p of [yea, poly]) {
      reportProvisioned(f.h.db, { mac: p.spec.mac, at: new Date().toISOString(), ip: '127.0.0.1', user_agent: null, firmware: null, config_hash: 'x', count: 1 }, edgeDbId(f.dbPath));
    }
    await f.h.json('POST', '/devices/actions/reset-counter', { body: { macs: [yea.spec.mac, poly.spec.mac] } });
    assert.ok(f.sync() > 0, 'the reset reached the cache file');
    assertAccounts(await bootPhone(yea.spec, { protocol: 'http', http: d.http, localAddress: '127.0.0.4' }), yea);
    assert.equal((await bootPhone(yea.spec, { protocol: 'http', http: d.http, localAddress: '127.0.0.5' })).ok, false);
    assertAccounts(await bootPhone(poly.spec, { protocol: 'tftp', tftp: d.tftp, localAddress: '127.0.0.4' }), poly);
    assert.equal((await bootPhone(poly.spec, { protocol: 'tftp', tftp: d.tftp, localAddress: '127.0.0.5' })).ok, false);
    assert.equal(counters(f.dbPath, yea.spec.mac)!.count, 2);
    assert.equal(counters(f.dbPath, poly.spec.mac)!.count, 2);
    // Exactly one: once that session's window is over, the same IP is refused again.
    advanceClock(windowMs + 1000);
    assert.equal((await bootPhone(yea.spec, { protocol: 'http', http: d.http, localAddress: '127.0.0.4' })).ok, false);
    assert.deepEqual(await tftpGet(d.tftp, `${poly.spec.mac}-user.cfg`, { localAddress: '127.0.0.4' }), { ok: false, code: 2, message: 'Access violation' });
    assert.equal(counters(f.dbPath, yea.spec.mac)!.count, 2);
    assert.equal(counters(f.dbPath, poly.spec.mac)!.count, 2);
  });
});

test('Cisco enterprise (SEP): the vendor the admin gave at import picks the family on a daemon process; a PATCH of it reaches the edge', async () => {
  // cisco-sep shares Cisco MPP's OUIs: edgeFixture imports it with the vendor column (`mac,model,,,cisco-sep`).
  const f = await edgeFixture({ vendors: ['cisco-sep'], perVendor: 1, lines: 2, salt: 12, site: { provision_limit: 0 } });
  cleanups.push(() => f.close());
  const phone = f.phones[0]!;
  const d = await daemon(f);
  const sepFile = `SEP${phone.spec.mac.toUpperCase()}.cnf.xml`;
  assertAccounts(await bootPhone(phone.spec, { protocol: 'tftp', tftp: d.tftp }), phone);
  assertAccounts(await bootPhone(phone.spec, { protocol: 'http', http: d.http }), phone);
  assert.equal(outbox(f.dbPath, 'provisioned').at(-1)!.mac, phone.spec.mac);

  // The control: the same phone stored as Cisco MPP (what the OUI alone says) gets MPP's <flat-profile>.
  await f.h.json('PATCH', `/devices/${phone.spec.mac}`, { body: { vendor: 'cisco' } });
  assert.ok(f.sync() > 0, 'the PATCH reached the cache file');
  const mpp = await tftpGet(d.tftp, sepFile);
  assert.ok(mpp.ok && /<flat-profile>/.test(mpp.data.toString()), 'the wrong family, as before the vendor could be said');
  assert.equal((await bootPhone(phone.spec, { protocol: 'tftp', tftp: d.tftp })).ok, false);

  await f.h.json('PATCH', `/devices/${phone.spec.mac}`, { body: { vendor: 'cisco-sep' } });
  assert.ok(f.sync() > 0);
  const sep = await tftpGet(d.tftp, sepFile);
  assert.ok(sep.ok && /<device>/.test(sep.data.toString()));
  assertAccounts(await bootPhone(phone.spec, { protocol: 'tftp', tftp: d.tftp }), phone);
});

test('lease-bound TFTP: past the limit, the IP the edge leased to the phone is served and not counted', async () => {
  const f = await edgeFixture({ vendors: ['yealink', 'cisco-sep'], perVendor: 1, lines: 1, salt: 10 });
  const leases = new Map<string, string>();
  const d = await startDaemonInProcess(f.dbPath, { leaseOwner: (ip) => leases.get(ip) });
  try {
    const tftp = { host: '127.0.0.1', port: d.tftpPort };
    for (const phone of f.phones) {
      assertAccounts(await bootPhone(phone.spec, { protocol: 'tftp', tftp }), phone);
      assert.equal((await bootPhone(phone.spec, { protocol: 'tftp', tftp, localAddress: '127.0.0.6' })).ok, false, 'a bootstrap from another IP is refused');
      leases.set('127.0.0.6', phone.spec.mac);
      assertAccounts(await bootPhone(phone.spec, { protocol: 'tftp', tftp, localAddress: '127.0.0.6' }), phone);
      const db = d.cache.db;
      assert.equal((db.prepare(`SELECT count FROM counters WHERE mac = ?`).get(phone.spec.mac) as { count: number }).count, 1);
      const last = JSON.parse((db.prepare(`SELECT data FROM outbox WHERE kind = 'provisioned' ORDER BY id DESC LIMIT 1`).get() as { data: string }).data);
      assert.deepEqual([last.mac, last.access, last.ip], [phone.spec.mac, 'lease', '127.0.0.6']);
    }
  } finally {
    await d.close();
    f.close();
  }
});

test('HTTPS beside HTTP when a certificate is configured (openssl self-signed)', async (t) => {
  if (spawnSync('openssl', ['version']).status !== 0) {
    t.skip('SKIPPED: openssl not installed (apt-get install openssl)');
    return;
  }
  const dir = tempDir();
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { timeout: 30_000 });
  assert.equal(gen.status, 0, String(gen.stderr));
  const f = await edgeFixture({ vendors: ['gigaset'], perVendor: 1, lines: 2, salt: 11 });
  cleanups.push(() => f.close());
  const d = await daemon(f, { https_port: 0, https_cert: join(dir, 'cert.pem'), https_key: join(dir, 'key.pem') });
  const line = d.p.lines.find((l) => l.includes('"listening"'))!;
  const httpsPort = JSON.parse(line).httpsPort as number;
  assert.ok(httpsPort > 0);
  const phone = f.phones[0]!;
  const r = await bootPhone(phone.spec, { protocol: 'http', http: { host: '127.0.0.1', port: httpsPort, tls: true } });
  assertAccounts(r, phone);
  const res = await httpGet({ host: '127.0.0.1', port: httpsPort, tls: true }, '/healthz');
  assert.equal(res.status, 200);
  assert.equal(createHash('sha256').update(r.configBytes!).digest('hex'), outbox(f.dbPath, 'provisioned').at(-1)!.config_hash);
});
