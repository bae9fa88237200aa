/**
 * The device record an edge receives. Lines are carried inside it (extensions with their SIP
 * accounts, in assignment order) so an edge holds SIP secrets only for phones it serves and never
 * sees a dangling user reference; any write that changes what a device would render re-emits it.
 */
import type { Db } from '../db/open.js';
import { stmt } from '../db/statements.js';
import type { Writer } from '../db/store.js';
import type { SipAccount } from '../../shared/domain.js';
import type { DeviceRecord } from '../../shared/sync/types.js';

export type { DeviceRecord };

export interface DeviceRow {
  mac: string;
  site_id: number;
  vendor: string | null;
  model: string | null;
  name: string;
  login_password: string;
  engine: 'default' | 'freemarker';
  template_id: number | null;
  provision_limit: number | null;
  prov_username: string;
  prov_password: string;
  provision_count: number;
  reset_baseline: number;
  /** When the counter was last reset (null: never); the counter_reset row's time. */
  reset_at: string | null;
  first_seen: string | null;
  last_seen: string | null;
  last_provisioned_at: string | null;
  last_ip: string | null;
  last_user_agent: string | null;
  firmware: string | null;
  last_config_hash: string | null;
  created_at: string;
  updated_at: string;
}

export type AssignedExtension = DeviceRecord['extensions'][number];

export function findDeviceRow(db: Db, mac: string): DeviceRow | undefined {
  return stmt(db, `SELECT * FROM devices WHERE mac = ?`).get(mac) as DeviceRow | undefined;
}

export function assignedExtensions(db: Db, mac: string): AssignedExtension[] {
  const users = stmt(
    db,
    `SELECT u.id AS user_id, u.extension, u.display_name FROM device_users du JOIN users u ON u.id = du.user_id
     WHERE du.mac = ? ORDER BY du.position`,
  ).all(mac) as Array<Omit<AssignedExtension, 'accounts'>>;
  const accounts = stmt(db, `SELECT * FROM sip_accounts WHERE user_id = ? ORDER BY id`);
  return users.map((u) => ({ ...u, accounts: accounts.all(u.user_id) as SipAccount[] }));
}

export function deviceRecord(db: Db, row: DeviceRow): DeviceRecord {
  return {
    mac: row.mac,
    site_id: row.site_id,
    vendor: row.vendor,
    model: row.model,
    name: row.name,
    login_password: row.login_password,
    engine: row.engine,
    template_id: row.template_id,
    provision_limit: row.provision_limit,
    prov_username: row.prov_username,
    prov_password: row.prov_password,
    extensions: assignedExtensions(db, row.mac),
  };
}

/** Re-emits the device's current record at its site (or nothing if it no longer exists). */
export function emitDevice(w: Writer, mac: string): void {
  const row = findDeviceRow(w.db, mac);
  if (row) w.change({ site_id: row.site_id, entity: 'device', key: mac, data: deviceRecord(w.db, row) });
}

export function emitDeviceTombstone(w: Writer, siteId: number, mac: string): void {
  w.change({ site_id: siteId, entity: 'device', key: mac });
}

/** Re-emits every device that carries this user. */
export function emitDevicesOfUser(w: Writer, userId: number): void {
  const macs = w.db.prepare(`SELECT mac FROM device_users WHERE user_id = ? ORDER BY mac`).all(userId) as { mac: string }[];
  for (const { mac } of macs) emitDevice(w, mac);
}
