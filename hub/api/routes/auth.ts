/** Sign-in for the console and scripts; API tokens for automation. */
import { createRoute, z } from '@hono/zod-openapi';
import { setCookie, deleteCookie, getCookie } from 'hono/cookie';
import { LoginRequest } from '../schemas.js';
import { errors, json, jsonBody, security, IdParam, Ok } from '../common.js';
import { newRouter, requireAuth } from '../context.js';
import { actorOf, checkCredentials, createApiToken, createSession, deleteApiToken, deleteSession, listApiTokens } from '../../domain/auth.js';
import { SESSION_COOKIE } from '../middleware.js';

const Me = z
  .object({
    username: z.string(),
    role: z.enum(['admin', 'user']),
    user_id: z.number().int().nullable(),
  })
  .openapi('Me');

const LoginResponse = Me.extend({
  token: z.string().openapi({ description: 'session token: also usable as Authorization: Bearer' }),
  csrf_token: z.string().openapi({ description: 'send as X-CSRF-Token on unsafe requests made with the session cookie' }),
  expires_at: z.string(),
}).openapi('LoginResponse');

export const authRoutes = newRouter()
  .openapi(
    createRoute({ method: 'post', path: '/auth/login', tags: ['auth'], request: jsonBody(LoginRequest), responses: { 200: json(LoginResponse), 400: errors[400], 401: errors[401] } }),
    async (c) => {
      const { store } = c.get('deps');
      const { username, password } = c.req.valid('json');
      const account = await checkCredentials(store.db, username, password);
      const session = createSession(store.db, account.id, store.clock.now());
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true, sameSite: 'Lax', path: '/', secure: c.get('deps').cookieSecure, expires: new Date(session.expires_at),
      });
      store.write(actorOf(account), (w) => w.audit({ action: 'auth.login', target_type: 'account', target_id: account.username }));
      return c.json({ username: account.username, role: account.role, user_id: account.user_id, ...session }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/auth/logout', tags: ['auth'], security, responses: { 200: json(Ok), 401: errors[401] } }),
    (c) => {
      const actor = requireAuth(c);
      const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
      const token = getCookie(c, SESSION_COOKIE) ?? bearer;
      const { store } = c.get('deps');
      store.write(actor, (w) => {
        if (token) deleteSession(w.db, token);
        w.audit({ action: 'auth.logout', target_type: 'account', target_id: actor.username });
      });
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/auth/me', tags: ['auth'], security, responses: { 200: json(Me), 401: errors[401] } }),
    (c) => {
      const a = requireAuth(c);
      return c.json({ username: a.username, role: a.role as 'admin' | 'user', user_id: a.user_id }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/auth/tokens', tags: ['auth'], security,
      request: jsonBody(z.object({ name: z.string().trim().min(1).max(64) }).strict()),
      responses: { 201: json(z.object({ id: z.number().int(), token: z.string() }).openapi('ApiToken'), 'the token, shown once'), 401: errors[401] },
    }),
    (c) => {
      const actor = requireAuth(c);
      const { name } = c.req.valid('json');
      const created = c.get('deps').store.write(actor, (w) => createApiToken(w, actor.account_id!, name));
      return c.json(created, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/auth/tokens', tags: ['auth'], security,
      responses: { 200: json(z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string(), created_at: z.string() })) }).openapi('ApiTokenList')), 401: errors[401] },
    }),
    (c) => {
      const actor = requireAuth(c);
      return c.json({ items: listApiTokens(c.get('deps').store.db, actor.account_id!) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/auth/tokens/{id}', tags: ['auth'], security, request: { params: IdParam }, responses: { 200: json(Ok), 401: errors[401], 404: errors[404] } }),
    (c) => {
      const actor = requireAuth(c);
      c.get('deps').store.write(actor, (w) => deleteApiToken(w, actor.account_id!, c.req.valid('param').id));
      return c.json({ ok: true as const }, 200);
    },
  );
