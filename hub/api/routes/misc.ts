/** Templates, settings, discovered devices, the audit log. */
import { createRoute, z } from '@hono/zod-openapi';
import { AdoptRequest, Settings, Template, TemplateCreate, TemplatePatch } from '../schemas.js';
import { errors, json, jsonBody, security, IdParam, MacParam, Ok } from '../common.js';
import { newRouter, requireAdmin } from '../context.js';
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from '../../domain/templates.js';
import { getSettings, updateSettings } from '../../domain/settings.js';
import { adoptDiscovered, listDiscovered } from '../../domain/discovered.js';
import { queryAudit } from '../../domain/audit.js';

const Discovered = z
  .object({ site_id: z.number().int(), mac: z.string(), ip: z.string().nullable(), evidence: z.record(z.string(), z.unknown()), first_seen: z.string(), last_seen: z.string() })
  .openapi('DiscoveredDevice');

const AuditEntry = z
  .object({
    id: z.number().int(), at: z.string(), actor: z.string(), actor_role: z.string(), action: z.string(),
    target_type: z.string(), target_id: z.string(), before: z.unknown(), after: z.unknown(),
  })
  .openapi('AuditEntry');

const AuditQuery = z.object({
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  target_type: z.string().max(32).optional(),
  target_id: z.string().max(64).optional(),
  since: z.string().max(40).optional(),
  until: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});

export const miscRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/templates', tags: ['templates'], security, responses: { 200: json(z.object({ items: z.array(Template) })), 403: errors[403] } }), (c) => {
    requireAdmin(c);
    return c.json({ items: listTemplates(c.get('deps').store.db) }, 200);
  })
  .openapi(
    createRoute({ method: 'post', path: '/templates', tags: ['templates'], security, request: jsonBody(TemplateCreate), responses: { 201: json(Template), 400: errors[400], 422: errors[400] } }),
    (c) => {
      const actor = requireAdmin(c);
      return c.json(c.get('deps').store.write(actor, (w) => createTemplate(w, c.req.valid('json'))), 201);
    },
  )
  .openapi(createRoute({ method: 'get', path: '/templates/{id}', tags: ['templates'], security, request: { params: IdParam }, responses: { 200: json(Template), 404: errors[404] } }), (c) => {
    requireAdmin(c);
    return c.json(getTemplate(c.get('deps').store.db, c.req.valid('param').id), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/templates/{id}', tags: ['templates'], security, request: { params: IdParam, ...jsonBody(TemplatePatch) }, responses: { 200: json(Template), 400: errors[400], 404: errors[404] } }),
    (c) => {
      const actor = requireAdmin(c);
      return c.json(c.get('deps').store.write(actor, (w) => updateTemplate(w, c.req.valid('param').id, c.req.valid('json'))), 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/templates/{id}', tags: ['templates'], security, request: { params: IdParam }, responses: { 200: json(Ok), 404: errors[404] } }), (c) => {
    const actor = requireAdmin(c);
    c.get('deps').store.write(actor, (w) => deleteTemplate(w, c.req.valid('param').id));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(createRoute({ method: 'get', path: '/settings', tags: ['settings'], security, responses: { 200: json(Settings), 403: errors[403] } }), (c) => {
    requireAdmin(c);
    return c.json(getSettings(c.get('deps').store.db), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/settings', tags: ['settings'], security, request: jsonBody(Settings.partial().strict()), responses: { 200: json(Settings), 400: errors[400] } }),
    (c) => {
      const actor = requireAdmin(c);
      return c.json(c.get('deps').store.write(actor, (w) => updateSettings(w, c.req.valid('json'))), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/discovered', tags: ['discovered'], security,
      request: { query: z.object({ site_id: z.coerce.number().int().optional() }) },
      responses: { 200: json(z.object({ items: z.array(Discovered) })), 403: errors[403] },
    }),
    (c) => {
      requireAdmin(c);
      return c.json({ items: listDiscovered(c.get('deps').store.db, c.req.valid('query').site_id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/discovered/{mac}/adopt', tags: ['discovered'], security, request: { params: MacParam, ...jsonBody(AdoptRequest) },
      responses: { 201: json(z.object({ mac: z.string() })), 404: errors[404], 409: errors[409] },
    }),
    (c) => {
      const actor = requireAdmin(c);
      const mac = c.get('deps').store.write(actor, (w) => adoptDiscovered(w, c.req.valid('param').mac, c.req.valid('json')));
      return c.json({ mac }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/audit', tags: ['audit'], security, request: { query: AuditQuery },
      responses: { 200: json(z.object({ items: z.array(AuditEntry), total: z.number().int(), page: z.number().int(), per_page: z.number().int() })), 403: errors[403] },
    }),
    (c) => {
      requireAdmin(c);
      return c.json(queryAudit(c.get('deps').store.db, c.req.valid('query')), 200);
    },
  );
