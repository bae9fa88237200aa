/** The Provision menu: Auto Provision and Bulk Provision. */
import { createRoute, z } from '@hono/zod-openapi';
import { AutoProvisionRequest, BulkProvisionRequest, RowError } from '../schemas.js';
import { errors, json, jsonBody, security } from '../common.js';
import { newRouter, requireAdmin } from '../context.js';
import { ProvError } from '../../../shared/errors.js';
import { applyBulk, autoProvision, planBulk } from '../../domain/provision.js';

const tags = ['provision'];

const AutoResult = z
  .object({
    pairs: z.array(z.object({ mac: z.string(), user_id: z.number().int(), extension: z.string() })),
    skipped: z.array(z.object({ mac: z.string(), reason: z.string() })),
  })
  .openapi('AutoProvisionResult');

const BulkResult = z
  .object({
    applied: z.boolean(),
    rows: z.array(z.object({ line: z.number().int(), mac: z.string(), extensions: z.array(z.string()) })),
    errors: z.array(RowError),
  })
  .openapi('BulkProvisionResult');

export const provisionRoutes = newRouter()
  .openapi(
    createRoute({ method: 'post', path: '/provision/auto', tags, security, request: jsonBody(AutoProvisionRequest), responses: { 200: json(AutoResult), 404: errors[404], 409: errors[409] } }),
    (c) => {
      const actor = requireAdmin(c);
      const { macs, users } = c.req.valid('json');
      return c.json(c.get('deps').store.write(actor, (w) => autoProvision(w, macs, users)), 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/provision/bulk', tags, security, request: jsonBody(BulkProvisionRequest), responses: { 200: json(BulkResult), 400: json(BulkResult, 'errors: nothing was applied') } }),
    (c) => {
      const actor = requireAdmin(c);
      const req = c.req.valid('json');
      const { store } = c.get('deps');
      const plan = planBulk(store.db, req.csv);
      const body = (applied: boolean) => ({ applied, errors: plan.errors, rows: plan.rows.map(({ line, mac, extensions }) => ({ line, mac, extensions })) });
      if (plan.errors.length > 0) return c.json(body(false), 400);
      if (req.preview) return c.json(body(false), 200);
      store.write(actor, (w) => {
        const again = planBulk(w.db, req.csv);
        if (again.errors.length > 0) throw new ProvError('IMPORT_INVALID', 'the inventory changed while provisioning; nothing was applied', { errors: again.errors });
        applyBulk(w, again);
      });
      return c.json(body(true), 200);
    },
  );
