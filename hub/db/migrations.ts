/**
 * Forward-only schema migrations. Each entry moves the DB from version i to i+1 and runs in
 * its own transaction with `PRAGMA user_version`, so a crash mid-migration leaves the previous
 * version intact. Never edit a released entry: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the desired state, sign-in, and the two logs (change log for sync, audit for people).
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    timezone TEXT NOT NULL,
    ntp_server TEXT NOT NULL,
    provision_mode TEXT NOT NULL CHECK (provision_mode IN ('fqdn', 'public_ip')),
    fqdn TEXT,
    public_ip TEXT,
    edge_lan_ip TEXT,
    edge_http_port INTEGER NOT NULL,
    edge_https_port INTEGER,
    edge_tftp_port INTEGER NOT NULL,
    sip_port INTEGER NOT NULL,
    sip_transport TEXT NOT NULL,
    rtp_port_min INTEGER NOT NULL,
    rtp_port_max INTEGER NOT NULL,
    provision_limit INTEGER NOT NULL,
    dhcp TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE site_tokens (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  ) STRICT;

  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    extension TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    ip_phone_license INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE sip_accounts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    auth_username TEXT NOT NULL,
    password TEXT NOT NULL,
    server TEXT,
    port INTEGER,
    transport TEXT NOT NULL,
    outbound_proxy TEXT,
    label TEXT NOT NULL
  ) STRICT;
  CREATE INDEX sip_accounts_user ON sip_accounts(user_id, id);

  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    user_id INTEGER UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('org', 'device')),
    engine TEXT NOT NULL CHECK (engine IN ('default', 'freemarker')),
    vendor TEXT,
    model TEXT,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE devices (
    mac TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    vendor TEXT,
    model TEXT,
    name TEXT NOT NULL,
    login_password TEXT NOT NULL,
    engine TEXT NOT NULL CHECK (engine IN ('default', 'freemarker')),
    template_id INTEGER REFERENCES templates(id) ON DELETE SET NULL,
    provision_limit INTEGER,
    prov_username TEXT NOT NULL,
    prov_password TEXT NOT NULL,
    provision_count INTEGER NOT NULL DEFAULT 0,
    reset_baseline INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT,
    last_seen TEXT,
    last_provisioned_at TEXT,
    last_ip TEXT,
    last_user_agent TEXT,
    firmware TEXT,
    last_config_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX devices_site ON devices(site_id);

  CREATE TABLE device_users (
    mac TEXT NOT NULL REFERENCES devices(mac) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (mac, position),
    UNIQUE (mac, user_id)
  ) STRICT;
  CREATE INDEX device_users_user ON device_users(user_id);

  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txid INTEGER NOT NULL,
    site_id INTEGER,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX change_log_site ON change_log(site_id, seq);

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before TEXT,
    after TEXT
  ) STRICT;
  CREATE INDEX audit_log_target ON audit_log(target_type, target_id);

  CREATE TABLE discovered (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    mac TEXT NOT NULL,
    ip TEXT,
    evidence TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (site_id, mac)
  ) STRICT;
  `,
  // 2: hub ⇄ edge sync (issue [5/7]): per-site sync status, the edges' events stored once per
  // (site, edge DB, outbox id), the change-log floor after retention, and when a counter was reset.
  `
  CREATE TABLE sync_sites (
    site_id INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    online INTEGER NOT NULL DEFAULT 0,
    connected_at TEXT,
    disconnected_at TEXT,
    last_seen TEXT,
    remote TEXT,
    daemon_version TEXT,
    proto INTEGER,
    sent_seq INTEGER,
    acked_seq INTEGER,
    acked_at TEXT,
    last_mode TEXT,
    last_reason TEXT,
    last_nack TEXT,
    last_nack_at TEXT,
    force_snapshot INTEGER NOT NULL DEFAULT 0,
    outbox_db_id TEXT,
    events_up_to INTEGER,
    events_at TEXT,
    digest_at TEXT,
    digest_result TEXT
  ) STRICT;

  CREATE TABLE sync_events (
    site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    db_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (site_id, db_id, seq)
  ) STRICT;
  CREATE INDEX sync_events_kind ON sync_events(kind, received_at);

  -- Retention looks for a later row of the same key.
  CREATE INDEX change_log_key ON change_log(entity, key, seq);

  INSERT OR IGNORE INTO meta(key, value) VALUES ('floor_seq', '0');
  ALTER TABLE devices ADD COLUMN reset_at TEXT;
  `,
  // 3: the provision counter as G-counter state (sync issue, docs/sync.md "Provision counters"): one
  // slot per (device, site, edge DB) merged by max, each with its observed-reset baseline, and the
  // count last sent to the edges. Slots are rebuilt from the stored events: per slot the highest count
  // received, and as baseline the highest received up to the device's last reset. A count no stored
  // event explains (written before sync existed) becomes one 'legacy' slot at the device's site.
  // devices.provision_count / reset_baseline become the sums over the slots. Every device with
  // counter state is then logged once in the new shape, so edges learn the slots by an ordinary delta.
  `
  CREATE TABLE counter_slots (
    mac TEXT NOT NULL REFERENCES devices(mac) ON DELETE CASCADE,
    site_id INTEGER NOT NULL,
    db_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    baseline INTEGER NOT NULL DEFAULT 0,
    synced_count INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (mac, site_id, db_id)
  ) STRICT;

  INSERT INTO counter_slots(mac, site_id, db_id, count, baseline, synced_count, updated_at)
    SELECT e.mac, e.site_id, e.db_id, max(e.count),
      coalesce(max(CASE WHEN d.reset_at IS NOT NULL AND e.received_at <= d.reset_at THEN e.count END), 0),
      max(e.count), max(e.received_at)
    FROM (SELECT site_id, db_id, json_extract(data, '$.mac') AS mac, CAST(json_extract(data, '$.count') AS INTEGER) AS count, received_at
          FROM sync_events WHERE kind = 'provisioned' AND json_valid(data) AND json_type(data, '$.count') IN ('integer', 'real')) e
    JOIN devices d ON d.mac = e.mac
    WHERE e.count > 0
    GROUP BY e.mac, e.site_id, e.db_id;

  INSERT INTO counter_slots(mac, site_id, db_id, count, baseline, synced_count, updated_at)
    SELECT mac, site_id, 'legacy', max(provision_count, reset_baseline), reset_baseline, max(provision_count, reset_baseline), updated_at
    FROM devices d
    WHERE (provision_count > 0 OR reset_baseline > 0) AND NOT EXISTS (SELECT 1 FROM counter_slots s WHERE s.mac = d.mac);

  UPDATE devices SET
    provision_count = (SELECT coalesce(sum(count), 0) FROM counter_slots s WHERE s.mac = devices.mac),
    reset_baseline = (SELECT coalesce(sum(baseline), 0) FROM counter_slots s WHERE s.mac = devices.mac);

  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'txid'
    AND EXISTS (SELECT 1 FROM devices d WHERE d.reset_at IS NOT NULL OR EXISTS (SELECT 1 FROM counter_slots s WHERE s.mac = d.mac));

  INSERT INTO change_log(txid, site_id, entity, key, deleted, data, at)
    SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'txid'), d.site_id, 'counter_reset', d.mac, 0,
      json_object(
        'mac', d.mac, 'at', d.reset_at,
        'baseline', (SELECT coalesce(sum(baseline), 0) FROM counter_slots s WHERE s.mac = d.mac AND s.site_id = d.site_id),
        'slots', json((SELECT json_group_array(json_object('site_id', site_id, 'db_id', db_id, 'count', synced_count, 'baseline', baseline))
                       FROM (SELECT * FROM counter_slots s WHERE s.mac = d.mac ORDER BY site_id, db_id)))),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM devices d
    WHERE d.reset_at IS NOT NULL OR EXISTS (SELECT 1 FROM counter_slots s WHERE s.mac = d.mac)
    ORDER BY d.mac;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
