/**
 * The cache's group commit on a real SQLite file, watched from a second connection as another
 * process would: work asked for in one turn is committed together, nobody hears back before the
 * COMMIT, one failing piece is undone alone (the turn is redone piece by piece), and a COMMIT that
 * cannot happen fails everyone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createGroupCommit, type GroupCommit } from '../../daemon/cache/group-commit.js';

function setup(): {
  db: Database.Database;
  group: GroupCommit;
  insert: Database.Statement;
  rows(): number[];
  close(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'edgeprov-group-'));
  const db = new Database(join(dir, 'g.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE t (n INTEGER PRIMARY KEY)`);
  const other = new Database(join(dir, 'g.db'), { readonly: true });
  const select = other.prepare(`SELECT n FROM t ORDER BY n`).pluck();
  return {
    db,
    group: createGroupCommit(db),
    insert: db.prepare(`INSERT INTO t(n) VALUES (?)`),
    rows: () => select.all() as number[],
    close: () => {
      other.close();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('work asked for in one turn commits in one transaction, and nobody hears back before the COMMIT', async () => {
  const s = setup();
  try {
    const { group, insert } = s;
    const seenByOther: number[][] = [];
    const inTransaction: boolean[] = [];
    const done = [1, 2, 3].map((n) =>
      group.run(() => {
        inTransaction.push(s.db.inTransaction);
        insert.run(n);
        // Each piece sees what the earlier pieces of the turn wrote; another connection sees none of it.
        seenByOther.push(s.rows());
        return (s.db.prepare(`SELECT count(*) FROM t`).pluck().get() as number) * 10;
      }).then((v) => ({ v, visible: s.rows() })),
    );
    assert.deepEqual(s.rows(), [], 'nothing runs before the turn ends');
    const results = await Promise.all(done);
    assert.deepEqual(results.map((r) => r.v), [10, 20, 30]);
    for (const r of results) assert.deepEqual(r.visible, [1, 2, 3], 'every caller hears back after the COMMIT');
    assert.deepEqual(seenByOther, [[], [], []], 'one transaction: nothing committed piece by piece');
    assert.deepEqual(inTransaction, [true, true, true]);
    assert.equal(s.db.inTransaction, false, 'no transaction left open between turns');

    // The next turn is a transaction of its own.
    assert.equal(await group.run(() => insert.run(4).changes), 1);
    assert.deepEqual(s.rows(), [1, 2, 3, 4]);
  } finally {
    s.close();
  }
});

test('a failing piece is rolled back alone; the others of its turn commit', async () => {
  const s = setup();
  try {
    const { group, insert } = s;
    const results = await Promise.allSettled([
      group.run(() => insert.run(1)),
      group.run(() => {
        insert.run(2);
        insert.run(1); // primary key clash: this piece fails after writing 2
      }),
      group.run(() => insert.run(3)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /UNIQUE|PRIMARY KEY/);
    assert.deepEqual(s.rows(), [1, 3], 'the failing piece left nothing, not even its first row');
  } finally {
    s.close();
  }
});

test('a COMMIT that cannot happen fails every piece of the turn', async () => {
  const s = setup();
  try {
    const { group, insert } = s;
    const pending = [group.run(() => insert.run(1)), group.run(() => insert.run(2))];
    s.db.close(); // before the turn ends: the transaction cannot even begin
    const results = await Promise.allSettled(pending);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.deepEqual(s.rows(), []);
  } finally {
    s.close();
  }
});
