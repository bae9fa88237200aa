// The TFTP server over real UDP on 127.0.0.1, driven by a raw client (test/helpers/udp.ts) that
// counts every datagram: plain and negotiated transfers with exact block counts, refusals, limits,
// retransmission, and one regression test per defect of the npm `tftp` 0.1.2 package that made us
// write our own (shared/reference/performance.md §1, T1–T6), each written so that package's
// behaviour fails it. A seeded fuzz run ends the file.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createTftpServer, normaliseRequestPath, type TftpFileRequest, type TftpProvider, type TftpServerOptions } from '../../daemon/tftp/index.js';
import {
  LOOPBACK,
  UdpPeer,
  ack,
  barrier,
  blockOf,
  errorPacket,
  logSink,
  opcodeOf,
  parseError,
  rrq,
  seededRandom,
  tftpGet,
  type Datagram,
  type LogRecord,
} from '../helpers/udp.js';

/** Bytes that differ at every offset in a way a shifted or repeated block would show. */
function pattern(size: number, salt = 0): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 8) * 13 + salt) & 0xff;
  return b;
}

const SIZES = [0, 1, 511, 512, 513, 1024, 1427, 1428, 2856, 4096, 5000, 512 * 9 + 100];
const FILES = new Map<string, Buffer>();
for (const n of SIZES) FILES.set(`f${n}.bin`, pattern(n, n));
FILES.set('SEP001122334455.cnf.xml', Buffer.from('<device>\n  <line>1</line>\n</device>\n'));
FILES.set('Cisco/CP-8851-3PCC/001234ab45de.cfg', pattern(3000, 3));
FILES.set('crlf.txt', Buffer.from('a\nb\r\nc\r'));

/** Files from a map; `drop/…` is dropped, `throw/…` throws, `deny/…` is ERROR 2, anything else ERROR 1. */
function filesProvider(files: Map<string, Buffer>, calls: TftpFileRequest[]): TftpProvider {
  return async (req) => {
    calls.push(req);
    if (req.filename.startsWith('drop/')) return null;
    if (req.filename.startsWith('throw/')) throw new Error('provider exploded');
    if (req.filename.startsWith('deny/')) return { error: { code: 2, message: 'bootstrap limit reached' } };
    const data = files.get(req.filename);
    return data ? { data } : { error: { code: 1, message: 'File not found' } };
  };
}

interface Harness {
  port: number;
  server: ReturnType<typeof createTftpServer>;
  sink: ReturnType<typeof logSink>;
  calls: TftpFileRequest[];
  peer(): Promise<UdpPeer>;
  /** The one end-of-request log line for the client on `clientPort`. */
  ended(clientPort: number, outcome?: string, timeoutMs?: number): Promise<LogRecord>;
}

async function start(t: TestContext, options: TftpServerOptions = {}, provider?: TftpProvider, files = FILES): Promise<Harness> {
  const sink = logSink('info');
  const calls: TftpFileRequest[] = [];
  const server = createTftpServer(options, { log: sink.log, provider: provider ?? filesProvider(files, calls) });
  const addr = await server.listen(0, LOOPBACK);
  const peers: UdpPeer[] = [];
  t.after(async () => {
    await server.close();
    await Promise.all(peers.map((p) => p.close()));
  });
  return {
    port: addr.port,
    server,
    sink,
    calls,
    async peer() {
      const p = await UdpPeer.open();
      peers.push(p);
      return p;
    },
    ended(clientPort, outcome, timeoutMs = 5000) {
      return sink.waitFor(
        (r) => r.msg === 'tftp transfer' && r.remote === `${LOOPBACK}:${clientPort}` && (outcome === undefined || r.outcome === outcome),
        timeoutMs,
        `the end-of-transfer log line (${outcome ?? 'any'}) for client port ${clientPort}`,
      );
    },
  };
}

function blocksFor(size: number, blksize: number): number {
  return Math.floor(size / blksize) + 1;
}

describe('plain RFC 1350 transfers', () => {
  for (const size of SIZES) {
    test(`${size}-byte file: ${blocksFor(size, 512)} DATA of 512, no OACK, one DATA per block`, async (t) => {
      const h = await start(t);
      const p = await h.peer();
      const r = await tftpGet(p, h.port, `f${size}.bin`);
      assert.equal(r.error, null);
      assert.equal(r.oack, null);
      assert.deepEqual(r.data, FILES.get(`f${size}.bin`));
      assert.equal(r.blocks, blocksFor(size, 512));
      assert.equal(r.dataPackets, r.blocks);
      assert.notEqual(r.tid, h.port, 'DATA comes from an ephemeral transfer port');
      const rec = await h.ended(p.port, 'completed');
      assert.equal(rec.bytes, size);
      assert.equal(rec.blocks, r.blocks);
      assert.equal(rec.filename, `f${size}.bin`);
      assert.equal(typeof rec.ms, 'number');
      const st = h.server.stats();
      assert.equal(st.completed, 1);
      assert.equal(st.active, 0);
      assert.equal(st.retransmits, 0);
    });
  }

  test('a leading slash and the exact case of a vendor name reach the provider normalised', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, '/Cisco/CP-8851-3PCC/001234ab45de.cfg');
    assert.deepEqual(r.data, FILES.get('Cisco/CP-8851-3PCC/001234ab45de.cfg'));
    const r2 = await tftpGet(p, h.port, 'SEP001122334455.cnf.xml');
    assert.deepEqual(r2.data, FILES.get('SEP001122334455.cnf.xml'));
    assert.deepEqual(
      h.calls.map((c) => [c.filename, c.rawFilename, c.mode, c.remote.port]),
      [
        ['Cisco/CP-8851-3PCC/001234ab45de.cfg', '/Cisco/CP-8851-3PCC/001234ab45de.cfg', 'octet', p.port],
        ['SEP001122334455.cnf.xml', 'SEP001122334455.cnf.xml', 'octet', p.port],
      ],
    );
  });
});

describe('option negotiation (RFC 2347/2348/2349/7440)', () => {
  for (const size of [0, 1427, 1428, 2856, 4096, 5000]) {
    test(`blksize 1428 on a ${size}-byte file: OACK, ACK 0, ${blocksFor(size, 1428)} blocks`, async (t) => {
      const h = await start(t);
      const p = await h.peer();
      const r = await tftpGet(p, h.port, `f${size}.bin`, { options: { blksize: '1428' } });
      assert.deepEqual(r.oack, { blksize: '1428' });
      assert.deepEqual(r.data, FILES.get(`f${size}.bin`));
      assert.equal(r.blocks, blocksFor(size, 1428));
      assert.equal(r.dataPackets, r.blocks);
    });
  }

  test('an offer above 1428 (1468, 65464) is answered with 1428; below it, honoured', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    for (const offer of ['1468', '65464']) {
      const r = await tftpGet(p, h.port, 'f5000.bin', { options: { blksize: offer } });
      assert.equal(r.oack?.blksize, '1428');
      assert.deepEqual(r.data, FILES.get('f5000.bin'));
      assert.equal(r.blocks, 4);
    }
    const r = await tftpGet(p, h.port, 'f5000.bin', { options: { blksize: '1024' } });
    assert.equal(r.oack?.blksize, '1024');
    assert.equal(r.blocks, 5);
  });

  test('tsize 0 gets the real size; timeout is acknowledged; unknown options are ignored', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'f5000.bin', { options: { tsize: '0', blksize: '1428', timeout: '2', rollover: '0', 'x-vendor': 'y' } });
    assert.deepEqual(r.oack, { tsize: '5000', blksize: '1428', timeout: '2' });
    assert.deepEqual(r.data, FILES.get('f5000.bin'));
  });

  test('only unknown options: no OACK, plain DATA 1', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'f1024.bin', { options: { rollover: '0' } });
    assert.equal(r.oack, null);
    assert.equal(r.blocks, 3);
  });

  test('windowsize 4: OACK windowsize 4, one ACK per window, every block exactly once', async (t) => {
    const size = 512 * 22 + 17;
    const files = new Map([['big.bin', pattern(size, 9)]]);
    const h = await start(t, {}, undefined, files);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'big.bin', { options: { windowsize: '4', tsize: '0' } });
    assert.deepEqual(r.oack, { windowsize: '4', tsize: String(size) });
    assert.deepEqual(r.data, files.get('big.bin'));
    assert.equal(r.blocks, 23);
    assert.equal(r.dataPackets, 23);
    await h.ended(p.port, 'completed');
    assert.equal(h.server.stats().retransmits, 0);
  });

  test('windowsize 4: an ACK inside the window resumes after it (RFC 7440); an older ACK changes nothing', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const blocks = async (n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const d = await p.recv(3000, `DATA (${i + 1} of ${n})`);
        assert.equal(opcodeOf(d.msg), 3);
        out.push(blockOf(d.msg));
      }
      return out;
    };
    await p.send(rrq('f5000.bin', 'octet', { blksize: '512', windowsize: '4' }), h.port);
    const o = await p.recv(3000, 'OACK');
    const tid = o.rinfo.port;
    await p.send(ack(0), tid);
    assert.deepEqual(await blocks(4), [1, 2, 3, 4]);
    await p.send(ack(2), tid); // "3 and 4 were lost"
    assert.deepEqual(await blocks(4), [3, 4, 5, 6]);
    await p.send(ack(1), tid); // late, older than the window: ignored
    await p.send(ack(6), tid);
    assert.deepEqual(await blocks(4), [7, 8, 9, 10]);
    await p.send(ack(10), tid);
    await h.ended(p.port, 'completed');
    assert.deepEqual(await barrier(p, h.port), []);
    assert.equal(h.server.stats().retransmits, 0);
  });

  test('windowsize above the limit is negotiated down (8)', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'f5000.bin', { options: { windowsize: '64', blksize: '512' } });
    assert.equal(r.oack?.windowsize, '8');
    assert.deepEqual(r.data, FILES.get('f5000.bin'));
  });

  test('netascii: LF → CR LF and CR → CR NUL on the wire; tsize counts the converted bytes', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'crlf.txt', { mode: 'NetASCII', options: { tsize: '0' } });
    const wire = Buffer.from('a\r\nb\r\0\r\nc\r\0');
    assert.deepEqual(r.data, wire);
    assert.equal(r.oack?.tsize, String(wire.length));
    assert.equal(h.calls[0]?.mode, 'netascii');
  });

  test('the client may refuse the OACK with ERROR 8: the transfer ends, its slot is freed', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('f4096.bin', 'octet', { blksize: '1428' }), h.port);
    const o = await p.recv(3000, 'OACK');
    assert.equal(opcodeOf(o.msg), 6);
    await p.send(errorPacket(8, 'option refused'), o.rinfo.port);
    const rec = await h.ended(p.port, 'client-error');
    assert.deepEqual(rec.clientError, { code: 8, message: 'option refused' });
    assert.equal(h.server.stats().active, 0);
    assert.equal(h.server.stats().failed, 1);
  });

  test('block numbers wrap past 65535 (blksize 8, 65,549 blocks, lock-step)', { timeout: 60_000 }, async (t) => {
    const size = 8 * 65548 + 5;
    const files = new Map([['huge.bin', pattern(size, 1)]]);
    const h = await start(t, { maxBlksize: 8 }, undefined, files);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'huge.bin', { options: { blksize: '8' } });
    assert.equal(r.oack?.blksize, '8');
    assert.equal(r.blocks, 65549);
    assert.equal(r.dataPackets, 65549);
    assert.deepEqual(r.data, files.get('huge.bin'));
    await h.ended(p.port, 'completed');
  });

  test('block numbers wrap past 65535 with a window (windowsize 8)', { timeout: 60_000 }, async (t) => {
    const size = 8 * 70000;
    const files = new Map([['huge.bin', pattern(size, 2)]]);
    const h = await start(t, { maxBlksize: 8 }, undefined, files);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'huge.bin', { options: { blksize: '8', windowsize: '8' } });
    assert.equal(r.blocks, 70001);
    assert.equal(r.dataPackets, 70001);
    assert.deepEqual(r.data, files.get('huge.bin'));
  });
});

describe('refusals and the provider', () => {
  test('WRQ is refused with ERROR 2 from the main port; nothing is asked of the provider', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('001565aabbcc-phone.cfg', 'octet', {}, 2), h.port);
    const d = await p.recv(3000, 'ERROR 2');
    assert.equal(parseError(d.msg)?.code, 2);
    assert.equal(d.rinfo.port, h.port);
    assert.equal(h.calls.length, 0);
    assert.equal(h.server.stats().socketsOpened, 0);
    assert.equal(h.server.stats().errorsSent[2], 1);
  });

  test('unknown file: ERROR 1 with the provider message', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'nope.cfg');
    assert.deepEqual(r.error, { code: 1, message: 'File not found', fromPort: h.port });
    await h.ended(p.port, 'not-found');
    assert.equal(h.server.stats().socketsOpened, 0);
  });

  test('provider ERROR 2 (e.g. bootstrap refused) is passed through', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'deny/001565aabbcc.cfg');
    assert.deepEqual(r.error, { code: 2, message: 'bootstrap limit reached', fromPort: h.port });
  });

  for (const name of ['../../etc/passwd', '/etc/passwd', '\\..\\..\\x', '%2e%2e/x', 'a/../../b', 'C:\\boot.ini', `${'x'.repeat(300)}`, 'a\x01b']) {
    test(`hostile name ${JSON.stringify(name.slice(0, 30))} is refused with ERROR 2 and never reaches the provider`, async (t) => {
      const h = await start(t);
      const p = await h.peer();
      const r = await tftpGet(p, h.port, name);
      assert.equal(r.error?.code, 2);
      assert.equal(h.calls.length, 0);
      const rec = await h.ended(p.port, 'refused-path');
      assert.match(String(rec.reason), /^PATH_/);
    });
  }

  test('a NUL inside the name cannot smuggle a path: the request is malformed or has a bad mode', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    // "f1.bin\0../../etc/passwd\0octet\0": mode "../../etc/passwd" and a dangling option "octet": malformed, dropped.
    await p.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from('f1.bin\0../../etc/passwd\0octet\0')]), h.port);
    assert.deepEqual(await barrier(p, h.port), []);
    assert.equal(h.server.stats().malformed, 1);
    // "f1.bin\0../../etc/passwd\0": a well-formed request with mode "../../etc/passwd": ERROR 4.
    await p.send(Buffer.concat([Buffer.from([0, 1]), Buffer.from('f1.bin\0../../etc/passwd\0')]), h.port);
    const d = await p.recv(3000, 'ERROR 4');
    assert.equal(parseError(d.msg)?.code, 4);
    assert.deepEqual(h.calls.map((c) => c.filename), ['__barrier__.cfg']);
  });

  test('mode "mail" is refused with ERROR 4', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'f1.bin', { mode: 'mail' });
    assert.equal(r.error?.code, 4);
  });

  test('provider says drop: no answer at all', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('drop/001565aabbcc.cfg'), h.port);
    await h.ended(p.port, 'dropped');
    assert.deepEqual(await barrier(p, h.port), []);
    assert.equal(h.server.stats().dropped, 1);
    assert.equal(h.server.stats().socketsOpened, 0);
  });

  test('provider throws: ERROR 0, logged, and the server keeps serving', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'throw/x.cfg');
    assert.equal(r.error?.code, 0);
    await h.ended(p.port, 'provider-error');
    const ok = await tftpGet(p, h.port, 'f513.bin');
    assert.deepEqual(ok.data, FILES.get('f513.bin'));
  });

  test('provider never answers: ERROR 0 after providerTimeoutMs and the slot is freed', async (t) => {
    const h = await start(t, { providerTimeoutMs: 100, maxTransfers: 1 }, () => new Promise(() => {}));
    const p = await h.peer();
    const r = await tftpGet(p, h.port, 'x.cfg');
    assert.deepEqual(r.error, { code: 0, message: 'server timeout', fromPort: h.port });
    assert.equal(h.server.stats().active, 0);
  });

  test('a retransmitted RRQ does not start a second transfer', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('f1024.bin'), h.port);
    const r = await tftpGet(p, h.port, 'f1024.bin');
    assert.deepEqual(r.data, FILES.get('f1024.bin'));
    assert.equal(r.dataPackets, 3);
    await h.ended(p.port, 'completed');
    assert.deepEqual(await barrier(p, h.port), []);
    const st = h.server.stats();
    assert.equal(st.socketsOpened, 1);
    assert.equal(st.duplicateRequests, 1);
    assert.equal(h.calls.filter((c) => c.filename === 'f1024.bin').length, 1);
  });

  test('the same client port asking for another file supersedes its unfinished transfer', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('f4096.bin'), h.port);
    const d1 = await p.recv(3000, 'DATA 1');
    assert.equal(blockOf(d1.msg), 1);
    const r = await tftpGet(p, h.port, 'f513.bin');
    assert.deepEqual(r.data, FILES.get('f513.bin'));
    const old = await h.ended(p.port, 'superseded');
    assert.equal(old.filename, 'f4096.bin');
    await h.ended(p.port, 'completed');
    assert.equal(h.server.stats().active, 0);
  });
});

describe('limits, timers and shutdown', () => {
  test('maxTransfers: the request past the limit gets ERROR 0 "server busy" (whenBusy error), then is served', async (t) => {
    const h = await start(t, { maxTransfers: 2, whenBusy: 'error' });
    const a = await h.peer();
    const b = await h.peer();
    const c = await h.peer();
    await a.send(rrq('f1024.bin'), h.port);
    await b.send(rrq('f1024.bin'), h.port);
    const da = await a.recv(3000, 'DATA 1 for a');
    const db = await b.recv(3000, 'DATA 1 for b');
    assert.equal(h.server.stats().active, 2);
    const busy = await tftpGet(c, h.port, 'f1.bin');
    assert.deepEqual(busy.error, { code: 0, message: 'server busy', fromPort: h.port });
    assert.equal(h.server.stats().busy, 1);
    assert.equal(h.server.stats().socketsOpened, 2);
    // a aborts, freeing a slot; c now gets its file.
    await a.send(errorPacket(0, 'bye'), da.rinfo.port);
    await h.ended(a.port, 'client-error');
    const ok = await tftpGet(c, h.port, 'f1.bin');
    assert.deepEqual(ok.data, FILES.get('f1.bin'));
    assert.equal(blockOf(db.msg), 1);
  });

  test('maxTransfers with whenBusy drop: no answer and no socket, the client retries later', async (t) => {
    const h = await start(t, { maxTransfers: 1 });
    const a = await h.peer();
    const c = await h.peer();
    await a.send(rrq('f1024.bin'), h.port);
    const da = await a.recv(3000, 'DATA 1 for a');
    await c.send(rrq('f1.bin'), h.port);
    await h.ended(c.port, 'busy');
    await a.send(errorPacket(0, 'bye'), da.rinfo.port);
    await h.ended(a.port, 'client-error');
    assert.deepEqual(await barrier(c, h.port), [], 'nothing was sent to the dropped client');
    const ok = await tftpGet(c, h.port, 'f1.bin');
    assert.deepEqual(ok.data, FILES.get('f1.bin'));
    assert.equal(h.server.stats().socketsOpened, 2);
  });

  test('a lost ACK: the timer (not anything else) resends the block once, then the transfer goes on', async (t) => {
    const h = await start(t, { timeoutMs: 100 });
    const p = await h.peer();
    await p.send(rrq('f1024.bin'), h.port);
    const first = await p.recv(3000, 'DATA 1');
    const again = await p.recv(3000, 'DATA 1 retransmitted');
    assert.equal(blockOf(again.msg), 1);
    assert.deepEqual(again.msg, first.msg);
    await p.send(ack(1), first.rinfo.port);
    assert.equal(blockOf((await p.recv()).msg), 2);
    await p.send(ack(2), first.rinfo.port);
    assert.equal(blockOf((await p.recv()).msg), 3);
    await p.send(ack(3), first.rinfo.port);
    const rec = await h.ended(p.port, 'completed');
    assert.ok(Number(rec.retransmits) >= 1);
  });

  test('the client timeout option sets the retransmission interval', async (t) => {
    // Server default 60 s: a retransmission within 3 s can only come from the client's "timeout 1".
    const h = await start(t, { timeoutMs: 60_000 });
    const p = await h.peer();
    await p.send(rrq('f1024.bin', 'octet', { timeout: '1' }), h.port);
    const o = await p.recv(3000, 'OACK');
    assert.deepEqual(o.msg, Buffer.from('\0\x06timeout\x001\0', 'latin1'));
    await p.send(ack(0), o.rinfo.port);
    assert.equal(blockOf((await p.recv(3000, 'DATA 1')).msg), 1);
    const again = await p.recv(3000, 'DATA 1 resent after the client timeout');
    assert.equal(blockOf(again.msg), 1);
    await p.send(errorPacket(0, 'done'), o.rinfo.port);
  });

  test('close() ends running transfers (aborted) and frees every socket', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    await p.send(rrq('f4096.bin'), h.port);
    await p.recv(3000, 'DATA 1');
    await h.server.close();
    const rec = await h.ended(p.port, 'aborted');
    assert.equal(rec.outcome, 'aborted');
    assert.equal(h.server.stats().active, 0);
  });

  test('invalid options are refused at construction with CONFIG_INVALID', () => {
    const { log } = logSink();
    const provider: TftpProvider = async () => null;
    for (const bad of [{ maxBlksize: 7 }, { maxBlksize: 65465 }, { retries: -1 }, { maxTransfers: 0 }, { timeoutMs: 1.5 }, { whenBusy: 'queue' as never }]) {
      assert.throws(() => createTftpServer(bad, { log, provider }), (e: unknown) => (e as { code?: string }).code === 'CONFIG_INVALID', JSON.stringify(bad));
    }
  });
});

describe('regressions against the npm tftp 0.1.2 defects (performance.md T1–T6)', () => {
  // T1: tftp 0.1.2 calls readUInt16BE(0) on any datagram reaching a transfer socket, so one 1-byte
  // datagram throws ERR_BUFFER_OUT_OF_BOUNDS from the socket handler and the process exits (this
  // test process would die). Here runts to the transfer port and the main port are dropped and
  // counted, the transfer in progress completes, and a new transfer works.
  test('T1: runt datagrams (0, 1, 3 bytes) to a transfer port and to port 69 do not hurt anything', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, f('4096'), {
      onBlock: async (block, tid) => {
        if (block !== 2) return;
        for (const runt of [Buffer.alloc(0), Buffer.from([4]), Buffer.from([0, 4, 0])]) {
          await p.send(runt, tid);
          await p.send(runt, h.port);
        }
      },
    });
    assert.deepEqual(r.data, FILES.get(f('4096')));
    assert.equal(r.dataPackets, r.blocks);
    await h.ended(p.port, 'completed');
    const q = await h.peer();
    const r2 = await tftpGet(q, h.port, f('513'));
    assert.deepEqual(r2.data, FILES.get(f('513')));
    assert.equal(h.server.stats().malformed, 6);
  });

  // T2: tftp 0.1.2 has no transfer-ID check: a stranger's ACK drives the transfer and its ERROR
  // aborts it. RFC 1350 §4: the stranger gets ERROR 5 and the transfer carries on untouched. Here
  // the stranger must get two ERROR 5 and the real client must still receive every block exactly once.
  test('T2: ACK and ERROR from a foreign port get ERROR 5; the real transfer completes untouched', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const stranger = await h.peer();
    const r = await tftpGet(p, h.port, f('4096'), {
      onBlock: async (block, tid) => {
        if (block !== 1) return;
        await stranger.send(ack(1), tid);
        const e1 = await stranger.recv(3000, 'ERROR 5 for the stranger ACK');
        assert.equal(parseError(e1.msg)?.code, 5);
        assert.equal(e1.rinfo.port, tid);
        await stranger.send(errorPacket(0, 'abort'), tid);
        const e2 = await stranger.recv(3000, 'ERROR 5 for the stranger ERROR');
        assert.equal(parseError(e2.msg)?.code, 5);
        await stranger.send(ack(2), tid);
        assert.equal(parseError((await stranger.recv(3000, 'ERROR 5 for the stranger ACK 2')).msg)?.code, 5);
      },
    });
    assert.equal(r.error, null);
    assert.deepEqual(r.data, FILES.get(f('4096')));
    assert.equal(r.blocks, 9);
    assert.equal(r.dataPackets, 9, 'the stranger drove nothing');
    await h.ended(p.port, 'completed');
    assert.deepEqual(await barrier(p, h.port), []);
    assert.deepEqual(stranger.drain(), [], 'the stranger got ERROR 5 and nothing else');
    assert.equal(h.server.stats().unknownTid, 3);
  });

  // T3: tftp 0.1.2 retransmits on a duplicate ACK (Sorcerer's Apprentice, RFC 1123 §4.2.3.1): a client
  // sending each ACK twice received 65 DATA for 9 blocks. Exactly one DATA per block is required.
  test('T3: every ACK sent twice still gets exactly one DATA per block (lock-step)', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, f('4096'), { ackTwice: true });
    assert.deepEqual(r.data, FILES.get(f('4096')));
    assert.equal(r.blocks, 9);
    await h.ended(p.port, 'completed');
    const late = await barrier(p, h.port);
    assert.equal(r.dataPackets + late.length, 9, `DATA per block: ${JSON.stringify([...r.perBlock])}, late: ${late.length}`);
    assert.ok([...r.perBlock.values()].every((n) => n === 1));
    // ACKs 1..8 arrive twice while the transfer runs; the second ACK 9 finds it already finished.
    assert.equal(h.server.stats().duplicateAcks, 8);
    assert.equal(h.server.stats().retransmits, 0);
  });

  test('T3: duplicate ACKs with a window (blksize 512, windowsize 4) and a duplicated ACK 0 after the OACK', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const r = await tftpGet(p, h.port, f('5000'), { ackTwice: true, options: { windowsize: '4', blksize: '512' } });
    assert.deepEqual(r.data, FILES.get(f('5000')));
    assert.equal(r.blocks, 10);
    await h.ended(p.port, 'completed');
    const late = await barrier(p, h.port);
    assert.equal(r.dataPackets + late.length, 10);
    assert.equal(h.server.stats().retransmits, 0);
  });

  // T4: tftp 0.1.2 emits 'error' ("Timed out") when a client vanishes mid-transfer, which crashes the
  // process unless the listener remembered req.on('error'). Here the transfer must end on its own
  // after the retries, with no exception (this test process would die), and serving goes on.
  test('T4: a client vanishing mid-transfer ends that transfer after the retries; the process serves on', async (t) => {
    const h = await start(t, { timeoutMs: 50, retries: 3 });
    const p = await h.peer();
    const r = await tftpGet(p, h.port, f('5000'), { vanishAfterBlocks: 2 });
    assert.equal(r.blocks, 2);
    const port = p.port;
    await p.close();
    const rec = await h.ended(port, 'timeout', 5000);
    assert.equal(rec.blocks, 1, 'block 1 was acknowledged, block 2 never was');
    assert.equal(rec.retransmits, 3);
    const st = h.server.stats();
    assert.equal(st.failed, 1);
    assert.equal(st.active, 0);
    const q = await h.peer();
    const r2 = await tftpGet(q, h.port, f('5000'));
    assert.deepEqual(r2.data, FILES.get(f('5000')));
  });

  // T5: tftp 0.1.2 answers every datagram on port 69, garbage included, from a NEW socket of its
  // own (200 garbage datagrams drew 200 replies from 200 ports). Here garbage gets no reply, and in
  // any case never one from anything but the main port, and not a single transfer socket is opened.
  test('T5: 200 garbage datagrams to port 69 open no socket and draw no reply', async (t) => {
    const h = await start(t);
    const p = await h.peer();
    const rnd = seededRandom(0x7f5);
    for (let i = 0; i < 200; i++) {
      const kind = i % 5;
      let pkt: Buffer;
      if (kind === 0) pkt = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => Math.floor(rnd() * 256)).map((x, j) => (j === 0 ? 0 : x)));
      else if (kind === 1) pkt = Buffer.concat([Buffer.from([0, 1]), Buffer.from(`file${i}.cfg`)]); // RRQ without NUL
      else if (kind === 2) pkt = ack(i);
      else if (kind === 3) pkt = Buffer.from([0, 3 + (i % 4), i & 0xff]);
      else pkt = Buffer.from([0xff, i & 0xff, 1, 2, 3]);
      if (pkt.length >= 2 && pkt.readUInt16BE(0) <= 2 && pkt.includes(0, 2)) pkt[1] = 9; // never a well-formed request
      await p.send(pkt, h.port);
    }
    const replies = await barrier(p, h.port);
    assert.ok(replies.every((d) => d.rinfo.port === h.port), 'a reply came from a port other than the main one');
    assert.deepEqual(replies, []);
    const st = h.server.stats();
    assert.equal(st.socketsOpened, 0);
    assert.equal(st.malformed, 200);
    const r = await tftpGet(p, h.port, f('1024'));
    assert.deepEqual(r.data, FILES.get(f('1024')));
    assert.equal(h.server.stats().socketsOpened, 1);
    const warned = h.sink.records.filter((x) => x.msg === 'tftp malformed datagram dropped');
    assert.equal(warned.length, 1, 'a flood is logged once per period, not once per datagram');
  });

  // T6: tftp 0.1.2 keeps the socket of a transfer whose final ACK is lost for ~9 s (3 s × 3, whatever
  // the configuration). Here the last block is resent exactly `retries` times at `timeoutMs` and the
  // socket is freed right after: 4 × 100 ms plus slack, far below 9 s.
  test('T6: final ACK never sent: the last block is resent `retries` times, then the transfer is freed', async (t) => {
    const retries = 3;
    const timeoutMs = 100;
    const h = await start(t, { timeoutMs, retries });
    const p = await h.peer();
    const r = await tftpGet(p, h.port, f('1024'), { skipFinalAck: true });
    assert.equal(r.blocks, 3);
    const lastAt = performance.now();
    const rec = await h.ended(p.port, 'timeout', 3000);
    const freedAfter = performance.now() - lastAt;
    assert.ok(freedAfter < (retries + 1) * timeoutMs + 1500, `freed after ${freedAfter.toFixed(0)} ms`);
    assert.ok(freedAfter >= retries * timeoutMs - 20, `freed too early, after ${freedAfter.toFixed(0)} ms`);
    assert.equal(rec.blocks, 2);
    assert.equal(rec.retransmits, retries);
    assert.equal(h.server.stats().active, 0);
    const resent = (await barrier(p, h.port)).filter((d) => opcodeOf(d.msg) === 3);
    assert.equal(resent.length, retries);
    assert.ok(resent.every((d) => blockOf(d.msg) === 3 && d.rinfo.port === r.tid));
  });
});

/** netascii as RFC 764 has it, written independently of daemon/tftp/netascii.ts. */
function netascii(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r/g, '\r\0').replace(/\n/g, '\r\n'), 'latin1');
}

function f(size: string): string {
  return `f${size}.bin`;
}

describe('seeded fuzz', () => {
  // 5,000 random, truncated and mutated datagrams (seed 20260817) to the main port and to the port of
  // a transfer in progress. Afterwards that transfer and new ones complete byte-exact, the provider
  // was only ever asked for normalised names, and every DATA byte anyone received came from a
  // provider answer.
  test('5,000 hostile datagrams: nothing crashes, nothing escapes, correct requests still succeed', { timeout: 120_000 }, async (t) => {
    const calls: TftpFileRequest[] = [];
    const served: Buffer[] = [];
    const base = filesProvider(FILES, calls);
    const provider: TftpProvider = async (req) => {
      const a = await base(req);
      if (a && 'data' in a) served.push(a.data, netascii(a.data));
      return a;
    };
    const h = await start(t, { timeoutMs: 20_000, retries: 1, maxTransfers: 50 }, provider);
    const rnd = seededRandom(20260817);
    const int = (n: number): number => Math.floor(rnd() * n);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
    const names = ['f5000.bin', '/f1.bin', '../f1.bin', '%2e%2e/f1.bin', '..\\..\\x', '/etc/passwd', 'C:\\x', 'f\x01.bin', 'x'.repeat(300), 'drop/x', 'throw/x', 'deny/x'];
    const modes = ['octet', 'netascii', 'mail', 'OCTET', ''];
    const optionNames = ['blksize', 'tsize', 'timeout', 'windowsize', 'rollover', 'BLKSIZE', ''];
    const optionValues = ['0', '8', '1428', '65464', '65465', '-1', '99999999999', 'x', '', '4', '255'];

    function randomRequest(): Buffer {
      const opts: Record<string, string> = {};
      for (let i = int(4); i > 0; i--) opts[optionNames[int(optionNames.length)]!] = optionValues[int(optionValues.length)]!;
      return rrq(names[int(names.length)]!, modes[int(modes.length)]!, opts, 1 + int(2));
    }
    function mutate(buf: Buffer): Buffer {
      const out = Buffer.from(buf);
      for (let i = 1 + int(4); i > 0 && out.length > 0; i--) out[int(out.length)] = int(4) === 0 ? 0 : int(256);
      return out;
    }
    function fuzzPacket(): Buffer {
      switch (int(6)) {
        case 0:
          return bytes(int(600));
        case 1: {
          const r = randomRequest();
          return r.subarray(0, int(r.length));
        }
        case 2:
          return mutate(randomRequest());
        case 3:
          return randomRequest();
        case 4:
          return Buffer.concat([Buffer.from([0, int(8)]), bytes(int(40))]);
        default:
          return mutate(Buffer.from([0, 3 + int(4), int(256), int(256), ...bytes(int(20))]));
      }
    }

    // A transfer in progress whose port the fuzz also hits.
    const held = await h.peer();
    await held.send(rrq('f5000.bin', 'octet', { blksize: '512' }), h.port);
    const oack = await held.recv(3000, 'OACK for the held transfer');
    const tid = oack.rinfo.port;

    const fuzzers = await Promise.all([h.peer(), h.peer(), h.peer(), h.peer()]);
    for (let i = 0; i < 5000; i++) {
      const target = int(2) === 0 ? h.port : tid;
      await fuzzers[int(fuzzers.length)]!.send(fuzzPacket(), target);
      // A send on loopback completes without yielding to I/O; let the server read its queue (no timer)
      // so the fuzz exercises the handlers instead of overflowing a receive buffer.
      if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
    const received = new Map<UdpPeer, Datagram[]>();
    for (const fz of fuzzers) received.set(fz, await barrier(fz, h.port, `__barrier_${fz.port}__`));

    // Every name that reached the provider is normalised and inside the tree.
    for (const c of calls) {
      assert.deepEqual(normaliseRequestPath(c.filename), { ok: true, path: c.filename }, `provider saw ${JSON.stringify(c.filename)}`);
      assert.ok(!c.filename.split('/').includes('..') && !c.filename.startsWith('/') && !c.filename.includes('\\'));
    }
    assert.ok(calls.some((c) => c.filename === 'f5000.bin'), 'the fuzz reached the provider at least once');
    // Every DATA payload any fuzzer received is a piece of something the provider answered.
    let dataSeen = 0;
    for (const fz of fuzzers) {
      for (const d of received.get(fz) ?? []) {
        if (opcodeOf(d.msg) !== 3 || d.msg.length <= 4) continue;
        dataSeen++;
        const payload = d.msg.subarray(4);
        assert.ok(served.some((s) => s.includes(payload)), 'a DATA payload that no provider answer contains');
      }
    }
    t.diagnostic(`fuzz: ${calls.length} provider calls, ${dataSeen} DATA packets to fuzzers, stats ${JSON.stringify(h.server.stats())}`);
    const st = h.server.stats();
    assert.ok(st.malformed > 1000, `malformed ${st.malformed}`);
    assert.ok(st.unknownTid > 1000, `unknownTid ${st.unknownTid}`);

    // The held transfer is untouched: it completes byte-exact from ACK 0.
    const chunks: Buffer[] = [];
    await held.send(ack(0), tid);
    for (let block = 1; ; block++) {
      const d = await held.recv(3000, `held DATA ${block}`);
      assert.equal(d.rinfo.port, tid);
      assert.equal(opcodeOf(d.msg), 3);
      assert.equal(blockOf(d.msg), block);
      chunks.push(d.msg.subarray(4));
      await held.send(ack(block), tid);
      if (d.msg.length - 4 < 512) break;
    }
    assert.deepEqual(Buffer.concat(chunks), FILES.get('f5000.bin'));
    await h.ended(held.port, 'completed');

    // And new requests work, plain and negotiated.
    const q = await h.peer();
    assert.deepEqual((await tftpGet(q, h.port, 'f4096.bin')).data, FILES.get('f4096.bin'));
    const r = await tftpGet(q, h.port, 'f5000.bin', { options: { blksize: '1428', tsize: '0' } });
    assert.deepEqual(r.oack, { blksize: '1428', tsize: '5000' });
    assert.deepEqual(r.data, FILES.get('f5000.bin'));
  });
});
