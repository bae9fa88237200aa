/** Runs the hub: opens its database, serves the API, stops cleanly on SIGTERM. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../shared/log.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { openDb, type Db } from './db/open.js';
import { createHubApp } from './app.js';
import type { HubConfig } from './config.js';
import type { Server } from 'node:http';
import { closeGracefully } from '../shared/shutdown.js';
import { createSyncServer, startRetentionJob, SYNC_PATH } from './sync/index.js';

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '***' } });
}

export interface RunningHub {
  url: string;
  port: number;
  db: Db;
  /**
   * The graceful stop (SIGTERM): stop accepting, close the edges' sync sockets (they reconnect to
   * the next hub), let API requests in progress finish for at most `graceMs`, then close the DB
   * with its WAL checkpointed. Resolves with how many connections had to be cut.
   */
  shutdown(graceMs: number): Promise<{ httpCut: number }>;
  /** Stops at once (tests, the demo). */
  close(): Promise<void>;
}

export async function startHub(config: HubConfig, deps: { log: Logger; clock?: Clock }): Promise<RunningHub> {
  const db = openDb(config.db_path);
  const clock = deps.clock ?? systemClock;
  const { app, hub } = createHubApp(
    { publicUrl: config.public_url ?? `http://${config.host}:${config.port}`, cookieSecure: config.cookie_secure, maxBodyBytes: config.max_body_bytes },
    { db, log: deps.log, clock },
  );
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info: AddressInfo) => resolve(info.port));
    server.once('error', reject);
  });
  const url = config.public_url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // With port 0 the real port is known only now; firewall facts must name it.
  hub.publicUrl = url;
  // Edges dial in on the same HTTP server (DESIGN §7); the upgrade is authenticated before a socket exists.
  const sync = createSyncServer({ pingIntervalMs: config.sync_ping_ms, pongTimeoutMs: config.sync_pong_timeout_ms }, { store: hub.store, log: deps.log, clock });
  sync.attach(server as unknown as Server);
  const retention = startRetentionJob({ retentionDays: config.retention_days }, { db, clock, log: deps.log });
  deps.log.info({ url, port, db: config.db_path, sync_path: SYNC_PATH }, 'listening');
  const closeDb = (): void => {
    // Fold the WAL into the main file: a stopped hub leaves one self-contained DB file.
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      deps.log.warn({ err }, 'wal checkpoint failed');
    }
    db.close();
  };
  let closed = false;
  return {
    url,
    port,
    db,
    shutdown: async (graceMs) => {
      if (closed) return { httpCut: 0 };
      closed = true;
      retention.stop();
      const drained = closeGracefully(server as unknown as Server, graceMs);
      await sync.close();
      const { cut } = await drained;
      closeDb();
      return { httpCut: cut };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      retention.stop();
      await sync.close();
      await new Promise<void>((resolve) => {
        server!.close(() => {
          closeDb();
          resolve();
        });
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
