// Interop: real TFTP clients against our server on 127.0.0.1, comparing bytes and what was negotiated.
// 1. Debian's atftp (0.8.0 here): plain, blksize 1428 / 65464, tsize, windowsize, timeout, netascii,
//    block-number rollover, refusals. Needs `apt-get install atftp`; without it the tests are skipped, loudly.
// 2. The npm `tftp` 0.1.2 package's CLIENT (its server is what we replaced; its client is sound): it
//    always offers blksize 1468 and windowsize 4. Needs the package (`npm install --save-dev
//    --save-exact tftp@0.1.2`); without it that part is skipped, loudly.
// atftp runs as a child process (async, so this process keeps serving); every run is bounded.
import { after, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTftpServer, type TftpServerOptions } from '../../daemon/tftp/index.js';
import { LOOPBACK, logSink, type LogRecord } from '../helpers/udp.js';

function pattern(size: number, salt: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 9) + salt) & 0xff;
  return b;
}

const FILES = new Map<string, Buffer>([
  ['empty.bin', Buffer.alloc(0)],
  ['f512.bin', pattern(512, 1)],
  ['f1428.bin', pattern(1428, 2)],
  ['f4096.bin', pattern(4096, 3)],
  ['f5000.bin', pattern(5000, 4)],
  ['f100000.bin', pattern(100_000, 5)],
  ['y000000000028.cfg', Buffer.from('#!version:1.0.0.1\naccount.1.enable = 1\r\naccount.1.label = 101\n')],
  ['Cisco/CP-8851-3PCC/001234ab45de.cfg', pattern(3000, 6)],
  // 65,540 blocks of 8 bytes: the block number wraps past 65535.
  ['wrap.bin', pattern(8 * 65_540 + 3, 7)],
]);

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgeprov-tftp-'));
  dirs.push(d);
  return d;
}

async function start(t: TestContext, options: TftpServerOptions = {}) {
  const sink = logSink('info');
  const server = createTftpServer(options, {
    log: sink.log,
    provider: async (req) => {
      const data = FILES.get(req.filename);
      return data ? { data } : { error: { code: 1, message: 'File not found' } };
    },
  });
  const { port } = await server.listen(0, LOOPBACK);
  t.after(() => server.close());
  return { server, port, sink };
}

/** The server's end-of-transfer line for `filename` (every test runs one client at a time). */
function ended(sink: ReturnType<typeof logSink>, filename: string): Promise<LogRecord> {
  return sink.waitFor((r) => r.msg === 'tftp transfer' && r.filename === filename, 5000, `the end-of-transfer line for ${filename}`);
}

// --- atftp ---

type Body = (t: TestContext) => Promise<void>;

/** A test that is skipped, visibly and with the install hint, when `present` is false. */
function guardedTest(present: boolean, skipMessage: string) {
  return (name: string, optsOrBody: { timeout?: number } | Body, maybeBody?: Body): void => {
    const body = typeof optsOrBody === 'function' ? optsOrBody : maybeBody!;
    const opts = typeof optsOrBody === 'function' ? {} : optsOrBody;
    test(name, opts, async (t) => {
      if (!present) {
        t.skip(skipMessage);
        return;
      }
      await body(t);
    });
  };
}

const atftpPresent = (() => {
  const r = spawnSync('atftp', ['--version'], { stdio: 'ignore' });
  return !r.error;
})();
const ATFTP_SKIP = 'SKIPPED: atftp not installed (apt-get install atftp)';
if (!atftpPresent) console.error(`\n*** ${ATFTP_SKIP} ***\n`);
const atftpTest = guardedTest(atftpPresent, ATFTP_SKIP);

interface AtftpRun {
  code: number;
  output: string;
  file: Buffer | null;
}

/** `atftp --trace [--option …] -g -r REMOTE -l LOCAL 127.0.0.1 PORT`, killed (failing the test) after 60 s. */
function atftpGet(port: number, remote: string, options: string[] = []): Promise<AtftpRun> {
  const local = join(tempDir(), 'out');
  const args = ['--trace', ...options.flatMap((o) => ['--option', o]), '-g', '-r', remote, '-l', local, LOOPBACK, String(port)];
  return new Promise((resolve, reject) => {
    execFile('atftp', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && err.killed) {
        reject(new Error(`atftp ${args.join(' ')} did not finish within 60 s`));
        return;
      }
      let file: Buffer | null = null;
      try {
        file = readFileSync(local);
      } catch {
        file = null;
      }
      resolve({ code, output: `${stdout}${stderr}`, file });
    });
  });
}

/** atftp's trace line for the OACK it received, e.g. "received OACK <tsize: 5000, blksize: 1428, >". */
function oackLine(output: string): string | undefined {
  return output.split('\n').find((l) => l.includes('received OACK'));
}

describe('atftp client', () => {
  for (const name of ['empty.bin', 'f512.bin', 'f1428.bin', 'f5000.bin', 'f100000.bin', 'y000000000028.cfg', '/Cisco/CP-8851-3PCC/001234ab45de.cfg']) {
    atftpTest(`plain RRQ (no options) of ${name}: byte-identical, 512-byte blocks, no OACK`, async (t) => {
      const { port, sink } = await start(t);
      const r = await atftpGet(port, name);
      assert.equal(r.code, 0, r.output);
      const key = name.replace(/^\//, '');
      assert.deepEqual(r.file, FILES.get(key));
      assert.equal(oackLine(r.output), undefined, 'no OACK when no option was asked');
      const rec = await ended(sink, key);
      assert.equal(rec.outcome, 'completed');
      assert.equal(rec.blksize, 512);
    });
  }

  atftpTest('--option "blksize 1428": OACK blksize 1428, byte-identical', async (t) => {
    const { port, sink } = await start(t);
    const r = await atftpGet(port, 'f100000.bin', ['blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('f100000.bin'));
    assert.match(oackLine(r.output) ?? '', /blksize: 1428\b/);
    const rec = await ended(sink, 'f100000.bin');
    assert.equal(rec.blksize, 1428);
    assert.equal(rec.blocks, Math.floor(100_000 / 1428) + 1);
  });

  atftpTest('--option "blksize 65464" is answered with 1428', async (t) => {
    const { port } = await start(t);
    const r = await atftpGet(port, 'f5000.bin', ['blksize 65464']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('f5000.bin'));
    assert.match(oackLine(r.output) ?? '', /blksize: 1428\b/);
  });

  atftpTest('--option "tsize 0" (with blksize 1428): OACK carries the real size', async (t) => {
    const { port } = await start(t);
    const r = await atftpGet(port, 'f5000.bin', ['tsize 0', 'blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('f5000.bin'));
    const line = oackLine(r.output) ?? '';
    assert.match(line, /tsize: 5000\b/);
    assert.match(line, /blksize: 1428\b/);
  });

  atftpTest('--option "windowsize 4": OACK windowsize 4, byte-identical over many windows', async (t) => {
    const { port, sink } = await start(t);
    const r = await atftpGet(port, 'f100000.bin', ['windowsize 4', 'blksize 1428']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('f100000.bin'));
    assert.match(oackLine(r.output) ?? '', /windowsize: 4\b/);
    const rec = await ended(sink, 'f100000.bin');
    assert.equal(rec.windowsize, 4);
    assert.equal(rec.retransmits, 0);
  });

  atftpTest('--option "timeout 1" is acknowledged', async (t) => {
    const { port } = await start(t);
    const r = await atftpGet(port, 'f4096.bin', ['timeout 1']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('f4096.bin'));
    assert.match(oackLine(r.output) ?? '', /timeout: 1\b/);
  });

  atftpTest('netascii: atftp converts back to exactly the original bytes (LF, CR LF and a bare CR)', async (t) => {
    const { port, sink } = await start(t);
    const r = await atftpGet(port, 'y000000000028.cfg', ['mode netascii']);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(r.file, FILES.get('y000000000028.cfg'));
    const rec = await ended(sink, 'y000000000028.cfg');
    assert.ok(Number(rec.size) > FILES.get('y000000000028.cfg')!.length, 'the wire carried CR LF');
  });

  atftpTest('block numbers wrap past 65535 (blksize 8, 65,541 blocks)', { timeout: 120_000 }, async (t) => {
    const { port, sink } = await start(t, { maxBlksize: 8 });
    const r = await atftpGet(port, 'wrap.bin', ['blksize 8']);
    assert.equal(r.code, 0, r.output.slice(-2000));
    assert.deepEqual(r.file, FILES.get('wrap.bin'));
    const rec = await ended(sink, 'wrap.bin');
    assert.equal(rec.blocks, 65_541);
  });

  atftpTest('unknown file: atftp reports the server ERROR "File not found" and fails', async (t) => {
    const { port } = await start(t);
    const r = await atftpGet(port, 'nope.cfg');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /File not found/);
  });

  atftpTest('../../etc/passwd: refused with "access violation"', async (t) => {
    const { port } = await start(t);
    const r = await atftpGet(port, '../../etc/passwd');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /access violation/);
    assert.ok(r.file === null || r.file.length === 0);
  });
});

// --- the npm tftp 0.1.2 client ---

interface NpmTftpClient {
  createGetStream(remote: string): NodeJS.ReadableStream;
}
interface NpmTftp {
  createClient(opts: { host: string; port: number; retries?: number; timeout?: number; blockSize?: number; windowSize?: number }): NpmTftpClient;
}

const npmTftp: NpmTftp | null = (() => {
  try {
    return createRequire(import.meta.url)('tftp') as NpmTftp;
  } catch {
    return null;
  }
})();
const NPM_SKIP = 'SKIPPED: npm tftp 0.1.2 client not installed (npm install --save-dev --save-exact tftp@0.1.2)';
if (!npmTftp) console.error(`\n*** ${NPM_SKIP} ***\n`);
const npmTest = guardedTest(npmTftp !== null, NPM_SKIP);

/** Reads `remote` with the npm client; resolves with the bytes or the error it reports, bounded by 10 s. */
function npmGet(client: NpmTftpClient, remote: string): Promise<{ data: Buffer } | { error: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm tftp client: ${remote} did not finish within 10 s`)), 10_000);
    const chunks: Buffer[] = [];
    const s = client.createGetStream(remote);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', (e: Error) => {
      clearTimeout(timer);
      resolve({ error: e.message });
    });
    s.on('end', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks) });
    });
  });
}

describe('npm tftp 0.1.2 client', () => {
  npmTest('its defaults (blksize 1468, windowsize 4, timeout "3000"): 1428 and 4 negotiated, bytes identical', async (t) => {
    const { port, sink } = await start(t);
    const client = npmTftp!.createClient({ host: LOOPBACK, port, retries: 2 });
    for (const name of ['empty.bin', 'f1428.bin', 'f5000.bin', 'f100000.bin']) {
      const r = await npmGet(client, name);
      assert.ok('data' in r, JSON.stringify(r));
      assert.deepEqual(r.data, FILES.get(name));
      const rec = await ended(sink, name);
      assert.equal(rec.outcome, 'completed');
      assert.equal(rec.blksize, 1428);
      assert.equal(rec.windowsize, 4);
    }
  });

  npmTest('blockSize 512, windowSize 1, and an unknown file', async (t) => {
    const { port, sink } = await start(t);
    const client = npmTftp!.createClient({ host: LOOPBACK, port, blockSize: 512, windowSize: 1, retries: 2 });
    const r = await npmGet(client, 'f5000.bin');
    assert.ok('data' in r, JSON.stringify(r));
    assert.deepEqual(r.data, FILES.get('f5000.bin'));
    const rec = await ended(sink, 'f5000.bin');
    assert.equal(rec.blksize, 512);
    assert.equal(rec.blocks, 10);
    const missing = await npmGet(client, 'nope.cfg');
    assert.ok('error' in missing && /File not found/.test(missing.error), JSON.stringify(missing));
  });
});
