/** Runs the hub: opens its database, serves the API, stops cleanly on SIGTERM. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../shared/log.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { openDb, type Db } from './db/open.js';
import { createHubApp } from './app.js';
import type { HubConfig } from './config.js';

export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '***' } });
}

export interface RunningHub {
  url: string;
  port: number;
  db: Db;
  close(): Promise<void>;
}

export async function startHub(config: HubConfig, deps: { log: Logger; clock?: Clock }): Promise<RunningHub> {
  const db = openDb(config.db_path);
  const clock = deps.clock ?? systemClock;
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const publicUrl = config.public_url ?? `http://${config.host}:${config.port}`;
    const { app } = createHubApp({ publicUrl, cookieSecure: config.cookie_secure, maxBodyBytes: config.max_body_bytes }, { db, log: deps.log, clock });
    server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info: AddressInfo) => resolve(info.port));
    server.once('error', reject);
  });
  const url = config.public_url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  deps.log.info({ url, port, db: config.db_path }, 'listening');
  return {
    url,
    port,
    db,
    close: () =>
      new Promise<void>((resolve) => {
        server!.close(() => {
          db.close();
          resolve();
        });
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
