/** Users (extensions) and their SIP accounts. */
import { createRoute, z } from '@hono/zod-openapi';
import type { SipAccount as SipAccountT } from '../../../shared/domain.js';
import { SipAccount, SipAccountInput, SipAccountPatch, User, UserCreate, UserPatch } from '../schemas.js';
import { errors, json, jsonBody, security, IdParam, Ok } from '../common.js';
import { newRouter, requireAdmin, wantsSecrets } from '../context.js';
import { hashPassword } from '../../domain/auth.js';
import { checkDevicesOfUserFit } from '../../domain/devices.js';
import {
  createSipAccount, createUser, deleteSipAccount, deleteUser, getSipAccount, getUser, listUsers, updateSipAccount, updateUser,
  type UserView,
} from '../../domain/users.js';

const tags = ['users'];
const SipParams = z.object({
  id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }),
  sid: z.coerce.number().int().min(1).openapi({ param: { name: 'sid', in: 'path' } }),
});

function maskAccount(a: SipAccountT, reveal: boolean) {
  const { user_id: _user, ...rest } = a;
  return { ...rest, password: reveal ? a.password : '***' };
}

function maskUser(u: UserView, reveal: boolean) {
  return { ...u, sip_accounts: u.sip_accounts.map((a) => maskAccount(a, reveal)) };
}

export const userRoutes = newRouter()
  .openapi(
    createRoute({
      method: 'get', path: '/users', tags, security,
      request: { query: z.object({ q: z.string().max(100).optional(), unassigned: z.enum(['true', 'false']).optional(), reveal: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(User) })), 401: errors[401], 403: errors[403] },
    }),
    (c) => {
      requireAdmin(c);
      const q = c.req.valid('query');
      const reveal = wantsSecrets(c);
      return c.json({ items: listUsers(c.get('deps').store.db, { q: q.q, unassigned: q.unassigned === 'true' }).map((u) => maskUser(u, reveal)) }, 200);
    },
  )
  .openapi(createRoute({ method: 'post', path: '/users', tags, security, request: jsonBody(UserCreate), responses: { 201: json(User), 400: errors[400], 409: errors[409] } }), async (c) => {
    const actor = requireAdmin(c);
    const input = c.req.valid('json');
    const hash = input.password === undefined ? null : await hashPassword(input.password);
    const user = c.get('deps').store.write(actor, (w) => createUser(w, input, hash));
    return c.json(maskUser(user, false), 201);
  })
  .openapi(createRoute({ method: 'get', path: '/users/{id}', tags, security, request: { params: IdParam }, responses: { 200: json(User), 404: errors[404] } }), (c) => {
    requireAdmin(c);
    return c.json(maskUser(getUser(c.get('deps').store.db, c.req.valid('param').id), wantsSecrets(c)), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/users/{id}', tags, security, request: { params: IdParam, ...jsonBody(UserPatch) }, responses: { 200: json(User), 400: errors[400], 404: errors[404], 409: errors[409] } }),
    async (c) => {
      const actor = requireAdmin(c);
      const patch = c.req.valid('json');
      const hash = patch.password === undefined ? null : await hashPassword(patch.password);
      const user = c.get('deps').store.write(actor, (w) => updateUser(w, c.req.valid('param').id, patch, hash));
      return c.json(maskUser(user, false), 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/users/{id}', tags, security, request: { params: IdParam }, responses: { 200: json(Ok), 404: errors[404], 409: errors[409] } }), (c) => {
    const actor = requireAdmin(c);
    c.get('deps').store.write(actor, (w) => deleteUser(w, c.req.valid('param').id));
    return c.json({ ok: true as const }, 200);
  })
  .openapi(
    createRoute({ method: 'get', path: '/users/{id}/sip-accounts', tags, security, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(SipAccount) })), 404: errors[404] } }),
    (c) => {
      requireAdmin(c);
      const reveal = wantsSecrets(c);
      return c.json({ items: getUser(c.get('deps').store.db, c.req.valid('param').id).sip_accounts.map((a) => maskAccount(a, reveal)) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/users/{id}/sip-accounts', tags, security, request: { params: IdParam, ...jsonBody(SipAccountInput) }, responses: { 201: json(SipAccount), 404: errors[404], 409: errors[409] } }),
    (c) => {
      const actor = requireAdmin(c);
      const userId = c.req.valid('param').id;
      const acc = c.get('deps').store.write(actor, (w) => {
        const a = createSipAccount(w, userId, c.req.valid('json'));
        checkDevicesOfUserFit(w.db, userId);
        return a;
      });
      return c.json(maskAccount(acc, false), 201);
    },
  )
  .openapi(createRoute({ method: 'get', path: '/users/{id}/sip-accounts/{sid}', tags, security, request: { params: SipParams }, responses: { 200: json(SipAccount), 404: errors[404] } }), (c) => {
    requireAdmin(c);
    const { id, sid } = c.req.valid('param');
    return c.json(maskAccount(getSipAccount(c.get('deps').store.db, id, sid), wantsSecrets(c)), 200);
  })
  .openapi(
    createRoute({ method: 'patch', path: '/users/{id}/sip-accounts/{sid}', tags, security, request: { params: SipParams, ...jsonBody(SipAccountPatch) }, responses: { 200: json(SipAccount), 404: errors[404] } }),
    (c) => {
      const actor = requireAdmin(c);
      const { id, sid } = c.req.valid('param');
      const acc = c.get('deps').store.write(actor, (w) => updateSipAccount(w, id, sid, c.req.valid('json')));
      return c.json(maskAccount(acc, false), 200);
    },
  )
  .openapi(createRoute({ method: 'delete', path: '/users/{id}/sip-accounts/{sid}', tags, security, request: { params: SipParams }, responses: { 200: json(Ok), 404: errors[404] } }), (c) => {
    const actor = requireAdmin(c);
    const { id, sid } = c.req.valid('param');
    c.get('deps').store.write(actor, (w) => deleteSipAccount(w, id, sid));
    return c.json({ ok: true as const }, 200);
  });
