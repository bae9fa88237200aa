/**
 * Change-log retention (sync.md §2.2): rows older than the retention period that no edge needs
 * for a delta any more — tombstones, and upserts a later row of the same key superseded — are
 * purged. A purged tombstone could be one an edge never saw, so the highest purged tombstone seq
 * becomes `floor_seq`: an edge whose cursor is below it gets a snapshot (Kubernetes' 410 Gone).
 * Superseded upserts do not raise the floor: the later row still reaches every edge, and a
 * catch-up commits at once, so nothing half-applied is ever visible.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.js';
import type { Db } from '../db/open.js';

export function floorSeq(db: Db): number {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'floor_seq'`).get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

export interface PurgeResult {
  purged: number;
  tombstones: number;
  floor: number;
}

/** Purges what is older than `before` (ISO time); the newest row is always kept so hub_seq never goes back. */
export function purgeChangeLog(db: Db, before: string): PurgeResult {
  return db.transaction((): PurgeResult => {
    const top = (db.prepare(`SELECT coalesce(max(seq), 0) AS s FROM change_log`).get() as { s: number }).s;
    const doomed = `FROM change_log c WHERE c.at < @before AND c.seq < @top AND (c.deleted = 1 OR EXISTS (
        SELECT 1 FROM change_log n WHERE n.entity = c.entity AND n.key = c.key AND n.site_id IS c.site_id AND n.seq > c.seq))`;
    const t = db.prepare(`SELECT coalesce(max(CASE WHEN deleted = 1 THEN seq END), 0) AS maxTomb, count(CASE WHEN deleted = 1 THEN 1 END) AS tombs ${doomed}`).get({
      before, top,
    }) as { maxTomb: number; tombs: number };
    const purged = db.prepare(`DELETE FROM change_log WHERE seq IN (SELECT c.seq ${doomed})`).run({ before, top }).changes;
    const floor = Math.max(floorSeq(db), t.maxTomb);
    db.prepare(`INSERT INTO meta(key, value) VALUES ('floor_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(floor));
    return { purged, tombstones: t.tombs, floor };
  }).immediate();
}

export interface RetentionOptions {
  /** Keep change-log history this many days (default 30). */
  retentionDays?: number;
  /** How often to purge (default every 6 hours). */
  intervalMs?: number;
}

export interface RetentionJob {
  /** Purges now; what the timer does. */
  runOnce(): PurgeResult;
  stop(): void;
}

export function startRetentionJob(options: RetentionOptions, deps: { db: Db; clock: Clock; log: Logger }): RetentionJob {
  const days = options.retentionDays ?? 30;
  const intervalMs = options.intervalMs ?? 6 * 3600_000;
  if (!(days > 0)) throw new TypeError('retentionDays must be above 0');
  const runOnce = (): PurgeResult => {
    const before = new Date(deps.clock.now().getTime() - days * 86_400_000).toISOString();
    const r = purgeChangeLog(deps.db, before);
    if (r.purged > 0) deps.log.info({ ...r, before }, 'sync: change log purged');
    return r;
  };
  const timer = setInterval(() => {
    try {
      runOnce();
    } catch (err) {
      deps.log.error({ err }, 'sync: change-log purge failed');
    }
  }, intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
