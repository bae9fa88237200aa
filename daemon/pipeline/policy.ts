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
  deviceFile(req: DeviceFileRequest, now: Date): Decision;
}

export function createPolicy(cache: Cache): Policy {
  const db = cache.db;
  const getCounter = db.prepare(`SELECT count, session_ip, session_started_at FROM counters WHERE mac = ?`);
  const ensure = db.prepare(`INSERT OR IGNORE INTO counters(mac) VALUES (?)`);
  const startSession = db.prepare(`UPDATE counters SET count = count + 1, session_ip = ?, session_started_at = ? WHERE mac = ?`);
  const seen = db.prepare(
    `UPDATE counters SET first_seen = coalesce(first_seen, @now), last_seen = @now, last_ip = @ip,
       last_user_agent = coalesce(@ua, last_user_agent), last_config_hash = @hash WHERE mac = @mac`,
  );
  const outbox = db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES (?, ?, ?)`);

  const decide = db.transaction((req: DeviceFileRequest, now: Date): Decision => {
    const device = cache.device(req.mac);
    const site = cache.site();
    const limit = device?.provision_limit ?? site?.provision_limit ?? DEFAULT_PROVISION_LIMIT;
    const windowMs = (cache.setting<number>('session_window_s') ?? DEFAULT_SESSION_WINDOW_S) * 1000;
    const baseline = cache.counterReset(req.mac)?.baseline ?? 0;
    const at = now.toISOString();
    ensure.run(req.mac);
    let row = getCounter.get(req.mac) as CounterRow;
    let session: Decision['session'] = null;
    if (req.access === 'bootstrap') {
      const open =
        row.session_ip === req.ip && row.session_started_at !== null && now.getTime() - Date.parse(row.session_started_at) < windowMs;
      if (open) {
        session = 'continued';
      } else {
        const used = Math.max(0, row.count - baseline);
        if (limit !== 0 && used >= limit) {
          outbox.run('bootstrap_refused', JSON.stringify({ mac: req.mac, ip: req.ip, at, count: used, limit, path: req.path, protocol: req.protocol }), at);
          return { allowed: false, access: req.access, session: null, count: used, limit };
        }
        startSession.run(req.ip, at, req.mac);
        row = getCounter.get(req.mac) as CounterRow;
        session = 'new';
      }
    }
    seen.run({ mac: req.mac, now: at, ip: req.ip, ua: req.userAgent, hash: req.configHash });
    // Counts travel as state (this edge's slot), not as "+1", so replays and reordering are harmless.
    outbox.run(
      'provisioned',
      JSON.stringify({
        mac: req.mac, at, ip: req.ip, user_agent: req.userAgent, firmware: req.firmware, config_hash: req.configHash,
        count: row.count, access: req.access, session, path: req.path, protocol: req.protocol,
      }),
      at,
    );
    return { allowed: true, access: req.access, session, count: Math.max(0, row.count - baseline), limit };
  });

  return {
    deviceFile: (req, now) => decide.immediate(req, now),
  };
}
