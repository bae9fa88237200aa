/**
 * The edge's one request pipeline (DESIGN §5), shared by HTTP and TFTP (and DHCP's lease binding):
 * `resolve → authorize → render → respond → record`. It never waits for the hub: everything comes
 * from the SQLite cache, and everything observed is written to the outbox in the same transaction
 * as what caused it.
 *
 * Authorization of a device file (DESIGN §4), in order:
 * 1. HTTP credentials that verify against the device's own provisioning user (Digest MD5/SHA-256 or
 *    Basic): served as `authenticated`, never counted. On the authenticated path (`/secure/…`) bad
 *    or stale credentials get 401 with fresh challenges; on the plain path they are ignored (a phone
 *    may carry unrelated server credentials from its DHCP URL) and the request is judged as if
 *    it carried none.
 * 2. The edge's DHCP leased this MAC the very IP asking (`leaseOwner`): `lease`, never counted.
 * 3. The authenticated path without credentials: a phone only sends credentials after a 401, so
 *    it gets 401 with challenges — unless it is in the middle of its first boot, i.e. this IP
 *    fetched a file naming this device on the plain path (its boot file, or a bootstrap session)
 *    within the session window. Snom's container and Yealink's boot file point a factory phone at
 *    the authenticated URL before it holds any credentials; that request is a bootstrap — while
 *    the policy would serve one; past the limit it gets the 401 too, so a provisioned phone that
 *    rebooted (boot file, then the authenticated URL) can still send the credentials it holds.
 * 4. Anything else is a bootstrap: counted in sessions by the policy, refused past the limit
 *    (HTTP 403, TFTP error 2) with a security event.
 *
 * Boot and common files carry no secrets (the samples use site values and the MAC only), so they
 * are served to anyone asking for a known device, on either path, uncounted. Unknown MACs get 404
 * and a deduplicated `unknown_device` event. A client IP asking for more than
 * `scan_threshold_per_min` distinct unknown or refused MACs in a minute is throttled for a cooling
 * period (HTTP 429, TFTP silence) and reported once per period as a `scan` event.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { DEFAULT_SESSION_WINDOW_S } from '../../shared/domain.js';
import { isProvError } from '../../shared/errors.js';
import { AUTHENTICATED_PATH } from '../../shared/templates/index.js';
import { resolveRequest, vendorFromMac, vendorById, type FileKind, type ResolvedRequest, type VendorId } from '../../shared/vendors/index.js';
import type { Clock } from '../../shared/clock.js';
import type { DeviceRecord } from '../../shared/sync/types.js';
import type { Cache } from '../cache/index.js';
import type { PhoneAuth } from '../http/digest.js';
import { createPolicy, type Access } from './policy.js';
import { configHash, createRenderer, type RenderOptions, type RenderedFile } from './render.js';
import { createScanGuard } from './scan.js';
import type { Metrics } from './metrics.js';

export type Protocol = 'http' | 'tftp';

/** The first segment of the authenticated path, as the normalised request path starts. */
const SECURE_PREFIX = AUTHENTICATED_PATH.replace(/^\/+/, '');

export const DEFAULT_SCAN_THRESHOLD_PER_MIN = 20;

export interface PhoneRequest {
  protocol: Protocol;
  /** `GET` (and HEAD, and a TFTP read) or `PUT` (an upload). */
  method: 'GET' | 'PUT';
  /** The path as normalised by `normaliseRequestPath` (relative, no `..`, printable ASCII). */
  path: string;
  /** The client's IP (IPv4 dotted or IPv6 text, no `::ffff:` prefix). */
  ip: string;
  userAgent?: string | undefined;
  /** HTTP `Authorization` header. */
  authorization?: string | undefined;
  /** HTTP request-target exactly as sent (Digest covers it). */
  uri?: string | undefined;
  /** HTTP `If-None-Match`. */
  ifNoneMatch?: string | undefined;
  /** PUT body (already size-bounded by the server). */
  body?: Buffer | undefined;
  /**
   * The caller writes the request's one log line itself, when the request has really ended (TFTP:
   * at the end of the transfer), with the fields the pipeline leaves in `PhoneAnswer.logFields`:
   * the pipeline's outcome is `answer` there (the caller's line has an `outcome` of its own) and the
   * client is left out (the caller's line names its peer).
   */
  deferLog?: boolean;
}

/**
 * How a request ended. `served` and `not-modified` delivered (or confirmed) a file; `optional` is a
 * normal 404 (firmware, languages, licences); `unmatched` no family asks for such a name.
 */
export type Outcome =
  | 'served'
  | 'not-modified'
  | 'uploaded'
  | 'optional'
  | 'unmatched'
  | 'not-found'
  | 'unknown-device'
  | 'unauthorized'
  | 'refused'
  | 'throttled'
  | 'method-not-allowed'
  | 'error';

export interface PhoneAnswer {
  /** HTTP status; TFTP maps it (200 → DATA, 404 → ERROR 1, 401/403/405 → ERROR 2, 429 → silence, 500 → ERROR 0). */
  status: 200 | 201 | 304 | 401 | 403 | 404 | 405 | 429 | 500;
  outcome: Outcome;
  body?: Buffer;
  contentType?: string;
  /** Quoted sha256 of the body. */
  etag?: string;
  /** `WWW-Authenticate` values for a 401. */
  challenges?: string[];
  vendor?: VendorId;
  kind?: FileKind;
  mac?: string;
  access?: Access;
  /** For bootstraps: whether this request opened a session. */
  session?: 'new' | 'continued' | null;
  /** The request line's fields, when the request asked to write the line itself (`deferLog`). */
  logFields?: Record<string, unknown>;
}

export interface PipelineOptions {
  /** The renderer: where shipped templates live and the render cache's byte budget. */
  render?: RenderOptions;
  /** Scan cooling period. Default 300 000 ms. */
  scanCoolingMs?: number;
  /** An unknown MAC is reported again at most this often (or when its IP changes). Default 1 h. */
  unknownReportIntervalMs?: number;
  /** Uploads kept per MAC (a ring). Default 10. */
  uploadRing?: number;
}

export interface PipelineDeps {
  cache: Cache;
  log: Logger;
  /** The one line per request (fixed, secret-free fields); default `log`. */
  requestLog?: Logger;
  clock: Clock;
  auth: PhoneAuth;
  metrics?: Metrics;
  /** The MAC the edge's DHCP leased `ip` to, if any (issue [4/7] fills it; default: no leases). */
  leaseOwner?: (ip: string) => string | undefined;
}

export interface Pipeline {
  /**
   * Answers at once, or — for a device file, whose decision is recorded in the turn's group
   * commit — once that is committed (within the same event-loop turn). Never rejects.
   */
  handle(req: PhoneRequest): PhoneAnswer | Promise<PhoneAnswer>;
  stats(): { renderEntries: number; scanBlocked: number };
}

/** True when an If-None-Match header lists `etag` (or `*`); weak validators compare equal. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const t = part.trim().replace(/^W\//, '');
    if (t === '*' || t === etag) return true;
  }
  return false;
}

interface SessionRow {
  session_ip: string | null;
  session_started_at: string | null;
}

export function createPipeline(options: PipelineOptions, deps: PipelineDeps): Pipeline {
  const { cache, clock, auth, metrics } = deps;
  const log = deps.log.child({ component: 'pipeline' });
  const requestLog = (deps.requestLog ?? deps.log).child({ component: 'pipeline' });
  const db = cache.db;
  const policy = createPolicy(cache);
  const renderer = createRenderer(cache, metrics, options.render);
  const unknownIntervalMs = options.unknownReportIntervalMs ?? 3_600_000;
  const uploadRing = options.uploadRing ?? 10;
  const scan = createScanGuard({
    threshold: () => cache.setting<number>('scan_threshold_per_min') ?? DEFAULT_SCAN_THRESHOLD_PER_MIN,
    ...(options.scanCoolingMs !== undefined ? { coolingMs: options.scanCoolingMs } : {}),
  });

  const outbox = db.prepare(`INSERT INTO outbox(kind, data, created_at) VALUES (?, ?, ?)`);
  const sessionRow = db.prepare(`SELECT session_ip, session_started_at FROM counters WHERE mac = ?`);
  /**
   * The last plain-path boot file each device fetched, and from where: a first boot that follows
   * the boot file's pointer to the authenticated path without credentials yet is still a bootstrap.
   * In memory, bounded: a restart between a phone's boot file and its config costs that phone one
   * 401 and a retry at its next boot, and a boot storm writes nothing for files without secrets.
   */
  const bootMarks = new LRUCache<string, { ip: string; at: number }>({ max: 100_000 });
  const markBoot = (mac: string, ip: string, at: number): void => void bootMarks.set(mac, { ip, at });
  const getUnknown = db.prepare(`SELECT ip, first_seen, reported_at, requests FROM unknown_devices WHERE mac = ?`);
  const upsertUnknown = db.prepare(
    `INSERT INTO unknown_devices(mac, ip, first_seen, last_seen, requests, evidence) VALUES (@mac, @ip, @now, @now, 1, @evidence)
     ON CONFLICT(mac) DO UPDATE SET ip = excluded.ip, last_seen = excluded.last_seen, requests = requests + 1, evidence = excluded.evidence`,
  );
  const reportedUnknown = db.prepare(`UPDATE unknown_devices SET reported_at = ? WHERE mac = ?`);
  const insertUpload = db.prepare(`INSERT INTO uploads(mac, name, size, sha256, body, ip, at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const trimUploads = db.prepare(
    `DELETE FROM uploads WHERE mac = ? AND id NOT IN (SELECT id FROM uploads WHERE mac = ? ORDER BY id DESC LIMIT ?)`,
  );

  const windowMs = (): number => (cache.setting<number>('session_window_s') ?? DEFAULT_SESSION_WINDOW_S) * 1000;

  const recordUnknown = db.transaction((p: { mac: string; ip: string; now: Date; evidence: Record<string, unknown> }) => {
    const at = p.now.toISOString();
    const prev = getUnknown.get(p.mac) as { ip: string | null; first_seen: string; reported_at: string | null; requests: number } | undefined;
    upsertUnknown.run({ mac: p.mac, ip: p.ip, now: at, evidence: JSON.stringify(p.evidence) });
    const due = !prev || prev.reported_at === null || prev.ip !== p.ip || p.now.getTime() - Date.parse(prev.reported_at) >= unknownIntervalMs;
    if (!due) return false;
    outbox.run(
      'unknown_device',
      JSON.stringify({
        mac: p.mac, ip: p.ip, at, first_seen: prev?.first_seen ?? at, last_seen: at, requests: (prev?.requests ?? 0) + 1, evidence: p.evidence,
      }),
      at,
    );
    reportedUnknown.run(at, p.mac);
    return true;
  });

  const recordUpload = db.transaction((p: { mac: string; name: string; body: Buffer; ip: string; now: Date; access: Access }) => {
    const at = p.now.toISOString();
    const sha256 = configHash(p.body);
    insertUpload.run(p.mac, p.name, p.body.length, sha256, p.body, p.ip, at);
    trimUploads.run(p.mac, p.mac, uploadRing);
    outbox.run('upload', JSON.stringify({ mac: p.mac, name: p.name, size: p.body.length, sha256, ip: p.ip, at, access: p.access }), at);
  });

  /** An unknown or refused MAC from `ip`: may start a scan block, reported once per block. */
  function noteScan(ip: string, mac: string, now: Date): void {
    const block = scan.note(ip, mac, now.getTime());
    if (!block) return;
    metrics?.scanBlocked();
    const at = now.toISOString();
    outbox.run('scan', JSON.stringify({ ip, at, until: new Date(block.until).toISOString(), macs: block.macs.length, sample: block.macs.slice(0, 10) }), at);
    log.warn({ ip, macs: block.macs.length, until: new Date(block.until).toISOString() }, 'scan: client throttled');
  }

  /** Evidence for the hub about a MAC this edge does not know: what it asked, as whom, from where. */
  function recordUnknownDevice(req: PhoneRequest, r: ResolvedRequest, mac: string, ua: string | undefined, now: Date): void {
    metrics?.unknownDevice();
    const ouiVendor = vendorFromMac(mac)?.id ?? null;
    const evidence: Record<string, unknown> = {
      protocol: req.protocol, path: req.path, user_agent: ua ?? null, vendor_guess: r.via === 'file-name' && ouiVendor ? ouiVendor : r.vendor, oui_vendor: ouiVendor,
    };
    if (r.model) evidence.model = r.model;
    if (r.firmware) evidence.firmware = r.firmware;
    recordUnknown({ mac, ip: req.ip, now, evidence });
  }

  /** A /secure/ request without credentials is a bootstrap only inside a first boot that started on the plain path. */
  function inFirstBoot(mac: string, ip: string, now: Date): boolean {
    const w = windowMs();
    const mark = bootMarks.get(mac);
    if (mark && mark.ip === ip && now.getTime() - mark.at < w) return true;
    const row = sessionRow.get(mac) as SessionRow | undefined;
    return row !== undefined && row.session_ip === ip && row.session_started_at !== null && now.getTime() - Date.parse(row.session_started_at) < w;
  }

  function credentialsFor(device: DeviceRecord) {
    return (username: string) => (username === device.prov_username ? { username, password: device.prov_password } : undefined);
  }

  function finish(req: PhoneRequest, a: PhoneAnswer, r?: ResolvedRequest): PhoneAnswer {
    if (r) {
      a.vendor ??= r.vendor;
      a.kind ??= r.kind;
      if (r.mac) a.mac ??= r.mac;
    }
    metrics?.request({ protocol: req.protocol, vendor: a.vendor ?? 'none', kind: a.kind ?? 'none', outcome: a.outcome });
    // One literal of one shape, absent fields undefined (pino leaves them out): objects grown key by
    // key or spread into each other made the line cost about half as much again to serialise.
    if (req.deferLog) {
      a.logFields = {
        protocol: req.protocol, path: req.path, answer: a.outcome, status: a.status,
        mac: a.mac, vendor: a.vendor, kind: a.kind, access: a.access, session: a.session ?? undefined,
      };
    } else {
      requestLog.info(
        {
          protocol: req.protocol, ip: req.ip, path: req.path, outcome: a.outcome, status: a.status,
          mac: a.mac, vendor: a.vendor, kind: a.kind, access: a.access, session: a.session ?? undefined,
          method: req.method === 'PUT' ? 'PUT' : undefined,
        },
        'phone request',
      );
    }
    return a;
  }

  function respond(req: PhoneRequest, r: ResolvedRequest, file: RenderedFile, extra: Partial<PhoneAnswer>): PhoneAnswer {
    const etag = `"${file.hash}"`;
    if (req.protocol === 'http' && etagMatches(req.ifNoneMatch, etag)) return { status: 304, outcome: 'not-modified', etag, ...extra };
    return { status: 200, outcome: 'served', body: file.body, contentType: r.contentType, etag, ...extra };
  }

  function handleUpload(req: PhoneRequest, r: ResolvedRequest, device: DeviceRecord, secure: boolean, now: Date): PhoneAnswer {
    let access: Access = 'bootstrap';
    if (req.authorization !== undefined) {
      const v = auth.verify('PUT', req.uri ?? `/${req.path}`, req.authorization, credentialsFor(device));
      if (v.ok) access = 'authenticated';
      else if (secure) {
        metrics?.authFailed();
        return { status: 401, outcome: 'unauthorized', challenges: auth.challenges(v.reason === 'stale') };
      }
    } else if (secure) {
      return { status: 401, outcome: 'unauthorized', challenges: auth.challenges() };
    }
    if (access !== 'authenticated' && deps.leaseOwner?.(req.ip) === device.mac) access = 'lease';
    const name = req.path.slice(req.path.lastIndexOf('/') + 1);
    recordUpload({ mac: device.mac, name, body: req.body ?? Buffer.alloc(0), ip: req.ip, now, access });
    metrics?.upload();
    return { status: 201, outcome: 'uploaded', access };
  }

  function handle(req: PhoneRequest): PhoneAnswer | Promise<PhoneAnswer> {
    // Notices another process's commit to the cache file (reads are memoised per generation).
    const generation = cache.generation;
    const now = clock.now();
    if (scan.blocked(req.ip, now.getTime())) return finish(req, { status: 429, outcome: 'throttled' });
    const ua = req.userAgent && req.userAgent.length > 0 ? req.userAgent.slice(0, 512) : undefined;
    const secure = req.protocol === 'http' && req.path.startsWith(SECURE_PREFIX);

    // resolve
    let r = resolveRequest({ path: req.path, ...(ua ? { userAgent: ua } : {}) });
    if (!r) return finish(req, { status: 404, outcome: 'unmatched' });
    let device = r.mac ? cache.device(r.mac) : undefined;
    // The vendor stored for the device decides between families sharing a name (after the User-Agent).
    if (device?.vendor && device.vendor !== r.vendor && r.candidates?.includes(device.vendor as VendorId) && vendorById(device.vendor)) {
      const again = resolveRequest({ path: req.path, ...(ua ? { userAgent: ua } : {}), knownVendor: device.vendor as VendorId });
      if (again) {
        r = again;
        device = r.mac ? cache.device(r.mac) : undefined;
      }
    }

    if (req.method === 'PUT') {
      if (r.kind !== 'upload') return finish(req, { status: 405, outcome: 'method-not-allowed' }, r);
    } else if (!r.template || r.kind === 'upload' || r.kind === 'firmware') {
      // Firmware, languages, licences, GETs of upload names: nothing to serve, and that is normal.
      return finish(req, { status: 404, outcome: r.optional ? 'optional' : 'not-found' }, r);
    }

    const site = cache.site();
    if (!site) {
      log.warn({ path: req.path }, 'the cache holds no site yet: nothing to serve');
      return finish(req, { status: 404, outcome: 'not-found' }, r);
    }

    try {
      // Only a MAC in the file name makes a file the phone's own; one from the User-Agent merely says who asks.
      const named = r.mac !== undefined && req.path.toLowerCase().includes(r.mac);
      if (!named || !r.mac) {
        // A shared file (common CFG, master file, model container): site values only, for anyone.
        const file = renderer.shared(generation, r.vendor, r.template!, site, undefined, r.model);
        if (!file) return finish(req, { status: 404, outcome: 'not-found' }, r);
        if (r.mac && !device) recordUnknownDevice(req, r, r.mac, ua, now);
        return finish(req, respond(req, r, file, {}), r);
      }

      // authorize: is the device ours?
      if (!device) {
        recordUnknownDevice(req, r, r.mac, ua, now);
        noteScan(req.ip, r.mac, now);
        return finish(req, { status: 404, outcome: 'unknown-device' }, r);
      }

      if (req.method === 'PUT') return finish(req, handleUpload(req, r, device, secure, now), r);

      if (r.kind !== 'device') {
        // A boot or common file naming the phone: no secrets in it, so no counting; on the plain
        // path it marks the start of a first boot (see inFirstBoot).
        const file = renderer.shared(generation, r.vendor, r.template!, site, device, r.model);
        if (!file) return finish(req, { status: 404, outcome: 'not-found' }, r);
        if (!secure) markBoot(device.mac, req.ip, now.getTime());
        return finish(req, respond(req, r, file, {}), r);
      }

      // The device file: credentials → lease → first boot on the authenticated path → bootstrap.
      let access: Access | undefined;
      if (req.authorization !== undefined && req.protocol === 'http') {
        const v = auth.verify('GET', req.uri ?? `/${req.path}`, req.authorization, credentialsFor(device));
        if (v.ok) access = 'authenticated';
        else if (secure) {
          metrics?.authFailed();
          if (v.reason !== 'stale') noteScan(req.ip, device.mac, now);
          return finish(req, { status: 401, outcome: 'unauthorized', challenges: auth.challenges(v.reason === 'stale') }, r);
        }
      }
      const owner = device.mac;
      const leaseBound = deps.leaseOwner ? () => deps.leaseOwner!(req.ip) === owner : undefined;
      if (!access && secure) {
        if (leaseBound?.()) access = 'lease';
        // A first boot past its limit is asked for credentials, not refused: a provisioned phone
        // rebooting follows its boot file to the authenticated path without credentials first, and
        // a 403 there would keep it from ever sending the ones it holds.
        else if (!inFirstBoot(device.mac, req.ip, now) || !policy.mayBootstrap(device.mac, req.ip, now)) {
          return finish(req, { status: 401, outcome: 'unauthorized', challenges: auth.challenges() }, r);
        } else access = 'bootstrap';
      }

      // render (nothing leaves before the policy says yes), then decide and record in one transaction:
      // the turn's group commit, so the answer waits for the COMMIT.
      const file = renderer.device(generation, device, site, r.vendor);
      const resolved = r;
      // On the plain path the lease (when no credentials decided) is looked up inside that
      // transaction: one read lock for both, and the lease and the record see the same moment.
      const decided = policy.deviceFileGrouped(
        {
          mac: device.mac, ip: req.ip, access: access ?? 'bootstrap', userAgent: ua ?? null, firmware: r.firmware ?? null, configHash: file.hash,
          path: req.path, protocol: req.protocol,
        },
        now,
        access === undefined ? leaseBound : undefined,
      );
      return decided.then(
        (decision) => {
          if (!decision.allowed) {
            metrics?.bootstrapRefused();
            noteScan(req.ip, owner, now);
            return finish(req, { status: 403, outcome: 'refused', access: decision.access }, resolved);
          }
          return finish(req, respond(req, resolved, file, { access: decision.access, session: decision.session }), resolved);
        },
        (err: unknown) => failed(req, err, resolved),
      );
    } catch (err) {
      return failed(req, err, r);
    }
  }

  function failed(req: PhoneRequest, err: unknown, r: ResolvedRequest): PhoneAnswer {
    log.error({ err: isProvError(err) ? { code: err.code, message: err.message } : err, path: req.path, mac: r.mac }, 'phone request failed');
    return finish(req, { status: 500, outcome: 'error' }, r);
  }

  return {
    handle,
    stats: () => ({ renderEntries: renderer.stats().entries, scanBlocked: scan.blockedCount(clock.now().getTime()) }),
  };
}
