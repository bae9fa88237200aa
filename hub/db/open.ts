/** Opens the hub's SQLite file with the pragmas the design relies on and migrates it. */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { MIGRATIONS } from './migrations.js';
import { applyMigrations } from '../../shared/migrate.js';

export type Db = Database.Database;

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies every migration above the DB's `user_version`; returns the versions applied. */
export function migrate(db: Db, target = MIGRATIONS.length): number[] {
  const applied = applyMigrations(db, MIGRATIONS, target);
  // The epoch names this database's history for the edges; a restored copy gets a new one
  // from `edgeprov restore` (hub/db/backup.ts).
  if ((db.pragma('user_version', { simple: true }) as number) >= 1) {
    db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('epoch', ?), ('txid', '0')`).run(randomBytes(8).toString('hex'));
  }
  return applied;
}
