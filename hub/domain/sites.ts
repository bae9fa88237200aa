/** Sites (branches): settings every phone config there depends on, and the firewall facts derived from them. */
import { createHash, randomBytes } from 'node:crypto';
import { ProvError } from '../../shared/errors.js';
import { tryParseMac } from '../../shared/mac.js';
import type { Site } from '../../shared/domain.js';
import type { Writer } from '../db/store.js';
import type { Db } from '../db/open.js';
import type { SiteCreate, SitePatch } from '../api/schemas.js';
import { emitDevice } from './devices-sync.js';

interface SiteRow extends Omit<Site, 'dhcp'> {
  dhcp: string;
}

function fromRow(row: SiteRow): Site {
  return { ...row, dhcp: JSON.parse(row.dhcp) as Site['dhcp'] };
}

const COLUMNS = `id, name, timezone, ntp_server, provision_mode, fqdn, public_ip, edge_lan_ip, edge_http_port,
  edge_https_port, edge_tftp_port, sip_port, sip_transport, rtp_port_min, rtp_port_max, provision_limit, dhcp`;

export function listSites(db: Db): Site[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM sites ORDER BY id`).all() as SiteRow[]).map(fromRow);
}

export function findSite(db: Db, id: number): Site | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM sites WHERE id = ?`).get(id) as SiteRow | undefined;
  return row && fromRow(row);
}

export function getSite(db: Db, id: number): Site {
  const site = findSite(db, id);
  if (!site) throw new ProvError('NOT_FOUND', `site ${id} does not exist`, { site_id: id });
  return site;
}

export function findSiteByName(db: Db, name: string): Site | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM sites WHERE name = ? COLLATE NOCASE`).get(name) as SiteRow | undefined;
  return row && fromRow(row);
}

function checkConsistent(site: Omit<Site, 'id'>): void {
  const problems: string[] = [];
  if (site.provision_mode === 'fqdn' && !site.fqdn) problems.push('provision_mode "fqdn" needs fqdn');
  if (site.provision_mode === 'public_ip' && !site.public_ip) problems.push('provision_mode "public_ip" needs public_ip');
  if (site.rtp_port_min > site.rtp_port_max) problems.push('rtp_port_min is above rtp_port_max');
  if (site.dhcp.mode !== 'off') {
    if (!site.dhcp.pool_start || !site.dhcp.pool_end) problems.push(`dhcp mode "${site.dhcp.mode}" needs pool_start and pool_end`);
    if (!site.edge_lan_ip) problems.push('DHCP needs edge_lan_ip (the address phones are told to fetch from)');
  }
  problems.push(...dhcpProblems(site.dhcp));
  if (problems.length > 0) throw new ProvError('VALIDATION_FAILED', problems.join('; '), { problems });
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

/** Pools in order and reservations unique (the schema has checked each value's form). */
function dhcpProblems(d: Site['dhcp']): string[] {
  const problems: string[] = [];
  const pools = [{ where: 'dhcp', start: d.pool_start, end: d.pool_end }, ...(d.relay_pools ?? []).map((p, i) => ({ where: `dhcp.relay_pools[${i}]`, start: p.pool_start, end: p.pool_end }))];
  for (const p of pools) if (p.start && p.end && ipNumber(p.start) > ipNumber(p.end)) problems.push(`${p.where}: pool_start ${p.start} is above pool_end ${p.end}`);
  const macs = new Set<string>();
  const ips = new Set<string>();
  for (const r of d.reservations ?? []) {
    const mac = tryParseMac(r.mac) ?? r.mac;
    if (macs.has(mac)) problems.push(`dhcp.reservations: ${r.mac} is reserved twice`);
    if (ips.has(r.ip)) problems.push(`dhcp.reservations: ${r.ip} is reserved twice`);
    macs.add(mac);
    ips.add(r.ip);
  }
  return problems;
}

/** The row the edges receive for their site (everything but secrets kept on the hub). */
export function emitSite(w: Writer, site: Site): void {
  w.change({ site_id: site.id, entity: 'site', key: String(site.id), data: site });
}

export function createSite(w: Writer, input: SiteCreate): Site {
  checkConsistent(input);
  if (findSiteByName(w.db, input.name)) throw new ProvError('ALREADY_EXISTS', `a site named "${input.name}" exists`, { name: input.name });
  const info = w.db
    .prepare(
      `INSERT INTO sites(name, timezone, ntp_server, provision_mode, fqdn, public_ip, edge_lan_ip, edge_http_port,
        edge_https_port, edge_tftp_port, sip_port, sip_transport, rtp_port_min, rtp_port_max, provision_limit, dhcp,
        created_at, updated_at)
       VALUES (@name, @timezone, @ntp_server, @provision_mode, @fqdn, @public_ip, @edge_lan_ip, @edge_http_port,
        @edge_https_port, @edge_tftp_port, @sip_port, @sip_transport, @rtp_port_min, @rtp_port_max, @provision_limit, @dhcp,
        @now, @now)`,
    )
    .run({ ...input, dhcp: JSON.stringify(input.dhcp), now: w.now });
  const site = getSite(w.db, Number(info.lastInsertRowid));
  emitSite(w, site);
  w.audit({ action: 'site.create', target_type: 'site', target_id: site.id, after: site });
  return site;
}

export function updateSite(w: Writer, id: number, patch: SitePatch): Site {
  const before = getSite(w.db, id);
  const after: Site = { ...before, ...patch, id, dhcp: { ...before.dhcp, ...patch.dhcp } };
  checkConsistent(after);
  if (patch.name !== undefined) {
    const clash = findSiteByName(w.db, patch.name);
    if (clash && clash.id !== id) throw new ProvError('ALREADY_EXISTS', `a site named "${patch.name}" exists`, { name: patch.name });
  }
  w.db
    .prepare(
      `UPDATE sites SET name=@name, timezone=@timezone, ntp_server=@ntp_server, provision_mode=@provision_mode, fqdn=@fqdn,
        public_ip=@public_ip, edge_lan_ip=@edge_lan_ip, edge_http_port=@edge_http_port, edge_https_port=@edge_https_port,
        edge_tftp_port=@edge_tftp_port, sip_port=@sip_port, sip_transport=@sip_transport, rtp_port_min=@rtp_port_min,
        rtp_port_max=@rtp_port_max, provision_limit=@provision_limit, dhcp=@dhcp, updated_at=@now WHERE id=@id`,
    )
    .run({ ...after, dhcp: JSON.stringify(after.dhcp), now: w.now });
  emitSite(w, after);
  // Lines fall back to the site's SIP host and port, so the site's devices change with it.
  for (const { mac } of w.db.prepare(`SELECT mac FROM devices WHERE site_id = ?`).all(id) as { mac: string }[]) emitDevice(w, mac);
  w.audit({ action: 'site.update', target_type: 'site', target_id: id, before, after });
  return after;
}

export function deleteSite(w: Writer, id: number): void {
  const before = getSite(w.db, id);
  const { n } = w.db.prepare(`SELECT count(*) AS n FROM devices WHERE site_id = ?`).get(id) as { n: number };
  if (n > 0) throw new ProvError('CONFLICT', `site "${before.name}" still has ${n} devices; remove or move them first`, { devices: n });
  w.db.prepare(`DELETE FROM sites WHERE id = ?`).run(id);
  w.change({ site_id: id, entity: 'site', key: String(id) });
  w.audit({ action: 'site.delete', target_type: 'site', target_id: id, before });
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a new sync token for the site; only its hash is stored, so it is shown once. */
export function addSiteToken(w: Writer, siteId: number): string {
  getSite(w.db, siteId);
  const token = `eps_${randomBytes(32).toString('base64url')}`;
  w.db.prepare(`INSERT INTO site_tokens(site_id, token_hash, created_at) VALUES (?, ?, ?)`).run(siteId, hashToken(token), w.now);
  w.audit({ action: 'site.token.create', target_type: 'site', target_id: siteId });
  return token;
}

export interface FirewallRule {
  purpose: string;
  from: string;
  to: string;
  protocol: 'udp' | 'tcp';
  ports: string;
  note?: string;
}

/** What must be open, from where to where, for this site to provision and register phones. */
export function siteFirewall(site: Site, hubUrl: string): FirewallRule[] {
  const edge = site.edge_lan_ip ?? 'edge server';
  const sipHost = (site.provision_mode === 'fqdn' ? site.fqdn : site.public_ip) ?? 'SIP server';
  const rules: FirewallRule[] = [];
  if (site.dhcp.mode !== 'off') {
    rules.push({ purpose: 'DHCP (options 66/150/160/43 for phones)', from: 'phones (broadcast, 0.0.0.0:68)', to: `${edge}`, protocol: 'udp', ports: '67', note: 'replies go to udp/68' });
  }
  rules.push({ purpose: 'TFTP provisioning', from: 'phones', to: edge, protocol: 'udp', ports: String(site.edge_tftp_port), note: 'data flows from an ephemeral server port back to the phone (allow related traffic or use a TFTP helper)' });
  rules.push({ purpose: 'HTTP provisioning', from: 'phones', to: edge, protocol: 'tcp', ports: String(site.edge_http_port) });
  if (site.edge_https_port !== null) rules.push({ purpose: 'HTTPS provisioning', from: 'phones', to: edge, protocol: 'tcp', ports: String(site.edge_https_port) });
  rules.push({ purpose: 'Sync with the hub (WebSocket, edge dials out)', from: edge, to: hubUrl, protocol: 'tcp', ports: hubPort(hubUrl) });
  rules.push({
    purpose: 'SIP signalling',
    from: 'phones',
    to: sipHost,
    protocol: site.sip_transport === 'udp' ? 'udp' : 'tcp',
    ports: String(site.sip_port),
    ...(site.sip_transport === 'tls' ? { note: 'SIP over TLS' } : {}),
  });
  rules.push({ purpose: 'RTP media', from: 'phones', to: sipHost, protocol: 'udp', ports: `${site.rtp_port_min}-${site.rtp_port_max}`, note: 'both directions' });
  rules.push({ purpose: 'NTP time', from: 'phones', to: site.ntp_server, protocol: 'udp', ports: '123' });
  return rules;
}

function hubPort(url: string): string {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80');
  } catch {
    return '443';
  }
}

export function firewallText(site: Site, rules: FirewallRule[]): string {
  const lines = [`# Firewall for site "${site.name}" (provision mode ${site.provision_mode})`];
  for (const r of rules) {
    lines.push(`${r.protocol}/${r.ports}\t${r.from} -> ${r.to}\t${r.purpose}${r.note ? ` (${r.note})` : ''}`);
  }
  return lines.join('\n') + '\n';
}
