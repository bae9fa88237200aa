/**
 * Runs the edge daemon: opens the SQLite cache, starts the phone-facing HTTP(S), TFTP and DHCP
 * servers on one request pipeline, syncs with the hub when `hub_url` and `site_token` are set, and
 * stops cleanly. DHCP binds only while the site's DHCP mode (from the hub) is not `off`; its
 * leases are the pipeline's lease binding. Without a hub the cache serves what was applied to it.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../shared/clock.js';
import { createCache, type Cache } from './cache/index.js';
import { createPhoneAuth, createPhoneHttpServer } from './http/index.js';
import { createMetrics, createPipeline, type Metrics, type PhoneAnswer, type Pipeline } from './pipeline/index.js';
import { createTftpServer, TFTP_ERROR, type TftpFileAnswer, type TftpLogFields, type TftpServer } from './tftp/index.js';
import type { DaemonConfig } from './config.js';
import { createDhcpServer, type DhcpServer } from './dhcp/index.js';
import type { SyncClient } from './sync/index.js';

/** Shown on the hub per site. */
export const DAEMON_VERSION = '0.1.0';

export interface DaemonDeps {
  log: Logger;
  /** The one line per phone request (see daemon/log.ts); default `log`. */
  requestLog?: Logger;
  clock?: Clock;
  /** The MAC an IP was leased to; default: this daemon's own DHCP leases. */
  leaseOwner?: (ip: string) => string | undefined;
}

export interface RunningDaemon {
  httpPort: number;
  httpsPort: number | undefined;
  tftpPort: number;
  cache: Cache;
  pipeline: Pipeline;
  metrics: Metrics;
  tftp: TftpServer;
  dhcp: DhcpServer;
  sync: SyncClient | undefined;
  /** Re-reads the HTTPS certificate and key (SIGHUP); throws CONFIG_INVALID and keeps the old pair on a bad one. */
  reloadTls(): void;
  /**
   * The graceful stop (SIGTERM): stop accepting on every protocol, let TFTP and HTTP transfers in
   * progress finish for at most `graceMs`, ship the outbox to the hub if connected (at most
   * `OUTBOX_FLUSH_MS`), then close the cache with its WAL checkpointed.
   */
  shutdown(graceMs: number): Promise<ShutdownReport>;
  /** Stops at once: transfers in progress are cut (tests, failed starts). */
  close(): Promise<void>;
}

export interface ShutdownReport {
  /** TFTP transfers still running at the bound (cut). */
  tftpCut: number;
  /** HTTP(S) connections still open at the bound (cut). */
  httpCut: number;
  /** Outbox events the hub had not taken (shipped at the next start). */
  outboxLeft: number;
}

/** How long a graceful stop waits for the hub to take the outbox, after the transfers have ended. */
export const OUTBOX_FLUSH_MS = 3000;

/**
 * A pipeline answer as TFTP says it: DATA, ERROR 1 (not found), ERROR 2 (refused), ERROR 0, or
 * silence (throttled). The pipeline's request-line fields ride along, so the TFTP server's one line
 * per request carries them (the pipeline's outcome as `answer`; `outcome` is how the transfer ended).
 */
export function tftpAnswer(a: PhoneAnswer): TftpFileAnswer {
  const extra = a.logFields ? { log: a.logFields } : {};
  switch (a.status) {
    case 200:
      return { data: a.body ?? Buffer.alloc(0), ...extra };
    case 404:
      return { error: { code: TFTP_ERROR.FILE_NOT_FOUND, message: 'File not found' }, ...extra };
    case 401:
    case 403:
    case 405:
      return { error: { code: TFTP_ERROR.ACCESS_VIOLATION, message: 'Access violation' }, ...extra };
    case 429:
      return { drop: true, ...extra };
    default:
      return { error: { code: TFTP_ERROR.NOT_DEFINED, message: 'internal error' }, ...extra };
  }
}

export async function startDaemon(config: DaemonConfig, deps: DaemonDeps): Promise<RunningDaemon> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log;
  const cache = createCache({ path: config.db_path }, { clock });
  const metrics = createMetrics();
  // MD5 first: it is what phones implement, and some read only the first challenge (RFC 7616 lets
  // the server order them by preference; SHA-256 follows for clients that prefer it).
  const auth = createPhoneAuth({ realm: config.realm, nonceTtlMs: config.nonce_ttl_s * 1000, algorithms: ['MD5', 'SHA-256'] }, () => clock.now().getTime());
  const dhcp = createDhcpServer(
    { recvBufferSize: config.dhcp_recv_buffer_bytes, declineQuarantineMs: config.dhcp_decline_quarantine_s * 1000, authoritative: config.dhcp_authoritative },
    { db: cache.db, log, clock, site: () => cache.site(), knownMac: (mac) => cache.device(mac) !== undefined, generation: () => cache.generation },
  );
  const pipeline = createPipeline(
    { scanCoolingMs: config.scan_cooling_s * 1000, uploadRing: config.upload_ring, render: { maxBytes: config.render_cache_bytes } },
    {
      cache, log, clock, auth, metrics, ...(deps.requestLog ? { requestLog: deps.requestLog } : {}),
      leaseOwner: deps.leaseOwner ?? ((ip) => dhcp.leaseOwner(ip)),
    },
  );
  // DHCP statistics read /proc: at most once a second, however often /metrics is scraped.
  let dhcpStats = { at: 0, value: dhcp.stats() };
  const dhcpStat = (key: keyof ReturnType<DhcpServer['stats']>) => () => {
    const now = clock.now().getTime();
    if (now - dhcpStats.at > 1000) dhcpStats = { at: now, value: dhcp.stats() };
    const v = dhcpStats.value[key];
    return typeof v === 'number' ? v : NaN;
  };
  for (const key of ['offers', 'acks', 'naks', 'declines', 'releases', 'informs', 'malformed', 'poolSize', 'poolUsed', 'rcvbufErrors'] as const) {
    metrics.gauge(`edgeprov_dhcp_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, `DHCP ${key} (see daemon/dhcp stats()).`, dhcpStat(key));
  }
  const outboxDepth = cache.db.prepare(`SELECT count(*) FROM outbox`).pluck();
  metrics.gauge('edgeprov_outbox_depth', 'Events waiting in the outbox for the hub.', () => outboxDepth.get() as number);
  metrics.gauge('edgeprov_sync_lag_seconds', 'Seconds since a sync batch was last applied to the cache (NaN: never).', () => {
    const at = cache.state().applied_at;
    return at === null ? NaN : (clock.now().getTime() - Date.parse(at)) / 1000;
  });
  metrics.gauge('edgeprov_render_cache_entries', 'Rendered files held in memory.', () => pipeline.stats().renderEntries);
  metrics.gauge('edgeprov_scan_blocked_ips', 'Client IPs in their scan cooling period.', () => pipeline.stats().scanBlocked);

  const tftp = createTftpServer(
    {
      maxBlksize: config.tftp_max_blksize,
      maxWindowsize: config.tftp_max_windowsize,
      timeoutMs: config.tftp_timeout_ms,
      retries: config.tftp_retries,
      maxTransfers: config.tftp_max_transfers,
      socketPool: 128,
    },
    {
      // Its one line per request carries no secret (file name, peer, sizes, outcome, and the
      // pipeline's device/vendor/kind/access fields): the cheap logger.
      log: deps.requestLog ?? log,
      provider: (req) => {
        const a = pipeline.handle({ protocol: 'tftp', method: 'GET', path: req.filename, ip: req.remote.address, deferLog: true });
        return a instanceof Promise ? a.then(tftpAnswer) : tftpAnswer(a);
      },
    },
  );
  metrics.gauge('edgeprov_tftp_transfers_active', 'TFTP requests in progress.', () => tftp.stats().active);

  const http = createPhoneHttpServer(
    {
      host: config.http_host,
      port: config.http_port,
      maxUploadBytes: config.max_upload_bytes,
      https: config.https_cert && config.https_key ? { port: config.https_port, cert: config.https_cert, key: config.https_key } : undefined,
    },
    {
      pipeline,
      metrics,
      log,
      health: () => {
        const s = cache.state();
        return { cursor: s.cursor, applied_at: s.applied_at, site: cache.site()?.name ?? null };
      },
    },
  );

  let ports: { httpPort: number; httpsPort: number | undefined };
  let tftpPort: number;
  try {
    ports = await http.listen();
    tftpPort = (await tftp.listen(config.tftp_port, config.tftp_host)).port;
    await dhcp.listen({
      ...(config.dhcp_interface ? { interface: config.dhcp_interface } : {}),
      ...(config.dhcp_address ? { address: config.dhcp_address } : {}),
      port: config.dhcp_port,
    });
  } catch (err) {
    await Promise.allSettled([http.close(), tftp.close(), dhcp.close()]);
    cache.close();
    throw err;
  }
  let sync: SyncClient | undefined;
  if (config.hub_url && config.site_token) {
    // Loaded only when used: the WebSocket client is ~3.5 MB of an edge's resident memory.
    const { createSyncClient } = await import('./sync/index.js');
    sync = createSyncClient(
      { hubUrl: config.hub_url, token: config.site_token, version: DAEMON_VERSION, pingIntervalMs: config.sync_ping_ms, pongTimeoutMs: config.sync_pong_timeout_ms },
      { cache, log, clock },
    );
    // A new site setting (e.g. DHCP mode or pool) applies without a restart.
    sync.on('applied', () => void dhcp.reconcile().catch((err: unknown) => log.error({ err }, 'dhcp: reconcile failed')));
    metrics.gauge('edgeprov_sync_connected', '1 while the WebSocket to the hub is up.', () => (sync!.status().connected ? 1 : 0));
    sync.start();
  }
  log.info(
    {
      httpPort: ports.httpPort, httpsPort: ports.httpsPort ?? null, tftpPort, db: config.db_path,
      site: cache.site()?.name ?? null, cursor: cache.state().cursor,
    },
    'listening',
  );
  let closed = false;
  const closeCache = (): void => {
    // Fold the WAL into the main file so a stopped daemon leaves one self-contained DB file
    // (a backup copy of it alone is complete).
    try {
      cache.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      log.warn({ err }, 'wal checkpoint failed');
    }
    cache.close();
  };
  return {
    ...ports,
    tftpPort,
    cache,
    pipeline,
    metrics,
    tftp,
    dhcp,
    sync,
    reloadTls() {
      http.reloadTls();
    },
    async shutdown(graceMs) {
      if (closed) return { tftpCut: 0, httpCut: 0, outboxLeft: 0 };
      closed = true;
      // DHCP exchanges are single datagrams answered synchronously: nothing to wait for.
      await dhcp.close();
      const [t, h] = await Promise.all([tftp.drain(graceMs), http.drain(graceMs)]);
      await tftp.close();
      const outboxLeft = sync ? (await sync.flushOutbox(OUTBOX_FLUSH_MS)).left : (outboxDepth.get() as number);
      await sync?.stop();
      closeCache();
      return { tftpCut: t.remaining, httpCut: h.cut, outboxLeft };
    },
    async close() {
      if (closed) return;
      closed = true;
      await sync?.stop();
      await Promise.allSettled([http.close(), tftp.close(), dhcp.close()]);
      closeCache();
    },
  };
}
