/** The hub's configuration: a JSON file (--config) plus EDGEPROV_HUB_* overrides. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { resolveConfig } from '../shared/config.js';
import { ProvError } from '../shared/errors.js';

export const HubConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    db_path: z.string().min(1).default('./edgeprov-hub.db'),
    public_url: z.string().url().optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    cookie_secure: z.boolean().default(false),
    max_body_bytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
  })
  .strict();
export type HubConfig = z.infer<typeof HubConfig>;

export const HUB_ENV_PREFIX = 'EDGEPROV_HUB_';

export function loadHubConfig(path: string | undefined, env: Record<string, string | undefined>): HubConfig {
  let file: { path: string; json: unknown } | undefined;
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ProvError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`);
    }
    try {
      file = { path, json: JSON.parse(text) };
    } catch (err) {
      throw new ProvError('CONFIG_INVALID', `${path} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return resolveConfig(HubConfig, file, env, HUB_ENV_PREFIX);
}
