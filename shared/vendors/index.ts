/**
 * Vendor profiles as data, and the pure functions that read them: which vendor a MAC, a
 * User-Agent or a DHCP vendor class names, which model an admin meant, and what a phone's
 * request is (`resolveRequest`, the first step of the edge's pipeline, DESIGN §5).
 *
 * Facts come from ../shared/reference/phones.md (IEEE registry, wazo-provd, FusionPBX, vendor
 * guides); each profile file cites them. Nothing here does I/O.
 */
import { LRUCache } from 'lru-cache';
import { macOui, tryParseMac } from '../mac.js';
import { cisco, ciscoSep } from './cisco.js';
import { fanvil } from './fanvil.js';
import { gigaset } from './gigaset.js';
import { grandstream } from './grandstream.js';
import { htek } from './htek.js';
import { mitel } from './mitel.js';
import { POLY_ENTERPRISE, poly, polyModel } from './poly.js';
import { snom } from './snom.js';
import type { DhcpOffer, FileKind, FilePattern, FormatId, ModelProfile, VendorId, VendorProfile } from './types.js';
import { yealink } from './yealink.js';

export type {
  DhcpOffer, DhcpProfile, FileKind, FilePattern, FormatId, MacCase, ModelProfile, SampleTemplate, UserAgentRule,
  VendorClassRule, VendorId, VendorProfile,
} from './types.js';
export { CONTENT_TYPE, FILE_KINDS } from './types.js';

/** Every profile, in the order ties are broken when only a file name names the vendor. */
export const VENDORS: readonly VendorProfile[] = [yealink, poly, grandstream, cisco, ciscoSep, snom, fanvil, mitel, htek, gigaset];

export const VENDOR_IDS: readonly VendorId[] = VENDORS.map((v) => v.id);

const byId = new Map<string, VendorProfile>(VENDORS.map((v) => [v.id, v]));
const byOui = new Map<string, VendorProfile>();
for (const v of VENDORS) for (const oui of v.ouis) byOui.set(oui, v);

export function vendorById(id: string): VendorProfile | undefined {
  return byId.get(id);
}

/** The vendor whose OUI the MAC carries (canonical MAC in). Cisco hardware is `cisco`. */
export function vendorFromMac(mac: string): VendorProfile | undefined {
  return byOui.get(macOui(mac));
}

/** Every profile a MAC's OUI may belong to: the owner and the families sharing its OUIs. */
export function vendorsFromMac(mac: string): VendorProfile[] {
  const owner = vendorFromMac(mac);
  if (!owner) return [];
  return [owner, ...VENDORS.filter((v) => v.ouiFamily === owner.id)];
}

function squash(s: string): string {
  return s.toLowerCase().replace(/[\s_\-]+/g, '');
}

/**
 * The model an admin meant by `input`, matched leniently: case, spaces, `-` and `_` are
 * ignored and the vendor's prefixes may lead and suffixes follow (`SIP-T46S`, `Yealink T46S`,
 * `VVX_411`, `CP-8851-3PCC`). Undefined when the vendor has no model of that name: callers
 * keep the text and warn.
 */
export function matchModel(vendor: VendorProfile, input: string): ModelProfile | undefined {
  const k = squashedProfile(vendor);
  let s = squash(input);
  for (const p of k.prefixes) {
    if (s.startsWith(p) && s.length > p.length) s = s.slice(p.length);
  }
  for (const p of k.suffixes) {
    if (s.endsWith(p) && s.length > p.length) s = s.slice(0, -p.length);
  }
  return k.models.get(s);
}

interface SquashedProfile {
  prefixes: string[];
  suffixes: string[];
  /** Squashed model name → the first model with that name. */
  models: Map<string, ModelProfile>;
}

/**
 * A profile's prefixes, suffixes and model names squashed once: model matching runs on every
 * phone request with a model in its name or User-Agent, and squashing every name each time was
 * most of its cost.
 */
const squashedProfiles = new WeakMap<VendorProfile, SquashedProfile>();

function squashedProfile(vendor: VendorProfile): SquashedProfile {
  let k = squashedProfiles.get(vendor);
  if (!k) {
    const models = new Map<string, ModelProfile>();
    for (const m of vendor.models) if (!models.has(squash(m.name))) models.set(squash(m.name), m);
    k = { prefixes: vendor.modelPrefixes.map(squash), suffixes: (vendor.modelSuffixes ?? []).map(squash), models };
    squashedProfiles.set(vendor, k);
  }
  return k;
}

/** The canonical name of a model we know, else the text as given. */
function canonicalModel(vendor: VendorProfile, raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  return matchModel(vendor, raw)?.name ?? raw.trim();
}

/** A vendor named in free text (`Yealink`, `polycom`, `cisco-sep`), if any. */
export function vendorFromText(input: string): VendorProfile | undefined {
  const s = squash(input);
  return (
    VENDORS.find((v) => squash(v.id) === s) ??
    VENDORS.find((v) => v.modelPrefixes.some((p) => s.startsWith(squash(p)) && p.length > 3))
  );
}

/** The SIP accounts `model` can hold, if the profile knows the model. */
export function modelLines(vendor: VendorId, model: string): number | undefined {
  const v = vendorById(vendor);
  return v && matchModel(v, model)?.lines;
}

// ------------------------------------------------------------------------------------ User-Agent

export interface UserAgentInfo {
  vendor: VendorId;
  model?: string;
  firmware?: string;
  /** Canonical (12 lower-case hex digits). */
  mac?: string;
}

const MAC_TOKEN = /(?:^|[\s(;])([0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{12})(?=$|[\s);])/g;

/** The first MAC-looking token of `text` (12 hex digits, or colon/dash pairs), canonical. */
function findMac(text: string): string | undefined {
  for (const m of text.matchAll(MAC_TOKEN)) {
    const mac = m[1] && tryParseMac(m[1]);
    if (mac) return mac;
  }
  return undefined;
}

/**
 * Vendor, model, firmware and MAC from an HTTP User-Agent, table-driven by each profile's
 * `userAgents` rules (brand-less strings are believed only with one of the vendor's OUIs).
 */
export function parseUserAgent(userAgent: string): Readonly<UserAgentInfo> | undefined {
  const ua = userAgent.slice(0, 512);
  const hit = parsedUserAgents.get(ua);
  if (hit !== undefined) return hit === NO_MATCH ? undefined : hit;
  const info = parseUserAgentUncached(ua);
  parsedUserAgents.set(ua, info ? Object.freeze(info) : NO_MATCH);
  return info;
}

/**
 * Parsed User-Agents, bounded, least recently used out: a phone sends the same User-Agent for every
 * file of its boot, and the rules are a few dozen regexes tried in turn. Results are frozen (shared).
 */
const parsedUserAgents = new LRUCache<string, Readonly<UserAgentInfo> | typeof NO_MATCH>({ max: 4096 });
const NO_MATCH = Symbol('no User-Agent rule matched');

function parseUserAgentUncached(ua: string): UserAgentInfo | undefined {
  for (const v of VENDORS) {
    for (const rule of v.userAgents) {
      const m = rule.re.exec(ua);
      if (!m) continue;
      const g = m.groups ?? {};
      const mac = (g.mac !== undefined ? tryParseMac(g.mac) ?? undefined : undefined) ?? findMac(g.rest ?? ua);
      if (rule.requireOui && (!mac || !vendorsFromMac(mac).some((x) => x.id === v.id))) continue;
      const raw = g.model !== undefined ? (rule.model ? rule.model(g.model) : g.model) : undefined;
      const info: UserAgentInfo = { vendor: v.id };
      const model = canonicalModel(v, raw);
      if (model) info.model = model;
      if (g.fw) info.firmware = g.fw;
      if (mac) info.mac = mac;
      return info;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------ DHCP

export interface VendorClassInfo {
  vendor: VendorId;
  model?: string;
}

/**
 * Poly's binary option 60 [PolyVCI]: 4-byte enterprise number 13885, 1-byte length, then
 * sub-options (code, length, value) — 1 company, 2 model ("SoundPointIP-SPIP_601"), … — ended by 0xff.
 */
function decodePolyVendorClass(b: Uint8Array): VendorClassInfo | undefined {
  if (b.length < 5) return undefined;
  const enterprise = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  if (enterprise !== POLY_ENTERPRISE) return undefined;
  const info: VendorClassInfo = { vendor: 'poly' };
  for (let i = 5; i + 1 < b.length; ) {
    const code = b[i]!;
    if (code === 0xff) break;
    const len = b[i + 1]!;
    const value = Buffer.from(b.subarray(i + 2, i + 2 + len)).toString('latin1');
    if (code === 2 && value) {
      const token = value.slice(value.lastIndexOf('-') + 1);
      info.model = canonicalModel(poly, polyModel(token));
    }
    i += 2 + len;
  }
  return info;
}

/**
 * The vendor (and model, when the string carries one) a DHCP option 60 names. Text classes are
 * matched by each profile's `vendorClass` rules; Poly's binary class is decoded.
 */
export function vendorFromDhcpVendorClass(vendorClass: string | Uint8Array): VendorClassInfo | undefined {
  const bytes = typeof vendorClass === 'string' ? Buffer.from(vendorClass, 'latin1') : vendorClass;
  const polyInfo = decodePolyVendorClass(bytes);
  if (polyInfo) return polyInfo;
  const text = (typeof vendorClass === 'string' ? vendorClass : Buffer.from(vendorClass).toString('latin1')).slice(0, 255);
  for (const v of VENDORS) {
    for (const rule of v.vendorClass) {
      const m = rule.re.exec(text);
      if (!m) continue;
      const raw = m.groups?.model;
      const info: VendorClassInfo = { vendor: v.id };
      const model = canonicalModel(v, raw !== undefined ? (rule.model ? rule.model(raw) : raw) : undefined);
      if (model) info.model = model;
      return info;
    }
  }
  return undefined;
}

/**
 * The text of a DHCP option the edge offers (`url` and `host` values); undefined for values the
 * DHCP server builds itself (NTP, time offset, IP lists, option 43 sub-options).
 */
export function dhcpOfferValue(offer: DhcpOffer, base: { scheme: 'http' | 'https' | 'tftp'; host: string; port?: number }): string | undefined {
  if (offer.value === 'host') return base.host;
  if (offer.value !== 'url') return undefined;
  const defaultPort = { http: 80, https: 443, tftp: 69 }[base.scheme];
  const port = base.port !== undefined && base.port !== defaultPort ? `:${base.port}` : '';
  return `${base.scheme}://${base.host}${port}/${offer.path ?? ''}`;
}

// ------------------------------------------------------------------------------------ requests

export interface ResolveInput {
  /** The requested name as the caller normalised it (URL path decoded, query removed; TFTP file name). */
  path: string;
  userAgent?: string;
  /** DHCP option 60 of the client's lease, text or raw bytes. */
  dhcpVendorClass?: string | Uint8Array;
  /** The client's MAC when the caller knows it (the edge's DHCP lease of the source IP). */
  clientMac?: string;
  /**
   * The vendor the caller has stored for this device (from the import or an earlier boot). After
   * the User-Agent, it decides between families that use the same file name (`<mac>.cfg`).
   */
  knownVendor?: VendorId;
}

/** What told `resolveRequest` the vendor, in the reference's identification order. */
export type ResolvedVia = 'user-agent' | 'known' | 'path-mac' | 'dhcp' | 'client-mac' | 'file-name';

export interface ResolvedRequest {
  vendor: VendorId;
  model?: string;
  kind: FileKind;
  /** Canonical MAC: from the file name, else the User-Agent, else the client's lease. */
  mac?: string;
  /** Sample template base name under templates/<vendor>/ (`device`, `common`, `boot`); absent: 404. */
  template?: string;
  /** A 404 is normal for this file. */
  optional: boolean;
  contentType: string;
  /** The checker format of what `template` renders. */
  format?: FormatId;
  /** The file pattern's name (`<mac>.cfg`). */
  file: string;
  /** Firmware version from the User-Agent. */
  firmware?: string;
  via: ResolvedVia;
  /** Every family that uses this file name, when there was more than one to choose from. */
  candidates?: VendorId[];
}

const MAX_PATH = 255;

/**
 * The request path as the resolver matches it: leading `/` removed; undefined for anything a
 * phone never asks and that could escape a served tree (`..` or `.` segments, empty segments,
 * backslashes, NUL and other control characters, `%`, spaces, over-long names).
 */
export function normaliseRequestPath(path: string): string | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH) return undefined;
  const p = path.replace(/^\/+/, '');
  if (!/^[A-Za-z0-9._\-/]+$/.test(p)) return undefined;
  if (p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) return undefined;
  return p;
}

interface CompiledPattern {
  file: FilePattern;
  re: RegExp;
  /**
   * The literal text every match ends with (`.cfg`, `.cnf.xml`; lower-case when the pattern ignores
   * case), when the pattern ends with one: a path that does not end so is skipped without running
   * the regex. A request is tried against every family's patterns, and most of them fail here.
   */
  tail: string | undefined;
}

/** The escaped literal a pattern's source ends with (`\.cnf\.xml` → `.cnf.xml`), if it ends with `\.` + letters/digits runs. */
function literalTail(pattern: string): string | undefined {
  const m = /(?:\\\.[A-Za-z0-9]+)+$/.exec(pattern);
  return m ? m[0].replace(/\\\./g, '.') : undefined;
}

const COMPILED = new Map<VendorId, CompiledPattern[]>(
  VENDORS.map((v) => [
    v.id,
    v.files.map((file) => {
      const tail = literalTail(file.pattern);
      return {
        file,
        // Any leading directories (`Grandstream/`, `Aastra/`, `secure/`) are accepted; the named
        // part must end the path.
        re: new RegExp(`^(?<dirs>(?:[A-Za-z0-9._-]+/)*?)${file.pattern}$`, file.ignoreCase ? 'i' : ''),
        tail: tail !== undefined && file.ignoreCase ? tail.toLowerCase() : tail,
      };
    }),
  ]),
);

interface Candidate {
  vendor: VendorProfile;
  file: FilePattern;
  mac?: string;
  rawMac?: string;
  model?: string;
  /** Characters matched by the named part: a longer match (with the phone's own directories) is more specific. */
  specificity: number;
}

function isPlaceholderMac(mac: string): boolean {
  return /^(?:0{12}|f{12})$/i.test(mac);
}

/** `path` and, for patterns that ignore case, its lower-case form. */
interface PathForms {
  path: string;
  lower: string;
}

function matchVendor(v: VendorProfile, p: PathForms): Candidate | undefined {
  const path = p.path;
  for (const { file, re, tail } of COMPILED.get(v.id) ?? []) {
    if (tail !== undefined && !(file.ignoreCase ? p.lower : path).endsWith(tail)) continue;
    const m = re.exec(path);
    if (!m) continue;
    const g = m.groups ?? {};
    const rawMac = g.mac;
    if (rawMac !== undefined) {
      // A phone writes its MAC all lower- or all upper-case; mixed case is no phone's request.
      if (rawMac !== rawMac.toLowerCase() && rawMac !== rawMac.toUpperCase()) continue;
      if (isPlaceholderMac(rawMac)) continue;
    }
    const rawModel = file.model ? file.model(g) : g.model;
    const c: Candidate = { vendor: v, file, specificity: path.length - (g.dirs ?? '').length };
    if (rawMac !== undefined) {
      c.rawMac = rawMac;
      c.mac = rawMac.toLowerCase();
    }
    const model = canonicalModel(v, rawModel);
    if (model) c.model = model;
    return c;
  }
  return undefined;
}

function mostSpecific(cs: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of cs) if (!best || c.specificity > best.specificity) best = c;
  return best;
}

/**
 * What a phone's request is: `{ vendor, model?, kind, mac?, template? }` and how to answer it, or
 * undefined when no family asks for such a name (→ 404) or the path is hostile.
 *
 * The file name gives the candidates; when several families use the name (`<mac>.cfg`), the
 * vendor comes from, in order: the User-Agent, the caller's `knownVendor`, the OUI of the MAC in
 * the name, DHCP option 60, the OUI of the client's MAC; failing all, the family whose MAC case
 * the name uses, the most specific pattern, then VENDORS order (`candidates` lists them all).
 */
export function resolveRequest(input: ResolveInput): ResolvedRequest | undefined {
  const path = normaliseRequestPath(input.path);
  if (path === undefined) return undefined;
  const candidates: Candidate[] = [];
  const forms: PathForms = { path, lower: path.toLowerCase() };
  for (const v of VENDORS) {
    const c = matchVendor(v, forms);
    if (c) candidates.push(c);
  }
  if (candidates.length === 0) return undefined;

  const ua = input.userAgent ? parseUserAgent(input.userAgent) : undefined;
  const dhcp = input.dhcpVendorClass !== undefined ? vendorFromDhcpVendorClass(input.dhcpVendorClass) : undefined;
  const clientMac = input.clientMac !== undefined ? tryParseMac(input.clientMac) ?? undefined : undefined;
  const pathMac = candidates.find((c) => c.mac)?.mac;

  const evidence: Array<[ResolvedVia, readonly VendorId[]]> = [
    ['user-agent', ua ? [ua.vendor] : []],
    ['known', input.knownVendor ? [input.knownVendor] : []],
    ['path-mac', pathMac ? vendorsFromMac(pathMac).map((v) => v.id) : []],
    ['dhcp', dhcp ? [dhcp.vendor] : []],
    ['client-mac', clientMac ? vendorsFromMac(clientMac).map((v) => v.id) : []],
  ];
  let chosen: Candidate | undefined;
  let via: ResolvedVia = 'file-name';
  for (const [source, ids] of evidence) {
    chosen = mostSpecific(candidates.filter((c) => ids.includes(c.vendor.id)));
    if (chosen) {
      via = source;
      break;
    }
  }
  if (!chosen) {
    // Only the name: prefer the families that write the MAC in the case the name uses.
    let pool = candidates;
    const raw = candidates.find((c) => c.rawMac)?.rawMac;
    if (raw && /[a-f]/i.test(raw)) {
      const inCase = raw === raw.toLowerCase() ? 'lower' : 'upper';
      const same = candidates.filter((c) => !c.file.macCase || c.file.macCase === inCase);
      if (same.length > 0) pool = same;
    }
    chosen = mostSpecific(pool)!;
  }

  const v = chosen.vendor;
  const file = chosen.file;
  const out: ResolvedRequest = {
    vendor: v.id,
    kind: file.kind,
    optional: file.optional === true,
    contentType: file.contentType,
    file: file.name,
    via,
  };
  const sameVendorUa = ua && ua.vendor === v.id ? ua : undefined;
  const model = sameVendorUa?.model ?? chosen.model ?? (dhcp && dhcp.vendor === v.id ? dhcp.model : undefined);
  if (model) out.model = model;
  const mac = chosen.mac ?? sameVendorUa?.mac ?? clientMac;
  if (mac) out.mac = mac;
  if (file.template) {
    out.template = file.template;
    const t = v.templates.find((x) => x.name === file.template);
    if (t) out.format = t.format;
  }
  if (sameVendorUa?.firmware) out.firmware = sameVendorUa.firmware;
  if (candidates.length > 1) out.candidates = candidates.map((c) => c.vendor.id);
  return out;
}
