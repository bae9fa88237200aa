/**
 * The Provision menu: Auto Provision (pair unassigned phones with unassigned licensed users) and
 * Bulk Provision (a CSV `mac,extension[,extension…]` validated whole before anything applies).
 */
import { parse } from 'csv-parse/sync';
import { ProvError, type RowError } from '../../shared/errors.js';
import { MAX_USERS_PER_DEVICE } from '../../shared/domain.js';
import { tryParseMac } from '../../shared/mac.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import { findDeviceRow } from './devices-sync.js';
import { checkAssignment, getDeviceRow, setDeviceUsers } from './devices.js';

export interface AutoPair {
  mac: string;
  user_id: number;
  extension: string;
}

export interface AutoResult {
  pairs: AutoPair[];
  skipped: Array<{ mac: string; reason: string }>;
}

/**
 * Pairs the given MACs, in the order given, with licensed users that carry no phone yet and have
 * at least one SIP account (in extension order, or the order given in `userIds`).
 */
export function autoProvision(w: Writer, macs: readonly string[], userIds?: readonly number[]): AutoResult {
  const assigned = w.db.prepare(`SELECT 1 FROM device_users WHERE mac = ?`);
  const candidates: Array<{ id: number; extension: string }> = userIds
    ? userIds.map((id) => {
        const u = w.db.prepare(`SELECT id, extension FROM users WHERE id = ?`).get(id) as { id: number; extension: string } | undefined;
        if (!u) throw new ProvError('NOT_FOUND', `user ${id} does not exist`, { user_id: id });
        return u;
      })
    : (w.db
        .prepare(
          `SELECT u.id, u.extension FROM users u WHERE u.ip_phone_license = 1
             AND NOT EXISTS (SELECT 1 FROM device_users du WHERE du.user_id = u.id)
             AND EXISTS (SELECT 1 FROM sip_accounts s WHERE s.user_id = u.id)
           ORDER BY length(u.extension), u.extension`,
        )
        .all() as Array<{ id: number; extension: string }>);
  const pairs: AutoPair[] = [];
  const skipped: AutoResult['skipped'] = [];
  let next = 0;
  const seen = new Set<string>();
  for (const input of macs) {
    const row = getDeviceRow(w.db, input);
    if (seen.has(row.mac)) continue;
    seen.add(row.mac);
    if (assigned.get(row.mac)) {
      skipped.push({ mac: row.mac, reason: 'already assigned' });
      continue;
    }
    const user = candidates[next];
    if (!user) {
      skipped.push({ mac: row.mac, reason: 'no unassigned licensed user with a SIP account left' });
      continue;
    }
    try {
      checkAssignment(w.db, row, [user.id]);
    } catch (err) {
      // This phone cannot carry the next user (e.g. too few lines): report it and keep the user for the next phone.
      if (!(err instanceof ProvError) || err.code !== 'TOO_MANY_LINES') throw err;
      skipped.push({ mac: row.mac, reason: err.message });
      continue;
    }
    next++;
    setDeviceUsers(w, row.mac, [user.id]);
    pairs.push({ mac: row.mac, user_id: user.id, extension: user.extension });
  }
  w.audit({ action: 'provision.auto', target_type: 'device', target_id: `${pairs.length} devices`, after: { pairs } });
  return { pairs, skipped };
}

export interface BulkPlan {
  rows: Array<{ line: number; mac: string; users: number[]; extensions: string[] }>;
  errors: RowError[];
}

export function planBulk(db: Db, csv: string): BulkPlan {
  const rows: BulkPlan['rows'] = [];
  const errors: RowError[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), {
      relax_column_count: true, skip_empty_lines: true, trim: true, comment: '#', comment_no_infix: true, info: true,
    }) as unknown as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { rows, errors: [{ line: e.lines ?? 1, column: 1, field: 'csv', message: e.message }] };
  }
  if (records[0] && records[0].record[0]?.toLowerCase() === 'mac') records.shift();
  const seen = new Map<string, number>();
  const userByExt = db.prepare(`SELECT id FROM users WHERE extension = ?`);
  for (const { record, info } of records) {
    const line = info.lines;
    const mac = tryParseMac(record[0] ?? '');
    if (mac === null) {
      errors.push({ line, column: 1, field: 'mac', message: `"${record[0] ?? ''}" is not a MAC address` });
      continue;
    }
    const dup = seen.get(mac);
    if (dup !== undefined) {
      errors.push({ line, column: 1, field: 'mac', message: `duplicate of line ${dup}` });
      continue;
    }
    seen.set(mac, line);
    const device = findDeviceRow(db, mac);
    if (!device) {
      errors.push({ line, column: 1, field: 'mac', message: `device ${mac} does not exist; import it first` });
      continue;
    }
    const extensions = record.slice(1).filter((e) => e !== '');
    if (extensions.length === 0) {
      errors.push({ line, column: 2, field: 'extension', message: 'no extension given; a line is mac,extension[,extension…]' });
      continue;
    }
    if (extensions.length > MAX_USERS_PER_DEVICE) {
      errors.push({ line, column: MAX_USERS_PER_DEVICE + 2, field: 'extension', message: `at most ${MAX_USERS_PER_DEVICE} extensions per phone; ${extensions.length} given` });
      continue;
    }
    const users: number[] = [];
    let bad = false;
    record.slice(1).forEach((ext, i) => {
      if (ext === '' || bad) return;
      const u = userByExt.get(ext) as { id: number } | undefined;
      if (!u) {
        errors.push({ line, column: i + 2, field: 'extension', message: `no user with extension ${ext}` });
        bad = true;
      } else users.push(u.id);
    });
    if (bad) continue;
    try {
      checkAssignment(db, device, users);
    } catch (err) {
      if (!(err instanceof ProvError)) throw err;
      errors.push({ line, column: 2, field: 'extension', message: err.message });
      continue;
    }
    rows.push({ line, mac, users, extensions });
  }
  if (records.length === 0) errors.push({ line: 1, column: 1, field: 'mac', message: 'nothing to provision' });
  return { rows, errors };
}

export function applyBulk(w: Writer, plan: BulkPlan): void {
  for (const r of plan.rows) setDeviceUsers(w, r.mac, r.users);
  w.audit({ action: 'provision.bulk', target_type: 'device', target_id: `${plan.rows.length} devices`, after: { rows: plan.rows.map((r) => ({ mac: r.mac, extensions: r.extensions })) } });
}
