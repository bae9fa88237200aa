/** The hub's configuration: a JSON file (--config) plus EDGEPROV_HUB_* overrides. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readConfigFile, resolveConfig } from '../shared/config.js';

export const HubConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    db_path: z.string().min(1).default('./edgeprov-hub.db'),
    public_url: z.string().url().optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    cookie_secure: z.boolean().default(false),
    max_body_bytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
    sync_ping_ms: z.number().int().min(100).max(600_000).default(30_000),
    sync_pong_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    retention_days: z.number().int().min(1).max(3650).default(30),
    // SIGTERM: how long requests in progress may take to finish (systemd's TimeoutStopSec covers it).
    shutdown_timeout_s: z.number().int().min(0).max(300).default(10),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

export const HUB_ENV_PREFIX = 'EDGEPROV_HUB_';

export function loadHubConfig(path: string | undefined, env: Record<string, string | undefined>): HubConfig {
  const file = readConfigFile(path, readFileSync);
  return resolveConfig(HubConfig, file, env, HUB_ENV_PREFIX);
}
