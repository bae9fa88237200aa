/** Phone HTTP auth: Digest (RFC 7616, MD5 and SHA-256, with and without qop) and Basic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createPhoneAuth, parseAuthParams } from '../../daemon/http/digest.js';

const REALM = 'edgeprov';
const users = new Map([['001565aabbcc', { username: '001565aabbcc', password: 'prov-secret' }]]);
const lookup = (u: string) => users.get(u);

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function nonceFrom(challenge: string): string {
  return parseAuthParams(challenge.replace(/^Digest /, ''))!.nonce!;
}

function digestHeader(o: { user: string; pass: string; nonce: string; uri: string; method?: string; qop?: boolean; alg?: 'MD5' | 'SHA-256' }): string {
  const alg = o.alg ?? 'MD5';
  const H = (s: string) => createHash(alg === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
  const ha1 = H(`${o.user}:${REALM}:${o.pass}`);
  const ha2 = H(`${o.method ?? 'GET'}:${o.uri}`);
  const nc = '00000001';
  const cnonce = 'abcdef';
  const response = o.qop === false ? H(`${ha1}:${o.nonce}:${ha2}`) : H(`${ha1}:${o.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${o.user}", realm="${REALM}", nonce="${o.nonce}", uri="${o.uri}", algorithm=${alg}, response="${response}"` +
    (o.qop === false ? '' : `, qop=auth, nc=${nc}, cnonce="${cnonce}"`);
}

test('parseAuthParams reads quoted and bare values and refuses garbage', () => {
  assert.deepEqual(parseAuthParams('username="a\\"b", nc=00000001, qop=auth'), { username: 'a"b', nc: '00000001', qop: 'auth' });
  assert.equal(parseAuthParams('username="unterminated'), undefined);
});

test('digest MD5 with qop=auth, SHA-256, and the RFC 2069 form without qop are accepted', () => {
  let t = 1_000_000;
  const auth = createPhoneAuth({ realm: REALM, nonceTtlMs: 60_000 }, () => t);
  const [sha, md] = auth.challenges();
  assert.match(sha!, /algorithm=SHA-256/);
  assert.match(md!, /algorithm=MD5/);
  const nonce = nonceFrom(md!);
  const uri = '/secure/001565aabbcc.cfg';
  for (const h of [
    digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri }),
    digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri, alg: 'SHA-256' }),
    digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri, qop: false }),
  ]) {
    assert.deepEqual(auth.verify('GET', uri, h, lookup), { ok: true, username: '001565aabbcc', scheme: 'digest' });
  }
  t += 30_000;
  assert.equal(auth.verify('GET', uri, digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri }), lookup).ok, true);
});

test('wrong password, unknown user, another URI, a forged or expired nonce are refused', () => {
  let t = 5_000_000;
  const auth = createPhoneAuth({ realm: REALM, nonceTtlMs: 60_000 }, () => t);
  const nonce = nonceFrom(auth.challenges()[1]!);
  const uri = '/secure/001565aabbcc.cfg';
  const v = (h: string, u = uri) => auth.verify('GET', u, h, lookup);
  assert.deepEqual(v(digestHeader({ user: '001565aabbcc', pass: 'nope', nonce, uri })), { ok: false, reason: 'bad_password' });
  assert.deepEqual(v(digestHeader({ user: '001565000000', pass: 'prov-secret', nonce, uri })), { ok: false, reason: 'unknown_user' });
  assert.deepEqual(v(digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri }), '/secure/other.cfg'), { ok: false, reason: 'uri_mismatch' });
  const forged = `${(t).toString(16)}.AAAAAAAAAAAAAAAAAAAAAA`;
  assert.deepEqual(v(digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce: forged, uri })), { ok: false, reason: 'bad_nonce' });
  t += 61_000;
  assert.deepEqual(v(digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce, uri })), { ok: false, reason: 'stale' });
  assert.match(auth.challenges(true)[0]!, /stale=true/);
  assert.deepEqual(auth.verify('GET', uri, undefined, lookup), { ok: false, reason: 'missing' });
  assert.deepEqual(auth.verify('GET', uri, 'Bearer x', lookup), { ok: false, reason: 'malformed' });
  // A nonce from another process (another secret) is not ours.
  const other = createPhoneAuth({ realm: REALM, nonceTtlMs: 60_000 }, () => t);
  const theirs = nonceFrom(other.challenges()[1]!);
  assert.deepEqual(v(digestHeader({ user: '001565aabbcc', pass: 'prov-secret', nonce: theirs, uri })), { ok: false, reason: 'bad_nonce' });
  assert.equal(md5('x').length, 32);
});

test('basic auth', () => {
  const auth = createPhoneAuth({ realm: REALM, nonceTtlMs: 60_000 });
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  assert.deepEqual(auth.verify('GET', '/x', basic('001565aabbcc', 'prov-secret'), lookup), { ok: true, username: '001565aabbcc', scheme: 'basic' });
  assert.deepEqual(auth.verify('GET', '/x', basic('001565aabbcc', 'prov-secreT'), lookup), { ok: false, reason: 'bad_password' });
  assert.deepEqual(auth.verify('GET', '/x', 'Basic bm9jb2xvbg==', lookup), { ok: false, reason: 'malformed' });
});
