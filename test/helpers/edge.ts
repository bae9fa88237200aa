/**
 * An edge for tests, set up as operators and sync will: devices, users and assignments created
 * through the hub's real API (in-process), the edge's SQLite cache filled with the hub's own
 * snapshot through `apply()`, and the daemon either in-process or as a real `edgeprov daemon`
 * child process reading that cache file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { DaemonConfig } from '../../daemon/config.js';
import { startDaemon, type RunningDaemon } from '../../daemon/main.js';
import { deltaFor, snapshotFor } from '../../hub/sync/projection.js';
import type { SipAccount } from '../../shared/domain.js';
import { phoneSpec, type PhoneSpec } from '../sim/phones.js';
import type { VendorId } from '../../shared/vendors/index.js';
import { CliProcess, cliEnv, logLine } from './cli-process.js';
import { makeSite, TestClock, testHub, type TestHub } from './hub.js';

export interface EdgePhone {
  spec: PhoneSpec;
  /** The SIP accounts of the users assigned to it, in line order. */
  accounts: SipAccount[];
  prov: { username: string; password: string };
}

export interface EdgeFixture {
  h: TestHub;
  site: number;
  dbPath: string;
  phones: EdgePhone[];
  /** Applies the hub's delta since the cache's cursor (as sync will); returns rows changed. */
  sync(): number;
  close(): void;
}

export interface FixtureOptions {
  vendors?: readonly VendorId[];
  perVendor?: number;
  /** Exactly these phones (instead of vendors × perVendor). */
  specs?: readonly PhoneSpec[];
  /** SIP accounts per phone (spread over up to 2 users). Default 3. */
  lines?: number;
  site?: Record<string, unknown>;
  salt?: number;
}

export async function edgeFixture(o: FixtureOptions): Promise<EdgeFixture> {
  const h = await testHub();
  const site = await makeSite(h, { edge_lan_ip: '127.0.0.1', ...o.site });
  const specs: PhoneSpec[] = [...(o.specs ?? [])];
  for (const v of o.vendors ?? []) for (let i = 0; i < (o.perVendor ?? 1); i++) specs.push(phoneSpec(v, i, o.salt ?? 0));
  // The vendor column says the family: Cisco's enterprise firmware (cisco-sep) shares Cisco MPP's OUIs.
  const imported = await h.json<{ created: Array<{ mac: string; vendor: string | null }> }>('POST', '/devices/import', {
    body: { text: specs.map((s) => `${s.mac},${s.importModel},,,${s.vendor}`).join('\n'), site_id: site },
  });
  for (const s of specs) {
    const got = imported.created.find((c) => c.mac === s.mac)?.vendor;
    if (got !== s.vendor) throw new Error(`${s.mac} was imported as ${got}, not ${s.vendor}`);
  }
  const lines = o.lines ?? 3;
  const csv: string[] = [];
  let ext = 2000;
  for (const s of specs) {
    // Two users when there are 2+ lines: the first with one account, the second with the rest.
    const split = lines >= 2 ? [1, lines - 1] : [lines];
    const exts: string[] = [];
    for (const n of split) {
      const e = String(ext++);
      await h.json('POST', '/users', {
        body: {
          extension: e, display_name: `User ${e}`, ip_phone_license: true,
          sip_accounts: Array.from({ length: n }, (_, i) => ({ username: `${e}${i ? `x${i}` : ''}`, password: `Pw-${e}-${i}-${s.mac.slice(-4)}`, label: `${e}/${i + 1}` })),
        },
      });
      exts.push(e);
    }
    csv.push(`${s.mac},${exts.join(',')}`);
  }
  await h.json('POST', '/provision/bulk', { body: { csv: csv.join('\n') } });
  const dbPath = join(h.dir, 'edge.db');
  const cache = createCache({ path: dbPath }, { clock: new TestClock() });
  cache.apply(snapshotFor(h.db, site));
  const phones: EdgePhone[] = specs.map((spec) => {
    const d = cache.device(spec.mac);
    if (!d) throw new Error(`${spec.mac} did not reach the edge cache`);
    return { spec, accounts: d.extensions.flatMap((e) => e.accounts), prov: { username: d.prov_username, password: d.prov_password } };
  });
  let open: Cache | undefined = cache;
  return {
    h, site, dbPath, phones,
    sync() {
      open ??= createCache({ path: dbPath }, { clock: new TestClock() });
      return open.apply(deltaFor(h.db, site, open.state().cursor)).changed;
    },
    close() {
      open?.close();
      open = undefined;
      h.close();
    },
  };
}

export interface DaemonProcess {
  p: CliProcess;
  http: { host: string; port: number };
  tftp: { host: string; port: number };
  configPath: string;
}

/**
 * `edgeprov daemon --config FILE` on 127.0.0.1, ports 0; resolves once its `listening` line names
 * both ports. `env` adds variables (e.g. EDGEPROV_TEST_CLOCK_FILE, see daemon/test-clock.ts).
 */
export async function startDaemonProcess(
  dbPath: string,
  dir: string,
  extra: Record<string, unknown> = {},
  name = 'daemon.json',
  env: Record<string, string> = {},
): Promise<DaemonProcess> {
  const configPath = join(dir, name);
  writeFileSync(
    configPath,
    JSON.stringify({ db_path: dbPath, http_host: '127.0.0.1', http_port: 0, tftp_host: '127.0.0.1', tftp_port: 0, log_level: 'info', ...extra }),
  );
  const p = new CliProcess(['daemon', '--config', configPath], { env: cliEnv(env) });
  try {
    const line = await p.waitForLine((l) => l.includes('"listening"') && logLine(l).msg === 'listening', 'the daemon "listening" line');
    const rec = logLine(line);
    return { p, http: { host: '127.0.0.1', port: rec.httpPort as number }, tftp: { host: '127.0.0.1', port: rec.tftpPort as number }, configPath };
  } catch (err) {
    p.kill();
    throw err;
  }
}

/** The daemon in this process (for injected `leaseOwner`, and for tests that read its state). */
export async function startDaemonInProcess(dbPath: string, opts: { leaseOwner?: (ip: string) => string | undefined; config?: Record<string, unknown> } = {}): Promise<RunningDaemon> {
  const config = DaemonConfig.parse({ db_path: dbPath, http_host: '127.0.0.1', http_port: 0, tftp_host: '127.0.0.1', tftp_port: 0, ...opts.config });
  return startDaemon(config, { log: pino({ level: 'silent' }), ...(opts.leaseOwner ? { leaseOwner: opts.leaseOwner } : {}) });
}
