/**
 * The TFTP server's transfer-socket pool (`socketPool`, which the daemon turns on for boot storms):
 * a finished transfer's socket serves the next transfer instead of being closed and reopened. Each
 * transfer still has the socket to itself while it runs; a late datagram from a previous peer changes
 * nothing and is dropped unanswered (that peer's port may already carry its next request, waiting
 * for a first answer from any port: an ERROR 5 would fail it), while a true stranger still gets
 * ERROR 5; close() closes the idle sockets too. (A socket that failed, or a server closing, closes
 * its socket instead.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTftpServer, type TftpProvider } from '../../daemon/tftp/index.js';
import { LOOPBACK, UdpPeer, ack, logSink, parseError, tftpGet } from '../helpers/udp.js';

const FILE = Buffer.alloc(3000, 0x61);
const provider: TftpProvider = (req) => (req.filename === 'f.bin' ? { data: FILE } : { error: { code: 1, message: 'File not found' } });

test('a pooled socket serves the next transfer; the previous peer is dropped unanswered, a stranger gets ERROR 5', async () => {
  const sink = logSink('info');
  const server = createTftpServer({ socketPool: 4 }, { log: sink.log, provider });
  const { port } = await server.listen(0, LOOPBACK);
  const a = await UdpPeer.open();
  const b = await UdpPeer.open();
  const stranger = await UdpPeer.open();
  try {
    const first = await tftpGet(a, port, 'f.bin');
    assert.deepEqual(first.data, FILE);
    await sink.waitFor((r) => r.msg === 'tftp transfer' && r.outcome === 'completed', 3000, 'the first transfer to end');
    const second = await tftpGet(b, port, 'f.bin', {
      onBlock: async (block, tid) => {
        if (block !== 2) return;
        assert.equal(tid, first.tid, 'the same transfer port, taken from the pool');
        // The previous peer's late ACK reaches the reused socket: dropped, nothing changes. Had it
        // been answered, the ERROR would be queued on a's socket before the server's next DATA to b.
        await a.send(ack(6), tid);
        await stranger.send(ack(6), tid);
        assert.equal(parseError((await stranger.recv(3000, 'ERROR 5 for the stranger')).msg)?.code, 5);
      },
    });
    assert.deepEqual(second.data, FILE);
    assert.equal(second.dataPackets, second.blocks, 'one DATA per block: the stray ACKs drove nothing');
    assert.deepEqual(a.drain(), [], 'the former peer is not told: its port may carry its next request');
    const st = server.stats();
    assert.equal(st.socketsOpened, 1);
    assert.equal(st.unknownTid, 2);
    assert.equal(st.errorsSent[5], 1, 'one ERROR 5, for the stranger');
  } finally {
    await server.close();
    await a.close();
    await b.close();
    await stranger.close();
  }
});

test('after a timeout (a phone that vanished) the socket is reused; the vanished phone is not answered on it; close() frees idle sockets', async () => {
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
      },
    });
    assert.deepEqual(r.data, FILE);
    assert.equal(r.dataPackets, r.blocks, 'the late ACK drove nothing');
    assert.deepEqual(gone.drain(), [], 'and got no ERROR 5');
    assert.equal(server.stats().socketsOpened, 1);
  } finally {
    // Pooled sockets not closed here would keep this test file from ever finishing.
    await server.close();
    await gone.close();
    await next.close();
  }
  assert.equal(server.stats().active, 0);
});
