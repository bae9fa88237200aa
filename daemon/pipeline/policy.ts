/**
 * Who gets a device file, and what is recorded (DESIGN §4). Authenticated and lease-bound
 * requests are always served and never counted. Anything else is a bootstrap: the first device
 * file starts a session for (device, client IP) that lasts the session window, every further
 * file of that boot belongs to it, and sessions are counted against the device's limit — past it
 * the request is refused and a security event raised. Decision and record share one transaction,
 * so a served bootstrap can never be missing from the counter or the outbox.
 */
import { DEFAULT_PROVISION_LIMIT, DEFAULT_SESSION_WINDOW_S } from '../../shared/domain.js';
import type { Cache } from '../cache/index.js';
import { sessionsUsed } from '../../shared/sync/counter.js';

export type Access = 'authenticated' | 'lease' | 'bootstrap';

export interface DeviceFileRequest {
  mac: string;
  ip: string;
  access: Access;
  userAgent: string | null;
  firmware: string | null;
  /** sha256 of the config about to be served; recorded as what the phone now has. */
  configHash: string;
  path: string;
  protocol: 'http' | 'tftp';
}

export interface Decision {
  allowed: boolean;
  access: Access;
  /** For bootstraps: whether this request opened a new session. */
  session: 'new' | 'continued' | null;
  /** Sessions counted since the last observed reset, after this request. */
  count: number;
  /** 0: unlimited. */
  limit: number;
}

interface CounterRow {
  count: number;
  session_ip: string | null;
  session_started_at: string | null;
}

export interface Policy {
  /** Decides and records in a transaction of its own. */
  deviceFile(req: DeviceFileRequest, now: Date): Decision;
  /**
   * Decides and records in the current turn's group commit (the request path): resolves once the
   * record is committed, so nothing is served that a crash could leave unrecorded. `leaseBound`,
   * when given, is asked inside the transaction: true makes a `bootstrap` request a `lease` one.
   */
  deviceFileGrouped(req: DeviceFileRequest, now: Date, leaseBound?: () => boolean): Promise<Decision>;
  /** Whether a bootstrap from `ip` would be served now (its session is open, or the limit has room). Records nothing. */
  mayBootstrap(mac: string, ip: string, now: Date): boolean;
}

export function createPolicy(cache: Cache): Policy {
  const db = cache.db;
  const getCounter = db.prepare(`SELECT count, session_ip, session_started_at FROM counters WHERE mac = ?`);
  // One statement records the decision: the session (when one starts) and what was seen.
  // Positional parameters (mac, count, session ip, session start, now twice, ip, user agent, config hash):
  // binding an object costs a property lookup per name, on every device file of a storm.
  const record = db.prepare(
    `INSERT INTO counters(mac, count, session_ip, session_started_at, first_seen, last_seen, last_ip, last_user_agent, last_config_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(mac) DO UPDATE SET count = excluded.count, session_ip = excluded.session_ip,
       session_started_at = excluded.session_started_at, first_seen = coalesce(counters.first_seen, excluded.first_seen),
       last_seen = excluded.last_seen, last_ip = excluded.last_ip,
       last_user_agent = coalesce(excluded.last_user_agent, counters.last_user_agent), last_config_hash = excluded.last_config_hash`,
  );
  const outbox = db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES (?, ?, ?)`);

  /** Where a bootstrap from `ip` stands now: inside its open session, or a new one with `used` of `limit` taken. */
  function standing(mac: string, ip: string, now: Date) {
    const device = cache.device(mac);
    const site = cache.site();
    const limit = device?.provision_limit ?? site?.provision_limit ?? DEFAULT_PROVISION_LIMIT;
    const windowMs = (cache.setting<number>('session_window_s') ?? DEFAULT_SESSION_WINDOW_S) * 1000;
    // The hub's slots for this device (other edge DBs, other sites) count too, less their baselines.
    const counter = cache.counterReset(mac);
    const own = { site_id: site?.id, db_id: cache.dbId };
    const row = (getCounter.get(mac) as CounterRow | undefined) ?? { count: 0, session_ip: null, session_started_at: null };
    const open = row.session_ip === ip && row.session_started_at !== null && now.getTime() - Date.parse(row.session_started_at) < windowMs;
    const used = sessionsUsed(row.count, counter, own);
    return { row, open, used, limit, full: limit !== 0 && used >= limit, counter, own };
  }

  /** Runs inside a write transaction (its own, or the turn's group commit's savepoint). */
  const decideInTransaction = (req: DeviceFileRequest, now: Date): Decision => {
    const at = now.toISOString();
    // Read and write inside one BEGIN IMMEDIATE: no other writer can slip in between.
    const { row, open, used, limit, full, counter, own } = standing(req.mac, req.ip, now);
    let { count, session_ip: sessionIp, session_started_at: sessionAt } = row;
    let session: Decision['session'] = null;
    if (req.access === 'bootstrap') {
      if (open) {
        session = 'continued';
      } else {
        if (full) {
          outbox.run('bootstrap_refused', JSON.stringify({ mac: req.mac, ip: req.ip, at, count: used, limit, path: req.path, protocol: req.protocol }), at);
          return { allowed: false, access: req.access, session: null, count: used, limit };
        }
        count++;
        sessionIp = req.ip;
        sessionAt = at;
        session = 'new';
      }
    }
    record.run(req.mac, count, sessionIp, sessionAt, at, at, req.ip, req.userAgent, req.configHash);
    // Counts travel as state (this edge's slot), not as "+1", so replays and reordering are harmless.
    outbox.run(
      'provisioned',
      JSON.stringify({
        mac: req.mac, at, ip: req.ip, user_agent: req.userAgent, firmware: req.firmware, config_hash: req.configHash,
        count, access: req.access, session, path: req.path, protocol: req.protocol,
      }),
      at,
    );
    return { allowed: true, access: req.access, session, count: sessionsUsed(count, counter, own), limit };
  };
  const decide = db.transaction(decideInTransaction);

  return {
    deviceFile: (req, now) => decide.immediate(req, now),
    deviceFileGrouped: (req, now, leaseBound) =>
      cache.groupCommit.run(() => decideInTransaction(req.access === 'bootstrap' && leaseBound?.() ? { ...req, access: 'lease' } : req, now)),
    mayBootstrap(mac, ip, now) {
      const { open, full } = standing(mac, ip, now);
      return open || !full;
    },
  };
}
