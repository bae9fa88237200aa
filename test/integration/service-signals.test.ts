/**
 * The two roles under a service manager, as real `edgeprov` processes: SIGTERM stops the daemon
 * gracefully (a TFTP transfer in flight completes, new requests are refused, exit 0, the cache file
 * checkpointed and intact), SIGHUP re-reads the config file (the log level changes live, other
 * changes are named as needing a restart, a broken file is refused and the process keeps running;
 * the HTTPS certificate files are read again), a connected daemon ships its outbox before exiting,
 * and the hub does the same for reload and stop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { connect as tlsConnect } from 'node:tls';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { httpGet } from '../sim/transport.js';
import { edgeFixture, startDaemonProcess, type EdgeFixture } from '../helpers/edge.js';
import { CliProcess, cliEnv, logLine } from '../helpers/cli-process.js';
import { startInProcessHub } from '../helpers/sync.js';
import { ack, blockOf, opcodeOf, parseOack, rrq, UdpPeer, LOOPBACK } from '../helpers/udp.js';

const cleanups: Array<() => void> = [];
after(() => {
  for (const c of cleanups.reverse()) c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgeprov-signals-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A pino line of `p` with this `msg` (and matching `pred`), printed as line `from` or later, awaited. */
function waitMsg(p: CliProcess, msg: string, pred: (r: Record<string, unknown>) => boolean = () => true, from = 0): Promise<Record<string, unknown>> {
  return p
    .waitForLine((l) => l.includes(msg) && logLine(l).msg === msg && pred(logLine(l)) && p.lines.lastIndexOf(l) >= from, `the "${msg}" log line`)
    .then(logLine);
}

/** An RRQ from a connected UDP socket: a closed port answers with ICMP port unreachable, seen as ECONNREFUSED. */
function rrqRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no answer and no ICMP refusal from TFTP port ${port}`));
    }, 3000);
    const done = (refused: boolean): void => {
      clearTimeout(timer);
      s.close();
      resolve(refused);
    };
    s.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
    s.on('message', () => done(false));
    s.connect(port, LOOPBACK, () => s.send(rrq('y000000000066.cfg')));
  });
}

function tcpRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: LOOPBACK, port, path: '/healthz' }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    req.end();
  });
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('edge daemon', () => {
  let f: EdgeFixture;
  before(async () => {
    f = await edgeFixture({ vendors: ['yealink'], perVendor: 2, lines: 3 });
    cleanups.push(() => f.close());
  });

  test('SIGTERM with a TFTP transfer in flight: new requests refused, the transfer completes, exit 0, the cache intact and checkpointed', async () => {
    const d = await startDaemonProcess(f.dbPath, tempDir());
    cleanups.push(() => d.p.kill());
    const phone = f.phones[0]!;
    const peer = await UdpPeer.open();
    cleanups.push(() => void peer.close());
    // Block size 8: the config takes many round trips, each one paced by this test's ACKs.
    await peer.send(rrq(`${phone.spec.mac}.cfg`, 'octet', { blksize: '8', tsize: '0' }), d.tftp.port);
    const oack = await peer.recv(3000, 'the OACK');
    assert.equal(opcodeOf(oack.msg), 6);
    const tsize = Number(parseOack(oack.msg)!.tsize);
    assert.ok(tsize > 8 * 20, `a config of many blocks (${tsize} bytes)`);
    const tid = oack.rinfo.port;
    await peer.send(ack(0), tid);
    const first = await peer.recv(3000, 'block 1');
    assert.deepEqual([opcodeOf(first.msg), blockOf(first.msg)], [3, 1]);
    const chunks = [first.msg.subarray(4)];

    d.p.child.kill('SIGTERM');
    const draining = await waitMsg(d.p, 'tftp draining');
    assert.equal(draining.active, 1, 'our transfer is the one in progress');
    assert.equal(await rrqRefused(d.tftp.port), true, 'the TFTP port takes no new request');
    assert.equal(await tcpRefused(d.http.port), true, 'the HTTP port takes no new connection');

    let block = 1;
    for (;;) {
      await peer.send(ack(block), tid);
      if (chunks[chunks.length - 1]!.length < 8) break;
      const data = await peer.recv(3000, `block ${block + 1}`);
      assert.deepEqual([opcodeOf(data.msg), blockOf(data.msg)], [3, (block + 1) & 0xffff]);
      chunks.push(data.msg.subarray(4));
      block++;
    }
    const body = Buffer.concat(chunks);
    assert.equal(body.length, tsize, 'the whole file arrived after SIGTERM');
    assert.match(body.toString(), new RegExp(phone.accounts[0]!.username));

    const { code, signal } = await d.p.waitExit();
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, d.p.stderr);
    const stopped = logLine(d.p.lines.find((l) => logLine(l).msg === 'stopped')!);
    assert.equal(stopped.tftpCut, 0);
    assert.ok(d.p.lines.some((l) => logLine(l).msg === 'tftp transfer' && logLine(l).outcome === 'completed'), 'logged as completed');
    assert.equal(integrity(f.dbPath), 'ok');
    const wal = `${f.dbPath}-wal`;
    assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the WAL was checkpointed into the DB file');
  });

  test('SIGHUP: the log level changes without a restart; other changes are named as needing one; a broken file is refused', async () => {
    const d = await startDaemonProcess(f.dbPath, tempDir());
    cleanups.push(() => d.p.kill());
    const pid = d.p.pid;
    const ua = { 'user-agent': 'Yealink SIP-T46S 66.86.0.15' };
    const base = { db_path: f.dbPath, http_host: '127.0.0.1', http_port: 0, tftp_host: '127.0.0.1', tftp_port: 0 };
    const get = async (file: string) => assert.equal((await httpGet(d.http, `/${file}`, { headers: ua })).status, 200);
    await get('y000000000066.cfg');
    await waitMsg(d.p, 'phone request', (r) => r.path === 'y000000000066.cfg');

    writeFileSync(d.configPath, JSON.stringify({ ...base, log_level: 'warn', tftp_max_blksize: 512 }));
    d.p.child.kill('SIGHUP');
    let reloaded = await waitMsg(d.p, 'config reloaded; some changes need a restart');
    assert.deepEqual([reloaded.applied, reloaded.restart_required], [['log_level'], ['tftp_max_blksize']]);
    await get('y000000000044.cfg');

    writeFileSync(d.configPath, JSON.stringify({ ...base, log_level: 'info', tftp_max_blksize: 512 }));
    const mark = d.p.lines.length;
    d.p.child.kill('SIGHUP');
    reloaded = await waitMsg(d.p, 'config reloaded; some changes need a restart', () => true, mark);
    assert.deepEqual([reloaded.applied, reloaded.restart_required], [['log_level'], ['tftp_max_blksize']]);
    await get('y000000000000.cfg');
    await waitMsg(d.p, 'phone request', (r) => r.path === 'y000000000000.cfg');
    const logged = d.p.lines.filter((l) => logLine(l).msg === 'phone request').map((l) => logLine(l).path);
    assert.deepEqual(logged, ['y000000000066.cfg', 'y000000000000.cfg'], 'at warn (between the reloads) the request wrote no line');

    writeFileSync(d.configPath, '{"log_level": ');
    d.p.child.kill('SIGHUP');
    const failed = await waitMsg(d.p, 'config reload failed; the running config is kept');
    assert.match(String(failed.err), /not valid JSON/);
    assert.equal((await httpGet(d.http, '/healthz')).status, 200, 'still serving');
    assert.equal(d.p.pid, pid);
    assert.ok(d.p.running);
    assert.equal((await d.p.stop()).code, 0, d.p.stderr);
  });
});

/** The SHA-256 fingerprint of the certificate a TLS server on `port` presents now. */
function presentedCert(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: LOOPBACK, port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function selfSigned(dir: string, cn: string): { cert: string; key: string } {
  const cert = join(dir, `${cn}.crt`);
  const key = join(dir, `${cn}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`], { timeout: 30_000 });
  assert.equal(r.status, 0, String(r.stderr));
  return { cert, key };
}

test('daemon SIGHUP re-reads the HTTPS certificate files; a broken pair is refused and the old one keeps serving', async (t) => {
  if (spawnSync('openssl', ['version']).status !== 0) {
    t.skip('SKIPPED: openssl not installed (apt-get install openssl)');
    return;
  }
  const dir = tempDir();
  const old = selfSigned(dir, 'old');
  const renewed = selfSigned(dir, 'renewed');
  const live = { cert: join(dir, 'edge.crt'), key: join(dir, 'edge.key') };
  cpSync(old.cert, live.cert);
  cpSync(old.key, live.key);
  const d = await startDaemonProcess(join(dir, 'edge.db'), dir, { https_port: 0, https_cert: live.cert, https_key: live.key });
  cleanups.push(() => d.p.kill());
  const httpsPort = (await waitMsg(d.p, 'listening')).httpsPort as number;
  const first = await presentedCert(httpsPort);

  cpSync(renewed.cert, live.cert);
  cpSync(renewed.key, live.key);
  d.p.child.kill('SIGHUP');
  await waitMsg(d.p, 'config reloaded');
  const second = await presentedCert(httpsPort);
  assert.notEqual(second, first, 'new connections get the renewed certificate');

  writeFileSync(live.key, 'not a key');
  const mark = d.p.lines.length;
  d.p.child.kill('SIGHUP');
  const failed = await waitMsg(d.p, 'https certificate reload failed; the previous one keeps serving', () => true, mark);
  assert.match(String(failed.err), /TLS context/);
  assert.equal(await presentedCert(httpsPort), second);
  assert.equal((await d.p.stop()).code, 0, d.p.stderr);
});

test('daemon SIGTERM while connected: the outbox reaches the hub before the process exits', async () => {
  const dir = tempDir();
  const hub = await startInProcessHub(join(dir, 'hub.db'), ['Branch']);
  cleanups.push(() => void hub.close());
  const edgeDb = join(dir, 'edge.db');
  const d = await startDaemonProcess(edgeDb, dir, { hub_url: hub.url, site_token: hub.sites[0]!.token });
  cleanups.push(() => d.p.kill());
  await waitMsg(d.p, 'sync: applied');
  // An unknown MAC: a 404 and an `unknown_device` event in the outbox, shipped by a 1 s poll in
  // normal running — the SIGTERM right after must ship it instead of leaving it for the next start.
  const mac = '001565f0f0f1';
  assert.equal((await httpGet(d.http, `/${mac}.cfg`, { headers: { 'user-agent': 'Yealink SIP-T46S 66.86.0.15' } })).status, 404);
  d.p.child.kill('SIGTERM');
  assert.deepEqual(await d.p.waitExit(), { code: 0, signal: null }, d.p.stderr);
  const stopped = logLine(d.p.lines.find((l) => logLine(l).msg === 'stopped')!);
  assert.equal(stopped.outboxLeft, 0);
  const edge = new Database(edgeDb, { readonly: true });
  try {
    assert.equal(edge.prepare(`SELECT count(*) FROM outbox`).pluck().get(), 0, 'the edge pruned what the hub acknowledged');
  } finally {
    edge.close();
  }
  const events = hub.db.prepare(`SELECT data FROM sync_events WHERE kind = 'unknown_device'`).pluck().all() as string[];
  assert.ok(events.some((e) => e.includes(mac)), `the hub holds the unknown_device event for ${mac}: ${events.join(', ')}`);
});

test('hub: SIGHUP changes the log level live (other keys wait for a restart), SIGTERM exits 0 with the DB intact and checkpointed', async () => {
  const dir = tempDir();
  const configPath = join(dir, 'hub.json');
  const dbPath = join(dir, 'hub.db');
  writeFileSync(configPath, JSON.stringify({ db_path: dbPath, port: 0, log_level: 'info' }));
  const p = new CliProcess(['hub', '--config', configPath], { env: cliEnv() });
  cleanups.push(() => p.kill());
  const port = (await waitMsg(p, 'listening')).port as number;
  const hub = { host: LOOPBACK, port };
  assert.equal((await httpGet(hub, '/healthz?before')).status, 200);
  await waitMsg(p, 'request', (r) => r.path === '/healthz');

  writeFileSync(configPath, JSON.stringify({ db_path: dbPath, port: 0, log_level: 'warn', retention_days: 7 }));
  p.child.kill('SIGHUP');
  const reloaded = await waitMsg(p, 'config reloaded; some changes need a restart');
  assert.deepEqual([reloaded.applied, reloaded.restart_required], [['log_level'], ['retention_days']]);
  const requestsBefore = p.lines.filter((l) => logLine(l).msg === 'request').length;
  assert.equal((await httpGet(hub, '/healthz')).status, 200);
  assert.equal(p.pid !== undefined && p.running, true);

  assert.deepEqual(await p.stop(), { code: 0, signal: null }, p.stderr);
  assert.equal(p.lines.filter((l) => logLine(l).msg === 'request').length, requestsBefore, 'at warn, the request after the reload wrote no line');
  assert.equal(integrity(dbPath), 'ok');
  assert.ok(!existsSync(`${dbPath}-wal`) || statSync(`${dbPath}-wal`).size === 0, 'the WAL was checkpointed into the DB file');
});
