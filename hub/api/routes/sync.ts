/** Sync per site: status, "resync site", and the site's sync tokens (list, revoke). */
import { createRoute, z } from '@hono/zod-openapi';
import { errors, json, security, IdParam, Ok } from '../common.js';
import { newRouter, requireAdmin } from '../context.js';
import { listSiteTokens, requestResync, revokeSiteToken, siteSyncStatus } from '../../sync/state.js';

const tags = ['sync'];

const SyncStatus = z
  .object({
    site_id: z.number().int(),
    online: z.boolean(),
    connected_at: z.string().nullable(),
    disconnected_at: z.string().nullable(),
    last_seen: z.string().nullable().openapi({ description: 'last frame or pong from the edge' }),
    remote: z.string().nullable(),
    daemon_version: z.string().nullable(),
    proto: z.number().int().nullable(),
    hub_seq: z.number().int(),
    acked_seq: z.number().int().nullable().openapi({ description: 'the change-log position the edge has committed' }),
    acked_at: z.string().nullable(),
    lag_seq: z.number().int().nullable().openapi({ description: 'hub_seq − acked_seq' }),
    pending_changes: z.number().int().nullable().openapi({ description: "change-log rows for this site the edge has not acknowledged" }),
    last_mode: z.string().nullable().openapi({ description: 'delta or snapshot, at the last hello' }),
    last_reason: z.string().nullable(),
    last_nack: z.object({ code: z.string(), message: z.string(), seq: z.number().int() }).nullable(),
    last_nack_at: z.string().nullable(),
    resync_pending: z.boolean(),
    outbox_db_id: z.string().nullable(),
    events_up_to: z.number().int().nullable(),
    events_at: z.string().nullable(),
    digest_at: z.string().nullable(),
    digest_result: z.string().nullable(),
  })
  .openapi('SiteSyncStatus');

const SiteTokenInfo = z
  .object({ id: z.number().int(), site_id: z.number().int(), created_at: z.string(), revoked_at: z.string().nullable() })
  .openapi('SiteTokenInfo');

const TokenParams = z.object({
  id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }),
  tokenId: z.coerce.number().int().min(1).openapi({ param: { name: 'tokenId', in: 'path' } }),
});

export const syncRoutes = newRouter()
  .openapi(
    createRoute({ method: 'get', path: '/sites/{id}/sync', tags, security, request: { params: IdParam }, responses: { 200: json(SyncStatus), 404: errors[404] } }),
    (c) => {
      requireAdmin(c);
      return c.json(siteSyncStatus(c.get('deps').store.db, c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/sites/{id}/resync', tags, security, request: { params: IdParam },
      responses: { 200: json(SyncStatus, 'the edge gets a snapshot now, or at its next connection'), 404: errors[404] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const id = c.req.valid('param').id;
      const { store } = c.get('deps');
      store.write(actor, (w) => requestResync(w, id));
      return c.json(siteSyncStatus(store.db, id), 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/sites/{id}/tokens', tags, security, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(SiteTokenInfo) })), 404: errors[404] } }),
    (c) => {
      requireAdmin(c);
      return c.json({ items: listSiteTokens(c.get('deps').store.db, c.req.valid('param').id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/sites/{id}/tokens/{tokenId}', tags, security, request: { params: TokenParams },
      responses: { 200: json(Ok, 'revoked; a sync socket opened with it is closed'), 404: errors[404] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const { id, tokenId } = c.req.valid('param');
      c.get('deps').store.write(actor, (w) => revokeSiteToken(w, id, tokenId));
      return c.json({ ok: true as const }, 200);
    },
  );
