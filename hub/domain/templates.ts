/**
 * Stored templates: org templates per vendor/model, and per-device overrides uploaded from the
 * device's Basic settings. A template is validated when it is stored — compiled, then rendered
 * for every device it would serve and for synthetic devices with 1 line and the model's maximum —
 * so an error surfaces at upload time with its position, never at a phone's boot.
 */
import { ProvError, TemplateError } from '../../shared/errors.js';
import type { Engine, SipAccount, Site } from '../../shared/domain.js';
import { buildDataModel, compileTemplate } from '../../shared/templates/index.js';
import type { Db } from '../db/open.js';
import type { TemplateRecord } from '../../shared/sync/types.js';
import type { Writer } from '../db/store.js';
import { emitDevice, findDeviceRow, type DeviceRow } from './devices-sync.js';
import { deviceDataModel } from './render.js';
import { getSite, listSites } from './sites.js';
import { modelLineLimit } from './devices.js';

export interface TemplateView {
  id: number;
  name: string;
  engine: Engine;
  vendor: string | null;
  model: string | null;
  version: number;
  body: string;
  devices: string[];
}

/** A stored template row is exactly the record the edges receive. */
type TemplateRow = TemplateRecord;

function view(db: Db, t: TemplateRow): TemplateView {
  const devices = (db.prepare(`SELECT mac FROM devices WHERE template_id = ? ORDER BY mac`).all(t.id) as { mac: string }[]).map((r) => r.mac);
  return { id: t.id, name: t.name, engine: t.engine, vendor: t.vendor, model: t.model, version: t.version, body: t.body, devices };
}

export function listTemplates(db: Db): TemplateView[] {
  return (db.prepare(`SELECT * FROM templates ORDER BY id`).all() as TemplateRow[]).map((t) => view(db, t));
}

export function getTemplate(db: Db, id: number): TemplateView {
  const t = db.prepare(`SELECT * FROM templates WHERE id = ?`).get(id) as TemplateRow | undefined;
  if (!t) throw new ProvError('NOT_FOUND', `template ${id} does not exist`, { template_id: id });
  return view(db, t);
}

function syntheticAccounts(n: number): SipAccount[] {
  return Array.from({ length: n }, (_, i) => ({
    id: -(i + 1), user_id: -1, username: `${1000 + i}`, auth_username: `${1000 + i}`, password: 'synthetic-secret',
    server: null, port: null, transport: 'udp', outbound_proxy: null, label: `Line ${i + 1}`,
  }));
}

/**
 * Compiles and test-renders `body`; throws the first error with its line and column. `devices`
 * are the real devices the template would serve.
 */
export function validateTemplate(db: Db, engine: Engine, body: string, target: { vendor: string | null; model: string | null; devices: DeviceRow[] }): void {
  const compiled = compileTemplate(engine, body);
  const sites = new Map<number, Site>();
  const siteOf = (id: number) => {
    let s = sites.get(id);
    if (!s) sites.set(id, (s = getSite(db, id)));
    return s;
  };
  const renderOrExplain = (label: string, render: () => void) => {
    try {
      render();
    } catch (err) {
      // At upload a render failure makes the template invalid for the devices it would serve: one code, one status.
      if (err instanceof TemplateError && err.code !== 'ENGINE_UNAVAILABLE') {
        throw new TemplateError('TEMPLATE_INVALID', `${(err.details as { reason: string }).reason} (rendering ${label})`, err);
      }
      throw err;
    }
  };
  for (const d of target.devices) renderOrExplain(`device ${d.mac}`, () => compiled.render(deviceDataModel(db, d, siteOf(d.site_id))));
  const site = target.devices[0] ? siteOf(target.devices[0].site_id) : listSites(db)[0];
  if (!site) return;
  const maxLines = modelLineLimit(target.vendor, target.model)?.lines ?? 16;
  for (const n of new Set([1, maxLines])) {
    renderOrExplain(`a synthetic device with ${n} line${n === 1 ? '' : 's'}`, () =>
      compiled.render(
        buildDataModel({
          device: { mac: '001565000001', name: 'synthetic', vendor: target.vendor, model: target.model, login_password: 'synthetic', prov_username: 'synthetic', prov_password: 'synthetic' },
          site,
          extensions: [{ extension: '1000', display_name: 'Synthetic', accounts: syntheticAccounts(n) }],
        }),
      ),
    );
  }
}

function emitTemplate(w: Writer, id: number): void {
  const t = w.db.prepare(`SELECT id, name, scope, engine, vendor, model, body, version FROM templates WHERE id = ?`).get(id) as TemplateRow;
  w.change({ site_id: null, entity: 'template', key: String(id), data: t });
}

function devicesServedBy(db: Db, vendor: string | null, model: string | null, engine: Engine): DeviceRow[] {
  if (!vendor) return [];
  return db
    .prepare(`SELECT * FROM devices WHERE template_id IS NULL AND vendor = ? AND engine = ? AND (? IS NULL OR model = ?)`)
    .all(vendor, engine, model, model) as DeviceRow[];
}

export function createTemplate(w: Writer, input: { name: string; engine: Engine; vendor: string | null; model: string | null; body: string }): TemplateView {
  validateTemplate(w.db, input.engine, input.body, { vendor: input.vendor, model: input.model, devices: devicesServedBy(w.db, input.vendor, input.model, input.engine) });
  const info = w.db
    .prepare(`INSERT INTO templates(name, scope, engine, vendor, model, body, version, created_at, updated_at) VALUES (?, 'org', ?, ?, ?, ?, 1, ?, ?)`)
    .run(input.name, input.engine, input.vendor, input.model, input.body, w.now, w.now);
  const id = Number(info.lastInsertRowid);
  emitTemplate(w, id);
  const after = getTemplate(w.db, id);
  w.audit({ action: 'template.create', target_type: 'template', target_id: id, after: { ...after, body: `${after.body.length} chars` } });
  return after;
}

export function updateTemplate(w: Writer, id: number, patch: { name?: string | undefined; body?: string | undefined; engine?: Engine | undefined }): TemplateView {
  const before = getTemplate(w.db, id);
  const engine = patch.engine ?? before.engine;
  const body = patch.body ?? before.body;
  const served = [
    ...(w.db.prepare(`SELECT * FROM devices WHERE template_id = ?`).all(id) as DeviceRow[]),
    ...devicesServedBy(w.db, before.vendor, before.model, engine),
  ];
  validateTemplate(w.db, engine, body, { vendor: before.vendor, model: before.model, devices: served });
  w.db.prepare(`UPDATE templates SET name = ?, engine = ?, body = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(patch.name ?? before.name, engine, body, w.now, id);
  emitTemplate(w, id);
  const after = getTemplate(w.db, id);
  w.audit({ action: 'template.update', target_type: 'template', target_id: id, before: { version: before.version, name: before.name }, after: { version: after.version, name: after.name } });
  return after;
}

export function deleteTemplate(w: Writer, id: number): void {
  const before = getTemplate(w.db, id);
  const macs = before.devices;
  w.db.prepare(`DELETE FROM templates WHERE id = ?`).run(id);
  w.change({ site_id: null, entity: 'template', key: String(id) });
  for (const mac of macs) emitDevice(w, mac);
  w.audit({ action: 'template.delete', target_type: 'template', target_id: id, before: { name: before.name, version: before.version } });
}

/** Basic settings → upload: stores (or replaces) the device's own template and switches its engine. */
export function uploadDeviceTemplate(w: Writer, mac: string, input: { engine: Engine; body: string; name?: string | undefined }): TemplateView {
  const row = findDeviceRow(w.db, mac);
  if (!row) throw new ProvError('NOT_FOUND', `device ${mac} does not exist`, { mac });
  const next = { ...row, engine: input.engine };
  validateTemplate(w.db, input.engine, input.body, { vendor: row.vendor, model: row.model, devices: [next] });
  const own = row.template_id !== null
    ? (w.db.prepare(`SELECT id FROM templates WHERE id = ? AND scope = 'device'`).get(row.template_id) as { id: number } | undefined)
    : undefined;
  let id: number;
  if (own) {
    id = own.id;
    w.db.prepare(`UPDATE templates SET engine = ?, body = ?, name = coalesce(?, name), version = version + 1, updated_at = ? WHERE id = ?`).run(input.engine, input.body, input.name ?? null, w.now, id);
  } else {
    const info = w.db
      .prepare(`INSERT INTO templates(name, scope, engine, vendor, model, body, version, created_at, updated_at) VALUES (?, 'device', ?, ?, ?, ?, 1, ?, ?)`)
      .run(input.name ?? `device ${mac}`, input.engine, row.vendor, row.model, input.body, w.now, w.now);
    id = Number(info.lastInsertRowid);
  }
  w.db.prepare(`UPDATE devices SET template_id = ?, engine = ?, updated_at = ? WHERE mac = ?`).run(id, input.engine, w.now, mac);
  emitTemplate(w, id);
  emitDevice(w, mac);
  const after = getTemplate(w.db, id);
  w.audit({ action: 'device.template.upload', target_type: 'device', target_id: mac, before: { template_id: row.template_id, engine: row.engine }, after: { template_id: id, engine: input.engine, version: after.version } });
  return after;
}

/** Back to the org/sample template: drops the device's own template. */
export function clearDeviceTemplate(w: Writer, mac: string): void {
  const row = findDeviceRow(w.db, mac);
  if (!row) throw new ProvError('NOT_FOUND', `device ${mac} does not exist`, { mac });
  if (row.template_id === null) return;
  w.db.prepare(`UPDATE devices SET template_id = NULL, updated_at = ? WHERE mac = ?`).run(w.now, mac);
  const info = w.db.prepare(`DELETE FROM templates WHERE id = ? AND scope = 'device'`).run(row.template_id);
  if (info.changes > 0) w.change({ site_id: null, entity: 'template', key: String(row.template_id) });
  emitDevice(w, mac);
  w.audit({ action: 'device.template.clear', target_type: 'device', target_id: mac, before: { template_id: row.template_id } });
}
