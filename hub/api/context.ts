/** What every route handler can reach: the store, the logger, the template cache, and who is calling. */
import type { Logger } from 'pino';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ProvError } from '../../shared/errors.js';
import type { HubStore, Actor } from '../db/store.js';
import type { Authenticated } from '../domain/auth.js';
import type { TemplateCache } from '../domain/render.js';

export interface HubDeps {
  store: HubStore;
  log: Logger;
  templates: TemplateCache;
  /** The hub's public URL, used for firewall facts (edges dial it). */
  publicUrl: string;
  cookieSecure: boolean;
}

export interface HubEnv {
  Variables: { auth: Authenticated | null; deps: HubDeps };
}

export type HubContext = Context<HubEnv>;

export function newRouter(): OpenAPIHono<HubEnv> {
  return new OpenAPIHono<HubEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.flatMap((i) =>
          // An unknown field is reported at its object; name the field itself.
          i.code === 'unrecognized_keys'
            ? i.keys.map((k) => ({ path: [...i.path, k].join('.'), message: `unknown field "${k}"` }))
            : [{ path: i.path.join('.'), message: i.message }],
        );
        const first = issues[0];
        throw new ProvError(
          'VALIDATION_FAILED',
          first ? `${first.path || 'request'}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}` : 'invalid request',
          { issues },
        );
      }
    },
  });
}

export function requireAuth(c: HubContext): Actor {
  const auth = c.get('auth');
  if (!auth) throw new ProvError('UNAUTHENTICATED', 'sign in first (POST /api/v1/auth/login) or send Authorization: Bearer <API token>');
  return auth.actor;
}

export function requireAdmin(c: HubContext): Actor {
  const actor = requireAuth(c);
  if (actor.role !== 'admin') throw new ProvError('FORBIDDEN', 'this needs an administrator');
  return actor;
}

export function requireUser(c: HubContext): Actor & { user_id: number } {
  const actor = requireAuth(c);
  if (actor.user_id === null) throw new ProvError('FORBIDDEN', 'this is for end users with an extension');
  return actor as Actor & { user_id: number };
}

/** `?reveal=true` shows secrets, for admins only. */
export function wantsSecrets(c: HubContext): boolean {
  const reveal = c.req.query('reveal') === 'true';
  if (reveal) requireAdmin(c);
  return reveal;
}
