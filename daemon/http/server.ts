/**
 * The edge's HTTP(S) server for phones: a Hono app served by @hono/node-server (HTTPS through its
 * `createServer` option, beside HTTP when a certificate is configured), with a fast path for phone
 * GETs (see `withFastPath`). Every path except `/healthz` and `/metrics` goes through the request
 * pipeline, which never touches the filesystem: a hostile path is refused here (400) or matches no
 * vendor file (404).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext, type Server as TlsServer } from 'node:tls';
import type { Server } from 'node:http';
import { createAdaptorServer, type HttpBindings, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { ProvError } from '../../shared/errors.js';
import { closeGracefully } from '../../shared/shutdown.js';
import { normaliseRequestPath } from '../tftp/index.js';
import type { Metrics, PhoneAnswer, Pipeline } from '../pipeline/index.js';

export interface PhoneHttpOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** HTTPS beside HTTP: PEM files. */
  https?: { port: number; cert: string; key: string } | undefined;
  /** Largest PUT body (Poly logs, overrides). Default 1 MiB. */
  maxUploadBytes?: number;
}

export interface PhoneHttpDeps {
  pipeline: Pipeline;
  metrics: Metrics;
  log: Logger;
  /** Extra fields for /healthz (cache cursor, …). */
  health?: () => Record<string, unknown>;
}

export interface PhoneHttpServer {
  listen(): Promise<{ httpPort: number; httpsPort: number | undefined }>;
  /** Stops accepting and lets responses in progress finish for at most `boundMs`, then cuts the rest. */
  drain(boundMs: number): Promise<{ cut: number }>;
  /** Re-reads the HTTPS certificate and key (a renewed certificate, on SIGHUP); new connections use them. */
  reloadTls(): void;
  close(): Promise<void>;
}

type Env = { Bindings: HttpBindings };

const PLAIN = { 'content-type': 'text/plain; charset=utf-8' };

/** The client's address without the IPv4-mapped prefix a dual-stack socket adds. */
export function clientIp(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** A phone answer as HTTP writes it: status, plain header object (arrays become separate lines), body. */
interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string | null;
}

const REFUSAL_TEXT: Record<number, string> = { 400: 'bad request\n', 404: 'not found\n', 405: 'method not allowed\n', 413: 'payload too large\n' };

function toHttp(a: PhoneAnswer, head: boolean): HttpAnswer {
  const text = (t: string) => (head ? null : t);
  switch (a.status) {
    case 200:
      // Configs carry secrets: no shared cache may keep them; the phone may revalidate with the ETag.
      return {
        status: 200,
        headers: { 'content-type': a.contentType ?? 'application/octet-stream', etag: a.etag ?? '', 'cache-control': 'private, no-cache', 'content-length': String(a.body?.length ?? 0) },
        body: head ? null : (a.body ?? null),
      };
    case 304:
      return { status: 304, headers: { etag: a.etag ?? '', 'cache-control': 'private, no-cache' }, body: null };
    case 401:
      // One WWW-Authenticate line per challenge: joined with commas, phones' parsers misread them.
      return { status: 401, headers: { ...PLAIN, 'www-authenticate': a.challenges ?? [] }, body: text('authentication required\n') };
    case 201:
      return { status: 201, headers: {}, body: null };
    case 403:
      return { status: 403, headers: PLAIN, body: text('forbidden\n') };
    case 404:
      return { status: 404, headers: PLAIN, body: text('not found\n') };
    case 405:
      return { status: 405, headers: { ...PLAIN, allow: 'GET, HEAD' }, body: text('method not allowed\n') };
    case 429:
      return { status: 429, headers: { ...PLAIN, 'retry-after': '60' }, body: text('too many requests\n') };
    default:
      return { status: 500, headers: PLAIN, body: text('internal error\n') };
  }
}

/** Reads at most `max` bytes of the body; undefined when it is larger. */
async function readBounded(req: Request, max: number): Promise<Buffer | undefined> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > max) return undefined;
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The phone side of HTTP, framework-free: the request-target exactly as the client sent it (no
 * second decoding, and Digest covers it) normalised and handed to the pipeline. Used by the Hono
 * route and by the server's fast path for GET/HEAD.
 */
function createPhoneHandler(deps: PhoneHttpDeps) {
  const log = deps.log.child({ component: 'http' });
  const refuse = (method: string, ip: string, target: string, status: 400 | 404 | 405 | 413, outcome: string, reason?: string): HttpAnswer => {
    deps.metrics.request({ protocol: 'http', vendor: 'none', kind: 'none', outcome });
    log.warn({ ip, url: target.slice(0, 300), outcome, reason, status }, 'phone request refused');
    return { status, headers: status === 405 ? { ...PLAIN, allow: 'GET, HEAD, PUT' } : PLAIN, body: method === 'HEAD' ? null : REFUSAL_TEXT[status]! };
  };
  return {
    refuse,
    /** Later for a device file (its record is committed first: see Pipeline.handle). Never rejects. */
    answer(method: string, target: string, ip: string, h: IncomingHttpHeaders, body?: Buffer): HttpAnswer | Promise<HttpAnswer> {
      const head = method === 'HEAD';
      if (method !== 'GET' && !head && method !== 'PUT') return refuse(method, ip, target, 405, 'method-not-allowed');
      let path = target;
      if (!path.startsWith('/')) {
        // Absolute form (`GET http://host/x HTTP/1.1`) is legal HTTP; anything else (`*`) is not a file.
        try {
          const u = new URL(target);
          path = u.pathname + u.search;
        } catch {
          return refuse(method, ip, target, 400, 'bad-path', 'request-target');
        }
      }
      const q = path.indexOf('?');
      if (q !== -1) path = path.slice(0, q);
      const norm = normaliseRequestPath(path);
      if (!norm.ok) return refuse(method, ip, target, norm.code === 'PATH_EMPTY' ? 404 : 400, 'bad-path', norm.code);
      const a = deps.pipeline.handle({
        protocol: 'http',
        method: method === 'PUT' ? 'PUT' : 'GET',
        path: norm.path,
        ip,
        userAgent: h['user-agent'],
        authorization: h.authorization,
        uri: target,
        ifNoneMatch: h['if-none-match'],
        ...(body ? { body } : {}),
      });
      return a instanceof Promise ? a.then((answered) => toHttp(answered, head)) : toHttp(a, head);
    },
  };
}

/** The Hono app: `/healthz`, `/metrics`, and every other path into the pipeline. */
export function createPhoneApp(options: Pick<PhoneHttpOptions, 'maxUploadBytes'>, deps: PhoneHttpDeps): Hono<Env> {
  const maxUpload = options.maxUploadBytes ?? 1024 * 1024;
  const log = deps.log.child({ component: 'http' });
  const phone = createPhoneHandler(deps);
  const app = new Hono<Env>();
  // A plain header object: @hono/node-server hands it to node's writeHead as it is (arrays stay separate lines).
  const respond = (a: HttpAnswer) => new Response(a.body, { status: a.status, headers: a.headers as unknown as Record<string, string> });

  app.get('/healthz', (c) => c.json({ status: 'ok', ...(deps.health?.() ?? {}) }));
  app.get('/metrics', (c) => c.body(deps.metrics.text(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  app.all('*', (c): Response | Promise<Response> => {
    const incoming = c.env.incoming;
    const target = incoming.url ?? '';
    const ip = clientIp(incoming.socket.remoteAddress);
    if (c.req.method !== 'PUT') {
      const a = phone.answer(c.req.method, target, ip, incoming.headers);
      return a instanceof Promise ? a.then(respond) : respond(a);
    }
    return readBounded(c.req.raw, maxUpload).then(async (body) =>
      respond(body === undefined ? phone.refuse('PUT', ip, target, 413, 'too-large') : await phone.answer('PUT', target, ip, incoming.headers, body)),
    );
  });
  app.onError((err, c) => {
    log.error({ err, url: c.env.incoming.url?.slice(0, 300) }, 'http handler failed');
    return new Response('internal error\n', { status: 500, headers: PLAIN });
  });
  return app;
}

/**
 * The phone fast path: GET and HEAD of anything but `/healthz` and `/metrics` are answered from the
 * pipeline straight onto node's response, without building Web Request/Response objects — in a boot
 * storm that is most of what the server does, and it is where Hono's adapter cost the most
 * (performance.md §3; our storm bench). Everything else (PUT uploads, health, metrics) goes to the
 * Hono app. Both paths share `createPhoneHandler`, so they answer alike.
 */
function withFastPath(deps: PhoneHttpDeps, honoListener: RequestListener): RequestListener {
  const phone = createPhoneHandler(deps);
  const log = deps.log.child({ component: 'http' });
  return (req, res) => {
    const method = req.method ?? '';
    const url = req.url ?? '';
    if ((method !== 'GET' && method !== 'HEAD') || url === '/healthz' || url === '/metrics' || url.startsWith('/healthz?') || url.startsWith('/metrics?')) {
      honoListener(req, res);
      return;
    }
    let a: HttpAnswer | Promise<HttpAnswer>;
    try {
      a = phone.answer(method, url, clientIp(req.socket.remoteAddress), req.headers);
    } catch (err) {
      log.error({ err, url: url.slice(0, 300) }, 'http handler failed');
      a = { status: 500, headers: PLAIN, body: 'internal error\n' };
    }
    if (a instanceof Promise) void a.then((answered) => send(res, answered));
    else send(res, a);
  };
}

function send(res: ServerResponse, a: HttpAnswer): void {
  // The client may have gone while a device file's record was committed.
  if (res.destroyed) return;
  res.writeHead(a.status, a.headers);
  res.end(a.body ?? undefined);
}

function listen(server: ServerType): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.once('listening', () => {
      server.removeListener('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: ServerType | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

export function createPhoneHttpServer(options: PhoneHttpOptions, deps: PhoneHttpDeps): PhoneHttpServer {
  const app = createPhoneApp(options, deps);
  let http: ServerType | undefined;
  let https: ServerType | undefined;
  return {
    async listen() {
      const tls = options.https ? readTls(options.https) : undefined;
      http = createAdaptorServer({
        fetch: app.fetch,
        hostname: options.host,
        createServer: ((opts: ServerOptions, listener: RequestListener) => createHttpServer(opts, withFastPath(deps, listener))) as typeof createHttpServer,
      });
      http.listen(options.port, options.host);
      const httpPort = await listen(http);
      let httpsPort: number | undefined;
      if (options.https && tls) {
        https = createAdaptorServer({
          fetch: app.fetch,
          hostname: options.host,
          serverOptions: { cert: tls.cert, key: tls.key },
          createServer: ((opts: HttpsServerOptions, listener: RequestListener) => createHttpsServer(opts, withFastPath(deps, listener))) as typeof createHttpsServer,
        });
        https.listen(options.https.port, options.host);
        httpsPort = await listen(https);
      }
      return { httpPort, httpsPort };
    },
    async drain(boundMs) {
      const [a, b] = await Promise.all([closeGracefully(http as Server | undefined, boundMs), closeGracefully(https as Server | undefined, boundMs)]);
      return { cut: a.cut + b.cut };
    },
    reloadTls() {
      if (!options.https || !https) return;
      // A bad pair throws here (clear CONFIG_INVALID) and the old context keeps serving.
      (https as unknown as TlsServer).setSecureContext(readTls(options.https));
    },
    async close() {
      await Promise.all([closeServer(http), closeServer(https)]);
    },
  };
}

function readTls(files: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  let tls: { cert: Buffer; key: Buffer };
  try {
    tls = { cert: readFileSync(files.cert), key: readFileSync(files.key) };
  } catch (err) {
    throw new ProvError('CONFIG_INVALID', `cannot read the HTTPS certificate or key: ${(err as Error).message}`);
  }
  try {
    createSecureContext(tls);
  } catch (err) {
    throw new ProvError('CONFIG_INVALID', `the HTTPS certificate and key do not make a TLS context: ${(err as Error).message}`);
  }
  return tls;
}
