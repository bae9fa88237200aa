// The DHCP server's decisions without sockets: real SQLite (the edge cache's schema, in memory),
// real packets through the codec, only the clock faked. Each RFC 2131 case the `dhcp` package got
// wrong (reference/performance.md §2, D1–D5) has a test here; the same cases run over real sockets
// in test/integration/dhcp-netns.test.ts.
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { openCacheDb } from '../../daemon/cache/index.js';
import {
  BOOTREQUEST, BROADCAST_FLAG, DHCP_MESSAGE, OPT, buildPlan, createDhcpLogic, decodePacket, encodePacket, optionIp, optionText,
  timeOffsetSeconds, type Decision, type DhcpLogic, type DhcpLogicOptions, type DhcpPacket, type DhcpPlan,
} from '../../daemon/dhcp/index.js';
import { createLeaseStore, type LeaseRow } from '../../daemon/dhcp/leases.js';
import type { DhcpSettings } from '../../shared/domain.js';
import type { SiteRecord } from '../../shared/sync/types.js';

const SERVER = '10.0.0.2';
const YEALINK = '001565000001';
const YEALINK2 = '001565000002';
const CISCO = '00562b000001';
const POLY = '0004f2000001';
const PC = '02aabbcc0001';

class FakeClock {
  t = Date.parse('2026-01-15T12:00:00.000Z');
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

function site(dhcp: Partial<DhcpSettings> = {}, extra: Partial<SiteRecord> = {}): SiteRecord {
  return {
    id: 1, name: 'Branch', timezone: 'Europe/Berlin', ntp_server: '10.0.0.1', provision_mode: 'fqdn', fqdn: 'pbx.example.com',
    public_ip: null, edge_lan_ip: SERVER, edge_http_port: 80, edge_https_port: null, edge_tftp_port: 69, sip_port: 5060,
    sip_transport: 'udp', rtp_port_min: 10000, rtp_port_max: 20000, provision_limit: 1,
    dhcp: { mode: 'full', pool_start: '10.0.0.100', pool_end: '10.0.0.199', router: '10.0.0.1', dns: ['10.0.0.1', '9.9.9.9'], lease_time_s: 3600, ...dhcp },
    ...extra,
  };
}

interface Harness {
  db: Database.Database;
  clock: FakeClock;
  logic: DhcpLogic;
  plan: DhcpPlan;
  known: Set<string>;
  send(type: number, mac: string, o?: ClientOpts): Decision;
  reply(d: Decision): DhcpPacket;
  outbox(kind?: string): Array<Record<string, unknown>>;
  /** A fresh logic on the same database (a restart). */
  restart(options?: DhcpLogicOptions): void;
  setSite(s: SiteRecord): void;
}

interface ClientOpts {
  xid?: number;
  ciaddr?: string;
  giaddr?: string;
  flags?: number;
  requested?: string;
  serverId?: string;
  params?: number[];
  vendorClass?: string | Buffer;
  hostname?: string;
  source?: string;
  extra?: Array<[number, Buffer]>;
}

const ip = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

function harness(s: SiteRecord = site(), options: DhcpLogicOptions = {}): Harness {
  const db = openCacheDb(':memory:');
  const clock = new FakeClock();
  const known = new Set<string>();
  let plan = buildPlan(s, SERVER)!;
  let xid = 1;
  const make = (o: DhcpLogicOptions): DhcpLogic => createDhcpLogic(o, { db, clock, knownMac: (m) => known.has(m) });
  const h: Harness = {
    db, clock, known, plan,
    logic: make(options),
    send(type, mac, o = {}) {
      const opts: Array<[number, Buffer]> = [[OPT.MESSAGE_TYPE, Buffer.from([type])]];
      if (o.requested) opts.push([OPT.REQUESTED_IP, ip(o.requested)]);
      if (o.serverId) opts.push([OPT.SERVER_ID, ip(o.serverId)]);
      if (o.params) opts.push([OPT.PARAMETER_LIST, Buffer.from(o.params)]);
      if (o.vendorClass) opts.push([OPT.VENDOR_CLASS, typeof o.vendorClass === 'string' ? Buffer.from(o.vendorClass) : o.vendorClass]);
      if (o.hostname) opts.push([OPT.HOSTNAME, Buffer.from(o.hostname)]);
      opts.push(...(o.extra ?? []));
      const bytes = encodePacket({
        op: BOOTREQUEST, xid: o.xid ?? xid++, chaddr: mac, flags: o.flags ?? 0, ciaddr: o.ciaddr ?? '0.0.0.0', giaddr: o.giaddr ?? '0.0.0.0', options: opts,
      })!;
      const r = decodePacket(bytes);
      assert.ok(r.ok);
      return h.logic.handle({ packet: r.packet, source: { address: o.source ?? o.ciaddr ?? '0.0.0.0', port: 68 } }, plan);
    },
    reply(d) {
      assert.ok(d.reply, `expected a reply, got ${d.outcome} (${d.reason ?? ''})`);
      const r = decodePacket(d.reply.bytes);
      assert.ok(r.ok);
      return r.packet;
    },
    outbox(kind) {
      const rows = db.prepare(`SELECT kind, data FROM outbox ORDER BY id`).all() as Array<{ kind: string; data: string }>;
      return rows.filter((r) => kind === undefined || r.kind === kind).map((r) => JSON.parse(r.data) as Record<string, unknown>);
    },
    restart(o = options) {
      h.logic = make(o);
    },
    setSite(next) {
      plan = buildPlan(next, SERVER)!;
      h.plan = plan;
    },
  };
  return h;
}

/** DISCOVER → OFFER → REQUEST → ACK; returns the address. */
function dora(h: Harness, mac: string, o: ClientOpts = {}): string {
  const offer = h.send(DHCP_MESSAGE.DISCOVER, mac, o);
  assert.equal(offer.outcome, 'offer', offer.reason);
  const ack = h.send(DHCP_MESSAGE.REQUEST, mac, { ...o, requested: offer.ip!, serverId: SERVER });
  assert.equal(ack.outcome, 'ack', ack.reason);
  assert.equal(ack.ip, offer.ip);
  return ack.ip!;
}

const type = (p: DhcpPacket): number => p.type;
const codes = (p: DhcpPacket): number[] => [...p.options.keys()];

describe('DISCOVER → OFFER → REQUEST → ACK', () => {
  test('an OFFER carries the address, server id, lease times, mask, router, DNS; the ACK binds it', () => {
    const h = harness();
    const d = h.send(DHCP_MESSAGE.DISCOVER, PC, { flags: BROADCAST_FLAG });
    const p = h.reply(d);
    assert.equal(type(p), DHCP_MESSAGE.OFFER);
    assert.equal(p.yiaddr, '10.0.0.100');
    assert.equal(p.siaddr, SERVER);
    assert.equal(optionIp(p, OPT.SERVER_ID), SERVER);
    assert.equal(optionIp(p, OPT.SUBNET_MASK), '255.255.255.0');
    assert.equal(optionIp(p, OPT.ROUTER), '10.0.0.1');
    assert.deepEqual([...p.options.get(OPT.DNS)!], [10, 0, 0, 1, 9, 9, 9, 9]);
    assert.equal(p.options.get(OPT.LEASE_TIME)!.readUInt32BE(0), 3600);
    assert.equal(p.options.get(OPT.RENEWAL_TIME)!.readUInt32BE(0), 1800);
    assert.equal(p.options.get(OPT.REBINDING_TIME)!.readUInt32BE(0), 3150);
    assert.deepEqual(codes(p).slice(0, 2), [OPT.MESSAGE_TYPE, OPT.SERVER_ID]);
    assert.deepEqual(d.reply!.to, { address: '255.255.255.255', port: 68, broadcast: true });
    assert.equal(h.logic.leaseOwner('10.0.0.100'), undefined, 'an offer is no lease');

    const ack = h.send(DHCP_MESSAGE.REQUEST, PC, { requested: '10.0.0.100', serverId: SERVER, flags: BROADCAST_FLAG });
    const a = h.reply(ack);
    assert.equal(type(a), DHCP_MESSAGE.ACK);
    assert.equal(a.yiaddr, '10.0.0.100');
    assert.equal(h.logic.leaseOwner('10.0.0.100'), PC);
    assert.deepEqual(h.outbox('lease').map((e) => [e.event, e.mac, e.ip]), [['granted', PC, '10.0.0.100']]);
  });

  test('a repeated DISCOVER gets the same address; 200 concurrent DISCOVERs get 200 different ones and every REQUEST is ACKed (no NAK storm)', () => {
    const h = harness(site({ pool_start: '10.0.0.10', pool_end: '10.0.0.250' }));
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).ip, h.send(DHCP_MESSAGE.DISCOVER, PC).ip);
    const macs = Array.from({ length: 200 }, (_, i) => `00156510${i.toString(16).padStart(4, '0')}`);
    const offers = macs.map((m) => h.send(DHCP_MESSAGE.DISCOVER, m));
    const ips = offers.map((o) => o.ip);
    assert.equal(new Set(ips).size, 200);
    assert.ok(!ips.includes('10.0.0.2') && !ips.includes('10.0.0.1'), 'never the server or router address');
    const acks = macs.map((m, i) => h.send(DHCP_MESSAGE.REQUEST, m, { requested: ips[i]!, serverId: SERVER }));
    assert.deepEqual(new Set(acks.map((a) => a.outcome)), new Set(['ack']));
  });

  test('an offer is held for offerTtlMs only: then another client may get it', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.101' }), { offerTtlMs: 30_000 });
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK).ip, '10.0.0.100');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK2).ip, '10.0.0.101');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).outcome, 'pool-exhausted');
    h.clock.advance(30_001);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).ip, '10.0.0.100', 'the offer free longest');
  });

  test('when never-used addresses run out: holes, addresses whose offer expired unused, released leases', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.104' }), { offerTtlMs: 10_000 });
    // 102 taken out of order (option 50): the never-used mark goes on above it, 100 and 101 are holes.
    assert.equal(dora(h, YEALINK, { requested: '10.0.0.102' }), '10.0.0.102');
    assert.equal(dora(h, YEALINK2), '10.0.0.103');
    assert.equal(dora(h, CISCO), '10.0.0.104');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, POLY).ip, '10.0.0.100', 'a hole, offered and then left unused');
    assert.equal(dora(h, PC), '10.0.0.101', 'the next hole (100 is held by its offer)');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0002').outcome, 'pool-exhausted');
    h.clock.advance(10_001);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0002').ip, '10.0.0.100', 'the offer expired unused');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0003').outcome, 'pool-exhausted');
    h.send(DHCP_MESSAGE.RELEASE, CISCO, { ciaddr: '10.0.0.104', serverId: SERVER });
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0003').ip, '10.0.0.104', 'a released lease');
    assert.deepEqual(h.logic.poolUse(h.plan), { size: 5, used: 5 });
  });

  test('DISCOVER with option 50 gets the address it asks for when free', () => {
    const h = harness();
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC, { requested: '10.0.0.150' }).ip, '10.0.0.150');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK, { requested: '10.0.0.150' }).ip, '10.0.0.100', 'held for the first client');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK2, { requested: '10.0.0.50' }).ip, '10.0.0.101', 'outside the pool: not given');
    // Bound above the never-used mark, 10.0.0.150 leaves a hole that is reached once the mark hits the end.
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, PC, { requested: '10.0.0.150', serverId: SERVER }).outcome, 'ack');
  });
});

describe('RFC 2131 REQUEST semantics (D4)', () => {
  test('REQUEST for another server → silent, and our offer is freed at once', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.100' }));
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK).ip, '10.0.0.100');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).outcome, 'pool-exhausted');
    const d = h.send(DHCP_MESSAGE.REQUEST, YEALINK, { requested: '10.0.0.100', serverId: '10.0.0.99' });
    assert.equal(d.outcome, 'not-for-us');
    assert.equal(d.reply, undefined);
    assert.equal(h.logic.leaseOwner('10.0.0.100'), undefined);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).ip, '10.0.0.100');
  });

  test('INIT-REBOOT for an address never leased → NAK (broadcast, 53/54/56 only); for its own lease → ACK', () => {
    const h = harness();
    const d = h.send(DHCP_MESSAGE.REQUEST, YEALINK, { requested: '10.0.0.120' });
    const p = h.reply(d);
    assert.equal(type(p), DHCP_MESSAGE.NAK);
    assert.equal(p.yiaddr, '0.0.0.0');
    assert.deepEqual(codes(p), [OPT.MESSAGE_TYPE, OPT.SERVER_ID, OPT.MESSAGE]);
    assert.equal(d.reply!.to.address, '255.255.255.255');
    const mine = dora(h, YEALINK);
    const again = h.send(DHCP_MESSAGE.REQUEST, YEALINK, { requested: mine });
    assert.equal(again.outcome, 'ack');
    assert.equal(h.reply(again).yiaddr, mine);
    // Another client's address, and an address on another network.
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { requested: mine }).outcome, 'nak');
    const wrong = h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { requested: '192.168.1.50' });
    assert.equal(wrong.outcome, 'nak');
    assert.equal(wrong.reason, 'wrong network');
  });

  test('not authoritative: INIT-REBOOT from a client without a record is silent', () => {
    const h = harness(site(), { authoritative: false });
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK, { requested: '10.0.0.120' }).outcome, 'silent');
  });

  test('SELECTING for us with an address held by another client → NAK', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { requested: a, serverId: SERVER }).outcome, 'nak');
  });

  test('RENEWING (unicast) → ACK to ciaddr:68 with the lease extended; REBINDING for another client\'s address → NAK', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    h.clock.advance(1_800_000);
    const d = h.send(DHCP_MESSAGE.REQUEST, YEALINK, { ciaddr: a });
    assert.equal(d.outcome, 'ack');
    assert.equal(d.reason, 'renewing');
    assert.deepEqual(d.reply!.to, { address: a, port: 68, broadcast: false });
    const p = h.reply(d);
    assert.equal(p.ciaddr, a);
    assert.equal(p.yiaddr, a);
    h.clock.advance(3_000_000);
    assert.equal(h.logic.leaseOwner(a), YEALINK, 'extended by the renewal');
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { ciaddr: a, source: '0.0.0.0' }).outcome, 'nak');
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { ciaddr: '172.16.0.5' }).outcome, 'silent', 'not our network');
  });

  test('an expired lease is no longer owned, but the client gets its address back', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    h.clock.advance(3_600_001);
    assert.equal(h.logic.leaseOwner(a), undefined);
    dora(h, PC);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK).ip, a);
  });
});

describe('DECLINE, RELEASE, INFORM (D4)', () => {
  test('DECLINE quarantines the address: nobody is offered it until the quarantine ends', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.102' }), { declineQuarantineMs: 600_000 });
    const a = dora(h, YEALINK);
    const d = h.send(DHCP_MESSAGE.DECLINE, YEALINK, { requested: a, serverId: SERVER });
    assert.equal(d.outcome, 'declined');
    assert.equal(d.reply, undefined);
    assert.equal(h.logic.leaseOwner(a), undefined);
    assert.notEqual(dora(h, YEALINK), a);
    assert.notEqual(dora(h, YEALINK2), a);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).outcome, 'pool-exhausted', 'the declined address is not in the pool');
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, PC, { requested: a }).outcome, 'nak');
    h.clock.advance(600_001);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).ip, a);
    assert.deepEqual(h.outbox('lease').map((e) => e.event), ['granted', 'declined', 'granted', 'granted']);
  });

  test('a DECLINE or RELEASE for an address that is not the client\'s changes nothing', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    assert.equal(h.send(DHCP_MESSAGE.DECLINE, PC, { requested: a, serverId: SERVER }).outcome, 'silent');
    assert.equal(h.send(DHCP_MESSAGE.RELEASE, PC, { ciaddr: a, serverId: SERVER }).outcome, 'silent');
    assert.equal(h.send(DHCP_MESSAGE.RELEASE, YEALINK, { ciaddr: a, serverId: '10.0.0.99' }).outcome, 'not-for-us');
    assert.equal(h.logic.leaseOwner(a), YEALINK);
  });

  test('RELEASE frees the address at once; the client gets it back later', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.101' }));
    const a = dora(h, YEALINK);
    assert.equal(h.send(DHCP_MESSAGE.RELEASE, YEALINK, { ciaddr: a, serverId: SERVER }).outcome, 'released');
    assert.equal(h.logic.leaseOwner(a), undefined);
    assert.equal(dora(h, YEALINK), a);
    assert.deepEqual(h.outbox('lease').map((e) => e.event), ['granted', 'released', 'granted']);
  });

  test('INFORM: options without a lease (no 51/58/59, yiaddr 0), to ciaddr', () => {
    const h = harness();
    const d = h.send(DHCP_MESSAGE.INFORM, POLY, { ciaddr: '10.0.0.50', params: [66, 160] });
    assert.equal(d.outcome, 'inform');
    const p = h.reply(d);
    assert.equal(type(p), DHCP_MESSAGE.ACK);
    assert.equal(p.yiaddr, '0.0.0.0');
    assert.equal(p.ciaddr, '10.0.0.50');
    for (const c of [OPT.LEASE_TIME, OPT.RENEWAL_TIME, OPT.REBINDING_TIME]) assert.equal(p.options.has(c), false);
    assert.equal(optionText(p, 160), 'http://10.0.0.2/');
    assert.deepEqual(d.reply!.to, { address: '10.0.0.50', port: 68, broadcast: false });
    assert.equal(h.logic.leaseOwner('10.0.0.50'), undefined);
  });
});

describe('relay and reply destinations (D5)', () => {
  const relayed = site({ relay_pools: [{ pool_start: '10.99.5.100', pool_end: '10.99.5.200', router: '10.99.5.1' }] });

  test('a relayed DISCOVER is served from the pool holding giaddr, answered to the relay on port 67, option 82 echoed', () => {
    const h = harness(relayed);
    const agent = Buffer.from([1, 4, 0, 0, 0, 7]);
    const d = h.send(DHCP_MESSAGE.DISCOVER, YEALINK, { giaddr: '10.99.5.1', extra: [[OPT.RELAY_AGENT, agent]] });
    assert.equal(d.ip, '10.99.5.100');
    assert.deepEqual(d.reply!.to, { address: '10.99.5.1', port: 67, broadcast: false });
    const p = h.reply(d);
    assert.equal(p.giaddr, '10.99.5.1');
    assert.equal(optionIp(p, OPT.ROUTER), '10.99.5.1');
    assert.deepEqual(p.options.get(OPT.RELAY_AGENT), agent);
    assert.deepEqual(codes(p).at(-1), OPT.RELAY_AGENT);
    // A NAK through a relay asks it to broadcast.
    const nak = h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { giaddr: '10.99.5.1', requested: '10.99.5.150' });
    assert.equal(nak.outcome, 'nak');
    assert.equal(h.reply(nak).flags & BROADCAST_FLAG, BROADCAST_FLAG);
    assert.equal(nak.reply!.to.address, '10.99.5.1');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC, { giaddr: '172.16.1.1' }).outcome, 'no-pool');
  });

  test('without giaddr: the broadcast flag or no ciaddr → broadcast; ciaddr → unicast', () => {
    const h = harness();
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC, { flags: BROADCAST_FLAG }).reply!.to.broadcast, true);
    // A client without an address cannot be unicast without an ARP entry: broadcast (RFC 2131 allows it).
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).reply!.to.broadcast, true);
    const a = dora(h, PC);
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, PC, { ciaddr: a, flags: BROADCAST_FLAG, source: '0.0.0.0' }).reply!.to.address, a);
  });
});

describe('options per vendor profile', () => {
  test('Yealink (option 60): 66 and 160 as URLs, 42 NTP, 2 time offset — without asking', () => {
    const h = harness();
    const p = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { vendorClass: 'yealink' }));
    assert.equal(optionText(p, OPT.TFTP_SERVER), 'http://10.0.0.2/');
    assert.equal(optionText(p, 160), 'http://10.0.0.2/');
    assert.deepEqual([...p.options.get(OPT.NTP)!], [10, 0, 0, 1]);
    assert.equal(p.options.get(OPT.TIME_OFFSET)!.readInt32BE(0), 3600, 'Berlin in January');
    assert.equal(p.options.has(150), false);
  });

  test('Cisco (OUI): 66 a bare host (TFTP) and 150 the address list; enterprise class the same', () => {
    const h = harness();
    const p = h.reply(h.send(DHCP_MESSAGE.DISCOVER, CISCO));
    assert.equal(optionText(p, OPT.TFTP_SERVER), '10.0.0.2');
    assert.equal(optionIp(p, 150), '10.0.0.2');
    const sep = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { vendorClass: 'Cisco Systems, Inc. IP Phone CP-7965G\0' }));
    assert.equal(optionIp(sep, 150), '10.0.0.2');
  });

  test('Poly (OUI or binary option 60): 160 and 66; Mitel: 43 sub-options 2 (URL) and 3 (RCS off); Gigaset: 114', () => {
    const h = harness();
    const p = h.reply(h.send(DHCP_MESSAGE.DISCOVER, POLY));
    assert.equal(optionText(p, 160), 'http://10.0.0.2/');
    assert.equal(optionText(p, OPT.TFTP_SERVER), 'http://10.0.0.2/');
    const polyClass = Buffer.concat([Buffer.from([0, 0, 0x36, 0x3d, 20, 1, 7]), Buffer.from('Polycom'), Buffer.from([2, 9]), Buffer.from('VVX-VVX_4'), Buffer.from([0xff])]);
    const d = h.send(DHCP_MESSAGE.DISCOVER, PC, { vendorClass: polyClass });
    assert.equal(d.vendor, 'poly');
    const m = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { vendorClass: 'AastraIPPhone6867i' }));
    const url = Buffer.from('http://10.0.0.2/');
    assert.deepEqual(m.options.get(OPT.VENDOR_SPECIFIC), Buffer.concat([Buffer.from([2, url.length]), url, Buffer.from([3, 1, 0])]));
    const g = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { vendorClass: 'Gigaset_N720_DM_PRO' }));
    assert.equal(optionText(g, 114), 'http://10.0.0.2/');
  });

  test('an unknown client gets 66/150 only when it asks (option 55), in the order it asks', () => {
    const h = harness();
    const plain = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC));
    assert.equal(plain.options.has(OPT.TFTP_SERVER), false);
    assert.equal(plain.options.has(150), false);
    const asked = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { params: [150, 66, 3, 1, 42, 2, 101] }));
    assert.deepEqual(codes(asked).slice(0, 9), [OPT.MESSAGE_TYPE, OPT.SERVER_ID, 150, 66, 3, 1, 42, 2, 101]);
    assert.equal(optionText(asked, OPT.TFTP_SERVER), '10.0.0.2');
    assert.equal(optionText(asked, 101), 'Europe/Berlin');
  });

  test('site-wide and per-vendor overrides; "" suppresses; edge_http_port in URLs', () => {
    const h = harness(
      site(
        { options: { '66': 'tftp.example.com', '42': '10.0.0.9,10.0.0.10', '15': '' }, vendor_options: { yealink: { '66': 'https://prov.example.com/y/', '161': 'hex:0102' } }, domain_name: 'voice.lan' },
        { edge_http_port: 8080 },
      ),
    );
    const y = h.reply(h.send(DHCP_MESSAGE.DISCOVER, YEALINK));
    assert.equal(optionText(y, OPT.TFTP_SERVER), 'https://prov.example.com/y/');
    assert.equal(optionText(y, 160), 'http://10.0.0.2:8080/');
    assert.deepEqual([...y.options.get(161)!], [1, 2]);
    assert.deepEqual([...y.options.get(OPT.NTP)!], [10, 0, 0, 9, 10, 0, 0, 10]);
    assert.equal(y.options.has(OPT.DOMAIN_NAME), false, '"" sends nothing');
    const pc = h.reply(h.send(DHCP_MESSAGE.DISCOVER, PC, { params: [66] }));
    assert.equal(optionText(pc, OPT.TFTP_SERVER), 'tftp.example.com');
  });

  test('a reply never exceeds the client\'s maximum message size', () => {
    const h = harness(site({ options: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [String(200 + i), 'x'.repeat(60)])) }));
    const params = Array.from({ length: 12 }, (_, i) => 200 + i);
    const d = h.send(DHCP_MESSAGE.DISCOVER, PC, { params });
    assert.ok(d.reply!.bytes.length <= 548, `${d.reply!.bytes.length} bytes`);
    const p = h.reply(d);
    assert.equal(type(p), DHCP_MESSAGE.OFFER);
    assert.ok(p.options.has(200), 'the first asked-for options are kept');
  });

  test('time offset follows daylight saving time', () => {
    assert.equal(timeOffsetSeconds('Europe/Berlin', new Date('2026-01-15T12:00:00Z')), 3600);
    assert.equal(timeOffsetSeconds('Europe/Berlin', new Date('2026-07-15T12:00:00Z')), 7200);
    assert.equal(timeOffsetSeconds('America/New_York', new Date('2026-01-15T12:00:00Z')), -18000);
    assert.equal(timeOffsetSeconds('Asia/Kolkata', new Date('2026-01-15T12:00:00Z')), 19800);
    assert.equal(timeOffsetSeconds('No/Such_Zone', new Date()), 0);
  });
});

describe('modes and reservations', () => {
  test('known-only answers known MACs, phone OUIs, phone vendor classes and reservations, and ignores PCs', () => {
    const h = harness(site({ mode: 'known-only', reservations: [{ mac: '02:aa:bb:cc:00:09', ip: '10.0.0.50' }] }));
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).outcome, 'ignored');
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, PC, { requested: '10.0.0.120' }).outcome, 'ignored', 'no NAK for a PC');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK).outcome, 'offer');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0002', { vendorClass: 'snomD785' }).outcome, 'offer');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, '02aabbcc0009').ip, '10.0.0.50');
    h.known.add(PC);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, PC).outcome, 'offer');
  });

  test('a reservation (even outside the pool) goes to its MAC only, with option 12', () => {
    const h = harness(site({ reservations: [{ mac: '00-15-65-00-00-01', ip: '10.0.0.50', hostname: 'lobby' }, { mac: PC, ip: '10.0.0.100' }] }));
    const d = h.send(DHCP_MESSAGE.DISCOVER, YEALINK);
    assert.equal(d.ip, '10.0.0.50');
    assert.equal(optionText(h.reply(d), OPT.HOSTNAME), 'lobby');
    assert.equal(dora(h, YEALINK), '10.0.0.50');
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK2).ip, '10.0.0.101', '10.0.0.100 is kept for its MAC');
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK2, { requested: '10.0.0.100', serverId: SERVER }).outcome, 'nak');
  });

  test('a reservation added later moves the client at its next renewal', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    h.setSite(site({ reservations: [{ mac: YEALINK, ip: '10.0.0.60' }] }));
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK, { ciaddr: a }).outcome, 'nak');
    assert.equal(dora(h, YEALINK), '10.0.0.60');
  });
});

describe('pool exhaustion (D1), restart (D2), allocation cost (D3)', () => {
  test('a full pool answers no OFFER and keeps running; a freed address goes to the next client', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.104' }));
    const macs = Array.from({ length: 5 }, (_, i) => `0015650100${i.toString(16).padStart(2, '0')}`);
    const ips = macs.map((m) => dora(h, m));
    assert.equal(new Set(ips).size, 5);
    for (let i = 0; i < 100; i++) {
      const d = h.send(DHCP_MESSAGE.DISCOVER, `02000000${i.toString(16).padStart(4, '0')}`);
      assert.equal(d.outcome, 'pool-exhausted');
      assert.equal(d.reply, undefined);
    }
    assert.deepEqual(h.logic.poolUse(h.plan), { size: 5, used: 5 });
    h.send(DHCP_MESSAGE.RELEASE, macs[2]!, { ciaddr: ips[2]!, serverId: SERVER });
    assert.equal(dora(h, PC), ips[2]);
  });

  test('a DISCOVER flood (random MACs, no REQUEST) pins the pool only for the offer TTL, and stays cheap', () => {
    const h = harness(site({ pool_start: '10.0.0.100', pool_end: '10.0.0.149' }), { offerTtlMs: 5_000 });
    const started = performance.now();
    let offered = 0;
    for (let i = 0; i < 5000; i++) {
      if (h.send(DHCP_MESSAGE.DISCOVER, `02ffff${i.toString(16).padStart(6, '0')}`).outcome === 'offer') offered++;
    }
    assert.equal(offered, 50);
    assert.equal(h.send(DHCP_MESSAGE.DISCOVER, YEALINK).outcome, 'pool-exhausted');
    h.clock.advance(5_001);
    assert.match(dora(h, YEALINK), /^10\.0\.0\.1[0-4]\d$/, 'an address whose offer expired unused');
    const ms = performance.now() - started;
    assert.ok(ms < 3000, `${ms.toFixed(0)} ms for 5000 DISCOVERs on a full pool`);
  });

  test('a restart keeps every lease: the phone gets its address back, nobody else does', () => {
    const h = harness();
    const a = dora(h, YEALINK);
    h.restart();
    const b = dora(h, YEALINK2);
    assert.notEqual(b, a);
    assert.equal(h.send(DHCP_MESSAGE.REQUEST, YEALINK, { requested: a }).outcome, 'ack');
    assert.equal(h.logic.leaseOwner(a), YEALINK);
  });

  test('with 20 000 leases a new phone costs an index probe, not a scan (the package took 236 ms)', () => {
    const h = harness(site({ pool_start: '10.1.0.1', pool_end: '10.1.255.250', subnet_mask: '255.255.0.0', router: '10.1.255.254' }, { edge_lan_ip: '10.1.255.253' }));
    const base = 0x0a010001;
    const insert = h.db.prepare(`INSERT INTO dhcp_leases(ip, mac, state, expires_at, updated_at) VALUES (?, ?, 'bound', ?, ?)`);
    h.db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(base + i, `0015658${i.toString(16).padStart(5, '0')}`, h.clock.t + 3_600_000, h.clock.t);
    })();
    const SERVER2 = '10.1.255.253';
    h.plan.serverIp = 0x0a01fffd;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      const mac = `0015659${i.toString(16).padStart(5, '0')}`;
      const d = h.send(DHCP_MESSAGE.DISCOVER, mac);
      assert.equal(d.outcome, 'offer');
      assert.equal(h.send(DHCP_MESSAGE.REQUEST, mac, { requested: d.ip!, serverId: SERVER2 }).outcome, 'ack');
    }
    const perPhone = (performance.now() - started) / 1000;
    assert.ok(perPhone < 5, `${perPhone.toFixed(3)} ms per new phone at 20 000 leases`);
  });
});

describe('DHCP evidence', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  test('unchanged evidence is reported again only once unknownReportIntervalMs has passed since the last report', () => {
    h.restart({ unknownReportIntervalMs: 3_600_000 });
    const ask = { vendorClass: 'yealink', params: [1, 3, 66], hostname: 'SIP-T46S' };
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, ask);
    assert.equal(h.outbox('unknown_device').length, 1);
    const firstSeen = h.outbox('unknown_device')[0]!.first_seen;
    // Past the in-memory period, so the evidence is written again, but within the report interval.
    h.clock.advance(30 * 60_000);
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, ask);
    assert.equal(h.outbox('unknown_device').length, 1, 'same evidence within the interval: not reported');
    const row = h.db.prepare(`SELECT first_seen, last_seen, reported_at FROM dhcp_clients WHERE mac = ?`).get(YEALINK) as Record<string, string>;
    assert.equal(row.reported_at, row.first_seen, 'the report time is the first report');
    assert.notEqual(row.last_seen, row.first_seen, 'the evidence was written again');
    h.clock.advance(30 * 60_000);
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, ask);
    const events = h.outbox('unknown_device');
    assert.equal(events.length, 2, 'an hour after the last report: reported again');
    assert.equal(events[1]!.first_seen, firstSeen);
    assert.notEqual(events[1]!.at, firstSeen);
  });

  test('an unknown phone is reported once (deduplicated), again when its evidence changes; PCs and known phones never', () => {
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, { vendorClass: 'yealink', params: [1, 3, 66], hostname: 'SIP-T46S' });
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, { vendorClass: 'yealink', params: [1, 3, 66], hostname: 'SIP-T46S' });
    h.send(DHCP_MESSAGE.REQUEST, YEALINK, { vendorClass: 'yealink', params: [1, 3, 66], hostname: 'SIP-T46S', requested: '10.0.0.100', serverId: SERVER });
    let events = h.outbox('unknown_device');
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.evidence, {
      protocol: 'dhcp', dhcp_vendor_class: 'yealink', dhcp_params: '1,3,66', hostname: 'SIP-T46S', vendor_guess: 'yealink', oui_vendor: 'yealink',
    });
    assert.equal(events[0]!.mac, YEALINK);
    h.clock.advance(61_000);
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK, { vendorClass: 'yealink', params: [1, 3, 66], hostname: 'lobby' });
    events = h.outbox('unknown_device');
    assert.equal(events.length, 2);
    h.send(DHCP_MESSAGE.DISCOVER, PC, { hostname: 'laptop' });
    h.known.add(YEALINK2);
    h.send(DHCP_MESSAGE.DISCOVER, YEALINK2);
    assert.equal(h.outbox('unknown_device').length, 2);
    const row = h.db.prepare(`SELECT vendor, params, hostname FROM dhcp_clients WHERE mac = ?`).get(YEALINK);
    assert.deepEqual({ ...(row as object) }, { vendor: 'yealink', params: '1,3,66', hostname: 'lobby' });
    assert.equal(h.db.prepare(`SELECT count(*) FROM dhcp_clients WHERE mac IN (?, ?)`).pluck().get(PC, YEALINK2), 0, 'PCs and known phones: evidence on the lease only');
  });

  test('leaseInfo gives the lease with the client\'s option 60', () => {
    const a = dora(h, PC, { vendorClass: 'Fanvil X4U', params: [1, 3, 66, 43] });
    const info = h.logic.leaseInfo(a)!;
    assert.equal(info.mac, PC);
    assert.equal(info.vendorClass!.toString(), 'Fanvil X4U');
    assert.equal(info.params, '1,3,66,43');
    assert.equal(h.logic.leaseInfo('10.0.0.250'), undefined);
  });
});

describe('group commit (handleBatch)', () => {
  test('a batch is decided in order and committed together; a request that throws costs only itself', () => {
    const h = harness();
    // knownMac is the logic's one call out of it: a cache that fails for this MAC.
    const logic = createDhcpLogic({}, {
      db: h.db, clock: h.clock,
      knownMac: (m) => {
        if (m === CISCO) throw new Error('cache unreadable');
        return false;
      },
    });
    const inbound = (t: number, mac: string, o: { requested?: string } = {}) => {
      const opts: Array<[number, Buffer]> = [[OPT.MESSAGE_TYPE, Buffer.from([t])]];
      if (o.requested) opts.push([OPT.REQUESTED_IP, ip(o.requested)], [OPT.SERVER_ID, ip(SERVER)]);
      const r = decodePacket(encodePacket({ op: BOOTREQUEST, xid: 7, chaddr: mac, options: opts })!);
      assert.ok(r.ok);
      return { packet: r.packet, source: { address: '0.0.0.0', port: 68 } };
    };
    const offers = logic.handleBatch([inbound(DHCP_MESSAGE.DISCOVER, YEALINK), inbound(DHCP_MESSAGE.DISCOVER, CISCO), inbound(DHCP_MESSAGE.DISCOVER, POLY)], h.plan);
    assert.equal(offers.length, 3);
    assert.ok(offers[1] instanceof Error && offers[1].message === 'cache unreadable');
    const [a, b] = [offers[0], offers[2]] as Decision[];
    assert.equal(a!.outcome, 'offer');
    assert.equal(b!.outcome, 'offer');
    assert.notEqual(a!.ip, b!.ip);
    // The batch was rolled back and decided again one by one: the others' evidence is still noted,
    // and written (only) by flushEvidence, in a transaction of its own.
    assert.equal(h.db.prepare(`SELECT count(*) FROM dhcp_clients`).pluck().get(), 0, 'evidence is not written by the group commit');
    assert.equal(logic.evidencePending, 2);
    logic.flushEvidence();
    assert.equal(logic.evidencePending, 0);
    const evidence = h.db.prepare(`SELECT mac FROM dhcp_clients ORDER BY mac`).pluck().all();
    assert.deepEqual(evidence, [POLY, YEALINK]);
    assert.equal(h.outbox('unknown_device').length, 2);

    const acks = logic.handleBatch([inbound(DHCP_MESSAGE.REQUEST, YEALINK, { requested: a!.ip! }), inbound(DHCP_MESSAGE.REQUEST, POLY, { requested: b!.ip! })], h.plan);
    assert.deepEqual(acks.map((d) => (d instanceof Error ? d.message : d.outcome)), ['ack', 'ack']);
    const rows = h.db.prepare(`SELECT mac, state FROM dhcp_leases ORDER BY ip`).all();
    assert.deepEqual(rows.map((r) => ({ ...(r as object) })), [{ mac: YEALINK, state: 'bound' }, { mac: POLY, state: 'bound' }]);
    assert.equal(h.outbox('lease').length, 2);
    assert.equal(h.db.inTransaction, false);
  });
});

describe('lease store: a MAC\'s rows through its map in memory', () => {
  const row = (ip: number, mac: string, o: Partial<LeaseRow> = {}): LeaseRow => ({
    ip, mac, state: 'bound', expires_at: 2_000, updated_at: 1_000, hostname: null, vendor_class: null, client_id: null, params: null, ...o,
  });

  test('a new store finds the rows already in the table; the newest non-declined row is the MAC\'s; releaseOthers ends the rest', () => {
    const db = openCacheDb(':memory:');
    const first = createLeaseStore(db);
    first.transaction(() => {
      first.put(row(10, YEALINK, { expires_at: 3_000 }));
      first.put(row(11, YEALINK, { expires_at: 5_000, state: 'declined' }));
      first.put(row(12, YEALINK, { expires_at: 4_000 }));
      first.put(row(13, CISCO));
    });
    // A restart: the map is read from the table.
    const store = createLeaseStore(db);
    assert.equal(store.latestForMac(YEALINK)?.ip, 12);
    assert.equal(store.latestForMac(POLY), undefined);
    store.transaction(() => store.releaseOthers(YEALINK, 12, 1_500));
    const states = db.prepare(`SELECT ip, state, expires_at FROM dhcp_leases ORDER BY ip`).all();
    assert.deepEqual(states.map((r) => ({ ...(r as object) })), [
      { ip: 10, state: 'expired', expires_at: 1_500 },
      { ip: 11, state: 'declined', expires_at: 5_000 },
      { ip: 12, state: 'bound', expires_at: 4_000 },
      { ip: 13, state: 'bound', expires_at: 2_000 },
    ]);
  });

  test('an address given to another MAC is no longer the first one\'s; a rollback puts the map back with the table', () => {
    const db = openCacheDb(':memory:');
    const store = createLeaseStore(db);
    store.transaction(() => store.put(row(20, YEALINK, { state: 'released' })));
    assert.throws(() =>
      store.transaction(() => {
        store.put(row(20, CISCO));
        assert.equal(store.latestForMac(YEALINK), undefined, 'inside the transaction the address is CISCO\'s');
        assert.equal(store.latestForMac(CISCO)?.ip, 20);
        throw new Error('rolled back');
      }),
    /rolled back/);
    assert.equal(store.latestForMac(YEALINK)?.ip, 20, 'the table still says YEALINK, and so does the map');
    assert.equal(store.latestForMac(CISCO), undefined);
  });
});
