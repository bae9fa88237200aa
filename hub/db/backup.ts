/**
 * Backup and restore of the hub's SQLite file. A backup is SQLite's online backup (consistent while
 * the hub runs). A restore puts a backup in place and gives it a new epoch, because the edges have
 * seen history the backup does not hold: with a new epoch every edge takes a snapshot at its next
 * connection instead of resuming from a cursor the restored change log may reuse (docs/sync.md).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { ProvError } from '../../shared/errors.js';
import type { Db } from './open.js';
import { openDb } from './open.js';

export async function backupDb(db: Db, dest: string): Promise<{ pages: number }> {
  if (existsSync(dest)) throw new ProvError('CONFIG_INVALID', `${dest} exists; a backup never overwrites a file`);
  const r = await db.backup(dest);
  return { pages: r.totalPages };
}

/** Checks `backup` is an intact hub DB, then replaces `target` (the hub must be stopped) and rotates the epoch. */
export function restoreDb(backup: string, target: string): { epoch: string; previousEpoch: string } {
  let check: Database.Database;
  try {
    check = new Database(backup, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new ProvError('CONFIG_INVALID', `cannot open ${backup}: ${(err as Error).message}`);
  }
  let previousEpoch: string;
  try {
    const integrity = check.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new ProvError('CONFIG_INVALID', `${backup} fails its integrity check: ${String(integrity)}`);
    const row = check.prepare(`SELECT value FROM meta WHERE key = 'epoch'`).get() as { value: string } | undefined;
    if (!row) throw new ProvError('CONFIG_INVALID', `${backup} is not an edgeprov hub database (no epoch)`);
    previousEpoch = row.value;
  } catch (err) {
    if (err instanceof ProvError) throw err;
    throw new ProvError('CONFIG_INVALID', `${backup} is not an edgeprov hub database: ${(err as Error).message}`);
  } finally {
    check.close();
  }
  const staging = `${target}.restoring`;
  copyFileSync(backup, staging);
  // The old file's WAL must not be replayed onto the restored one.
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  const db = openDb(target);
  try {
    const epoch = randomBytes(8).toString('hex');
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'epoch'`).run(epoch);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { epoch, previousEpoch };
  } finally {
    db.close();
  }
}
