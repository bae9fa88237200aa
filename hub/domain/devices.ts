/**
 * IP phones: listing with the guide's filters, device and basic settings, user assignment
 * (at most 6 per MAC, lines within the model's limit), the bulk actions on a selection, and the
 * status an admin reads (provisioned, pending, counter).
 */
import { randomBytes } from 'node:crypto';
import { ProvError } from '../../shared/errors.js';
import { parseMac, tryParseMac } from '../../shared/mac.js';
import { MAX_USERS_PER_DEVICE, type Site } from '../../shared/domain.js';
import { matchModel, vendorById, vendorFromMac, vendorsFromMac, type VendorId } from '../../shared/vendors/index.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import type { DeviceFilter, DevicePatch, Selection } from '../api/schemas.js';
import { emitDevice, emitDeviceTombstone, findDeviceRow, type DeviceRow } from './devices-sync.js';
import { emitCounter, hasCounterRow, resetSlots } from './counters.js';
import { getSite, findSite } from './sites.js';
import { stmt } from '../db/statements.js';
import { renderDeviceConfig, type TemplateCache } from './render.js';

export interface DeviceStatus {
  provisioned: boolean;
  last_provisioned_at: string | null;
  last_provisioned_ip: string | null;
  last_user_agent: string | null;
  first_seen: string | null;
  last_seen: string | null;
  firmware: string | null;
  counter: { count: number; limit: number; limit_source: 'device' | 'site' };
  pending: boolean;
}

export interface DeviceView {
  mac: string;
  site_id: number;
  vendor: string | null;
  model: string | null;
  name: string;
  login_password: string;
  engine: 'default' | 'freemarker';
  template_id: number | null;
  provision_limit: number | null;
  users: Array<{ id: number; extension: string; display_name: string }>;
  status: DeviceStatus;
}

export function getDeviceRow(db: Db, macInput: string): DeviceRow {
  const mac = parseMac(macInput);
  const row = findDeviceRow(db, mac);
  if (!row) throw new ProvError('NOT_FOUND', `device ${mac} does not exist`, { mac });
  return row;
}

function deviceUsers(db: Db, mac: string): DeviceView['users'] {
  return db
    .prepare(
      `SELECT u.id, u.extension, u.display_name FROM device_users du JOIN users u ON u.id = du.user_id WHERE du.mac = ? ORDER BY du.position`,
    )
    .all(mac) as DeviceView['users'];
}

/**
 * Pending: the config the edge would serve now differs from the one it last reported serving
 * (never served counts as pending). A device whose template cannot render is not pending: its
 * config preview shows the error instead.
 */
function isPending(db: Db, cache: TemplateCache, row: DeviceRow, site: Site): boolean {
  try {
    return renderDeviceConfig(db, cache, row, site).hash !== row.last_config_hash;
  } catch {
    return false;
  }
}

export function deviceView(db: Db, cache: TemplateCache, row: DeviceRow, site?: Site, secrets = true): DeviceView {
  const s = site ?? getSite(db, row.site_id);
  return {
    mac: row.mac,
    site_id: row.site_id,
    vendor: row.vendor,
    model: row.model,
    name: row.name,
    login_password: secrets ? row.login_password : mask(row.login_password),
    engine: row.engine,
    template_id: row.template_id,
    provision_limit: row.provision_limit,
    users: deviceUsers(db, row.mac),
    status: {
      provisioned: row.last_provisioned_at !== null,
      last_provisioned_at: row.last_provisioned_at,
      last_provisioned_ip: row.last_ip,
      last_user_agent: row.last_user_agent,
      first_seen: row.first_seen,
      last_seen: row.last_seen,
      firmware: row.firmware,
      counter: {
        count: Math.max(0, row.provision_count - row.reset_baseline),
        limit: row.provision_limit ?? s.provision_limit,
        limit_source: row.provision_limit === null ? 'site' : 'device',
      },
      pending: isPending(db, cache, row, s),
    },
  };
}

export function mask(secret: string): string {
  return secret === '' ? '' : '***';
}

/** SQL for a filter, shared by the list and by actions on "all rows matching, across all pages". */
function filterSql(f: DeviceFilter): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.filter === 'assigned') where.push(`EXISTS (SELECT 1 FROM device_users du WHERE du.mac = d.mac)`);
  if (f.filter === 'unassigned') where.push(`NOT EXISTS (SELECT 1 FROM device_users du WHERE du.mac = d.mac)`);
  if (f.site_id !== undefined) {
    where.push(`d.site_id = ?`);
    params.push(f.site_id);
  }
  const q = f.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const hex = q.replace(/[:\-.\s]/g, '').toLowerCase();
    const macLike = /^[0-9a-f]+$/.test(hex) ? `%${hex}%` : null;
    where.push(
      `(${macLike ? `d.mac LIKE ? OR ` : ''}d.name LIKE ? ESCAPE '\\' OR d.model LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM device_users du JOIN users u ON u.id = du.user_id
        WHERE du.mac = d.mac AND (u.extension LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')))`,
    );
    if (macLike) params.push(macLike);
    params.push(like, like, like, like);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

const SORTS: Record<string, string> = {
  mac: 'd.mac ASC', '-mac': 'd.mac DESC',
  name: 'd.name COLLATE NOCASE ASC, d.mac ASC', '-name': 'd.name COLLATE NOCASE DESC, d.mac ASC',
  created_at: 'd.created_at ASC, d.mac ASC', '-created_at': 'd.created_at DESC, d.mac ASC',
  last_provisioned_at: 'd.last_provisioned_at ASC NULLS FIRST, d.mac ASC',
  '-last_provisioned_at': 'd.last_provisioned_at DESC NULLS LAST, d.mac ASC',
};

export interface DevicePage {
  items: DeviceView[];
  total: number;
  page: number;
  per_page: number;
}

export function listDevices(
  db: Db,
  cache: TemplateCache,
  q: DeviceFilter & { sort: string; page: number; per_page: number },
  secrets: boolean,
): DevicePage {
  const { where, params } = filterSql(q);
  const { total } = db.prepare(`SELECT count(*) AS total FROM devices d ${where}`).get(...params) as { total: number };
  const rows = db
    .prepare(`SELECT d.* FROM devices d ${where} ORDER BY ${SORTS[q.sort] ?? SORTS.mac} LIMIT ? OFFSET ?`)
    .all(...params, q.per_page, (q.page - 1) * q.per_page) as DeviceRow[];
  const sites = new Map<number, Site>();
  const items = rows.map((r) => {
    let site = sites.get(r.site_id);
    if (!site) sites.set(r.site_id, (site = getSite(db, r.site_id)));
    return deviceView(db, cache, r, site, secrets);
  });
  return { items, total, page: q.page, per_page: q.per_page };
}

/** The MACs a selection means: the listed ones (each must exist) or every row matching the filter. */
export function selectMacs(db: Db, sel: Selection): string[] {
  if ('macs' in sel) {
    const macs: string[] = [];
    const seen = new Set<string>();
    const bad: string[] = [];
    const missing: string[] = [];
    const exists = db.prepare(`SELECT 1 FROM devices WHERE mac = ?`);
    for (const input of sel.macs) {
      const mac = tryParseMac(input);
      if (mac === null) bad.push(input);
      else if (!exists.get(mac)) missing.push(mac);
      else if (!seen.has(mac)) {
        seen.add(mac);
        macs.push(mac);
      }
    }
    if (bad.length) throw new ProvError('INVALID_MAC', `${bad.length} of the selected values are not MAC addresses`, { invalid: bad.slice(0, 100) });
    if (missing.length) throw new ProvError('NOT_FOUND', `${missing.length} of the selected devices do not exist`, { missing: missing.slice(0, 100) });
    return macs;
  }
  const { where, params } = filterSql(sel.filter);
  return (db.prepare(`SELECT d.mac FROM devices d ${where} ORDER BY d.mac`).all(...params) as { mac: string }[]).map((r) => r.mac);
}

/** The SIP lines the device's model can hold, if we know the model. */
export function modelLineLimit(vendor: string | null, model: string | null): { model: string; lines: number } | undefined {
  if (!vendor || !model) return undefined;
  const v = vendorById(vendor);
  const m = v && matchModel(v, model);
  return m && { model: `${v.name} ${m.name}`, lines: m.lines };
}

function lineCount(db: Db, userIds: readonly number[]): number {
  const count = db.prepare(`SELECT count(*) AS n FROM sip_accounts WHERE user_id = ?`);
  return userIds.reduce((sum, id) => sum + (count.get(id) as { n: number }).n, 0);
}

/** Refuses an assignment the phone could not carry; every check names what to change. */
export function checkAssignment(db: Db, row: Pick<DeviceRow, 'mac' | 'vendor' | 'model'>, userIds: readonly number[]): void {
  if (userIds.length > MAX_USERS_PER_DEVICE) {
    throw new ProvError('TOO_MANY_USERS', `a phone carries at most ${MAX_USERS_PER_DEVICE} users (extensions); ${userIds.length} were given for ${row.mac}`, {
      mac: row.mac, max: MAX_USERS_PER_DEVICE, given: userIds.length,
    });
  }
  if (new Set(userIds).size !== userIds.length) throw new ProvError('VALIDATION_FAILED', `a user is listed twice for ${row.mac}`, { mac: row.mac });
  const get = db.prepare(`SELECT id, extension, ip_phone_license FROM users WHERE id = ?`);
  for (const id of userIds) {
    const u = get.get(id) as { id: number; extension: string; ip_phone_license: number } | undefined;
    if (!u) throw new ProvError('NOT_FOUND', `user ${id} does not exist`, { user_id: id });
    if (u.ip_phone_license !== 1) {
      throw new ProvError('USER_NOT_LICENSED', `user ${u.extension} has no IP Phone licence; grant it before assigning a phone`, { user_id: id, extension: u.extension });
    }
  }
  checkLinesFit(db, row, lineCount(db, userIds));
}

function checkLinesFit(db: Db, row: Pick<DeviceRow, 'mac' | 'vendor' | 'model'>, lines: number): void {
  const limit = modelLineLimit(row.vendor, row.model);
  if (limit && lines > limit.lines) {
    throw new ProvError('TOO_MANY_LINES', `${limit.model} holds at most ${limit.lines} SIP lines; this assignment needs ${lines} for ${row.mac}`, {
      mac: row.mac, model: limit.model, max_lines: limit.lines, lines,
    });
  }
}

/** After a user gains a SIP account: every phone carrying the user must still fit its lines. */
export function checkDevicesOfUserFit(db: Db, userId: number): void {
  const macs = db.prepare(`SELECT mac FROM device_users WHERE user_id = ?`).all(userId) as { mac: string }[];
  for (const { mac } of macs) {
    const row = findDeviceRow(db, mac)!;
    const ids = deviceUsers(db, mac).map((u) => u.id);
    checkLinesFit(db, row, lineCount(db, ids));
  }
}

export function setDeviceUsers(w: Writer, macInput: string, userIds: readonly number[]): void {
  const row = getDeviceRow(w.db, macInput);
  checkAssignment(w.db, row, userIds);
  const before = deviceUsers(w.db, row.mac).map((u) => u.id);
  w.db.prepare(`DELETE FROM device_users WHERE mac = ?`).run(row.mac);
  const insert = w.db.prepare(`INSERT INTO device_users(mac, position, user_id) VALUES (?, ?, ?)`);
  userIds.forEach((id, i) => insert.run(row.mac, i + 1, id));
  w.db.prepare(`UPDATE devices SET updated_at = ? WHERE mac = ?`).run(w.now, row.mac);
  emitDevice(w, row.mac);
  w.audit({ action: 'device.assign', target_type: 'device', target_id: row.mac, before: { users: before }, after: { users: [...userIds] } });
}

export function newSecret(bytes = 15): string {
  return randomBytes(bytes).toString('base64url');
}

export interface NewDevice {
  mac: string;
  site_id: number;
  vendor: string | null;
  model: string | null;
  name: string;
}

export function insertDevice(w: Writer, d: NewDevice): void {
  stmt(
    w.db,
    `INSERT INTO devices(mac, site_id, vendor, model, name, login_password, engine, prov_username, prov_password, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'default', ?, ?, ?, ?)`,
  ).run(d.mac, d.site_id, d.vendor, d.model, d.name, newSecret(9), d.mac, newSecret(), w.now, w.now);
  emitDevice(w, d.mac);
  w.audit({ action: 'device.create', target_type: 'device', target_id: d.mac, after: d });
}

/**
 * The vendor profile: the one the admin named, else the OUI's owner (families sharing an OUI, such
 * as Cisco's enterprise firmware on MPP hardware, cannot be told apart from the MAC: the admin says
 * so). The model is matched leniently against that profile and canonicalised, or kept as typed with
 * a warning. `vendorInput` must be a profile id (callers validate it).
 */
export function identify(
  mac: string,
  modelInput: string | null,
  vendorInput?: VendorId | null,
): { vendor: string | null; model: string | null; warning?: string; vendorWarning?: string } {
  const owner = vendorFromMac(mac);
  const vendor = vendorInput ? vendorById(vendorInput) : owner;
  const vendorWarning =
    vendorInput && owner && !vendorsFromMac(mac).some((v) => v.id === vendorInput)
      ? `the OUI of ${mac} belongs to ${owner.name}, not ${vendor?.name ?? vendorInput}; vendor "${vendorInput}" kept as given`
      : undefined;
  const base = { vendor: vendor?.id ?? null, ...(vendorWarning ? { vendorWarning } : {}) };
  if (!modelInput) return { ...base, model: null };
  if (!vendor) return { ...base, model: modelInput, warning: `the OUI of ${mac} belongs to no known phone vendor; model "${modelInput}" kept as given` };
  // A profile without a model table (cisco-sep) has nothing to check the model against.
  if (vendor.models.length === 0) return { ...base, model: modelInput };
  const m = matchModel(vendor, modelInput);
  if (!m) return { ...base, model: modelInput, warning: `unknown ${vendor.name} model "${modelInput}" kept as given; the phone's first boot will correct it` };
  return { ...base, model: m.name };
}

export function updateDevice(w: Writer, macInput: string, patch: DevicePatch): DeviceRow {
  const before = getDeviceRow(w.db, macInput);
  const next: DeviceRow = { ...before };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.login_password !== undefined) next.login_password = patch.login_password;
  if (patch.engine !== undefined) next.engine = patch.engine;
  if (patch.provision_limit !== undefined) next.provision_limit = patch.provision_limit;
  if (patch.model !== undefined || patch.vendor !== undefined) {
    // A new vendor re-reads the current model against its profile; without one the stored vendor stays.
    const vendor = patch.vendor ?? (before.vendor !== null && vendorById(before.vendor) ? (before.vendor as VendorId) : null);
    const id = identify(before.mac, patch.model !== undefined ? patch.model : before.model, vendor);
    next.model = id.model;
    next.vendor = id.vendor ?? before.vendor;
    checkLinesFit(w.db, next, lineCount(w.db, deviceUsers(w.db, before.mac).map((u) => u.id)));
  }
  if (patch.site_id !== undefined && patch.site_id !== before.site_id) {
    if (!findSite(w.db, patch.site_id)) throw new ProvError('NOT_FOUND', `site ${patch.site_id} does not exist`, { site_id: patch.site_id });
    next.site_id = patch.site_id;
  }
  const hadCounterRow = next.site_id !== before.site_id && hasCounterRow(w.db, before.mac);
  w.db
    .prepare(
      `UPDATE devices SET name=?, login_password=?, engine=?, provision_limit=?, model=?, vendor=?, site_id=?, updated_at=? WHERE mac=?`,
    )
    .run(next.name, next.login_password, next.engine, next.provision_limit, next.model, next.vendor, next.site_id, w.now, before.mac);
  // Scope lives in the key: the old site must be told the device left (DESIGN §7).
  if (next.site_id !== before.site_id) {
    emitDeviceTombstone(w, before.site_id, before.mac);
    // The counter (every slot, with its observed-reset baseline) follows the device: the new site's
    // edge counts what the old site's edges served, so a move grants no fresh bootstrap.
    if (hadCounterRow) w.change({ site_id: before.site_id, entity: 'counter_reset', key: before.mac });
    emitCounter(w, before.mac);
  }
  emitDevice(w, before.mac);
  w.audit({ action: 'device.update', target_type: 'device', target_id: before.mac, before: pickSettings(before), after: pickSettings(next) });
  return findDeviceRow(w.db, before.mac)!;
}

function pickSettings(r: DeviceRow): Record<string, unknown> {
  return { name: r.name, login_password: r.login_password, engine: r.engine, provision_limit: r.provision_limit, model: r.model, vendor: r.vendor, site_id: r.site_id };
}

export function removeDevices(w: Writer, macs: readonly string[]): number {
  const del = w.db.prepare(`DELETE FROM devices WHERE mac = ?`);
  for (const mac of macs) {
    const row = findDeviceRow(w.db, mac);
    if (!row) continue;
    const users = deviceUsers(w.db, mac).map((u) => u.extension);
    const hadCounterRow = hasCounterRow(w.db, mac);
    del.run(mac); // its counter slots go with it (ON DELETE CASCADE)
    if (row.template_id !== null) {
      w.db.prepare(`DELETE FROM templates WHERE id = ? AND scope = 'device'`).run(row.template_id);
      w.change({ site_id: null, entity: 'template', key: String(row.template_id) });
    }
    emitDeviceTombstone(w, row.site_id, mac);
    if (hadCounterRow) w.change({ site_id: row.site_id, entity: 'counter_reset', key: mac });
    w.audit({ action: 'device.remove', target_type: 'device', target_id: mac, before: { ...pickSettings(row), users } });
  }
  return macs.length;
}

/**
 * Reset provision counter as an observed-reset (DESIGN §4): each slot's baseline is the highest count
 * the hub has received for it, so sessions an offline edge served that the hub has not seen still count.
 */
export function resetCounters(w: Writer, macs: readonly string[]): number {
  for (const mac of macs) {
    if (!findDeviceRow(w.db, mac)) continue;
    const r = resetSlots(w, mac);
    w.audit({ action: 'device.reset_counter', target_type: 'device', target_id: mac, before: { count: r.before }, after: { count: 0, baseline: r.baseline } });
  }
  return macs.length;
}

export interface ProvisionedEvent {
  mac: string;
  at: string;
  ip: string;
  user_agent: string | null;
  firmware: string | null;
  config_hash: string;
}

/**
 * Folds an edge's "provisioned" observation into the device's status. Times merge by min/max, so
 * replays and reordering change nothing. (Its count goes to the edge DB's slot: counters.ts.)
 */
export function recordProvisioned(db: Db, e: ProvisionedEvent): void {
  db.prepare(
    `UPDATE devices SET
       first_seen = CASE WHEN first_seen IS NULL OR first_seen > @at THEN @at ELSE first_seen END,
       last_seen = CASE WHEN last_seen IS NULL OR last_seen < @at THEN @at ELSE last_seen END,
       last_provisioned_at = CASE WHEN last_provisioned_at IS NULL OR last_provisioned_at <= @at THEN @at ELSE last_provisioned_at END,
       last_ip = CASE WHEN last_provisioned_at IS NULL OR last_provisioned_at <= @at THEN @ip ELSE last_ip END,
       last_user_agent = CASE WHEN last_provisioned_at IS NULL OR last_provisioned_at <= @at THEN @user_agent ELSE last_user_agent END,
       firmware = CASE WHEN last_provisioned_at IS NULL OR last_provisioned_at <= @at THEN coalesce(@firmware, firmware) ELSE firmware END,
       last_config_hash = CASE WHEN last_provisioned_at IS NULL OR last_provisioned_at <= @at THEN @config_hash ELSE last_config_hash END
     WHERE mac = @mac`,
  ).run(e);
}
