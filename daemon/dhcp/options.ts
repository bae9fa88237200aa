/**
 * Which options a reply carries, and their bytes. Every reply starts with 53 and 54; then the
 * options the client asked for (option 55) in its order (RFC 2132 §9.8: "SHOULD … in the order
 * requested"), then what is always sent — the basics (1, 3, 6, 15, 12, lease times) and the
 * options the client's vendor profile reads (66/150/160/43/42/2/114…, Kea's `always-send`, because
 * phones rarely ask for them) — then the client identifier and relay agent information echoed
 * (RFC 6842, RFC 3046).
 */
import { dhcpOfferValue, type DhcpOffer, type VendorProfile } from '../../shared/vendors/index.js';
import { type DhcpPlan, type DhcpPool } from './config.js';
import { ipBytes } from './ip.js';
import { OPT } from './packet.js';

export type ReplyKind = 'offer' | 'ack' | 'inform' | 'nak';

export interface ReplyOptionsInput {
  plan: DhcpPlan;
  pool: DhcpPool;
  kind: Exclude<ReplyKind, 'nak'>;
  vendor: VendorProfile | undefined;
  /** Option 55, in the client's order. */
  requested: readonly number[];
  now: Date;
  /** The reservation's host name (option 12). */
  hostname?: string;
  clientId?: Buffer;
  relayAgent?: Buffer;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function i32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n | 0, 0);
  return b;
}

function ipList(list: readonly number[]): Buffer {
  return Buffer.concat(list.map(ipBytes));
}

const tzFormats = new Map<string, Intl.DateTimeFormat>();
const tzOffsets = new Map<string, number>();

/** Seconds east of UTC in `timeZone` at `at` (option 2); 0 for a zone the runtime does not know. */
export function timeOffsetSeconds(timeZone: string, at: Date): number {
  // Offsets change on the hour (or half hour) at most: one computation per zone and half hour.
  const key = `${timeZone}|${Math.floor(at.getTime() / 1_800_000)}`;
  const cached = tzOffsets.get(key);
  if (cached !== undefined) return cached;
  let fmt = tzFormats.get(timeZone);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      return 0;
    }
    tzFormats.set(timeZone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 1000);
  if (tzOffsets.size > 1000) tzOffsets.clear();
  tzOffsets.set(key, offset);
  return offset;
}

/** Option 43 for the families that read vendor-specific sub-options. */
function vendorSpecific(vendor: VendorProfile, plan: DhcpPlan): Buffer | undefined {
  if (vendor.id === 'mitel') {
    // Sub-option 2: configuration server (text URL); 3: contact Mitel's RCS = false [W aastra.conf].
    const url = Buffer.from(dhcpOfferValue({ code: 43, value: 'url', path: '' }, { scheme: 'http', host: plan.provisioningHost, port: plan.httpPort })!, 'latin1');
    return Buffer.concat([Buffer.from([2, url.length]), url, Buffer.from([3, 1, 0])]);
  }
  return undefined;
}

/** The computed value of `code` for this client (before overrides); undefined when the server has none. */
function computed(code: number, input: ReplyOptionsInput): Buffer | undefined {
  const { plan, pool, vendor, kind } = input;
  const offer: DhcpOffer | undefined = vendor?.dhcp.offer.find((o) => o.code === code);
  const base = { scheme: 'http' as const, host: plan.provisioningHost, port: plan.httpPort };
  switch (code) {
    case OPT.SUBNET_MASK:
      return u32(pool.mask);
    case OPT.ROUTER:
      return pool.router !== undefined ? ipBytes(pool.router) : undefined;
    case OPT.DNS:
      return plan.dns.length > 0 ? ipList(plan.dns) : undefined;
    case OPT.DOMAIN_NAME:
      return plan.domainName ? Buffer.from(plan.domainName, 'latin1') : undefined;
    case OPT.HOSTNAME:
      return input.hostname ? Buffer.from(input.hostname, 'latin1') : undefined;
    case OPT.TIME_OFFSET:
      return i32(timeOffsetSeconds(plan.timezone, input.now));
    case OPT.NTP:
      return plan.ntp.length > 0 ? ipList(plan.ntp) : undefined;
    case OPT.TCODE:
      return Buffer.from(plan.timezone, 'latin1');
    case OPT.LEASE_TIME:
      return kind === 'inform' ? undefined : u32(plan.leaseTimeS);
    case OPT.RENEWAL_TIME:
      return kind === 'inform' ? undefined : u32(Math.floor(plan.leaseTimeS * 0.5));
    case OPT.REBINDING_TIME:
      return kind === 'inform' ? undefined : u32(Math.floor(plan.leaseTimeS * 0.875));
    case 150:
      return ipBytes(plan.provisioningIp);
    case OPT.VENDOR_SPECIFIC:
      if (!vendor) return undefined;
      if (offer && offer.value === 'vendor-specific') return vendorSpecific(vendor, plan);
      if (offer && (offer.value === 'url' || offer.value === 'host')) return Buffer.from(dhcpOfferValue(offer, base)!, 'latin1');
      return undefined;
    case OPT.TFTP_SERVER:
    case 114:
    case 160: {
      // The vendor's preference (a URL or a bare host); without a profile: a bare host for 66
      // (TFTP, what every phone understands) and a URL for the URL options.
      const o: DhcpOffer = offer && (offer.value === 'url' || offer.value === 'host') ? offer : { code, value: code === OPT.TFTP_SERVER ? 'host' : 'url' };
      return Buffer.from(dhcpOfferValue(o, base)!, 'latin1');
    }
    default:
      return undefined;
  }
}

/** Always sent (when the server has a value), after what the client asked for. */
const BASICS = [OPT.SUBNET_MASK, OPT.ROUTER, OPT.DNS, OPT.DOMAIN_NAME, OPT.HOSTNAME, OPT.LEASE_TIME, OPT.RENEWAL_TIME, OPT.REBINDING_TIME];

/**
 * The reply's options (without 53 and 54, which the caller puts first), most important first: when
 * a reply does not fit the client's maximum message size, the caller drops from the end.
 */
export function replyOptions(input: ReplyOptionsInput): Array<[number, Buffer]> {
  const { plan, vendor } = input;
  const perVendor = vendor ? plan.vendorOptions.get(vendor.id) : undefined;
  const valueOf = (code: number): Buffer | undefined => {
    const v = perVendor?.has(code) ? perVendor.get(code) : plan.options.has(code) ? plan.options.get(code) : computed(code, input);
    return v ?? undefined;
  };
  const out: Array<[number, Buffer]> = [];
  const done = new Set<number>([OPT.MESSAGE_TYPE, OPT.SERVER_ID, OPT.CLIENT_ID, OPT.RELAY_AGENT, OPT.PAD, OPT.END, OPT.OVERLOAD]);
  const add = (code: number): void => {
    if (done.has(code)) return;
    done.add(code);
    const v = valueOf(code);
    if (v !== undefined) out.push([code, v]);
  };
  for (const code of input.requested) add(code);
  for (const code of BASICS) add(code);
  if (vendor) for (const o of vendor.dhcp.offer) add(o.code);
  if (perVendor) for (const code of perVendor.keys()) add(code);
  if (input.clientId) out.push([OPT.CLIENT_ID, input.clientId]);
  if (input.relayAgent) out.push([OPT.RELAY_AGENT, input.relayAgent]);
  return out;
}
