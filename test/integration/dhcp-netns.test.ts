// The edge DHCP server over real sockets, between two network namespaces this test creates (a veth
// pair made inside them, 10.99.x.y addresses only there) and removes in after(), even on failure.
// The server runs as a child process in the server namespace (test/fixtures/dhcp-server.ts, on a
// temp cache filled through cache.apply(snapshot)); real clients — busybox udhcpc, ISC dhclient,
// Kea's perfdhcp — and a raw UDP client/relay (test/fixtures/dhcp-client.ts) run in the client
// namespace. Needs root; without it (or without `ip netns`) every test is skipped, loudly.
//
// Each RFC 2131 case the npm `dhcp` package gets wrong (shared/reference/performance.md §2) has a
// test that fails on that behaviour; its comment names the defect (D1–D7). Silence is shown with a
// barrier: a second request whose answer must arrive after any answer to the first (same sockets,
// one server thread), never with a sleep.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOOTREPLY, BOOTREQUEST, DHCP_MESSAGE, OPT, decodePacket, encodePacket, optionIp, optionText, type DhcpPacket } from '../../daemon/dhcp/index.js';
import { SiteCreate } from '../../hub/api/schemas.js';
import type { DeviceRecord, SiteRecord, SyncBatch } from '../../shared/sync/types.js';
import { LineProcess, createPair, hasCommand, inNs, mustRun, netnsAvailable, run, type JsonLine, type NsPair } from '../helpers/netns.js';

const SERVER_FIXTURE = fileURLToPath(new URL('../fixtures/dhcp-server.js', import.meta.url));
const CLIENT_FIXTURE = fileURLToPath(new URL('../fixtures/dhcp-client.js', import.meta.url));
const SKIP = 'SKIPPED: needs root and ip netns';

const SERVER_IP = '10.99.0.1';
const CLIENT_IP = '10.99.0.2';
/** The relay's address on the phones' side (in the client namespace); its pool is 10.99.200.0/24. */
const RELAY_IP = '10.99.200.1';
const KNOWN_PC = '020000aa0001';

function siteRecord(dhcp: Record<string, unknown>): SiteRecord {
  const s = SiteCreate.parse({
    name: 'netns', fqdn: 'pbx.example.com', edge_lan_ip: SERVER_IP, timezone: 'Europe/Berlin', ntp_server: SERVER_IP,
    dhcp: {
      mode: 'full',
      pool_start: '10.99.1.1', pool_end: '10.99.60.250', subnet_mask: '255.255.128.0', router: SERVER_IP, dns: [SERVER_IP], lease_time_s: 3600,
      relay_pools: [{ pool_start: '10.99.200.100', pool_end: '10.99.200.200', subnet_mask: '255.255.255.0', router: RELAY_IP }],
      ...dhcp,
    },
  });
  return { id: 1, ...s } as SiteRecord;
}

function device(mac: string): DeviceRecord {
  return {
    mac, site_id: 1, vendor: null, model: null, name: 'known', login_password: 'x', engine: 'default', template_id: null, provision_limit: null,
    prov_username: mac, prov_password: 'x', extensions: [],
  };
}

let seq = 0;
function snapshot(site: SiteRecord, devices: DeviceRecord[] = []): SyncBatch {
  const changes = [
    { seq: ++seq, txid: seq, site_id: 1, entity: 'site' as const, key: '1', deleted: false, data: site },
    ...devices.map((d) => ({ seq: ++seq, txid: seq, site_id: 1, entity: 'device' as const, key: d.mac, deleted: false, data: d })),
  ];
  return { epoch: 'netns', snapshot: true, changes, cursor: seq };
}

function delta(site: SiteRecord): SyncBatch {
  ++seq;
  return { epoch: 'netns', snapshot: false, cursor: seq, changes: [{ seq, txid: seq, site_id: 1, entity: 'site', key: '1', deleted: false, data: site }] };
}

interface ClientOpts {
  xid: number;
  ciaddr?: string;
  giaddr?: string;
  flags?: number;
  requested?: string;
  serverId?: string;
  params?: number[];
  vendorClass?: string;
}

const ipb = (s: string): Buffer => Buffer.from(s.split('.').map(Number));

function packet(type: number, mac: string, o: ClientOpts): Buffer {
  const opts: Array<[number, Buffer]> = [[OPT.MESSAGE_TYPE, Buffer.from([type])]];
  if (o.requested) opts.push([OPT.REQUESTED_IP, ipb(o.requested)]);
  if (o.serverId) opts.push([OPT.SERVER_ID, ipb(o.serverId)]);
  opts.push([OPT.PARAMETER_LIST, Buffer.from(o.params ?? [1, 3, 6, 66, 150])]);
  if (o.vendorClass) opts.push([OPT.VENDOR_CLASS, Buffer.from(o.vendorClass)]);
  return encodePacket({ op: BOOTREQUEST, xid: o.xid, chaddr: mac, flags: o.flags ?? 0x8000, ciaddr: o.ciaddr, giaddr: o.giaddr, options: opts })!;
}

interface Received {
  port: number;
  from: string;
  packet: DhcpPacket;
}

describe('edge DHCP server in network namespaces', { concurrency: false }, () => {
  let available = false;
  let pair: NsPair | undefined;
  let dir = '';
  const procs = new Set<LineProcess>();
  let server: LineProcess | undefined;
  let client: LineProcess | undefined;
  let cursor = 0;
  let xid = 0x1000;
  let dbPath = '';
  const tools = { busybox: false, dhclient: false, perfdhcp: false };

  before(async () => {
    available = await netnsAvailable();
    if (!available) {
      console.log(`# ${SKIP}`);
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'edgeprov-dhcp-'));
    pair = await createPair('dhcp', `${SERVER_IP}/17`, `${CLIENT_IP}/17`);
    // The relay's phone-side address lives in the client namespace; the server routes to it via the client.
    await mustRun('ip', ['-n', pair.client, 'addr', 'add', `${RELAY_IP}/32`, 'dev', 'lo']);
    await mustRun('ip', ['-n', pair.server, 'route', 'add', '10.99.200.0/24', 'via', CLIENT_IP]);
    tools.busybox = await hasCommand('busybox');
    tools.dhclient = await hasCommand('dhclient', ['--version']);
    tools.perfdhcp = await hasCommand('perfdhcp', ['-v']);
  });

  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    await pair?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function ready(t: TestContext, tool?: keyof typeof tools): boolean {
    if (!available) {
      t.skip(SKIP);
      return false;
    }
    if (tool && !tools[tool]) {
      console.log(`# SKIPPED: ${tool} is not installed (apt-get install busybox isc-dhcp-client kea-admin)`);
      t.skip(`SKIPPED: ${tool} is not installed`);
      return false;
    }
    return true;
  }

  async function startServer(batch?: SyncBatch, options: Record<string, unknown> = {}): Promise<LineProcess> {
    const config = join(dir, `server-${seq}-${procs.size}.json`);
    writeFileSync(config, JSON.stringify({ dbPath, address: SERVER_IP, snapshot: batch, options: { reconcileIntervalMs: 0, ...options }, logLevel: 'info' }));
    const [cmd, args] = inNs(pair!.server, process.execPath, [SERVER_FIXTURE, config]);
    const p = new LineProcess(cmd, args);
    procs.add(p);
    await p.waitFor((e) => e.event === 'listening', 'the DHCP server fixture to listen');
    server = p;
    return p;
  }

  async function startClient(): Promise<LineProcess> {
    const [cmd, args] = inNs(pair!.client, process.execPath, [CLIENT_FIXTURE]);
    const p = new LineProcess(cmd, args);
    procs.add(p);
    await p.waitFor((e) => e.event === 'ready', 'the raw DHCP client fixture');
    client = p;
    cursor = p.events.length;
    return p;
  }

  async function stats(): Promise<Record<string, number>> {
    return (await server!.request({ op: 'stats' })).stats as Record<string, number>;
  }

  async function leaseOwner(ip: string): Promise<string | null> {
    return (await server!.request({ op: 'leaseOwner', ip })).mac as string | null;
  }

  async function outbox(kind: string): Promise<JsonLine[]> {
    const rows = (await server!.request({ op: 'outbox' })).rows as Array<{ kind: string; data: string }>;
    return rows.filter((r) => r.kind === kind).map((r) => JSON.parse(r.data) as JsonLine);
  }

  async function apply(site: SiteRecord): Promise<JsonLine> {
    return (await server!.request({ op: 'apply', batch: delta(site) })).state as JsonLine;
  }

  async function send(bytes: Buffer, o: { from?: number; to?: string; toPort?: number } = {}): Promise<void> {
    client ?? (await startClient());
    await client!.request({ op: 'send', from: o.from ?? 68, to: o.to ?? '255.255.255.255', toPort: o.toPort ?? 67, hex: bytes.toString('hex') });
  }

  /** Every DHCP datagram received since the last call, up to and including the first matching `pred` (waited for). */
  async function until(pred: (r: Received) => boolean, what: string, timeoutMs = 5000): Promise<Received[]> {
    const decode = (e: JsonLine): Received | undefined => {
      if (e.event !== 'recv') return undefined;
      // Only replies: the client's sockets also hear its own broadcasts.
      const r = decodePacket(Buffer.from(String(e.hex), 'hex'));
      return r.ok && r.packet.op === BOOTREPLY ? { port: Number(e.port), from: String(e.from), packet: r.packet } : undefined;
    };
    const hit = await client!
      .waitFor((e) => {
        const r = decode(e);
        return r !== undefined && pred(r);
      }, what, timeoutMs, cursor)
      .catch((err: Error) => {
        throw new Error(`${err.message}\nserver log tail:\n${server?.stderr.slice(-10).join('\n') ?? ''}`);
      });
    const end = client!.events.indexOf(hit, cursor);
    const got = client!.events.slice(cursor, end + 1).map(decode).filter((r): r is Received => r !== undefined);
    cursor = end + 1;
    return got;
  }

  const reply = (x: number, type?: number) => (r: Received): boolean => r.packet.xid === x && (type === undefined || r.packet.type === type);

  /** Raw DISCOVER → OFFER → REQUEST → ACK for `mac`; returns the address. */
  async function dora(mac: string, extra: Partial<ClientOpts> = {}, route: { from?: number; to?: string } = {}): Promise<string> {
    const x = ++xid;
    await send(packet(DHCP_MESSAGE.DISCOVER, mac, { xid: x, ...extra }), route);
    const offer = (await until(reply(x, DHCP_MESSAGE.OFFER), `OFFER for ${mac}`)).at(-1)!.packet;
    await send(packet(DHCP_MESSAGE.REQUEST, mac, { xid: x, requested: offer.yiaddr, serverId: SERVER_IP, ...extra }), route);
    const ack = (await until(reply(x), `ACK for ${mac}`)).at(-1)!.packet;
    assert.equal(ack.type, DHCP_MESSAGE.ACK, `ACK for ${mac}: got message type ${ack.type}`);
    assert.equal(ack.yiaddr, offer.yiaddr);
    return ack.yiaddr;
  }

  /** A request that is always answered, sent after `x`'s request: everything `x` got must have arrived before its answer. */
  async function barrier(): Promise<Received[]> {
    const x = ++xid;
    await send(packet(DHCP_MESSAGE.INFORM, '020000ffff01', { xid: x, ciaddr: CLIENT_IP, flags: 0 }), { to: SERVER_IP });
    return until(reply(x, DHCP_MESSAGE.ACK), 'the barrier INFORM answer');
  }

  async function setMac(mac: string): Promise<void> {
    await mustRun('ip', ['-n', pair!.client, 'link', 'set', 'veth-c', 'address', mac]);
  }

  /** busybox udhcpc once, its script printing the environment of `bound`: key → value, or undefined without a lease. */
  async function udhcpc(extra: string[] = [], tries = 3): Promise<Record<string, string> | undefined> {
    const script = join(dir, 'udhcpc.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] || exit 0\nenv | sed "s/^/UDHCPC /"\n', { mode: 0o755 });
    const [cmd, args] = inNs(pair!.client, 'busybox', ['udhcpc', '-i', 'veth-c', '-f', '-q', '-n', '-t', String(tries), '-T', '1', '-A', '1', '-s', script, ...extra]);
    const r = await run(cmd, args, 20_000);
    if (r.code !== 0) return undefined;
    const env: Record<string, string> = {};
    for (const line of r.stdout.split('\n')) {
      const m = /^UDHCPC ([^=]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    return env;
  }

  /** ISC dhclient until its script reports BOUND (then it is stopped, by PID): new_* variables. */
  async function dhclient(confLines: string[]): Promise<Record<string, string>> {
    const tag = `${++xid}`;
    const conf = join(dir, `dhclient-${tag}.conf`);
    const script = join(dir, 'dhclient.sh');
    writeFileSync(conf, `${confLines.join('\n')}\n`);
    writeFileSync(script, '#!/bin/sh\nif [ "$reason" = BOUND ]; then env | grep "^new_" | sed "s/^/DHCLIENT /"; echo DHCLIENT_BOUND; fi\nexit 0\n', { mode: 0o755 });
    const [cmd, args] = inNs(pair!.client, 'dhclient', [
      '-4', '-d', '-1', '-v', '-cf', conf, '-lf', join(dir, `dhclient-${tag}.leases`), '-pf', join(dir, `dhclient-${tag}.pid`), '-sf', script, 'veth-c',
    ]);
    const p = new LineProcess(cmd, args);
    procs.add(p);
    try {
      await p.waitFor((e) => e.line === 'DHCLIENT_BOUND', 'dhclient to reach BOUND', 20_000);
    } finally {
      await p.stop('SIGKILL');
    }
    const env: Record<string, string> = {};
    for (const e of p.events) {
      const m = /^DHCLIENT ([^=]+)=(.*)$/.exec(String(e.line ?? ''));
      if (m) env[m[1]!] = m[2]!;
    }
    return env;
  }

  const hexOf = (s: string): string => Buffer.from(s).toString('hex');

  // ------------------------------------------------------------------------------------ start, modes

  test('mode off binds nothing; switching the site to full starts serving without a restart', async (t) => {
    if (!ready(t)) return;
    dbPath = join(dir, 'edge-a.db');
    const p = await startServer(snapshot(siteRecord({ mode: 'off' }), [device(KNOWN_PC)]));
    const listening = p.events.find((e) => e.event === 'listening')!;
    assert.equal(listening.bound, false);
    const udp = await mustRun('ip', ['netns', 'exec', pair!.server, 'cat', '/proc/net/udp']);
    assert.doesNotMatch(udp, /:0043 /, 'nothing on port 67 while DHCP is off');
    const state = await apply(siteRecord({ mode: 'full' }));
    assert.deepEqual(state, { bound: true, address: SERVER_IP, port: 67 });
    assert.match(await mustRun('ip', ['netns', 'exec', pair!.server, 'cat', '/proc/net/udp']), /:0043 /);
    const s = await stats();
    assert.ok(s.recvBufferSize! >= 2 * 1024 * 1024, `receive buffer ${s.recvBufferSize} bytes`);
    assert.equal(typeof s.rcvbufErrors, 'number');
  });

  // ------------------------------------------------------------------------------------ real clients

  test('busybox udhcpc gets a lease carrying option 66 (TFTP host) and 150', async (t) => {
    if (!ready(t, 'busybox')) return;
    await setMac('02:11:22:33:44:01');
    const env = await udhcpc(['-O', '66', '-O', '150']);
    assert.ok(env, 'udhcpc got a lease');
    assert.match(env.ip!, /^10\.99\.\d+\.\d+$/);
    assert.equal(env.serverid, SERVER_IP);
    assert.equal(env.subnet, '255.255.128.0');
    assert.equal(env.tftp, SERVER_IP);
    assert.equal(env.opt150, '0a630001');
    assert.equal(await leaseOwner(env.ip!), '021122334401');
  });

  // busybox only passes option 66 to its script when it is a valid host name (else `tftp=bad`): URL
  // values of 66 are checked with dhclient and the raw client; here 160 carries the same URL.
  test('udhcpc as a Yealink (option 60 "yealink"): 66 and 160 as URLs, 42 NTP and 2 time offset, unasked', async (t) => {
    if (!ready(t, 'busybox')) return;
    await setMac('02:11:22:33:44:02');
    const env = await udhcpc(['-V', 'yealink']);
    assert.ok(env);
    assert.equal(env.tftp, 'bad', 'a URL (busybox prints "bad" for what is not a host name)');
    assert.equal(env.opt160, hexOf('http://10.99.0.1/'));
    assert.equal(env.ntpsrv, SERVER_IP);
    assert.match(env.timezone!, /^(3600|7200)$/, 'Europe/Berlin');
  });

  test('udhcpc as a Mitel (option 60 "AastraIPPhone6867i"): option 43 with sub-options 2 (URL) and 3 (RCS off)', async (t) => {
    if (!ready(t, 'busybox')) return;
    await setMac('02:11:22:33:44:03');
    const env = await udhcpc(['-V', 'AastraIPPhone6867i', '-O', '43']);
    assert.ok(env);
    const url = Buffer.from('http://10.99.0.1/');
    const expected = Buffer.concat([Buffer.from([2, url.length]), url, Buffer.from([3, 1, 0])]).toString('hex');
    assert.equal(env.opt43, expected);
  });

  test('udhcpc with a Poly MAC gets 160 and 66 as URLs; with a Cisco MAC, 150 and a bare-host 66 (vendor from the OUI)', async (t) => {
    if (!ready(t, 'busybox')) return;
    await setMac('00:04:f2:00:00:01');
    const poly = await udhcpc();
    assert.ok(poly);
    assert.equal(poly.opt160, hexOf('http://10.99.0.1/'));
    assert.ok(poly.tftp, 'option 66 sent too');
    await setMac('00:56:2b:00:00:01');
    const cisco = await udhcpc();
    assert.ok(cisco);
    assert.equal(cisco.opt150, '0a630001');
    assert.equal(cisco.tftp, SERVER_IP);
  });

  test('ISC dhclient reaches BOUND with tftp-server-name (66) and option 150; as a Yealink with 160', async (t) => {
    if (!ready(t, 'dhclient')) return;
    await setMac('02:11:22:33:44:05');
    const plain = await dhclient([
      'option opt150 code 150 = array of ip-address;',
      'request subnet-mask, routers, domain-name-servers, tftp-server-name, opt150;',
    ]);
    assert.match(plain.new_ip_address!, /^10\.99\./);
    assert.equal(plain.new_tftp_server_name, SERVER_IP);
    assert.equal(plain.new_opt150, SERVER_IP);
    assert.equal(plain.new_dhcp_server_identifier, SERVER_IP);
    await setMac('02:11:22:33:44:06');
    const yealink = await dhclient([
      'option opt160 code 160 = text;',
      'send vendor-class-identifier "yealink";',
      'request subnet-mask, routers, tftp-server-name, opt160, ntp-servers, time-offset;',
    ]);
    assert.equal(yealink.new_tftp_server_name, 'http://10.99.0.1/');
    assert.equal(yealink.new_opt160, 'http://10.99.0.1/');
    assert.equal(yealink.new_ntp_servers, SERVER_IP);
  });

  test('known-only (switched without a restart): a PC\'s MAC is ignored, a phone\'s and a known MAC answered', async (t) => {
    if (!ready(t)) return;
    await startClient();
    await apply(siteRecord({ mode: 'known-only' }));
    t.after(() => apply(siteRecord({})));
    const pc = ++xid;
    await send(packet(DHCP_MESSAGE.DISCOVER, '02aabbccdd01', { xid: pc }));
    const phone = ++xid;
    await send(packet(DHCP_MESSAGE.DISCOVER, '001565aabb01', { xid: phone }));
    const got = await until(reply(phone, DHCP_MESSAGE.OFFER), 'the phone\'s OFFER');
    assert.equal(got.filter((r) => r.packet.xid === pc).length, 0, 'no OFFER for the PC');
    assert.equal(await dora(KNOWN_PC).then((ip) => ip.startsWith('10.99.')), true, 'a MAC in the inventory is answered');
    if (tools.busybox) {
      await setMac('02:aa:bb:cc:dd:02');
      assert.equal(await udhcpc([], 2), undefined, 'udhcpc with a PC\'s MAC gets no lease');
      await setMac('00:15:65:aa:bb:02');
      const env = await udhcpc();
      assert.ok(env, 'udhcpc with a Yealink MAC gets a lease');
      assert.equal(env.opt160, hexOf('http://10.99.0.1/'));
    }
  });

  // ------------------------------------------------------------------------------------ RFC 2131 edge cases

  // D4 (`dhcp` 0.2.20 ignores option 54): it ACKed a REQUEST meant for another server, stealing its client.
  test('D4: a REQUEST selecting another server gets no answer, and our offer is freed (the package ACKed it)', async (t) => {
    if (!ready(t)) return;
    const x = ++xid;
    await send(packet(DHCP_MESSAGE.DISCOVER, '02d400000001', { xid: x }));
    const offer = (await until(reply(x, DHCP_MESSAGE.OFFER), 'OFFER')).at(-1)!.packet;
    const before = await stats();
    await send(packet(DHCP_MESSAGE.REQUEST, '02d400000001', { xid: x, requested: offer.yiaddr, serverId: '10.99.0.99' }));
    const got = await barrier();
    assert.equal(got.filter((r) => r.packet.xid === x).length, 0, 'no ACK or NAK for another server\'s client');
    const after = await stats();
    assert.equal(after.notForUs! - before.notForUs!, 1);
    assert.equal(await leaseOwner(offer.yiaddr), null);
  });

  // D4 (never NAKs): an INIT-REBOOT for an address it never leased was ACKed with a different yiaddr.
  test('D4: an INIT-REBOOT REQUEST for an address never leased is NAKed (the package ACKed another address)', async (t) => {
    if (!ready(t)) return;
    const x = ++xid;
    await send(packet(DHCP_MESSAGE.REQUEST, '02d400000002', { xid: x, requested: '10.99.50.50' }));
    const nak = (await until(reply(x), 'an answer to INIT-REBOOT')).at(-1)!.packet;
    assert.equal(nak.type, DHCP_MESSAGE.NAK);
    assert.equal(nak.yiaddr, '0.0.0.0');
    assert.equal(optionIp(nak, OPT.SERVER_ID), SERVER_IP);
  });

  // D4 (DECLINE "Not implemented"): the declined address, in use on the LAN, was offered again.
  test('D4: after a DECLINE the address is not offered again, to anyone (the package re-offered it)', async (t) => {
    if (!ready(t)) return;
    const mac = '02d400000003';
    const declined = await dora(mac);
    await send(packet(DHCP_MESSAGE.DECLINE, mac, { xid: ++xid, requested: declined, serverId: SERVER_IP }));
    await barrier();
    const again = await dora(mac);
    assert.notEqual(again, declined);
    for (let i = 0; i < 5; i++) assert.notEqual(await dora(`02d4000001${i}0`), declined);
    assert.equal(await leaseOwner(declined), null);
    const events = await outbox('lease');
    assert.ok(events.some((e) => e.event === 'declined' && e.ip === declined && e.mac === mac));
  });

  // D4 (RELEASE/INFORM "Not implemented"): a released address stayed taken; an INFORM got no answer.
  test('D4: RELEASE frees the address; INFORM is answered with options and no lease (the package ignored both)', async (t) => {
    if (!ready(t)) return;
    const mac = '02d400000004';
    const leased = await dora(mac);
    assert.equal(await leaseOwner(leased), mac);
    await send(packet(DHCP_MESSAGE.RELEASE, mac, { xid: ++xid, ciaddr: leased, serverId: SERVER_IP, flags: 0 }), { to: SERVER_IP });
    await barrier();
    assert.equal(await leaseOwner(leased), null);
    assert.equal(await dora(mac), leased, 'the client gets its address back');
    const x = ++xid;
    await send(packet(DHCP_MESSAGE.INFORM, '0004f2000099', { xid: x, ciaddr: CLIENT_IP, flags: 0, params: [66, 160] }), { to: SERVER_IP });
    const ack = (await until(reply(x, DHCP_MESSAGE.ACK), 'the INFORM answer')).at(-1)!;
    assert.equal(ack.from, SERVER_IP);
    assert.equal(ack.packet.yiaddr, '0.0.0.0');
    assert.equal(ack.packet.options.has(OPT.LEASE_TIME), false);
    assert.equal(optionText(ack.packet, 160), 'http://10.99.0.1/');
  });

  // D5 (replies always to config.broadcast:68): relayed clients (giaddr) were never answered.
  test('D5: a relayed exchange is answered to the relay (giaddr, port 67) from the pool holding giaddr (the package broadcast to :68)', async (t) => {
    if (!ready(t)) return;
    const mac = '001565d50001';
    const ip = await dora(mac, { giaddr: RELAY_IP, flags: 0 }, { from: 67, to: SERVER_IP });
    assert.match(ip, /^10\.99\.200\.(1\d\d|200)$/);
    const relayed = client!.events.filter((e) => e.event === 'recv' && e.port === 67).length;
    assert.ok(relayed >= 2, 'OFFER and ACK arrived on the relay port');
    assert.equal(await leaseOwner(ip), mac);
  });

  // D6 (pad bytes mis-parsed, no cookie check, no overload) and D7 (a malformed datagram is an
  // unhandled 'error': the process dies).
  test('D6/D7: malformed and hostile datagrams → no crash, correct answers afterwards (one bad datagram killed the package)', async (t) => {
    if (!ready(t)) return;
    const good = packet(DHCP_MESSAGE.DISCOVER, '02d700000001', { xid: 1 });
    const bad: Buffer[] = [
      Buffer.alloc(0), Buffer.from([1]), good.subarray(0, 100), good.subarray(0, 239),
      Buffer.concat([good.subarray(0, 236), Buffer.from([0x63, 0x82, 0x53, 0x64]), good.subarray(240)]),
      Buffer.concat([good.subarray(0, 240), Buffer.from([53, 1, 1, 12, 200, 0x61])]),
      Buffer.concat([good.subarray(0, 240), Buffer.from([12, 3, 0x61, 0x62, 0x63, 255])]),
      Buffer.concat([good.subarray(0, 240), Buffer.from([53, 1, 42, 255])]),
      Buffer.concat([good.subarray(0, 240), Buffer.from([52, 1, 3, 53, 1, 1, 255])]),
    ];
    const htype32 = Buffer.from(good);
    htype32[1] = 32;
    const bootreply = Buffer.from(good);
    bootreply[0] = 2;
    const padded = Buffer.concat([good.subarray(0, 240), Buffer.from([0, 0, 0, 53, 1, 1, 0, 0, 255])]);
    let s = 7;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(i % 2 ? good : Buffer.alloc(Math.floor(rnd() * 600)));
      for (let j = 0; j < 1 + Math.floor(rnd() * 12); j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      if (b.length > 0) bad.push(i % 3 === 0 ? b.subarray(0, Math.floor(rnd() * b.length)) : b);
    }
    const before = await stats();
    for (const b of [...bad, htype32, bootreply]) await send(b);
    // A DISCOVER with pad bytes around option 53 is answered (the package dropped it).
    const x = ++xid;
    const withPads = Buffer.from(padded);
    withPads.writeUInt32BE(x, 4);
    await send(withPads);
    await until(reply(x, DHCP_MESSAGE.OFFER), 'an OFFER for the padded DISCOVER');
    const after = await stats();
    assert.ok(after.malformed! - before.malformed! >= 9, `malformed ${after.malformed! - before.malformed!}`);
    assert.equal(after.errors, 0, 'no handler failure');
    assert.ok(server!.running);
    assert.match(await dora('02d700000002'), /^10\.99\./);
  });

  // D2 (leases only in memory): after a restart phone B got phone A's address, A got another.
  test('D2: a restart keeps every phone\'s address; no address is given twice (the package reassigned them)', async (t) => {
    if (!ready(t)) return;
    const phones = Array.from({ length: 5 }, (_, i) => `00156502000${i}`);
    const before = new Map<string, string>();
    for (const m of phones) before.set(m, await dora(m));
    // A crash, not a clean stop: the leases are already in SQLite.
    await server!.stop('SIGKILL');
    await startServer();
    const others = new Set<string>();
    for (let i = 0; i < 5; i++) others.add(await dora(`00156503000${i}`));
    for (const ip of before.values()) assert.ok(!others.has(ip), `${ip} was given to another phone after the restart`);
    for (const [m, ip] of before) {
      const x = ++xid;
      await send(packet(DHCP_MESSAGE.REQUEST, m, { xid: x, requested: ip }));
      const ack = (await until(reply(x), `INIT-REBOOT answer for ${m}`)).at(-1)!.packet;
      assert.equal(ack.type, DHCP_MESSAGE.ACK, `${m} keeps ${ip}`);
      assert.equal(ack.yiaddr, ip);
    }
  });

  // D1 (pool full: TypeError crash in sequential mode, an endless loop in randomIP mode).
  test('D1: a full pool offers nothing and the server keeps serving; a released address goes to the next phone', async (t) => {
    if (!ready(t)) return;
    await apply(siteRecord({ pool_start: '10.99.0.100', pool_end: '10.99.0.102' }));
    t.after(() => apply(siteRecord({})));
    const macs = ['001565d10001', '001565d10002', '001565d10003'];
    const ips = [];
    for (const m of macs) ips.push(await dora(m));
    assert.equal(new Set(ips).size, 3);
    const before = await stats();
    const waiting: number[] = [];
    for (let i = 0; i < 50; i++) {
      const x = ++xid;
      waiting.push(x);
      await send(packet(DHCP_MESSAGE.DISCOVER, `001565d2${i.toString(16).padStart(4, '0')}`, { xid: x }));
    }
    const got = await barrier();
    assert.equal(got.filter((r) => waiting.includes(r.packet.xid)).length, 0, 'no OFFER from a full pool');
    const after = await stats();
    assert.equal(after.poolExhausted! - before.poolExhausted!, 50);
    assert.equal(after.poolSize, 3 + 101, 'the 3-address pool and the relay pool');
    assert.ok(after.poolUsed! >= 3);
    await send(packet(DHCP_MESSAGE.RELEASE, macs[1]!, { xid: ++xid, ciaddr: ips[1]!, serverId: SERVER_IP, flags: 0 }), { to: SERVER_IP });
    await barrier();
    assert.equal(await dora('001565d20000'), ips[1]);
  });

  test('perfdhcp (Kea) in relay mode gets every answer on the relay port', async (t) => {
    if (!ready(t, 'perfdhcp')) return;
    // perfdhcp binds port 67 itself: the raw client (which listens there too) steps aside.
    await client?.stop();
    client = undefined;
    const [cmd, args] = inNs(pair!.client, 'perfdhcp', ['-4', '-l', 'veth-c', '-r', '200', '-n', '400', '-R', '400', '-t', '1', SERVER_IP]);
    const r = await run(cmd, args, 60_000);
    const text = `${r.stdout}\n${r.stderr}`;
    const received = [...text.matchAll(/received packets: (\d+)/g)].map((m) => Number(m[1]));
    const sent = [...text.matchAll(/sent packets: (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(received.length >= 2 && received[0]! > 0 && received[1]! > 0, `perfdhcp output:\n${text}`);
    // perfdhcp stops once it has sent -n exchanges: the last one or two may still be in flight.
    assert.ok(received[0]! >= sent[0]! - 2, `DISCOVERs answered:\n${text}`);
    assert.ok(received[1]! >= sent[1]! - 2, `REQUESTs answered:\n${text}`);
    assert.doesNotMatch(text, /non unique addresses: [1-9]/, 'no address given twice');
    assert.doesNotMatch(text, /rejected leases: [1-9]/);
  });
});
