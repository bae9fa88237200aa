/** A real client: curl --digest (MD5, as phones do) and --basic against our phone auth on loopback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createPhoneAuth } from '../../daemon/http/digest.js';

const haveCurl = spawnSync('curl', ['--version']).status === 0;

test('curl --digest and --basic authenticate; a wrong password gets 401 with fresh challenges', async (t) => {
  if (!haveCurl) {
    t.skip('SKIPPED: curl not installed (apt-get install curl)');
    return;
  }
  const auth = createPhoneAuth({ realm: 'edgeprov', nonceTtlMs: 60_000, algorithms: ['MD5'] });
  const server: Server = createServer((req, res) => {
    const r = auth.verify(req.method ?? 'GET', req.url ?? '/', req.headers.authorization, (u) =>
      u === '001565aabbcc' ? { username: u, password: 'prov-secret' } : undefined,
    );
    if (r.ok) {
      res.end(`hello ${r.username} via ${r.scheme}`);
      return;
    }
    res.writeHead(401, { 'www-authenticate': auth.challenges(r.reason === 'stale') });
    res.end(r.reason);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/secure/001565aabbcc.cfg`;
  try {
    const curl = async (...args: string[]) => {
      const { spawn } = await import('node:child_process');
      return new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn('curl', ['-s', '-w', '\\n%{http_code}', ...args, url]);
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('close', (code) => resolve({ code, out }));
      });
    };
    assert.equal((await curl('--digest', '-u', '001565aabbcc:prov-secret')).out, 'hello 001565aabbcc via digest\n200');
    assert.equal((await curl('--basic', '-u', '001565aabbcc:prov-secret')).out, 'hello 001565aabbcc via basic\n200');
    assert.match((await curl('--digest', '-u', '001565aabbcc:wrong')).out, /401$/);
    assert.match((await curl()).out, /^missing\n401$/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
