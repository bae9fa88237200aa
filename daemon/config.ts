/**
 * The edge daemon's configuration: a JSON file (`--config`) plus `EDGEPROV_DAEMON_*` overrides,
 * validated at start with one zod schema through shared/config.ts (as the hub does). Keys are flat
 * so every one can come from the environment.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readConfigFile, resolveConfig } from '../shared/config.js';
import { ProvError } from '../shared/errors.js';

const Port = z.number().int().min(0).max(65535);

export const DaemonConfig = z
  .object({
    db_path: z.string().min(1).default('./edgeprov-edge.db'),
    http_host: z.string().min(1).default('0.0.0.0'),
    http_port: Port.default(80),
    https_port: Port.default(443),
    https_cert: z.string().min(1).optional(),
    https_key: z.string().min(1).optional(),
    tftp_host: z.string().min(1).default('0.0.0.0'),
    tftp_port: Port.default(69),
    tftp_max_blksize: z.number().int().min(8).max(65464).default(1428),
    tftp_max_windowsize: z.number().int().min(1).max(64).default(8),
    tftp_timeout_ms: z.number().int().min(1).max(255_000).default(1000),
    tftp_retries: z.number().int().min(0).max(100).default(5),
    tftp_max_transfers: z.number().int().min(1).max(1_000_000).default(2000),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    realm: z.string().min(1).max(100).regex(/^[^"\\\r\n]+$/, 'no quotes, backslashes or line breaks').default('edgeprov'),
    nonce_ttl_s: z.number().int().min(10).max(86_400).default(300),
    scan_cooling_s: z.number().int().min(1).max(86_400).default(300),
    max_upload_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    upload_ring: z.number().int().min(1).max(1000).default(10),
    // Rendered files kept in memory (bodies plus ~0.5 KiB each), least recently used out; 16 MiB holds a
    // 2,000-phone storm's files. 0 renders every request afresh.
    render_cache_bytes: z.number().int().min(0).max(1 << 30).default(16 * 1024 * 1024),
    hub_url: z.string().url().optional(),
    site_token: z.string().min(1).optional(),
    sync_ping_ms: z.number().int().min(100).max(600_000).default(30_000),
    sync_pong_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    // DHCP runs only where the site's dhcp.mode (set on the hub) is not "off"; these say where it binds.
    dhcp_interface: z.string().min(1).max(15).optional(),
    dhcp_address: z.ipv4().optional(),
    dhcp_port: Port.default(67),
    dhcp_recv_buffer_bytes: z.number().int().min(0).max(1 << 30).default(4 * 1024 * 1024),
    dhcp_decline_quarantine_s: z.number().int().min(0).max(30 * 86_400).default(86_400),
    dhcp_authoritative: z.boolean().default(true),
    // SIGTERM: how long transfers in progress may take to finish (systemd's TimeoutStopSec covers it).
    shutdown_timeout_s: z.number().int().min(0).max(300).default(10),
  })
  .strict();
export type DaemonConfig = z.infer<typeof DaemonConfig>;

export const DAEMON_ENV_PREFIX = 'EDGEPROV_DAEMON_';

export function loadDaemonConfig(path: string | undefined, env: Record<string, string | undefined>): DaemonConfig {
  const file = readConfigFile(path, readFileSync);
  const config = resolveConfig(DaemonConfig, file, env, DAEMON_ENV_PREFIX);
  if ((config.hub_url === undefined) !== (config.site_token === undefined)) {
    throw new ProvError('CONFIG_INVALID', 'invalid configuration:\n  hub_url and site_token go together: set both to sync with the hub, or neither');
  }
  if ((config.https_cert === undefined) !== (config.https_key === undefined)) {
    throw new ProvError('CONFIG_INVALID', 'invalid configuration:\n  https_cert and https_key go together: set both to serve HTTPS, or neither');
  }
  return config;
}
