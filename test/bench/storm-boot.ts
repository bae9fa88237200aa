/**
 * The storm benchmark's full-boot part: every phone does DHCP first, then its files, inside a
 * namespace pair created here (server 10.99.0.1/17, client 10.99.0.2/17; DHCP never leaves it) and
 * removed at the end even on failure. Needs root and `ip netns`; otherwise it is SKIPPED, loudly.
 *
 * Stacks, each started fresh per repetition in the server namespace and pinned to CPU 1 (the client
 * on CPU 0), repetitions interleaved:
 * - ours: one `edgeprov daemon` process doing DHCP (site mode `full`), HTTP on :80 and TFTP on :69;
 * - the anchor stack: Kea (kea-dhcp4, same pool) + nginx (1 worker, sendfile) + dnsmasq's TFTP,
 *   the latter two serving the very bytes our daemon served (written by the first warm-up pass).
 * Per stack and repetition: an untimed warm-up storm (every phone boots once: the daemon's render
 * cache fills; each server then holds a lease per phone, as after a power cut), then the timed
 * storm of the same phones. Half the phones boot over HTTP (all ten vendors), half over TFTP (the
 * TFTP vendors). Lease files persist across repetitions for both stacks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { edgeFixture } from '../helpers/edge.js';
import { createPair, hasCommand, inNs, LineProcess, netnsAvailable, run, type NsPair } from '../helpers/netns.js';
import { hasKea, POOL_END, POOL_START, rcvbufErrors, startKea, STORM_CLIENT_IP, STORM_SERVER_IP, stormCidrs } from '../helpers/dhcp-storm.js';
import { SIM_VENDORS, TFTP_VENDORS, type PhoneSpec, type Protocol } from '../sim/phones.js';
import { bootFigures, type BootFigures, type PhoneOutcome } from './boot-figures.js';
import { summarise, type Figure, type Row } from './harness.js';
import { specsFor } from './storm.js';

const CLI = fileURLToPath(new URL('../../hub/cli.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('../fixtures/boot-storm-client.js', import.meta.url));
const SPREAD_MS = 1000;
const TIMEOUT_MS = 60_000;

export interface BootRun extends BootFigures {
  stack: 'ours' | 'anchors';
  serverRcvbufDrops: number;
  clientRcvbufDrops: number;
  retransmits: number;
  naks: number;
  /** CPU % of the one client process over the storm (≈ 100: the client set the pace). */
  clientCpuPct: number;
  firstError?: string | undefined;
}

export interface BootOutcome {
  rows: Row[];
  runs: BootRun[];
  skipped?: string;
}

let haveTaskset: boolean | undefined;
async function pinned(ns: string, cpu: number, cmd: string, args: string[]): Promise<[string, string[]]> {
  haveTaskset ??= await hasCommand('taskset', ['--version']);
  return haveTaskset ? inNs(ns, 'taskset', ['-c', String(cpu), cmd, ...args]) : inNs(ns, cmd, args);
}

/** Bounded poll until `ns` has a listener on `port` (nginx and dnsmasq print nothing when ready). */
async function listening(ns: string, proto: 'tcp' | 'udp', port: number, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await run('ip', ['netns', 'exec', ns, 'ss', proto === 'tcp' ? '-ltnH' : '-lunH', `sport = :${port}`]);
    if (r.stdout.trim() !== '') return;
    await sleep(25);
  }
  throw new Error(`${what} is not listening on ${proto}/${port} after 5 s`);
}

export interface ClientPhoneResult extends PhoneOutcome {
  mac: string;
  protocol: Protocol;
  ip?: string;
  error?: string;
}

/** One storm of the boot-storm client in the client namespace, to its result (bounded). */
export async function runBootClient(pair: NsPair, dir: string, tag: string, phones: Array<{ spec: PhoneSpec; protocol: Protocol }>, procs: Set<LineProcess>, saveDir?: string): Promise<{ results: ClientPhoneResult[]; retransmits: number; naks: number; clientCpuPct: number; firstError?: string }> {
  const config = join(dir, `client-${tag}.json`);
  writeFileSync(config, JSON.stringify({ server: STORM_SERVER_IP, localAddress: STORM_CLIENT_IP, httpPort: 80, tftpPort: 69, phones, spreadMs: SPREAD_MS, timeoutMs: TIMEOUT_MS, seed: 7, ...(saveDir ? { saveDir } : {}) }));
  const [cmd, args] = await pinned(pair.client, 0, process.execPath, [CLIENT, config]);
  const proc = new LineProcess(cmd, args);
  procs.add(proc);
  try {
    const r = await proc.waitFor((e) => e.event === 'result', 'the boot-storm client result', TIMEOUT_MS + 20_000);
    const results = r.results as ClientPhoneResult[];
    const failed = results.find((x) => !x.ok);
    return { results, retransmits: r.retransmits as number, naks: r.naks as number, clientCpuPct: r.clientCpuPct as number, ...(failed ? { firstError: `${failed.mac}: ${failed.error}` } : {}) };
  } finally {
    await proc.stop('SIGKILL', 2000);
    procs.delete(proc);
  }
}

async function timed(pair: NsPair, dir: string, stack: BootRun['stack'], tag: string, phones: Array<{ spec: PhoneSpec; protocol: Protocol }>, procs: Set<LineProcess>, saveDir?: string): Promise<BootRun> {
  const warm = await runBootClient(pair, dir, `${tag}-warm`, phones, procs, saveDir);
  if (saveDir && warm.results.some((r) => !r.ok)) throw new Error(`warm-up against our daemon: ${warm.results.filter((r) => !r.ok).length} phones failed, e.g. ${warm.firstError}`);
  const s0 = await rcvbufErrors(pair.server);
  const c0 = await rcvbufErrors(pair.client);
  const r = await runBootClient(pair, dir, tag, phones, procs);
  return {
    stack, ...bootFigures(r.results), retransmits: r.retransmits, naks: r.naks, clientCpuPct: r.clientCpuPct, firstError: r.firstError,
    serverRcvbufDrops: (await rcvbufErrors(pair.server)) - s0, clientRcvbufDrops: (await rcvbufErrors(pair.client)) - c0,
  };
}

/** The site of a full-boot storm: DHCP `full` on the storm pool, the edge at the server namespace's address. */
export const BOOT_SITE = {
  provision_limit: 0, edge_lan_ip: STORM_SERVER_IP,
  dhcp: { mode: 'full', pool_start: POOL_START, pool_end: POOL_END, subnet_mask: '255.255.128.0', router: STORM_SERVER_IP, dns: [STORM_SERVER_IP], lease_time_s: 3600 },
};

/** `edgeprov daemon` in the server namespace (CPU 1) on `dbPath`: DHCP, HTTP :80, TFTP :69; resolves once all three listen. */
export async function startDaemonInNs(pair: NsPair, dir: string, dbPath: string, procs: Set<LineProcess>): Promise<LineProcess> {
  const config = join(dir, 'daemon.json');
  writeFileSync(config, JSON.stringify({
    db_path: dbPath, http_host: STORM_SERVER_IP, http_port: 80, tftp_host: STORM_SERVER_IP, tftp_port: 69, dhcp_address: STORM_SERVER_IP, log_level: 'info',
  }));
  const [cmd, args] = await pinned(pair.server, 1, process.execPath, [CLI, 'daemon', '--config', config]);
  const daemon = new LineProcess(cmd, args);
  procs.add(daemon);
  await daemon.waitFor((e) => e.msg === 'dhcp listening', 'the daemon\'s DHCP to listen', 30_000);
  await daemon.waitFor((e) => e.msg === 'listening', 'the daemon to listen', 30_000);
  return daemon;
}

export async function bootStorm(opts: { reps: number; phones: number }): Promise<BootOutcome> {
  if (!(await netnsAvailable())) return { rows: [], runs: [], skipped: 'needs root and ip netns (DHCP runs only inside namespaces the bench creates)' };
  const missing = [
    !(await hasKea()) && 'kea-dhcp4 (apt-get install kea-dhcp4-server)',
    !(await hasCommand('nginx', ['-v'])) && 'nginx (apt-get install nginx-light)',
    !(await hasCommand('dnsmasq', ['--version'])) && 'dnsmasq (apt-get install dnsmasq-base)',
  ].filter(Boolean) as string[];
  const httpSpecs = specsFor(SIM_VENDORS, Math.ceil(opts.phones / 2), 4);
  const tftpSpecs = specsFor(TFTP_VENDORS, Math.floor(opts.phones / 2), 5);
  const phones = [...httpSpecs.map((spec) => ({ spec, protocol: 'http' as const })), ...tftpSpecs.map((spec) => ({ spec, protocol: 'tftp' as const }))];
  process.stdout.write(`storm (full boot): setting up ${phones.length} phones through the hub API…\n`);
  const fixture = await edgeFixture({ specs: [...httpSpecs, ...tftpSpecs], lines: 1, site: BOOT_SITE });
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-bench-boot-'));
  chmodSync(dir, 0o755);
  const tree = join(dir, 'files');
  mkdirSync(tree);
  const procs = new Set<LineProcess>();
  let pair: NsPair | undefined;
  // Runs before storm.ts's own handler (which exits at once): so synchronous, namespaces included.
  const kill = (): void => {
    for (const p of procs) p.child.kill('SIGKILL');
    pair?.destroySync();
  };
  process.prependOnceListener('SIGINT', kill);
  process.prependOnceListener('SIGTERM', kill);
  const runs: BootRun[] = [];
  try {
    const [s, c] = stormCidrs();
    pair = await createPair('bboot', s, c);
    const nginxConf = join(dir, 'nginx.conf');
    writeFileSync(nginxConf, [
      'daemon off;', 'worker_processes 1;', `pid ${join(dir, 'nginx.pid')};`, `error_log ${join(dir, 'nginx-error.log')} warn;`,
      'events { worker_connections 4096; }',
      'http {', '  access_log off;', '  sendfile on;', '  default_type text/plain;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `nginx-${t}`)};`),
      `  server { listen ${STORM_SERVER_IP}:80; root ${tree}; }`, '}',
    ].join('\n'));
    for (let rep = 0; rep < opts.reps; rep++) {
      // Ours: one daemon process doing all three protocols.
      {
        const daemon = await startDaemonInNs(pair, dir, fixture.dbPath, procs);
        try {
          const r = await timed(pair, dir, 'ours', `ours-${rep}`, phones, procs, rep === 0 ? tree : undefined);
          runs.push(r);
          report(rep, r);
        } finally {
          await daemon.stop('SIGTERM', 5000);
          procs.delete(daemon);
        }
      }
      if (missing.length > 0) continue;
      // The anchor stack: Kea + nginx + dnsmasq's TFTP, on the same address and ports.
      const started: LineProcess[] = [];
      try {
        const kea = await startKea(pair, dir, 'boot', procs);
        started.push(kea.proc);
        const [ncmd, nargs] = await pinned(pair.server, 1, 'nginx', ['-c', nginxConf, '-p', dir]);
        const nginx = new LineProcess(ncmd, nargs);
        procs.add(nginx);
        started.push(nginx);
        const [dcmd, dargs] = await pinned(pair.server, 1, 'dnsmasq', [
          '--no-daemon', '--conf-file=/dev/null', '--port=0', '--enable-tftp', `--tftp-root=${tree}`, `--listen-address=${STORM_SERVER_IP}`,
          '--bind-interfaces', '--tftp-max=1000', '--quiet-tftp', '--log-facility=-', `--pid-file=${join(dir, 'dnsmasq.pid')}`,
        ]);
        const dnsmasq = new LineProcess(dcmd, dargs);
        procs.add(dnsmasq);
        started.push(dnsmasq);
        await listening(pair.server, 'tcp', 80, 'nginx');
        await listening(pair.server, 'udp', 69, 'dnsmasq TFTP');
        const r = await timed(pair, dir, 'anchors', `anchors-${rep}`, phones, procs);
        runs.push(r);
        report(rep, r);
      } finally {
        for (const p of started.reverse()) {
          await p.stop('SIGTERM', 5000);
          procs.delete(p);
        }
      }
    }
  } finally {
    process.removeListener('SIGINT', kill);
    process.removeListener('SIGTERM', kill);
    for (const p of procs) await p.stop('SIGKILL', 2000);
    await pair?.destroy();
    rmSync(dir, { recursive: true, force: true });
    fixture.close();
  }
  return { rows: rowsFor(runs, phones.length, missing), runs, ...(missing.length ? { skipped: `anchor stack: ${missing.join(', ')} missing` } : {}) };
}

function report(rep: number, r: BootRun): void {
  process.stdout.write(
    `  full boot rep ${rep + 1} ${r.stack}: ${r.ok}/${r.phones} provisioned, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms, ` +
      `all done ${Number.isFinite(r.allDoneMs) ? `${r.allDoneMs.toFixed(0)} ms` : '—'}, DHCP p99 ${r.dhcpP99Ms.toFixed(0)} ms, retransmits ${r.retransmits}, ` +
      `rcvbuf drops ${r.serverRcvbufDrops}/${r.clientRcvbufDrops} (server/client), client CPU ${r.clientCpuPct.toFixed(0)} %${r.firstError ? `; first failure ${r.firstError}` : ''}\n`,
  );
}

function rowsFor(runs: BootRun[], phones: number, missing: string[]): Row[] {
  const pick = (stack: BootRun['stack'], f: (r: BootRun) => number): Figure | undefined => {
    const rs = runs.filter((r) => r.stack === stack);
    return rs.length ? summarise(rs.map(f)) : undefined;
  };
  const anchorName = 'Kea + nginx + dnsmasq TFTP';
  const row = (what: string, unit: string, f: (r: BootRun) => number, higherIsBetter: boolean, goal?: string): Row => {
    const a = pick('anchors', f);
    return {
      what, unit, ours: pick('ours', f)!, higherIsBetter,
      ...(a ? { anchor: { name: anchorName, figure: a } } : { skippedAnchor: { name: anchorName, why: `${missing.join(', ')} missing` } }), ...(goal ? { goal } : {}),
    };
  };
  const count = (what: string, f: (r: BootRun) => number, goal?: string): Row => {
    // Counts are often 0 on both sides, where a ratio means nothing: the anchor's figure goes in the label.
    const a = pick('anchors', f);
    const label = a ? `${what} [${anchorName}: ${a.median} (${a.min}–${a.max})]` : `${what} [${anchorName}: SKIPPED]`;
    return { what: label, unit: '', ours: pick('ours', f)!, higherIsBetter: false, ...(goal ? { goal } : {}) };
  };
  return [
    row(`full boot (DHCP, then files): phones provisioned/s, ${phones} phones powered up within ${SPREAD_MS} ms`, 'phones/s', (r) => r.phonesPerS, true),
    row('full boot: p50 power-up → last byte', 'ms', (r) => r.p50Ms, false),
    row('full boot: p99 power-up → last byte', 'ms', (r) => r.p99Ms, false),
    row('full boot: first power-up → last phone done', 'ms', (r) => r.allDoneMs, false),
    row('full boot: DHCP p99 power-up → ACK', 'ms', (r) => r.dhcpP99Ms, false, "≤ Kea's"),
    count('full boot: failures', (r) => r.failures, '0'),
    count('full boot: server receive-buffer drops (Udp RcvbufErrors)', (r) => r.serverRcvbufDrops, '0'),
    count('full boot: DHCP retransmissions', (r) => r.retransmits),
    count('full boot: load generator CPU % (≈ 100: the client, not the server, set the pace)', (r) => Math.round(r.clientCpuPct)),
  ];
}
