/** Device Management: import, list, settings, users, bulk actions, templates and config preview. */
import { createRoute, z } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import { parseMac } from '../../../shared/mac.js';
import {
  Assignment, Device, DeviceListQuery, DevicePatch, Engine, ExportRequest, ImportRequest, ImportResult, Selection, Template, TemplateUpload,
} from '../schemas.js';
import { errors, json, jsonBody, security, MacParam, Ok, Count, RevealQuery } from '../common.js';
import { newRouter, requireAdmin, wantsSecrets, type HubContext } from '../context.js';
import { deviceView, getDeviceRow, listDevices, removeDevices, resetCounters, selectMacs, setDeviceUsers, updateDevice } from '../../domain/devices.js';
import { applyImport, planImport } from '../../domain/import.js';
import { listSites } from '../../domain/sites.js';
import { maskConfig, readSample, renderDeviceConfig } from '../../domain/render.js';
import { clearDeviceTemplate, uploadDeviceTemplate } from '../../domain/templates.js';

const tags = ['devices'];

function view(c: HubContext, mac: string, secrets: boolean) {
  const { store, templates } = c.get('deps');
  return deviceView(store.db, templates, getDeviceRow(store.db, mac), undefined, secrets);
}

export const deviceRoutes = newRouter()
  .openapi(
    createRoute({
      method: 'post', path: '/devices/import', tags, security, request: jsonBody(ImportRequest),
      responses: { 200: json(ImportResult, 'preview, or applied'), 400: json(ImportResult, 'errors: nothing was applied'), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const req = c.req.valid('json');
      const { store } = c.get('deps');
      // An import is planned once, inside the write lock (a concurrent writer, e.g. the CLI, cannot
      // slip a duplicate in); a plan with errors writes nothing. Planning twice cost a quarter of
      // a 10,000-row import.
      const plan = req.preview
        ? planImport(store.db, req)
        : store.write(actor, (w) => {
            const p = planImport(w.db, req);
            if (p.errors.length === 0) applyImport(w, p);
            return p;
          });
      const body = (applied: boolean) => ({
        applied, total: plan.total, errors: plan.errors, warnings: plan.warnings,
        created: plan.created.map(({ line, mac, vendor, model, name, site_id }) => ({ line, mac, vendor, model, name, site_id })),
      });
      if (plan.errors.length > 0) return c.json(body(false), 400);
      return c.json(body(!req.preview), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/devices', tags, security, request: { query: DeviceListQuery.extend(RevealQuery.shape) },
      responses: { 200: json(z.object({ items: z.array(Device), total: z.number().int(), page: z.number().int(), per_page: z.number().int() }).openapi('DevicePage')), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      requireAdmin(c);
      const { store, templates } = c.get('deps');
      return c.json(listDevices(store.db, templates, c.req.valid('query'), wantsSecrets(c)), 200);
    },
  )
  .openapi(createRoute({ method: 'get', path: '/devices/{mac}', tags, security, request: { params: MacParam, query: RevealQuery }, responses: { 200: json(Device), 404: errors[404] } }), (c) => {
    requireAdmin(c);
    return c.json(view(c, c.req.valid('param').mac, wantsSecrets(c)), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/devices/{mac}', tags, security, request: { params: MacParam, ...jsonBody(DevicePatch) }, responses: { 200: json(Device), 400: errors[400], 404: errors[404], 409: errors[409] } }),
    (c) => {
      const actor = requireAdmin(c);
      const row = c.get('deps').store.write(actor, (w) => updateDevice(w, c.req.valid('param').mac, c.req.valid('json')));
      return c.json(view(c, row.mac, false), 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/devices/{mac}', tags, security, request: { params: MacParam }, responses: { 200: json(Ok), 404: errors[404] } }), (c) => {
    const actor = requireAdmin(c);
    const { store } = c.get('deps');
    store.write(actor, (w) => removeDevices(w, [getDeviceRow(w.db, c.req.valid('param').mac).mac]));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(
    createRoute({
      method: 'put', path: '/devices/{mac}/users', tags, security, request: { params: MacParam, ...jsonBody(Assignment) },
      responses: { 200: json(Device), 404: errors[404], 409: json(z.any(), 'TOO_MANY_USERS, TOO_MANY_LINES or USER_NOT_LICENSED') },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const mac = parseMac(c.req.valid('param').mac);
      c.get('deps').store.write(actor, (w) => setDeviceUsers(w, mac, c.req.valid('json').users));
      return c.json(view(c, mac, false), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/devices/actions/export', tags, security, request: jsonBody(ExportRequest),
      responses: { 200: { description: 'CSV; secrets masked unless include_secrets', content: { 'text/csv': { schema: z.string() } } }, 400: errors[400], 404: errors[404] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const req = c.req.valid('json');
      const { store } = c.get('deps');
      const macs = selectMacs(store.db, 'macs' in req ? { macs: req.macs } : { filter: req.filter });
      const sites = new Map(listSites(store.db).map((s) => [s.id, s.name]));
      const get = store.db.prepare(`SELECT * FROM devices WHERE mac = ?`);
      const exts = store.db.prepare(`SELECT u.extension FROM device_users du JOIN users u ON u.id = du.user_id WHERE du.mac = ? ORDER BY du.position`);
      const rows = macs.map((mac) => {
        const d = get.get(mac) as { mac: string; model: string | null; name: string; site_id: number; vendor: string | null; login_password: string; last_provisioned_at: string | null };
        return [
          d.mac, d.model ?? '', d.name, sites.get(d.site_id) ?? String(d.site_id), d.vendor ?? '',
          (exts.all(mac) as { extension: string }[]).map((e) => e.extension).join(' '),
          d.last_provisioned_at ? 'yes' : 'no', d.last_provisioned_at ?? '',
          req.include_secrets ? d.login_password : '***',
        ];
      });
      if (req.include_secrets) store.write(actor, (w) => w.audit({ action: 'device.export_secrets', target_type: 'device', target_id: `${macs.length} devices` }));
      const csv = stringify([['mac', 'model', 'name', 'site', 'vendor', 'extensions', 'provisioned', 'last_provisioned_at', 'login_password'], ...rows]);
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="devices.csv"' });
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/devices/actions/reset-counter', tags, security, request: jsonBody(Selection), responses: { 200: json(Count), 400: errors[400], 404: errors[404] } }),
    (c) => {
      const actor = requireAdmin(c);
      const count = c.get('deps').store.write(actor, (w) => resetCounters(w, selectMacs(w.db, c.req.valid('json'))));
      return c.json({ count }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/devices/actions/remove', tags, security, request: jsonBody(Selection), responses: { 200: json(Count), 400: errors[400], 404: errors[404] } }),
    (c) => {
      const actor = requireAdmin(c);
      const count = c.get('deps').store.write(actor, (w) => removeDevices(w, selectMacs(w.db, c.req.valid('json'))));
      return c.json({ count }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/devices/{mac}/template/sample', tags, security,
      request: { params: MacParam, query: z.object({ engine: Engine.optional() }) },
      responses: { 200: { description: 'the sample template for the device vendor', content: { 'text/plain': { schema: z.string() } } }, 404: errors[404] },
    }),
    (c) => {
      requireAdmin(c);
      const row = getDeviceRow(c.get('deps').store.db, c.req.valid('param').mac);
      const engine = c.req.valid('query').engine ?? row.engine;
      const sample = readSample(row.vendor, engine);
      const name = sample.file.split('/').pop()!;
      return c.text(sample.body, 200, { 'content-disposition': `attachment; filename="${row.vendor}-${name}"` });
    },
  )
  .openapi(
    createRoute({
      method: 'put', path: '/devices/{mac}/template', tags, security, request: { params: MacParam, ...jsonBody(TemplateUpload) },
      responses: { 200: json(Template), 400: errors[400], 404: errors[404], 422: errors[400], 501: errors[400] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const mac = parseMac(c.req.valid('param').mac);
      const t = c.get('deps').store.write(actor, (w) => uploadDeviceTemplate(w, mac, c.req.valid('json')));
      return c.json(t, 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/devices/{mac}/template', tags, security, request: { params: MacParam }, responses: { 200: json(Ok), 404: errors[404] } }), (c) => {
    const actor = requireAdmin(c);
    const mac = parseMac(c.req.valid('param').mac);
    c.get('deps').store.write(actor, (w) => clearDeviceTemplate(w, mac));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(
    createRoute({
      method: 'get', path: '/devices/{mac}/config', tags, security, request: { params: MacParam, query: RevealQuery },
      responses: { 200: { description: 'the config this device would get now; secrets masked', content: { 'text/plain': { schema: z.string() } } }, 404: errors[404], 422: errors[400] },
    }),
    (c) => {
      requireAdmin(c);
      const { store, templates } = c.get('deps');
      const row = getDeviceRow(store.db, c.req.valid('param').mac);
      const site = listSites(store.db).find((s) => s.id === row.site_id)!;
      const rendered = renderDeviceConfig(store.db, templates, row, site);
      const body = wantsSecrets(c) ? rendered.config : maskConfig(rendered.config, rendered.model);
      return c.text(body, 200, { 'x-template': rendered.template.key, 'x-template-version': String(rendered.template.version) });
    },
  );
