/**
 * Sync acceptance against real processes (issue [5/7]): the hub (test/fixtures/sync-hub.js) and
 * the edge (test/fixtures/sync-edge.js) are child processes on their own SQLite files, with the
 * fault proxy (test/helpers/fault-proxy.ts) between them. Crashes are SIGKILLs — from the test,
 * or from the edge itself at a failpoint (EDGEPROV_FAILPOINT). Waits are lines the processes
 * print, bounded by timeouts; nothing sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDb, type Db } from '../../hub/db/open.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import {
  adminApi, hubSeq, projectionLines, readEdgeFile, seedHubDb, startEdgeProcess, startHubProcess, tempDir,
  type FixtureProcess, type SeededSite,
} from '../helpers/sync.js';

const EDGE_CLIENT = { backoffMinMs: 20, backoffMaxMs: 300, pingIntervalMs: 5000, pongTimeoutMs: 5000, outboxPollMs: 50, digestIntervalMs: 0 };

interface World {
  dir: string;
  hubDb: string;
  sites: SeededSite[];
  adminToken: string;
  hub: FixtureProcess;
  hubPort: number;
  proxy: FaultProxy;
  edges: FixtureProcess[];
  api: ReturnType<typeof adminApi>;
  startHub(): Promise<void>;
  startEdge(site: number, failpoint?: string, client?: Record<string, unknown>): Promise<FixtureProcess>;
  edgeDb(site: number): string;
  /** A read-only look at the hub DB (the hub process keeps writing to it). */
  withHubDb<T>(fn: (db: Db) => T): T;
  close(): Promise<void>;
}

async function world(siteNames: string[], hubSync: Record<string, unknown> = {}): Promise<World> {
  const t = tempDir();
  const hubDb = join(t.dir, 'hub.db');
  const seedDb = openDb(hubDb);
  const seeded = seedHubDb(seedDb, siteNames);
  seedDb.close();
  const w: World = {
    dir: t.dir, hubDb, sites: seeded.sites, adminToken: seeded.adminToken,
    hub: undefined as unknown as FixtureProcess, hubPort: 0,
    proxy: undefined as unknown as FaultProxy,
    edges: [],
    api: adminApi(() => `http://127.0.0.1:${w.hubPort}`, seeded.adminToken),
    async startHub() {
      w.hub = startHubProcess({ db_path: hubDb, sync: { pollMs: 200, bookmarkMs: 50, ...hubSync } });
      const l = await w.hub.waitFor((x) => x.event === 'listening', 'hub listening');
      w.hubPort = l.port as number;
      w.proxy?.setTarget(w.hubPort);
    },
    async startEdge(site, failpoint, client = {}) {
      const s = w.sites.find((x) => x.id === site)!;
      const e = startEdgeProcess({ db_path: w.edgeDb(site), hub_url: w.proxy.url, token: s.token, client: { ...EDGE_CLIENT, ...client } }, failpoint);
      w.edges.push(e);
      await e.waitFor((x) => x.event === 'started', 'edge started');
      return e;
    },
    edgeDb: (site) => join(t.dir, `edge-${site}.db`),
    withHubDb(fn) {
      const db = new Database(hubDb, { readonly: true });
      try {
        db.pragma('busy_timeout = 5000');
        return fn(db);
      } finally {
        db.close();
      }
    },
    async close() {
      for (const e of w.edges) if (e.running) await e.kill();
      if (w.hub?.running) await w.hub.kill();
      await w.proxy?.close();
      t.remove();
    },
  };
  await w.startHub();
  w.proxy = await startFaultProxy({ port: w.hubPort });
  return w;
}

/** Waits until the edge process has committed up to the hub's current sequence. */
async function converged(w: World, e: FixtureProcess, timeoutMs = 30_000): Promise<void> {
  const target = w.withHubDb(hubSeq);
  await e.waitFor((l) => l.event === 'applied' && (l.cursor as number) >= target, `applied up to ${target}`, timeoutMs, true);
}

function assertEdgeEqualsHub(w: World, site: number): void {
  const edge = readEdgeFile(w.edgeDb(site));
  const hub = w.withHubDb((db) => ({ lines: projectionLines(db, site), seq: hubSeq(db) }));
  assert.equal(edge.cursor, hub.seq, 'edge cursor at the hub seq');
  assert.deepEqual(edge.mirror, hub.lines, 'edge mirror equals the hub projection for its site');
}

const macs = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${String(from + i).padStart(12 - prefix.length, '0')}`);

async function importMacs(w: World, site: number, list: string[]): Promise<void> {
  await w.api('POST', '/devices/import', { text: list.map((m) => `${m},T46S`).join('\n'), site_id: site });
}

test('1. the hub is SIGKILLed mid-stream while admin writes continue; restarted on the same DB, the edge equals the hub projection', async () => {
  const w = await world(['A'], { pageRows: 40 });
  try {
    const site = w.sites[0]!.id;
    const edge = await w.startEdge(site);
    await converged(w, edge);
    // 20 admin transactions pile up behind a slow link, then the link frees and the hub dies while
    // their frames (40 rows a frame) are on the wire.
    w.proxy.setMode('stall');
    for (let i = 0; i < 20; i++) await importMacs(w, site, macs('0015650d', 30, i * 30));
    w.proxy.setMode('pass');
    await w.hub.kill('SIGKILL');
    const cut = readEdgeFile(w.edgeDb(site));
    // Whatever the edge committed is whole admin transactions (30 devices each), never a part of one.
    const held = cut.mirror.filter((l) => l.startsWith('device|')).length;
    assert.equal(held % 30, 0, `edge holds ${held} devices`);
    await w.startHub();
    // Admin writes continue against the restarted hub, interleaved with the edge's reconnect.
    for (let i = 0; i < 10; i++) {
      await importMacs(w, site, macs('0015650e', 5, i * 5));
      await w.api('PATCH', `/devices/${macs('0015650d', 1, i)[0]}`, { name: `desk ${i}` });
    }
    await w.api('POST', '/devices/actions/remove', { macs: macs('0015650d', 50, 100) });
    await converged(w, edge);
    assertEdgeEqualsHub(w, site);
  } finally {
    await w.close();
  }
});

test('2. a silent link cut (blackhole) is detected by both processes within ping + grace; on heal the catch-up is one commit', async (t) => {
  const w = await world(['A'], { pingIntervalMs: 300, pongTimeoutMs: 300 });
  try {
    const site = w.sites[0]!.id;
    const edge = await w.startEdge(site, undefined, { pingIntervalMs: 300, pongTimeoutMs: 300, handshakeTimeoutMs: 500 });
    await converged(w, edge);
    const cursor = readEdgeFile(w.edgeDb(site)).cursor;
    const t0 = Date.now();
    const edgeLost = edge.waitFor((l) => l.event === 'disconnected', 'edge disconnect', 5000);
    const hubLost = w.hub.waitFor((l) => l.event === 'session-closed', 'hub session closed', 5000);
    w.proxy.setMode('blackhole');
    await edgeLost;
    const edgeMs = Date.now() - t0;
    await hubLost;
    const hubMs = Date.now() - t0;
    assert.ok(edgeMs <= 300 + 300 + 400, `edge detected the cut in ${edgeMs} ms`);
    assert.ok(hubMs <= 300 + 300 + 400, `hub detected the cut in ${hubMs} ms`);
    t.diagnostic(`ping 300 ms + grace 300 ms: edge detected the cut after ${edgeMs} ms, hub after ${hubMs} ms`);
    for (let i = 0; i < 5; i++) await importMacs(w, site, macs('0015650f', 20, i * 20));
    assert.equal(readEdgeFile(w.edgeDb(site)).cursor, cursor, 'nothing arrived during the cut');
    const target = w.withHubDb(hubSeq);
    const caught = edge.waitFor((l) => l.event === 'applied' && (l.cursor as number) >= target, 'the catch-up', 15_000);
    w.proxy.setMode('pass');
    const applied = await caught;
    assert.equal(applied.rows, 100, 'the whole outage arrived in one commit');
    const commits = edge.lines.filter((l) => l.event === 'applied' && (l.cursor as number) > cursor && (l.rows as number) > 0);
    assert.equal(commits.length, 1);
    assertEdgeEqualsHub(w, site);
  } finally {
    await w.close();
  }
});

test('3. the edge SIGKILLs itself mid-apply and mid-snapshot (failpoints): cursor and data agree after restart, then converge', async () => {
  const w = await world(['A'], { pageRows: 10 });
  try {
    const site = w.sites[0]!.id;
    await importMacs(w, site, macs('00156510', 50));
    let edge = await w.startEdge(site);
    await converged(w, edge);
    await edge.kill('SIGTERM');
    const before = readEdgeFile(w.edgeDb(site));

    // Mid-apply: killed inside the apply transaction of the next delta.
    edge = await w.startEdge(site, 'apply:before-commit');
    await edge.waitFor((l) => l.event === 'ready', 'ready');
    await importMacs(w, site, macs('00156511', 30));
    assert.equal((await edge.waitExit()).signal, 'SIGKILL');
    let after = readEdgeFile(w.edgeDb(site));
    assert.equal(after.cursor, before.cursor, 'cursor unchanged');
    assert.deepEqual(after.mirror, before.mirror, 'data unchanged: the transaction never committed');

    // Mid catch-up (two pending transactions, the first staged): staged frames die with the process.
    await w.api('PATCH', '/settings', { session_window_s: 650 });
    edge = await w.startEdge(site, 'catchup:mid');
    assert.equal((await edge.waitExit()).signal, 'SIGKILL');
    assert.equal(readEdgeFile(w.edgeDb(site)).cursor, before.cursor);
    assert.deepEqual(readEdgeFile(w.edgeDb(site)).mirror, before.mirror);

    // Mid-snapshot: an admin resync, and the edge dies after the first of several pages.
    await w.api('POST', `/sites/${site}/resync`);
    edge = await w.startEdge(site, 'snapshot:mid');
    assert.equal((await edge.waitExit()).signal, 'SIGKILL');
    after = readEdgeFile(w.edgeDb(site));
    assert.equal(after.cursor, before.cursor, 'the interrupted snapshot was discarded');
    assert.deepEqual(after.mirror, before.mirror, 'the old data kept serving');

    // And killed between the snapshot's last page and its commit (the resync stays pending until an edge acks it).
    assert.equal((await w.api('GET', `/sites/${site}/sync`)).resync_pending, true);
    edge = await w.startEdge(site, 'snapshot:before-commit');
    assert.equal((await edge.waitExit()).signal, 'SIGKILL');
    assert.deepEqual(readEdgeFile(w.edgeDb(site)).mirror, before.mirror);

    edge = await w.startEdge(site);
    await converged(w, edge);
    assertEdgeEqualsHub(w, site);
    assert.ok(edge.lines.some((l) => l.event === 'ready' && l.reason === 'admin resync'));
  } finally {
    await w.close();
  }
});

test('4. duplicated frames on the wire (both directions) are no-ops; every (outbox id, seq) is stored exactly once', async () => {
  const w = await world(['A']);
  try {
    const site = w.sites[0]!.id;
    const list = macs('00156512', 50);
    await importMacs(w, site, list);
    w.proxy.duplicate = { toEdge: true, toHub: true };
    const edge = await w.startEdge(site);
    await converged(w, edge);
    edge.send({ cmd: 'boots', macs: list, ip_prefix: '10.1.0.' });
    await edge.waitFor((l) => l.event === 'boots-done', 'boots done');
    await w.api('PATCH', '/settings', { session_window_s: 660 });
    await edge.waitFor((l) => l.event === 'events-acked' && l.left === 0, 'outbox drained', 20_000, true);
    await converged(w, edge);
    assert.ok(w.proxy.stats.duplicatedToEdge > 0 && w.proxy.stats.duplicatedToHub > 0);
    assert.ok(edge.lines.some((l) => l.event === 'replay'), 'the edge saw duplicates and ignored them');
    const rows = w.withHubDb((db) => db.prepare(`SELECT seq, count(*) AS n FROM sync_events WHERE site_id = ? GROUP BY db_id, seq ORDER BY seq`).all(site) as Array<{ seq: number; n: number }>);
    assert.deepEqual(rows.map((r) => r.seq), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(rows.every((r) => r.n === 1));
    const counts = w.withHubDb((db) => db.prepare(`SELECT provision_count AS c FROM devices WHERE site_id = ?`).all(site) as { c: number }[]);
    assert.ok(counts.length === 50 && counts.every((c) => c.c === 1));
    assertEdgeEqualsHub(w, site);
  } finally {
    await w.close();
  }
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) / 1024;
}

/** The hub process after a full GC: its RSS, and what it retains (JS heap plus Buffers; queued WebSocket frames are Buffers). */
async function hubMemMb(w: World): Promise<{ rss: number; retained: number }> {
  const wait = w.hub.waitFor((l) => l.event === 'mem', 'mem report');
  w.hub.send({ cmd: 'mem' });
  const m = await wait;
  return { rss: (m.rss as number) / 1048576, retained: ((m.heapUsed as number) + (m.external as number)) / 1048576 };
}

/**
 * Acceptance 8. The hub's RSS grows while it commits this workload with no edge at all (measured:
 * 92 → 167 MB, ~+75): its SQLite page cache fills towards better-sqlite3's 16 MB default, V8 keeps
 * the pages it grew for 400 KB request bodies (committed heap +~20 MB), and glibc keeps the main
 * heap it grew (+~33 MB, fragmented). None of that depends on edges, and after the warm-up RSS
 * wanders within a band some 40 MB wide (GC and malloc trims). So the test warms the hub up, then
 * commits 10,000 changes twice in the same process — first with the edge reading (the control),
 * then with it stalled — sampling RSS after every write, and compares the peaks: a hub that queued
 * for a stalled edge would add the ~55 MB of frames those changes encode to on top of the band.
 */
test('8. a slow edge (stops reading) while the hub commits 10,000 changes: hub RSS grows no more than with a reading edge; the edge catches up afterwards', async (t) => {
  const w = await world(['A'], { pageRows: 200, highWaterBytes: 256 * 1024 });
  try {
    const site = w.sites[0]!.id;
    const edge = await w.startEdge(site);
    // Big global rows: an org template of a vendor no device uses (so updating it renders nothing).
    const tpl = await w.api<{ id: number }>('POST', '/templates', { name: 'Big', engine: 'default', vendor: 'snom', model: null, body: 'x\n' });
    await importMacs(w, site, macs('00156513', 200));
    await converged(w, edge);
    let next = 0;
    // 10,000 changes: 9,900 device rows (99 imports) and 100 template versions of 400 KB each.
    const big = (i: number) => `# version ${i}\n` + 'a = b\n'.repeat(400_000 / 6);
    /** Commits `rounds` × 100 changes; returns the highest RSS seen after each write. */
    const commit = async (rounds: number): Promise<number> => {
      let peak = 0;
      for (let i = 0; i < rounds; i++) {
        if (i < rounds - 1) await importMacs(w, site, macs('0015651', 100, next));
        next += 100;
        await w.api('PATCH', `/templates/${tpl.id}`, { body: big(next) });
        peak = Math.max(peak, rssMb(w.hub.child.pid!));
      }
      return peak;
    };
    await commit(50); // warm-up: the page cache and V8's heap reach their working size
    await converged(w, edge, 90_000);
    const m0 = await hubMemMb(w);
    const controlPeak = await commit(100); // the control: the edge reads everything
    await converged(w, edge, 90_000);
    const m1 = await hubMemMb(w);
    const cursor = readEdgeFile(w.edgeDb(site)).cursor;
    w.proxy.setMode('stall');
    const slowPeak = await commit(100);
    const m2 = await hubMemMb(w);
    t.diagnostic(
      `hub RSS peak ${controlPeak.toFixed(1)} MB with a reading edge, ${slowPeak.toFixed(1)} MB with a stalled one; after GC ` +
        `${m0.rss.toFixed(1)} → ${m1.rss.toFixed(1)} → ${m2.rss.toFixed(1)} MB; retained (heap + buffers) ${m0.retained.toFixed(1)} → ${m1.retained.toFixed(1)} → ${m2.retained.toFixed(1)} MB`,
    );
    assert.equal(readEdgeFile(w.edgeDb(site)).cursor, cursor, 'the stalled edge applied nothing');
    // Tolerance 25 MB: the peaks of two controls differ by up to ~15 MB; a queue would add ~55 MB.
    assert.ok(slowPeak - controlPeak < 25, `with a stalled edge the hub's RSS peaks ${(slowPeak - controlPeak).toFixed(1)} MB above the control's`);
    assert.ok(m2.rss - controlPeak < 25, `after GC the hub's RSS is ${(m2.rss - controlPeak).toFixed(1)} MB above the control's peak`);
    assert.ok(m2.retained - m1.retained < 12, `the hub retains ${(m2.retained - m1.retained).toFixed(1)} MB more while the edge is stalled`);
    w.proxy.setMode('pass');
    await converged(w, edge, 90_000);
    assertEdgeEqualsHub(w, site);
  } finally {
    await w.close();
  }
});

test('10. phones keep provisioning through a WAN outage: a 200-phone boot storm while the hub is down; counts reach the hub after', async () => {
  const w = await world(['A']);
  try {
    const site = w.sites[0]!.id;
    const list = macs('00156515', 200);
    await importMacs(w, site, list);
    const edge = await w.startEdge(site);
    await converged(w, edge);
    await w.hub.kill('SIGKILL');
    edge.send({ cmd: 'boots', macs: list, ip_prefix: '10.2.0.' });
    await edge.waitFor((l) => l.event === 'boots-done', 'boot storm done');
    const booted = edge.lines.filter((l) => l.event === 'booted');
    assert.equal(booted.length, 200);
    assert.ok(booted.every((b) => b.allowed === true && b.known === true), 'every known phone was provisioned with the hub down');
    assert.equal(readEdgeFile(w.edgeDb(site)).outbox.length, 200);
    await w.startHub();
    await edge.waitFor((l) => l.event === 'events-acked' && l.left === 0, 'outbox drained to the hub', 30_000);
    const counts = w.withHubDb((db) => db.prepare(`SELECT provision_count AS c, last_provisioned_at AS at FROM devices WHERE site_id = ?`).all(site) as Array<{ c: number; at: string | null }>);
    assert.equal(counts.length, 200);
    assert.ok(counts.every((c) => c.c === 1 && c.at !== null), 'every count reached the hub');
    const status = await w.api('GET', `/sites/${site}/sync`);
    assert.equal(status.online, true);
    assert.equal(status.events_up_to, 200);
    assert.equal(readEdgeFile(w.edgeDb(site)).outbox.length, 0, 'pruned on ack');
  } finally {
    await w.close();
  }
});
