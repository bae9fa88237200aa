/** Response pieces every route repeats. */
import { z } from '@hono/zod-openapi';
import { ErrorBody } from './schemas.js';

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });

export const errors = {
  400: err('invalid request'),
  401: err('not signed in'),
  403: err('not allowed'),
  404: err('not found'),
  409: err('conflict with the current state'),
} as const;

export function json<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export const security: Array<Record<string, string[]>> = [{ session: [] }, { bearer: [] }];

export const IdParam = z.object({ id: z.coerce.number().int().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
export const MacParam = z.object({ mac: z.string().openapi({ param: { name: 'mac', in: 'path' }, example: '00:15:65:aa:bb:cc' }) });
export const RevealQuery = z.object({ reveal: z.enum(['true', 'false']).optional().openapi({ description: 'admins only: show secrets' }) });

export const Ok = z.object({ ok: z.literal(true) }).openapi('Ok');
export const Count = z.object({ count: z.number().int() }).openapi('Count');
