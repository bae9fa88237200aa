/**
 * The TFTP server's transfer-socket pool (`socketPool`, which the daemon turns on for boot storms):
 * a finished transfer's socket serves the next transfer instead of being closed and reopened. Each
 * transfer still has the socket to itself while it runs; a late datagram from the previous peer is a
 * stranger's (ERROR 5) and changes nothing; close() closes the idle sockets too. (A socket that
 * failed, or a server closing, closes its socket instead.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTftpServer, type TftpProvider } from '../../daemon/tftp/index.js';
import { LOOPBACK, UdpPeer, ack, logSink, parseError, tftpGet } from '../helpers/udp.js';

const FILE = Buffer.alloc(3000, 0x61);
const provider: TftpProvider = (req) => (req.filename === 'f.bin' ? { data: FILE } : { error: { code: 1, message: 'File not found' } });

test('a pooled socket serves the next transfer; the previous peer is a stranger to it', async () => {
  const sink = logSink('info');
  const server = createTftpServer({ socketPool: 4 }, { log: sink.log, provider });
  const { port } = await server.listen(0, LOOPBACK);
  const a = await UdpPeer.open();
  const b = await UdpPeer.open();
  try {
    const first = await tftpGet(a, port, 'f.bin');
    assert.deepEqual(first.data, FILE);
    await sink.waitFor((r) => r.msg === 'tftp transfer' && r.outcome === 'completed', 3000, 'the first transfer to end');
    const second = await tftpGet(b, port, 'f.bin', {
      onBlock: async (block, tid) => {
        if (block !== 2) return;
        assert.equal(tid, first.tid, 'the same transfer port, taken from the pool');
        // The previous peer's late ACK reaches the reused socket: ERROR 5 to it, nothing else changes.
        await a.send(ack(6), tid);
        const reply = await a.recv(3000, 'ERROR 5 for the stranger');
        assert.equal(parseError(reply.msg)?.code, 5);
      },
    });
    assert.deepEqual(second.data, FILE);
    assert.equal(second.dataPackets, second.blocks, 'one DATA per block: the stray ACK drove nothing');
    const st = server.stats();
    assert.equal(st.socketsOpened, 1);
    assert.equal(st.unknownTid, 1);
  } finally {
    await server.close();
    await a.close();
    await b.close();
  }
});

test('after a timeout (a phone that vanished) the socket is reused; the vanished phone is a stranger to it; close() frees idle sockets', async () => {
  const sink = logSink('info');
  const server = createTftpServer({ socketPool: 4, timeoutMs: 50, retries: 1 }, { log: sink.log, provider });
  const { port } = await server.listen(0, LOOPBACK);
  const gone = await UdpPeer.open();
  const next = await UdpPeer.open();
  try {
    const vanished = await tftpGet(gone, port, 'f.bin', { vanishAfterBlocks: 1 });
    await sink.waitFor((r) => r.msg === 'tftp transfer' && r.outcome === 'timeout', 3000, 'the timed-out transfer');
    gone.drain();
    const r = await tftpGet(next, port, 'f.bin', {
      onBlock: async (block, tid) => {
        if (block !== 1) return;
        assert.equal(tid, vanished.tid, 'the timed-out transfer handed its socket on');
        await gone.send(ack(1), tid);
        assert.equal(parseError((await gone.recv(3000, 'ERROR 5')).msg)?.code, 5);
      },
    });
    assert.deepEqual(r.data, FILE);
    assert.equal(server.stats().socketsOpened, 1);
  } finally {
    // Pooled sockets not closed here would keep this test file from ever finishing.
    await server.close();
    await gone.close();
    await next.close();
  }
  assert.equal(server.stats().active, 0);
});
