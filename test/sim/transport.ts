/**
 * What a phone uses on the wire, written independently of the daemon's code: an HTTP client that
 * opens a new connection per file (as phones do) from a chosen loopback source address, answers a
 * Digest challenge the way phones do (MD5, qop=auth), and a lock-step TFTP read client (RFC 1350 +
 * the blksize/tsize options) with a fresh UDP socket per transfer and RFC retransmission.
 * Every wait is bounded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpTarget {
  host: string;
  port: number;
  tls?: boolean;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Header lines as received (name, value, name, value…): repeated headers stay separate. */
  rawHeaders: string[];
  body: Buffer;
}

export interface HttpOptions {
  method?: 'GET' | 'PUT' | 'HEAD';
  headers?: Record<string, string>;
  body?: Buffer;
  /** Source address (127.0.0.x): another phone on the LAN. */
  localAddress?: string;
  timeoutMs?: number;
}

/** One request on a fresh connection. Rejects on a socket error or after `timeoutMs`. */
export function httpGet(target: HttpTarget, path: string, o: HttpOptions = {}): Promise<HttpResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = (target.tls ? httpsRequest : httpRequest)(
      {
        host: target.host,
        port: target.port,
        path,
        method: o.method ?? 'GET',
        headers: { ...(o.body ? { 'content-length': String(o.body.length) } : {}), ...o.headers },
        agent: false,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        ...(target.tls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`HTTP ${o.method ?? 'GET'} ${path} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** The `WWW-Authenticate` values of a response, one per challenge (separate lines, or one line joined with commas). */
export function challengesOf(res: Pick<HttpResult, 'rawHeaders'>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') out.push(...res.rawHeaders[i + 1]!.split(/,\s*(?=(?:Digest|Basic)\s)/i));
  }
  return out;
}

/** The parameters of the first `Digest` challenge with MD5 (or no algorithm) among `WWW-Authenticate` values. */
export function pickMd5Challenge(header: string | string[] | undefined): Record<string, string> | undefined {
  const values = (header === undefined ? [] : Array.isArray(header) ? header : [header]).flatMap((v) => v.split(/,\s*(?=(?:Digest|Basic)\s)/i));
  for (const v of values) {
    if (!/^Digest\s/i.test(v)) continue;
    const params: Record<string, string> = {};
    for (const m of v.slice(7).matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g)) params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
    if ((params.algorithm ?? 'MD5').toUpperCase() === 'MD5') return params;
  }
  return undefined;
}

/** The `Authorization` value answering an MD5 Digest challenge (qop=auth), as phones compute it. */
export function digestAuthorization(challenge: Record<string, string>, method: string, uri: string, username: string, password: string): string {
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const qop = challenge.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
  const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  const parts = [`username="${username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, 'algorithm=MD5', `response="${response}"`];
  if (qop) parts.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
  if (challenge.opaque !== undefined) parts.push(`opaque="${challenge.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

/** GET that answers one 401 Digest challenge with `credentials`, like a phone holding its provisioning login. */
export async function httpGetWithDigest(
  target: HttpTarget,
  path: string,
  credentials: { username: string; password: string } | undefined,
  o: HttpOptions = {},
): Promise<HttpResult & { challenged: boolean }> {
  const first = await httpGet(target, path, o);
  if (first.status !== 401 || !credentials) return { ...first, challenged: first.status === 401 };
  const challenge = pickMd5Challenge(challengesOf(first));
  if (!challenge) return { ...first, challenged: true };
  const authorization = digestAuthorization(challenge, o.method ?? 'GET', path, credentials.username, credentials.password);
  const second = await httpGet(target, path, { ...o, headers: { ...o.headers, authorization } });
  return { ...second, challenged: true };
}

// ------------------------------------------------------------------------------------------ TFTP

export interface TftpTarget {
  host: string;
  port: number;
}

export interface TftpOptions {
  /** Offer `blksize` (RFC 2348); phones that offer it usually say 1428 or 1468. */
  blksize?: number;
  /** Offer `tsize 0` (RFC 2349). */
  tsize?: boolean;
  localAddress?: string;
  /** Retransmission interval. Default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions before giving up. Default 3. */
  retries?: number;
}

export type TftpResult =
  | { ok: true; data: Buffer; oack: Record<string, string> | null }
  | { ok: false; code: number; message: string }
  | { ok: false; code: -1; message: 'timeout' };

function rrqPacket(filename: string, options: Record<string, string>): Buffer {
  const parts = [Buffer.from([0, 1]), Buffer.from(filename, 'latin1'), Buffer.from([0]), Buffer.from('octet'), Buffer.from([0])];
  for (const [k, v] of Object.entries(options)) parts.push(Buffer.from(k), Buffer.from([0]), Buffer.from(v), Buffer.from([0]));
  return Buffer.concat(parts);
}

function ackPacket(block: number): Buffer {
  return Buffer.from([0, 4, (block >> 8) & 0xff, block & 0xff]);
}

/** One read transfer from a fresh socket, as a booting phone does. Never rejects: errors and timeouts are results. */
export function tftpGet(target: TftpTarget, filename: string, o: TftpOptions = {}): Promise<TftpResult> {
  const timeoutMs = o.timeoutMs ?? 1000;
  const retries = o.retries ?? 3;
  const options: Record<string, string> = {};
  if (o.blksize !== undefined) options.blksize = String(o.blksize);
  if (o.tsize) options.tsize = '0';
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let tid = 0;
    let blksize = 512;
    let expected = 1;
    let oack: Record<string, string> | null = null;
    const chunks: Buffer[] = [];
    let last = rrqPacket(filename, options);
    let lastPort = target.port;
    let tries = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (r: TftpResult, lastPacket?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // dgram sends are asynchronous: closing right away would drop the final ACK and leave the
      // server retransmitting the last block until its retries run out.
      if (lastPacket) socket.send(lastPacket, tid, target.host, () => socket.close());
      else socket.close();
      resolve(r);
    };
    const send = (buf: Buffer, port: number): void => {
      last = buf;
      lastPort = port;
      socket.send(buf, port, target.host);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (++tries > retries) return finish({ ok: false, code: -1, message: 'timeout' });
        socket.send(last, lastPort, target.host);
        arm();
      }, timeoutMs);
    };

    socket.on('error', () => finish({ ok: false, code: -1, message: 'timeout' }));
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      if (done || msg.length < 4 || rinfo.address !== target.host) return;
      if (tid === 0) tid = rinfo.port;
      else if (rinfo.port !== tid) return;
      const op = msg.readUInt16BE(0);
      if (op === 5) {
        const end = msg.indexOf(0, 4);
        return finish({ ok: false, code: msg.readUInt16BE(2), message: msg.toString('latin1', 4, end === -1 ? msg.length : end) });
      }
      if (op === 6 && expected === 1 && chunks.length === 0) {
        const parts = msg.toString('latin1', 2).split('\0');
        oack = {};
        for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) oack[parts[i]!.toLowerCase()] = parts[i + 1]!;
        if (oack.blksize) blksize = Number(oack.blksize);
        tries = 0;
        send(ackPacket(0), tid);
        arm();
        return;
      }
      if (op !== 3) return;
      const block = msg.readUInt16BE(2);
      if (block !== (expected & 0xffff)) {
        // A duplicate of the previous block: our ACK was lost; say it again (once per duplicate).
        if (block === ((expected - 1) & 0xffff)) socket.send(ackPacket(block), tid, target.host);
        return;
      }
      const payload = msg.subarray(4);
      chunks.push(Buffer.from(payload));
      tries = 0;
      expected++;
      if (payload.length < blksize) return finish({ ok: true, data: Buffer.concat(chunks), oack }, ackPacket(block));
      send(ackPacket(block), tid);
      arm();
    });
    socket.bind(0, o.localAddress ?? '127.0.0.1', () => {
      socket.send(last, target.port, target.host);
      arm();
    });
  });
}
