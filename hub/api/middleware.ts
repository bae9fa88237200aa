/** Who is calling (session cookie or Bearer token) and CSRF protection for cookie sessions. */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { timingSafeEqual } from 'node:crypto';
import { ProvError } from '../../shared/errors.js';
import { apiTokenAuth, sessionAuth } from '../domain/auth.js';
import type { HubEnv } from './context.js';

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
    if (!auth) throw new ProvError('UNAUTHENTICATED', 'the bearer token is unknown or expired');
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
