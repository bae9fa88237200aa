/**
 * `npm run bench -- storm [--phones N] [--vendor V] [--concurrency C] [--reps R]`: a boot storm.
 * N simulated phones (default 1000), each doing its vendor's whole boot (test/sim), over HTTP and
 * over TFTP, against an `edgeprov daemon` PROCESS with a warm cache (every device rendered once
 * already). Beside it, in the same run and with the same client: plain node:http serving the very
 * bytes the daemon served from memory, dnsmasq's TFTP (on 127.0.0.1:69, its only TFTP port) serving them from a directory, and nginx when
 * installed, and for TFTP the Node floor (anchor-tftp.ts: our TFTP module serving from memory, no
 * pipeline). Figures: phones fully provisioned per second and the p99 of one phone's boot, medians
 * over interleaved repetitions, and each server's CPU per phone (from /proc).
 *
 * Fairness: every server runs on CPU 1 (taskset), the load generator on CPU 0; repetitions are
 * interleaved (rep 1 of every server, then rep 2, …). The daemon logs at `info` as in production;
 * its stdout is drained without parsing. Phones skip their PUT uploads here (the anchors cannot
 * store them) and do not re-parse what they were served (the warm-up pass checked every file).
 * The site's provision limit is 0 so repeated boots are never refused: the policy's transaction
 * still runs and records every device file.
 *
 * Then, unless `--no-full-boot`, the full boot (test/bench/storm-boot.ts): the same number of phones,
 * each doing DHCP and then its files, inside network namespaces, against the daemon doing all three
 * and against Kea + nginx + dnsmasq. Its rows are added after the loopback table, which keeps its
 * meaning; both go to bench-results/storm.json (the full boot under `full_boot`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSocket } from 'node:dgram';
import type { VendorId } from '../../shared/vendors/index.js';
import { edgeFixture } from '../helpers/edge.js';
import { bootMany, phoneSpec, SIM_VENDORS, TFTP_VENDORS, type BootResult, type PhoneSpec, type Protocol } from '../sim/phones.js';
import { printTable, summarise, writeResult, type Figure, type Row } from './harness.js';
import { bootStorm } from './storm-boot.js';

const CLI = fileURLToPath(new URL('../../hub/cli.js', import.meta.url));
const ANCHOR_HTTP = fileURLToPath(new URL('./anchor-http.js', import.meta.url));
const ANCHOR_TFTP = fileURLToPath(new URL('./anchor-tftp.js', import.meta.url));
const HOST = '127.0.0.1';

export interface StormOptions {
  reps: number;
  phones: number;
  vendor?: string | undefined;
  concurrency: number;
  /** false: only the loopback HTTP/TFTP part (no namespaces, no DHCP). */
  fullBoot?: boolean;
}

const haveTaskset = spawnSync('taskset', ['--version']).status === 0;
const twoCpus = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length >= 2;
  } catch {
    return false;
  }
})();

/** Children started by this run, stopped (by PID) on exit whatever happens. */
const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of running) c.kill('SIGTERM');
    process.exit(130);
  });
}

/**
 * `cmd args` pinned to CPU 1 when the machine has two. Its stderr is always drained (a child
 * blocked on a full pipe stalls mid-run: dnsmasq logs every missing file); the tail is kept.
 */
export function spawnPinned(cmd: string, args: string[], stdio: 'pipe' | 'ignore' = 'pipe'): ChildProcess {
  const [c, a] = haveTaskset && twoCpus ? ['taskset', ['-c', '1', cmd, ...args]] : [cmd, args];
  const p = spawn(c, a as string[], { stdio: ['ignore', stdio, 'pipe'] });
  running.add(p);
  p.once('exit', () => running.delete(p));
  const tail: string[] = [];
  p.stdout?.on('data', () => undefined);
  p.stderr?.on('data', (d: Buffer) => {
    tail.push(d.toString());
    if (tail.length > 50) tail.shift();
  });
  (p as ChildProcess & { stderrTail?: () => string }).stderrTail = () => tail.join('');
  return p;
}

/** Resolves with the first stdout text matching `re`; rejects after `ms` or if the process exits. */
export function waitFor(p: ChildProcess, re: RegExp, what: string, ms = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    let found = false;
    const err = () => (p as ChildProcess & { stderrTail?: () => string }).stderrTail?.() ?? '';
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms; stderr: ${err()}`)), ms);
    p.once('exit', (code) => {
      if (!found) {
        clearTimeout(timer);
        reject(new Error(`${what}: exited with ${code}; stderr: ${err()}`));
      }
    });
    p.stdout?.on('data', (d: Buffer) => {
      // After the match the output is drained unparsed (a storm writes tens of thousands of log lines).
      if (found) return;
      text += d.toString();
      const m = re.exec(text);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

export async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process, in ms (Linux /proc). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, HOST, () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

function freeTcpPortSync(): Promise<number> {
  return import('node:net').then(
    ({ createServer }) =>
      new Promise<number>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, HOST, () => {
          const port = (s.address() as { port: number }).port;
          s.close(() => resolve(port));
        });
      }),
  );
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface RunFigures {
  phonesPerS: number;
  p99: number;
  failures: number;
  cpuMsPerPhone: number;
  firstError?: string | undefined;
}

async function run(specs: PhoneSpec[], protocol: Protocol, target: { port: number }, concurrency: number, pid: number | undefined): Promise<RunFigures> {
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  const results: BootResult[] = await bootMany(
    specs,
    {
      protocol,
      ...(protocol === 'http' ? { http: { host: HOST, port: target.port } } : { tftp: { host: HOST, port: target.port } }),
      verify: false,
      uploads: false,
      timeoutMs: 15_000,
    },
    concurrency,
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuMs(pid) - cpu0;
  const failed = results.filter((r) => !r.ok);
  return {
    phonesPerS: (results.length - failed.length) / elapsed,
    p99: percentile(results.map((r) => r.ms), 99),
    failures: failed.length,
    cpuMsPerPhone: cpu / results.length,
    firstError: failed[0] ? `${failed[0].spec.vendor} ${failed[0].spec.mac}: ${failed[0].error}` : undefined,
  };
}

/** Writes every file a warm-up served (path → bytes) under `dir`, as the anchors serve them. */
function writeTree(dir: string, results: BootResult[]): number {
  let n = 0;
  for (const r of results) {
    for (const f of r.files) {
      if (f.method !== 'GET' || f.status !== 200 || !f.body) continue;
      const rel = f.path.replace(/^\/+/, '');
      const file = join(dir, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.body);
      n++;
    }
  }
  return n;
}

/** The daemon's render counters from its /metrics (NaN where a gauge is missing). */
async function renderCacheFigures(port: number): Promise<{ renders: number; evictions: number; entries: number; bytes: number }> {
  const text = await (await fetch(`http://${HOST}:${port}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    renders: read('edgeprov_render_seconds_count'),
    evictions: read('edgeprov_render_cache_evictions'),
    entries: read('edgeprov_render_cache_entries'),
    bytes: read('edgeprov_render_cache_bytes'),
  };
}

export function specsFor(vendors: readonly VendorId[], n: number, salt: number): PhoneSpec[] {
  const counts = new Map<VendorId, number>();
  return Array.from({ length: n }, (_, i) => {
    const v = vendors[i % vendors.length]!;
    const k = counts.get(v) ?? 0;
    counts.set(v, k + 1);
    return phoneSpec(v, k, salt);
  });
}

export async function benchStorm(root: string, opts: StormOptions): Promise<void> {
  if (!Number.isInteger(opts.phones) || opts.phones < 1 || opts.phones > 20_000) throw new Error('--phones must be an integer from 1 to 20000');
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 1000) throw new Error('--concurrency must be an integer from 1 to 1000');
  if (opts.vendor !== undefined && !SIM_VENDORS.includes(opts.vendor as VendorId)) throw new Error(`--vendor must be one of ${SIM_VENDORS.join(', ')}`);
  const httpVendors = opts.vendor ? [opts.vendor as VendorId] : SIM_VENDORS;
  const tftpVendors = opts.vendor ? TFTP_VENDORS.filter((v) => v === opts.vendor) : TFTP_VENDORS;
  const httpSpecs = specsFor(httpVendors, opts.phones, 1);
  const tftpSpecs = tftpVendors.length > 0 ? specsFor(tftpVendors, opts.phones, 2) : [];
  if (haveTaskset && twoCpus) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });

  process.stdout.write(`storm: setting up ${httpSpecs.length + tftpSpecs.length} phones through the hub API…\n`);
  const fixture = await edgeFixture({ specs: [...httpSpecs, ...tftpSpecs], lines: 1, site: { provision_limit: 0 } });
  const work = mkdtempSync(join(tmpdir(), 'edgeprov-storm-'));
  chmodSync(work, 0o755);
  const children: ChildProcess[] = [];
  let loopback: Record<string, unknown> = {};
  try {
    const cfg = join(work, 'daemon.json');
    const tftpPort = await freeUdpPort();
    writeFileSync(cfg, JSON.stringify({ db_path: fixture.dbPath, http_host: HOST, http_port: 0, tftp_host: HOST, tftp_port: tftpPort, log_level: 'info' }));
    const daemon = spawnPinned(process.execPath, [CLI, 'daemon', '--config', cfg]);
    children.push(daemon);
    const listening = await waitFor(daemon, /"httpPort":(\d+).*"tftpPort":(\d+).*"msg":"listening"/, 'the daemon');
    const daemonHttp = { port: Number(listening[1]) };
    const daemonTftp = { port: Number(listening[2]) };

    // Warm-up: every phone boots once, parsing everything it gets; the served bytes become the anchors' files.
    const warmHttp = await bootMany(httpSpecs, { protocol: 'http', http: { host: HOST, ...daemonHttp }, uploads: false, timeoutMs: 30_000 }, opts.concurrency);
    const warmTftp = tftpSpecs.length
      ? await bootMany(tftpSpecs, { protocol: 'tftp', tftp: { host: HOST, ...daemonTftp } }, opts.concurrency)
      : [];
    const warmFailed = [...warmHttp, ...warmTftp].filter((r) => !r.ok);
    if (warmFailed.length > 0) throw new Error(`warm-up: ${warmFailed.length} phones failed, e.g. ${warmFailed[0]!.spec.vendor} ${warmFailed[0]!.spec.mac}: ${warmFailed[0]!.error}`);
    const httpDir = join(work, 'http');
    const tftpDir = join(work, 'tftp');
    const httpFiles = writeTree(httpDir, warmHttp);
    const tftpFiles = writeTree(tftpDir, warmTftp);
    spawnSync('chmod', ['-R', 'a+rX', work]);

    const node = spawnPinned(process.execPath, [ANCHOR_HTTP, httpDir]);
    children.push(node);
    const nodePort = Number((await waitFor(node, /listening (\d+)/, 'the node:http anchor'))[1]);
    let nodeTftp: ChildProcess | undefined;
    let nodeTftpPort: number | undefined;
    if (tftpSpecs.length) {
      nodeTftp = spawnPinned(process.execPath, [ANCHOR_TFTP, tftpDir]);
      children.push(nodeTftp);
      nodeTftpPort = Number((await waitFor(nodeTftp, /listening (\d+)/, 'the Node TFTP floor'))[1]);
    }

    let nginx: ChildProcess | undefined;
    let nginxPort: number | undefined;
    let nginxSkipped = 'nginx not installed (apt-get install nginx-light)';
    if (spawnSync('nginx', ['-v']).status === 0) {
      nginxPort = await freeTcpPortSync();
      const conf = join(work, 'nginx.conf');
      writeFileSync(
        conf,
        [
          'daemon off;', 'worker_processes 1;', `pid ${join(work, 'nginx.pid')};`, `error_log ${join(work, 'nginx-error.log')} warn;`,
          'events { worker_connections 4096; }',
          'http {', '  access_log off;', '  sendfile on;', '  default_type text/plain;',
          `  client_body_temp_path ${join(work, 'nginx-body')};`, `  proxy_temp_path ${join(work, 'nginx-proxy')};`,
          `  fastcgi_temp_path ${join(work, 'nginx-fcgi')};`, `  uwsgi_temp_path ${join(work, 'nginx-uwsgi')};`, `  scgi_temp_path ${join(work, 'nginx-scgi')};`,
          `  server { listen ${HOST}:${nginxPort}; root ${httpDir}; }`, '}',
        ].join('\n'),
      );
      nginx = spawnPinned('nginx', ['-c', conf, '-p', work], 'ignore');
      children.push(nginx);
      // nginx prints nothing when it is up: a request that answers is the signal (bounded).
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await fetch(`http://${HOST}:${nginxPort}/__probe__`).then(() => true, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 50));
      }
      if (!up) {
        await stop(nginx);
        nginx = undefined;
        nginxSkipped = 'nginx did not come up';
      }
    }

    let dnsmasq: ChildProcess | undefined;
    let dnsmasqPort: number | undefined;
    let dnsmasqSkipped = '';
    // dnsmasq's TFTP always listens on port 69 (it has no option for another): 127.0.0.1:69 only, and only if free.
    const port69Free = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(69, HOST, () => s.close(() => resolve(true)));
    });
    if (tftpSpecs.length && spawnSync('dnsmasq', ['--version']).status === 0 && port69Free) {
      dnsmasqPort = 69;
      dnsmasq = spawnPinned('dnsmasq', [
        '--no-daemon', '--conf-file=/dev/null', '--port=0', '--enable-tftp', `--tftp-root=${tftpDir}`,
        `--listen-address=${HOST}`, '--bind-interfaces', '--tftp-max=1000', '--quiet-tftp', '--log-facility=-', `--pid-file=${join(work, 'dnsmasq.pid')}`,
      ]);
      children.push(dnsmasq);
      // dnsmasq says nothing on stdout when ready: a TFTP request for a file it has is the signal (bounded).
      const { tftpGet } = await import('../sim/transport.js');
      let ok = false;
      const probe = warmTftp[0]!.files.find((f) => f.status === 200)!.path.replace(/^\/+/, '');
      for (let i = 0; i < 50 && !ok; i++) ok = (await tftpGet({ host: HOST, port: dnsmasqPort }, probe, { timeoutMs: 200, retries: 0 })).ok;
      if (!ok) throw new Error('dnsmasq TFTP did not answer');
    } else if (tftpSpecs.length) {
      dnsmasqSkipped = port69Free ? 'dnsmasq not installed (apt-get install dnsmasq-base)' : '127.0.0.1:69 is taken, and dnsmasq serves TFTP only there';
    }

    process.stdout.write(
      `storm: ${httpSpecs.length} HTTP phones (${httpVendors.join(', ')}), ${tftpSpecs.length} TFTP phones (${tftpVendors.join(', ')}), ` +
        `${opts.concurrency} in flight, ${opts.reps} interleaved reps; ${httpFiles} HTTP and ${tftpFiles} TFTP files served per pass\n`,
    );
    const samples: Record<string, RunFigures[]> = {};
    const add = (k: string, f: RunFigures) => (samples[k] ??= []).push(f);
    // A warm cache means the timed reps render nothing: a render cache too small for the storm would
    // re-render every file (least recently used out, in the order the phones come) and hide in the rates.
    const rendersBefore = await renderCacheFigures(daemonHttp.port);
    for (let rep = 0; rep < opts.reps; rep++) {
      add('daemon-http', await run(httpSpecs, 'http', daemonHttp, opts.concurrency, daemon.pid));
      add('node-http', await run(httpSpecs, 'http', { port: nodePort }, opts.concurrency, node.pid));
      if (nginx && nginxPort) add('nginx-http', await run(httpSpecs, 'http', { port: nginxPort }, opts.concurrency, nginx.pid));
      if (tftpSpecs.length) {
        add('daemon-tftp', await run(tftpSpecs, 'tftp', daemonTftp, opts.concurrency, daemon.pid));
        if (nodeTftp && nodeTftpPort) add('node-tftp', await run(tftpSpecs, 'tftp', { port: nodeTftpPort }, opts.concurrency, nodeTftp.pid));
        if (dnsmasq && dnsmasqPort) add('dnsmasq-tftp', await run(tftpSpecs, 'tftp', { port: dnsmasqPort }, opts.concurrency, dnsmasq.pid));
      }
      process.stdout.write(`  rep ${rep + 1}/${opts.reps} done\n`);
    }
    const rendersAfter = await renderCacheFigures(daemonHttp.port);
    process.stdout.write(
      `  daemon render cache over the timed reps: ${rendersAfter.renders - rendersBefore.renders} files rendered (0: every file from the cache), ` +
        `${rendersAfter.evictions - rendersBefore.evictions} evicted; it holds ${rendersAfter.entries} files, ${(rendersAfter.bytes / 1048576).toFixed(1)} MB\n`,
    );

    const fig = (k: string, f: (r: RunFigures) => number): Figure | undefined => (samples[k] ? summarise(samples[k]!.map(f)) : undefined);
    const rows: Row[] = [];
    const rate = (k: string) => fig(k, (r) => r.phonesPerS)!;
    const p99 = (k: string) => fig(k, (r) => r.p99)!;
    const cpu = (k: string) => fig(k, (r) => r.cpuMsPerPhone)!;
    rows.push({ what: 'HTTP: phones provisioned/s, edgeprov daemon', unit: 'phones/s', ours: rate('daemon-http'), anchor: { name: 'plain node:http from memory', figure: rate('node-http') }, higherIsBetter: true, goal: '≥ 0.9× node:http' });
    rows.push({
      what: 'HTTP: phones provisioned/s, edgeprov daemon', unit: 'phones/s', ours: rate('daemon-http'), higherIsBetter: true,
      ...(samples['nginx-http'] ? { anchor: { name: 'nginx (1 worker, sendfile)', figure: rate('nginx-http') } } : { skippedAnchor: { name: 'nginx', why: nginxSkipped } }),
    });
    rows.push({ what: 'HTTP: p99 of one phone\'s boot', unit: 'ms', ours: p99('daemon-http'), anchor: { name: 'plain node:http', figure: p99('node-http') }, higherIsBetter: false });
    rows.push({ what: 'HTTP: server CPU per phone', unit: 'ms', ours: cpu('daemon-http'), anchor: { name: 'plain node:http', figure: cpu('node-http') }, higherIsBetter: false });
    if (samples['daemon-tftp']) {
      const anchor = samples['dnsmasq-tftp'] ? { name: 'dnsmasq TFTP', figure: rate('dnsmasq-tftp') } : undefined;
      const skip = anchor ? {} : { skippedAnchor: { name: 'dnsmasq TFTP', why: dnsmasqSkipped } };
      rows.push({ what: 'TFTP: phones provisioned/s, edgeprov daemon', unit: 'phones/s', ours: rate('daemon-tftp'), ...(anchor ? { anchor } : skip), higherIsBetter: true, goal: '≥ 1.0× dnsmasq' });
      rows.push({ what: 'TFTP: p99 of one phone\'s boot', unit: 'ms', ours: p99('daemon-tftp'), ...(anchor ? { anchor: { name: 'dnsmasq TFTP', figure: p99('dnsmasq-tftp') } } : skip), higherIsBetter: false });
      rows.push({ what: 'TFTP: server CPU per phone', unit: 'ms', ours: cpu('daemon-tftp'), ...(anchor ? { anchor: { name: 'dnsmasq TFTP', figure: cpu('dnsmasq-tftp') } } : skip), higherIsBetter: false });
      if (samples['node-tftp']) {
        // Node's floor beside dnsmasq: how much of the gap is Node's dgram before any pipeline.
        const floor = { name: 'Node TFTP floor (our TFTP module, files from memory, no pipeline, no log)', figure: rate('node-tftp') };
        rows.push({ what: 'TFTP: phones provisioned/s, edgeprov daemon', unit: 'phones/s', ours: rate('daemon-tftp'), anchor: floor, higherIsBetter: true });
        if (anchor) rows.push({ what: 'TFTP: phones provisioned/s, the Node TFTP floor', unit: 'phones/s', ours: rate('node-tftp'), anchor, higherIsBetter: true });
        rows.push({ what: 'TFTP: server CPU per phone, the Node TFTP floor', unit: 'ms', ours: cpu('node-tftp'), ...(anchor ? { anchor: { name: 'dnsmasq TFTP', figure: cpu('dnsmasq-tftp') } } : skip), higherIsBetter: false });
      }
    }
    const failures = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.reduce((n, r) => n + r.failures, 0)]));
    printTable(`storm: ${opts.phones} phones per protocol, ${opts.concurrency} in flight, servers on CPU 1, load on CPU 0 (${haveTaskset && twoCpus ? 'pinned' : 'NOT pinned'})`, rows);
    process.stdout.write(`  failures (all reps): ${Object.entries(failures).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    for (const [k, v] of Object.entries(samples)) {
      const e = v.find((r) => r.firstError);
      if (e) process.stdout.write(`  first failure, ${k}: ${e.firstError}\n`);
    }
    loopback = {
      phones: opts.phones, concurrency: opts.concurrency, reps: opts.reps, httpVendors, tftpVendors, pinned: haveTaskset && twoCpus,
      samples, failures,
      render_cache: { renders_during_reps: rendersAfter.renders - rendersBefore.renders, evictions_during_reps: rendersAfter.evictions - rendersBefore.evictions, entries: rendersAfter.entries, bytes: rendersAfter.bytes },
      ratios: {
        http_vs_node: rate('daemon-http').median / rate('node-http').median,
        ...(samples['nginx-http'] ? { http_vs_nginx: rate('daemon-http').median / rate('nginx-http').median } : {}),
        ...(samples['dnsmasq-tftp'] ? { tftp_vs_dnsmasq: rate('daemon-tftp').median / rate('dnsmasq-tftp').median } : {}),
        ...(samples['node-tftp'] ? { tftp_vs_node_floor: rate('daemon-tftp').median / rate('node-tftp').median } : {}),
        ...(samples['node-tftp'] && samples['dnsmasq-tftp'] ? { node_floor_vs_dnsmasq: rate('node-tftp').median / rate('dnsmasq-tftp').median } : {}),
      },
    };
  } finally {
    for (const c of children.reverse()) await stop(c);
    rmSync(work, { recursive: true, force: true });
    fixture.close();
  }

  let fullBoot: Record<string, unknown> = { skipped: 'not asked for (--no-full-boot)' };
  if (opts.fullBoot !== false) {
    const b = await bootStorm({ reps: opts.reps, phones: opts.phones });
    if (b.runs.length === 0) {
      process.stdout.write(`\nstorm, full boot (DHCP, then files): SKIPPED — ${b.skipped}\n`);
    } else {
      printTable(`storm, full boot in network namespaces: ${opts.phones} phones (half HTTP, half TFTP), each DHCP then its files; edgeprov daemon vs Kea + nginx + dnsmasq, servers on CPU 1`, b.rows);
      if (b.skipped) process.stdout.write(`  SKIPPED ${b.skipped}\n`);
    }
    fullBoot = { ...(b.skipped ? { skipped: b.skipped } : {}), rows: b.rows, runs: b.runs };
  }
  const file = writeResult(root, 'storm', { ...loopback, full_boot: fullBoot });
  process.stdout.write(`  written: ${file}\n`);
}
