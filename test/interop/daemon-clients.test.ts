/**
 * Interop with real third-party clients against a real `edgeprov daemon` process: Debian's atftp
 * (plain, `blksize 1428`, `tsize 0`, a write request, hostile and unknown names) and curl
 * (Digest with MD5, as phones use it, and SHA-256 when curl offers it; Basic; a wrong password). What
 * atftp gets over TFTP is byte-identical to what the same phone gets over HTTP. Each tool is
 * skipped, loudly, when it is not installed (`.ci/run` installs both).
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet } from '../sim/transport.js';
import { edgeFixture, startDaemonProcess, type DaemonProcess, type EdgeFixture } from '../helpers/edge.js';

const haveAtftp = !spawnSync('atftp', ['--version'], { stdio: 'ignore' }).error;
const haveCurl = spawnSync('curl', ['--version']).status === 0;
if (!haveAtftp) console.error('\n*** SKIPPED: atftp not installed (apt-get install atftp) ***\n');
if (!haveCurl) console.error('\n*** SKIPPED: curl not installed (apt-get install curl) ***\n');

let f: EdgeFixture;
let d: DaemonProcess;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgeprov-interop-'));
  f = await edgeFixture({ vendors: ['yealink', 'cisco', 'cisco-sep'], perVendor: 1, lines: 4, salt: 13, site: { provision_limit: 0 } });
  d = await startDaemonProcess(f.dbPath, dir);
});
after(() => {
  d?.p.kill();
  f?.close();
  rmSync(dir, { recursive: true, force: true });
});

function atftp(remote: string, options: string[] = [], put = false): Promise<{ code: number; output: string; file: Buffer | null }> {
  const local = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  if (put) writeFileSync(local, 'uploaded by atftp\n');
  const args = ['--trace', ...options.flatMap((o) => ['--option', o]), put ? '-p' : '-g', '-r', remote, '-l', local, '127.0.0.1', String(d.tftp.port)];
  return new Promise((resolve, reject) => {
    execFile('atftp', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && err.killed) return reject(new Error(`atftp ${args.join(' ')} did not finish within 30 s`));
      let file: Buffer | null = null;
      try {
        file = put ? null : readFileSync(local);
      } catch {
        file = null;
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}${stderr}`, file });
    });
  });
}

/** The same file over HTTP, as the phone's authenticated boot gets it. */
async function overHttp(path: string, mac: string): Promise<Buffer> {
  const phone = f.phones.find((p) => p.spec.mac === mac)!;
  const basic = `Basic ${Buffer.from(`${phone.prov.username}:${phone.prov.password}`).toString('base64')}`;
  const r = await httpGet(d.http, `/secure/${path.replace(/^\//, '')}`, { headers: { authorization: basic } });
  assert.equal(r.status, 200, r.body.toString());
  return r.body;
}

function guarded(present: boolean, hint: string) {
  return (name: string, body: (t: TestContext) => Promise<void>) =>
    test(name, async (t) => {
      if (!present) return t.skip(hint);
      await body(t);
    });
}
const atftpTest = guarded(haveAtftp, 'SKIPPED: atftp not installed (apt-get install atftp)');
const curlTest = guarded(haveCurl, 'SKIPPED: curl not installed (apt-get install curl)');

describe('atftp against the daemon', () => {
  const yea = () => f.phones.find((p) => p.spec.vendor === 'yealink')!.spec.mac;
  const cisco = () => f.phones.find((p) => p.spec.vendor === 'cisco')!.spec.mac;

  atftpTest('plain RRQ (no options): the device config, byte-identical to HTTP, 512-byte blocks', async () => {
    const r = await atftp(`${yea()}.cfg`);
    assert.equal(r.code, 0, r.output);
    assert.ok(r.file!.equals(await overHttp(`${yea()}.cfg`, yea())));
    assert.ok(!r.output.includes('received OACK'), 'no options, no OACK');
    assert.ok(r.file!.length > 1024, 'several blocks');
  });

  atftpTest('--option "blksize 1428": OACK blksize 1428, byte-identical', async () => {
    const r = await atftp(`${yea()}.cfg`, ['blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /received OACK <.*blksize: 1428/);
    assert.ok(r.file!.equals(await overHttp(`${yea()}.cfg`, yea())));
  });

  atftpTest('--option "tsize 0" and "blksize 1428": the OACK carries the real size', async () => {
    const name = `/Cisco/CP-8851-3PCC/${cisco()}.cfg`;
    const expected = await overHttp(name, cisco());
    const r = await atftp(name, ['tsize 0', 'blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`received OACK <.*tsize: ${expected.length}\\b`));
    assert.ok(r.file!.equals(expected));
  });

  atftpTest('the enterprise SEP<MAC>.cnf.xml (upper-case MAC, no leading slash) and a shared boot file', async () => {
    const sep = f.phones.find((p) => p.spec.vendor === 'cisco-sep')!.spec.mac;
    const r = await atftp(`SEP${sep.toUpperCase()}.cnf.xml`, ['blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.file!.toString(), /<device>/);
    const boot = await atftp('/8851-3PCC.xml');
    assert.equal(boot.code, 0, boot.output);
    assert.match(boot.file!.toString(), /Profile_Rule_B/);
  });

  atftpTest('refusals: a write request, a path escaping the tree, an unknown MAC', async () => {
    const put = await atftp(`${yea()}.cfg`, [], true);
    assert.notEqual(put.code, 0);
    assert.match(put.output, /read-only server/);
    const escape = await atftp('../../etc/passwd');
    assert.notEqual(escape.code, 0);
    assert.match(escape.output, /access violation/);
    const unknown = await atftp('001565fedcba.cfg');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.output, /File not found/);
  });
});

describe('curl against the daemon', () => {
  const url = () => `http://127.0.0.1:${d.http.port}/secure/${f.phones[0]!.spec.mac}.cfg`;
  const curl = (...args: string[]) =>
    new Promise<{ out: string; err: string }>((resolve) => {
      // From 127.0.0.7: the atftp tests above opened a first boot for 127.0.0.1, which /secure/ would continue.
      execFile('curl', ['-s', '-v', '--interface', '127.0.0.7', '-w', '\\n%{http_code}', ...args, url()], { timeout: 20_000 }, (_e, stdout, stderr) => resolve({ out: stdout, err: stderr }));
    });

  curlTest('--digest (MD5): 401 with challenges first, then the config; Basic works; a wrong password is 401', async () => {
    const phone = f.phones[0]!;
    const plain = await curl();
    assert.match(plain.out, /\n401$/);
    // One header line per challenge, MD5 first (what phones implement; some read only the first).
    const challenges = plain.err.split('\n').filter((l) => /^< www-authenticate:/i.test(l));
    assert.equal(challenges.length, 2, plain.err);
    assert.match(challenges[0]!, /^< www-authenticate: Digest realm="edgeprov", qop="auth", algorithm=MD5, nonce="[^"]+", opaque="edgeprov"\r?$/i);
    assert.match(challenges[1]!, /algorithm=SHA-256/);
    const digest = await curl('--digest', '-u', `${phone.prov.username}:${phone.prov.password}`);
    assert.match(digest.out, /\n200$/);
    assert.match(digest.err, /Authorization: Digest username=/);
    assert.ok(Buffer.from(digest.out.replace(/\n200$/, '')).equals(await overHttp(`${phone.spec.mac}.cfg`, phone.spec.mac)));
    assert.match((await curl('--basic', '-u', `${phone.prov.username}:${phone.prov.password}`)).out, /\n200$/);
    assert.match((await curl('--digest', '-u', `${phone.prov.username}:not-it`)).out, /\n401$/);
    assert.match((await curl('--digest', '-u', `someone-else:${phone.prov.password}`)).out, /\n401$/);
  });
});
