/**
 * Simulated phones: real vendors' boot sequences (../shared/reference/phones.md) with their exact
 * file names, MAC case and User-Agents, replayed over HTTP or TFTP against a running daemon. Boot
 * files are followed the way the phone follows them (Yealink `include:config`, Poly
 * `CONFIG_FILES`, Cisco `Profile_Rule_B` macros, Snom container URLs), and what is served is parsed
 * with the vendor format checkers, so a file a phone would reject fails the boot.
 */
import { macColon } from '../../shared/mac.js';
import { checkConfig, parseProfileRule, type FormatId, type ParsedConfig } from '../../shared/vendors/formats/index.js';
import { vendorById, type VendorId } from '../../shared/vendors/index.js';
import { httpGet, httpGetWithDigest, tftpGet, type HttpTarget, type TftpTarget } from './transport.js';

/** Every vendor profile the simulator can boot. */
export const SIM_VENDORS: readonly VendorId[] = ['yealink', 'poly', 'grandstream', 'cisco', 'cisco-sep', 'snom', 'fanvil', 'mitel', 'htek', 'gigaset'];

/** Families whose phones fetch over TFTP when DHCP gives a bare host (phones.md). */
export const TFTP_VENDORS: readonly VendorId[] = ['yealink', 'poly', 'grandstream', 'cisco', 'cisco-sep'];

export type Protocol = 'http' | 'tftp';

/** One phone: identity as the hub imports it and as the phone presents itself. */
export interface PhoneSpec {
  vendor: VendorId;
  /** Canonical MAC (12 lower-case hex digits). */
  mac: string;
  /** The model as an admin types it at import. */
  importModel: string;
  /** Variant within the vendor (drives file names and User-Agent). */
  variant: string;
}

interface Variant {
  name: string;
  importModel: string;
  /** The User-Agent(s): `app` for most requests, `boot` for Poly's updater. */
  ua?: (mac: string) => { app: string; boot?: string };
}

const up = (mac: string) => mac.toUpperCase();
const dashes = (mac: string) => macColon(mac).toUpperCase().replace(/:/g, '-');

/** Variants per vendor, with User-Agents in the formats the reference records. */
const VARIANTS: Record<VendorId, readonly Variant[]> = {
  yealink: [
    { name: 'T46S', importModel: 'T46S', ua: (m) => ({ app: `Yealink SIP-T46S 66.86.0.15 ${macColon(m)}` }) },
    { name: 'T54W', importModel: 'SIP-T54W', ua: (m) => ({ app: `Yealink SIP-T54W 96.86.0.70 ${macColon(m)}` }) },
  ],
  poly: [
    {
      name: 'VVX 411', importModel: 'VVX_411',
      ua: () => ({ app: 'FileTransport PolycomVVX-VVX_411-UA/6.4.6.2345 Type/Application', boot: 'FileTransport PolycomVVX-VVX_411-UA/6.4.6.2345 Type/Updater' }),
    },
  ],
  grandstream: [
    { name: 'GXP2170', importModel: 'GXP2170', ua: (m) => ({ app: `Grandstream Model HW GXP2170 SW 1.0.11.3 DevId ${m}` }) },
    { name: 'HT801', importModel: 'HT801', ua: (m) => ({ app: `Grandstream Model HW HT801 V1.1A SW 1.0.17.5 DevId ${m}` }) },
  ],
  cisco: [
    { name: '8851', importModel: 'CP-8851-3PCC', ua: (m) => ({ app: `Cisco-CP-8851-3PCC/11.3.7 (${m})` }) },
    { name: 'SPA508G', importModel: 'SPA508G', ua: (m) => ({ app: `Cisco/SPA508G-7.4.8a (${up(m)})(CBT141400UK)` }) },
  ],
  // The enterprise firmware fetches over TFTP (HTTP on 6970 with a leading /); the reference has no User-Agent for it.
  'cisco-sep': [{ name: 'CP-7965G', importModel: 'CP-7965G' }],
  snom: [
    { name: 'D785', importModel: 'D785', ua: (m) => ({ app: `Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 ${up(m)} SXM:0 UXM:0)` }) },
  ],
  fanvil: [
    { name: 'X4', importModel: 'X4', ua: (m) => ({ app: `Fanvil X4 2.10.2.6887 ${m}` }) },
    { name: 'X5U-V2', importModel: 'X5U', ua: (m) => ({ app: `Fanvil X5U-V2 2.12.16.17 ${m}` }) },
  ],
  mitel: [
    { name: '6867i', importModel: '6867i', ua: (m) => ({ app: `Aastra6867i MAC:${dashes(m)} V:4.1.0.128-SIP` }) },
    { name: '6940', importModel: '6940', ua: (m) => ({ app: `Mitel6940 MAC:${dashes(m)} V:6.4.0.140-SIP` }) },
  ],
  htek: [{ name: 'UC926', importModel: 'UC926', ua: (m) => ({ app: `Htek UC926 2.0.4.2 ${macColon(m)}` }) }],
  gigaset: [{ name: 'N870 IP PRO', importModel: 'N870 IP PRO', ua: (m) => ({ app: `Gigaset N870 IP PRO/83.V2.11.0+build.a546b91;${up(m)}` }) }],
};

/**
 * A phone of `vendor` number `index` (0-based): a made-up MAC inside one of the vendor's IEEE OUIs
 * (Cisco enterprise uses Cisco's), `salt` separating sets of phones in one database.
 */
export function phoneSpec(vendor: VendorId, index: number, salt = 0): PhoneSpec {
  const profile = vendorById(vendor)!;
  const owner = profile.ouiFamily ? vendorById(profile.ouiFamily)! : profile;
  const oui = owner.ouis[vendor === 'cisco-sep' ? 2 : 0]!;
  const n = (((salt & 0xff) << 16) | (index + 1)) & 0xffffff;
  const variants = VARIANTS[vendor];
  const v = variants[index % variants.length]!;
  return { vendor, mac: `${oui}${n.toString(16).padStart(6, '0')}`, importModel: v.importModel, variant: v.name };
}

export interface FetchRecord {
  protocol: Protocol;
  method: 'GET' | 'PUT';
  path: string;
  /** HTTP status; TFTP: 200 DATA, 404 ERROR 1, 403 ERROR 2, 500 other ERROR, 0 no answer. */
  status: number;
  bytes: number;
  role: 'device' | 'boot' | 'common' | 'optional' | 'upload';
  body?: Buffer;
}

export interface BootResult {
  spec: PhoneSpec;
  protocol: Protocol;
  /** Every required file arrived and every served file parsed. */
  ok: boolean;
  error?: string;
  files: FetchRecord[];
  /** The device config as the phone read it. */
  config?: ParsedConfig;
  /** Raw device config bytes. */
  configBytes?: Buffer;
  ms: number;
}

export interface BootOptions {
  protocol: Protocol;
  http?: HttpTarget;
  tftp?: TftpTarget;
  /** Source address of the phone (127.0.0.x). */
  localAddress?: string;
  /** TFTP options the phone offers (default blksize 1428 and tsize), and its retransmission timer (default 1 s, 3 retries). */
  tftpOptions?: { blksize?: number; tsize?: boolean; timeoutMs?: number; retries?: number };
  /** HTTP path prefix (`/secure/` for a provisioned phone's later boots); default `/`. */
  prefix?: string;
  /** Provisioning credentials a provisioned phone holds (answers Digest challenges). */
  credentials?: { username: string; password: string };
  /** Parse every served file with the vendor checkers. Default true. */
  verify?: boolean;
  /** Send the PUT uploads a phone sends (Poly logs). Default true. */
  uploads?: boolean;
  timeoutMs?: number;
  /** Called with every answered request, as it is answered. */
  onFile?: (spec: PhoneSpec, rec: FetchRecord) => void;
}

/** Thrown inside a boot to end it as failed. */
class BootFailure extends Error {}

const FORMAT_OF_ROLE: Partial<Record<VendorId, Partial<Record<'device' | 'boot' | 'common', FormatId>>>> = {
  yealink: { device: 'yealink-cfg', boot: 'yealink-boot', common: 'yealink-cfg' },
  poly: { device: 'poly-cfg', boot: 'poly-master', common: 'poly-cfg' },
  grandstream: { device: 'grandstream-xml' },
  cisco: { device: 'cisco-flat', boot: 'cisco-flat' },
  'cisco-sep': { device: 'cisco-sep-xml' },
  snom: { device: 'snom-xml', boot: 'snom-container', common: 'snom-container' },
  fanvil: { device: 'fanvil-xml', common: 'fanvil-xml' },
  mitel: { device: 'mitel-cfg', common: 'mitel-cfg' },
  htek: { device: 'htek-xml', common: 'htek-xml' },
  gigaset: { device: 'gigaset-xml' },
};

/** Boots one phone: its vendor's request sequence, following what it is served. Never rejects. */
export async function bootPhone(spec: PhoneSpec, o: BootOptions): Promise<BootResult> {
  const t0 = performance.now();
  const files: FetchRecord[] = [];
  const result: BootResult = { spec, protocol: o.protocol, ok: false, files, ms: 0 };
  const verify = o.verify ?? true;
  const variant = VARIANTS[spec.vendor].find((v) => v.name === spec.variant)!;
  const uas = variant.ua?.(spec.mac);
  const prefix = o.prefix ?? '/';
  const tftpOpts = o.tftpOptions ?? { blksize: 1428, tsize: true };
  // Over TFTP, Cisco SPA/MPP send a leading / (Profile_Rule /spa$PSN.cfg); the others do not.
  const tftpSlash = spec.vendor === 'cisco';
  let ua = uas?.app;

  /** GET `name` (relative to the provisioning base, or an absolute path/URL) in `role`. */
  async function get(name: string, role: FetchRecord['role']): Promise<FetchRecord> {
    let path: string;
    if (/^https?:\/\//i.test(name)) path = new URL(name).pathname; // the phone's URL: same server in the simulation
    else if (name.startsWith('/')) path = name;
    else path = `${prefix}${name}`;
    let rec: FetchRecord;
    if (o.protocol === 'http') {
      const headers: Record<string, string> = {};
      if (ua) headers['user-agent'] = ua;
      const res = await httpGetWithDigest(o.http!, path, o.credentials, { headers, ...(o.localAddress ? { localAddress: o.localAddress } : {}), timeoutMs: o.timeoutMs ?? 10_000 });
      rec = { protocol: 'http', method: 'GET', path, status: res.status, bytes: res.body.length, role, body: res.body };
    } else {
      const filename = tftpSlash ? path : path.replace(/^\/+/, '');
      const res = await tftpGet(o.tftp!, filename, { ...tftpOpts, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
      const status = res.ok ? 200 : res.code === 1 ? 404 : res.code === 2 ? 403 : res.code === -1 ? 0 : 500;
      rec = { protocol: 'tftp', method: 'GET', path: filename, status, bytes: res.ok ? res.data.length : 0, role, ...(res.ok ? { body: res.data } : {}) };
    }
    files.push(rec);
    o.onFile?.(spec, rec);
    if (role !== 'optional' && rec.status !== 200) throw new BootFailure(`${rec.path}: ${rec.status === 0 ? 'no answer' : `status ${rec.status}`}`);
    return rec;
  }

  async function put(name: string, body: Buffer): Promise<void> {
    if (o.protocol !== 'http' || o.uploads === false) return;
    const path = `${prefix}${name}`;
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (ua) headers['user-agent'] = ua;
    const res = await httpGetWithDigest(o.http!, path, o.credentials, { method: 'PUT', body, headers, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    files.push({ protocol: 'http', method: 'PUT', path, status: res.status, bytes: body.length, role: 'upload' });
    if (res.status !== 201 && res.status !== 204 && res.status !== 200) throw new BootFailure(`PUT ${path}: status ${res.status}`);
  }

  function parse(rec: FetchRecord, role: 'device' | 'boot' | 'common', always = false): ParsedConfig | undefined {
    const format = FORMAT_OF_ROLE[spec.vendor]?.[role];
    if (!format || (!verify && !always) || !rec.body) return undefined;
    try {
      return checkConfig(format, rec.body.toString('utf8'));
    } catch (err) {
      throw new BootFailure(`${rec.path}: the phone would reject it (${(err as Error).message})`);
    }
  }

  async function device(name: string): Promise<void> {
    const rec = await get(name, 'device');
    result.configBytes = rec.body;
    const cfg = parse(rec, 'device');
    if (cfg) result.config = cfg;
  }

  const mac = spec.mac;
  const MAC = up(mac);
  try {
    switch (spec.vendor) {
      case 'yealink': {
        // [YeaBoot]: <mac>.boot, else y000000000000.boot; without a boot file the common CFG then <mac>.cfg.
        const boot = await get(`${mac}.boot`, 'optional');
        if (boot.status === 200) {
          const includes = parse(boot, 'boot', true)!.includes ?? [];
          for (const inc of includes) {
            if (inc.toLowerCase().includes(mac)) await device(inc);
            else parse(await get(inc, 'common'), 'common');
          }
        } else {
          await get('y000000000000.boot', 'optional');
          const hw = spec.variant === 'T54W' ? '096' : '066';
          parse(await get(`y000000000${hw}.cfg`, 'common'), 'common');
          await device(`${mac}.cfg`);
        }
        break;
      }
      case 'poly': {
        // [PolyBoot]: the updater reads the master file (<mac>.cfg, else 000000000000.cfg) and the
        // application image; the application re-reads the master, then each CONFIG_FILES entry.
        ua = uas?.boot;
        let master = await get(`${mac}.cfg`, 'optional');
        if (master.status !== 200) master = await get('000000000000.cfg', 'boot');
        const m = parse(master, 'boot', true)!;
        await get(m.settings.APP_FILE_PATH ?? 'sip.ld', 'optional');
        ua = uas?.app;
        master = await get(`${mac}.cfg`, 'boot');
        for (const inc of parse(master, 'boot', true)!.includes ?? []) {
          const name = inc.replace(/\[PHONE_MAC_ADDRESS\]/g, mac);
          if (name.includes(mac) && /-user\.cfg$|^[0-9a-f]{12}\.cfg$/.test(name.split('/').pop()!)) await device(name);
          else parse(await get(name, 'common'), 'common');
        }
        await get(`${mac}-phone.cfg`, 'optional');
        await get('000000000000-license.cfg', 'optional');
        await get(`${mac}-directory.xml`, 'optional');
        await put(`${mac}-app.log`, Buffer.from(`0101000000|cfg   |4|00|Prov|Boot server: ${o.protocol}\n`));
        break;
      }
      case 'grandstream': {
        // [GSProv]: HT80x ask the legacy binary cfg<mac> first; GXP the XML first.
        if (spec.variant === 'HT801') await get(`cfg${mac}`, 'optional');
        await device(`cfg${mac}.xml`);
        break;
      }
      case 'cisco': {
        // SPA: /spa$PSN.cfg; MPP: /$PSN.xml, then what Profile_Rule_B names with the $PN/$MA macros.
        const pn = spec.variant === 'SPA508G' ? 'SPA508G' : 'CP-8851-3PCC';
        const boot = await get(spec.variant === 'SPA508G' ? 'spa508G.cfg' : '8851-3PCC.xml', 'boot');
        const rules = parse(boot, 'boot', true)!.includes ?? [];
        if (rules.length === 0) throw new BootFailure('the model file names no Profile_Rule_B');
        for (const rule of rules) {
          const url = parseProfileRule(rule).url.replace(/\$PN/g, pn).replace(/\$MAU/g, MAC).replace(/\$MA/g, mac);
          // A rule starting with / names a file on the server the phone booted from.
          await device(url.startsWith('/') ? url.slice(1) : url);
        }
        break;
      }
      case 'cisco-sep': {
        // [W cisco_sccp]: trust lists first (404 without CUCM security), then SEP<MAC>.cnf.xml.
        await get(`CTLSEP${MAC}.tlv`, 'optional');
        await get(`ITLSEP${MAC}.tlv`, 'optional');
        await device(`SEP${MAC}.cnf.xml`);
        break;
      }
      case 'snom': {
        // [SnomFiles]: the model container, the phone's container, then every file it lists.
        parse(await get('snomD785.htm', 'common'), 'common');
        const container = await get(`snomD785-${MAC}.htm`, 'boot');
        const urls = parse(container, 'boot', true)!.includes ?? [];
        if (urls.length === 0) throw new BootFailure('the phone container lists no file');
        for (const url of urls) {
          if (url.toUpperCase().includes(MAC)) await device(url);
          else await get(url, 'optional');
        }
        break;
      }
      case 'fanvil': {
        // [FanAP]: the hardware's common file, then <mac>.cfg.
        if (spec.variant === 'X5U-V2') await get('fanvil_x5u_v2_hwv2_0.txt', 'optional');
        else parse(await get('f0X4hw1.100.cfg', 'common'), 'common');
        await device(`${mac}.cfg`);
        break;
      }
      case 'mitel': {
        // [Aastra]: aastra.cfg → <model>.cfg → <MAC>.cfg.
        parse(await get('aastra.cfg', 'common'), 'common');
        parse(await get(`${spec.variant}.cfg`, 'common'), 'common');
        await device(`${MAC}.cfg`);
        break;
      }
      case 'htek': {
        parse(await get('cfg0010.xml', 'common'), 'common');
        await device(`cfg${mac}.xml`);
        break;
      }
      case 'gigaset': {
        await device(`${mac}.xml`);
        break;
      }
    }
    result.ok = true;
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  result.ms = performance.now() - t0;
  return result;
}

/** Boots `specs` with at most `concurrency` phones in flight; results in the order of `specs`. */
export async function bootMany(specs: readonly PhoneSpec[], o: BootOptions, concurrency = 32): Promise<BootResult[]> {
  const results: BootResult[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= specs.length) return;
      results[i] = await bootPhone(specs[i]!, o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return results;
}
