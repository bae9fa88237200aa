/**
 * The 2,000-phone DHCP storm shared by test/integration/dhcp-storm.test.ts and `npm run bench --
 * dhcp`: a namespace pair (10.99.x.y only inside it), our DHCP server (test/fixtures/dhcp-server.ts on
 * a temp cache) or Kea (`kea-dhcp4` with a temp config and lease file) in the server namespace, and
 * the storm client (test/fixtures/dhcp-storm-client.ts) in the client namespace. Both servers get the
 * same pool; every process is started here and stopped by PID; receive-buffer drops are read from
 * the server namespace's /proc/net/snmp (Udp RcvbufErrors) before and after.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { intToIp } from '../../daemon/dhcp/index.js';
import { SiteCreate } from '../../hub/api/schemas.js';
import type { SiteRecord, SyncBatch } from '../../shared/sync/types.js';
import { LineProcess, hasCommand, inNs, mustRun, type JsonLine, type NsPair } from './netns.js';

const SERVER_FIXTURE = fileURLToPath(new URL('../fixtures/dhcp-server.js', import.meta.url));
const STORM_FIXTURE = fileURLToPath(new URL('../fixtures/dhcp-storm-client.js', import.meta.url));

export const STORM_SERVER_IP = '10.99.0.1';
export const STORM_CLIENT_IP = '10.99.0.2';
export const STORM_CIDR_BITS = 17;
/** ~15,000 addresses: a storm (2,000) plus closed-loop exchanges per server instance. */
export const POOL_START = '10.99.1.1';
export const POOL_END = '10.99.60.250';

const twoCpus = cpus().length >= 2;
let haveTaskset: boolean | undefined;

/** `cmd args` inside `ns`, pinned to `cpu` when taskset exists and the machine has two CPUs. */
async function pinnedInNs(ns: string, cpu: number, cmd: string, args: string[]): Promise<[string, string[]]> {
  haveTaskset ??= await hasCommand('taskset', ['--version']);
  return haveTaskset && twoCpus ? inNs(ns, 'taskset', ['-c', String(cpu), cmd, ...args]) : inNs(ns, cmd, args);
}

export function hasKea(): Promise<boolean> {
  return hasCommand('kea-dhcp4', ['-v']);
}

function stormSite(): SiteRecord {
  const s = SiteCreate.parse({
    name: 'storm', fqdn: 'pbx.example.com', edge_lan_ip: STORM_SERVER_IP, timezone: 'Europe/Berlin', ntp_server: STORM_SERVER_IP,
    dhcp: {
      mode: 'full', pool_start: POOL_START, pool_end: POOL_END, subnet_mask: '255.255.128.0',
      router: STORM_SERVER_IP, dns: [STORM_SERVER_IP], lease_time_s: 3600,
    },
  });
  return { id: 1, ...s } as SiteRecord;
}

function stormSnapshot(): SyncBatch {
  return {
    epoch: 'storm', snapshot: true, cursor: 1,
    changes: [{ seq: 1, txid: 1, site_id: 1, entity: 'site', key: '1', deleted: false, data: stormSite() }],
  };
}

/** Udp RcvbufErrors of the namespace `ns`. */
export async function rcvbufErrors(ns: string): Promise<number> {
  const text = await mustRun('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp']);
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.trim().split(/\s+/) ?? [];
  const values = lines[1]?.trim().split(/\s+/) ?? [];
  const i = names.indexOf('RcvbufErrors');
  const v = Number(values[i]);
  if (i < 0 || !Number.isFinite(v)) throw new Error(`no Udp RcvbufErrors in /proc/net/snmp of ${ns}`);
  return v;
}

/** A DHCP server under test: its process, and its lease table as [mac, ip] of live bound leases. */
export interface StormServer {
  name: string;
  proc: LineProcess;
  stats(): Promise<Record<string, unknown>>;
  /** Stops the process (by PID) and reads the lease table it left. */
  stopAndReadLeases(): Promise<Array<[string, string]>>;
}

const normMac = (m: string): string => m.toLowerCase().replace(/[^0-9a-f]/g, '');

/** Our server (test/fixtures/dhcp-server.ts) on a fresh cache in `dir`. */
export async function startOurs(pair: NsPair, dir: string, tag: string, procs: Set<LineProcess>): Promise<StormServer> {
  const dbPath = join(dir, `ours-${tag}.db`);
  const config = join(dir, `ours-${tag}.json`);
  writeFileSync(config, JSON.stringify({ dbPath, address: STORM_SERVER_IP, snapshot: stormSnapshot(), options: { reconcileIntervalMs: 0 }, logLevel: 'info' }));
  const [cmd, args] = await pinnedInNs(pair.server, 1, process.execPath, [SERVER_FIXTURE, config]);
  const proc = new LineProcess(cmd, args);
  procs.add(proc);
  await proc.waitFor((e) => e.event === 'listening', 'our DHCP server to listen', 20_000);
  return {
    name: 'edgeprov',
    proc,
    stats: async () => (await proc.request({ op: 'stats' })).stats as Record<string, unknown>,
    async stopAndReadLeases() {
      await proc.stop('SIGTERM', 5000);
      const db = new Database(dbPath, { readonly: true });
      try {
        const now = Date.now();
        const rows = db.prepare(`SELECT ip, mac FROM dhcp_leases WHERE state = 'bound' AND expires_at > ?`).all(now) as Array<{ ip: number; mac: string }>;
        return rows.map((r) => [normMac(r.mac), intToIp(r.ip)] as [string, string]);
      } finally {
        db.close();
      }
    },
  };
}

/** Kea (`kea-dhcp4`) with the same pool, a memfile lease file in `dir`, logging warnings only. */
export async function startKea(pair: NsPair, dir: string, tag: string, procs: Set<LineProcess>): Promise<StormServer> {
  const leaseFile = join(dir, `kea-${tag}.csv`);
  const config = join(dir, `kea-${tag}.json`);
  writeFileSync(config, JSON.stringify({
    Dhcp4: {
      // Raw sockets, Kea's default for directly connected clients (with 'udp' it answered none of
      // them here). Its packet-socket drops do not show in Udp RcvbufErrors; its fallback UDP
      // socket on port 67 (which receives a copy of every datagram) does.
      'interfaces-config': { interfaces: [pair.serverIf], 'dhcp-socket-type': 'raw' },
      'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
      'valid-lifetime': 3600,
      'subnet4': [{
        id: 1, subnet: `10.99.0.0/${STORM_CIDR_BITS}`, pools: [{ pool: `${POOL_START} - ${POOL_END}` }],
        'option-data': [{ name: 'routers', data: STORM_SERVER_IP }, { name: 'domain-name-servers', data: STORM_SERVER_IP }],
      }],
      loggers: [
        { name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' },
        { name: 'kea-dhcp4.dhcp4', output_options: [{ output: 'stdout' }], severity: 'INFO' },
      ],
    },
  }));
  const [cmd, args] = await pinnedInNs(pair.server, 1, 'env', [`KEA_PIDFILE_DIR=${dir}`, `KEA_LOCKFILE_DIR=none`, 'kea-dhcp4', '-c', config]);
  const proc = new LineProcess(cmd, args);
  procs.add(proc);
  await proc.waitFor((e) => typeof e.line === 'string' && e.line.includes('DHCP4_STARTED'), 'kea-dhcp4 to start', 20_000);
  return {
    name: 'Kea',
    proc,
    stats: async () => ({}),
    async stopAndReadLeases() {
      await proc.stop('SIGTERM', 5000);
      if (!existsSync(leaseFile)) return [];
      // memfile is a log: the last row for an address wins; valid_lifetime 0 or state != 0 means not held.
      const last = new Map<string, [string, boolean]>();
      const lines = readFileSync(leaseFile, 'utf8').split('\n');
      const head = lines[0]?.split(',') ?? [];
      const [ia, ih, iv, is] = ['address', 'hwaddr', 'valid_lifetime', 'state'].map((c) => head.indexOf(c));
      for (const line of lines.slice(1)) {
        const f = line.split(',');
        if (f.length < head.length) continue;
        last.set(f[ia!]!, [normMac(f[ih!]!), Number(f[iv!]) > 0 && Number(f[is!]) === 0]);
      }
      return [...last].filter(([, [, live]]) => live).map(([ip, [mac]]) => [mac, ip] as [string, string]);
    },
  };
}

export interface StormClientConfig {
  mode: 'storm' | 'closed';
  phones?: number;
  spreadMs?: number;
  concurrency?: number;
  exchanges?: number;
  timeoutMs: number;
  seed?: number;
  macBase?: number;
}

export interface StormResult extends JsonLine {
  bound: number;
  phones: number;
  allBoundMs: number | null;
  exchangesPerS: number | null;
  duplicates: number;
  retransmits: number;
  naks: number;
  timedOut: boolean;
  leases: Array<[string, string]>;
}

/** Runs the storm client in the client namespace to its result (bounded by `timeoutMs` + 15 s). */
export async function runStormClient(pair: NsPair, dir: string, tag: string, cfg: StormClientConfig, procs: Set<LineProcess>): Promise<StormResult> {
  const config = join(dir, `client-${tag}.json`);
  writeFileSync(config, JSON.stringify(cfg));
  const [cmd, args] = await pinnedInNs(pair.client, 0, process.execPath, [STORM_FIXTURE, config]);
  const proc = new LineProcess(cmd, args);
  procs.add(proc);
  try {
    const r = (await proc.waitFor((e) => e.event === 'result', `the ${cfg.mode} client's result`, cfg.timeoutMs + 15_000)) as StormResult;
    return r;
  } finally {
    await proc.stop('SIGKILL', 2000);
    procs.delete(proc);
  }
}

/**
 * Duplicate addresses: an address the clients were ACKed for two MACs, a MAC holding two addresses
 * in the server's table, an address the table gives another MAC than the client was ACKed for, and
 * bound clients missing from the table.
 */
export function leaseProblems(client: Array<[string, string]>, table: Array<[string, string]>): { duplicates: number; missing: number } {
  let duplicates = 0;
  const ipToMac = new Map<string, string>();
  for (const [mac, ip] of client) {
    if (ipToMac.has(ip) && ipToMac.get(ip) !== mac) duplicates++;
    ipToMac.set(ip, mac);
  }
  const tableByIp = new Map<string, string>();
  const macIps = new Map<string, number>();
  for (const [mac, ip] of table) {
    tableByIp.set(ip, mac);
    macIps.set(mac, (macIps.get(mac) ?? 0) + 1);
  }
  for (const n of macIps.values()) if (n > 1) duplicates++;
  let missing = 0;
  for (const [mac, ip] of client) {
    const owner = tableByIp.get(ip);
    if (owner === undefined) missing++;
    else if (owner !== mac) duplicates++;
  }
  return { duplicates, missing };
}

export interface StormRun {
  server: string;
  storm: StormResult;
  closed?: StormResult;
  rcvbufDrops: number;
  clientRcvbufDrops: number;
  duplicates: number;
  missingFromTable: number;
  serverStats: Record<string, unknown>;
}

/**
 * One repetition against one server: a fresh server, the storm, then (when `closedExchanges` > 0)
 * the closed-loop run with other MACs, then the server is stopped and its lease table checked.
 */
export async function stormOnce(
  pair: NsPair, dir: string, which: 'ours' | 'kea', tag: string, procs: Set<LineProcess>,
  o: { phones: number; spreadMs: number; timeoutMs: number; seed: number; closedExchanges: number; concurrency: number },
): Promise<StormRun> {
  const server = which === 'ours' ? await startOurs(pair, dir, tag, procs) : await startKea(pair, dir, tag, procs);
  try {
    const before = await rcvbufErrors(pair.server);
    const clientBefore = await rcvbufErrors(pair.client);
    const storm = await runStormClient(pair, dir, `${tag}-storm`, { mode: 'storm', phones: o.phones, spreadMs: o.spreadMs, timeoutMs: o.timeoutMs, seed: o.seed, macBase: 0 }, procs);
    let closed: StormResult | undefined;
    if (o.closedExchanges > 0) {
      closed = await runStormClient(pair, dir, `${tag}-closed`,
        { mode: 'closed', exchanges: o.closedExchanges, concurrency: o.concurrency, timeoutMs: o.timeoutMs, seed: o.seed + 1, macBase: 1_000_000 }, procs);
    }
    const after = await rcvbufErrors(pair.server);
    const clientAfter = await rcvbufErrors(pair.client);
    const serverStats = await server.stats().catch(() => ({}));
    const table = await server.stopAndReadLeases();
    const all = [...storm.leases, ...(closed?.leases ?? [])];
    const { duplicates, missing } = leaseProblems(all, table);
    return {
      server: server.name, storm, ...(closed ? { closed } : {}),
      rcvbufDrops: after - before, clientRcvbufDrops: clientAfter - clientBefore,
      duplicates: duplicates + storm.duplicates + (closed?.duplicates ?? 0), missingFromTable: missing, serverStats,
    };
  } finally {
    await server.proc.stop('SIGKILL', 2000);
    procs.delete(server.proc);
  }
}

/** The namespace pair for a storm: server 10.99.0.1/17, client 10.99.0.2/17. */
export function stormCidrs(): [string, string] {
  return [`${STORM_SERVER_IP}/${STORM_CIDR_BITS}`, `${STORM_CLIENT_IP}/${STORM_CIDR_BITS}`];
}
