/** Who is calling (session cookie or Bearer token) and CSRF protection for cookie sessions. */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { timingSafeEqual } from 'node:crypto';
import { ProvError } from '../../shared/errors.js';
import { apiTokenAuth, sessionAuth } from '../domain/auth.js';
import { requireAdmin, requireAuth, requireUser, type HubEnv } from './context.js';

export const SESSION_COOKIE = 'edgeprov_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const authenticate: MiddlewareHandler<HubEnv> = async (c, next) => {
  const { store } = c.get('deps');
  const now = store.clock.now();
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer) {
    const auth = apiTokenAuth(store.db, bearer) ?? sessionAuth(store.db, bearer, now);
    if (!auth) {
      // A script holding an expired token must still be able to sign in again and read the document.
      if (isPublic(c.req.path)) {
        c.set('auth', null);
        return next();
      }
      throw new ProvError('UNAUTHENTICATED', 'the bearer token is unknown or expired');
    }
    // A bearer token is not sent by browsers on their own, so it needs no CSRF token.
    c.set('auth', { ...auth, csrf_token: null });
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const auth = cookie ? sessionAuth(store.db, cookie, now) : undefined;
  if (auth && !SAFE.has(c.req.method) && !c.req.path.endsWith('/auth/login')) {
    const sent = c.req.header('x-csrf-token') ?? '';
    if (!auth.csrf_token || !sameSecret(sent, auth.csrf_token)) {
      throw new ProvError('CSRF_FAILED', 'missing or wrong X-CSRF-Token for a cookie session');
    }
  }
  c.set('auth', auth ?? null);
  return next();
};

/**
 * Who may call what, decided before any route validates its input: an anonymous caller gets 401
 * and a `user` 403 whatever the body or parameters, so validation errors reveal nothing to them.
 * Sign-in and the OpenAPI document are public, /auth/* is for anyone signed in, /me/* for end
 * users, everything else for admins. Handlers check again; this is the gate in front of them.
 */
function isPublic(fullPath: string): boolean {
  const path = fullPath.replace(/^\/api\/v1/, '');
  return path === '/auth/login' || path === '/openapi.json';
}

export const authorize: MiddlewareHandler<HubEnv> = async (c, next) => {
  const path = c.req.path.replace(/^\/api\/v1/, '');
  if (isPublic(c.req.path)) return next();
  if (path.startsWith('/auth/')) requireAuth(c);
  else if (path === '/me' || path.startsWith('/me/')) requireUser(c);
  else requireAdmin(c);
  return next();
};
