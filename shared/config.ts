/**
 * Config resolution shared by both roles: defaults < JSON file < EDGEPROV_<ROLE>_* environment,
 * validated by one zod schema. Pure: the caller reads the file and passes `process.env`.
 */
import type { z } from 'zod';
import { ProvError } from './errors.js';

/** `port` → `EDGEPROV_HUB_PORT` for prefix `EDGEPROV_HUB_`. */
export function envName(prefix: string, key: string): string {
  return `${prefix}${key.toUpperCase()}`;
}

export function resolveConfig<S extends z.ZodObject>(
  schema: S,
  file: { path: string; json: unknown } | undefined,
  env: Record<string, string | undefined>,
  prefix: string,
): z.infer<S> {
  const fromFile = file?.json ?? {};
  if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
    throw new ProvError('CONFIG_INVALID', `${file?.path}: the config file must hold a JSON object`);
  }
  const merged: Record<string, unknown> = { ...(fromFile as Record<string, unknown>) };
  const source: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const name = envName(prefix, key);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    source[key] = name;
    merged[key] = coerce(raw);
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const from = source[key] ? `environment ${source[key]}` : file && key in (fromFile as object) ? file.path : 'default';
      return `${i.path.join('.') || '(config)'}: ${i.message} (from ${from})`;
    });
    throw new ProvError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems });
  }
  return result.data;
}

/** Env values are strings; numbers and booleans are read as such so one schema serves both sources. */
function coerce(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return raw;
}
