/**
 * The console's server side reads through the REST API itself, in process: each page asks
 * `/api/v1/...` with the caller's own session cookie, so authorization, filters and secret masking
 * are exactly the API's (one code path). Writes are made by the browser against the same API.
 */
import { SESSION_COOKIE } from '../api/middleware.js';

export type ApiFetch = (req: Request) => Response | Promise<Response>;

/** An error answer of the API, as `{error: {code, message, details}}` said it. */
export class ApiCallError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiCallError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  /** A text answer (config preview, firewall text) with its headers. */
  text(path: string, accept?: string): Promise<{ body: string; headers: Headers }>;
  send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
}

const BASE = 'http://hub.internal/api/v1';

async function errorOf(res: Response): Promise<ApiCallError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiCallError(res.status, body.error.code, body.error.message ?? body.error.code, body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiCallError(res.status, 'INTERNAL', text.slice(0, 200) || `HTTP ${res.status}`);
}

/** An API client acting as the signed-in caller (`token` is their session cookie value). */
export function apiClient(fetchApi: ApiFetch, session: { token: string; csrf: string | null } | null): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => {
    const h: Record<string, string> = { ...extra };
    if (session) {
      h.cookie = `${SESSION_COOKIE}=${session.token}`;
      if (session.csrf) h['x-csrf-token'] = session.csrf;
    }
    return h;
  };
  return {
    async get<T>(path: string): Promise<T> {
      const res = await fetchApi(new Request(`${BASE}${path}`, { headers: headers({ accept: 'application/json' }) }));
      if (!res.ok) throw await errorOf(res);
      return (await res.json()) as T;
    },
    async text(path: string, accept = 'text/plain') {
      const res = await fetchApi(new Request(`${BASE}${path}`, { headers: headers({ accept }) }));
      if (!res.ok) throw await errorOf(res);
      return { body: await res.text(), headers: res.headers };
    },
    async send<T>(method: string, path: string, body?: unknown) {
      const init: RequestInit = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await fetchApi(new Request(`${BASE}${path}`, init));
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // a text answer
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    },
  };
}

/** `?a=1&b=x` from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
