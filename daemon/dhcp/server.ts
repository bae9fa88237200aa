/**
 * The edge's DHCP server on UDP: sockets, the site's settings read on every datagram (so hub edits
 * apply without a restart), counters, and the decisions of ./logic.ts sent where RFC 2131 says.
 *
 * Two sockets share the server port (SO_REUSEADDR): one on 0.0.0.0 hears broadcasts (clients
 * without an address), one on the server's own address hears unicast (renewals, relays) and sends
 * every reply, so replies carry the server's address as their source and a limited broadcast
 * leaves through the interface that owns that address, whatever the default route is. Linux
 * hands each datagram to exactly one of them (the specific bind wins for unicast; only the
 * wildcard matches a broadcast).
 *
 * Mode `off` binds nothing. The mode and address are re-checked every `reconcileIntervalMs` (and
 * on `reconcile()`), so switching a site to `full` or `known-only` starts serving without a restart.
 */
import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { networkInterfaces } from 'node:os';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import { ProvError } from '../../shared/errors.js';
import type { SiteRecord } from '../../shared/sync/types.js';
import { buildPlan, planKey, type DhcpPlan } from './config.js';
import { isIpv4 } from './ip.js';
import { createDhcpLogic, type Decision, type DhcpLogicOptions, type Inbound, type LeaseInfo } from './logic.js';
import { MESSAGE_NAMES, decodePacket, type DhcpPacket, type MalformedReason } from './packet.js';
import { readUdpRcvbufErrors, readUdpSocketDrops } from './snmp.js';

export interface DhcpServerOptions extends DhcpLogicOptions {
  /**
   * SO_RCVBUF of both sockets, so a boot storm's burst is queued, not dropped; 0 keeps the system
   * default. Linux caps it at net.core.rmem_max (the `dhcp listening` line shows what was granted).
   * Default 4 MiB.
   */
  recvBufferSize?: number;
  /** How often the site's mode and the server address are re-checked (bind/unbind); 0: only on `reconcile()`. Default 2000 ms. */
  reconcileIntervalMs?: number;
}

export interface DhcpServerDeps {
  /** The edge cache's better-sqlite3 handle (migration 3 holds the lease tables). */
  db: Database.Database;
  log: Logger;
  clock: Clock;
  /** The site this edge serves, as the cache holds it now. */
  site: () => SiteRecord | undefined;
  /** True for a MAC the site's inventory holds (known-only mode answers it; unknown phones are reported). */
  knownMac: (mac: string) => boolean;
  /** Events (`lease`, `unknown_device`); default: inserted into the cache's `outbox` table. */
  outbox?: (kind: string, data: Record<string, unknown>) => void;
  /**
   * A number that changes whenever the site may have changed (the cache's `generation`). Without
   * it the site is read on every datagram.
   */
  generation?: () => number;
}

export interface DhcpListenOptions {
  /** The LAN interface: its first IPv4 address is the server's when `address` is not given. */
  interface?: string;
  /** The server's own IPv4 address (option 54, source of replies). Default: the interface's, else the site's `edge_lan_ip`. */
  address?: string;
  /** Server port. Default 67 (clients are answered on 68, relays on this port). */
  port?: number;
}

export interface DhcpListenState {
  bound: boolean;
  address?: string;
  port?: number;
}

export interface DhcpStats {
  listening: boolean;
  address: string | null;
  port: number | null;
  /** SO_RCVBUF granted (bytes, as the kernel reports it). */
  recvBufferSize: number | null;
  received: number;
  /** Group commits: datagrams decided together in one transaction (received / batches is the mean batch). */
  batches: number;
  offers: number;
  acks: number;
  naks: number;
  informs: number;
  declines: number;
  releases: number;
  /** Datagrams that were not DHCP messages (see MalformedReason). */
  malformed: number;
  /** Requests not served: not Ethernet, server messages, PCs in known-only mode, DHCP off. */
  ignored: number;
  /** REQUEST/DECLINE/RELEASE for another server. */
  notForUs: number;
  /** Requests RFC 2131 says to leave unanswered. */
  silent: number;
  /** DISCOVERs with no free address. */
  poolExhausted: number;
  /** Requests from a network no pool serves. */
  noPool: number;
  sendErrors: number;
  /** Handler failures (a bug or the database); the datagram is dropped, the server goes on. */
  errors: number;
  /** Addresses the pools can hand out, and those held (offered, leased, quarantined). */
  poolSize: number;
  poolUsed: number;
  /** `/proc/net/snmp` Udp RcvbufErrors of this network namespace (all UDP sockets); null off Linux. */
  rcvbufErrors: number | null;
  /** `/proc/net/udp` drops of the sockets on the server port; null off Linux or when not bound. */
  socketDrops: number | null;
}

export interface DhcpServer {
  /** Remembers where to listen and binds if the site's mode is not `off`. Resolves with what is bound now. */
  listen(options?: DhcpListenOptions): Promise<DhcpListenState>;
  /** Re-reads the site now: binds, rebinds or unbinds as its mode and address say (call it after a sync apply). */
  reconcile(): Promise<DhcpListenState>;
  close(): Promise<void>;
  stats(): DhcpStats;
  /** The MAC holding an active lease (bound, unexpired) on `ip`: the pipeline's lease binding (DESIGN §4). */
  leaseOwner(ip: string): string | undefined;
  /** The active lease on `ip` with the client's DHCP evidence (option 60 for vendor detection). */
  leaseInfo(ip: string): LeaseInfo | undefined;
}

const DEFAULTS = {
  recvBufferSize: 4 * 1024 * 1024,
  reconcileIntervalMs: 2000,
};

/** With `deps.generation`, how often it is looked at (a config change shows up within this, or at `reconcile()`). */
const GENERATION_CHECK_MS = 250;

/**
 * How long unknown phones' DHCP evidence may wait in memory before it is written (logic's
 * `flushEvidence`): long enough that a storm's phones share pages, short enough that little is lost
 * to a crash. Pending evidence past EVIDENCE_FLUSH_ROWS is written at once instead.
 */
const EVIDENCE_FLUSH_MS = 250;
const EVIDENCE_FLUSH_ROWS = 4096;

/** Malformed datagrams and exhausted pools are logged at warn at most once per this period; the rest are counted. */
const WARN_PERIOD_MS = 10_000;

function checkInt(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ProvError('CONFIG_INVALID', `dhcp option ${name} must be an integer in ${min}..${max}, got ${String(value)}`, { option: name });
  }
}

/** A limiter for warn lines in hot paths: the first in each period is logged with how many were suppressed. */
function warnEvery(periodMs: number): (emit: (suppressed: number) => void) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (emit) => {
    const now = performance.now();
    if (now - last >= periodMs) {
      emit(suppressed);
      last = now;
      suppressed = 0;
    } else suppressed++;
  };
}

/**
 * Every reply goes to an address literal (giaddr, ciaddr, the broadcast address): dgram's default
 * lookup would still run dns.lookup for each send and defer the send to the next tick; this
 * answers at once and leaves names (never produced here) to dns.lookup.
 */
const literalLookup: NonNullable<SocketOptions['lookup']> = (hostname, options, callback) => {
  if (isIpv4(hostname)) callback(null, hostname, 4);
  else dnsLookup(hostname, options, callback);
};

/**
 * Creates the server; options are validated here (ProvError `CONFIG_INVALID`). Nothing is bound
 * until `listen`, and only while the site's DHCP mode is not `off`.
 */
export function createDhcpServer(options: DhcpServerOptions, deps: DhcpServerDeps): DhcpServer {
  checkInt('recvBufferSize', options.recvBufferSize, 0, 1 << 30);
  checkInt('reconcileIntervalMs', options.reconcileIntervalMs, 0, 3_600_000);
  checkInt('offerTtlMs', options.offerTtlMs, 1000, 600_000);
  checkInt('declineQuarantineMs', options.declineQuarantineMs, 0, 30 * 86_400_000);
  checkInt('unknownReportIntervalMs', options.unknownReportIntervalMs, 0, 30 * 86_400_000);
  checkInt('clientPort', options.clientPort, 1, 65535);
  checkInt('serverPort', options.serverPort, 1, 65535);
  const recvBufferSize = options.recvBufferSize ?? DEFAULTS.recvBufferSize;
  const reconcileIntervalMs = options.reconcileIntervalMs ?? DEFAULTS.reconcileIntervalMs;
  const log = deps.log.child({ component: 'dhcp' });
  // Read per use, not once: a SIGHUP may change the level while the server runs.
  const debug = (): boolean => log.isLevelEnabled('debug');

  let listenOptions: DhcpListenOptions | undefined;
  let port = options.serverPort ?? 67;
  // Relayed replies go to the relay on the port the server itself is bound to: the logic is made
  // again if that differs from what it was made with (`listen({ port })`, port 0 in tests).
  let logicPort = port;
  let currentLogic = createDhcpLogic({ ...options, serverPort: port }, deps);
  const useLogicPort = (p: number): void => {
    if (p === logicPort) return;
    logicPort = p;
    flushEvidence();
    currentLogic = createDhcpLogic({ ...options, serverPort: p }, deps);
  };

  const counters = {
    received: 0, batches: 0, offers: 0, acks: 0, naks: 0, informs: 0, declines: 0, releases: 0, malformed: 0, ignored: 0, notForUs: 0, silent: 0,
    poolExhausted: 0, noPool: 0, sendErrors: 0, errors: 0,
  };
  let sockets: { own: Socket; wild: Socket; address: string; port: number; recvBufferSize: number | null } | undefined;
  let boundKey: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  let evidenceTimer: NodeJS.Timeout | undefined;
  let lastBindProblem = '';

  let planCache: { key: string; gen: number | undefined; plan: DhcpPlan | undefined; checkedAt: number } | undefined;
  /**
   * The plan for the site as the cache holds it. With `deps.generation`, the generation is looked
   * at most every GENERATION_CHECK_MS (reading it is a query) and the site re-read only when it
   * moved; `reconcile()` forgets the plan, so an in-process apply followed by reconcile is seen at once.
   */
  function currentPlan(address: string): DhcpPlan | undefined {
    const now = performance.now();
    if (deps.generation && planCache && now - planCache.checkedAt < GENERATION_CHECK_MS) return planCache.plan;
    const gen = deps.generation?.();
    if (gen !== undefined && planCache && planCache.gen === gen) {
      planCache.checkedAt = now;
      return planCache.plan;
    }
    const site = deps.site();
    const key = planKey(site, address);
    if (!planCache || planCache.key !== key) {
      const plan = buildPlan(site, address);
      if (plan && plan.problems.length > 0) log.warn({ problems: plan.problems }, 'dhcp settings problems');
      if (plan) log.info({ mode: plan.mode, pools: plan.pools.length, reservations: plan.byMac.size }, 'dhcp settings applied');
      planCache = { key, gen, plan, checkedAt: now };
    } else {
      planCache.gen = gen;
      planCache.checkedAt = now;
    }
    return planCache.plan;
  }

  const warnMalformed = warnEvery(WARN_PERIOD_MS);
  const warnExhausted = warnEvery(WARN_PERIOD_MS);
  const warnError = warnEvery(WARN_PERIOD_MS);

  function onMalformed(reason: MalformedReason, rinfo: RemoteInfo): void {
    counters.malformed++;
    warnMalformed((suppressed) =>
      log.warn({ reason, remote: `${rinfo.address}:${rinfo.port}`, length: rinfo.size, suppressed }, 'dhcp malformed datagram dropped'),
    );
  }

  function count(d: Decision): void {
    switch (d.outcome) {
      case 'offer': counters.offers++; break;
      case 'ack': counters.acks++; break;
      case 'nak': counters.naks++; break;
      case 'inform': counters.informs++; break;
      case 'declined': counters.declines++; break;
      case 'released': counters.releases++; break;
      case 'ignored': counters.ignored++; break;
      case 'not-for-us': counters.notForUs++; break;
      case 'silent': counters.silent++; break;
      case 'pool-exhausted': counters.poolExhausted++; break;
      case 'no-pool': counters.noPool++; break;
    }
  }

  /**
   * Group commit. Datagrams are queued as they arrive and decided together when the event loop's
   * poll phase is over (setImmediate: everything libuv read in this turn), in ONE transaction whose
   * commit comes before any of their replies is sent (logic.handleBatch): a phone is told about a
   * lease only once it is in the database, and a burst pays for one commit instead of one per ACK.
   * An idle server sees batches of one, so this adds no latency; a busy one gets larger batches
   * exactly when it needs them (libuv reads at most 32 datagrams per socket and turn).
   */
  let queue: Array<{ msg: Buffer; rinfo: RemoteInfo }> = [];

  function onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    counters.received++;
    if (closed || !sockets) return;
    if (queue.length === 0) setImmediate(drain);
    queue.push({ msg, rinfo });
  }

  function drain(): void {
    const batch = queue;
    queue = [];
    const s = sockets;
    if (closed || !s) return;
    counters.batches++;
    const inbounds: Inbound[] = [];
    for (const { msg, rinfo } of batch) {
      const r = decodePacket(msg);
      if (!r.ok) onMalformed(r.reason, rinfo);
      else inbounds.push({ packet: r.packet, source: { address: rinfo.address, port: rinfo.port } });
    }
    if (inbounds.length === 0) return;
    let results: Array<Decision | Error>;
    try {
      const plan = currentPlan(s.address);
      if (!plan) {
        counters.ignored += inbounds.length;
        return;
      }
      results = currentLogic.handleBatch(inbounds, plan);
    } catch (err) {
      counters.errors += inbounds.length;
      warnError((suppressed) => log.error({ err, suppressed }, 'dhcp request handler failed'));
      return;
    }
    for (let i = 0; i < results.length; i++) {
      const d = results[i]!;
      if (d instanceof Error) {
        counters.errors++;
        warnError((suppressed) => log.error({ err: d, suppressed }, 'dhcp request handler failed'));
      } else answer(s.own, d, inbounds[i]!.packet);
    }
    // After the replies: the evidence is no part of what the phone waits for.
    const pending = currentLogic.evidencePending;
    if (pending >= EVIDENCE_FLUSH_ROWS) flushEvidence();
    else if (pending > 0 && !evidenceTimer) {
      evidenceTimer = setTimeout(flushEvidence, EVIDENCE_FLUSH_MS);
      evidenceTimer.unref();
    }
  }

  function flushEvidence(): void {
    if (evidenceTimer) clearTimeout(evidenceTimer);
    evidenceTimer = undefined;
    try {
      currentLogic.flushEvidence();
    } catch (err) {
      warnError((suppressed) => log.error({ err, suppressed }, 'dhcp cannot record client evidence (retried)'));
      // What was noted stays in memory for the next try.
      if (!closed) {
        evidenceTimer = setTimeout(flushEvidence, EVIDENCE_FLUSH_MS);
        evidenceTimer.unref();
      }
    }
  }

  /** One callback for every send (the error names the destination): no closure per reply. */
  function onSent(err: Error | null): void {
    if (!err) return;
    counters.sendErrors++;
    const e = err as Error & { address?: string; port?: number };
    warnError(() => log.warn({ err: e.message, to: `${e.address}:${e.port}` }, 'dhcp send failed'));
  }

  function answer(own: Socket, d: Decision, p: DhcpPacket): void {
    try {
      count(d);
      if (d.outcome === 'pool-exhausted' || d.outcome === 'no-pool' || d.outcome === 'declined' || debug()) {
        const fields = { outcome: d.outcome, type: MESSAGE_NAMES[p.type], mac: d.mac, ip: d.ip, vendor: d.vendor, reason: d.reason, xid: p.xid };
        if (d.outcome === 'pool-exhausted' || d.outcome === 'no-pool') {
          warnExhausted((suppressed) => log.warn({ ...fields, suppressed }, 'dhcp cannot offer an address'));
        } else if (d.outcome === 'declined') {
          log.warn(fields, 'dhcp address declined by the client (in use on the LAN): quarantined');
        } else log.debug({ ...fields, to: d.reply ? `${d.reply.to.address}:${d.reply.to.port}` : undefined }, 'dhcp');
      }
      if (d.reply) own.send(d.reply.bytes, d.reply.to.port, d.reply.to.address, onSent);
    } catch (err) {
      counters.errors++;
      warnError((suppressed) => log.error({ err, suppressed }, 'dhcp request handler failed'));
    }
  }

  function resolveAddress(o: DhcpListenOptions, site: SiteRecord | undefined): string | undefined {
    if (o.address !== undefined && o.address !== '0.0.0.0') return o.address;
    if (o.interface !== undefined) {
      const a = networkInterfaces()[o.interface]?.find((x) => x.family === 'IPv4' && !x.internal);
      if (a) return a.address;
    }
    const lan = site?.edge_lan_ip;
    return lan && isIpv4(lan) ? lan : undefined;
  }

  function bindOne(address: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: 'udp4', reuseAddr: true, lookup: literalLookup, ...(recvBufferSize > 0 ? { recvBufferSize } : {}) });
      const onError = (err: Error): void => {
        try {
          s.close();
        } catch {
          // Never bound.
        }
        reject(err);
      };
      s.once('error', onError);
      s.bind({ address, port }, () => {
        s.removeListener('error', onError);
        s.on('error', (err) => log.error({ err }, 'dhcp socket error'));
        s.on('message', onMessage);
        resolve(s);
      });
    });
  }

  const closeSocket = (s: Socket): Promise<void> =>
    new Promise((resolve) => {
      try {
        s.close(() => resolve());
      } catch {
        resolve();
      }
    });

  async function unbind(): Promise<void> {
    const s = sockets;
    sockets = undefined;
    boundKey = undefined;
    if (!s) return;
    await Promise.all([closeSocket(s.own), closeSocket(s.wild)]);
    log.info({ address: s.address, port: s.port }, 'dhcp stopped listening');
  }

  function state(): DhcpListenState {
    return sockets ? { bound: true, address: sockets.address, port: sockets.port } : { bound: false };
  }

  async function doReconcile(): Promise<DhcpListenState> {
    if (closed || !listenOptions) return state();
    let site: SiteRecord | undefined;
    try {
      site = deps.site();
    } catch (err) {
      // The cache is unreadable right now: keep whatever is bound, look again at the next reconcile.
      warnError(() => log.error({ err }, 'dhcp cannot read the site settings'));
      return state();
    }
    const mode = site?.dhcp?.mode ?? 'off';
    const address = resolveAddress(listenOptions, site);
    const want = mode !== 'off' && address !== undefined ? `${address}|${port}` : undefined;
    if (want === boundKey) return state();
    if (boundKey !== undefined) await unbind();
    if (want === undefined || address === undefined) {
      if (mode !== 'off' && lastBindProblem !== 'no-address') {
        lastBindProblem = 'no-address';
        log.error({ mode, interface: listenOptions.interface }, 'dhcp is on but the server has no IPv4 address (set the listen address, the interface or the site\'s edge_lan_ip)');
      }
      return state();
    }
    let own: Socket | undefined;
    try {
      own = await bindOne(address, port);
      own.setBroadcast(true);
      // Port 0 (tests): the wildcard socket takes the port the kernel gave the first one.
      const bound = own.address().port;
      const wild = await bindOne('0.0.0.0', bound);
      useLogicPort(bound);
      let granted: number | null = null;
      try {
        granted = own.getRecvBufferSize();
      } catch {
        granted = null;
      }
      sockets = { own, wild, address, port: bound, recvBufferSize: granted };
      boundKey = want;
      lastBindProblem = '';
      log.info({ address, port: bound, mode, recvBufferSize: granted }, 'dhcp listening');
    } catch (err) {
      if (own) await closeSocket(own);
      const problem = `${(err as Error).message}`;
      if (problem !== lastBindProblem) {
        lastBindProblem = problem;
        log.error({ err, address, port }, 'dhcp cannot bind (retried at the next reconcile)');
      }
    }
    return state();
  }

  function reconcile(): Promise<DhcpListenState> {
    planCache = undefined;
    const next = chain.then(doReconcile, doReconcile);
    chain = next.catch(() => undefined);
    return next;
  }

  return {
    async listen(o = {}) {
      if (closed) throw new Error('dhcp server closed');
      if (listenOptions) throw new Error('dhcp server already listening');
      checkInt('port', o.port, 0, 65535);
      if (o.address !== undefined && !isIpv4(o.address)) {
        throw new ProvError('CONFIG_INVALID', `dhcp listen address must be an IPv4 address, got ${o.address}`, { option: 'address' });
      }
      listenOptions = { ...o };
      if (o.port !== undefined) {
        port = o.port;
        if (port !== 0) useLogicPort(port);
      }
      if (reconcileIntervalMs > 0) {
        timer = setInterval(() => {
          reconcile().catch((err: unknown) => log.error({ err }, 'dhcp reconcile failed'));
        }, reconcileIntervalMs);
        timer.unref();
      }
      return reconcile();
    },
    reconcile,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await chain;
      await unbind();
      flushEvidence();
    },
    stats() {
      const s = sockets;
      const plan = s ? currentPlan(s.address) : undefined;
      const use = plan ? currentLogic.poolUse(plan) : { size: 0, used: 0 };
      return {
        ...counters,
        listening: s !== undefined,
        address: s?.address ?? null,
        port: s?.port ?? null,
        recvBufferSize: s?.recvBufferSize ?? null,
        poolSize: use.size,
        poolUsed: use.used,
        rcvbufErrors: readUdpRcvbufErrors() ?? null,
        socketDrops: s ? readUdpSocketDrops(s.port) ?? null : null,
      };
    },
    leaseOwner: (ip) => currentLogic.leaseOwner(ip),
    leaseInfo: (ip) => currentLogic.leaseInfo(ip),
  };
}
