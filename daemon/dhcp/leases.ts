/**
 * Leases in the edge cache's SQLite file (tables from daemon/cache/schema.ts, migration 3), so a
 * restart keeps every phone's address. Every lookup the allocator makes is an index probe: the
 * next never-used address is max(ip)+1 of the pool's range (primary key), reuse walks rows by
 * expiry (index), so a new phone costs O(log leases), not a scan of all leases (the `dhcp`
 * package's D3).
 *
 * A MAC's rows are found through a map in memory (MAC → addresses of its rows), read from the
 * table when the store is made, not through an index on mac (dropped by migration 5): binding a
 * phone wrote a leaf of that index at a random place per commit, half of a storm's WAL pages.
 * The map may hold more than the table (rows since given to another MAC are checked and dropped)
 * but never less: it is read again after every rollback. Rows written by anything but this store
 * after it was made are not in it.
 */
import type Database from 'better-sqlite3';

export type LeaseState = 'offered' | 'bound' | 'released' | 'expired' | 'declined';

export interface LeaseRow {
  ip: number;
  mac: string;
  state: LeaseState;
  /** ms since the epoch: the row holds `ip` for `mac` until then. */
  expires_at: number;
  updated_at: number;
  hostname: string | null;
  vendor_class: Buffer | null;
  client_id: Buffer | null;
  /** Option 55 as the client sent it, codes comma-separated. */
  params: string | null;
}

export interface LeaseStore {
  /**
   * The row on `ip`. The last row read is remembered until the store writes or `forget()` is
   * called: deciding one request looks at the same address several times.
   */
  byIp(ip: number): LeaseRow | undefined;
  /** Drops the remembered row (call it when a transaction begins or is rolled back). */
  forget(): void;
  /** The MAC's newest row that is not a declined address (ties: the lowest address). */
  latestForMac(mac: string): LeaseRow | undefined;
  /** Reads the MAC → rows map from the table again (after a rollback). */
  reload(): void;
  /** Highest / lowest address with a row inside [start, end]. */
  maxIn(start: number, end: number): number | undefined;
  minIn(start: number, end: number): number | undefined;
  /** Rows inside [start, end] that no longer hold their address, longest free first. */
  reusable(start: number, end: number, now: number): IterableIterator<LeaseRow>;
  /** An address inside [start, end] without a row whose predecessor has one (a hole), if any. */
  holeIn(start: number, end: number): number | undefined;
  put(row: LeaseRow): void;
  /** Ends every other live row of `mac` (it now holds `keepIp`): they become reusable at once. */
  releaseOthers(mac: string, keepIp: number, now: number): void;
  setState(ip: number, state: LeaseState, expiresAt: number, now: number): void;
  /** Rows inside [start, end] still holding their address. */
  countHeld(start: number, end: number, now: number): number;
  /** Bound, unexpired: the MAC leased `ip`. */
  owner(ip: number, now: number): LeaseRow | undefined;
  transaction<T>(fn: () => T): T;
}

export function createLeaseStore(db: Database.Database): LeaseStore {
  const byIp = db.prepare(`SELECT * FROM dhcp_leases WHERE ip = ?`);
  const allMacs = db.prepare(`SELECT ip, mac FROM dhcp_leases`).raw();
  const maxIn = db.prepare(`SELECT max(ip) FROM dhcp_leases WHERE ip BETWEEN ? AND ?`).pluck();
  const minIn = db.prepare(`SELECT min(ip) FROM dhcp_leases WHERE ip BETWEEN ? AND ?`).pluck();
  const reusable = db.prepare(`SELECT * FROM dhcp_leases WHERE expires_at <= ? AND ip BETWEEN ? AND ? ORDER BY expires_at, ip`);
  const hole = db
    .prepare(
      `SELECT l.ip + 1 FROM dhcp_leases l WHERE l.ip >= ? AND l.ip < ?
         AND NOT EXISTS (SELECT 1 FROM dhcp_leases n WHERE n.ip = l.ip + 1) ORDER BY l.ip LIMIT 1`,
    )
    .pluck();
  // Positional parameters: binding from an object costs a property lookup per name.
  const put = db.prepare(
    `INSERT INTO dhcp_leases(ip, mac, state, expires_at, updated_at, hostname, vendor_class, client_id, params)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(ip) DO UPDATE SET mac = excluded.mac, state = excluded.state, expires_at = excluded.expires_at,
       updated_at = excluded.updated_at, hostname = excluded.hostname, vendor_class = excluded.vendor_class,
       client_id = excluded.client_id, params = excluded.params`,
  );
  const releaseOne = db.prepare(
    `UPDATE dhcp_leases SET state = 'expired', expires_at = min(expires_at, ?), updated_at = ?
     WHERE ip = ? AND mac = ? AND state != 'declined' AND expires_at > ?`,
  );
  const setState = db.prepare(`UPDATE dhcp_leases SET state = ?, expires_at = ?, updated_at = ? WHERE ip = ?`);
  const countHeld = db.prepare(`SELECT count(*) FROM dhcp_leases WHERE ip BETWEEN ? AND ? AND expires_at > ?`).pluck();
  const owner = db.prepare(`SELECT * FROM dhcp_leases WHERE ip = ? AND state = 'bound' AND expires_at > ?`);
  const tx = db.transaction((fn: () => unknown) => fn());

  // ip → row (undefined: no row) of the last read; `remembered` false when there is none.
  let rememberedIp = -1;
  let rememberedRow: LeaseRow | undefined;
  let remembered = false;
  const forget = (): void => {
    remembered = false;
    rememberedRow = undefined;
  };

  /** MAC → addresses of rows that hold (or held) it; one number for the usual single row. */
  const macRows = new Map<string, number | number[]>();
  const note = (mac: string, ip: number): void => {
    const ips = macRows.get(mac);
    if (ips === undefined) macRows.set(mac, ip);
    else if (typeof ips === 'number') {
      if (ips !== ip) macRows.set(mac, [ips, ip]);
    } else if (!ips.includes(ip)) ips.push(ip);
  };
  const reload = (): void => {
    macRows.clear();
    for (const [ip, mac] of allMacs.iterate() as IterableIterator<[number, string]>) note(mac, ip);
  };
  reload();
  /**
   * The MAC's rows as the table holds them now. Addresses since given to another MAC are dropped
   * from the map on the way (a rollback reloads it, so this is safe inside a transaction).
   */
  function rowsOf(mac: string): LeaseRow[] {
    const ips = macRows.get(mac);
    if (ips === undefined) return [];
    const rows: LeaseRow[] = [];
    for (const ip of typeof ips === 'number' ? [ips] : ips) {
      const row = byIp.get(ip) as LeaseRow | undefined;
      if (row && row.mac === mac) rows.push(row);
    }
    if (rows.length === 0) macRows.delete(mac);
    else if (rows.length !== (typeof ips === 'number' ? 1 : ips.length)) macRows.set(mac, rows.length === 1 ? rows[0]!.ip : rows.map((r) => r.ip));
    return rows;
  }

  return {
    byIp(ip) {
      if (remembered && rememberedIp === ip) return rememberedRow;
      rememberedRow = byIp.get(ip) as LeaseRow | undefined;
      rememberedIp = ip;
      remembered = true;
      return rememberedRow;
    },
    forget,
    latestForMac(mac) {
      let best: LeaseRow | undefined;
      for (const row of rowsOf(mac)) {
        if (row.state === 'declined') continue;
        if (!best || row.expires_at > best.expires_at || (row.expires_at === best.expires_at && row.ip < best.ip)) best = row;
      }
      return best;
    },
    reload,
    maxIn: (s, e) => (maxIn.get(s, e) as number | null) ?? undefined,
    minIn: (s, e) => (minIn.get(s, e) as number | null) ?? undefined,
    reusable: (s, e, now) => reusable.iterate(now, s, e) as IterableIterator<LeaseRow>,
    holeIn: (s, e) => (hole.get(s, e) as number | undefined) ?? undefined,
    put(row) {
      forget();
      put.run(row.ip, row.mac, row.state, row.expires_at, row.updated_at, row.hostname, row.vendor_class, row.client_id, row.params);
      note(row.mac, row.ip);
    },
    releaseOthers(mac, keepIp, now) {
      forget();
      const ips = macRows.get(mac);
      if (ips === undefined || ips === keepIp) return;
      for (const ip of typeof ips === 'number' ? [ips] : [...ips]) if (ip !== keepIp) releaseOne.run(now, now, ip, mac, now);
    },
    setState(ip, state, expiresAt, now) {
      forget();
      setState.run(state, expiresAt, now, ip);
    },
    countHeld: (s, e, now) => countHeld.get(s, e, now) as number,
    owner: (ip, now) => owner.get(ip, now) as LeaseRow | undefined,
    transaction<T>(fn: () => T): T {
      forget();
      try {
        return tx(fn) as T;
      } catch (err) {
        // Rolled back: what the map noted in it may not be in the table (and the table wins).
        reload();
        throw err;
      } finally {
        forget();
      }
    },
  };
}
