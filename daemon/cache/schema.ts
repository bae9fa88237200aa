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
  // 2: what the request pipeline observes besides counters (issue [3/7]).
  `
  -- Unknown MACs seen on this edge, so the unknown_device event is deduplicated.
  CREATE TABLE unknown_devices (
    mac TEXT PRIMARY KEY,
    ip TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    reported_at TEXT,
    requests INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL
  ) STRICT;

  -- Files phones upload (Poly logs and overrides): a ring of the last few per MAC.
  CREATE TABLE uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    mac TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL,
    ip TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX uploads_by_mac ON uploads(mac, id);
  `,
  // 3: the edge DHCP server (issue [4/7]): leases surviving restarts, and what clients said about themselves.
  `
  -- One row per address ever offered (IPv4 as an integer). A row holds its address for its MAC
  -- while expires_at (ms since the epoch) is in the future: the offer's short hold, the lease, or
  -- a declined address's quarantine. Expired rows stay, so a phone gets its old address back.
  CREATE TABLE dhcp_leases (
    ip INTEGER PRIMARY KEY,
    mac TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('offered', 'bound', 'released', 'expired', 'declined')),
    expires_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    hostname TEXT,
    vendor_class BLOB,
    client_id BLOB,
    params TEXT
  ) STRICT;
  -- On mac alone: extending a lease moves no entry here (fewer pages written per commit).
  CREATE INDEX dhcp_leases_by_mac ON dhcp_leases(mac);
  CREATE INDEX dhcp_leases_by_expiry ON dhcp_leases(expires_at, ip);

  -- DHCP evidence (option 60, 55, 12) of phones the site does not know, and when each was last
  -- reported (unknown_device is deduplicated on it). Known devices' evidence is on their lease.
  CREATE TABLE dhcp_clients (
    mac TEXT PRIMARY KEY,
    vendor TEXT,
    model TEXT,
    vendor_class BLOB,
    params TEXT,
    hostname TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    reported_at TEXT,
    reported_evidence TEXT
  ) STRICT;
  `,
  // 4: the edge DB's random id (its G-counter slot and outbox sequence), created with the DB so the
  // request pipeline knows its slot before sync ever runs. The sync client used to create it itself.
  `
  CREATE TABLE IF NOT EXISTS sync_outbox_id (id INTEGER PRIMARY KEY CHECK (id = 1), db_id TEXT NOT NULL) STRICT;
  INSERT OR IGNORE INTO sync_outbox_id(id, db_id) VALUES (1, lower(hex(randomblob(8))));
  `,
  // 5: a MAC's leases are found through a map the DHCP server reads at start (daemon/dhcp/leases.ts):
  // binding a phone wrote a leaf of this index at a random place per commit, half of a storm's WAL.
  `
  DROP INDEX IF EXISTS dhcp_leases_by_mac;
  `,
];
