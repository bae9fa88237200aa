/** End-user self-service: only the phones that carry the caller's extension. */
import { createRoute, z } from '@hono/zod-openapi';
import { ProvError } from '../../../shared/errors.js';
import { parseMac } from '../../../shared/mac.js';
import { MePatch } from '../schemas.js';
import { errors, json, jsonBody, security, MacParam } from '../common.js';
import { newRouter, requireUser, type HubContext } from '../context.js';
import { deviceView, getDeviceRow, updateDevice } from '../../domain/devices.js';

const MyDevice = z
  .object({
    mac: z.string(),
    name: z.string(),
    vendor: z.string().nullable(),
    model: z.string().nullable(),
    login_password: z.string(),
    extensions: z.array(z.string()),
    provisioned: z.boolean(),
    last_provisioned_at: z.string().nullable(),
    pending: z.boolean(),
  })
  .openapi('MyDevice');

function myMacs(c: HubContext, userId: number): string[] {
  return (c.get('deps').store.db.prepare(`SELECT mac FROM device_users WHERE user_id = ? ORDER BY mac`).all(userId) as { mac: string }[]).map((r) => r.mac);
}

function myDevice(c: HubContext, mac: string) {
  const { store, templates } = c.get('deps');
  const v = deviceView(store.db, templates, getDeviceRow(store.db, mac), undefined, false);
  return {
    mac: v.mac, name: v.name, vendor: v.vendor, model: v.model, login_password: v.login_password,
    extensions: v.users.map((u) => u.extension),
    provisioned: v.status.provisioned, last_provisioned_at: v.status.last_provisioned_at, pending: v.status.pending,
  };
}

/** The phone, if it carries the caller's extension; another user's phone is indistinguishable from a missing one. */
function ownPhone(c: HubContext, userId: number, macInput: string): string {
  const mac = parseMac(macInput);
  if (!myMacs(c, userId).includes(mac)) throw new ProvError('NOT_FOUND', `you have no phone ${mac}`, { mac });
  return mac;
}

export const meRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/me/devices', tags: ['me'], security, responses: { 200: json(z.object({ items: z.array(MyDevice) })), 401: errors[401], 403: errors[403] } }), (c) => {
    const actor = requireUser(c);
    return c.json({ items: myMacs(c, actor.user_id).map((mac) => myDevice(c, mac)) }, 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/me/devices/{mac}', tags: ['me'], security, request: { params: MacParam, ...jsonBody(MePatch) }, responses: { 200: json(MyDevice), 401: errors[401], 404: errors[404] } }),
    (c) => {
      const actor = requireUser(c);
      const mac = ownPhone(c, actor.user_id, c.req.valid('param').mac);
      c.get('deps').store.write(actor, (w) => updateDevice(w, mac, c.req.valid('json')));
      return c.json(myDevice(c, mac), 200);
    },
  );
