/**
 * Forward-only schema migrations for both roles' SQLite files. Works on the handle it is given
 * (better-sqlite3's interface), so shared/ still opens nothing itself. Each step runs in its own
 * transaction with `PRAGMA user_version`, so a crash mid-migration leaves the previous version.
 */
export interface MigratableDb {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(source: string): unknown;
  transaction(fn: () => void): () => unknown;
}

/** Applies every migration above the DB's `user_version` up to `target`; returns the versions applied. */
export function applyMigrations(db: MigratableDb, migrations: readonly string[], target = migrations.length, what = 'database'): number[] {
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`${what} schema version ${version} is newer than this edgeprov (${migrations.length}); refusing to run`);
  }
  if (!Number.isInteger(target) || target < 0 || target > migrations.length) {
    throw new Error(`no migration to version ${target}; this edgeprov knows versions 0 to ${migrations.length}`);
  }
  const applied: number[] = [];
  while (version < target) {
    const sql = migrations[version]!;
    const next = version + 1;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${next}`);
    })();
    version = next;
    applied.push(version);
  }
  return applied;
}
