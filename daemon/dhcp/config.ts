/**
 * The site's DHCP settings as the server uses them (a "plan"): addresses as integers, pools with
 * their networks, reservations indexed both ways, option overrides already encoded. Built from
 * `deps.site()` whenever the site changes, so hub edits apply without a restart. Settings that make
 * no sense are reported in `problems` (logged once per change) and left out, never thrown.
 */
import { parseDhcpOptionValue } from '../../shared/dhcp.js';
import type { DhcpMode } from '../../shared/domain.js';
import { tryParseMac } from '../../shared/mac.js';
import type { SiteRecord } from '../../shared/sync/types.js';
import { VENDOR_IDS, type VendorId } from '../../shared/vendors/index.js';
import { commonPrefix, intToIp, ipToInt, maskPrefix, prefixMask, sameNetwork } from './ip.js';

export interface DhcpPool {
  /** First and last address handed out dynamically. */
  start: number;
  end: number;
  mask: number;
  network: number;
  broadcast: number;
  router?: number;
  /** 0 for the site's own pool, 1… for `relay_pools`. */
  index: number;
}

export interface DhcpReservationPlan {
  ip: number;
  hostname?: string;
}

export interface DhcpPlan {
  mode: Exclude<DhcpMode, 'off'>;
  /** Option 54 and siaddr: the address the server is bound to. */
  serverIp: number;
  /** The address phones are told to fetch from (options 66, 150, 160, 43…). */
  provisioningHost: string;
  provisioningIp: number;
  httpPort: number;
  pools: DhcpPool[];
  dns: number[];
  domainName?: string;
  leaseTimeS: number;
  /** Option 42: from `options["42"]`, else the site's NTP server when it is an address. */
  ntp: number[];
  timezone: string;
  byMac: Map<string, DhcpReservationPlan>;
  /** Reserved address → the MAC it is kept for. */
  reservedIps: Map<number, string>;
  /** Site-wide overrides: code → bytes, or null for "send nothing". */
  options: Map<number, Buffer | null>;
  vendorOptions: Map<VendorId, Map<number, Buffer | null>>;
  problems: string[];
}

/** What makes a plan change: the site's DHCP settings and the fields options are computed from. */
export function planKey(site: SiteRecord | undefined, serverIp: string): string {
  if (!site) return `none|${serverIp}`;
  return JSON.stringify([serverIp, site.dhcp, site.edge_lan_ip, site.edge_http_port, site.ntp_server, site.timezone]);
}

function overrides(raw: Record<string, string> | undefined, where: string, problems: string[]): Map<number, Buffer | null> {
  const out = new Map<number, Buffer | null>();
  for (const [k, v] of Object.entries(raw ?? {})) {
    const code = /^\d{1,3}$/.test(k) ? Number(k) : NaN;
    const parsed = parseDhcpOptionValue(code, v);
    if (typeof parsed === 'string') problems.push(`${where}: ${parsed}`);
    else out.set(code, parsed);
  }
  return out;
}

/**
 * The plan for `site` served from `serverIp`; undefined when DHCP is off (or there is no site).
 * A plan with no usable pool still answers INFORM and nothing else.
 */
export function buildPlan(site: SiteRecord | undefined, serverIpText: string): DhcpPlan | undefined {
  const d = site?.dhcp;
  if (!site || !d || d.mode === 'off' || (d.mode !== 'full' && d.mode !== 'known-only')) return undefined;
  const problems: string[] = [];
  const serverIp = ipToInt(serverIpText) ?? 0;
  const lanIp = site.edge_lan_ip !== null ? ipToInt(site.edge_lan_ip) : undefined;
  const provisioningIp = lanIp ?? serverIp;

  const pools: DhcpPool[] = [];
  const addPool = (index: number, startText: string | null | undefined, endText: string | null | undefined, maskText: string | null | undefined, routerText: string | null | undefined): void => {
    const where = index === 0 ? 'dhcp' : `dhcp.relay_pools[${index - 1}]`;
    const start = startText ? ipToInt(startText) : undefined;
    const end = endText ? ipToInt(endText) : undefined;
    if (start === undefined || end === undefined) {
      problems.push(`${where}: pool_start and pool_end must be IPv4 addresses`);
      return;
    }
    if (start > end) {
      problems.push(`${where}: pool_start ${startText} is above pool_end ${endText}`);
      return;
    }
    const router = routerText ? ipToInt(routerText) : undefined;
    let mask: number;
    if (maskText) {
      const m = ipToInt(maskText);
      if (m === undefined || maskPrefix(m) === undefined) {
        problems.push(`${where}: subnet_mask ${maskText} is not a network mask`);
        return;
      }
      mask = m;
    } else {
      // The network holding the pool, its router and (for the site's own pool) the edge; never
      // narrower than a /24, which is what a LAN of phones is.
      const addrs = [start, end];
      if (router !== undefined) addrs.push(router);
      if (index === 0 && serverIp) addrs.push(serverIp);
      mask = prefixMask(Math.min(24, commonPrefix(addrs)));
    }
    if (!sameNetwork(start, end, mask)) {
      problems.push(`${where}: the pool ${startText}–${endText} spans more than one ${intToIp(mask)} network`);
      return;
    }
    const network = (start & mask) >>> 0;
    const broadcast = (network | ~mask) >>> 0;
    const pool: DhcpPool = { start, end, mask, network, broadcast, index };
    if (router !== undefined) {
      if (!sameNetwork(router, start, mask)) problems.push(`${where}: router ${routerText} is outside the pool's network`);
      else pool.router = router;
    } else if (routerText) problems.push(`${where}: router ${routerText} is not an IPv4 address`);
    if (pools.some((p) => sameNetwork(p.network, network, p.mask) || sameNetwork(p.network, network, mask))) {
      problems.push(`${where}: its network overlaps another pool's; ignored`);
      return;
    }
    pools.push(pool);
  };
  addPool(0, d.pool_start, d.pool_end, d.subnet_mask, d.router);
  (d.relay_pools ?? []).forEach((rp, i) => addPool(i + 1, rp.pool_start, rp.pool_end, rp.subnet_mask, rp.router));

  const dns: number[] = [];
  for (const s of d.dns ?? []) {
    const n = ipToInt(s);
    if (n === undefined) problems.push(`dhcp.dns: ${s} is not an IPv4 address`);
    else dns.push(n);
  }

  const byMac = new Map<string, DhcpReservationPlan>();
  const reservedIps = new Map<number, string>();
  for (const r of d.reservations ?? []) {
    const mac = tryParseMac(String(r.mac));
    const ip = ipToInt(String(r.ip));
    if (!mac || ip === undefined) {
      problems.push(`dhcp.reservations: ${String(r.mac)} → ${String(r.ip)} is not a MAC and an IPv4 address`);
      continue;
    }
    if (byMac.has(mac) || reservedIps.has(ip)) {
      problems.push(`dhcp.reservations: ${mac} or ${String(r.ip)} is reserved twice; the first wins`);
      continue;
    }
    if (!pools.some((p) => sameNetwork(p.network, ip, p.mask))) problems.push(`dhcp.reservations: ${String(r.ip)} is in no pool's network; it is only given if a pool comes to hold it`);
    const plan: DhcpReservationPlan = { ip };
    if (r.hostname) plan.hostname = r.hostname;
    byMac.set(mac, plan);
    reservedIps.set(ip, mac);
  }

  const options = overrides(d.options, 'dhcp.options', problems);
  const vendorOptions = new Map<VendorId, Map<number, Buffer | null>>();
  for (const [vendor, raw] of Object.entries(d.vendor_options ?? {})) {
    if (!(VENDOR_IDS as readonly string[]).includes(vendor)) {
      problems.push(`dhcp.vendor_options: no vendor profile "${vendor}"`);
      continue;
    }
    vendorOptions.set(vendor as VendorId, overrides(raw, `dhcp.vendor_options.${vendor}`, problems));
  }

  let ntp: number[] = [];
  const ntpOverride = options.get(42);
  if (ntpOverride) for (let i = 0; i + 4 <= ntpOverride.length; i += 4) ntp.push(ntpOverride.readUInt32BE(i));
  else if (ntpOverride === undefined) {
    const n = ipToInt(site.ntp_server);
    if (n !== undefined) ntp = [n];
  }

  const plan: DhcpPlan = {
    mode: d.mode,
    serverIp,
    provisioningHost: intToIp(provisioningIp),
    provisioningIp,
    httpPort: site.edge_http_port,
    pools,
    dns,
    leaseTimeS: Math.max(60, Math.floor(d.lease_time_s)),
    ntp,
    timezone: site.timezone,
    byMac,
    reservedIps,
    options,
    vendorOptions,
    problems,
  };
  if (d.domain_name) plan.domainName = d.domain_name;
  if (!serverIp) problems.push('the server has no IPv4 address to name itself by (option 54)');
  if (pools.length === 0) problems.push('no usable pool: only INFORM is answered');
  return plan;
}

/**
 * The pool a client is served from: the one whose network holds the relay's giaddr, else (a client
 * on the edge's own link) the one holding the server's address.
 */
export function poolFor(plan: DhcpPlan, giaddr: number): DhcpPool | undefined {
  const anchor = giaddr !== 0 ? giaddr : plan.serverIp;
  return plan.pools.find((p) => sameNetwork(p.network, anchor, p.mask));
}

/** The pool whose network holds `ip`. */
export function poolHolding(plan: DhcpPlan, ip: number): DhcpPool | undefined {
  return plan.pools.find((p) => sameNetwork(p.network, ip, p.mask));
}

/** An address the server may hand out at all in `pool`'s network (not the network, broadcast, server or router address). */
export function assignable(plan: DhcpPlan, pool: DhcpPool, ip: number): boolean {
  return (
    sameNetwork(pool.network, ip, pool.mask) && ip !== pool.network && ip !== pool.broadcast && ip !== plan.serverIp && ip !== pool.router
  );
}
