/**
 * `npm run bench -- sync [--edges N] [--reps R]`: hub → edge sync fan-out on loopback.
 *
 * One in-process hub (the real app and sync server on a real HTTP server, 127.0.0.1 port 0, temp
 * SQLite file, silent log) seeded with N sites (default 200), each with its own sync token; N
 * in-process sync clients, each with its own SQLite cache file. Once every edge has applied its
 * snapshot, each repetition:
 *   1. fan-out: COMMITS admin commits, each a settings update (global rows: every edge receives
 *      it) through `HubStore.write` + `updateSettings`; for each, the time from the commit returning
 *      until every edge has applied a cursor at or past it. p50/p99 over the commits (time to
 *      all edges), and p50/p99 of per-edge latencies.
 *   2. catch-up: one edge stops, its site gets 50,000 changes (new devices, in a few large
 *      transactions), and the edge restarts (new cache handle + new client on the same file, as a
 *      process restart would); the time from start until its cursor reaches the hub's seq.
 * Figures are the median (min–max) over the repetitions. No anchor is named for this suite.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { createSyncClient, type AppliedEvent, type SyncClient } from '../../daemon/sync/client.js';
import { SYSTEM_ACTOR } from '../../hub/db/store.js';
import { insertDevice } from '../../hub/domain/devices.js';
import { updateSettings } from '../../hub/domain/settings.js';
import { systemClock } from '../../shared/clock.js';
import { hubSeq, silentLog, startInProcessHub, tempDir, type InProcessHub } from '../helpers/sync.js';
import { printTable, summarise, writeResult, type Row } from './harness.js';

export interface SyncBenchOptions {
  reps: number;
  edges: number;
}

const COMMITS = 30;
const CATCHUP_CHANGES = 50_000;
const CATCHUP_TX = 5;
const WAIT_MS = 120_000;

interface Edge {
  site: number;
  token: string;
  path: string;
  cache: Cache;
  client: SyncClient;
  cursor: number;
  snapshot: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Resolves when `done()` holds, checked on every `applied` of any edge; rejects after `ms`. */
function waitUntil(edges: Edge[], done: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const subs: Array<[SyncClient, () => void]> = [];
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      for (const [c, f] of subs) c.off('applied', f);
      if (err) reject(err);
      else resolve();
    };
    const check = (): void => {
      if (done()) finish();
    };
    for (const e of edges) {
      subs.push([e.client, check]);
      e.client.on('applied', check);
    }
    const timer = setTimeout(() => finish(new Error(`no ${what} within ${ms} ms`)), ms);
  });
}

function startEdge(hub: InProcessHub, e: Omit<Edge, 'cache' | 'client' | 'cursor' | 'snapshot'>): Edge {
  const cache = createCache({ path: e.path }, { clock: systemClock });
  const client = createSyncClient(
    { hubUrl: hub.url, token: e.token, version: 'bench', backoffMinMs: 50, backoffMaxMs: 1000, outboxPollMs: 60_000, digestIntervalMs: 0 },
    { cache, log: silentLog, clock: systemClock },
  );
  const edge: Edge = { ...e, cache, client, cursor: cache.state().cursor, snapshot: false };
  client.on('applied', (ev: AppliedEvent) => {
    edge.cursor = Math.max(edge.cursor, ev.cursor);
    if (ev.snapshot) edge.snapshot = true;
  });
  client.start();
  return edge;
}

async function stopEdge(e: Edge): Promise<void> {
  await e.client.stop();
  e.client.removeAllListeners();
  e.cache.close();
}

function macFor(rep: number, i: number): string {
  // Locally administered OUI (0x02), then rep and counter: unique per run, 12 lowercase hex digits.
  return `02${rep.toString(16).padStart(2, '0')}${i.toString(16).padStart(8, '0')}`;
}

export async function benchSync(root: string, opts: SyncBenchOptions): Promise<void> {
  const n = opts.edges;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--edges must be an integer from 1 to 1000');
  const tmp = tempDir('edgeprov-bench-sync-');
  const hub = await startInProcessHub(join(tmp.dir, 'hub.db'), Array.from({ length: n }, (_, i) => `bench-site-${i + 1}`), {
    // The hub's own defaults (startHub), not the test kit's quick bookmarks.
    sync: { pollMs: 1000, bookmarkMs: 1000 },
  });
  const edges: Edge[] = [];
  try {
    const t0 = performance.now();
    for (const [i, s] of hub.sites.entries()) edges.push(startEdge(hub, { site: s.id, token: s.token, path: join(tmp.dir, `edge-${i + 1}.db`) }));
    const seq0 = hubSeq(hub.db);
    await waitUntil(edges, () => edges.every((e) => e.cursor >= seq0), `initial snapshot on all ${n} edges`);
    const initialMs = performance.now() - t0;
    process.stdout.write(`sync: ${n} edges connected and applied their snapshots in ${Math.round(initialMs)} ms\n`);

    const repAllP50: number[] = [];
    const repAllP99: number[] = [];
    const repEdgeP50: number[] = [];
    const repEdgeP99: number[] = [];
    const repCatchup: number[] = [];
    const repCatchupRate: number[] = [];
    const details: unknown[] = [];
    let bump = 0;

    for (let rep = 0; rep < opts.reps; rep++) {
      // 1. fan-out of a global commit to every edge.
      const toAll: number[] = [];
      const perEdge: number[] = [];
      for (let c = 0; c < COMMITS; c++) {
        bump++;
        const before = edges.map((e) => e.cursor);
        const seen = new Array<number>(n).fill(-1);
        const subs: Array<[SyncClient, (ev: AppliedEvent) => void]> = [];
        let start = 0;
        let target = Infinity;
        edges.forEach((e, i) => {
          const f = (ev: AppliedEvent): void => {
            if (seen[i]! < 0 && ev.cursor >= target) seen[i] = performance.now() - start;
          };
          subs.push([e.client, f]);
          e.client.on('applied', f);
        });
        start = performance.now();
        hub.store.write(SYSTEM_ACTOR, (w) => updateSettings(w, { scan_threshold_per_min: 20 + (bump % 1000) }));
        target = hubSeq(hub.db);
        try {
          await waitUntil(edges, () => seen.every((v) => v >= 0), `commit ${c + 1} applied on all edges`);
        } finally {
          for (const [cl, f] of subs) cl.off('applied', f);
        }
        if (edges.some((e, i) => e.cursor < target || e.cursor <= before[i]!)) throw new Error('an edge did not advance');
        toAll.push(Math.max(...seen));
        perEdge.push(...seen);
      }
      toAll.sort((a, b) => a - b);
      perEdge.sort((a, b) => a - b);
      const allP50 = percentile(toAll, 50);
      const allP99 = percentile(toAll, 99);
      const edgeP50 = percentile(perEdge, 50);
      const edgeP99 = percentile(perEdge, 99);
      repAllP50.push(allP50);
      repAllP99.push(allP99);
      repEdgeP50.push(edgeP50);
      repEdgeP99.push(edgeP99);

      // 2. catch-up of one edge that missed 50,000 changes to its site.
      const idx = rep % n;
      const victim = edges[idx]!;
      await stopEdge(victim);
      const missedFrom = hubSeq(hub.db);
      const per = Math.ceil(CATCHUP_CHANGES / CATCHUP_TX);
      const tw = performance.now();
      for (let t = 0, made = 0; t < CATCHUP_TX && made < CATCHUP_CHANGES; t++) {
        const count = Math.min(per, CATCHUP_CHANGES - made);
        hub.store.write(SYSTEM_ACTOR, (w) => {
          for (let k = 0; k < count; k++) {
            const mac = macFor(rep, made + k);
            insertDevice(w, { mac, site_id: victim.site, vendor: null, model: null, name: `bench ${mac}` });
          }
        });
        made += count;
      }
      const writeMs = performance.now() - tw;
      const goal = hubSeq(hub.db);
      const siteChanges = (hub.db.prepare(`SELECT count(*) AS n FROM change_log WHERE seq > ? AND site_id = ?`).get(missedFrom, victim.site) as { n: number }).n;
      const tc = performance.now();
      const restarted = startEdge(hub, { site: victim.site, token: victim.token, path: victim.path });
      edges[idx] = restarted;
      await waitUntil([restarted], () => restarted.cursor >= goal, `catch-up of edge ${idx + 1} to seq ${goal}`);
      const catchupMs = performance.now() - tc;
      const mirrorRows = (restarted.cache.db.prepare(`SELECT count(*) AS n FROM mirror WHERE entity = 'device' AND deleted = 0`).get() as { n: number }).n;
      repCatchup.push(catchupMs);
      repCatchupRate.push(siteChanges / (catchupMs / 1000));
      details.push({
        rep: rep + 1, commits: COMMITS,
        to_all_ms: { p50: allP50, p99: allP99, max: toAll[toAll.length - 1] },
        per_edge_ms: { p50: edgeP50, p99: edgeP99, max: perEdge[perEdge.length - 1] },
        catchup: { edge: idx + 1, site_changes: siteChanges, hub_write_ms: writeMs, ms: catchupMs, via_snapshot: restarted.snapshot, mirror_devices: mirrorRows },
      });
      process.stdout.write(
        `  rep ${rep + 1}: commit→all ${n} edges p50 ${allP50.toFixed(1)} ms p99 ${allP99.toFixed(1)} ms; per edge p50 ${edgeP50.toFixed(1)} ms p99 ${edgeP99.toFixed(1)} ms; ` +
          `catch-up of ${siteChanges} changes ${Math.round(catchupMs)} ms (${restarted.snapshot ? 'snapshot' : 'delta'})\n`,
      );
    }

    const rows: Row[] = [
      { what: `commit → applied on all ${n} edges, p50 of ${COMMITS} commits`, unit: 'ms', ours: summarise(repAllP50), higherIsBetter: false },
      { what: `commit → applied on all ${n} edges, p99 of ${COMMITS} commits`, unit: 'ms', ours: summarise(repAllP99), higherIsBetter: false },
      { what: `commit → applied per edge, p50 of ${COMMITS}×${n}`, unit: 'ms', ours: summarise(repEdgeP50), higherIsBetter: false },
      { what: `commit → applied per edge, p99 of ${COMMITS}×${n}`, unit: 'ms', ours: summarise(repEdgeP99), higherIsBetter: false },
      { what: `catch-up of an edge that missed ${CATCHUP_CHANGES.toLocaleString('en-US')} changes`, unit: 'ms', ours: summarise(repCatchup), higherIsBetter: false },
      { what: 'catch-up rate', unit: 'changes/s', ours: summarise(repCatchupRate), higherIsBetter: true },
    ];
    printTable(`sync: ${n} in-process edges on loopback (median of ${opts.reps} reps, min–max)`, rows);
    const file = writeResult(root, 'sync', { edges: n, commits_per_rep: COMMITS, catchup_changes: CATCHUP_CHANGES, initial_snapshot_ms: initialMs, rows, reps: details });
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await Promise.allSettled(edges.map((e) => stopEdge(e)));
    await hub.close();
    tmp.remove();
  }
}
