/**
 * The edge's side of sync (DESIGN §7): one WebSocket the edge dials, authenticated by its site
 * token. It says hello from `cache.state()`, applies what the hub sends through `cache.apply` —
 * each commit one SQLite transaction together with the cursor — acks or nacks, and ships the
 * outbox in batches, pruning on the hub's ack. Frames are handled strictly one at a time.
 *
 * - A catch-up (`batch` frames with `more: true`) is staged in memory and committed once, with
 *   the frame that ends it: an outage's worth of changes becomes visible at once.
 * - A snapshot (`snap-begin`, pages, `snap-end`) is staged in memory too and replaces the mirror
 *   in one transaction at the end; a snapshot cut short is dropped and the old data keeps serving.
 * - A frame continuing from below the edge's position is a replay (ignored); one from above it is
 *   a gap: the edge reconnects and resumes from its committed cursor rather than guess.
 * - Liveness: the edge pings the hub and terminates the socket when a pong is late; it reconnects
 *   with full-jitter backoff (1 s → 60 s, reset after a healthy connection).
 * - Failpoints for crash tests: `EDGEPROV_FAILPOINT=<name>[@<n>]` SIGKILLs the process at the
 *   n-th (default first) pass through a point: `apply:before-commit` (inside the apply
 *   transaction), `apply:after-commit` (before the ack), `snapshot:mid` (after the first snapshot
 *   page), `snapshot:before-commit`, `catchup:mid` (after a staged catch-up frame), `events:sent`.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { Clock } from '../../shared/clock.js';
import {
  CLOSE, decodeFrame, encodeFrame, SYNC_ERR, SYNC_PROTO,
  type EdgeEvent, type FrameInput, type HubFrame, type OutboxPosition, type ReadyFrame,
} from '../../shared/sync/protocol.js';
import { projectionDigest } from '../../shared/sync/digest.js';
import type { ChangeRow, SyncBatch } from '../../shared/sync/types.js';
import type { ApplyResult, Cache } from '../cache/index.js';

/** The path the hub serves sync on (hub/sync/server.ts SYNC_PATH). */
export const SYNC_PATH = '/sync/v1';

export interface SyncClientOptions {
  /** The hub: `http(s)://host:port` (the sync path is added) or a full `ws(s)://` URL. */
  hubUrl: string;
  /** This site's sync token. */
  token: string;
  /** The daemon's version, shown on the hub. */
  version: string;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** A connection that lasted this long resets the backoff (default 2 min). */
  healthyMs?: number;
  handshakeTimeoutMs?: number;
  /** Largest frame accepted from the hub (default 64 MiB). */
  maxPayload?: number;
  /** Outbox events per `events` frame (default 500); one batch in flight at a time. */
  outboxBatch?: number;
  /** Look for new outbox rows this often (default 1 s); `notifyOutbox()` ships at once. */
  outboxPollMs?: number;
  /** Send an anti-entropy digest this often (default daily; 0: never). */
  digestIntervalMs?: number;
  /** `name[@n]`; default process.env.EDGEPROV_FAILPOINT. */
  failpoint?: string | undefined;
}

export interface SyncClientDeps {
  cache: Cache;
  log: Logger;
  clock: Clock;
  /** [0, 1); injected so tests can pin the jitter. */
  random?: () => number;
}

export interface SyncClientStatus {
  connected: boolean;
  ready: boolean;
  cursor: number;
  epoch: string | null;
  staged: number;
  attempts: number;
  replays: number;
  lastError: string | null;
}

export interface AppliedEvent {
  cursor: number;
  snapshot: boolean;
  rows: number;
  changed: number;
}

/**
 * Events: `connected`, `ready` (ReadyFrame), `applied` (AppliedEvent), `replay` (a duplicate
 * frame ignored), `nack` ({seq, error}), `events-acked` ({up_to}), `digest` ({result}),
 * `disconnected` ({code, reason}), `reconnect-scheduled` ({delayMs, attempt}).
 */
export interface SyncClient extends EventEmitter {
  start(): void;
  /**
   * When connected, ships the outbox and waits for the hub to take all of it, for at most
   * `boundMs` (a graceful stop); resolves with the events still waiting (they go at the next start).
   */
  flushOutbox(boundMs: number): Promise<{ left: number }>;
  stop(): Promise<void>;
  status(): SyncClientStatus;
  /** Ship outbox rows now (the pipeline just wrote some). */
  notifyOutbox(): void;
  /** Send a digest now (anti-entropy). */
  sendDigest(): void;
  readonly dbId: string;
}

const DEFAULTS = {
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  backoffMinMs: 1000,
  backoffMaxMs: 60_000,
  healthyMs: 120_000,
  handshakeTimeoutMs: 10_000,
  maxPayload: 64 * 1024 * 1024,
  outboxBatch: 500,
  outboxPollMs: 1000,
  digestIntervalMs: 86_400_000,
};

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^attempt)). */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}

/** The sync URL for a hub base URL. */
export function syncUrl(hubUrl: string): string {
  const u = new URL(hubUrl);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`hub URL ${hubUrl} is not http(s) or ws(s)`);
  if (u.pathname === '/' || u.pathname === '') u.pathname = SYNC_PATH;
  return u.toString();
}

/** A failpoint spec `name[@n]` → a function that SIGKILLs this process at the n-th hit of `name`. */
export function createFailpoints(spec: string | undefined): (name: string) => void {
  if (!spec) return () => {};
  const m = /^([a-z:-]+)(?:@(\d+))?$/.exec(spec.trim());
  if (!m) throw new TypeError(`EDGEPROV_FAILPOINT "${spec}" is not name[@n]`);
  const target = m[1]!;
  const at = Number(m[2] ?? '1');
  let hits = 0;
  return (name) => {
    if (name !== target) return;
    hits++;
    if (hits === at) process.kill(process.pid, 'SIGKILL');
  };
}

/** The random id of this edge DB's outbox sequence and counter slot: a wiped edge shows a new one (sync.md §2.5). */
export function outboxDbId(cache: Cache): string {
  return cache.dbId;
}

/** The edge's mirror as digest rows (live rows only). */
export function mirrorDigest(cache: Cache): ReturnType<typeof projectionDigest> {
  const rows = cache.db.prepare(`SELECT entity, key, data FROM mirror WHERE deleted = 0`).all() as Array<{ entity: string; key: string; data: string }>;
  return projectionDigest(rows.map((r) => ({ entity: r.entity, key: r.key, data: JSON.parse(r.data) as unknown })));
}

interface Staged {
  epoch: string;
  cursor: number;
  rows: ChangeRow[];
}

interface SnapStage {
  epoch: string;
  until: number;
  pages: number;
  next: number;
  rows: ChangeRow[];
}

class SyncClientImpl extends EventEmitter implements SyncClient {
  readonly o: typeof DEFAULTS & SyncClientOptions;
  readonly cache: Cache;
  readonly log: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly dbId: string;
  readonly #failpoint: (name: string) => void;
  readonly #outboxSelect;
  readonly #outboxPrune;
  readonly #outboxBounds;
  readonly #outboxCount;
  #ws: WebSocket | undefined;
  #stopped = true;
  #ready = false;
  #attempt = 0;
  #openedAt = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #pong: ReturnType<typeof setTimeout> | undefined;
  #outboxTimer: ReturnType<typeof setInterval> | undefined;
  #digestTimer: ReturnType<typeof setInterval> | undefined;
  #inflight: number | null = null;
  #staged: Staged | null = null;
  #snap: SnapStage | null = null;
  #cursor = 0;
  #epoch: string | null = null;
  #replays = 0;
  #lastError: string | null = null;

  constructor(options: SyncClientOptions, deps: SyncClientDeps) {
    super();
    this.o = { ...DEFAULTS, ...options };
    for (const k of ['pingIntervalMs', 'pongTimeoutMs', 'backoffMinMs', 'backoffMaxMs', 'healthyMs', 'handshakeTimeoutMs', 'maxPayload', 'outboxBatch', 'outboxPollMs'] as const) {
      if (!Number.isInteger(this.o[k]) || this.o[k] <= 0) throw new TypeError(`sync client option ${k} must be a positive integer`);
    }
    if (this.o.backoffMaxMs < this.o.backoffMinMs) throw new TypeError('sync client option backoffMaxMs must be at least backoffMinMs');
    if (!this.o.token) throw new TypeError('sync client needs a site token');
    syncUrl(this.o.hubUrl);
    this.cache = deps.cache;
    this.log = deps.log.child({ component: 'sync' });
    this.clock = deps.clock;
    this.random = deps.random ?? Math.random;
    this.#failpoint = createFailpoints(options.failpoint ?? process.env.EDGEPROV_FAILPOINT);
    this.dbId = outboxDbId(this.cache);
    const db = this.cache.db;
    this.#outboxSelect = db.prepare(`SELECT id, kind, data, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?`);
    this.#outboxPrune = db.prepare(`DELETE FROM outbox WHERE id <= ?`);
    this.#outboxCount = db.prepare(`SELECT count(*) FROM outbox`).pluck();
    this.#outboxBounds = db.prepare(`SELECT coalesce(min(id), 0) AS first, coalesce(max(id), 0) AS last FROM outbox`);
    const s = this.cache.state();
    this.#cursor = s.cursor;
    this.#epoch = s.epoch;
  }

  status(): SyncClientStatus {
    return {
      connected: this.#ws?.readyState === WebSocket.OPEN,
      ready: this.#ready,
      cursor: this.#cursor,
      epoch: this.#epoch,
      staged: (this.#staged?.rows.length ?? 0) + (this.#snap?.rows.length ?? 0),
      attempts: this.#attempt,
      replays: this.#replays,
      lastError: this.#lastError,
    };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#outboxTimer = setInterval(() => this.notifyOutbox(), this.o.outboxPollMs);
    this.#outboxTimer.unref();
    if (this.o.digestIntervalMs > 0) {
      this.#digestTimer = setInterval(() => this.sendDigest(), this.o.digestIntervalMs);
      this.#digestTimer.unref();
    }
    this.#connect();
  }

  async flushOutbox(boundMs: number): Promise<{ left: number }> {
    const left = (): number => this.#outboxCount.get() as number;
    if (!this.#ready || left() === 0) return { left: left() };
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('events-acked', check);
        this.off('disconnected', done);
        resolve();
      };
      const check = (): void => {
        if (left() === 0) done();
      };
      const timer = setTimeout(done, boundMs);
      this.on('events-acked', check);
      this.on('disconnected', done);
      this.notifyOutbox();
    });
    return { left: left() };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#outboxTimer) clearInterval(this.#outboxTimer);
    if (this.#digestTimer) clearInterval(this.#digestTimer);
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'edge stopping');
      setTimeout(() => ws.terminate(), 2000).unref();
    });
  }

  #send(frame: FrameInput): void {
    const ws = this.#ws;
    if (ws?.readyState === WebSocket.OPEN) ws.send(encodeFrame(frame));
  }

  #connect(): void {
    if (this.#stopped) return;
    const url = syncUrl(this.o.hubUrl);
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${this.o.token}` },
      maxPayload: this.o.maxPayload,
      perMessageDeflate: false,
      handshakeTimeout: this.o.handshakeTimeoutMs,
    });
    this.#ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      this.#lastError = `hub answered the upgrade with HTTP ${res.statusCode ?? '?'}`;
      this.log.warn({ status: res.statusCode }, res.statusCode === 401 ? 'sync: the hub refused the site token' : 'sync: upgrade refused');
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => this.#onOpen(ws));
    ws.on('message', (data, isBinary) => {
      if (this.#ws !== ws) return;
      this.#alive();
      this.#onMessage(isBinary ? null : data.toString());
    });
    ws.on('pong', () => this.#alive());
    ws.on('ping', () => this.#alive());
    ws.on('error', (err) => {
      this.#lastError = err.message;
      this.log.debug({ err: err.message }, 'sync: socket error');
    });
    ws.on('close', (code, reason) => this.#onClose(ws, code, reason.toString()));
  }

  #onOpen(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#openedAt = this.clock.now().getTime();
    this.#ping = setInterval(() => this.#heartbeat(ws), this.o.pingIntervalMs);
    const s = this.cache.state();
    this.#cursor = s.cursor;
    this.#epoch = s.epoch;
    const b = this.#outboxBounds.get() as { first: number; last: number };
    const outbox: OutboxPosition = { db_id: this.dbId, first: b.first, last: b.last };
    this.log.info({ cursor: s.cursor, epoch: s.epoch }, 'sync: connected; hello');
    this.#send({ t: 'hello', proto: SYNC_PROTO, epoch: s.epoch, cursor: s.cursor, outbox, version: this.o.version });
    this.emit('connected');
  }

  #alive(): void {
    if (this.#pong) clearTimeout(this.#pong);
    this.#pong = undefined;
  }

  #heartbeat(ws: WebSocket): void {
    if (this.#pong || ws.readyState !== WebSocket.OPEN) return;
    this.#pong = setTimeout(() => {
      this.log.warn({ graceMs: this.o.pongTimeoutMs }, 'sync: hub pong missed; terminating');
      ws.terminate();
    }, this.o.pongTimeoutMs);
    ws.ping();
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    clearInterval(this.#ping);
    this.#alive();
    const wasReady = this.#ready;
    this.#ready = false;
    this.#inflight = null;
    // Anything staged was never committed: drop it; the hub resends from the committed cursor.
    this.#staged = null;
    this.#snap = null;
    if (this.#openedAt > 0 && this.clock.now().getTime() - this.#openedAt >= this.o.healthyMs) this.#attempt = 0;
    this.#openedAt = 0;
    this.emit('disconnected', { code, reason, wasReady });
    if (this.#stopped) return;
    const delayMs = backoffDelay(this.#attempt, this.o.backoffMinMs, this.o.backoffMaxMs, this.random);
    this.#attempt++;
    this.log.info({ code, reason, delayMs, attempt: this.#attempt }, 'sync: disconnected; reconnecting');
    this.emit('reconnect-scheduled', { delayMs, attempt: this.#attempt });
    this.#retry = setTimeout(() => this.#connect(), delayMs);
  }

  #drop(code: number, errCode: string, message: string): void {
    this.#lastError = `${errCode}: ${message}`;
    this.log.warn({ code: errCode, message }, 'sync: dropping the connection');
    this.#ws?.close(code, errCode);
  }

  #onMessage(text: string | null): void {
    let f: HubFrame;
    try {
      if (text === null) throw new Error('binary frame');
      f = decodeFrame(text) as HubFrame;
    } catch (err) {
      this.#drop(CLOSE.BAD_FRAME, SYNC_ERR.BAD_FRAME, (err as Error).message);
      return;
    }
    switch (f.t) {
      case 'ready':
        return this.#onReady(f);
      case 'batch':
        return this.#onBatch(f);
      case 'snap-begin':
        if (this.#snap && this.#snap.epoch === f.epoch && this.#snap.until === f.until) {
          this.#replay(f);
          return;
        }
        this.#staged = null;
        this.#snap = { epoch: f.epoch, until: f.until, pages: f.pages, next: 0, rows: [] };
        this.log.info({ until: f.until, rows: f.rows, reason: f.reason }, 'sync: snapshot begins');
        return;
      case 'snap-page': {
        const s = this.#snap;
        if (!s) {
          if (f.until <= this.#cursor) return this.#replay(f);
          return this.#drop(CLOSE.GAP, SYNC_ERR.UNEXPECTED, 'snapshot page without snap-begin');
        }
        if (f.epoch !== s.epoch || f.until !== s.until) return this.#drop(CLOSE.GAP, SYNC_ERR.UNEXPECTED, 'snapshot page of another snapshot');
        if (f.page < s.next) return this.#replay(f);
        if (f.page > s.next) return this.#drop(CLOSE.GAP, SYNC_ERR.GAP, `snapshot page ${f.page} after ${s.next - 1}`);
        for (const c of f.changes) s.rows.push(c);
        s.next++;
        if (s.next < s.pages) this.#failpoint('snapshot:mid');
        return;
      }
      case 'snap-end': {
        const s = this.#snap;
        if (!s) {
          if (f.until <= this.#cursor) return this.#replay(f);
          return this.#drop(CLOSE.GAP, SYNC_ERR.UNEXPECTED, 'snap-end without snap-begin');
        }
        if (f.epoch !== s.epoch || f.until !== s.until || s.next !== f.pages) {
          return this.#drop(CLOSE.GAP, SYNC_ERR.GAP, `snapshot ended after ${s.next} of ${f.pages} pages`);
        }
        this.#snap = null;
        this.#apply({ epoch: s.epoch, snapshot: true, cursor: s.until, changes: s.rows }, 'snapshot:before-commit');
        return;
      }
      case 'events-ack': {
        if (f.db_id !== this.dbId) return;
        this.#outboxPrune.run(f.up_to);
        // A duplicated or late ack of an earlier batch must not release the batch now in flight.
        if (this.#inflight !== null && f.up_to < this.#inflight) return;
        this.#inflight = null;
        this.emit('events-acked', { up_to: f.up_to });
        this.notifyOutbox();
        return;
      }
      case 'digest-result':
        this.emit('digest', { result: f.result, cursor: f.cursor });
        if (f.result === 'mismatch') this.log.warn({ cursor: f.cursor }, 'sync: anti-entropy mismatch; the hub sends a snapshot');
        return;
      case 'error':
        this.#lastError = `${f.code}: ${f.message}`;
        this.log.warn({ code: f.code, message: f.message }, 'sync: the hub reported an error');
        return;
    }
  }

  #onReady(f: ReadyFrame): void {
    this.#ready = true;
    this.log.info({ mode: f.mode, reason: f.reason, hubSeq: f.hub_seq, site: f.site_id }, 'sync: ready');
    // The hub already stores these (an ack lost with the last connection): prune them.
    if (f.events_up_to > 0) this.#outboxPrune.run(f.events_up_to);
    this.emit('ready', f);
    this.notifyOutbox();
  }

  #replay(f: HubFrame): void {
    this.#replays++;
    this.emit('replay', f);
  }

  #onBatch(f: Extract<HubFrame, { t: 'batch' }>): void {
    if (this.#snap) return this.#drop(CLOSE.GAP, SYNC_ERR.UNEXPECTED, 'a delta inside a snapshot');
    const pos = this.#staged ? this.#staged.cursor : this.#cursor;
    if (f.prev < pos && f.cursor <= pos) return this.#replay(f);
    if (f.prev !== pos) {
      // A frame overlapping the position (resent from an older cursor) is still safe to apply
      // whole: rows only move forward. A frame from beyond the position means one was lost.
      if (f.prev > pos || this.#staged) return this.#drop(CLOSE.GAP, SYNC_ERR.GAP, `batch continues from ${f.prev}, this edge is at ${pos}`);
    }
    if (this.#staged && this.#staged.epoch !== f.epoch) return this.#drop(CLOSE.GAP, SYNC_ERR.GAP, 'the hub epoch changed inside a catch-up');
    if (f.more) {
      const st = (this.#staged ??= { epoch: f.epoch, cursor: pos, rows: [] });
      for (const c of f.changes) st.rows.push(c);
      st.cursor = f.cursor;
      this.#failpoint('catchup:mid');
      return;
    }
    const st = this.#staged;
    this.#staged = null;
    const changes = st ? (st.rows.push(...f.changes), st.rows) : f.changes;
    this.#apply({ epoch: f.epoch, snapshot: false, cursor: f.cursor, changes }, 'apply:before-commit');
  }

  #apply(batch: SyncBatch, failpoint: string): void {
    let r: ApplyResult;
    try {
      // The failpoint fires inside the transaction, so a kill there leaves the cursor and the rows as before.
      r = this.cache.db.transaction(() => {
        const res = this.cache.apply(batch);
        this.#failpoint(failpoint);
        return res;
      }).immediate();
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      const error = { code: typeof e.code === 'string' ? e.code : SYNC_ERR.APPLY, message: String(e.message ?? err) };
      this.log.error({ err, cursor: batch.cursor, snapshot: batch.snapshot }, 'sync: batch refused; the old data keeps serving');
      this.#send({ t: 'nack', epoch: batch.epoch, seq: batch.cursor, error });
      this.emit('nack', { seq: batch.cursor, error });
      this.#drop(CLOSE.NACK, SYNC_ERR.APPLY, error.message);
      return;
    }
    this.#failpoint('apply:after-commit');
    this.#cursor = r.cursor;
    this.#epoch = batch.epoch;
    this.#send({ t: 'ack', epoch: batch.epoch, seq: r.cursor });
    if (batch.snapshot || batch.changes.length > 0) {
      this.log.info({ cursor: r.cursor, rows: batch.changes.length, changed: r.changed, snapshot: batch.snapshot }, 'sync: applied');
    }
    const ev: AppliedEvent = { cursor: r.cursor, snapshot: batch.snapshot, rows: batch.changes.length, changed: r.changed };
    this.emit('applied', ev);
  }

  notifyOutbox(): void {
    if (!this.#ready || this.#inflight !== null) return;
    const rows = this.#outboxSelect.all(0, this.o.outboxBatch) as Array<{ id: number; kind: string; data: string; created_at: string }>;
    if (rows.length === 0) return;
    const items: EdgeEvent[] = rows.map((r) => ({ id: r.id, kind: r.kind, data: JSON.parse(r.data) as unknown, at: r.created_at }));
    this.#inflight = rows[rows.length - 1]!.id;
    this.#send({ t: 'events', db_id: this.dbId, items });
    this.#failpoint('events:sent');
  }

  sendDigest(): void {
    if (!this.#ready || this.#staged || this.#snap || this.#epoch === null) return;
    this.#send({ t: 'digest', epoch: this.#epoch, cursor: this.#cursor, digest: mirrorDigest(this.cache) });
  }
}

export function createSyncClient(options: SyncClientOptions, deps: SyncClientDeps): SyncClient {
  return new SyncClientImpl(options, deps);
}
