/**
 * Users: a person with an extension, an IP Phone licence, optional self-service sign-in, and one
 * or more SIP accounts. Any change a phone would see re-emits the devices that carry the user.
 */
import { ProvError } from '../../shared/errors.js';
import type { SipAccount } from '../../shared/domain.js';
import type { Db } from '../db/open.js';
import type { Writer } from '../db/store.js';
import type { SipAccountInput, SipAccountPatch, UserCreate, UserPatch } from '../api/schemas.js';
import { emitDevicesOfUser } from './devices-sync.js';
import { createAccount } from './auth.js';

interface UserRow {
  id: number;
  extension: string;
  display_name: string;
  ip_phone_license: number;
  username: string | null;
}

export interface UserView {
  id: number;
  extension: string;
  display_name: string;
  ip_phone_license: boolean;
  username: string | null;
  sip_accounts: SipAccount[];
  devices: string[];
}

const SELECT_USER = `SELECT u.id, u.extension, u.display_name, u.ip_phone_license, a.username
  FROM users u LEFT JOIN accounts a ON a.user_id = u.id`;

function view(db: Db, row: UserRow): UserView {
  return {
    id: row.id,
    extension: row.extension,
    display_name: row.display_name,
    ip_phone_license: row.ip_phone_license === 1,
    username: row.username,
    sip_accounts: db.prepare(`SELECT * FROM sip_accounts WHERE user_id = ? ORDER BY id`).all(row.id) as SipAccount[],
    devices: (db.prepare(`SELECT mac FROM device_users WHERE user_id = ? ORDER BY mac`).all(row.id) as { mac: string }[]).map((r) => r.mac),
  };
}

export function listUsers(db: Db, q?: { q?: string | undefined; unassigned?: boolean | undefined }): UserView[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q?.q) {
    where.push(`(u.extension LIKE ? OR u.display_name LIKE ? OR a.username LIKE ?)`);
    const like = `%${q.q}%`;
    params.push(like, like, like);
  }
  if (q?.unassigned) where.push(`NOT EXISTS (SELECT 1 FROM device_users du WHERE du.user_id = u.id)`);
  const sql = `${SELECT_USER}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY u.extension`;
  return (db.prepare(sql).all(...params) as UserRow[]).map((r) => view(db, r));
}

export function getUser(db: Db, id: number): UserView {
  const row = db.prepare(`${SELECT_USER} WHERE u.id = ?`).get(id) as UserRow | undefined;
  if (!row) throw new ProvError('NOT_FOUND', `user ${id} does not exist`, { user_id: id });
  return view(db, row);
}

export function findUserByExtension(db: Db, extension: string): UserView | undefined {
  const row = db.prepare(`${SELECT_USER} WHERE u.extension = ?`).get(extension) as UserRow | undefined;
  return row && view(db, row);
}

function checkExtensionFree(db: Db, extension: string, except?: number): void {
  const row = db.prepare(`SELECT id FROM users WHERE extension = ?`).get(extension) as { id: number } | undefined;
  if (row && row.id !== except) throw new ProvError('ALREADY_EXISTS', `extension ${extension} exists`, { extension });
}

/** `passwordHash` is computed by the caller (scrypt is async, transactions are not). */
export function createUser(w: Writer, input: UserCreate, passwordHash: string | null): UserView {
  checkExtensionFree(w.db, input.extension);
  if ((input.username === undefined) !== (passwordHash === null)) {
    throw new ProvError('VALIDATION_FAILED', 'username and password go together: give both for self-service sign-in, or neither');
  }
  const info = w.db
    .prepare(`INSERT INTO users(extension, display_name, ip_phone_license, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`)
    .run(input.extension, input.display_name, input.ip_phone_license ? 1 : 0, w.now, w.now);
  const id = Number(info.lastInsertRowid);
  if (input.username !== undefined && passwordHash !== null) {
    createAccount(w, { username: input.username, password_hash: passwordHash, role: 'user', user_id: id });
  }
  for (const acc of input.sip_accounts ?? []) insertSipAccount(w, id, acc);
  const after = getUser(w.db, id);
  w.audit({ action: 'user.create', target_type: 'user', target_id: id, after });
  return after;
}

export function updateUser(w: Writer, id: number, patch: UserPatch, passwordHash: string | null): UserView {
  const before = getUser(w.db, id);
  if (patch.extension !== undefined) checkExtensionFree(w.db, patch.extension, id);
  if (patch.ip_phone_license === false && before.devices.length > 0) {
    throw new ProvError('CONFLICT', `user ${before.extension} is assigned to ${before.devices.length} phones; unassign them before removing the IP Phone licence`, { devices: before.devices });
  }
  w.db
    .prepare(`UPDATE users SET extension = ?, display_name = ?, ip_phone_license = ?, updated_at = ? WHERE id = ?`)
    .run(
      patch.extension ?? before.extension,
      patch.display_name ?? before.display_name,
      (patch.ip_phone_license ?? before.ip_phone_license) ? 1 : 0,
      w.now,
      id,
    );
  if (patch.username === null) {
    w.db.prepare(`DELETE FROM accounts WHERE user_id = ?`).run(id);
  } else if (patch.username !== undefined || passwordHash !== null) {
    const existing = w.db.prepare(`SELECT id FROM accounts WHERE user_id = ?`).get(id) as { id: number } | undefined;
    if (existing) {
      if (patch.username !== undefined) {
        const clash = w.db.prepare(`SELECT id FROM accounts WHERE username = ? AND id != ?`).get(patch.username, existing.id);
        if (clash) throw new ProvError('ALREADY_EXISTS', `the username "${patch.username}" is taken`, { username: patch.username });
        w.db.prepare(`UPDATE accounts SET username = ? WHERE id = ?`).run(patch.username, existing.id);
      }
      if (passwordHash !== null) {
        w.db.prepare(`UPDATE accounts SET password_hash = ? WHERE id = ?`).run(passwordHash, existing.id);
        w.db.prepare(`DELETE FROM sessions WHERE account_id = ?`).run(existing.id);
      }
    } else {
      if (patch.username === undefined || passwordHash === null) {
        throw new ProvError('VALIDATION_FAILED', 'to enable self-service sign-in give both username and password');
      }
      createAccount(w, { username: patch.username, password_hash: passwordHash, role: 'user', user_id: id });
    }
  }
  const after = getUser(w.db, id);
  if (after.extension !== before.extension || after.display_name !== before.display_name) emitDevicesOfUser(w, id);
  w.audit({ action: 'user.update', target_type: 'user', target_id: id, before, after: passwordHash ? { ...after, password_changed: true } : after });
  return after;
}

export function deleteUser(w: Writer, id: number): void {
  const before = getUser(w.db, id);
  if (before.devices.length > 0) {
    throw new ProvError('CONFLICT', `user ${before.extension} is assigned to ${before.devices.length} phones; unassign first`, { devices: before.devices });
  }
  w.db.prepare(`DELETE FROM users WHERE id = ?`).run(id);
  w.audit({ action: 'user.delete', target_type: 'user', target_id: id, before });
}

function insertSipAccount(w: Writer, userId: number, acc: SipAccountInput): number {
  const info = w.db
    .prepare(
      `INSERT INTO sip_accounts(user_id, username, auth_username, password, server, port, transport, outbound_proxy, label)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(userId, acc.username, acc.auth_username || acc.username, acc.password, acc.server, acc.port, acc.transport, acc.outbound_proxy, acc.label);
  return Number(info.lastInsertRowid);
}

export function getSipAccount(db: Db, userId: number, id: number): SipAccount {
  const row = db.prepare(`SELECT * FROM sip_accounts WHERE id = ? AND user_id = ?`).get(id, userId) as SipAccount | undefined;
  if (!row) throw new ProvError('NOT_FOUND', `SIP account ${id} of user ${userId} does not exist`);
  return row;
}

export function createSipAccount(w: Writer, userId: number, acc: SipAccountInput): SipAccount {
  getUser(w.db, userId);
  const id = insertSipAccount(w, userId, acc);
  const after = getSipAccount(w.db, userId, id);
  emitDevicesOfUser(w, userId);
  w.audit({ action: 'sip_account.create', target_type: 'sip_account', target_id: id, after });
  return after;
}

export function updateSipAccount(w: Writer, userId: number, id: number, patch: SipAccountPatch): SipAccount {
  const before = getSipAccount(w.db, userId, id);
  const next = { ...before, ...patch };
  w.db
    .prepare(
      `UPDATE sip_accounts SET username=?, auth_username=?, password=?, server=?, port=?, transport=?, outbound_proxy=?, label=? WHERE id=?`,
    )
    .run(next.username, next.auth_username || next.username, next.password, next.server, next.port, next.transport, next.outbound_proxy, next.label, id);
  const after = getSipAccount(w.db, userId, id);
  emitDevicesOfUser(w, userId);
  w.audit({ action: 'sip_account.update', target_type: 'sip_account', target_id: id, before, after });
  return after;
}

export function deleteSipAccount(w: Writer, userId: number, id: number): void {
  const before = getSipAccount(w.db, userId, id);
  w.db.prepare(`DELETE FROM sip_accounts WHERE id = ?`).run(id);
  emitDevicesOfUser(w, userId);
  w.audit({ action: 'sip_account.delete', target_type: 'sip_account', target_id: id, before });
}
