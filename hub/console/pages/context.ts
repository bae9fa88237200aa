/** What a console page is rendered from. */
import type { ApiClient } from '../api.js';
import type { ConsoleSession } from '../types.js';
import type { HubDeps } from '../../api/context.js';

export interface PageContext {
  api: ApiClient;
  session: ConsoleSession;
  url: URL;
  hub: HubDeps;
  /** Does the hub serve this API route (e.g. the sync status routes of issue [5/7])? */
  hasRoute(method: string, path: string): boolean;
}

/** A positive integer query parameter, or the fallback. */
export function intParam(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = url.searchParams.get(name);
  if (v === null || !/^\d+$/.test(v)) return fallback;
  const n = Number(v);
  return n >= 1 && n <= max ? n : fallback;
}

/** The same path with some query parameters replaced (undefined removes one). */
export function withParams(url: URL, changes: Record<string, string | number | undefined>): string {
  const u = new URL(url.toString());
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') u.searchParams.delete(k);
    else u.searchParams.set(k, String(v));
  }
  const q = u.searchParams.toString();
  return `${u.pathname}${q ? `?${q}` : ''}`;
}
