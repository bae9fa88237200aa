/**
 * Hostile input against a real `edgeprov daemon` process, reproducibly (fixed seeds): raw HTTP
 * request-targets written to a TCP socket exactly as given (traversal in every encoding, NUL,
 * backslashes, absolute forms, over-long names, odd methods), and random, truncated and hostile TFTP
 * datagrams. A canary file sits in the daemon's working directory and next to its database; the
 * daemon must never send it, nor /etc/passwd, nor anything that did not come through the pipeline
 * (every 200 names a file some vendor profile asks for). Afterwards correct requests still work and
 * the process is still the same one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { normaliseRequestPath } from '../../daemon/tftp/index.js';
import { resolveRequest } from '../../shared/vendors/index.js';
import { CliProcess, cliEnv, logLine } from '../helpers/cli-process.js';
import { edgeFixture, type EdgeFixture } from '../helpers/edge.js';
import { seededRandom } from '../helpers/udp.js';
import { bootPhone } from '../sim/phones.js';

const CANARY = 'CANARY-7f3a9c-must-never-be-served';
const FUZZ_IP = '127.0.0.9';

let f: EdgeFixture;
let dir: string;
let p: CliProcess;
let http: { host: string; port: number };
let tftp: { host: string; port: number };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeprov-fuzz-'));
  f = await edgeFixture({ vendors: ['yealink', 'poly', 'snom', 'cisco'], perVendor: 1, lines: 2, salt: 14 });
  writeFileSync(join(dir, 'CANARY.txt'), CANARY);
  writeFileSync(join(dirname(f.dbPath), 'CANARY.txt'), CANARY);
  const cfg = join(dir, 'daemon.json');
  writeFileSync(cfg, JSON.stringify({ db_path: f.dbPath, http_host: '127.0.0.1', http_port: 0, tftp_host: '127.0.0.1', tftp_port: 0, log_level: 'warn' }));
  // Started with its working directory beside the canary (relative paths would land there).
  p = new CliProcess(['daemon', '--config', cfg], { env: cliEnv({ EDGEPROV_DAEMON_LOG_LEVEL: 'info' }), cwd: dir });
  const line = logLine(await p.waitForLine((l) => l.includes('"listening"'), 'the listening line'));
  http = { host: '127.0.0.1', port: line.httpPort as number };
  tftp = { host: '127.0.0.1', port: line.tftpPort as number };
});

after(() => {
  p?.kill();
  f?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  raw: Buffer;
}

/** Writes `head` (and `body`) to a fresh TCP connection from FUZZ_IP and reads until the server closes. */
function raw(head: string | Buffer, body?: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: http.host, port: http.port, localAddress: FUZZ_IP });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no complete answer within 5 s to ${JSON.stringify(String(head).slice(0, 120))}`));
    }, 5000);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(all.toString('latin1', 0, 20));
      resolve({ status: m ? Number(m[1]) : 0, raw: all });
    });
    s.write(head);
    if (body) s.write(body);
  });
}

const FIXED_TARGETS = [
  '/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/%252e%252e/%252e%252e/etc/passwd',
  '/.%2e/.%2e/etc/passwd', '/secure/../../etc/passwd', '/secure/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd', '/etc/passwd',
  '/proc/self/environ', '/C:/Windows/win.ini', '/c:%5cwindows%5cwin.ini', '/..\\..\\etc\\passwd', '/%5c..%5c..%5cetc%5cpasswd',
  '/%00', '/001565000001.cfg%00.txt', `/${'a'.repeat(300)}.cfg`, `/${'../'.repeat(40)}CANARY.txt`, '/CANARY.txt', '/./CANARY.txt',
  '/%2e/CANARY.txt', '*', 'http://evil.example/../../etc/passwd', 'http://127.0.0.1/CANARY.txt', '/%', '/%zz', '/%c0%ae%c0%ae/etc/passwd',
  '/templates/yealink/device.tpl', '/../templates/yealink/device.tpl', '/%2e%2e/templates/yealink/device.tpl', '/daemon.json',
  '/edge.db', '/edge.db-wal', '/package.json', '/node_modules/pino/package.json', '/dist/hub/cli.js', '/hub/cli.js', '/.env',
  '/healthz/../../etc/passwd', '/metrics%2f..%2f..%2fetc%2fpasswd', '/secure/', '/secure', '/?x=../../etc/passwd', '/001565000001.cfg?../../etc/passwd',
];

const TOKENS = [
  '..', '.', '%2e', '%2E', '%2e%2e', '%252e', '%25', '%00', '%2f', '%5c', '\\', '/', '//', 'etc', 'passwd', 'CANARY.txt', 'secure',
  '001565000001', '0004F2000001', 'cfg', '.cfg', '.xml', '.boot', 'Cisco', 'SEP', '%c0%ae', '~', 'templates', 'edge.db', '%20', '?', '#',
  ';', 'C:', '%0d%0a', 'ü', '\u202e', 'A'.repeat(64),
];

function randomTarget(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 12);
  let s = rnd() < 0.9 ? '/' : '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(rnd() * TOKENS.length)];
  return s;
}

/** A 200 must be a file some vendor asks for, reached through the pipeline's own path rules. */
function assertThroughPipeline(target: string, r: RawResponse): void {
  const text = r.raw.toString('latin1');
  assert.ok(!text.includes(CANARY), `the canary was served for ${JSON.stringify(target)}`);
  assert.ok(!/root:[^:\n]*:0:0:/.test(text), `/etc/passwd was served for ${JSON.stringify(target)}`);
  assert.ok([200, 201, 304, 400, 401, 403, 404, 405, 413, 429].includes(r.status), `status ${r.status} for ${JSON.stringify(target)}`);
  if (r.status === 200 && target !== '/healthz' && target !== '/metrics') {
    let path = target.startsWith('/') ? target : new URL(target).pathname;
    path = path.split('?')[0]!;
    const norm = normaliseRequestPath(path);
    assert.ok(norm.ok && resolveRequest({ path: norm.path }) !== undefined, `200 for a path no vendor asks for: ${JSON.stringify(target)}`);
  }
}

test('hostile HTTP request-targets (fixed list + 600 seeded random): never a file outside the pipeline, never the canary', { timeout: 120_000 }, async () => {
  const rnd = seededRandom(0xed9e);
  const targets = [...FIXED_TARGETS, ...Array.from({ length: 600 }, () => randomTarget(rnd))];
  const methods = ['GET', 'GET', 'GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'OPTIONS', 'TRACE', 'CONNECT'];
  const statuses = new Map<number, number>();
  for (let i = 0; i < targets.length; i += 16) {
    const batch = targets.slice(i, i + 16).map(async (target, j) => {
      const method = methods[(i + j) % methods.length]!;
      const body = method === 'PUT' ? Buffer.from(`upload ${target}\n`) : undefined;
      const head = Buffer.concat([
        Buffer.from(`${method} `, 'latin1'),
        Buffer.from(target, 'utf8'),
        Buffer.from(` HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: fuzz\r\nConnection: close\r\n${body ? `Content-Length: ${body.length}\r\n` : ''}\r\n`, 'latin1'),
      ]);
      const r = await raw(head, body);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status !== 0) assertThroughPipeline(target, r);
    });
    await Promise.all(batch);
  }
  // Over-long header and a request line the HTTP parser refuses outright: answered 4xx or closed, nothing else.
  const long = await raw(`GET /${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
  assert.ok(long.status === 0 || long.status === 400 || long.status === 431, String(long.status));
  const garbage = await raw(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a]));
  assert.ok(garbage.status === 0 || garbage.status === 400);
  assert.ok((statuses.get(400) ?? 0) > 0 && (statuses.get(404) ?? 0) > 0, JSON.stringify([...statuses]));
  assert.ok(p.running, 'the daemon survived');

  // Correct requests from another IP still work.
  for (const phone of f.phones) {
    const r = await bootPhone(phone.spec, { protocol: 'http', http });
    assert.ok(r.ok, `${phone.spec.vendor}: ${r.error}`);
  }
});

test('random, truncated and hostile TFTP datagrams (3,000, seeded): nothing escapes, the server keeps serving', { timeout: 120_000 }, async () => {
  const rnd = seededRandom(0x7f7f);
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, FUZZ_IP, () => resolve()));
  const replies: Buffer[] = [];
  sock.on('message', (m) => replies.push(m));
  const names = [...FIXED_TARGETS.filter((t) => t.startsWith('/')), 'CANARY.txt', '../CANARY.txt', '..\\CANARY.txt', `${f.phones[0]!.spec.mac}.cfg`];
  const rrq = (name: string, opts: string[] = []) => Buffer.concat([Buffer.from([0, 1]), Buffer.from(name, 'latin1'), Buffer.from([0]), Buffer.from('octet\0'), ...opts.map((o) => Buffer.from(`${o}\0`))]);
  const send = (b: Buffer, port = tftp.port) => new Promise<void>((resolve) => sock.send(b, port, tftp.host, () => resolve()));
  for (let i = 0; i < 3000; i++) {
    const kind = Math.floor(rnd() * 6);
    let pkt: Buffer;
    if (kind === 0) pkt = Buffer.from(Array.from({ length: Math.floor(rnd() * 600) }, () => Math.floor(rnd() * 256)));
    else if (kind === 1) pkt = rrq(names[Math.floor(rnd() * names.length)]!, rnd() < 0.5 ? ['blksize', '1428', 'tsize', '0'] : []);
    else if (kind === 2) pkt = rrq(names[Math.floor(rnd() * names.length)]!).subarray(0, Math.floor(rnd() * 20));
    else if (kind === 3) pkt = Buffer.from([0, 2 + Math.floor(rnd() * 5), Math.floor(rnd() * 256), Math.floor(rnd() * 256)]);
    else if (kind === 4) pkt = Buffer.concat([Buffer.from([0, 1]), Buffer.from(Array.from({ length: Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256)))]);
    else pkt = rrq(randomTarget(rnd).replace(/^\//, ''), rnd() < 0.3 ? ['windowsize', String(Math.floor(rnd() * 99999)), 'blksize', String(Math.floor(rnd() * 99999))] : []);
    await send(pkt);
  }
  // Let the daemon's answers arrive: a request of our own whose answer comes after everything before it.
  const ours = await bootPhone(f.phones.find((x) => x.spec.vendor === 'poly')!.spec, { protocol: 'tftp', tftp });
  assert.ok(ours.ok, ours.error);
  sock.close();
  for (const m of replies) assert.ok(!m.toString('latin1').includes(CANARY), 'the canary went out over TFTP');
  assert.ok(replies.length > 0, 'the hostile requests were answered (errors) or dropped, not ignored entirely');
  assert.ok(p.running, 'the daemon survived');
  for (const phone of f.phones.filter((x) => ['yealink', 'cisco'].includes(x.spec.vendor))) {
    const r = await bootPhone(phone.spec, { protocol: 'tftp', tftp });
    assert.ok(r.ok, `${phone.spec.vendor}: ${r.error}`);
  }
});
