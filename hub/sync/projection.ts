/**
 * What a site's edge should hold, read from the hub: the change-log delta after a cursor (its own
 * rows and the global ones), or a snapshot of the current projection. The sync server (issue
 * [5/7]) sends these; tests use them to fill an edge cache exactly as sync will.
 */
import type { Db } from '../db/open.js';
import type { ChangeRow, SyncBatch, SyncEntity } from '../../shared/sync/types.js';
import { deviceRecord, type DeviceRow } from '../domain/devices-sync.js';
import { findSite } from '../domain/sites.js';
import { counterRecord } from '../domain/counters.js';
import { getSettings } from '../domain/settings.js';

interface LogRow {
  seq: number;
  txid: number;
  site_id: number | null;
  entity: SyncEntity;
  key: string;
  deleted: number;
  data: string | null;
}

export function hubEpoch(db: Db): string {
  return (db.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string }).value;
}

export function hubSeq(db: Db): number {
  return (db.prepare(`SELECT coalesce(max(seq), 0) AS seq FROM change_log`).get() as { seq: number }).seq;
}

/**
 * The site's changes after `cursor`, whole transactions only: a batch never ends inside a txid,
 * so an edge never commits half of an admin's write (a move's tombstone without its upsert).
 */
export function deltaFor(db: Db, siteId: number, cursor: number, maxRows = 1000): SyncBatch {
  // One read transaction: the rows and the cursor they bring the edge to come from the same snapshot.
  return db.transaction(() => readDelta(db, siteId, cursor, maxRows))();
}

function readDelta(db: Db, siteId: number, cursor: number, maxRows: number): SyncBatch {
  const rows = db
    .prepare(`SELECT * FROM change_log WHERE seq > ? AND (site_id = ? OR site_id IS NULL) ORDER BY seq LIMIT ?`)
    .all(cursor, siteId, maxRows + 1) as LogRow[];
  let take = rows.length;
  if (rows.length > maxRows) {
    const lastTx = rows[maxRows]!.txid;
    take = maxRows;
    while (take > 0 && rows[take - 1]!.txid === lastTx) take--;
    // One transaction larger than a batch is sent whole rather than split.
    if (take === 0) {
      const whole = db
        .prepare(`SELECT * FROM change_log WHERE seq > ? AND (site_id = ? OR site_id IS NULL) AND txid = ? ORDER BY seq`)
        .all(cursor, siteId, lastTx) as LogRow[];
      return batch(db, whole, whole[whole.length - 1]!.seq);
    }
  }
  const taken = rows.slice(0, take);
  const upTo = take < rows.length ? taken[taken.length - 1]!.seq : hubSeq(db);
  return batch(db, taken, Math.max(upTo, cursor));
}

function batch(db: Db, rows: LogRow[], cursor: number): SyncBatch {
  return {
    epoch: hubEpoch(db),
    snapshot: false,
    cursor,
    changes: rows.map((r) => ({
      seq: r.seq, txid: r.txid, site_id: r.site_id, entity: r.entity, key: r.key,
      deleted: r.deleted === 1, data: r.data === null ? null : (JSON.parse(r.data) as unknown),
    })),
  };
}

/** The site's whole projection as of now, as upserts at the hub's current sequence. */
export function snapshotFor(db: Db, siteId: number): SyncBatch {
  return db.transaction((): SyncBatch => {
    const seq = hubSeq(db);
    const changes: ChangeRow[] = [];
    const add = (entity: SyncEntity, site: number | null, key: string, data: unknown) =>
      changes.push({ seq, txid: 0, site_id: site, entity, key, deleted: false, data });
    const site = findSite(db, siteId);
    if (site) add('site', siteId, String(siteId), site);
    for (const row of db.prepare(`SELECT * FROM devices WHERE site_id = ? ORDER BY mac`).all(siteId) as DeviceRow[]) {
      add('device', siteId, row.mac, deviceRecord(db, row));
      // Exactly what counters.ts last logged: slots as sent (synced counts) with their baselines.
      const counter = counterRecord(db, row.mac, siteId, row.reset_at);
      if (counter) add('counter_reset', siteId, row.mac, counter);
    }
    for (const t of db.prepare(`SELECT id, name, scope, engine, vendor, model, body, version FROM templates ORDER BY id`).all() as Array<{ id: number }>) {
      add('template', null, String(t.id), t);
    }
    for (const [key, value] of Object.entries(getSettings(db))) add('setting', null, key, { key, value });
    return { epoch: hubEpoch(db), snapshot: true, cursor: seq, changes };
  })();
}
