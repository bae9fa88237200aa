/**
 * Sign-in: scrypt password hashes, session tokens (cookie) and API tokens (Bearer), all stored
 * as SHA-256 hashes so a copy of the database does not sign anyone in.
 */
import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { ProvError } from '../../shared/errors.js';
import type { Db } from '../db/open.js';
import type { Actor, Writer } from '../db/store.js';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;
export const SESSION_TTL_MS = 12 * 3600 * 1000;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEYLEN, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

// A real hash to compare against when the user does not exist, so timing does not reveal usernames.
let dummyHash: Promise<string> | undefined;

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export interface AccountRow {
  id: number;
  username: string;
  password_hash: string;
  role: 'admin' | 'user';
  user_id: number | null;
}

export function actorOf(a: Pick<AccountRow, 'id' | 'username' | 'role' | 'user_id'>): Actor {
  return { account_id: a.id, username: a.username, role: a.role, user_id: a.user_id };
}

export async function checkCredentials(db: Db, username: string, password: string): Promise<AccountRow> {
  const row = db.prepare(`SELECT * FROM accounts WHERE username = ?`).get(username) as AccountRow | undefined;
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    throw new ProvError('UNAUTHENTICATED', 'wrong username or password');
  }
  if (!(await verifyPassword(password, row.password_hash))) throw new ProvError('UNAUTHENTICATED', 'wrong username or password');
  return row;
}

export function createAccount(w: Writer, input: { username: string; password_hash: string; role: 'admin' | 'user'; user_id?: number | null }): number {
  const clash = w.db.prepare(`SELECT 1 FROM accounts WHERE username = ?`).get(input.username);
  if (clash) throw new ProvError('ALREADY_EXISTS', `the username "${input.username}" is taken`, { username: input.username });
  const info = w.db
    .prepare(`INSERT INTO accounts(username, password_hash, role, user_id, created_at) VALUES (?, ?, ?, ?, ?)`)
    .run(input.username, input.password_hash, input.role, input.user_id ?? null, w.now);
  w.audit({ action: 'account.create', target_type: 'account', target_id: input.username, after: { username: input.username, role: input.role, user_id: input.user_id ?? null } });
  return Number(info.lastInsertRowid);
}

export interface Session {
  token: string;
  csrf_token: string;
  expires_at: string;
}

export function createSession(db: Db, accountId: number, now: Date): Session {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expires = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  db.prepare(`INSERT INTO sessions(token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
    .run(sha256(token), accountId, csrf, now.toISOString(), expires);
  db.prepare(`DELETE FROM sessions WHERE expires_at < ?`).run(now.toISOString());
  return { token, csrf_token: csrf, expires_at: expires };
}

export function deleteSession(db: Db, token: string): void {
  db.prepare(`DELETE FROM sessions WHERE token_hash = ?`).run(sha256(token));
}

export interface Authenticated {
  actor: Actor;
  /** Set for cookie sessions: unsafe requests must echo it (CSRF). */
  csrf_token: string | null;
  via: 'session' | 'api_token';
}

export function sessionAuth(db: Db, token: string, now: Date): Authenticated | undefined {
  const row = db
    .prepare(
      `SELECT a.id, a.username, a.role, a.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN accounts a ON a.id = s.account_id
       WHERE s.token_hash = ?`,
    )
    .get(sha256(token)) as (AccountRow & { csrf_token: string; expires_at: string }) | undefined;
  if (!row || row.expires_at < now.toISOString()) return undefined;
  return { actor: actorOf(row), csrf_token: row.csrf_token, via: 'session' };
}

export function apiTokenAuth(db: Db, token: string): Authenticated | undefined {
  const row = db
    .prepare(`SELECT a.id, a.username, a.role, a.user_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?`)
    .get(sha256(token)) as AccountRow | undefined;
  return row && { actor: actorOf(row), csrf_token: null, via: 'api_token' };
}

/** Issues an API token for automation; shown once, stored hashed. */
export function createApiToken(w: Writer, accountId: number, name: string): { id: number; token: string } {
  const token = `ept_${randomBytes(32).toString('base64url')}`;
  const info = w.db
    .prepare(`INSERT INTO api_tokens(account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`)
    .run(accountId, name, sha256(token), w.now);
  w.audit({ action: 'api_token.create', target_type: 'api_token', target_id: Number(info.lastInsertRowid), after: { name } });
  return { id: Number(info.lastInsertRowid), token };
}

/** The caller's API tokens (never the tokens themselves: only their hashes are stored). */
export function listApiTokens(db: Db, accountId: number): Array<{ id: number; name: string; created_at: string }> {
  return db.prepare(`SELECT id, name, created_at FROM api_tokens WHERE account_id = ? ORDER BY id`).all(accountId) as Array<{ id: number; name: string; created_at: string }>;
}

export function deleteApiToken(w: Writer, accountId: number, id: number): void {
  const info = w.db.prepare(`DELETE FROM api_tokens WHERE id = ? AND account_id = ?`).run(id, accountId);
  if (info.changes === 0) throw new ProvError('NOT_FOUND', `API token ${id} does not exist`);
  w.audit({ action: 'api_token.delete', target_type: 'api_token', target_id: id });
}
