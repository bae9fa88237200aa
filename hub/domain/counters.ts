/**
 * The provision counter on the hub as G-counter state (DESIGN §4, docs/sync.md "Provision counters").
 * `counter_slots` holds one slot per (device, site, edge DB): the highest count that edge DB reported
 * (merge = max, so replayed or duplicated events change nothing) and its observed-reset baseline.
 * devices.provision_count / reset_baseline are kept as the sums over the slots, so listings read one row.
 *
 * The edges receive a device's slots in its `counter_reset` row. Each slot carries `synced_count`, the
 * count as last logged: the row is always built from it, so the projection equals what was logged. An
 * edge's own slot is not echoed back to it on every bootstrap (it knows its own count better); a slot
 * is logged when it is another edge's (another site's), on a reset or a move, and when an edge DB
 * connects that is not the one that counted (a wiped edge learns its predecessor's count).
 */
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import type { CounterRecord, CounterSlot } from '../../shared/sync/counter.js';

interface SlotRow {
  site_id: number;
  db_id: string;
  count: number;
  baseline: number;
  synced_count: number;
}

/**
 * The device's `counter_reset` row for its site, or undefined when it has no counter state to sync
 * (never reset, no slot ever logged). Built only from logged state (synced counts, baselines).
 */
export function counterRecord(db: Db, mac: string, siteId: number, resetAt: string | null): CounterRecord | undefined {
  const rows = db
    .prepare(`SELECT site_id, db_id, synced_count, baseline FROM counter_slots WHERE mac = ? AND (synced_count > 0 OR baseline > 0) ORDER BY site_id, db_id`)
    .all(mac) as Array<Pick<SlotRow, 'site_id' | 'db_id' | 'synced_count' | 'baseline'>>;
  if (rows.length === 0 && resetAt === null) return undefined;
  const slots: CounterSlot[] = rows.map((r) => ({ site_id: r.site_id, db_id: r.db_id, count: r.synced_count, baseline: r.baseline }));
  const baseline = slots.filter((s) => s.site_id === siteId).reduce((n, s) => n + s.baseline, 0);
  return { mac, at: resetAt, baseline, slots };
}

function deviceOf(db: Db, mac: string): { site_id: number; reset_at: string | null } | undefined {
  return db.prepare(`SELECT site_id, reset_at FROM devices WHERE mac = ?`).get(mac) as { site_id: number; reset_at: string | null } | undefined;
}

function refreshSums(db: Db, mac: string): void {
  db.prepare(
    `UPDATE devices SET provision_count = (SELECT coalesce(sum(count), 0) FROM counter_slots WHERE mac = @mac),
       reset_baseline = (SELECT coalesce(sum(baseline), 0) FROM counter_slots WHERE mac = @mac) WHERE mac = @mac`,
  ).run({ mac });
}

/** Logs the device's counter row at its site with every slot's current count. */
export function emitCounter(w: Writer, mac: string): void {
  const dev = deviceOf(w.db, mac);
  if (!dev) return;
  w.db.prepare(`UPDATE counter_slots SET synced_count = count WHERE mac = ? AND synced_count <> count`).run(mac);
  const rec = counterRecord(w.db, mac, dev.site_id, dev.reset_at);
  if (rec) w.change({ site_id: dev.site_id, entity: 'counter_reset', key: mac, data: rec });
}

/** Whether the device has a counter row at its site now (so a move or removal must tombstone it). */
export function hasCounterRow(db: Db, mac: string): boolean {
  const dev = deviceOf(db, mac);
  return dev !== undefined && counterRecord(db, mac, dev.site_id, dev.reset_at) !== undefined;
}

/**
 * Merges an edge's reported count into its slot (max). An edge counts a device at its site, or one
 * it counted before (the device moved while the edge was offline: those sessions were served). A
 * count another site's edge raised is logged to the device's site at once; the device's own edge
 * is not told its own count. Returns whether the slot grew.
 */
export function recordSlotCount(w: Writer, siteId: number, dbId: string, mac: string, count: number): boolean {
  if (!Number.isSafeInteger(count) || count <= 0) return false;
  const dev = deviceOf(w.db, mac);
  if (!dev) return false;
  const grew = w.db
    .prepare(
      `INSERT INTO counter_slots(mac, site_id, db_id, count, updated_at)
         SELECT @mac, @site, @db, @count, @now WHERE @site = @dev_site
            OR EXISTS (SELECT 1 FROM counter_slots WHERE mac = @mac AND site_id = @site AND db_id = @db)
       ON CONFLICT(mac, site_id, db_id) DO UPDATE SET count = excluded.count, updated_at = excluded.updated_at
         WHERE excluded.count > counter_slots.count`,
    )
    .run({ mac, site: siteId, db: dbId, count, now: w.now, dev_site: dev.site_id }).changes > 0;
  if (!grew) return false;
  refreshSums(w.db, mac);
  if (siteId !== dev.site_id) emitCounter(w, mac);
  return true;
}

/**
 * Observed-reset: every slot's baseline becomes the count the hub has received for it, so sessions
 * an offline edge served that the hub has not seen yet still count. Returns the count before.
 */
export function resetSlots(w: Writer, mac: string): { before: number; baseline: number } {
  const before = slotsOf(w.db, mac);
  w.db.prepare(`UPDATE counter_slots SET baseline = count WHERE mac = ?`).run(mac);
  w.db.prepare(`UPDATE devices SET reset_at = @now, updated_at = @now WHERE mac = @mac`).run({ now: w.now, mac });
  refreshSums(w.db, mac);
  emitCounter(w, mac);
  return { before: before.reduce((n, s) => n + Math.max(0, s.count - s.baseline), 0), baseline: before.reduce((n, s) => n + s.count, 0) };
}

export function slotsOf(db: Db, mac: string): SlotRow[] {
  return db.prepare(`SELECT site_id, db_id, count, baseline, synced_count FROM counter_slots WHERE mac = ? ORDER BY site_id, db_id`).all(mac) as SlotRow[];
}

/**
 * An edge DB says hello at a site: every device there whose slots hold counts this edge DB has not
 * been sent (its predecessor's, before a wipe) is logged again. The connecting DB's own slot is not.
 * Returns how many devices were logged.
 */
export function syncCountersForEdge(w: Writer, siteId: number, dbId: string): number {
  const macs = w.db
    .prepare(
      `SELECT DISTINCT s.mac FROM counter_slots s JOIN devices d ON d.mac = s.mac
       WHERE d.site_id = ? AND s.synced_count < s.count AND NOT (s.site_id = ? AND s.db_id = ?) ORDER BY s.mac`,
    )
    .all(siteId, siteId, dbId) as { mac: string }[];
  for (const { mac } of macs) emitCounter(w, mac);
  return macs.length;
}
