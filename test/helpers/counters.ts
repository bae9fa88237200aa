/**
 * An edge's "provisioned" report, delivered the way the sync server delivers it (ingestEvents in a
 * store write as the edge): the count lands in that edge DB's G-counter slot, the times in the
 * device's status. For tests of the hub that need a device to have been provisioned.
 */
import type { Db } from '../../hub/db/open.js';
import type { ProvisionedEvent } from '../../hub/domain/devices.js';
import { HubStore } from '../../hub/db/store.js';
import { edgeActor, ingestEvents } from '../../hub/sync/state.js';
import { systemClock } from '../../shared/clock.js';

export interface Provisioned extends ProvisionedEvent {
  /** The edge DB's session count for the device (its slot's state). */
  count: number;
}

/** Reports `e` from the edge DB `dbId` of the device's site (default: one fixed test edge). */
export function reportProvisioned(db: Db, e: Provisioned, dbId = 'test-edge-db'): void {
  const site = (db.prepare(`SELECT site_id FROM devices WHERE mac = ?`).get(e.mac) as { site_id: number } | undefined)?.site_id;
  if (site === undefined) throw new Error(`reportProvisioned: no device ${e.mac}`);
  const next = (db.prepare(`SELECT coalesce(max(seq), 0) + 1 AS n FROM sync_events WHERE site_id = ? AND db_id = ?`).get(site, dbId) as { n: number }).n;
  new HubStore(db, systemClock).write(edgeActor(site), (w) => ingestEvents(w, site, dbId, [{ id: next, kind: 'provisioned', at: e.at, data: e }]));
}
