// The DHCP server's socket layer on loopback, without root (test/integration/dhcp-netns.test.ts has
// the real LAN cases in namespaces): mode `off` binds nothing and a site change binds without a
// restart; INFORM over real UDP; a flood of malformed datagrams is counted and never stops the
// server (the `dhcp` package's D7: one bad datagram was an unhandled 'error' and the process died).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openCacheDb, type CacheDb } from '../../daemon/cache/index.js';
import { BOOTREQUEST, DHCP_MESSAGE, OPT, createDhcpServer, decodePacket, encodePacket, optionText, type DhcpServer } from '../../daemon/dhcp/index.js';
import { systemClock } from '../../shared/clock.js';
import type { SiteRecord } from '../../shared/sync/types.js';
import { UdpPeer } from '../helpers/udp.js';

const SERVER = '127.0.0.2';

function site(mode: 'off' | 'full' | 'known-only'): SiteRecord {
  return {
    id: 1, name: 'lo', timezone: 'UTC', ntp_server: SERVER, provision_mode: 'fqdn', fqdn: 'pbx.example.com', public_ip: null, edge_lan_ip: SERVER,
    edge_http_port: 8080, edge_https_port: null, edge_tftp_port: 69, sip_port: 5060, sip_transport: 'udp', rtp_port_min: 10000, rtp_port_max: 20000,
    provision_limit: 1, dhcp: { mode, pool_start: '127.0.0.100', pool_end: '127.0.0.150', router: null, dns: [], lease_time_s: 600 },
  };
}

function inform(xid: number, vendorClass = 'yealink'): Buffer {
  return encodePacket({
    op: BOOTREQUEST, xid, chaddr: '001565000001', ciaddr: '127.0.0.1',
    options: [[OPT.MESSAGE_TYPE, Buffer.from([DHCP_MESSAGE.INFORM])], [OPT.VENDOR_CLASS, Buffer.from(vendorClass)], [OPT.PARAMETER_LIST, Buffer.from([66, 160])]],
  })!;
}

describe('DHCP server sockets on loopback', { concurrency: false }, () => {
  let dir = '';
  let db: CacheDb;
  let peer: UdpPeer;
  let server: DhcpServer;
  let current = site('off');
  let port = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeprov-dhcp-lo-'));
    db = openCacheDb(join(dir, 'edge.db'));
    peer = await UdpPeer.open();
    server = createDhcpServer(
      { clientPort: peer.port, reconcileIntervalMs: 0 },
      { db, log: pino({ level: 'silent' }), clock: systemClock, site: () => current, knownMac: () => false },
    );
  });

  after(async () => {
    await server.close();
    await peer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('mode off binds nothing; turning it on binds without a restart; options are checked', async () => {
    assert.deepEqual(await server.listen({ address: SERVER, port: 0 }), { bound: false });
    assert.equal(server.stats().listening, false);
    current = site('full');
    const state = await server.reconcile();
    assert.equal(state.bound, true);
    port = state.port!;
    assert.ok(port > 0);
    assert.equal(server.stats().port, port);
    assert.throws(() => createDhcpServer({ offerTtlMs: 5 }, { db, log: pino({ level: 'silent' }), clock: systemClock, site: () => current, knownMac: () => false }), {
      code: 'CONFIG_INVALID',
    });
  });

  test('INFORM over UDP is answered at ciaddr with the vendor\'s options', async () => {
    await peer.send(inform(0x1001), port);
    // UdpPeer sends to 127.0.0.1; the server's own socket is on 127.0.0.2, so this arrived on the wildcard socket.
    const { msg, rinfo } = await peer.recv(3000, 'the INFORM answer');
    assert.equal(rinfo.address, SERVER, 'replies come from the server address');
    const r = decodePacket(msg);
    assert.ok(r.ok);
    assert.equal(r.packet.type, DHCP_MESSAGE.ACK);
    assert.equal(r.packet.xid, 0x1001);
    assert.equal(optionText(r.packet, 160), 'http://127.0.0.2:8080/');
    assert.equal(server.stats().informs, 1);
  });

  test('malformed datagrams are counted and dropped; the server keeps answering', async () => {
    const good = inform(1);
    const junk: Buffer[] = [Buffer.alloc(0), Buffer.from([1]), good.subarray(0, 239), Buffer.concat([good.subarray(0, 240), Buffer.from([53, 9, 1])])];
    let s = 99;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(good);
      for (let j = 0; j < 6; j++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        b[236 + (s % (b.length - 236))] = s >>> 24;
      }
      junk.push(b);
    }
    for (const b of junk) await peer.send(b, port);
    await peer.send(inform(0x2002), port);
    // Whatever the mutated datagrams were answered with, the last answer is the good INFORM's.
    for (;;) {
      const { msg } = await peer.recv(3000, 'the INFORM answer after the junk');
      const r = decodePacket(msg);
      if (r.ok && r.packet.xid === 0x2002) break;
    }
    const st = server.stats();
    assert.ok(st.malformed >= 4, `malformed ${st.malformed}`);
    assert.equal(st.errors, 0);
    assert.equal(st.received, 1 + junk.length + 1);
  });

  test('turning DHCP off unbinds; close() releases the port', async () => {
    current = site('off');
    assert.deepEqual(await server.reconcile(), { bound: false });
    current = site('full');
    const again = await server.reconcile();
    assert.equal(again.bound, true);
    await server.close();
    assert.equal(server.stats().listening, false);
    // The INFORMs' phone is unknown: its evidence, noted while serving, is written by close() at the latest.
    assert.equal(db.prepare(`SELECT vendor FROM dhcp_clients WHERE mac = '001565000001'`).pluck().get(), 'yealink');
    const reports = db.prepare(`SELECT data FROM outbox WHERE kind = 'unknown_device'`).pluck().all() as string[];
    assert.ok(reports.some((r) => (JSON.parse(r) as { mac: string }).mac === '001565000001'), 'the unknown_device event is in the outbox');
    const other = createDhcpServer({ clientPort: peer.port, reconcileIntervalMs: 0 }, { db, log: pino({ level: 'silent' }), clock: systemClock, site: () => current, knownMac: () => false });
    const state = await other.listen({ address: SERVER, port: again.port! });
    assert.equal(state.port, again.port);
    await other.close();
  });
});
