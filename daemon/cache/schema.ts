/**
 * The edge cache's schema: a mirror of the hub's change-log projection for this site (one table,
 * keyed by entity and key, tombstones kept so a replayed older upsert cannot resurrect a row),
 * the sync cursor, and what the edge itself observes (counters, sessions, outbox).
 */
export const CACHE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT,
    cursor INTEGER NOT NULL DEFAULT 0,
    snapshot_at TEXT,
    applied_at TEXT
  ) STRICT;
  INSERT INTO sync_state(id) VALUES (1);

  CREATE TABLE mirror (
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    data TEXT,
    PRIMARY KEY (entity, key)
  ) STRICT, WITHOUT ROWID;

  -- Bootstrap sessions counted per device (DESIGN §4); count is this edge's G-counter slot.
  CREATE TABLE counters (
    mac TEXT PRIMARY KEY,
    count INTEGER NOT NULL DEFAULT 0,
    session_ip TEXT,
    session_started_at TEXT,
    first_seen TEXT,
    last_seen TEXT,
    last_ip TEXT,
    last_user_agent TEXT,
    last_config_hash TEXT
  ) STRICT;

  -- Events for the hub, written in the same transaction as what caused them.
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) STRICT;
  `,
];
