/** Sites: CRUD, firewall facts, sync tokens. */
import { createRoute, z } from '@hono/zod-openapi';
import { Site, SiteCreate, SitePatch, FirewallRule } from '../schemas.js';
import { errors, json, jsonBody, security, IdParam, Ok } from '../common.js';
import { newRouter, requireAdmin } from '../context.js';
import { addSiteToken, createSite, deleteSite, firewallText, getSite, hashToken, listSites, siteFirewall, updateSite } from '../../domain/sites.js';
import { enforceTokenLimit } from '../../sync/state.js';

const tags = ['sites'];

export const siteRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/sites', tags, security, responses: { 200: json(z.object({ items: z.array(Site) })), 401: errors[401], 403: errors[403] } }), (c) => {
    requireAdmin(c);
    return c.json({ items: listSites(c.get('deps').store.db) }, 200);
  })
  .openapi(createRoute({ method: 'post', path: '/sites', tags, security, request: jsonBody(SiteCreate), responses: { 201: json(Site), 400: errors[400], 409: errors[409] } }), (c) => {
    const actor = requireAdmin(c);
    const site = c.get('deps').store.write(actor, (w) => createSite(w, c.req.valid('json')));
    return c.json(site, 201);
  })
  .openapi(createRoute({ method: 'get', path: '/sites/{id}', tags, security, request: { params: IdParam }, responses: { 200: json(Site), 404: errors[404] } }), (c) => {
    requireAdmin(c);
    return c.json(getSite(c.get('deps').store.db, c.req.valid('param').id), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/sites/{id}', tags, security, request: { params: IdParam, ...jsonBody(SitePatch) }, responses: { 200: json(Site), 400: errors[400], 404: errors[404] } }),
    (c) => {
      const actor = requireAdmin(c);
      const site = c.get('deps').store.write(actor, (w) => updateSite(w, c.req.valid('param').id, c.req.valid('json')));
      return c.json(site, 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/sites/{id}', tags, security, request: { params: IdParam }, responses: { 200: json(Ok), 404: errors[404], 409: errors[409] } }), (c) => {
    const actor = requireAdmin(c);
    c.get('deps').store.write(actor, (w) => deleteSite(w, c.req.valid('param').id));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(
    createRoute({
      method: 'get', path: '/sites/{id}/firewall', tags, security, request: { params: IdParam },
      responses: {
        200: {
          description: 'what to open, from where to where; text/plain when asked for',
          content: { 'application/json': { schema: z.object({ site_id: z.number().int(), rules: z.array(FirewallRule) }) }, 'text/plain': { schema: z.string() } },
        },
        404: errors[404],
      },
    }),
    (c) => {
      requireAdmin(c);
      const { store, publicUrl } = c.get('deps');
      const site = getSite(store.db, c.req.valid('param').id);
      const rules = siteFirewall(site, publicUrl);
      const accept = c.req.header('accept') ?? '';
      if (accept.includes('text/plain') && !accept.includes('application/json')) return c.text(firewallText(site, rules), 200);
      return c.json({ site_id: site.id, rules }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/sites/{id}/tokens', tags, security, request: { params: IdParam },
      responses: {
        201: json(
          z.object({ site_id: z.number().int(), id: z.number().int(), token: z.string(), revoked: z.array(z.number().int()) }).openapi('SiteToken'),
          'the sync token, shown once; a site keeps two active tokens, so the oldest beyond two is revoked (listed in `revoked`)',
        ),
        404: errors[404],
      },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const id = c.req.valid('param').id;
      const out = c.get('deps').store.write(actor, (w) => {
        const token = addSiteToken(w, id);
        const row = w.db.prepare(`SELECT id FROM site_tokens WHERE token_hash = ?`).get(hashToken(token)) as { id: number };
        return { token, id: row.id, revoked: enforceTokenLimit(w, id) };
      });
      return c.json({ site_id: id, ...out }, 201);
    },
  );
