/** What every format checker returns, and the helpers they share. Pure functions, no I/O. */
import type { Transport } from '../../domain.js';
import type { FormatId } from '../types.js';
import { XmlError, parseXml, type XmlDocument } from './xml.js';

/** One SIP account as a rendered file expresses it, normalised (port a number, transport udp/tcp/tls). */
export interface Account {
  /** 1-based, as the data model's `lines[].index`. */
  index: number;
  username: string;
  auth_username?: string;
  password?: string;
  display_name?: string;
  label?: string;
  server?: string;
  port?: number;
  transport?: Transport;
}

export type AccountField = Exclude<keyof Account, 'index'>;

export interface ParsedConfig {
  format: FormatId;
  /** Accounts with a user name, by index. Blocks rendered for absent lines (empty user) are not accounts. */
  accounts: Account[];
  admin_password?: string;
  ntp_server?: string;
  timezone?: string;
  provisioning?: { url?: string; username?: string; password?: string };
  /** Files a boot file or container points the phone at, in order. */
  includes?: string[];
  /** Every setting read, flattened to key → value, for callers that need more. */
  settings: Record<string, string>;
}

/** A rendered file a phone would reject or misread; `line` is 1-based when known. */
export class ConfigFormatError extends Error {
  readonly code = 'CONFIG_FORMAT';
  readonly format: FormatId;
  readonly line: number | undefined;

  constructor(format: FormatId, message: string, line?: number) {
    super(`${format}${line !== undefined ? ` line ${line}` : ''}: ${message}`);
    this.name = 'ConfigFormatError';
    this.format = format;
    this.line = line;
  }
}

export interface FormatChecker {
  id: FormatId;
  /** Account fields the format writes per line (what `parse` can read back). */
  accountFields: readonly AccountField[];
  /** Parses a rendered file; throws ConfigFormatError when a phone would reject or misread it. */
  parse(text: string): ParsedConfig;
}

/** Parses XML, turning well-formedness errors into ConfigFormatError with the line. */
export function xmlOf(format: FormatId, text: string): XmlDocument {
  try {
    return parseXml(text);
  } catch (err) {
    if (err instanceof XmlError) throw new ConfigFormatError(format, `malformed XML: ${err.message}`, err.line);
    throw err;
  }
}

/** Runs `fn`, turning XmlErrors of the helpers into ConfigFormatError. */
export function withXmlErrors<T>(format: FormatId, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof XmlError) throw new ConfigFormatError(format, err.message, err.line);
    throw err;
  }
}

/** A port: empty is absent; anything but 1–65535 is an error. */
export function portOf(format: FormatId, value: string | undefined, what: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new ConfigFormatError(format, `${what}: "${value}" is not a port number`);
  }
  return Number(v);
}

/** `host:port` (or `host`, or `[v6]:port`) → parts; empty or a bare `:` (an absent line) → {}. */
export function hostPort(format: FormatId, value: string | undefined, what: string): { host?: string; port?: number } {
  const v = (value ?? '').trim();
  if (v === '' || v === ':') return {};
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]*)(?::([^:]*))?$/.exec(v);
  if (!m) throw new ConfigFormatError(format, `${what}: "${value}" is not host[:port]`);
  const out: { host?: string; port?: number } = {};
  if (m[1]) out.host = m[1];
  const port = portOf(format, m[2], what);
  if (port !== undefined) out.port = port;
  return out;
}

/** A vendor transport code → udp/tcp/tls; empty is absent; an unknown code is an error. */
export function transportOf(
  format: FormatId,
  value: string | undefined,
  codes: Readonly<Record<string, Transport>>,
  what: string,
): Transport | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const t = codes[value.trim()];
  if (!t) throw new ConfigFormatError(format, `${what}: unknown transport "${value}" (expected one of ${Object.keys(codes).join(', ')})`);
  return t;
}

/**
 * A protocol setting must agree with the scheme of the URL it goes with (a phone told "HTTP" for
 * an https:// URL fetches the wrong way). `codes` maps the setting's values to URL schemes.
 */
export function checkScheme(
  format: FormatId,
  url: string | undefined,
  code: string | undefined,
  codes: Readonly<Record<string, string>>,
  what: string,
): void {
  if (!url || code === undefined || code === '') return;
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return;
  const expected = codes[code.trim()];
  if (expected === undefined) throw new ConfigFormatError(format, `${what}: unknown protocol "${code}"`);
  if (expected !== scheme) throw new ConfigFormatError(format, `${what} "${code}" means ${expected}, but the URL is ${scheme}: ${url}`);
}

/** Sets `key` only when `value` is a non-empty string. */
export function put<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== '') obj[key] = value;
}

/** An account from collected fields, or undefined when the block has no user name (an absent line). */
export function accountOf(index: number, f: Partial<Omit<Account, 'index'>>): Account | undefined {
  if (!f.username) return undefined;
  const a: Account = { index, username: f.username };
  put(a, 'auth_username', f.auth_username);
  put(a, 'password', f.password);
  put(a, 'display_name', f.display_name);
  put(a, 'label', f.label);
  put(a, 'server', f.server);
  put(a, 'port', f.port);
  put(a, 'transport', f.transport);
  return a;
}

/** Leaves out empty fields of the provisioning block, and the block if nothing is left. */
export function provisioningOf(p: { url?: string | undefined; username?: string | undefined; password?: string | undefined }): ParsedConfig['provisioning'] {
  const out: NonNullable<ParsedConfig['provisioning']> = {};
  put(out, 'url', p.url);
  put(out, 'username', p.username);
  put(out, 'password', p.password);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Builds the result, dropping absent optional values. */
export function result(
  format: FormatId,
  settings: Record<string, string>,
  accounts: Array<Account | undefined>,
  extra: {
    admin_password?: string | undefined;
    ntp_server?: string | undefined;
    timezone?: string | undefined;
    provisioning?: ParsedConfig['provisioning'];
    includes?: string[];
  } = {},
): ParsedConfig {
  const out: ParsedConfig = {
    format,
    accounts: accounts.filter((a): a is Account => a !== undefined).sort((a, b) => a.index - b.index),
    settings,
  };
  put(out, 'admin_password', extra.admin_password);
  put(out, 'ntp_server', extra.ntp_server);
  put(out, 'timezone', extra.timezone);
  if (extra.provisioning) out.provisioning = extra.provisioning;
  if (extra.includes) out.includes = extra.includes;
  return out;
}

/** Collects `key → value` pairs, refusing a key seen twice. */
export class Settings {
  readonly map: Record<string, string> = Object.create(null) as Record<string, string>;
  readonly #format: FormatId;

  constructor(format: FormatId) {
    this.#format = format;
  }

  set(key: string, value: string, line?: number): void {
    if (Object.hasOwn(this.map, key)) throw new ConfigFormatError(this.#format, `duplicate setting "${key}"`, line);
    this.map[key] = value;
  }

  get(key: string): string | undefined {
    return Object.hasOwn(this.map, key) ? this.map[key] : undefined;
  }
}
