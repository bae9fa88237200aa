/**
 * @module Group commit for the cache's small writes on a phone's request path. The writes asked for
 * during one event-loop turn (a boot storm's datagrams and requests read together) run in one
 * `BEGIN IMMEDIATE … COMMIT` when the turn ends, each in a savepoint of its own, and every caller
 * hears back only after the COMMIT: what a phone is answered is on disk first (WAL,
 * synchronous=NORMAL, which a `kill -9` cannot undo), as with a transaction per request, but a
 * turn's commits cost one WAL append instead of one per request.
 *
 * No transaction stays open between turns, so other writers on the same connection (sync's apply,
 * DHCP's own group commit) never find themselves nested in this one.
 */
import type Database from 'better-sqlite3';

export interface GroupCommit {
  /**
   * Runs `work` (synchronous SQLite work) in the current turn's transaction. Resolves with its
   * result after COMMIT; rejects with its own error (its savepoint rolled back, the others kept) or
   * with the COMMIT's (then nothing of the turn was written).
   */
  run<T>(work: () => T): Promise<T>;
}

interface Queued {
  work: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Queued[] = [];
  // Inside the turn's transaction better-sqlite3 makes this a savepoint: one failing piece of work
  // is undone alone.
  const inSavepoint = db.transaction((work: () => unknown) => work());
  const runAll = db.transaction((batch: Queued[]): Outcome[] =>
    batch.map((q): Outcome => {
      try {
        return { ok: true, value: inSavepoint(q.work) };
      } catch (err) {
        return { ok: false, err };
      }
    }),
  );

  const flush = (): void => {
    const batch = queue;
    queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = runAll.immediate(batch);
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const o = outcomes[i]!;
      if (o.ok) batch[i]!.resolve(o.value);
      else batch[i]!.reject(o.err);
    }
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
