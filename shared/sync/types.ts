/**
 * What crosses the wire between hub and edge (DESIGN §7). The hub's change log rows are sent as
 * they are; the edge's cache applies them. Pure types and helpers, no I/O.
 */
import type { Engine, Site, SipAccount } from '../domain.js';

export type SyncEntity = 'site' | 'device' | 'template' | 'setting' | 'counter_reset';

/** One change-log row: an upsert (`data` set) or a tombstone (`deleted`, `data` null). */
export interface ChangeRow {
  seq: number;
  txid: number;
  site_id: number | null;
  entity: SyncEntity;
  key: string;
  deleted: boolean;
  data: unknown;
}

/** A device as its edge receives it: lines travel inside it (extensions with their SIP accounts, in order). */
export interface DeviceRecord {
  mac: string;
  site_id: number;
  vendor: string | null;
  model: string | null;
  name: string;
  login_password: string;
  engine: Engine;
  template_id: number | null;
  /** null: the site's limit. 0: unlimited. */
  provision_limit: number | null;
  prov_username: string;
  prov_password: string;
  extensions: Array<{ user_id: number; extension: string; display_name: string; accounts: SipAccount[] }>;
}

export interface TemplateRecord {
  id: number;
  name: string;
  scope: 'org' | 'device';
  engine: Engine;
  vendor: string | null;
  model: string | null;
  body: string;
  version: number;
}

export type SiteRecord = Site;

export interface SettingRecord {
  key: string;
  value: unknown;
}

/** The `counter_reset` entity: the hub's G-counter slots and observed-reset baselines of a device. */
export type { CounterRecord as CounterResetRecord } from './counter.js';

/**
 * A batch the edge applies in one transaction together with its cursor. A snapshot replaces the
 * whole mirror (a new epoch, or a cursor the hub can no longer serve a delta from).
 */
export interface SyncBatch {
  epoch: string;
  snapshot: boolean;
  changes: ChangeRow[];
  /** The hub sequence this batch brings the edge up to. */
  cursor: number;
}
