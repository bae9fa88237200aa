/**
 * The hub as operators run it: `edgeprov` child processes on a temp SQLite file, real HTTP on 127.0.0.1.
 * Covers the CLI's admin/site commands, the flows over the wire (login, cookie + CSRF, site,
 * import, assignment, config preview, self-service), the OpenAPI document, NDJSON logs without
 * secrets, SIGTERM, the demo, and config/usage errors with their exit codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Validator } from '@seriousme/openapi-schema-validator';
import { CliProcess, cliEnv, logLine, runCli } from '../helpers/cli-process.js';
import { freeTcpPort, freeUdpPort } from '../helpers/ports.js';

const ADMIN_PW = 'Adm1n-Pr0cess-Secret-93';
const SIP_PW = 'Sip-Secret-Px-7781';
const USER_PW = 'Alice-Selfservice-Pw-55';
const DEMO_PW = 'Demo-Admin-Pw-4412';

const started: CliProcess[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgeprov-proc-'));
  dirs.push(d);
  return d;
}

function start(args: string[], env: NodeJS.ProcessEnv, cwd?: string): CliProcess {
  const p = new CliProcess(args, { env, cwd });
  started.push(p);
  return p;
}

after(() => {
  // Only the children this file started, each by its own handle.
  for (const p of started) p.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Waits for the hub's "listening" log line and returns its port. */
async function listeningPort(p: CliProcess): Promise<number> {
  const line = await p.waitForLine((l) => l.includes('"listening"') && (logLine(l).msg === 'listening'), 'the "listening" log line');
  const port = logLine(line).port;
  assert.equal(typeof port, 'number');
  assert.ok((port as number) > 0, `a real port, got ${String(port)}`);
  return port as number;
}

async function body(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** fetch + status check, returning the parsed body. */
async function call(base: string, method: string, path: string, opts: { json?: unknown; headers?: Record<string, string>; expect: number }): Promise<any> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  const b = await body(res);
  assert.equal(res.status, opts.expect, `${method} ${path}: ${typeof b === 'string' ? b : JSON.stringify(b)}`);
  return b;
}

describe('edgeprov admin add / site add (one-shot commands on a temp DB)', () => {
  test('admin add with EDGEPROV_ADMIN_PASSWORD: does not echo it, stores only a hash', async () => {
    const dir = tempDir();
    const db = join(dir, 'hub.db');
    const r = await runCli(['admin', 'add', 'ops'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db, EDGEPROV_ADMIN_PASSWORD: ADMIN_PW }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'admin "ops" added\n');
    assert.ok(!r.stdout.includes(ADMIN_PW) && !r.stderr.includes(ADMIN_PW));
    const conn = new Database(db, { readonly: true });
    try {
      const row = conn.prepare(`SELECT role, password_hash FROM accounts WHERE username = 'ops'`).get() as { role: string; password_hash: string };
      assert.equal(row.role, 'admin');
      assert.ok(!row.password_hash.includes(ADMIN_PW));
    } finally {
      conn.close();
    }
  });

  test('admin add with a short EDGEPROV_ADMIN_PASSWORD is refused', async () => {
    const dir = tempDir();
    const r = await runCli(['admin', 'add', 'ops'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: join(dir, 'hub.db'), EDGEPROV_ADMIN_PASSWORD: 'short' }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at least 8 characters/);
  });

  test('site rotate-token: a new token each time; a site keeps two, the oldest is revoked', async () => {
    const dir = tempDir();
    const db = join(dir, 'hub.db');
    const env = { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db }) };
    assert.equal((await runCli(['site', 'add', 'Branch West'], env)).code, 0);
    const first = await runCli(['site', 'rotate-token', 'Branch West'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stdout, /revoked/);
    const second = await runCli(['site', 'rotate-token', 'Branch West'], env);
    assert.match(second.stdout, /^new sync token \(shown once\): \S+$/m);
    assert.match(second.stdout, /^revoked token id\(s\): 1 /m);
    const conn = new Database(db, { readonly: true });
    try {
      const rows = conn.prepare(`SELECT id, revoked_at FROM site_tokens ORDER BY id`).all() as Array<{ id: number; revoked_at: string | null }>;
      assert.deepEqual(rows.map((r) => [r.id, r.revoked_at !== null]), [[1, true], [2, false], [3, false]]);
    } finally {
      conn.close();
    }
    const none = await runCli(['site', 'rotate-token', 'Nowhere'], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no site named "Nowhere"/);
  });

  test('site add prints the sync token once; the DB stores only its SHA-256', async () => {
    const dir = tempDir();
    const db = join(dir, 'hub.db');
    const r = await runCli(['site', 'add', 'Branch East'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db }) });
    assert.equal(r.code, 0, r.stderr);
    const m = /^sync token \(shown once\): (\S+)$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    const token = m[1]!;
    assert.ok(token.length >= 43, 'a 256-bit token');
    assert.equal(r.stdout.split(token).length - 1, 1, 'printed exactly once');
    assert.match(r.stdout, /^site \d+ "Branch East"$/m);
    const conn = new Database(db, { readonly: true });
    try {
      const rows = conn.prepare(`SELECT t.token_hash FROM site_tokens t JOIN sites s ON s.id = t.site_id WHERE s.name = 'Branch East'`).all() as Array<{ token_hash: string }>;
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
      // The plain token is nowhere in the database.
      for (const table of (conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name)) {
        for (const row of conn.prepare(`SELECT * FROM "${table}"`).all()) {
          assert.ok(!JSON.stringify(row).includes(token), `token stored in plain in ${table}`);
        }
      }
    } finally {
      conn.close();
    }
    // A second token for the same site is a new one; the first is not shown again.
    const again = await runCli(['site', 'add', 'Branch East'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db }) });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!again.stdout.includes(token));
  });
});

describe('edgeprov hub as a child process over real HTTP', () => {
  let dir = '';
  let hub: CliProcess;
  let base = '';
  let generated = '';
  // Cookie session state.
  let cookie = '';
  let csrf = '';
  let bearer = '';
  let siteId = 0;
  let userId = 0;

  before(async () => {
    dir = tempDir();
    const db = join(dir, 'hub.db');
    const admin = await runCli(['admin', 'add', 'admin'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db, EDGEPROV_ADMIN_PASSWORD: ADMIN_PW }) });
    assert.equal(admin.code, 0, admin.stderr);
    // Without the env var: a generated password, printed once.
    const second = await runCli(['admin', 'add', 'backup'], { env: cliEnv({ EDGEPROV_HUB_DB_PATH: db }) });
    assert.equal(second.code, 0, second.stderr);
    const m = /^admin "backup" added; password \(shown once\): (\S+)$/m.exec(second.stdout);
    assert.ok(m, second.stdout);
    generated = m[1]!;
    assert.equal(second.stdout.split(generated).length - 1, 1);
    hub = start(['hub'], cliEnv({
      EDGEPROV_HUB_DB_PATH: db, EDGEPROV_HUB_PORT: '0', EDGEPROV_HUB_HOST: '127.0.0.1', EDGEPROV_HUB_LOG_LEVEL: 'trace',
    }), dir);
    const port = await listeningPort(hub);
    base = `http://127.0.0.1:${port}`;
  });

  test('GET /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    const b = await res.json() as { ok: boolean };
    assert.equal(b.ok, true);
  });

  test('the listening log line carries the URL and the real port', () => {
    const line = hub.lines.map(logLine).find((l) => l.msg === 'listening');
    assert.ok(line);
    assert.equal(line.url, base);
    assert.equal(line.name, 'edgeprov-hub');
  });

  test('anonymous callers get 401 with a stable code', async () => {
    const b = await call(base, 'GET', '/api/v1/sites', { expect: 401 });
    assert.equal(b.error.code, 'UNAUTHENTICATED');
  });

  test('wrong password: 401; unknown user: 401; the generated password of `admin add` works', async () => {
    const wrong = await call(base, 'POST', '/api/v1/auth/login', { json: { username: 'admin', password: 'nope-nope-nope' }, expect: 401 });
    assert.equal(wrong.error.code, 'UNAUTHENTICATED');
    await call(base, 'POST', '/api/v1/auth/login', { json: { username: 'ghost', password: ADMIN_PW }, expect: 401 });
    const ok = await call(base, 'POST', '/api/v1/auth/login', { json: { username: 'backup', password: generated }, expect: 200 });
    assert.equal(ok.role, 'admin');
  });

  test('login sets an HttpOnly session cookie and returns a CSRF token', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PW }),
    });
    assert.equal(res.status, 200);
    const b = await res.json() as { username: string; role: string; token: string; csrf_token: string };
    assert.equal(b.username, 'admin');
    assert.equal(b.role, 'admin');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('edgeprov_session='));
    assert.ok(set, 'a session cookie');
    assert.match(set, /;\s*HttpOnly/i);
    assert.match(set, /;\s*SameSite=Lax/i);
    assert.match(set, /;\s*Path=\//i);
    cookie = set.split(';')[0]!;
    csrf = b.csrf_token;
    assert.ok(csrf.length >= 16);
    // The same session also works as a bearer token (scripts).
    bearer = b.token;
  });

  test('cookie session: reads need no CSRF token; writes without or with a wrong X-CSRF-Token are 403', async () => {
    const me = await call(base, 'GET', '/api/v1/auth/me', { headers: { cookie }, expect: 200 });
    assert.equal(me.username, 'admin');
    const site = { name: 'Branch North', fqdn: 'pbx.north.example.com', provision_mode: 'fqdn', edge_http_port: 8081, timezone: 'Europe/Berlin' };
    const none = await call(base, 'POST', '/api/v1/sites', { json: site, headers: { cookie }, expect: 403 });
    assert.equal(none.error.code, 'CSRF_FAILED');
    const wrong = await call(base, 'POST', '/api/v1/sites', { json: site, headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` }, expect: 403 });
    assert.equal(wrong.error.code, 'CSRF_FAILED');
    const sites = await call(base, 'GET', '/api/v1/sites', { headers: { cookie }, expect: 200 });
    assert.equal(sites.items.length, 0, 'nothing was created by the refused writes');
  });

  test('create a site (cookie + X-CSRF-Token)', async () => {
    const created = await call(base, 'POST', '/api/v1/sites', {
      json: { name: 'Branch North', fqdn: 'pbx.north.example.com', provision_mode: 'fqdn', edge_http_port: 8081, timezone: 'Europe/Berlin' },
      headers: { cookie, 'x-csrf-token': csrf },
      expect: 201,
    });
    assert.equal(created.name, 'Branch North');
    assert.equal(created.provision_mode, 'fqdn');
    siteId = created.id;
    const got = await call(base, 'GET', `/api/v1/sites/${siteId}`, { headers: { cookie }, expect: 200 });
    assert.equal(got.fqdn, 'pbx.north.example.com');
  });

  test('import devices: preview, then apply; mixed notations; a bad line applies nothing', async () => {
    const headers = { cookie, 'x-csrf-token': csrf };
    const text = '00:15:65:11:22:01,T46S,Reception\n00-15-65-11-22-02,SIP-T46S\n001565112203\n0015.6511.2204,Yealink T46S,Lab';
    const preview = await call(base, 'POST', '/api/v1/devices/import', { json: { text, site_id: siteId, preview: true }, headers, expect: 200 });
    assert.equal(preview.applied, false);
    assert.equal(preview.created.length, 4);
    const empty = await call(base, 'GET', '/api/v1/devices', { headers, expect: 200 });
    assert.equal(empty.total, 0, 'preview applies nothing');

    const bad = await call(base, 'POST', '/api/v1/devices/import', { json: { text: `${text}\n00:15:65:11:22:zz`, site_id: siteId }, headers, expect: 400 });
    assert.equal(bad.applied, false);
    assert.equal(bad.errors.length, 1);
    assert.equal(bad.errors[0].line, 5);
    assert.equal(bad.errors[0].column, 1);
    assert.equal((await call(base, 'GET', '/api/v1/devices', { headers, expect: 200 })).total, 0, 'all-or-nothing');

    const applied = await call(base, 'POST', '/api/v1/devices/import', { json: { text, site_id: siteId }, headers, expect: 200 });
    assert.equal(applied.applied, true);
    assert.deepEqual(applied.created.map((d: { mac: string }) => d.mac), ['001565112201', '001565112202', '001565112203', '001565112204']);
    const list = await call(base, 'GET', '/api/v1/devices?sort=mac', { headers, expect: 200 });
    assert.equal(list.total, 4);
    const first = list.items[0];
    assert.equal(first.vendor, 'yealink');
    assert.equal(first.model, 'T46S');
    assert.equal(first.name, 'Reception');
    assert.equal(first.site_id, siteId);

    // Importing the same MAC again is a duplicate against the DB.
    const dup = await call(base, 'POST', '/api/v1/devices/import', { json: { text: '00:15:65:11:22:01', site_id: siteId }, headers, expect: 400 });
    assert.equal(dup.errors[0].line, 1);
  });

  test('create a licensed user with a SIP account (Bearer token; no CSRF needed); the password is masked', async () => {
    const user = await call(base, 'POST', '/api/v1/users', {
      json: {
        extension: '201', display_name: 'Alice Example', ip_phone_license: true, username: 'alice', password: USER_PW,
        sip_accounts: [{ username: '201', password: SIP_PW, label: 'Alice' }],
      },
      headers: { authorization: `Bearer ${bearer}` },
      expect: 201,
    });
    assert.equal(user.extension, '201');
    assert.equal(user.sip_accounts.length, 1);
    assert.equal(user.sip_accounts[0].password, '***');
    assert.ok(!JSON.stringify(user).includes(USER_PW));
    userId = user.id;
  });

  test('assign the user to a device and GET its config: lines rendered, secrets masked unless revealed', async () => {
    const headers = { cookie, 'x-csrf-token': csrf };
    const dev = await call(base, 'PUT', '/api/v1/devices/00-15-65-11-22-01/users', { json: { users: [userId] }, headers, expect: 200 });
    assert.deepEqual(dev.users.map((u: { extension: string }) => u.extension), ['201']);
    const assigned = await call(base, 'GET', '/api/v1/devices?filter=assigned', { headers, expect: 200 });
    assert.deepEqual(assigned.items.map((d: { mac: string }) => d.mac), ['001565112201']);
    assert.equal((await call(base, 'GET', '/api/v1/devices?filter=unassigned', { headers, expect: 200 })).total, 3);
    assert.equal((await call(base, 'GET', '/api/v1/devices?q=0015.6511.2201', { headers, expect: 200 })).total, 1);

    const res = await fetch(`${base}/api/v1/devices/001565112201/config`, { headers: { cookie } });
    const config = await res.text();
    assert.equal(res.status, 200, config);
    const lines = config.split(/\r?\n/);
    for (const literal of [
      'account.1.user_name = 201',
      'account.1.auth_name = 201',
      'account.1.label = Alice',
      'account.1.display_name = Alice Example',
      'account.1.sip_server.1.address = pbx.north.example.com',
      'account.1.sip_server.1.port = 5060',
      'local_time.time_zone_name = Europe/Berlin',
      'static.auto_provision.server.url = http://pbx.north.example.com:8081/secure/',
      'account.2.user_name = ',
    ]) {
      assert.ok(lines.includes(literal), `missing ${JSON.stringify(literal)} in\n${config}`);
    }
    assert.ok(!config.includes(SIP_PW), 'SIP password masked in the preview');
    assert.ok(lines.includes('account.1.password = ***'));
    const revealed = await fetch(`${base}/api/v1/devices/001565112201/config?reveal=true`, { headers: { cookie } });
    assert.equal(revealed.status, 200);
    assert.ok((await revealed.text()).split(/\r?\n/).includes(`account.1.password = ${SIP_PW}`));
  });

  test('the 7th user on one MAC is refused with a stable code', async () => {
    const auth = { authorization: `Bearer ${bearer}` };
    const ids = [userId];
    for (let i = 2; i <= 7; i++) {
      const u = await call(base, 'POST', '/api/v1/users', {
        json: { extension: `20${i}`, display_name: `User 20${i}`, sip_accounts: [{ username: `20${i}`, password: `pw-20${i}-xyz` }] }, headers: auth, expect: 201,
      });
      ids.push(u.id);
    }
    await call(base, 'PUT', '/api/v1/devices/001565112202/users', { json: { users: ids.slice(1, 7) }, headers: auth, expect: 200 });
    const seven = await call(base, 'PUT', '/api/v1/devices/001565112203/users', { json: { users: ids.slice(0, 7) }, headers: auth, expect: 409 });
    assert.equal(seven.error.code, 'TOO_MANY_USERS');
  });

  test('end-user self-service: the user sees only their phone and is refused admin routes', async () => {
    const login = await call(base, 'POST', '/api/v1/auth/login', { json: { username: 'alice', password: USER_PW }, expect: 200 });
    assert.equal(login.role, 'user');
    const auth = { authorization: `Bearer ${login.token}` };
    const mine = await call(base, 'GET', '/api/v1/me/devices', { headers: auth, expect: 200 });
    assert.deepEqual(mine.items.map((d: { mac: string }) => d.mac), ['001565112201']);
    const named = await call(base, 'PATCH', '/api/v1/me/devices/001565112201', { json: { name: 'Alice desk' }, headers: auth, expect: 200 });
    assert.equal(named.name, 'Alice desk');
    const forbidden = await call(base, 'GET', '/api/v1/devices', { headers: auth, expect: 403 });
    assert.equal(forbidden.error.code, 'FORBIDDEN');
    await call(base, 'PATCH', '/api/v1/me/devices/001565112204', { json: { name: 'not mine' }, headers: auth, expect: 404 });
  });

  test('GET /api/v1/openapi.json validates as OpenAPI 3', async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.match(String(doc.openapi), /^3\./);
    const v = new Validator();
    const result = await v.validate(doc);
    assert.equal(result.valid, true, `OpenAPI document invalid:\n${JSON.stringify(result.errors, null, 2)}`);
    const paths = Object.keys(doc.paths as object);
    for (const p of ['/auth/login', '/sites', '/devices/import', '/devices/{mac}/users', '/devices/{mac}/config', '/users/{id}/sip-accounts']) {
      assert.ok(paths.includes(p), `openapi documents ${p}`);
    }
  });

  test('logout ends the cookie session', async () => {
    await call(base, 'POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf }, expect: 200 });
    await call(base, 'GET', '/api/v1/auth/me', { headers: { cookie }, expect: 401 });
  });

  test('SIGTERM: exit code 0; every log line is JSON; no password or SIP secret in any log line', async () => {
    const { code, signal } = await hub.stop();
    assert.equal(signal, null);
    assert.equal(code, 0, hub.stderr);
    assert.ok(hub.lines.length > 10, 'the hub logged its requests');
    const logs = hub.lines.map(logLine);
    for (const l of logs) {
      assert.equal(typeof l.level, 'number');
      assert.equal(typeof l.time, 'number');
      assert.equal(typeof l.msg, 'string');
    }
    assert.ok(logs.some((l) => l.msg === 'request' && l.path === '/api/v1/auth/login' && l.status === 200), 'request lines are logged');
    for (const secret of [ADMIN_PW, SIP_PW, USER_PW, generated, csrf, bearer, cookie.split('=')[1]!]) {
      for (const line of hub.lines) assert.ok(!line.includes(secret), `a secret leaked into the log: ${line}`);
      assert.ok(!hub.stderr.includes(secret), 'a secret leaked to stderr');
    }
  });
});

describe('edgeprov demo', () => {
  let dir = '';

  /** Starts the demo and returns its printed block once the last line of it is out. */
  async function demo(env: Record<string, string>): Promise<{ p: CliProcess; url: string; text: string; edge: string }> {
    const httpPort = await freeTcpPort();
    const tftpPort = await freeUdpPort();
    const p = start(
      ['demo', '--data-dir', dir, '--hub-port', '0', '--http-port', String(httpPort), '--tftp-port', String(tftpPort)],
      cliEnv({ EDGEPROV_HUB_HOST: '127.0.0.1', ...env }),
      dir,
    );
    await p.waitForLine((l) => /^\s+Sync:/.test(l), 'the demo banner');
    const text = p.lines.join('\n');
    const edge = /^\s+Edge:\s+(http:\/\/127\.0\.0\.1:(\d+))\/ .*tftp:\/\/127\.0\.0\.1:(\d+)\//m.exec(text);
    assert.ok(edge, `edge URLs in:\n${text}`);
    const m = /^\s+Console:\s+(http:\/\/127\.0\.0\.1:(\d+))\/$/m.exec(text);
    assert.ok(m, `a console URL in:\n${text}`);
    assert.notEqual(Number(m[2]), 0, 'the real port, not 0');
    return { p, url: m[1]!, text, edge: edge[1]! };
  }

  async function signIn(url: string, password: string): Promise<string> {
    const b = await call(url, 'POST', '/api/v1/auth/login', { json: { username: 'admin', password }, expect: 200 });
    return b.token as string;
  }

  async function inventory(url: string, token: string): Promise<{ sites: string[]; devices: number; assigned: number }> {
    const auth = { authorization: `Bearer ${token}` };
    const sites = await call(url, 'GET', '/api/v1/sites', { headers: auth, expect: 200 });
    const demoSite = sites.items.find((s: { name: string }) => s.name === 'Demo Branch');
    assert.ok(demoSite, 'the Demo Branch site');
    const devices = await call(url, 'GET', `/api/v1/devices?site_id=${demoSite.id}`, { headers: auth, expect: 200 });
    const assigned = await call(url, 'GET', `/api/v1/devices?site_id=${demoSite.id}&filter=assigned`, { headers: auth, expect: 200 });
    return { sites: sites.items.map((s: { name: string }) => s.name), devices: devices.total, assigned: assigned.total };
  }

  before(() => {
    dir = tempDir();
  });

  test('first start with EDGEPROV_ADMIN_PASSWORD: prints URL and credentials; the admin sees Demo Branch and its devices', async () => {
    const { p, url, text, edge } = await demo({ EDGEPROV_ADMIN_PASSWORD: DEMO_PW });
    try {
      assert.match(text, new RegExp(`Admin:\\s+admin / ${DEMO_PW}\\b`));
      assert.match(text, /Sync:\s+the edge dials the hub over WebSocket \(ws:\/\/127\.0\.0\.1:\d+\/sync\/v1\) and holds the demo site\./, 'the edge synced before the banner');
      assert.match(text, /Demo Branch/);
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /edgeprov/);
      const token = await signIn(url, DEMO_PW);
      const inv = await inventory(url, token);
      assert.deepEqual(inv.sites, ['Demo Branch']);
      assert.equal(inv.devices, 8);
      assert.equal(inv.assigned, 3);
      const res = await fetch(`${url}/api/v1/devices/00:15:65:de:00:01/config`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      const preview = await res.text();
      assert.ok(preview.split('\n').includes('account.1.user_name = 101'));
      // The demo's edge daemon answers a phone with the same account (the preview masks secrets, the phone gets them).
      const phone = await fetch(`${edge}/001565de0001.cfg`, { headers: { 'user-agent': 'Yealink SIP-T46S 66.86.0.15 00:15:65:de:00:01' } });
      assert.equal(phone.status, 200);
      assert.ok((await phone.text()).split('\n').includes('account.1.user_name = 101'));
    } finally {
      const { code } = await p.stop();
      assert.equal(code, 0, p.stderr);
    }
  });

  test('second start without the env var: no new password, says it was shown at first start; data kept', async () => {
    const { p, url, text } = await demo({});
    try {
      assert.match(text, /password shown at the first start/);
      assert.doesNotMatch(text, /Admin:\s+admin \/ /, 'no password printed');
      assert.ok(!text.includes(DEMO_PW));
      const token = await signIn(url, DEMO_PW);
      const inv = await inventory(url, token);
      assert.deepEqual(inv.sites, ['Demo Branch'], 'not seeded twice');
      assert.equal(inv.devices, 8);
      assert.equal(inv.assigned, 3);
    } finally {
      const { code } = await p.stop();
      assert.equal(code, 0, p.stderr);
    }
  });

  test('fresh data dir without the env var: a generated password, printed once, that works', async () => {
    dir = tempDir();
    const first = await demo({});
    let generated = '';
    try {
      const m = /Admin:\s+admin \/ (\S+)\s+\(shown once\)/.exec(first.text);
      assert.ok(m, first.text);
      generated = m[1]!;
      assert.ok(generated.length >= 12);
      assert.equal(first.text.split(generated).length - 1, 1);
      await signIn(first.url, generated);
    } finally {
      assert.equal((await first.p.stop()).code, 0, first.p.stderr);
    }
    const second = await demo({});
    try {
      assert.ok(!second.text.includes(generated), 'not printed again');
      assert.match(second.text, /password shown at the first start/);
      await signIn(second.url, generated);
    } finally {
      assert.equal((await second.p.stop()).code, 0, second.p.stderr);
    }
  });
});

describe('config and usage errors', () => {
  let dir = '';
  before(() => {
    dir = tempDir();
  });

  /** Env for a hub that, if it wrongly started, would bind a free loopback port on a temp DB. */
  function hubEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return cliEnv({ EDGEPROV_HUB_DB_PATH: join(dir, 'hub.db'), EDGEPROV_HUB_HOST: '127.0.0.1', ...extra });
  }

  test('EDGEPROV_HUB_PORT=abc: exit 1 naming the key and the variable', async () => {
    const r = await runCli(['hub'], { env: hubEnv({ EDGEPROV_HUB_PORT: 'abc' }), cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^edgeprov: invalid configuration:\n\s+port: .*\(from environment EDGEPROV_HUB_PORT\)\n$/);
    assert.equal(r.stdout, '');
  });

  test('a config file with {"port": 70000}: exit 1 naming the key and the file', async () => {
    const cfg = join(dir, 'hub-port.json');
    writeFileSync(cfg, JSON.stringify({ port: 70000 }));
    const r = await runCli(['hub', '--config', cfg], { env: hubEnv(), cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /port: .*65535/);
    assert.ok(r.stderr.includes(`(from ${cfg})`), r.stderr);
  });

  test('a config file with an unknown key: exit 1 naming the key and the file', async () => {
    const cfg = join(dir, 'hub-unknown.json');
    writeFileSync(cfg, JSON.stringify({ port: 0, listen_port: 8080 }));
    const r = await runCli(['hub', '--config', cfg], { env: hubEnv(), cwd: dir });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`listen_port: unknown key (from ${cfg})`), r.stderr);
  });

  test('a bad boolean in env is named with its variable', async () => {
    const r = await runCli(['hub'], { env: hubEnv({ EDGEPROV_HUB_PORT: '0', EDGEPROV_HUB_COOKIE_SECURE: 'maybe' }), cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cookie_secure: .*\(from environment EDGEPROV_HUB_COOKIE_SECURE\)/);
  });

  test('a config file that is not JSON, or missing: exit 1 naming the file', async () => {
    const cfg = join(dir, 'broken.json');
    writeFileSync(cfg, '{ "port": ');
    const r = await runCli(['hub', '--config', cfg], { env: hubEnv(), cwd: dir });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`${cfg} is not valid JSON`), r.stderr);
    const missing = await runCli(['hub', '--config', join(dir, 'absent.json')], { env: hubEnv(), cwd: dir });
    assert.equal(missing.code, 1);
    assert.ok(missing.stderr.includes('cannot read config file'), missing.stderr);
  });

  test('a valid config file is used, and env wins over it (even over a value the file gets wrong)', async () => {
    const cfg = join(dir, 'hub-ok.json');
    writeFileSync(cfg, JSON.stringify({ port: 70000, host: '127.0.0.1', db_path: join(dir, 'from-file.db'), log_level: 'info' }));
    const p = start(['hub', '--config', cfg], cliEnv({ EDGEPROV_HUB_PORT: '0' }), dir);
    const port = await listeningPort(p);
    const line = p.lines.map(logLine).find((l) => l.msg === 'listening');
    assert.equal(line?.db, join(dir, 'from-file.db'));
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal((await p.stop()).code, 0, p.stderr);
  });

  test('edgeprov daemon with an invalid config: exit 1 naming the key and where it came from', async () => {
    const r = await runCli(['daemon'], { env: cliEnv({ EDGEPROV_DAEMON_HTTP_PORT: 'eighty', EDGEPROV_DAEMON_DB_PATH: join(dir, 'edge.db') }), cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /http_port: .*\(from environment EDGEPROV_DAEMON_HTTP_PORT\)/);
    const cfg = join(dir, 'edge-half-tls.json');
    writeFileSync(cfg, JSON.stringify({ db_path: join(dir, 'edge.db'), https_cert: join(dir, 'cert.pem') }));
    const tls = await runCli(['daemon', '--config', cfg], { env: cliEnv(), cwd: dir });
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, /https_cert and https_key go together/);
  });

  test('edgeprov daemon refuses the test clock (EDGEPROV_TEST_CLOCK_FILE) under NODE_ENV=production, and a clock file it cannot use', async () => {
    const clock = join(dir, 'clock-offset-ms');
    writeFileSync(clock, '600000');
    const base = { EDGEPROV_DAEMON_DB_PATH: join(dir, 'edge-clock.db'), EDGEPROV_TEST_CLOCK_FILE: clock };
    const prod = await runCli(['daemon'], { env: cliEnv({ ...base, NODE_ENV: 'production' }), cwd: dir });
    assert.equal(prod.code, 1);
    assert.match(prod.stderr, /EDGEPROV_TEST_CLOCK_FILE is for tests only and is refused with NODE_ENV=production/);
    const missing = await runCli(['daemon'], { env: cliEnv({ ...base, EDGEPROV_TEST_CLOCK_FILE: join(dir, 'no-such-file') }), cwd: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no-such-file does not exist/);
    writeFileSync(clock, 'ten minutes');
    const bad = await runCli(['daemon'], { env: cliEnv(base), cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /must hold a whole number of milliseconds .*not "ten minutes"/);
  });

  test('unknown command: exit 2 with usage', async () => {
    const r = await runCli(['frobnicate'], { env: hubEnv(), cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /usage: edgeprov <command>/);
    for (const cmd of ['hub', 'daemon', 'demo', 'render', 'site add', 'admin add']) assert.ok(r.stderr.includes(`  ${cmd} `), `usage lists ${cmd}`);
  });

  test('unknown subcommand and option: exit 2 with usage', async () => {
    const site = await runCli(['site', 'remove', 'x'], { env: hubEnv(), cwd: dir });
    assert.equal(site.code, 2);
    assert.match(site.stderr, /unknown site command "remove"/);
    const opt = await runCli(['hub', '--bogus'], { env: hubEnv(), cwd: dir });
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /bogus/);
    assert.match(opt.stderr, /usage: edgeprov/);
  });

  test('no command prints usage on stdout, exit 0', async () => {
    const r = await runCli([], { env: hubEnv(), cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: edgeprov <command>/);
  });
});
