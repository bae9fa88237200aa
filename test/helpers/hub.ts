/** In-process hub for API tests: a real SQLite file in a temp dir, the real app, app.request(). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { openDb, type Db } from '../../hub/db/open.js';
import { createHubApp } from '../../hub/app.js';
import { HubStore, SYSTEM_ACTOR } from '../../hub/db/store.js';
import { hashPassword, createAccount } from '../../hub/domain/auth.js';
import type { Clock } from '../../shared/clock.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

/** A clock tests can move; the only fake the doctrine allows. */
export class TestClock implements Clock {
  t: number;
  constructor(iso = '2026-01-01T00:00:00.000Z') {
    this.t = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestHub {
  db: Db;
  store: HubStore;
  clock: TestClock;
  dir: string;
  request(method: string, path: string, opts?: { body?: unknown; token?: string | undefined; headers?: Record<string, string> }): Promise<Response>;
  json<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string | undefined; expect?: number }): Promise<T>;
  login(username: string, password: string): Promise<string>;
  adminToken: string;
  close(): void;
}

/** An API error answer: its HTTP status and the fields of its `{error}` body. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  details?: any;
}

/** Sends a request expected to fail; its answer must carry an `{error}` body. */
export async function apiError(h: TestHub, method: string, path: string, body?: unknown, token = h.adminToken): Promise<ApiError> {
  const res = await h.request(method, path, { body, token });
  const text = await res.text();
  const parsed = JSON.parse(text) as { error?: Omit<ApiError, 'status'> };
  assert.ok(parsed.error, `${method} ${path} answered ${res.status} without an error body: ${text}`);
  return { status: res.status, ...parsed.error };
}

/** The same, and it must answer `status`. */
export async function fails(h: TestHub, method: string, path: string, status: number, body?: unknown, token = h.adminToken): Promise<ApiError> {
  const e = await apiError(h, method, path, body, token);
  assert.equal(e.status, status, `${method} ${path}: ${JSON.stringify(e)}`);
  return e;
}

/** Runs `fn` against a fresh in-process hub, closed afterwards whatever happens. */
export async function withHub(fn: (h: TestHub) => Promise<void>): Promise<void> {
  const h = await testHub();
  try {
    await fn(h);
  } finally {
    h.close();
  }
}

let cachedHash: Promise<string> | undefined;

export async function testHub(): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-test-'));
  const db = openDb(join(dir, 'hub.db'));
  const clock = new TestClock();
  const log = pino({ level: 'silent' });
  const { app, hub } = createHubApp({ publicUrl: 'https://hub.example.com' }, { db, log, clock });
  cachedHash ??= hashPassword(ADMIN.password);
  const hash = await cachedHash;
  hub.store.write(SYSTEM_ACTOR, (w) => createAccount(w, { username: ADMIN.username, password_hash: hash, role: 'admin' }));
  const request: TestHub['request'] = (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    return Promise.resolve(app.request(`http://hub.test/api/v1${path}`, { method, headers, body }));
  };
  const th: TestHub = {
    db, store: hub.store, clock, dir, request,
    async json(method, path, opts = {}) {
      const res = await request(method, path, { ...opts, token: opts.token ?? th.adminToken });
      const text = await res.text();
      const expect = opts.expect ?? (method === 'POST' && !path.includes('/actions/') && !path.includes('/import') && !path.includes('/provision') && !path.includes('/auth/') ? 201 : 200);
      if (res.status !== expect) throw new Error(`${method} ${path}: expected ${expect}, got ${res.status}: ${text}`);
      return text === '' ? undefined : JSON.parse(text);
    },
    async login(username, password) {
      const res = await request('POST', '/auth/login', { body: { username, password } });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    adminToken: '',
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  th.adminToken = await th.login(ADMIN.username, ADMIN.password);
  return th;
}

/** Rows of the change log after `afterSeq`, data parsed. */
export function changesSince(db: Db, afterSeq: number): Array<{ seq: number; txid: number; site_id: number | null; entity: string; key: string; deleted: number; data: any }> {
  return (db.prepare(`SELECT * FROM change_log WHERE seq > ? ORDER BY seq`).all(afterSeq) as any[]).map((r) => ({ ...r, data: r.data === null ? null : JSON.parse(r.data) }));
}

export function lastSeq(db: Db): number {
  return (db.prepare(`SELECT coalesce(max(seq), 0) AS s FROM change_log`).get() as { s: number }).s;
}

export function auditSince(db: Db, afterId: number): Array<{ id: number; actor: string; action: string; target_type: string; target_id: string; before: any; after: any }> {
  return (db.prepare(`SELECT * FROM audit_log WHERE id > ? ORDER BY id`).all(afterId) as any[]).map((r) => ({
    ...r, before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after),
  }));
}

export function lastAuditId(db: Db): number {
  return (db.prepare(`SELECT coalesce(max(id), 0) AS s FROM audit_log`).get() as { s: number }).s;
}

/** A site with sensible defaults; returns its id. */
export async function makeSite(h: TestHub, over: Record<string, unknown> = {}): Promise<number> {
  const site = await h.json('POST', '/sites', { body: { name: `Site ${Math.random().toString(36).slice(2, 8)}`, fqdn: 'pbx.example.com', ...over } });
  return site.id;
}

/** A licensed user with `accounts` SIP accounts; returns its id. */
export async function makeUser(h: TestHub, extension: string, accounts = 1, over: Record<string, unknown> = {}): Promise<number> {
  const user = await h.json('POST', '/users', {
    body: {
      extension, display_name: `User ${extension}`,
      sip_accounts: Array.from({ length: accounts }, (_, i) => ({ username: `${extension}${i ? `-${i}` : ''}`, password: `pw-${extension}-${i}` })),
      ...over,
    },
  });
  return user.id;
}
