/**
 * The DHCP server's decisions (RFC 2131 §4.3, Kea as the behaviour anchor), without sockets: a
 * decoded request in, the reply to send (bytes and destination) or the reason for silence out.
 * Leases live in SQLite (./leases.ts); time comes from the injected clock, so tests move it.
 *
 * - DISCOVER: the client's reservation, else its pending offer or previous address, else the
 *   address it asks for, else a never-used one, else the one free longest. The address is held for
 *   the client for `offerTtlMs` (in memory: an offer needs no durability), so concurrent DISCOVERs
 *   never get the same address and their REQUESTs are not NAKed (dnsmasq's flaw under load). No
 *   ping before the offer: conflicts are reported by the client's DECLINE.
 * - REQUEST: SELECTING (server id present) for another server → silent, and our offer is freed;
 *   for us → ACK if the address may be the client's, else NAK. INIT-REBOOT and RENEWING/REBINDING
 *   → ACK only for an address leased to this client; an address we did not lease to it, or on the
 *   wrong network → NAK (`authoritative`, the default; otherwise silent for clients we have no
 *   record of).
 * - DECLINE → the address is quarantined for `declineQuarantineMs`. RELEASE → free at once (the
 *   client keeps its affinity). INFORM → options without a lease.
 * - Where replies go (RFC 2131 §4.1): to the relay (giaddr, server port) when relayed; NAKs are
 *   broadcast; to ciaddr when the client has one; else broadcast (an unconfigured client cannot be
 *   unicast without writing its MAC into the ARP table, which a UDP socket cannot do).
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../shared/clock.js';
import { vendorById, vendorFromDhcpVendorClass, vendorFromMac, type VendorProfile } from '../../shared/vendors/index.js';
import { assignable, poolFor, poolHolding, type DhcpPlan, type DhcpPool } from './config.js';
import { intToIp, ipBytes, ipToInt, sameNetwork } from './ip.js';
import { createLeaseStore, type LeaseRow, type LeaseState } from './leases.js';
import { replyOptions, type ReplyKind } from './options.js';
import {
  BOOTREPLY, BOOTREQUEST, BROADCAST_FLAG, DHCP_MESSAGE, OPT, encodePacket, maxMessageSize, optionIp, optionText, packetMac, parameterList,
  type DhcpMessage, type DhcpPacket,
} from './packet.js';

export interface DhcpLogicOptions {
  /** How long an OFFER holds its address for the client. Default 30 000 ms. */
  offerTtlMs?: number;
  /** How long a DECLINEd address is kept out of the pool. Default 24 h (Kea's decline-probation-period). */
  declineQuarantineMs?: number;
  /** NAK REQUESTs for addresses this server did not lease to the client, even from clients it has no record of. Default true. */
  authoritative?: boolean;
  /** An unknown phone is reported again at most this often (or when its DHCP evidence changes). Default 1 h. */
  unknownReportIntervalMs?: number;
  /** Clients' port (68). */
  clientPort?: number;
  /** Servers' and relays' port (67): relayed replies go to giaddr on it. */
  serverPort?: number;
}

export interface DhcpLogicDeps {
  db: Database.Database;
  clock: Clock;
  /** True for a MAC the site's inventory holds. */
  knownMac: (mac: string) => boolean;
  /** Where events go; default: the cache's `outbox` table, in the same transaction as the lease change. */
  outbox?: (kind: string, data: Record<string, unknown>) => void;
}

export interface Inbound {
  packet: DhcpPacket;
  /** The datagram's source (a relay's address, a renewing client's, or 0.0.0.0). */
  source: { address: string; port: number };
}

export type Outcome =
  | 'offer'
  | 'ack'
  | 'nak'
  | 'inform'
  | 'declined'
  | 'released'
  /** Not a request this server serves: a BOOTREPLY, not Ethernet, a server's message type, a PC in known-only mode. */
  | 'ignored'
  /** A REQUEST/DECLINE/RELEASE naming another server. */
  | 'not-for-us'
  | 'pool-exhausted'
  /** No pool for the client's network (relay giaddr or the server's own). */
  | 'no-pool'
  /** RFC 2131 says stay quiet (a DECLINE/RELEASE for an address that is not the client's, a non-authoritative REQUEST). */
  | 'silent';

export interface ReplyTarget {
  address: string;
  port: number;
  broadcast: boolean;
}

export interface Decision {
  outcome: Outcome;
  reason?: string;
  mac?: string;
  /** The address concerned (offered, acknowledged, declined…). */
  ip?: string;
  vendor?: string;
  reply?: { message: DhcpMessage; bytes: Buffer; to: ReplyTarget };
}

export interface LeaseInfo {
  mac: string;
  ip: string;
  expiresAt: string;
  hostname?: string;
  /** Option 60 as the client sent it (Poly's is binary). */
  vendorClass?: Buffer;
  /** Option 55, codes comma-separated. */
  params?: string;
}

interface Offer {
  ip: number;
  mac: string;
  /** The pool (by range) it came from. */
  pool: string;
  expiresAt: number;
  /** The client took it (REQUEST → ACK): no hole is left behind. */
  bound: boolean;
  /**
   * The MAC had no lease row (but declined ones) when this was offered. Rows of a MAC are written
   * only by binding it, which drops its offer: until then it has no other lease to end when it binds.
   */
  withoutRows: boolean;
}

export interface PoolUse {
  size: number;
  used: number;
}

export interface DhcpLogic {
  /** One request in its own transaction (a savepoint when the caller has one open), its evidence included. */
  handle(inbound: Inbound, plan: DhcpPlan): Decision;
  /**
   * Group commit: the requests decided in order and committed in ONE transaction, so their replies
   * may be sent once this returns. When any of them throws (or the commit fails), the batch is
   * rolled back and each request is decided again in its own transaction, so a request that fails
   * costs only itself: its slot holds the Error.
   */
  handleBatch(inbounds: readonly Inbound[], plan: DhcpPlan): Array<Decision | Error>;
  /**
   * Unknown phones' DHCP evidence is not written by `handleBatch` but noted: this writes what is
   * noted (dhcp_clients, and the `unknown_device` events due) in one transaction of its own. The
   * caller calls it every so often and before closing; on failure what is noted stays for the next.
   */
  flushEvidence(): void;
  /** MACs whose evidence waits for `flushEvidence`. */
  readonly evidencePending: number;
  /** The MAC holding an active (bound, unexpired) lease on `ip`. */
  leaseOwner(ip: string): string | undefined;
  leaseInfo(ip: string): LeaseInfo | undefined;
  poolUse(plan: DhcpPlan): PoolUse;
}

const DEFAULTS: Required<DhcpLogicOptions> = {
  offerTtlMs: 30_000,
  declineQuarantineMs: 86_400_000,
  authoritative: true,
  unknownReportIntervalMs: 3_600_000,
  clientPort: 68,
  serverPort: 67,
};

/** Larger replies would be fragmented; whatever a client claims in option 57, this is the cap. */
const MAX_REPLY = 1500 - 28;
const BROADCAST = '255.255.255.255';
/** Evidence of a client already written is rewritten at most this often. */
const OBSERVE_PERIOD_MS = 60_000;

function printable(b: Buffer): string {
  const s = b.toString('latin1').replace(/\0+$/, '');
  return /^[\x20-\x7e]*$/.test(s) ? s : `hex:${b.toString('hex')}`;
}

export function createDhcpLogic(options: DhcpLogicOptions, deps: DhcpLogicDeps): DhcpLogic {
  const o = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;
  const store = createLeaseStore(deps.db);
  const db = deps.db;
  const outboxInsert = db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES (?, ?, ?)`);
  // recordSighting's statement. Positional parameters (better-sqlite3 binds an object by name,
  // slower): mac, vendor, model, vendor_class, params, hostname, the sighting's time ×3, evidence,
  // then the cutoff once per CASE.
  const due = `dhcp_clients.reported_at IS NULL OR dhcp_clients.reported_evidence IS NOT excluded.reported_evidence OR dhcp_clients.reported_at <= ?`;
  const upsertClient = db.prepare(
    `INSERT INTO dhcp_clients(mac, vendor, model, vendor_class, params, hostname, first_seen, last_seen, reported_at, reported_evidence)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(mac) DO UPDATE SET vendor = excluded.vendor, model = excluded.model, vendor_class = excluded.vendor_class,
       params = excluded.params, hostname = excluded.hostname, last_seen = excluded.last_seen,
       reported_at = CASE WHEN ${due} THEN excluded.reported_at ELSE dhcp_clients.reported_at END,
       reported_evidence = CASE WHEN ${due} THEN excluded.reported_evidence ELSE dhcp_clients.reported_evidence END
     RETURNING first_seen, reported_at`,
  );
  /** mac → what was last written and when, so a storm's retransmissions cost no writes. */
  const observed = new Map<string, { fp: string; at: number }>();
  /** Pools (by range) known to have no usable hole between their rows: the search is skipped. */
  const holeFree = new Set<string>();

  // Events are inserted when the transaction that caused them ends, several rows per statement:
  // each INSERT into the outbox (AUTOINCREMENT) also reads and writes its sqlite_sequence row, a
  // cost per statement, not per row. Same transaction, same order, same ids as one by one.
  /** kind, data, created_at of each event of the open transaction, flat. */
  const pendingEvents: string[] = [];
  const insertEvents = new Map<number, Database.Statement>();
  const EVENTS_PER_INSERT = 64;

  function emit(kind: string, data: Record<string, unknown>, at: string): void {
    if (deps.outbox) deps.outbox(kind, data);
    else pendingEvents.push(kind, JSON.stringify(data), at);
  }

  /** Inside the transaction, before it commits. */
  function writeEvents(): void {
    for (let i = 0; i < pendingEvents.length; ) {
      const rows = Math.min(EVENTS_PER_INSERT, (pendingEvents.length - i) / 3);
      let insert = insertEvents.get(rows);
      if (!insert) {
        insert = rows === 1 ? outboxInsert : db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`);
        insertEvents.set(rows, insert);
      }
      insert.run(pendingEvents.slice(i, i + rows * 3));
      i += rows * 3;
    }
    pendingEvents.length = 0;
  }

  function leaseEvent(event: 'granted' | 'released' | 'declined', row: Pick<LeaseRow, 'ip' | 'mac' | 'expires_at' | 'hostname'>, now: number, vendor?: VendorProfile): void {
    const at = new Date(now).toISOString();
    const data: Record<string, unknown> = { event, mac: row.mac, ip: intToIp(row.ip), at };
    if (event !== 'released') data.expires_at = new Date(row.expires_at).toISOString();
    if (row.hostname) data.hostname = row.hostname;
    if (vendor) data.vendor = vendor.id;
    emit('lease', data, at);
  }

  // Option 55 of the request being decided, as codes and as text: the evidence, the reply options
  // and the lease row each need it, and a request is decided in one go.
  let paramsOf: DhcpPacket | undefined;
  let paramCodes: number[] = [];
  let paramText = '';
  function loadParams(p: DhcpPacket): void {
    if (paramsOf === p) return;
    paramsOf = p;
    paramCodes = parameterList(p);
    paramText = paramCodes.join(',');
  }

  // ---------------------------------------------------------------------------------- evidence

  /** What a client said about itself, waiting for `flushEvidence` (the newest per MAC). */
  interface Sighting {
    vendor: VendorProfile;
    model: string | undefined;
    vc: Buffer | undefined;
    params: string;
    hostname: string | null;
    ip: number;
    now: number;
  }
  const pendingEvidence = new Map<string, Sighting>();

  /**
   * Evidence for the hub about phones the site does not know (PCs in `full` mode are not reported,
   * and known devices' evidence is already on their lease row): noted here, written by
   * `flushEvidence` (see there for why not in the request's own transaction).
   */
  function observe(mac: string, p: DhcpPacket, vendor: VendorProfile | undefined, model: string | undefined, ip: number, now: number): void {
    if (!vendor) return;
    const vc = p.options.get(OPT.VENDOR_CLASS);
    loadParams(p);
    const params = paramText;
    const hostname = optionText(p, OPT.HOSTNAME) ?? null;
    const fp = `${vc?.toString('hex') ?? ''}|${params}|${hostname ?? ''}`;
    const seen = observed.get(mac);
    if (seen && seen.fp === fp && now - seen.at < OBSERVE_PERIOD_MS) return;
    if (observed.size >= 100_000) observed.clear();
    observed.set(mac, { fp, at: now });
    if (deps.knownMac(mac)) return;
    // Bounded like `observed`: a flush that keeps failing must not grow this without end.
    if (pendingEvidence.size >= 100_000) pendingEvidence.clear();
    pendingEvidence.set(mac, { vendor, model, vc, params, hostname, ip, now });
  }

  /**
   * Records one sighting, and reports it when new or changed, or again after `unknownReportIntervalMs`.
   * One statement records the evidence and decides whether a report is due (never reported, the
   * evidence changed, or the last report is at or before the cutoff): a due report is recorded as
   * made at the sighting, so `reported_at` comes back equal to it exactly when the event is due.
   */
  function recordSighting(mac: string, s: Sighting): void {
    const at = new Date(s.now).toISOString();
    const evidence: Record<string, unknown> = {
      protocol: 'dhcp',
      dhcp_vendor_class: s.vc ? printable(s.vc) : null,
      dhcp_params: s.params,
      hostname: s.hostname,
      vendor_guess: s.vendor.id,
      oui_vendor: vendorFromMac(mac)?.id ?? null,
    };
    if (s.model) evidence.model = s.model;
    const cutoff = new Date(s.now - o.unknownReportIntervalMs).toISOString();
    const row = upsertClient.get(mac, s.vendor.id, s.model ?? null, s.vc ?? null, s.params, s.hostname, at, at, at, JSON.stringify(evidence), cutoff, cutoff) as { first_seen: string; reported_at: string };
    if (row.reported_at === at) emit('unknown_device', { mac, ip: s.ip ? intToIp(s.ip) : null, at, first_seen: row.first_seen, last_seen: at, evidence }, at);
  }

  function writeEvidence(): void {
    for (const [mac, s] of pendingEvidence) recordSighting(mac, s);
    pendingEvidence.clear();
    writeEvents();
  }
  // Not in the request's own transaction: evidence is no promise to the phone (the durability rule
  // is the lease's), and written by each group commit it cost a new phone about a third of its CPU
  // (a leaf of dhcp_clients' MAC index and one of the outbox for a row or two each); flushed every
  // few hundred ms, the rows of many phones share their pages. A crash loses what was noted since
  // the last flush: such a phone is reported at its next DHCP message after the restart.
  const evidenceTx = db.transaction(writeEvidence);

  // ---------------------------------------------------------------------------------- addresses

  // Offers are held in memory, not in SQLite: an offer needs no durability (after a restart the
  // client REQUESTs or DISCOVERs again), and a DISCOVER then writes nothing, so only the ACK
  // commits. `fifo` keeps them in the order they expire (the TTL is constant).
  const offers = new Map<number, Offer>();
  const offerOf = new Map<string, Offer>();
  const fifo: Offer[] = [];
  let fifoHead = 0;
  /** Per pool (by range): the next never-used address to try, above every row and every offer made. */
  const freshCursor = new Map<string, number>();
  /** Per pool: addresses whose offer expired unused (never given a row), oldest first. */
  const reclaimed = new Map<string, { ips: number[]; head: number }>();

  const activeOffer = (ip: number, now: number): Offer | undefined => {
    const off = offers.get(ip);
    return off && off.expiresAt > now ? off : undefined;
  };

  function dropOffer(off: Offer | undefined): void {
    if (!off) return;
    if (offers.get(off.ip) === off) offers.delete(off.ip);
    if (offerOf.get(off.mac) === off) offerOf.delete(off.mac);
  }

  /** Forgets offers that expired or were replaced; one that expired unused leaves a hole to reuse. */
  function trimOffers(now: number): void {
    while (fifoHead < fifo.length) {
      const head = fifo[fifoHead]!;
      const current = offers.get(head.ip) === head;
      if (current && head.expiresAt > now) break;
      if (current) dropOffer(head);
      if (!head.bound) {
        let q = reclaimed.get(head.pool);
        if (!q) reclaimed.set(head.pool, (q = { ips: [], head: 0 }));
        q.ips.push(head.ip);
      }
      fifoHead++;
    }
    if (fifoHead > 1024 && fifoHead * 2 > fifo.length) {
      fifo.splice(0, fifoHead);
      fifoHead = 0;
    }
  }

  function makeOffer(pool: DhcpPool, ip: number, mac: string, now: number, withoutRows: boolean): void {
    const prior = offerOf.get(mac);
    // A retransmitted DISCOVER renews the offer without looking for the MAC's rows again.
    if (prior && prior.ip === ip && prior.withoutRows) withoutRows = true;
    dropOffer(prior);
    dropOffer(offers.get(ip));
    const off: Offer = { ip, mac, pool: `${pool.start}-${pool.end}`, expiresAt: now + o.offerTtlMs, bound: false, withoutRows };
    offers.set(ip, off);
    offerOf.set(mac, off);
    fifo.push(off);
    trimOffers(now);
  }

  const reservedForOther = (plan: DhcpPlan, ip: number, mac: string): boolean => {
    const owner = plan.reservedIps.get(ip);
    return owner !== undefined && owner !== mac;
  };
  const inRange = (pool: DhcpPool, ip: number): boolean => ip >= pool.start && ip <= pool.end;
  /** A row that keeps `ip` from `mac`: another client's live row, or the client's own declined address. */
  const heldAgainst = (row: LeaseRow | undefined, mac: string, now: number): boolean =>
    row !== undefined && row.expires_at > now && (row.mac !== mac || row.state === 'declined');
  /** Held for another client: by a lease row or a pending offer. */
  const heldFor = (ip: number, mac: string, now: number): boolean => {
    const off = activeOffer(ip, now);
    return (off !== undefined && off.mac !== mac) || heldAgainst(store.byIp(ip), mac, now);
  };
  const offeredToOther = (ip: number, mac: string, now: number): boolean => {
    const off = activeOffer(ip, now);
    return off !== undefined && off.mac !== mac;
  };

  /** The client's reservation in this pool's network, when nobody else holds it. */
  function reservation(plan: DhcpPlan, pool: DhcpPool, mac: string, now: number): number | undefined {
    const r = plan.byMac.get(mac);
    if (!r || !assignable(plan, pool, r.ip)) return undefined;
    return heldFor(r.ip, mac, now) ? undefined : r.ip;
  }

  /** May `mac` be bound to `ip` from `pool`? */
  function mayHold(plan: DhcpPlan, pool: DhcpPool, mac: string, ip: number, now: number): boolean {
    if (!assignable(plan, pool, ip) || reservedForOther(plan, ip, mac)) return false;
    const reserved = plan.byMac.get(mac);
    if (!inRange(pool, ip) && reserved?.ip !== ip) return false;
    if (heldFor(ip, mac, now)) return false;
    // A client with a free reservation moves there (Kea does the same): it is NAKed elsewhere.
    const mine = reservation(plan, pool, mac, now);
    return mine === undefined || mine === ip;
  }

  /** A never-used address may be given: assignable, nobody's reservation, not offered to another client. */
  const fresh = (plan: DhcpPlan, pool: DhcpPool, ip: number, mac: string, now: number): boolean =>
    assignable(plan, pool, ip) && !plan.reservedIps.has(ip) && !offeredToOther(ip, mac, now);

  /** Set by `pick`: the MAC it last looked up has no lease row at all. */
  let pickedWithoutRows = false;

  function pick(plan: DhcpPlan, pool: DhcpPool, mac: string, requested: number | undefined, now: number): number | undefined {
    pickedWithoutRows = false;
    const key = `${pool.start}-${pool.end}`;
    const reserved = reservation(plan, pool, mac, now);
    if (reserved !== undefined) return reserved;
    const pending = offerOf.get(mac);
    if (pending && pending.expiresAt > now && mayHold(plan, pool, mac, pending.ip, now)) return pending.ip;
    const mine = store.latestForMac(mac);
    // latestForMac sees every row releaseOthers would end (declined ones are neither's concern).
    pickedWithoutRows = mine === undefined;
    if (mine && mayHold(plan, pool, mac, mine.ip, now)) return mine.ip;
    if (requested !== undefined && inRange(pool, requested) && mayHold(plan, pool, mac, requested, now)) return requested;
    // Never used: above every row and every offer made (an index probe and a cursor, not a scan).
    const max = store.maxIn(pool.start, pool.end);
    let ip = Math.max(max === undefined ? pool.start : max + 1, freshCursor.get(key) ?? pool.start);
    for (; ip <= pool.end; ip++) {
      if (fresh(plan, pool, ip, mac, now)) {
        freshCursor.set(key, ip + 1);
        return ip;
      }
    }
    freshCursor.set(key, ip);
    // Addresses offered and never taken: a DISCOVER flood cannot pin the pool for longer than the offer TTL.
    trimOffers(now);
    const q = reclaimed.get(key);
    while (q && q.head < q.ips.length) {
      const candidate = q.ips[q.head++]!;
      if (q.head > 1024 && q.head * 2 > q.ips.length) {
        q.ips.splice(0, q.head);
        q.head = 0;
      }
      if (inRange(pool, candidate) && fresh(plan, pool, candidate, mac, now) && !heldAgainst(store.byIp(candidate), mac, now)) return candidate;
    }
    // Leases free longest (expired, released, quarantine over).
    let reuse: number | undefined;
    for (const row of store.reusable(pool.start, pool.end, now)) {
      if (assignable(plan, pool, row.ip) && !reservedForOther(plan, row.ip, mac) && !offeredToOther(row.ip, mac, now)) {
        reuse = row.ip;
        break;
      }
    }
    if (reuse !== undefined) return reuse;
    // Gaps between rows (an address taken above the never-used mark, a pool edited, rows removed
    // by hand): searched once, then remembered as none until a new row is written.
    if (holeFree.has(key) || max === undefined) return undefined;
    for (let at = pool.start; at < max; ) {
      // The first address without a row at or after `at`: `at` itself, or just after a row.
      const candidate = store.byIp(at) === undefined ? at : store.holeIn(at, max);
      if (candidate === undefined || candidate >= max) break;
      let next = candidate;
      for (; next < max && store.byIp(next) === undefined; next++) {
        if (fresh(plan, pool, next, mac, now)) return next;
      }
      at = next;
    }
    holeFree.add(key);
    return undefined;
  }

  // ---------------------------------------------------------------------------------- replies

  function target(p: DhcpPacket, kind: ReplyKind): ReplyTarget {
    if (p.giaddr !== '0.0.0.0') return { address: p.giaddr, port: o.serverPort, broadcast: false };
    if (kind !== 'nak' && p.ciaddr !== '0.0.0.0') return { address: p.ciaddr, port: o.clientPort, broadcast: false };
    return { address: BROADCAST, port: o.clientPort, broadcast: true };
  }

  /**
   * Encodes within the client's limit. When the reply would not fit, the least important option
   * goes first (the last one that is not 53, 54 or an echoed 61/82), and so on.
   */
  function finish(message: DhcpMessage, p: DhcpPacket, to: ReplyTarget): NonNullable<Decision['reply']> {
    const maxLength = Math.min(MAX_REPLY, maxMessageSize(p));
    const opts = [...message.options];
    for (;;) {
      const m: DhcpMessage = { ...message, options: opts };
      const bytes = encodePacket(m, { maxLength });
      if (bytes) return { message: m, bytes, to };
      let drop = opts.length - 1;
      while (drop >= 2 && (opts[drop]![0] === OPT.CLIENT_ID || opts[drop]![0] === OPT.RELAY_AGENT)) drop--;
      if (drop < 2) {
        // Only 53, 54 and the echoes are left: send them at the largest size a reply may have.
        return { message: m, bytes: encodePacket(m, { maxLength: MAX_REPLY })!, to };
      }
      opts.splice(drop, 1);
    }
  }

  /**
   * 53, 54 and replyOptions' list without the echoes: the same for every phone of a vendor asking
   * the same way, so it is computed once per plan (a new plan is a new object) and time-offset half
   * hour, not once per reply. The cached values are shared: nothing downstream mutates them.
   */
  const optionMemo = new WeakMap<DhcpPlan, { halfHour: number; byKey: Map<string, ReadonlyArray<readonly [number, Buffer]>> }>();
  function commonOptions(
    plan: DhcpPlan, pool: DhcpPool, kind: 'offer' | 'ack' | 'inform', vendor: VendorProfile | undefined, requested: number[], requestedText: string,
    hostname: string | undefined, now: number,
  ): ReadonlyArray<readonly [number, Buffer]> {
    const halfHour = Math.floor(now / 1_800_000);
    let memo = optionMemo.get(plan);
    if (!memo || memo.halfHour !== halfHour || memo.byKey.size > 1000) optionMemo.set(plan, (memo = { halfHour, byKey: new Map() }));
    const key = `${pool.start}-${pool.end}|${kind}|${vendor?.id ?? ''}|${requestedText}|${hostname ?? ''}`;
    let options = memo.byKey.get(key);
    if (!options) {
      options = [
        [OPT.MESSAGE_TYPE, Buffer.from([kind === 'offer' ? DHCP_MESSAGE.OFFER : DHCP_MESSAGE.ACK])],
        [OPT.SERVER_ID, ipBytes(plan.serverIp)],
        ...replyOptions({ plan, pool, kind, vendor, requested, now: new Date(now), ...(hostname ? { hostname } : {}) }),
      ];
      memo.byKey.set(key, options);
    }
    return options;
  }

  function replyFor(
    p: DhcpPacket, plan: DhcpPlan, pool: DhcpPool, kind: 'offer' | 'ack' | 'inform', yiaddr: number, vendor: VendorProfile | undefined, hostname: string | undefined, now: number,
  ): Decision['reply'] {
    const clientId = p.options.get(OPT.CLIENT_ID);
    const relayAgent = p.giaddr !== '0.0.0.0' ? p.options.get(OPT.RELAY_AGENT) : undefined;
    loadParams(p);
    const options = [...commonOptions(plan, pool, kind, vendor, paramCodes, paramText, hostname, now)];
    // The echoes go last, after everything replyOptions would have put before them.
    if (clientId) options.push([OPT.CLIENT_ID, clientId]);
    if (relayAgent) options.push([OPT.RELAY_AGENT, relayAgent]);
    const message: DhcpMessage = {
      op: BOOTREPLY, htype: p.htype, hlen: p.hlen, xid: p.xid, flags: p.flags,
      ciaddr: kind === 'offer' ? '0.0.0.0' : p.ciaddr,
      yiaddr: kind === 'inform' ? '0.0.0.0' : intToIp(yiaddr),
      siaddr: intToIp(plan.provisioningIp),
      giaddr: p.giaddr,
      chaddr: p.chaddr,
      options,
    };
    return finish(message, p, target(p, kind));
  }

  function nak(p: DhcpPacket, plan: DhcpPlan, mac: string, reason: string, ip?: number): Decision {
    const options: Array<readonly [number, Buffer]> = [
      [OPT.MESSAGE_TYPE, Buffer.from([DHCP_MESSAGE.NAK])],
      [OPT.SERVER_ID, ipBytes(plan.serverIp)],
      [OPT.MESSAGE, Buffer.from(reason, 'latin1')],
    ];
    const clientId = p.options.get(OPT.CLIENT_ID);
    if (clientId) options.push([OPT.CLIENT_ID, clientId]);
    const relayAgent = p.giaddr !== '0.0.0.0' ? p.options.get(OPT.RELAY_AGENT) : undefined;
    if (relayAgent) options.push([OPT.RELAY_AGENT, relayAgent]);
    const message: DhcpMessage = {
      op: BOOTREPLY, htype: p.htype, hlen: p.hlen, xid: p.xid,
      // RFC 2131 §4.1: a relay is told to broadcast the NAK to the client.
      flags: p.giaddr !== '0.0.0.0' ? p.flags | BROADCAST_FLAG : p.flags,
      giaddr: p.giaddr, chaddr: p.chaddr, options,
    };
    const d: Decision = { outcome: 'nak', reason, mac, reply: finish(message, p, target(p, 'nak')) };
    if (ip !== undefined) d.ip = intToIp(ip);
    return d;
  }

  /** Binds `ip` to the client until now + lease time; a new binding is a `granted` lease event. */
  function bind(plan: DhcpPlan, mac: string, ip: number, p: DhcpPacket, vendor: VendorProfile | undefined, now: number): LeaseRow {
    loadParams(p);
    const row: LeaseRow = {
      ip, mac, state: 'bound', expires_at: now + plan.leaseTimeS * 1000, updated_at: now,
      hostname: optionText(p, OPT.HOSTNAME) ?? null,
      vendor_class: p.options.get(OPT.VENDOR_CLASS) ?? null,
      client_id: p.options.get(OPT.CLIENT_ID) ?? null,
      params: paramText || null,
    };
    const off = offers.get(ip);
    const withoutRows = off !== undefined && off.mac === mac && off.withoutRows;
    if (off) off.bound = true;
    dropOffer(off);
    dropOffer(offerOf.get(mac));
    const prev = store.byIp(ip);
    if (!prev) holeFree.clear();
    store.put(row);
    if (!withoutRows) store.releaseOthers(mac, ip, now);
    if (!prev || prev.mac !== mac || prev.state !== 'bound' || prev.expires_at <= now) leaseEvent('granted', row, now, vendor);
    return row;
  }

  const decided = (outcome: Outcome, reason: string, mac?: string, ip?: number): Decision => {
    const d: Decision = { outcome, reason };
    if (mac !== undefined) d.mac = mac;
    if (ip !== undefined) d.ip = intToIp(ip);
    return d;
  };

  // ---------------------------------------------------------------------------------- messages

  function handleInTx(inbound: Inbound, plan: DhcpPlan): Decision {
    // What the store remembers is only trusted within one request (tests write rows by hand).
    store.forget();
    const p = inbound.packet;
    if (p.op !== BOOTREQUEST) return decided('ignored', 'not a BOOTREQUEST');
    const mac = packetMac(p);
    if (!mac) return decided('ignored', `hardware type ${p.htype}/${p.hlen} is not Ethernet`);
    const type = p.type;
    if (type === DHCP_MESSAGE.OFFER || type === DHCP_MESSAGE.ACK || type === DHCP_MESSAGE.NAK) return decided('ignored', 'a server message', mac);
    const now = deps.clock.now().getTime();

    const vcOpt = p.options.get(OPT.VENDOR_CLASS);
    const vc = vcOpt ? vendorFromDhcpVendorClass(vcOpt) : undefined;
    const vendor = (vc ? vendorById(vc.vendor) : undefined) ?? vendorFromMac(mac);
    if (plan.mode === 'known-only' && !vendor && !plan.byMac.has(mac) && !deps.knownMac(mac)) {
      return decided('ignored', 'known-only: neither a known MAC nor a phone');
    }
    const withVendor = (d: Decision): Decision => {
      if (vendor) d.vendor = vendor.id;
      return d;
    };

    const giaddr = ipToInt(p.giaddr) ?? 0;
    const ciaddr = ipToInt(p.ciaddr) ?? 0;
    const requested = optionIp(p, OPT.REQUESTED_IP);
    const requestedIp = requested !== undefined ? ipToInt(requested) : undefined;
    const serverIdText = optionIp(p, OPT.SERVER_ID);
    const serverId = serverIdText !== undefined ? ipToInt(serverIdText) : undefined;
    const hostnameFor = (ip: number): string | undefined => {
      const r = plan.byMac.get(mac);
      return r && r.ip === ip ? r.hostname : undefined;
    };

    switch (type) {
      case DHCP_MESSAGE.DISCOVER: {
        const pool = poolFor(plan, giaddr);
        if (!pool) return withVendor(decided('no-pool', giaddr ? `no pool holds the relay address ${p.giaddr}` : 'no pool holds the server address', mac));
        observe(mac, p, vendor, vc?.model, 0, now);
        const ip = pick(plan, pool, mac, requestedIp, now);
        if (ip === undefined) return withVendor(decided('pool-exhausted', `no free address in ${intToIp(pool.start)}–${intToIp(pool.end)}`, mac));
        makeOffer(pool, ip, mac, now, pickedWithoutRows);
        const d = withVendor(decided('offer', 'offered', mac, ip));
        d.reply = replyFor(p, plan, pool, 'offer', ip, vendor, hostnameFor(ip), now);
        return d;
      }

      case DHCP_MESSAGE.REQUEST: {
        if (serverId !== undefined) {
          // SELECTING: the client has chosen among the OFFERs.
          if (serverId !== plan.serverIp) {
            dropOffer(offerOf.get(mac));
            return withVendor(decided('not-for-us', `the client chose server ${serverIdText}`, mac));
          }
          const ip = requestedIp ?? (ciaddr || undefined);
          if (ip === undefined) return withVendor(decided('ignored', 'REQUEST (selecting) without a requested address', mac));
          const pool = poolFor(plan, giaddr);
          if (!pool) return withVendor(decided('no-pool', 'no pool for the client', mac));
          observe(mac, p, vendor, vc?.model, ip, now);
          if (!mayHold(plan, pool, mac, ip, now)) return withVendor(nak(p, plan, mac, 'requested address not available', ip));
          bind(plan, mac, ip, p, vendor, now);
          const d = withVendor(decided('ack', 'selecting', mac, ip));
          d.reply = replyFor(p, plan, pool, 'ack', ip, vendor, hostnameFor(ip), now);
          return d;
        }
        if (ciaddr === 0 && requestedIp !== undefined) {
          // INIT-REBOOT: a client checking the address it remembers.
          const pool = poolFor(plan, giaddr);
          if (!pool) return withVendor(decided('no-pool', 'no pool for the client', mac));
          if (!sameNetwork(pool.network, requestedIp, pool.mask)) return withVendor(nak(p, plan, mac, 'wrong network', requestedIp));
          const row = store.byIp(requestedIp);
          if (row && row.mac === mac && row.state !== 'declined' && mayHold(plan, pool, mac, requestedIp, now)) {
            observe(mac, p, vendor, vc?.model, requestedIp, now);
            bind(plan, mac, requestedIp, p, vendor, now);
            const d = withVendor(decided('ack', 'init-reboot', mac, requestedIp));
            d.reply = replyFor(p, plan, pool, 'ack', requestedIp, vendor, hostnameFor(requestedIp), now);
            return d;
          }
          if (!o.authoritative && !store.latestForMac(mac)) return withVendor(decided('silent', 'init-reboot from a client without a record (not authoritative)', mac, requestedIp));
          return withVendor(nak(p, plan, mac, row && row.mac === mac ? 'address no longer available' : 'address not leased to this client', requestedIp));
        }
        if (ciaddr !== 0) {
          // RENEWING (unicast) or REBINDING (broadcast): the client has the address configured.
          const pool = giaddr ? poolFor(plan, giaddr) : poolHolding(plan, ciaddr);
          if (!pool || !sameNetwork(pool.network, ciaddr, pool.mask)) return withVendor(decided('silent', `${p.ciaddr} is on no network of this server`, mac, ciaddr));
          const row = store.byIp(ciaddr);
          if (row && row.mac === mac && row.state !== 'declined' && mayHold(plan, pool, mac, ciaddr, now)) {
            observe(mac, p, vendor, vc?.model, ciaddr, now);
            bind(plan, mac, ciaddr, p, vendor, now);
            const d = withVendor(decided('ack', inbound.source.address === p.ciaddr ? 'renewing' : 'rebinding', mac, ciaddr));
            d.reply = replyFor(p, plan, pool, 'ack', ciaddr, vendor, hostnameFor(ciaddr), now);
            return d;
          }
          if (!o.authoritative && !row) return withVendor(decided('silent', 'renewal of an address without a record (not authoritative)', mac, ciaddr));
          return withVendor(nak(p, plan, mac, row && row.mac === mac ? 'address no longer available' : 'address not leased to this client', ciaddr));
        }
        return withVendor(decided('ignored', 'REQUEST without server id, requested address or ciaddr', mac));
      }

      case DHCP_MESSAGE.DECLINE: {
        if (serverId !== undefined && serverId !== plan.serverIp) return withVendor(decided('not-for-us', `DECLINE for server ${serverIdText}`, mac));
        if (requestedIp === undefined) return withVendor(decided('ignored', 'DECLINE without the declined address', mac));
        const row = store.byIp(requestedIp);
        if (!row || row.mac !== mac || row.state === 'declined') return withVendor(decided('silent', 'DECLINE for an address not offered to this client', mac, requestedIp));
        const until = now + o.declineQuarantineMs;
        store.setState(requestedIp, 'declined', until, now);
        leaseEvent('declined', { ...row, expires_at: until }, now, vendor);
        return withVendor(decided('declined', `quarantined until ${new Date(until).toISOString()}`, mac, requestedIp));
      }

      case DHCP_MESSAGE.RELEASE: {
        if (serverId !== undefined && serverId !== plan.serverIp) return withVendor(decided('not-for-us', `RELEASE for server ${serverIdText}`, mac));
        const row = ciaddr ? store.byIp(ciaddr) : undefined;
        if (!row || row.mac !== mac || row.state === 'declined' || row.expires_at <= now) {
          return withVendor(decided('silent', 'RELEASE of an address not leased to this client', mac, ciaddr || undefined));
        }
        store.setState(ciaddr, 'released' satisfies LeaseState, now, now);
        leaseEvent('released', row, now, vendor);
        return withVendor(decided('released', 'released', mac, ciaddr));
      }

      case DHCP_MESSAGE.INFORM: {
        // The client has an address (configured by hand or by another server) and wants options.
        const addr = ciaddr || (ipToInt(inbound.source.address) ?? 0);
        const pool = giaddr ? poolFor(plan, giaddr) : (addr ? poolHolding(plan, addr) : undefined) ?? poolFor(plan, 0);
        if (!pool) return withVendor(decided('no-pool', 'INFORM from a network no pool serves', mac));
        observe(mac, p, vendor, vc?.model, addr, now);
        const d = withVendor(decided('inform', 'options without a lease', mac, addr || undefined));
        d.reply = replyFor(p, plan, pool, 'inform', 0, vendor, undefined, now);
        return d;
      }

      default:
        return withVendor(decided('ignored', `message type ${type}`, mac));
    }
  }

  // No savepoint per request on the fast path: each would copy the pages it touches into a
  // sub-journal, ~15 % of an exchange. Atomicity per request comes from the fallback instead.
  const batchTx = db.transaction((inbounds: readonly Inbound[], plan: DhcpPlan) => {
    const decisions = inbounds.map((i) => handleInTx(i, plan));
    writeEvents();
    return decisions;
  });
  /** One request in its own transaction (a savepoint inside the caller's), its events with it. */
  const oneInTx = (inbound: Inbound, plan: DhcpPlan, evidence: boolean): Decision =>
    store.transaction(() => {
      const d = handleInTx(inbound, plan);
      if (evidence) writeEvidence();
      else writeEvents();
      return d;
    });

  function handleBatch(inbounds: readonly Inbound[], plan: DhcpPlan): Array<Decision | Error> {
    if (inbounds.length === 0) return [];
    try {
      return batchTx(inbounds, plan);
    } catch {
      // Rolled back: what the memo and the store's MAC map say was written may not be (the offers
      // in memory stay: a retried DISCOVER gets the same address, which is what the client expects),
      // and the events noted for the batch were never inserted.
      pendingEvents.length = 0;
      observed.clear();
      store.forget();
      store.reload();
      return inbounds.map((i) => {
        try {
          return oneInTx(i, plan, false);
        } catch (err) {
          pendingEvents.length = 0;
          return err instanceof Error ? err : new Error(String(err));
        }
      });
    }
  }

  return {
    // One transaction per request: the evidence, the lease and the outbox event commit together
    // (and once), before the reply is sent.
    handle: (inbound, plan) => {
      try {
        return oneInTx(inbound, plan, true);
      } catch (err) {
        pendingEvents.length = 0;
        throw err;
      }
    },
    handleBatch,
    flushEvidence() {
      if (pendingEvidence.size === 0) return;
      try {
        evidenceTx();
      } catch (err) {
        pendingEvents.length = 0;
        throw err;
      }
    },
    get evidencePending() {
      return pendingEvidence.size;
    },
    leaseOwner(ip) {
      const n = ipToInt(ip);
      return n === undefined ? undefined : store.owner(n, deps.clock.now().getTime())?.mac;
    },
    leaseInfo(ip) {
      const n = ipToInt(ip);
      const row = n === undefined ? undefined : store.owner(n, deps.clock.now().getTime());
      if (!row) return undefined;
      const info: LeaseInfo = { mac: row.mac, ip: intToIp(row.ip), expiresAt: new Date(row.expires_at).toISOString() };
      if (row.hostname) info.hostname = row.hostname;
      if (row.vendor_class) info.vendorClass = row.vendor_class;
      if (row.params) info.params = row.params;
      return info;
    },
    poolUse(plan) {
      store.forget();
      const now = deps.clock.now().getTime();
      let size = 0;
      let used = 0;
      for (const pool of plan.pools) {
        size += pool.end - pool.start + 1;
        for (const ip of [pool.network, pool.broadcast, plan.serverIp, pool.router]) if (ip !== undefined && inRange(pool, ip)) size--;
        used += store.countHeld(pool.start, pool.end, now);
      }
      for (const off of offers.values()) {
        if (off.expiresAt <= now || !plan.pools.some((pool) => inRange(pool, off.ip))) continue;
        const row = store.byIp(off.ip);
        if (!row || row.expires_at <= now) used++;
      }
      return { size, used };
    },
  };
}
