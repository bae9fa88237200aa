/**
 * The render cache's byte budget: rendered files of a real edge cache (SQLite, filled from the hub's
 * own snapshot) kept within `maxBytes`, least recently used out, re-rendered identically when asked
 * again; a file bigger than the budget served but not kept; bodies that own their memory; the
 * budget from the daemon's configuration down to its /metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createCache, type Cache } from '../../daemon/cache/index.js';
import { loadDaemonConfig } from '../../daemon/config.js';
import { createMetrics, createRenderer, type Metrics, type RenderedFile, type Renderer } from '../../daemon/pipeline/index.js';
import { DEFAULT_RENDER_CACHE_BYTES, ENTRY_OVERHEAD_BYTES, RenderCache } from '../../daemon/pipeline/render-cache.js';
import { deltaFor, snapshotFor } from '../../hub/sync/projection.js';
import { isProvError } from '../../shared/errors.js';
import { startDaemonInProcess } from '../helpers/edge.js';
import { makeSite, TestClock, testHub, type TestHub } from '../helpers/hub.js';

const MACS = ['001565000011', '001565000012', '001565000013', '001565000014'];

interface Edge {
  h: TestHub;
  site: number;
  cache: Cache;
  dbPath: string;
  close(): void;
}

async function edge(): Promise<Edge> {
  const h = await testHub();
  const site = await makeSite(h, { edge_lan_ip: '10.0.0.2' });
  await h.json('POST', '/devices/import', { body: { text: MACS.map((m) => `${m},T46S`).join('\n'), site_id: site } });
  const dbPath = join(h.dir, 'edge.db');
  const cache = createCache({ path: dbPath }, { clock: new TestClock() });
  cache.apply(snapshotFor(h.db, site));
  return { h, site, cache, dbPath, close: () => (cache.close(), h.close()) };
}

function renders(m: Metrics): number {
  return Number(/^edgeprov_render_seconds_count (\d+)$/m.exec(m.text())![1]);
}

function gauge(m: Metrics, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(m.text())![1]);
}

function renderDevice(r: Renderer, cache: Cache, mac: string): RenderedFile {
  return r.device(cache.generation, cache.device(mac)!, cache.site()!, 'yealink');
}

/** What one device file costs against the budget, from a renderer that keeps everything. */
function costOfOne(cache: Cache): number {
  const r = createRenderer(cache, undefined);
  renderDevice(r, cache, MACS[0]!);
  return r.stats().bytes;
}

test('the budget holds: least recently used out, a hit protects its file, an evicted file comes back identical', async () => {
  const e = await edge();
  try {
    const one = costOfOne(e.cache);
    assert.ok(one > ENTRY_OVERHEAD_BYTES, `a device file costs its body plus the overhead (${one})`);
    const metrics = createMetrics();
    const budget = 3 * one + Math.floor(one / 2);
    const r = createRenderer(e.cache, metrics, { maxBytes: budget });
    const [a, b, c, d] = MACS as [string, string, string, string];

    const first = new Map([a, b, c].map((mac) => [mac, renderDevice(r, e.cache, mac)]));
    assert.equal(renders(metrics), 3);
    assert.equal(renderDevice(r, e.cache, a), first.get(a), 'a hit is the cached file itself');
    assert.equal(renders(metrics), 3);

    // a was just used, so b is the least recently used when d needs room.
    renderDevice(r, e.cache, d);
    assert.deepEqual(r.stats(), { entries: 3, bytes: 3 * one, evictions: 1, compiled: 1 });
    assert.ok(r.stats().bytes <= budget);
    assert.equal(renderDevice(r, e.cache, a), first.get(a));
    assert.equal(renderDevice(r, e.cache, c), first.get(c));
    assert.equal(renders(metrics), 4);

    const again = renderDevice(r, e.cache, b);
    assert.equal(renders(metrics), 5, 'the evicted file is rendered again');
    assert.notEqual(again, first.get(b));
    assert.ok(again.body.equals(first.get(b)!.body));
    assert.equal(again.hash, first.get(b)!.hash);
    assert.equal(r.stats().evictions, 2);

    assert.equal(gauge(metrics, 'edgeprov_render_cache_bytes'), r.stats().bytes);
    assert.equal(gauge(metrics, 'edgeprov_render_cache_evictions'), 2);
  } finally {
    e.close();
  }
});

test('a file bigger than the whole budget is served but not kept; budget 0 renders every request', async () => {
  const e = await edge();
  try {
    const one = costOfOne(e.cache);
    for (const maxBytes of [one - 1, 0]) {
      const metrics = createMetrics();
      const r = createRenderer(e.cache, metrics, { maxBytes });
      const x = renderDevice(r, e.cache, MACS[0]!);
      const y = renderDevice(r, e.cache, MACS[0]!);
      assert.equal(renders(metrics), 2);
      assert.ok(x.body.equals(y.body));
      assert.deepEqual(r.stats(), { entries: 0, bytes: 0, evictions: 0, compiled: 1 });
    }
  } finally {
    e.close();
  }
});

test('a new config generation empties the cache and its byte count', async () => {
  const e = await edge();
  try {
    const metrics = createMetrics();
    const r = createRenderer(e.cache, metrics);
    const bodies = MACS.map((mac) => renderDevice(r, e.cache, mac).body.length);
    const full = r.stats();
    assert.equal(full.entries, MACS.length);
    // Every entry costs its body plus the same key length and overhead.
    const perEntry = (full.bytes - bodies.reduce((x, y) => x + y, 0)) / MACS.length;
    await e.h.json('PATCH', `/devices/${MACS[0]}`, { body: { login_password: 'Changed-Pw-77' } });
    assert.ok(e.cache.apply(deltaFor(e.h.db, e.site, e.cache.state().cursor)).changed > 0);
    const changed = renderDevice(r, e.cache, MACS[0]!);
    assert.ok(changed.body.toString().includes('Changed-Pw-77'));
    assert.equal(r.stats().entries, 1);
    assert.equal(r.stats().bytes, changed.body.length + perEntry, 'only the new file is counted');
  } finally {
    e.close();
  }
});

test('bodies own exactly their bytes: no slice of a shared pool kept alive by the cache', async () => {
  const e = await edge();
  try {
    const r = createRenderer(e.cache, undefined);
    const boot = r.shared(e.cache.generation, 'yealink', 'boot', e.cache.site()!, e.cache.device(MACS[0]!)!, 'T46S')!;
    const cfg = renderDevice(r, e.cache, MACS[0]!);
    assert.ok(boot.body.length > 0 && boot.body.length < 4096, `the boot file (${boot.body.length} B) is small enough that Buffer.from would pool it`);
    for (const f of [boot, cfg]) {
      assert.equal(f.body.byteOffset, 0);
      assert.equal(f.body.buffer.byteLength, f.body.length);
    }
  } finally {
    e.close();
  }
});

test('RenderCache refuses a budget that is not a whole number of bytes', () => {
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => new RenderCache(bad), RangeError);
  assert.equal(new RenderCache(0).stats().maxBytes, 0);
});

test('render_cache_bytes: 16 MiB by default, from the environment, and a negative one is a clear error', () => {
  assert.equal(loadDaemonConfig(undefined, {}).render_cache_bytes, DEFAULT_RENDER_CACHE_BYTES);
  assert.equal(DEFAULT_RENDER_CACHE_BYTES, 16 * 1024 * 1024);
  assert.equal(loadDaemonConfig(undefined, { EDGEPROV_DAEMON_RENDER_CACHE_BYTES: '1048576' }).render_cache_bytes, 1048576);
  try {
    loadDaemonConfig(undefined, { EDGEPROV_DAEMON_RENDER_CACHE_BYTES: '-5' });
    assert.fail('expected CONFIG_INVALID');
  } catch (err) {
    assert.ok(isProvError(err) && err.code === 'CONFIG_INVALID', String(err));
    assert.match(err.message, /render_cache_bytes/);
  }
});

test('the daemon applies render_cache_bytes: its pipeline keeps one device file and evicts the rest', async () => {
  const e = await edge();
  const one = costOfOne(e.cache);
  const daemon = await startDaemonInProcess(e.dbPath, { config: { render_cache_bytes: one + 10, log_level: 'silent' } });
  try {
    for (const mac of MACS) {
      const a = await daemon.pipeline.handle({ protocol: 'http', method: 'GET', path: `${mac}.cfg`, ip: '10.0.0.30', userAgent: `Yealink SIP-T46S 66.86.0.15 ${mac}` });
      assert.equal(a.status, 200, `${mac}: ${a.outcome}`);
    }
    assert.equal(daemon.pipeline.stats().renderEntries, 1);
    assert.equal(gauge(daemon.metrics, 'edgeprov_render_cache_evictions'), MACS.length - 1);
    assert.ok(gauge(daemon.metrics, 'edgeprov_render_cache_bytes') <= one + 10);
  } finally {
    await daemon.close();
    e.close();
  }
});
