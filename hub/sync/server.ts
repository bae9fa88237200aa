/**
 * The hub's sync endpoint (DESIGN §7): a `ws` server sharing the hub's HTTP server
 * (`noServer: true`). The site token is checked in the HTTP `upgrade` handler, before a
 * WebSocket exists (ws README, "Client authentication"); the site comes from the token only.
 *
 * A session is a cursor over the change log, not a queue: a commit (HubStore.onCommit) wakes
 * the sessions of the sites it touched and each reads `deltaFor` from where it is. A slow edge
 * therefore costs the hub one page of rows at most — the session stops reading the DB while the
 * socket's `bufferedAmount` is above a threshold and continues when the kernel has taken it.
 * Each pass is an atomic catch-up: the hub fixes `until = hub_seq` and marks every frame before
 * it `more: true`, so the edge commits an outage's worth of changes at once.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Clock } from '../../shared/clock.js';
import {
  CLOSE, decodeFrame, encodeFrame, SYNC_ERR, SYNC_PROTO, SyncFrameError,
  type DigestFrame, type EdgeFrame, type FrameInput, type HelloFrame,
} from '../../shared/sync/protocol.js';
import { planResume } from '../../shared/sync/resume.js';
import { projectionDigest, sameDigest } from '../../shared/sync/digest.js';
import type { CommitInfo, HubStore } from '../db/store.js';
import { deltaFor, hubEpoch, hubSeq, snapshotFor } from './projection.js';
import { floorSeq } from './retention.js';
import { syncCountersForEdge } from '../domain/counters.js';
import {
  authenticateSiteToken, edgeActor, eventsUpTo, forceSnapshotPending, ingestEvents, markAllOffline, recordAck, recordDigest, recordNack,
  recordSeen, sessionClosed, sessionHello, sessionOpened, takeForceSnapshot, tokenActive, type TokenIdentity,
} from './state.js';

/** The URL path edges dial. */
export const SYNC_PATH = '/sync/v1';

export interface SyncServerOptions {
  /** Default SYNC_PATH. */
  path?: string;
  /** Ping every edge this often (default 30 s). */
  pingIntervalMs?: number;
  /** Terminate a socket whose pong is this late (default 10 s): a dead link is found within ping + grace. */
  pongTimeoutMs?: number;
  /** Largest frame accepted from an edge (default 16 MiB). */
  maxPayload?: number;
  /** Change-log rows per frame (default 500; a transaction is never split). */
  pageRows?: number;
  /** Stop reading the DB for a session while this much is queued on its socket (default 1 MiB). */
  highWaterBytes?: number;
  /**
   * Also look at the DB this often (default 1 s; 0: never) for what another process wrote:
   * new change-log rows, revoked tokens, "resync site" flags. In-process writes wake at once.
   */
  pollMs?: number;
  /** Answer a digest (anti-entropy) from an edge at all (default true). */
  antiEntropy?: boolean;
  /**
   * A commit that touched other sites only moves an edge's cursor too, by an empty batch (a
   * bookmark) sent this long after it (default 1 s), so bursts cost one bookmark and the lag shown
   * for an idle site stays near zero.
   */
  bookmarkMs?: number;
}

export interface SyncServerDeps {
  store: HubStore;
  log: Logger;
  clock: Clock;
}

export interface SessionInfo {
  site_id: number;
  token_id: number;
  remote: string | null;
  sent_seq: number;
  state: Session['state'];
}

/** Events: `session-opened` / `session-closed` ({site_id}), `ack` ({site_id, seq}). */
export interface SyncServer extends EventEmitter {
  /** Handles an HTTP upgrade if it is for the sync path; returns false otherwise (the caller answers). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Registers the upgrade handler on an HTTP server; other upgrade paths get 404. */
  attach(server: Server): void;
  sessions(): SessionInfo[];
  /** Looks at the DB now, as the poll timer does. */
  reconcile(): void;
  close(): Promise<void>;
}

const DEFAULTS = {
  path: SYNC_PATH,
  pingIntervalMs: 30_000,
  pongTimeoutMs: 10_000,
  maxPayload: 16 * 1024 * 1024,
  pageRows: 500,
  highWaterBytes: 1024 * 1024,
  pollMs: 1000,
  antiEntropy: true,
  bookmarkMs: 1000,
} satisfies Required<SyncServerOptions>;

function checkOptions(o: Required<SyncServerOptions>): void {
  for (const k of ['pingIntervalMs', 'pongTimeoutMs', 'maxPayload', 'pageRows', 'highWaterBytes'] as const) {
    if (!Number.isInteger(o[k]) || o[k] <= 0) throw new TypeError(`sync server option ${k} must be a positive integer`);
  }
  if (!Number.isInteger(o.pollMs) || o.pollMs < 0) throw new TypeError('sync server option pollMs must be 0 or a positive integer');
  if (!Number.isInteger(o.bookmarkMs) || o.bookmarkMs < 0) throw new TypeError('sync server option bookmarkMs must be 0 or a positive integer');
  if (!o.path.startsWith('/')) throw new TypeError('sync server option path must start with /');
}

function reject(socket: Duplex, status: number, text: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 401 ? 'WWW-Authenticate: Bearer realm="edgeprov-sync"\r\n' : '') +
      `\r\n${body}`,
  );
  socket.destroy();
}

class Session {
  state: 'hello' | 'live' | 'closed' = 'hello';
  sentCursor = 0;
  epoch = '';
  /** The `until` of an admin-resync snapshot sent and not yet acked (the flag is cleared on its ack). */
  resyncUntil: number | null = null;
  #running = false;
  #again = false;
  #snapshot: string | null = null;
  #drain: Array<() => void> = [];
  #bookmark: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #pong: ReturnType<typeof setTimeout> | undefined;
  readonly log: Logger;

  constructor(
    readonly srv: SyncServerImpl,
    readonly ws: WebSocket,
    readonly id: TokenIdentity,
    readonly remote: string | null,
  ) {
    this.log = srv.log.child({ site: id.site_id, remote });
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('pong', () => {
      if (this.#pong) clearTimeout(this.#pong);
      this.#pong = undefined;
      this.#seen();
    });
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'sync: socket error'));
    this.#ping = setInterval(() => this.#heartbeat(), srv.o.pingIntervalMs);
  }

  get db() {
    return this.srv.store.db;
  }

  #now(): string {
    return this.srv.clock.now().toISOString();
  }

  #seen(): void {
    if (this.state !== 'closed') recordSeen(this.db, this.id.site_id, this.#now());
  }

  /** The ws FAQ heartbeat: a pong must come back within the grace, or the link is dead (no FIN needed). */
  #heartbeat(): void {
    if (this.state === 'closed' || this.#pong) return;
    this.#pong = setTimeout(() => {
      this.log.warn({ graceMs: this.srv.o.pongTimeoutMs }, 'sync: pong missed; terminating');
      this.ws.terminate();
    }, this.srv.o.pongTimeoutMs);
    try {
      this.ws.ping();
    } catch {
      this.ws.terminate();
    }
  }

  send(frame: FrameInput): void {
    if (this.state === 'closed') return;
    this.ws.send(encodeFrame(frame), () => this.#drained());
  }

  #drained(): void {
    if (this.ws.bufferedAmount > this.srv.o.highWaterBytes && this.state !== 'closed') return;
    const waiters = this.#drain;
    this.#drain = [];
    for (const w of waiters) w();
  }

  /** Resolves once the socket has room (or is closed): the hub reads the next page only then. */
  #writable(): Promise<void> {
    if (this.state === 'closed' || this.ws.bufferedAmount <= this.srv.o.highWaterBytes) return Promise.resolve();
    return new Promise((resolve) => this.#drain.push(resolve));
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
    // A peer that never answers the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  #fail(code: number, errCode: string, message: string): void {
    this.send({ t: 'error', code: errCode, message });
    this.close(code, errCode);
  }

  #onClose(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.#ping);
    if (this.#pong) clearTimeout(this.#pong);
    if (this.#bookmark) clearTimeout(this.#bookmark);
    this.#drained();
    this.srv.sessionEnded(this);
    this.log.info({ code, reason }, 'sync: edge disconnected');
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    let f: EdgeFrame;
    try {
      if (isBinary) throw new SyncFrameError('binary frames are not part of the protocol');
      f = decodeFrame(data.toString()) as EdgeFrame;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn({ err: message }, 'sync: bad frame from edge');
      this.#fail(CLOSE.BAD_FRAME, SYNC_ERR.BAD_FRAME, message);
      return;
    }
    try {
      this.#handle(f);
    } catch (err) {
      this.log.error({ err }, 'sync: handling a frame failed');
      this.#fail(CLOSE.BAD_FRAME, 'SYNC_ERR_INTERNAL', 'the hub failed to handle a frame; see its log');
    }
  }

  #handle(f: EdgeFrame): void {
    if (f.t !== 'hello' && this.state === 'hello') {
      this.#fail(CLOSE.BAD_FRAME, SYNC_ERR.UNEXPECTED, `${f.t} before hello`);
      return;
    }
    const now = this.#now();
    switch (f.t) {
      case 'hello':
        // A repeated hello (a duplicated frame) changes nothing: the session already resumed.
        if (this.state !== 'hello') return;
        return this.#hello(f);
      case 'ack':
        recordAck(this.db, this.id.site_id, Math.min(f.seq, this.sentCursor), now);
        // "Resync site" is done once the edge has committed the snapshot, not when it was sent:
        // a snapshot written to a socket that turns out dead must not use up the request.
        if (this.resyncUntil !== null && f.seq >= this.resyncUntil) {
          this.resyncUntil = null;
          takeForceSnapshot(this.db, this.id.site_id);
        }
        this.srv.emitAck(this.id.site_id, f.seq);
        return;
      case 'nack':
        recordNack(this.db, this.id.site_id, { ...f.error, seq: f.seq }, now);
        this.log.warn({ seq: f.seq, error: f.error }, 'sync: edge refused a batch');
        return;
      case 'events': {
        // Through the store: a count another site's edge raised is logged to the device's site.
        const r = this.srv.store.write(edgeActor(this.id.site_id), (w) => ingestEvents(w, this.id.site_id, f.db_id, f.items));
        if (r.stored > 0 || r.duplicates > 0) this.log.debug({ ...r }, 'sync: edge events stored');
        this.send({ t: 'events-ack', db_id: f.db_id, up_to: r.upTo });
        return;
      }
      case 'digest':
        return this.#digest(f, now);
    }
  }

  #hello(h: HelloFrame): void {
    const db = this.db;
    // Before planning: an edge DB that did not count what its site's slots hold (a wiped edge) is
    // sent those counts, in the delta or snapshot it is about to get.
    this.srv.store.write(edgeActor(this.id.site_id), (w) => syncCountersForEdge(w, this.id.site_id, h.outbox.db_id));
    const epoch = hubEpoch(db);
    const seq = hubSeq(db);
    const plan = planResume({ hello: h, hubEpoch: epoch, hubSeq: seq, floorSeq: floorSeq(db), proto: SYNC_PROTO, forceResync: forceSnapshotPending(db, this.id.site_id) });
    this.epoch = epoch;
    sessionHello(db, this.id.site_id, { now: this.#now(), version: h.version, proto: h.proto, mode: plan.mode, reason: plan.reason, db_id: h.outbox.db_id });
    this.log.info({ version: h.version, cursor: h.cursor, hubSeq: seq, ...plan }, 'sync: edge hello');
    this.send({
      t: 'ready', site_id: this.id.site_id, epoch, hub_seq: seq, mode: plan.mode, reason: plan.reason,
      events_up_to: eventsUpTo(db, this.id.site_id, h.outbox.db_id),
    });
    this.state = 'live';
    if (plan.mode === 'snapshot') this.#snapshot = plan.reason;
    else this.sentCursor = h.cursor;
    this.wake();
  }

  #digest(f: DigestFrame, now: string): void {
    if (!this.srv.o.antiEntropy) return;
    const db = this.db;
    // The hub can only compare its current projection; if the site changed after the edge's
    // cursor (or a snapshot is on its way), the comparison would be meaningless: try later.
    const skipped = f.epoch !== this.epoch || this.#running || this.#snapshot !== null || f.cursor !== this.sentCursor ||
      deltaFor(db, this.id.site_id, f.cursor, 1).changes.length > 0;
    if (skipped) {
      this.send({ t: 'digest-result', cursor: f.cursor, result: 'skipped' });
      return;
    }
    const snap = snapshotFor(db, this.id.site_id);
    const ok = sameDigest(projectionDigest(snap.changes), f.digest);
    recordDigest(db, this.id.site_id, ok ? 'match' : 'mismatch', now);
    this.send({ t: 'digest-result', cursor: f.cursor, result: ok ? 'match' : 'mismatch' });
    if (!ok) {
      this.log.warn({ cursor: f.cursor, edge: f.digest }, 'sync: anti-entropy digest mismatch; sending a snapshot');
      this.requestSnapshot('digest mismatch');
    }
  }

  requestSnapshot(reason: string): void {
    if (this.state !== 'live') return; // a session still in hello reads the flag itself
    this.#snapshot = reason;
    this.wake();
  }

  /** A wake-up a little later, for commits that did not touch this site (coalesced). */
  wakeLater(ms: number): void {
    if (this.state !== 'live' || this.#bookmark) return;
    this.#bookmark = setTimeout(() => {
      this.#bookmark = undefined;
      this.wake();
    }, ms);
  }

  /** Runs the session's one loop (snapshot, then deltas) unless it runs already; then it loops again. */
  wake(): void {
    if (this.state !== 'live') return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#run()
      .catch((err: unknown) => {
        this.log.error({ err }, 'sync: session failed');
        this.#fail(CLOSE.BAD_FRAME, 'SYNC_ERR_INTERNAL', 'the hub failed to read the change log; see its log');
      })
      .finally(() => {
        this.#running = false;
      });
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      if (this.#snapshot !== null) {
        const reason = this.#snapshot;
        this.#snapshot = null;
        const until = await this.#sendSnapshot(reason);
        if (reason === 'admin resync' && until !== null) this.resyncUntil = until;
      }
      await this.#sendDelta();
    } while ((this.#again || this.#snapshot !== null) && this.state === 'live');
  }

  /** Sends the site's snapshot; returns its `until`, or null if the socket closed first. */
  async #sendSnapshot(reason: string): Promise<number | null> {
    const snap = snapshotFor(this.db, this.id.site_id);
    const size = this.srv.o.pageRows;
    const pages = Math.max(1, Math.ceil(snap.changes.length / size));
    this.log.info({ reason, rows: snap.changes.length, until: snap.cursor }, 'sync: sending a snapshot');
    this.send({ t: 'snap-begin', epoch: snap.epoch, until: snap.cursor, pages, rows: snap.changes.length, reason });
    for (let i = 0; i < pages; i++) {
      await this.#writable();
      if (this.state !== 'live') return null;
      this.send({ t: 'snap-page', epoch: snap.epoch, until: snap.cursor, page: i, changes: snap.changes.slice(i * size, (i + 1) * size) });
    }
    this.send({ t: 'snap-end', epoch: snap.epoch, until: snap.cursor, pages });
    this.sentCursor = snap.cursor;
    this.epoch = snap.epoch;
    return snap.cursor;
  }

  async #sendDelta(): Promise<void> {
    const until = hubSeq(this.db);
    while (this.state === 'live' && this.sentCursor < until) {
      await this.#writable();
      if (this.state !== 'live' || this.#snapshot !== null) return;
      const b = deltaFor(this.db, this.id.site_id, this.sentCursor, this.srv.o.pageRows);
      if (b.cursor <= this.sentCursor) return;
      // Rows of other sites move the cursor too: an empty batch is a bookmark ("nothing for you up to here").
      this.send({ t: 'batch', epoch: b.epoch, prev: this.sentCursor, cursor: b.cursor, more: b.cursor < until, changes: b.changes });
      this.sentCursor = b.cursor;
    }
  }
}

class SyncServerImpl extends EventEmitter implements SyncServer {
  readonly o: Required<SyncServerOptions>;
  readonly store: HubStore;
  readonly log: Logger;
  readonly clock: Clock;
  readonly #wss: WebSocketServer;
  readonly #bySite = new Map<number, Session>();
  readonly #unsubscribe: () => void;
  readonly #poll: ReturnType<typeof setInterval> | undefined;
  #lastSeq: number;
  #closing = false;

  constructor(options: SyncServerOptions, deps: SyncServerDeps) {
    super();
    this.o = { ...DEFAULTS, ...options };
    checkOptions(this.o);
    this.store = deps.store;
    this.log = deps.log.child({ component: 'sync' });
    this.clock = deps.clock;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.o.maxPayload, perMessageDeflate: false, clientTracking: false });
    markAllOffline(this.store.db, this.clock.now().toISOString());
    this.#lastSeq = hubSeq(this.store.db);
    this.#unsubscribe = this.store.onCommit((c) => this.#onCommit(c));
    if (this.o.pollMs > 0) {
      this.#poll = setInterval(() => {
        try {
          this.reconcile();
        } catch (err) {
          this.log.error({ err }, 'sync: reconcile failed');
        }
      }, this.o.pollMs);
      this.#poll.unref();
    }
  }

  #onCommit(c: CommitInfo): void {
    if (c.txid !== null) {
      this.#lastSeq = hubSeq(this.store.db);
      for (const s of this.#bySite.values()) {
        if (c.sites.has(null) || c.sites.has(s.id.site_id)) s.wake();
        else s.wakeLater(this.o.bookmarkMs);
      }
    }
    for (const sg of c.signals) {
      const s = this.#bySite.get(sg.site_id);
      if (!s) continue;
      if (sg.kind === 'resync') s.requestSnapshot('admin resync');
      else if (sg.kind === 'token-revoked' && s.id.token_id === sg.token_id) {
        s.log.info({ token: sg.token_id }, 'sync: token revoked; closing the socket');
        s.close(CLOSE.TOKEN_REVOKED, SYNC_ERR.TOKEN_REVOKED);
      }
    }
  }

  reconcile(): void {
    const db = this.store.db;
    const seq = hubSeq(db);
    const moved = seq !== this.#lastSeq;
    this.#lastSeq = seq;
    for (const s of this.#bySite.values()) {
      if (!tokenActive(db, s.id.token_id)) {
        s.close(CLOSE.TOKEN_REVOKED, SYNC_ERR.TOKEN_REVOKED);
        continue;
      }
      if (s.resyncUntil === null && forceSnapshotPending(db, s.id.site_id)) s.requestSnapshot('admin resync');
      else if (moved) s.wake();
    }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (path !== this.o.path) return false;
    socket.on('error', () => socket.destroy());
    if (this.#closing) {
      reject(socket, 503, 'Service Unavailable', SYNC_ERR.SHUTDOWN, 'the hub is shutting down');
      return true;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const id = bearer ? authenticateSiteToken(this.store.db, bearer) : undefined;
    if (!id) {
      this.log.warn({ remote: req.socket.remoteAddress ?? null }, 'sync: upgrade refused: missing, unknown or revoked site token');
      reject(socket, 401, 'Unauthorized', 'UNAUTHENTICATED', 'a valid site token is needed: Authorization: Bearer <site token>');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#connected(ws, id, req));
    return true;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.handleUpgrade(req, socket, head)) reject(socket, 404, 'Not Found', 'NOT_FOUND', `no WebSocket endpoint at ${req.url ?? '/'}`);
    });
  }

  #connected(ws: WebSocket, id: TokenIdentity, req: IncomingMessage): void {
    if (this.#closing) {
      ws.terminate();
      return;
    }
    const remote = req.socket.remoteAddress ? `${req.socket.remoteAddress}:${req.socket.remotePort ?? ''}` : null;
    const old = this.#bySite.get(id.site_id);
    // One stream per site: a reconnecting edge replaces its half-open predecessor.
    if (old) old.close(CLOSE.REPLACED, SYNC_ERR.REPLACED);
    const s = new Session(this, ws, id, remote);
    this.#bySite.set(id.site_id, s);
    sessionOpened(this.store.db, id.site_id, { now: this.clock.now().toISOString(), remote });
    s.log.info('sync: edge connected');
    this.emit('session-opened', { site_id: id.site_id });
  }

  sessionEnded(s: Session): void {
    if (this.#bySite.get(s.id.site_id) !== s) return;
    this.#bySite.delete(s.id.site_id);
    if (this.store.db.open) sessionClosed(this.store.db, s.id.site_id, this.clock.now().toISOString());
    this.emit('session-closed', { site_id: s.id.site_id });
  }

  emitAck(site: number, seq: number): void {
    this.emit('ack', { site_id: site, seq });
  }

  sessions(): SessionInfo[] {
    return [...this.#bySite.values()].map((s) => ({ site_id: s.id.site_id, token_id: s.id.token_id, remote: s.remote, sent_seq: s.sentCursor, state: s.state }));
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#unsubscribe();
    if (this.#poll) clearInterval(this.#poll);
    const sessions = [...this.#bySite.values()];
    await Promise.all(
      sessions.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.state === 'closed') return resolve();
            s.ws.once('close', () => resolve());
            s.close(CLOSE.SHUTDOWN, SYNC_ERR.SHUTDOWN);
          }),
      ),
    );
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

export function createSyncServer(options: SyncServerOptions, deps: SyncServerDeps): SyncServer {
  return new SyncServerImpl(options, deps);
}
