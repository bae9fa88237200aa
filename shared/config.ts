/**
 * Config resolution shared by both roles: defaults < JSON file < EDGEPROV_<ROLE>_* environment,
 * validated by one zod schema. Pure: the caller reads the file and passes `process.env`.
 */
import { z } from 'zod';
import { ProvError } from './errors.js';

/**
 * Reads a role's JSON config file through `read` (the caller passes node:fs's readFileSync), with
 * one clear CONFIG_INVALID error for a missing file or bad JSON; no path: no file.
 */
export function readConfigFile(path: string | undefined, read: (path: string, encoding: 'utf8') => string): { path: string; json: unknown } | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = read(path, 'utf8');
  } catch (err) {
    throw new ProvError('CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    return { path, json: JSON.parse(text) };
  } catch (err) {
    throw new ProvError('CONFIG_INVALID', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

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
    merged[key] = coerce(raw, schema.shape[key] as z.ZodType);
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => {
      // An unknown key is reported at the object's path; name each key so the admin can find it.
      const keys = i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : [String(i.path[0] ?? '')];
      return keys.map((key) => {
        const from = source[key] ? `environment ${source[key]}` : file && key in (fromFile as object) ? file.path : 'default';
        const what = i.code === 'unrecognized_keys' && i.path.length === 0 ? `${key}: unknown key` : `${i.path.join('.') || '(config)'}: ${i.message}`;
        return `${what} (from ${from})`;
      });
    });
    throw new ProvError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems });
  }
  return result.data;
}

/** The schema under defaults and optionals: what kind of value the key holds. */
function baseType(t: z.ZodType): z.ZodType {
  let s: z.ZodType = t;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * Env values are strings; a key the schema types as number or boolean is read as one, so one
 * schema serves both sources and a numeric host name or path stays a string.
 */
function coerce(raw: string, type: z.ZodType): unknown {
  const base = baseType(type);
  if (base instanceof z.ZodNumber && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (base instanceof z.ZodBoolean && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}
