/**
 * @module Group commit for the cache's small writes on a phone's request path. The writes asked for
 * during one event-loop turn (a boot storm's datagrams and requests read together) run in one
 * `BEGIN IMMEDIATE … COMMIT` when the turn ends, and every caller hears back only after the
 * COMMIT: what a phone is answered is on disk first (WAL, synchronous=NORMAL, which a `kill -9`
 * cannot undo), as with a transaction per request, but a turn's commits cost one WAL append
 * instead of one per request.
 *
 * No transaction stays open between turns, so other writers on the same connection (sync's apply,
 * DHCP's own group commit) never find themselves nested in this one.
 */
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /**
   * Runs `work` (synchronous SQLite work, nothing else: it may run twice, see below) in the current
   * turn's transaction. Resolves with its result after COMMIT; rejects with its own error or with
   * the COMMIT's.
   */
  run<T>(work: () => T): Promise<T>;
}

interface Queued {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Queued[] = [];
  // No savepoint per piece of work on the fast path: a savepoint costs two statements, more than a
  // boot storm's typical turn of one to three device files saves. When anything fails, the whole
  // turn is rolled back and each piece runs again in a transaction of its own, so one failing
  // piece costs only itself (which is why work may run twice and must touch nothing but SQLite).
  const runAll = db.transaction((batch: Queued[]) => batch.map((q) => q.work()));
  const runOne = db.transaction((work: () => unknown) => work());

  const flush = (): void => {
    const batch = queue;
    queue = [];
    let values: unknown[];
    try {
      values = runAll.immediate(batch);
    } catch {
      for (const q of batch) {
        try {
          q.resolve(runOne.immediate(q.work));
        } catch (err) {
          q.reject(err);
        }
      }
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(values[i]);
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      });
    },
  };
}
