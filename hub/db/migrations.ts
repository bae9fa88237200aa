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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
