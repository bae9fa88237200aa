/**
 * Prepared statements kept per database handle. better-sqlite3 compiles SQL on every `prepare()`,
 * which costs more than running a simple statement: code on a per-row path (import, change-log
 * emission) asks here instead, so a 10,000-row import compiles each statement once.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

const byDb = new WeakMap<Db, Map<string, Statement>>();

/** The prepared statement for `sql` on `db`, compiled on first use. */
export function stmt(db: Db, sql: string): Statement {
  let cache = byDb.get(db);
  if (!cache) byDb.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}
