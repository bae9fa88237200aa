/**
 * What the hub keeps about sync, per site: status (online, last seen, acked seq, daemon version,
 * last nack), the "resync site" flag, sync tokens (two active per site for rotation), and the
 * edges' events — stored once per (site, edge DB, outbox id) and folded into device status.
 */
import { timingSafeEqual } from 'node:crypto';
import { ProvError } from '../../shared/errors.js';
import { parseMac } from '../../shared/mac.js';
import type { EdgeEvent } from '../../shared/sync/protocol.js';
import type { Db } from '../db/open.js';
import type { Actor, Writer } from '../db/store.js';
import { recordProvisioned } from '../domain/devices.js';
import { recordSlotCount } from '../domain/counters.js';
import { recordUnknownDevice } from '../domain/discovered.js';
import { getSite, hashToken } from '../domain/sites.js';
import { hubSeq } from './projection.js';

/** Active sync tokens a site may hold at once: the current one and its successor during rotation. */
export const MAX_ACTIVE_TOKENS = 2;

export interface SiteSyncStatus {
  site_id: number;
  online: boolean;
  connected_at: string | null;
  disconnected_at: string | null;
  last_seen: string | null;
  remote: string | null;
  daemon_version: string | null;
  proto: number | null;
  hub_seq: number;
  acked_seq: number | null;
  acked_at: string | null;
  /** hub_seq − acked_seq (null: never acked). */
  lag_seq: number | null;
  /** Change-log rows for this site (its own and global ones) the edge has not acknowledged. */
  pending_changes: number | null;
  last_mode: string | null;
  last_reason: string | null;
  last_nack: { code: string; message: string; seq: number } | null;
  last_nack_at: string | null;
  resync_pending: boolean;
  outbox_db_id: string | null;
  events_up_to: number | null;
  events_at: string | null;
  digest_at: string | null;
  digest_result: string | null;
}

interface SyncSiteRow {
  site_id: number;
  online: number;
  connected_at: string | null;
  disconnected_at: string | null;
  last_seen: string | null;
  remote: string | null;
  daemon_version: string | null;
  proto: number | null;
  sent_seq: number | null;
  acked_seq: number | null;
  acked_at: string | null;
  last_mode: string | null;
  last_reason: string | null;
  last_nack: string | null;
  last_nack_at: string | null;
  force_snapshot: number;
  outbox_db_id: string | null;
  events_up_to: number | null;
  events_at: string | null;
  digest_at: string | null;
  digest_result: string | null;
}

function ensureRow(db: Db, siteId: number): void {
  db.prepare(`INSERT OR IGNORE INTO sync_sites(site_id) VALUES (?)`).run(siteId);
}

export function siteSyncStatus(db: Db, siteId: number): SiteSyncStatus {
  getSite(db, siteId);
  const r = db.prepare(`SELECT * FROM sync_sites WHERE site_id = ?`).get(siteId) as SyncSiteRow | undefined;
  const seq = hubSeq(db);
  const acked = r?.acked_seq ?? null;
  const pending =
    acked === null
      ? null
      : (db.prepare(`SELECT count(*) AS n FROM change_log WHERE seq > ? AND (site_id = ? OR site_id IS NULL)`).get(acked, siteId) as { n: number }).n;
  return {
    site_id: siteId,
    online: r?.online === 1,
    connected_at: r?.connected_at ?? null,
    disconnected_at: r?.disconnected_at ?? null,
    last_seen: r?.last_seen ?? null,
    remote: r?.remote ?? null,
    daemon_version: r?.daemon_version ?? null,
    proto: r?.proto ?? null,
    hub_seq: seq,
    acked_seq: acked,
    acked_at: r?.acked_at ?? null,
    lag_seq: acked === null ? null : Math.max(0, seq - acked),
    pending_changes: pending,
    last_mode: r?.last_mode ?? null,
    last_reason: r?.last_reason ?? null,
    last_nack: r?.last_nack ? (JSON.parse(r.last_nack) as SiteSyncStatus['last_nack']) : null,
    last_nack_at: r?.last_nack_at ?? null,
    resync_pending: r?.force_snapshot === 1,
    outbox_db_id: r?.outbox_db_id ?? null,
    events_up_to: r?.events_up_to ?? null,
    events_at: r?.events_at ?? null,
    digest_at: r?.digest_at ?? null,
    digest_result: r?.digest_result ?? null,
  };
}

/** Nothing is connected when the hub starts. */
export function markAllOffline(db: Db, now: string): void {
  db.prepare(`UPDATE sync_sites SET online = 0, disconnected_at = ? WHERE online = 1`).run(now);
}

export function sessionOpened(db: Db, siteId: number, s: { now: string; remote: string | null }): void {
  ensureRow(db, siteId);
  db.prepare(`UPDATE sync_sites SET online = 1, connected_at = ?, last_seen = ?, remote = ? WHERE site_id = ?`).run(s.now, s.now, s.remote, siteId);
}

export function sessionHello(
  db: Db,
  siteId: number,
  h: { now: string; version: string; proto: number; mode: string; reason: string; db_id: string },
): void {
  ensureRow(db, siteId);
  db.prepare(
    `UPDATE sync_sites SET last_seen = ?, daemon_version = ?, proto = ?, last_mode = ?, last_reason = ?, outbox_db_id = ? WHERE site_id = ?`,
  ).run(h.now, h.version, h.proto, h.mode, h.reason, h.db_id, siteId);
}

export function sessionClosed(db: Db, siteId: number, now: string): void {
  db.prepare(`UPDATE sync_sites SET online = 0, disconnected_at = ?, last_seen = coalesce(last_seen, ?) WHERE site_id = ?`).run(now, now, siteId);
}

export function recordSeen(db: Db, siteId: number, now: string): void {
  db.prepare(`UPDATE sync_sites SET last_seen = ? WHERE site_id = ?`).run(now, siteId);
}

export function recordAck(db: Db, siteId: number, seq: number, now: string): void {
  db.prepare(`UPDATE sync_sites SET acked_seq = ?, acked_at = ?, last_seen = ? WHERE site_id = ?`).run(seq, now, now, siteId);
}

export function recordNack(db: Db, siteId: number, nack: { code: string; message: string; seq: number }, now: string): void {
  db.prepare(`UPDATE sync_sites SET last_nack = ?, last_nack_at = ?, last_seen = ? WHERE site_id = ?`).run(JSON.stringify(nack), now, now, siteId);
}

export function recordDigest(db: Db, siteId: number, result: string, now: string): void {
  db.prepare(`UPDATE sync_sites SET digest_at = ?, digest_result = ?, last_seen = ? WHERE site_id = ?`).run(now, result, now, siteId);
}

/** Whether an admin asked for a snapshot; clears the flag (the caller is about to send one). */
export function takeForceSnapshot(db: Db, siteId: number): boolean {
  return db.prepare(`UPDATE sync_sites SET force_snapshot = 0 WHERE site_id = ? AND force_snapshot = 1`).run(siteId).changes > 0;
}

export function forceSnapshotPending(db: Db, siteId: number): boolean {
  return (db.prepare(`SELECT force_snapshot FROM sync_sites WHERE site_id = ?`).get(siteId) as { force_snapshot: number } | undefined)?.force_snapshot === 1;
}

/** "Resync site": the site's edge gets a snapshot now if it is connected, or at its next hello. */
export function requestResync(w: Writer, siteId: number): void {
  getSite(w.db, siteId);
  ensureRow(w.db, siteId);
  w.db.prepare(`UPDATE sync_sites SET force_snapshot = 1 WHERE site_id = ?`).run(siteId);
  w.audit({ action: 'site.resync', target_type: 'site', target_id: siteId });
  w.signal({ kind: 'resync', site_id: siteId });
}

export interface SiteTokenView {
  id: number;
  site_id: number;
  created_at: string;
  revoked_at: string | null;
}

export function listSiteTokens(db: Db, siteId: number): SiteTokenView[] {
  getSite(db, siteId);
  return db.prepare(`SELECT id, site_id, created_at, revoked_at FROM site_tokens WHERE site_id = ? ORDER BY id`).all(siteId) as SiteTokenView[];
}

/** Revokes a token; a sync socket opened with it is closed (signalled to the sync server). */
export function revokeSiteToken(w: Writer, siteId: number, tokenId: number): void {
  getSite(w.db, siteId);
  const row = w.db.prepare(`SELECT id, revoked_at FROM site_tokens WHERE id = ? AND site_id = ?`).get(tokenId, siteId) as
    | { id: number; revoked_at: string | null }
    | undefined;
  if (!row) throw new ProvError('NOT_FOUND', `site ${siteId} has no sync token ${tokenId}`, { site_id: siteId, token_id: tokenId });
  if (row.revoked_at !== null) return;
  w.db.prepare(`UPDATE site_tokens SET revoked_at = ? WHERE id = ?`).run(w.now, tokenId);
  w.audit({ action: 'site.token.revoke', target_type: 'site', target_id: siteId, after: { token_id: tokenId } });
  w.signal({ kind: 'token-revoked', site_id: siteId, token_id: tokenId });
}

/**
 * Keeps at most MAX_ACTIVE_TOKENS active: after a new token is issued, the oldest beyond the
 * limit are revoked (their sockets closed). Call in the same write as `addSiteToken`.
 */
export function enforceTokenLimit(w: Writer, siteId: number): number[] {
  const active = w.db.prepare(`SELECT id FROM site_tokens WHERE site_id = ? AND revoked_at IS NULL ORDER BY id DESC`).all(siteId) as { id: number }[];
  const extra = active.slice(MAX_ACTIVE_TOKENS).map((r) => r.id);
  for (const id of extra) revokeSiteToken(w, siteId, id);
  return extra;
}

export interface TokenIdentity {
  site_id: number;
  token_id: number;
}

/**
 * The site a bearer token belongs to, or undefined. The token is hashed (SHA-256) and looked up by
 * its hash; the stored hash is then compared in constant time. The site comes from here only,
 * never from anything the edge says.
 */
export function authenticateSiteToken(db: Db, token: string): TokenIdentity | undefined {
  if (token.length === 0 || token.length > 200) return undefined;
  const hash = hashToken(token);
  const row = db.prepare(`SELECT id, site_id, token_hash FROM site_tokens WHERE token_hash = ? AND revoked_at IS NULL`).get(hash) as
    | { id: number; site_id: number; token_hash: string }
    | undefined;
  if (!row) return undefined;
  const a = Buffer.from(row.token_hash, 'hex');
  const b = Buffer.from(hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  return { site_id: row.site_id, token_id: row.id };
}

export function tokenActive(db: Db, tokenId: number): boolean {
  return db.prepare(`SELECT 1 FROM site_tokens WHERE id = ? AND revoked_at IS NULL`).get(tokenId) !== undefined;
}

/** The highest outbox id the hub stores for this edge DB (0: none). */
export function eventsUpTo(db: Db, siteId: number, dbId: string): number {
  return (db.prepare(`SELECT coalesce(max(seq), 0) AS n FROM sync_events WHERE site_id = ? AND db_id = ?`).get(siteId, dbId) as { n: number }).n;
}

export interface IngestResult {
  /** Events stored now (duplicates are not). */
  stored: number;
  duplicates: number;
  /** The highest id of the batch: the edge may prune up to it. */
  upTo: number;
}

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** Who an edge's events are written as (audit rows of security events). */
export function edgeActor(siteId: number): Actor {
  return { account_id: null, username: `edge:site-${siteId}`, role: 'system', user_id: null };
}

/** Folds one newly stored event into hub state. Unknown kinds are kept in sync_events only. */
function fold(w: Writer, siteId: number, dbId: string, e: EdgeEvent, receivedAt: string): void {
  const db = w.db;
  const d = (e.data ?? {}) as Record<string, unknown>;
  let mac: string | null = null;
  try {
    mac = typeof d.mac === 'string' ? parseMac(d.mac) : null;
  } catch {
    mac = null;
  }
  switch (e.kind) {
    case 'provisioned': {
      if (mac === null || typeof d.count !== 'number') return;
      // The count is this edge DB's G-counter slot (state, merged by max).
      recordSlotCount(w, siteId, dbId, mac, Math.max(0, Math.floor(d.count)));
      // Status (last seen, IP, config served) only from the edge of the device's site now.
      const dev = db.prepare(`SELECT site_id FROM devices WHERE mac = ?`).get(mac) as { site_id: number } | undefined;
      if (!dev || dev.site_id !== siteId) return;
      recordProvisioned(db, {
        mac, at: str(d.at) ?? e.at, ip: str(d.ip) ?? '', user_agent: str(d.user_agent), firmware: str(d.firmware),
        config_hash: str(d.config_hash) ?? '',
      });
      return;
    }
    case 'unknown_device': {
      if (mac === null) return;
      const evidence = d.evidence !== null && typeof d.evidence === 'object' ? (d.evidence as Record<string, unknown>) : {};
      recordUnknownDevice(db, { site_id: siteId, mac, ip: str(d.ip), at: str(d.at) ?? e.at, evidence: { ...evidence, received_at: receivedAt } });
      return;
    }
    case 'bootstrap_refused':
      w.audit({ action: 'security.bootstrap_refused', target_type: 'device', target_id: mac ?? 'unknown', after: d });
      return;
    case 'scan':
      w.audit({ action: 'security.scan', target_type: 'site', target_id: String(siteId), after: d });
      return;
    default:
      return;
  }
}

/**
 * Stores an edge's events idempotently on (site, edge DB, outbox id) and folds each new one into
 * hub state, in the caller's write (one transaction, run as `edgeActor(site)`): a replayed or
 * duplicated batch stores and changes nothing.
 */
export function ingestEvents(w: Writer, siteId: number, dbId: string, items: readonly EdgeEvent[]): IngestResult {
  const db = w.db;
  const receivedAt = w.now;
  const insert = db.prepare(
    `INSERT OR IGNORE INTO sync_events(site_id, db_id, seq, kind, data, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  let stored = 0;
  for (const e of items) {
    if (insert.run(siteId, dbId, e.id, e.kind, JSON.stringify(e.data ?? null), e.at, receivedAt).changes === 0) continue;
    stored++;
    fold(w, siteId, dbId, e, receivedAt);
  }
  const upTo = items.length > 0 ? items[items.length - 1]!.id : 0;
  ensureRow(db, siteId);
  db.prepare(
    `UPDATE sync_sites SET events_up_to = CASE WHEN outbox_db_id IS @db THEN max(coalesce(events_up_to, 0), @up) ELSE @up END,
       outbox_db_id = @db, events_at = @at, last_seen = @at WHERE site_id = @site`,
  ).run({ db: dbId, up: upTo, at: receivedAt, site: siteId });
  return { stored, duplicates: items.length - stored, upTo };
}
