/** Unknown MACs the edges saw, with their evidence, and adopting one into the inventory. */
import { ProvError } from '../../shared/errors.js';
import { parseMac } from '../../shared/mac.js';
import type { VendorId } from '../../shared/vendors/index.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import { identify, insertDevice, setDeviceUsers } from './devices.js';
import { findDeviceRow } from './devices-sync.js';

export interface DiscoveredView {
  site_id: number;
  mac: string;
  ip: string | null;
  evidence: Record<string, unknown>;
  first_seen: string;
  last_seen: string;
}

export interface UnknownDeviceEvent {
  site_id: number;
  mac: string;
  ip: string | null;
  at: string;
  evidence: Record<string, unknown>;
}

/** Folds an edge's unknown-device observation in (first seen by min, last seen by max, evidence merged). */
export function recordUnknownDevice(db: Db, e: UnknownDeviceEvent): void {
  if (findDeviceRow(db, e.mac)) return;
  const prev = db.prepare(`SELECT evidence FROM discovered WHERE site_id = ? AND mac = ?`).get(e.site_id, e.mac) as { evidence: string } | undefined;
  const evidence = { ...(prev ? (JSON.parse(prev.evidence) as object) : {}), ...e.evidence };
  db.prepare(
    `INSERT INTO discovered(site_id, mac, ip, evidence, first_seen, last_seen) VALUES (@site_id, @mac, @ip, @evidence, @at, @at)
     ON CONFLICT(site_id, mac) DO UPDATE SET evidence = @evidence,
       ip = CASE WHEN @at >= last_seen THEN coalesce(@ip, ip) ELSE ip END,
       first_seen = min(first_seen, @at), last_seen = max(last_seen, @at)`,
  ).run({ ...e, evidence: JSON.stringify(evidence) });
}

function view(r: { site_id: number; mac: string; ip: string | null; evidence: string; first_seen: string; last_seen: string }): DiscoveredView {
  return { ...r, evidence: JSON.parse(r.evidence) as Record<string, unknown> };
}

export function listDiscovered(db: Db, siteId?: number): DiscoveredView[] {
  const rows = siteId === undefined
    ? db.prepare(`SELECT * FROM discovered ORDER BY last_seen DESC, mac`).all()
    : db.prepare(`SELECT * FROM discovered WHERE site_id = ? ORDER BY last_seen DESC, mac`).all(siteId);
  return (rows as Parameters<typeof view>[0][]).map(view);
}

export function adoptDiscovered(
  w: Writer,
  macInput: string,
  input: { name?: string | undefined; model?: string | undefined; vendor?: VendorId | undefined; users?: number[] | undefined },
): string {
  const mac = parseMac(macInput);
  const row = w.db.prepare(`SELECT * FROM discovered WHERE mac = ? ORDER BY last_seen DESC LIMIT 1`).get(mac) as Parameters<typeof view>[0] | undefined;
  if (!row) throw new ProvError('NOT_FOUND', `${mac} is not among the discovered devices`, { mac });
  if (findDeviceRow(w.db, mac)) throw new ProvError('ALREADY_EXISTS', `${mac} is already a known device`, { mac });
  const evidence = JSON.parse(row.evidence) as { model?: string };
  const id = identify(mac, input.model ?? evidence.model ?? null, input.vendor ?? null);
  insertDevice(w, { mac, site_id: row.site_id, vendor: id.vendor, model: id.model, name: input.name ?? '' });
  if (input.users && input.users.length > 0) setDeviceUsers(w, mac, input.users);
  w.db.prepare(`DELETE FROM discovered WHERE mac = ?`).run(mac);
  w.audit({ action: 'discovered.adopt', target_type: 'device', target_id: mac, after: { site_id: row.site_id, users: input.users ?? [] } });
  return mac;
}
