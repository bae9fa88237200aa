/**
 * `npm run bench -- memory [--reps R] [--phones N] [--edges E]`: resident memory (Linux
 * /proc/<pid>/status VmRSS, and VmHWM for peaks) of the processes an operator runs.
 *
 * Daemon, per repetition a fresh `edgeprov daemon` PROCESS (pinned to CPU 1 like the storm) on one
 * edge cache holding 5,000 devices (set up through the hub API, lines assigned, as the storm does):
 *   1. idle, just started: VmRSS 2 s after its `listening` line;
 *   2. storm peak: N phones (default 1,000) over HTTP and, at the same time, N over TFTP (the TFTP
 *      vendors), 64 in flight each, against the freshly started daemon (so every file is rendered
 *      during the storm: the worst case) — VmHWM after the storm;
 *   3. idle with all 5,000 devices served once (its render cache full): VmRSS 2 s after the last
 *      phone. This is the "5,000 devices cached and idle" figure the goal is about.
 * Anchor for the idle figures: an empty Node process (`node -e` with a timer) started the same way,
 * which is the floor any Node daemon starts from.
 *
 * Hub: per repetition a hub PROCESS (test/fixtures/sync-hub.ts: the real app and sync server) on a
 * database seeded with E sites (default 200); E in-process sync clients (each its own SQLite cache
 * file) connect and apply their snapshots; VmRSS of the hub 2 s after the last snapshot was applied,
 * beside the same hub process's VmRSS before any edge connected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { createSyncClient, type AppliedEvent, type SyncClient } from '../../daemon/sync/client.js';
import { openDb } from '../../hub/db/open.js';
import { systemClock } from '../../shared/clock.js';
import { edgeFixture } from '../helpers/edge.js';
import { hubSeq, seedHubDb, silentLog, startHubProcess, tempDir } from '../helpers/sync.js';
import { bootMany, SIM_VENDORS, TFTP_VENDORS } from '../sim/phones.js';
import { printTable, summarise, writeResult, type Row } from './harness.js';
import { MB, procMemory, sampleRss } from './memory-sampler.js';
import { spawnPinned, specsFor, stop, waitFor } from './storm.js';

export interface MemoryBenchOptions {
  reps: number;
  phones: number;
  edges: number;
}

const DEVICES = 5000;
const SETTLE_MS = 2000;
const CLI = fileURLToPath(new URL('../../hub/cli.js', import.meta.url));
const HOST = '127.0.0.1';

interface DaemonRep {
  emptyNode: number;
  idleStart: number;
  stormPeak: number;
  stormPeakSampled: number;
  idleWarm: number;
  stormFailures: number;
  servedFailures: number;
  /** Rendered files the daemon holds in memory when idle at the end, and what they cost against its budget (its /metrics gauges). */
  renderEntries: number;
  renderBytes: number;
}

async function renderCache(http: { host: string; port: number }): Promise<{ entries: number; bytes: number }> {
  const text = await (await fetch(`http://${http.host}:${http.port}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { entries: read('edgeprov_render_cache_entries'), bytes: read('edgeprov_render_cache_bytes') };
}

/** VmRSS of an empty Node process (the floor of any Node daemon), started pinned as the daemon is. */
async function emptyNodeRss(): Promise<number> {
  const p = spawnPinned(process.execPath, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1000)']);
  try {
    await waitFor(p, /up/, 'an empty node process');
    await sleep(SETTLE_MS);
    return procMemory(p.pid)?.rss ?? NaN;
  } finally {
    await stop(p);
  }
}

async function daemonReps(o: MemoryBenchOptions): Promise<DaemonRep[]> {
  // Phones cycle over the vendors, so the first N of each protocol are a realistic mix.
  const specs = specsFor(SIM_VENDORS, DEVICES, 3);
  const httpStorm = specs.slice(0, o.phones);
  const tftpStorm = specs.filter((s) => TFTP_VENDORS.includes(s.vendor)).slice(0, o.phones);
  process.stdout.write(`memory: setting up ${DEVICES} devices through the hub API…\n`);
  const fixture = await edgeFixture({ specs, lines: 1, site: { provision_limit: 0 } });
  const tmp = tempDir('edgeprov-bench-mem-');
  const reps: DaemonRep[] = [];
  try {
    const cfg = join(tmp.dir, 'daemon.json');
    writeFileSync(cfg, JSON.stringify({ db_path: fixture.dbPath, http_host: HOST, http_port: 0, tftp_host: HOST, tftp_port: 0, log_level: 'info' }));
    for (let rep = 0; rep < o.reps; rep++) {
      const emptyNode = await emptyNodeRss();
      const daemon = spawnPinned(process.execPath, [CLI, 'daemon', '--config', cfg]);
      try {
        const listening = await waitFor(daemon, /"httpPort":(\d+).*"tftpPort":(\d+).*"msg":"listening"/, 'the daemon');
        const http = { host: HOST, port: Number(listening[1]) };
        const tftp = { host: HOST, port: Number(listening[2]) };
        await sleep(SETTLE_MS);
        const idleStart = procMemory(daemon.pid)?.rss ?? NaN;

        const sampler = sampleRss(daemon.pid);
        const [h, t] = await Promise.all([
          bootMany(httpStorm, { protocol: 'http', http, verify: false, uploads: false, timeoutMs: 30_000 }, 64),
          bootMany(tftpStorm, { protocol: 'tftp', tftp, verify: false, uploads: false, timeoutMs: 30_000 }, 64),
        ]);
        const peak = sampler.stop();
        const stormFailures = [...h, ...t].filter((r) => !r.ok).length;

        // Every device served once: the daemon's per-device render cache is full.
        const rest = await bootMany(specs.slice(o.phones), { protocol: 'http', http, verify: false, uploads: false, timeoutMs: 30_000 }, 64);
        const servedFailures = rest.filter((r) => !r.ok).length;
        await sleep(SETTLE_MS);
        const idleWarm = procMemory(daemon.pid)?.rss ?? NaN;
        const held = await renderCache(http);
        const r: DaemonRep = {
          emptyNode, idleStart, stormPeak: Math.max(peak.hwm, peak.peakRss), stormPeakSampled: peak.peakRss, idleWarm, stormFailures, servedFailures,
          renderEntries: held.entries, renderBytes: held.bytes,
        };
        reps.push(r);
        process.stdout.write(
          `  rep ${rep + 1}/${o.reps} daemon: idle at start ${(idleStart / MB).toFixed(1)} MB, storm peak ${(r.stormPeak / MB).toFixed(1)} MB ` +
            `(${stormFailures} failed), idle with ${DEVICES} served ${(idleWarm / MB).toFixed(1)} MB (${servedFailures} failed, ${r.renderEntries} rendered files held, ${(r.renderBytes / MB).toFixed(1)} MB); empty node ${(emptyNode / MB).toFixed(1)} MB\n`,
        );
      } finally {
        await stop(daemon);
      }
    }
  } finally {
    tmp.remove();
    fixture.close();
  }
  return reps;
}

interface HubRep {
  before: number;
  connected: number;
  connectMs: number;
}

async function hubReps(o: MemoryBenchOptions): Promise<HubRep[]> {
  const tmp = tempDir('edgeprov-bench-memhub-');
  const dbPath = join(tmp.dir, 'hub.db');
  const db = openDb(dbPath);
  const seeded = seedHubDb(db, Array.from({ length: o.edges }, (_, i) => `mem-site-${i + 1}`));
  const goal = hubSeq(db);
  db.close();
  const reps: HubRep[] = [];
  try {
    for (let rep = 0; rep < o.reps; rep++) {
      const hub = startHubProcess({ db_path: dbPath });
      const edges: Array<{ cache: Cache; client: SyncClient }> = [];
      try {
        const port = (await hub.waitFor((l) => l.event === 'listening', 'the hub listening')).port as number;
        await sleep(SETTLE_MS);
        const before = procMemory(hub.child.pid)?.rss ?? NaN;
        const t0 = performance.now();
        let applied = 0;
        const allApplied = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${applied} of ${o.edges} edges applied their snapshot within 120 s`)), 120_000);
          for (const [i, s] of seeded.sites.entries()) {
            const cache = createCache({ path: join(tmp.dir, `edge-${rep}-${i}.db`) }, { clock: systemClock });
            const client = createSyncClient(
              { hubUrl: `http://${HOST}:${port}`, token: s.token, version: 'bench', backoffMinMs: 50, backoffMaxMs: 1000, outboxPollMs: 60_000, digestIntervalMs: 0 },
              { cache, log: silentLog, clock: systemClock },
            );
            let done = false;
            client.on('applied', (ev: AppliedEvent) => {
              if (done || ev.cursor < goal) return;
              done = true;
              if (++applied === o.edges) {
                clearTimeout(timer);
                resolve();
              }
            });
            client.start();
            edges.push({ cache, client });
          }
        });
        await allApplied;
        const connectMs = performance.now() - t0;
        await sleep(SETTLE_MS);
        const connected = procMemory(hub.child.pid)?.rss ?? NaN;
        reps.push({ before, connected, connectMs });
        process.stdout.write(`  rep ${rep + 1}/${o.reps} hub: ${(before / MB).toFixed(1)} MB with no edge, ${(connected / MB).toFixed(1)} MB with ${o.edges} connected (all synced in ${Math.round(connectMs)} ms)\n`);
      } finally {
        await Promise.allSettled(edges.map(async (e) => {
          await e.client.stop();
          e.cache.close();
        }));
        if (hub.running) await hub.kill('SIGTERM');
      }
    }
  } finally {
    tmp.remove();
  }
  return reps;
}

export async function benchMemory(root: string, o: MemoryBenchOptions): Promise<void> {
  if (procMemory(process.pid) === undefined) {
    process.stdout.write('\nmemory: SKIPPED — needs Linux /proc/<pid>/status\n');
    return;
  }
  if (!Number.isInteger(o.phones) || o.phones < 1 || o.phones > DEVICES) throw new Error(`--phones must be an integer from 1 to ${DEVICES} for the memory suite`);
  if (!Number.isInteger(o.edges) || o.edges < 1 || o.edges > 1000) throw new Error('--edges must be an integer from 1 to 1000');
  const d = await daemonReps(o);
  const h = await hubReps(o);
  const mb = (xs: number[]) => summarise(xs.map((x) => x / MB));
  const floor = { name: 'an empty Node process (the floor)', figure: mb(d.map((r) => r.emptyNode)) };
  const rows: Row[] = [
    { what: `daemon idle, ${DEVICES} devices in its cache, just started`, unit: 'MB', ours: mb(d.map((r) => r.idleStart)), anchor: floor, higherIsBetter: false },
    { what: `daemon idle, ${DEVICES} devices cached and each served once`, unit: 'MB', ours: mb(d.map((r) => r.idleWarm)), anchor: floor, higherIsBetter: false, goal: '< 80 MB' },
    { what: `daemon peak (VmHWM) during the storm: ${o.phones} HTTP + ${o.phones} TFTP phones at once, cold render cache`, unit: 'MB', ours: mb(d.map((r) => r.stormPeak)), higherIsBetter: false, goal: '< 150 MB' },
    { what: `hub with ${o.edges} connected edges (snapshots applied, idle)`, unit: 'MB', ours: mb(h.map((r) => r.connected)), anchor: { name: 'the same hub process before any edge connected', figure: mb(h.map((r) => r.before)) }, higherIsBetter: false },
  ];
  const failures = d.reduce((n, r) => n + r.stormFailures + r.servedFailures, 0);
  printTable(`memory: RSS from /proc/<pid>/status, ${o.reps} reps (median, min–max); daemon pinned to CPU 1`, rows);
  process.stdout.write(`  phone failures during the daemon runs (all reps): ${failures}; rendered files the idle daemon held: ${d.map((r) => r.renderEntries).join(', ')}\n`);
  const file = writeResult(root, 'memory', { devices: DEVICES, phones: o.phones, edges: o.edges, reps: o.reps, settle_ms: SETTLE_MS, rows, daemon: d, hub: h });
  process.stdout.write(`  written: ${file}\n`);
}
