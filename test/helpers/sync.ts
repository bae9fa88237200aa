/**
 * Sync test kit: a hub on a real HTTP server with the sync server attached (in-process), hubs and
 * edges as real child processes (test/fixtures/sync-*.js), hub seeding, and the convergence check
 * "the edge's mirror equals the hub's projection for its site". Every wait is an event bounded by
 * a timeout; only processes started here are ever killed, by their own handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { serve } from '@hono/node-server';
import { pino, type Logger } from 'pino';
import { openDb, type Db } from '../../hub/db/open.js';
import { createHubApp } from '../../hub/app.js';
import { HubStore, SYSTEM_ACTOR } from '../../hub/db/store.js';
import { createAccount, createApiToken } from '../../hub/domain/auth.js';
import { addSiteToken, createSite } from '../../hub/domain/sites.js';
import { SiteCreate } from '../../hub/api/schemas.js';
import { createSyncServer, type SyncServer, type SyncServerOptions } from '../../hub/sync/index.js';
import { hubSeq, snapshotFor } from '../../hub/sync/projection.js';
import { canonicalJson } from '../../shared/sync/digest.js';
import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/clock.js';

export const silentLog: Logger = pino({ level: process.env.EDGEPROV_TEST_LOG ?? 'silent' });

export function tempDir(prefix = 'edgeprov-sync-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SeededSite {
  id: number;
  token: string;
}

/** Seeds a hub DB: an admin with an API token, and `sites` sites each with a sync token. */
export function seedHubDb(db: Db, sites: string[], clock: Clock = systemClock): { adminToken: string; sites: SeededSite[]; store: HubStore } {
  const store = new HubStore(db, clock);
  return store.write(SYSTEM_ACTOR, (w) => {
    const admin = createAccount(w, { username: 'admin', password_hash: 'scrypt$unused', role: 'admin' });
    const adminToken = createApiToken(w, admin, 'sync tests').token;
    const out = sites.map((name) => {
      const site = createSite(w, SiteCreate.parse({ name, fqdn: 'pbx.example.com', edge_lan_ip: '127.0.0.1' }));
      return { id: site.id, token: addSiteToken(w, site.id) };
    });
    return { adminToken, sites: out, store };
  });
}

/** The admin REST API over real HTTP. */
export function adminApi(baseUrl: () => string, token: string) {
  return async function api<T = any>(method: string, path: string, body?: unknown, expect?: number): Promise<T> {
    const res = await fetch(`${baseUrl()}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const want = expect ?? (method === 'POST' && /\/(sites|users|templates|tokens)$/.test(path) ? 201 : 200);
    if (res.status !== want) throw new Error(`${method} ${path}: expected ${want}, got ${res.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
}

export interface InProcessHub {
  db: Db;
  store: HubStore;
  sync: SyncServer;
  url: string;
  port: number;
  adminToken: string;
  sites: SeededSite[];
  api: ReturnType<typeof adminApi>;
  close(): Promise<void>;
}

/** A hub in this process on a real HTTP server (port 0) with sync attached, seeded with `sites`. */
export async function startInProcessHub(
  dbPath: string,
  sites: string[],
  opts: { sync?: SyncServerOptions; clock?: Clock; seed?: boolean; port?: number } = {},
): Promise<InProcessHub> {
  const clock = opts.clock ?? systemClock;
  const db = openDb(dbPath);
  const seeded = opts.seed === false ? { adminToken: '', sites: [] } : seedHubDb(db, sites, clock);
  const { app, hub } = createHubApp({ publicUrl: 'http://127.0.0.1' }, { db, log: silentLog, clock });
  const sync = createSyncServer({ pollMs: 0, bookmarkMs: 20, ...opts.sync }, { store: hub.store, log: silentLog, clock });
  let server!: Server;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: opts.port ?? 0 }, (info: AddressInfo) => resolve(info.port)) as Server;
  });
  sync.attach(server);
  const url = `http://127.0.0.1:${port}`;
  const h: InProcessHub = {
    db, store: hub.store, sync, url, port, adminToken: seeded.adminToken, sites: seeded.sites,
    api: adminApi(() => url, seeded.adminToken),
    async close() {
      await sync.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
  return h;
}

/** The site's projection on the hub as comparable lines (entity, key, canonical data). */
export function projectionLines(db: Db, siteId: number): string[] {
  return snapshotFor(db, siteId).changes.map((c) => `${c.entity}|${c.key}|${canonicalJson(c.data)}`).sort();
}

/** The live rows of an edge's mirror as the same lines. */
export function mirrorLines(db: { prepare(sql: string): { all(): unknown[] } }): string[] {
  return (db.prepare(`SELECT entity, key, data FROM mirror WHERE deleted = 0`).all() as Array<{ entity: string; key: string; data: string }>)
    .map((r) => `${r.entity}|${r.key}|${canonicalJson(JSON.parse(r.data))}`)
    .sort();
}

/** Reads an edge cache file (of a running or dead edge process) without writing to it. */
export function readEdgeFile(path: string): { cursor: number; epoch: string | null; mirror: string[]; outbox: number[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const s = db.prepare(`SELECT epoch, cursor FROM sync_state WHERE id = 1`).get() as { epoch: string | null; cursor: number };
    const outbox = (db.prepare(`SELECT id FROM outbox ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
    return { cursor: s.cursor, epoch: s.epoch, mirror: mirrorLines(db), outbox };
  } finally {
    db.close();
  }
}

export { hubSeq };

/** `<outDir>/test/fixtures/<name>.js`, relative to this compiled file. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));
}

type Line = Record<string, unknown> & { event?: string };

interface Waiter {
  match: (l: Line) => boolean;
  resolve: (l: Line) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A fixture child process printing JSON lines; lines can be awaited, commands written to stdin. */
export class FixtureProcess {
  readonly child: ChildProcess;
  readonly lines: Line[] = [];
  stderr = '';
  #waiters: Waiter[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly name: string, env: Record<string, string>, nodeArgs: string[] = []) {
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('EDGEPROV_')) base[k] = v;
    this.child = spawn(process.execPath, [...nodeArgs, fixturePath(name)], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-20_000);
    });
    this.child.stdin!.on('error', () => {});
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      let l: Line;
      try {
        l = JSON.parse(text) as Line;
      } catch {
        l = { event: 'text', text };
      }
      this.lines.push(l);
      for (const w of [...this.#waiters]) {
        if (w.match(l)) {
          this.#drop(w);
          w.resolve(l);
        }
      }
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        for (const w of [...this.#waiters]) {
          this.#drop(w);
          w.reject(new Error(`${name} exited (code ${code}, signal ${signal}) before the awaited line; stderr:\n${this.stderr}`));
        }
        resolve({ code, signal });
      });
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  #drop(w: Waiter): void {
    clearTimeout(w.timer);
    this.#waiters = this.#waiters.filter((x) => x !== w);
  }

  /** The first line from now on (or, with `past`, already seen) that `match` accepts. */
  waitFor(match: (l: Line) => boolean, what: string, timeoutMs = 20_000, past = false): Promise<Line> {
    if (past) {
      const seen = this.lines.find(match);
      if (seen) return Promise.resolve(seen);
    }
    if (!this.running) return Promise.reject(new Error(`${this.name} is not running; never printed ${what}; stderr:\n${this.stderr}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match, resolve, reject,
        timer: setTimeout(() => {
          this.#drop(w);
          reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-8))}; stderr:\n${this.stderr.slice(-3000)}`));
        }, timeoutMs),
      };
      this.#waiters.push(w);
    });
  }

  send(cmd: Record<string, unknown>): void {
    this.child.stdin!.write(JSON.stringify(cmd) + '\n');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.waitExit();
  }

  waitExit(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          if (this.running) this.child.kill('SIGKILL');
          reject(new Error(`${this.name} (pid ${this.child.pid}) did not exit within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-6))}`));
        }, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}

export function startHubProcess(cfg: { db_path: string; port?: number; sync?: SyncServerOptions }): FixtureProcess {
  return new FixtureProcess('sync-hub', { EDGEPROV_TEST_HUB: JSON.stringify(cfg) }, ['--expose-gc']);
}

export function startEdgeProcess(cfg: { db_path: string; hub_url: string; token: string; client?: Record<string, unknown> }, failpoint?: string): FixtureProcess {
  return new FixtureProcess('sync-edge', { EDGEPROV_TEST_EDGE: JSON.stringify(cfg), ...(failpoint ? { EDGEPROV_FAILPOINT: failpoint } : {}) });
}

/** Resolves once `emitter` emits `event` with a value `match` accepts; rejects after `timeoutMs`. */
export function once<T>(emitter: { on(e: string, f: (v: T) => void): unknown; off(e: string, f: (v: T) => void): unknown }, event: string, match: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const f = (v: T): void => {
      if (!match(v)) return;
      clearTimeout(timer);
      emitter.off(event, f);
      resolve(v);
    };
    const timer = setTimeout(() => {
      emitter.off(event, f);
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on(event, f);
  });
}
