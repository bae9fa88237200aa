/**
 * HTTP authentication for phones fetching their config on the authenticated path (DESIGN §4):
 * Basic, and Digest per RFC 7616 with MD5 (what phones implement) and SHA-256, qop=auth, plus
 * the RFC 2069 form without qop that older firmware still sends. Nonces are stateless: an HMAC
 * over their issue time, so a restart or many edges need no shared nonce table; an expired nonce
 * answers `stale=true` and the phone retries without asking its user anything.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthOptions {
  realm: string;
  /** How long a nonce stays fresh. */
  nonceTtlMs: number;
  /** Secret for nonce HMACs; random per process by default. */
  secret?: Buffer;
  algorithms?: DigestAlgorithm[];
}

export type AuthResult =
  | { ok: true; username: string; scheme: 'basic' | 'digest' }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown_user' | 'bad_password' | 'stale' | 'uri_mismatch' | 'bad_nonce' };

const HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

function h(alg: DigestAlgorithm, s: string): string {
  return createHash(HASH[alg]).update(s).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Digest a="b", c=d` → { a: 'b', c: 'd' }; undefined when it is not well formed. */
export function parseAuthParams(s: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < s.length && (m = re.exec(s)) !== null) {
    out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    at = re.lastIndex;
    if (m[0] === '') return undefined;
  }
  return at >= s.trimEnd().length ? out : undefined;
}

export interface PhoneAuth {
  /** WWW-Authenticate header values to send with a 401. */
  challenges(stale?: boolean): string[];
  verify(method: string, uri: string, authorization: string | undefined, lookup: (username: string) => Credentials | undefined): AuthResult;
}

export function createPhoneAuth(opts: AuthOptions, now: () => number = Date.now): PhoneAuth {
  const secret = opts.secret ?? randomBytes(32);
  const algorithms = opts.algorithms ?? ['SHA-256', 'MD5'];

  const nonce = (): string => {
    const t = now().toString(16);
    const mac = createHmac('sha256', secret).update(t).digest('base64url').slice(0, 22);
    return `${t}.${mac}`;
  };

  const nonceState = (n: string): 'fresh' | 'stale' | 'bad' => {
    const [t, mac] = n.split('.');
    if (!t || !mac || !/^[0-9a-f]{1,13}$/.test(t)) return 'bad';
    const expected = createHmac('sha256', secret).update(t).digest('base64url').slice(0, 22);
    if (!same(mac, expected)) return 'bad';
    return now() - parseInt(t, 16) > opts.nonceTtlMs ? 'stale' : 'fresh';
  };

  return {
    challenges(stale = false) {
      const n = nonce();
      return algorithms.map(
        (alg) => `Digest realm="${opts.realm}", qop="auth", algorithm=${alg}, nonce="${n}", opaque="edgeprov"${stale ? ', stale=true' : ''}`,
      );
    },

    verify(method, uri, authorization, lookup) {
      if (!authorization) return { ok: false, reason: 'missing' };
      const space = authorization.indexOf(' ');
      const scheme = (space === -1 ? authorization : authorization.slice(0, space)).toLowerCase();
      const rest = space === -1 ? '' : authorization.slice(space + 1).trim();
      if (scheme === 'basic') {
        const decoded = Buffer.from(rest, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon === -1) return { ok: false, reason: 'malformed' };
        const username = decoded.slice(0, colon);
        const cred = lookup(username);
        if (!cred) return { ok: false, reason: 'unknown_user' };
        return same(decoded.slice(colon + 1), cred.password) ? { ok: true, username, scheme: 'basic' } : { ok: false, reason: 'bad_password' };
      }
      if (scheme !== 'digest') return { ok: false, reason: 'malformed' };
      const p = parseAuthParams(rest);
      if (!p || !p.username || !p.nonce || !p.uri || !p.response || p.realm !== opts.realm) return { ok: false, reason: 'malformed' };
      const alg = (p.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
      if (!algorithms.includes(alg)) return { ok: false, reason: 'malformed' };
      // The digest covers the URI the phone asked for; a response computed for another path is refused.
      if (p.uri !== uri) return { ok: false, reason: 'uri_mismatch' };
      const cred = lookup(p.username);
      if (!cred) return { ok: false, reason: 'unknown_user' };
      const ha1 = h(alg, `${p.username}:${opts.realm}:${cred.password}`);
      const ha2 = h(alg, `${method}:${p.uri}`);
      let expected: string;
      if (p.qop === undefined) expected = h(alg, `${ha1}:${p.nonce}:${ha2}`);
      else if (p.qop === 'auth' && p.nc && p.cnonce) expected = h(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
      else return { ok: false, reason: 'malformed' };
      if (!same(p.response.toLowerCase(), expected)) return { ok: false, reason: 'bad_password' };
      // Checked after the password so a stale nonce tells a legitimate phone to retry, nobody else.
      const state = nonceState(p.nonce);
      if (state === 'bad') return { ok: false, reason: 'bad_nonce' };
      if (state === 'stale') return { ok: false, reason: 'stale' };
      return { ok: true, username: p.username, scheme: 'digest' };
    },
  };
}
