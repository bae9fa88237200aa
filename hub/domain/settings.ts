/** Global provisioning settings, synced to every edge as global rows. */
import { DEFAULT_PROVISION_LIMIT, DEFAULT_SESSION_WINDOW_S } from '../../shared/domain.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import type { Settings } from '../api/schemas.js';

export const DEFAULT_SETTINGS: Settings = {
  session_window_s: DEFAULT_SESSION_WINDOW_S,
  default_provision_limit: DEFAULT_PROVISION_LIMIT,
  scan_threshold_per_min: 20,
};

export function getSettings(db: Db): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const { key, value } of db.prepare(`SELECT key, value FROM settings`).all() as { key: string; value: string }[]) {
    if (key in out) out[key] = JSON.parse(value);
  }
  return out as Settings;
}

export function updateSettings(w: Writer, patch: Partial<Settings>): Settings {
  const before = getSettings(w.db);
  const upsert = w.db.prepare(`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    upsert.run(key, JSON.stringify(value));
    w.change({ site_id: null, entity: 'setting', key, data: { key, value } });
  }
  const after = getSettings(w.db);
  w.audit({ action: 'settings.update', target_type: 'settings', target_id: 'global', before, after });
  return after;
}
