#!/usr/bin/env node
/**
 * `edgeprov`: one command for every role. `hub`, `daemon`, `demo`, `render`, `site add`, `admin add`.
 * Errors print one clear line and exit non-zero; nothing here prints a secret twice.
 */
import { parseArgs } from 'node:util';
import { readFileSync, mkdirSync } from 'node:fs';
import { resolve, join, dirname, basename, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isProvError, TemplateError } from '../shared/errors.js';
import { compileFreemarker, compileTemplate, EXAMPLE_MODEL, modelFromJson, type DataModel } from '../shared/templates/index.js';
import { loadHubConfig, HubConfig } from './config.js';
import { createDaemonLoggers } from '../daemon/log.js';
import { openDb } from './db/open.js';
import { backupDb, restoreDb } from './db/backup.js';
import { HubStore, SYSTEM_ACTOR } from './db/store.js';
import { systemClock } from '../shared/clock.js';
import { addSiteToken, findSiteByName, createSite } from './domain/sites.js';
import { hashPassword, createAccount } from './domain/auth.js';
import { loadDaemonConfig, DaemonConfig } from '../daemon/config.js';
import { startDaemon } from '../daemon/main.js';
import { TEST_CLOCK_ENV, testClockFromEnv } from '../daemon/test-clock.js';
import { planReload, type ReloadPlan } from '../shared/reload.js';
import type { Logger } from 'pino';

// The hub's app (every route, the OpenAPI schemas) takes about half a second to load: the commands
// that need it import it when they run, so `edgeprov daemon` starts (and restarts) quickly.
const hubMain = () => import('./main.js');

const USAGE = `usage: edgeprov <command> [options]

  hub [--config FILE]                 run the hub (config: JSON file + EDGEPROV_HUB_* env)
  daemon [--config FILE]              run an edge daemon (config: JSON file + EDGEPROV_DAEMON_* env)
  demo [--data-dir DIR] [--hub-port N] [--http-port N] [--tftp-port N]
                                      hub + one edge daemon for a demo site on embedded SQLite
  render --engine default|freemarker TEMPLATE [--data FILE.json]
                                      print a rendered template; errors as file:line:col: message
  site add NAME [--config FILE]       add a site; prints its sync token once
  site rotate-token NAME [--config FILE]
                                      a new sync token for the site (shown once); a site holds two,
                                      so the oldest beyond them is revoked and its edge disconnected
  backup FILE [--config FILE]         copy the hub's database to FILE (consistent while the hub runs)
  restore FILE [--config FILE]        replace the hub's database with a backup (hub stopped); new epoch:
                                      every edge takes a snapshot at its next connection
  admin add NAME [--config FILE]      add an administrator (password from EDGEPROV_ADMIN_PASSWORD,
                                      or generated and printed once)
`;

class UsageError extends Error {}

function fail(message: string, code = 1): never {
  process.stderr.write(`edgeprov: ${message}\n`);
  process.exit(code);
}

async function hub(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  let config = loadHubConfig(values.config, process.env);
  const { createLogger, startHub } = await hubMain();
  const log = createLogger(config.log_level, 'edgeprov-hub');
  const started = serviceSignals(log);
  const running = await startHub(config, { log });
  started({
    async stop() {
      const report = await running.shutdown(config.shutdown_timeout_s * 1000);
      log.info(report, 'stopped');
    },
    reload() {
      const next = loadHubConfig(values.config, process.env);
      const plan = planReload(config, next, HUB_LIVE_KEYS);
      if (plan.live.includes('log_level')) log.level = next.log_level;
      config = applyLive(config, next, plan.live);
      return plan;
    },
  });
}

async function daemon(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  let config = loadDaemonConfig(values.config, process.env);
  const logs = createDaemonLoggers(config.log_level);
  const started = serviceSignals(logs.log);
  const clock = testClockFromEnv(process.env, (content) =>
    logs.log.error({ file: process.env[TEST_CLOCK_ENV], content }, 'TEST CLOCK: the offset file does not hold a whole number of milliseconds; the previous offset stays'),
  );
  if (clock) {
    logs.log.warn(
      { [TEST_CLOCK_ENV]: clock.file, offsetMs: clock.offsetMs() },
      'TEST CLOCK: this daemon\'s time is moved by the offset in the file; for tests only, never on an edge in service',
    );
  }
  const running = await startDaemon(config, { log: logs.log, requestLog: logs.requestLog, ...(clock ? { clock } : {}) });
  started({
    async stop() {
      const report = await running.shutdown(config.shutdown_timeout_s * 1000);
      logs.log.info(report, 'stopped');
      await logs.flush();
    },
    reload() {
      const next = loadDaemonConfig(values.config, process.env);
      const plan = planReload(config, next, DAEMON_LIVE_KEYS);
      if (plan.live.includes('log_level')) logs.setLevel(next.log_level);
      config = applyLive(config, next, plan.live);
      // The same paths, maybe new contents (a renewed certificate): new connections get them.
      if (config.https_cert && config.https_key && !plan.restart.includes('https_cert') && !plan.restart.includes('https_key')) {
        try {
          running.reloadTls();
        } catch (err) {
          logs.log.error({ err: (err as Error).message }, 'https certificate reload failed; the previous one keeps serving');
        }
      }
      return plan;
    },
  });
}

/** Config keys a SIGHUP applies to a running hub; every other change waits for a restart. */
const HUB_LIVE_KEYS = ['log_level', 'shutdown_timeout_s'] as const;
/** The same for the edge daemon (plus the HTTPS certificate files' contents, re-read on every SIGHUP). */
const DAEMON_LIVE_KEYS = ['log_level', 'shutdown_timeout_s'] as const;

function applyLive<C extends object>(running: C, next: C, live: string[]): C {
  const out = { ...running } as Record<string, unknown>;
  for (const k of live) out[k] = (next as Record<string, unknown>)[k];
  return out as C;
}

interface Service {
  stop(): Promise<void>;
  reload(): ReloadPlan;
}

/**
 * A long-running role under a service manager: SIGTERM/SIGINT stop it gracefully (exit 0, or 1 if
 * the stop failed; a second signal exits at once), SIGHUP re-reads its config file. A config that
 * fails to load or apply is logged and the running one kept. The handlers are installed before the
 * role starts, so a signal during start-up is not node's default (death): a stop waits for the
 * start to finish, a reload is moot (the config is being read right then).
 */
function serviceSignals(log: Logger): (service: Service) => void {
  let service: Service | undefined;
  let stopping: string | undefined;
  const runStop = (s: Service): void => {
    s.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`edgeprov: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = signal;
    process.stderr.write(`edgeprov: ${signal}, stopping\n`);
    log.info({ signal }, 'stopping');
    if (service) runStop(service);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (!service || stopping) return;
    try {
      const plan = service.reload();
      const fields = { changed: plan.changed, applied: plan.live, restart_required: plan.restart };
      if (plan.restart.length > 0) log.warn(fields, 'config reloaded; some changes need a restart');
      else log.info(fields, 'config reloaded');
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'config reload failed; the running config is kept');
    }
  });
  return (s) => {
    service = s;
    if (stopping) runStop(s);
  };
}

function stopOn(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`edgeprov: ${signal}, stopping\n`);
    close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function port(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > 65535) throw new UsageError(`--${name} must be a port number ${min}–65535, got "${value}"`);
  return n;
}

async function demo(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, 'hub-port': { type: 'string' }, 'http-port': { type: 'string' }, 'tftp-port': { type: 'string' } },
  });
  const dataDir = resolve(values['data-dir'] ?? '.edgeprov-demo');
  mkdirSync(dataDir, { recursive: true });
  const hubPort = port(values['hub-port'], 'hub-port', 8080);
  // The edge ports go into the demo site's record, which phones are told about: no "any port" here.
  const httpPort = port(values['http-port'], 'http-port', 8081, 1);
  const tftpPort = port(values['tftp-port'], 'tftp-port', 6969, 1);
  const config = HubConfig.parse({
    ...loadHubConfig(undefined, { EDGEPROV_HUB_LOG_LEVEL: 'warn', ...process.env }),
    port: hubPort,
    db_path: join(dataDir, 'hub.db'),
  });
  const { createLogger, startHub } = await hubMain();
  const { DEMO_SITE, seedDemo } = await import('./demo.js');
  const { enforceTokenLimit } = await import('./sync/index.js');
  const log = createLogger(config.log_level, 'edgeprov-hub');
  const db = openDb(config.db_path);
  const seeded = await seedDemo(new HubStore(db, systemClock), { httpPort, tftpPort, adminPassword: process.env.EDGEPROV_ADMIN_PASSWORD });
  db.close();
  const running = await startHub(config, { log });
  // The demo edge dials the hub like any branch: a fresh sync token per start (the older ones
  // beyond the two a site may hold are revoked).
  const store = new HubStore(running.db, systemClock);
  const token = store.write(SYSTEM_ACTOR, (w) => {
    const id = findSiteByName(w.db, DEMO_SITE)!.id;
    const t = addSiteToken(w, id);
    enforceTokenLimit(w, id);
    return t;
  });
  const edgeConfig = DaemonConfig.parse({
    db_path: join(dataDir, 'edge.db'), http_host: '127.0.0.1', http_port: httpPort, tftp_host: '127.0.0.1', tftp_port: tftpPort,
    log_level: config.log_level, hub_url: running.url, site_token: token,
  });
  const edgeLogs = createDaemonLoggers(edgeConfig.log_level);
  let edge: Awaited<ReturnType<typeof startDaemon>>;
  try {
    edge = await startDaemon(edgeConfig, { log: edgeLogs.log, requestLog: edgeLogs.requestLog });
  } catch (err) {
    await running.close();
    throw err;
  }
  const site = findSiteByName(running.db, DEMO_SITE)!;
  // Print the banner once the edge holds the site, so its URLs answer when they are shown.
  const synced = await new Promise<boolean>((resolve) => {
    if (edge.cache.state().cursor > 0 && edge.cache.site()) return resolve(true);
    const timer = setTimeout(() => resolve(false), 15_000);
    edge.sync!.once('applied', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  const firstMac = (running.db.prepare(`SELECT mac FROM devices WHERE site_id = ? ORDER BY mac LIMIT 1`).get(site.id) as { mac: string } | undefined)?.mac;
  const lines = [
    '',
    'edgeprov demo: a hub and one edge daemon on embedded SQLite, with the demo site "Demo Branch".',
    `  Console:  ${running.url}/`,
    `  API:      ${running.url}/api/v1/openapi.json`,
    seeded.adminPassword
      ? `  Admin:    admin / ${seeded.adminPassword}   (${process.env.EDGEPROV_ADMIN_PASSWORD ? 'from EDGEPROV_ADMIN_PASSWORD' : 'shown once'})`
      : '  Admin:    admin (password shown at the first start; set EDGEPROV_ADMIN_PASSWORD to choose one)',
    `  Data:     ${dataDir}`,
    `  Edge:     http://127.0.0.1:${edge.httpPort}/  and  tftp://127.0.0.1:${edge.tftpPort}/  (phones' files, e.g.` +
      ` ${firstMac ? `http://127.0.0.1:${edge.httpPort}/${firstMac}.cfg` : 'http://127.0.0.1:' + edge.httpPort + '/<mac>.cfg'})`,
    `            health http://127.0.0.1:${edge.httpPort}/healthz, metrics http://127.0.0.1:${edge.httpPort}/metrics`,
    `  Sync:     the edge dials the hub over WebSocket (${running.url.replace(/^http/, 'ws')}/sync/v1)` +
      (synced ? ' and holds the demo site.' : ' — not synced yet; it keeps retrying.'),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  stopOn(async () => {
    await edge.close();
    await running.close();
    await edgeLogs.flush();
  });
}

function render(args: string[]): void {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { engine: { type: 'string' }, data: { type: 'string' } } });
  const engine = values.engine;
  if (engine !== 'default' && engine !== 'freemarker') throw new UsageError('--engine must be default or freemarker');
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('render takes exactly one TEMPLATE file');
  const source = readText(file);
  let model: unknown = EXAMPLE_MODEL;
  if (values.data !== undefined) {
    const data = readText(values.data);
    try {
      // FreeMarker reads the data as the reference runner does: numbers stay exact decimals, null is missing.
      model = engine === 'freemarker' ? modelFromJson(data) : (JSON.parse(data) as DataModel);
    } catch (err) {
      fail(`${values.data}: ${(err as Error).message}`);
    }
  }
  try {
    const compiled =
      engine === 'freemarker'
        ? compileFreemarker(source, { name: basename(file), resolveInclude: includesBeside(file) })
        : compileTemplate(engine, source);
    process.stdout.write(compiled.render(model as DataModel));
  } catch (err) {
    if (err instanceof TemplateError) {
      // Compiler style, no prefix: editors and CI annotate file:line:col directly.
      process.stderr.write(`${file}:${err.line}:${err.column}: ${(err.details as { reason: string }).reason}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** #include/#import resolve relative to the template's own folder, and never above it. */
function includesBeside(file: string): (path: string) => string | undefined {
  const root = resolve(dirname(file));
  return (path) => {
    const target = resolve(root, path);
    if (!target.startsWith(root + sep)) return undefined;
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** A file named on the command line; a missing one is a usage error (exit 2), not a crash. */
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(`cannot read ${path}: ${(err as Error).message}`, 2);
  }
}

function dbFrom(args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const config = loadHubConfig(values.config, process.env);
  return { store: new HubStore(openDb(config.db_path), systemClock), positionals };
}

async function siteAdd(args: string[]): Promise<void> {
  const { SiteCreate } = await import('./api/schemas.js');
  const { store, positionals } = dbFrom(args);
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError('site add takes exactly one NAME');
  const token = store.write(SYSTEM_ACTOR, (w) => {
    const site = findSiteByName(w.db, name) ?? createSite(w, SiteCreate.parse({ name, fqdn: 'pbx.example.com' }));
    return { id: site.id, token: addSiteToken(w, site.id) };
  });
  store.db.close();
  process.stdout.write(`site ${token.id} "${name}"\nsync token (shown once): ${token.token}\n`);
}

async function siteRotateToken(args: string[]): Promise<void> {
  const { enforceTokenLimit } = await import('./sync/index.js');
  const { store, positionals } = dbFrom(args);
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError('site rotate-token takes exactly one NAME');
  const result = store.write(SYSTEM_ACTOR, (w) => {
    const site = findSiteByName(w.db, name);
    if (!site) return undefined;
    const token = addSiteToken(w, site.id);
    return { id: site.id, token, revoked: enforceTokenLimit(w, site.id) };
  });
  store.db.close();
  if (!result) fail(`no site named "${name}"`);
  process.stdout.write(
    `site ${result.id} "${name}"\nnew sync token (shown once): ${result.token}\n` +
      (result.revoked.length ? `revoked token id(s): ${result.revoked.join(', ')} (a running hub disconnects their edge within a second)\n` : ''),
  );
}

async function backup(args: string[]): Promise<void> {
  const { store, positionals } = dbFrom(args);
  const file = positionals[0];
  try {
    if (!file || positionals.length > 1) throw new UsageError('backup takes exactly one FILE');
    const { pages } = await backupDb(store.db, file);
    process.stdout.write(`backup written to ${file} (${pages} pages)\n`);
  } finally {
    store.db.close();
  }
}

function restore(args: string[]): void {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('restore takes exactly one FILE');
  const config = loadHubConfig(values.config, process.env);
  const r = restoreDb(file, config.db_path);
  process.stdout.write(`restored ${file} to ${config.db_path}; epoch ${r.previousEpoch} -> ${r.epoch}: every edge takes a snapshot at its next connection\n`);
}

async function adminAdd(args: string[]): Promise<void> {
  const { store, positionals } = dbFrom(args);
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError('admin add takes exactly one NAME');
  const given = process.env.EDGEPROV_ADMIN_PASSWORD;
  if (given !== undefined && given.length < 8) throw new UsageError('EDGEPROV_ADMIN_PASSWORD must be at least 8 characters');
  const password = given ?? randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  store.write(SYSTEM_ACTOR, (w) => createAccount(w, { username: name, password_hash: hash, role: 'admin' }));
  store.db.close();
  process.stdout.write(given ? `admin "${name}" added\n` : `admin "${name}" added; password (shown once): ${password}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'hub':
      return hub(rest);
    case 'daemon':
      return daemon(rest);
    case 'demo':
      return demo(rest);
    case 'render':
      return render(rest);
    case 'site':
      if (rest[0] === 'add') return siteAdd(rest.slice(1));
      if (rest[0] === 'rotate-token') return siteRotateToken(rest.slice(1));
      throw new UsageError(`unknown site command "${rest[0] ?? ''}"`);
    case 'backup':
      return backup(rest);
    case 'restore':
      return restore(rest);
    case 'admin':
      if (rest[0] === 'add') return adminAdd(rest.slice(1));
      throw new UsageError(`unknown admin command "${rest[0] ?? ''}"`);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) fail(`${err.message}\n\n${USAGE}`, 2);
  if (isProvError(err)) fail(err.message);
  if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) fail(`${err.message}\n\n${USAGE}`, 2);
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
});
