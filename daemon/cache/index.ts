/**
 * The edge's SQLite cache (WAL): its site's desired state mirrored from the hub, applied only
 * through `apply(batch)` — idempotent, one transaction together with the cursor — and read by the
 * request pipeline. Nothing on a phone's request path ever waits for the hub.
 */
import { LRUCache } from 'lru-cache';
import Database from 'better-sqlite3';
import { ProvError } from '../../shared/errors.js';
import { applyMigrations } from '../../shared/migrate.js';
import type { Clock } from '../../shared/clock.js';
import type { ChangeRow, CounterResetRecord, DeviceRecord, SiteRecord, SyncBatch, TemplateRecord } from '../../shared/sync/types.js';
import { CACHE_MIGRATIONS } from './schema.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';

export type CacheDb = Database.Database;

export interface SyncState {
  epoch: string | null;
  cursor: number;
  snapshot_at: string | null;
  applied_at: string | null;
}

export interface ApplyResult {
  /** Rows that changed the mirror (replays and stale rows do not count). */
  changed: number;
  cursor: number;
}

export interface Cache {
  readonly db: CacheDb;
  apply(batch: SyncBatch): ApplyResult;
  state(): SyncState;
  site(): SiteRecord | undefined;
  device(mac: string): DeviceRecord | undefined;
  template(id: number): TemplateRecord | undefined;
  /** Org templates for a vendor and engine, newest first (model-specific before vendor-wide). */
  orgTemplates(vendor: string, engine: string): TemplateRecord[];
  setting<T>(key: string): T | undefined;
  /** The hub's counter state for a device (its slots and baselines), if it has any. */
  counterReset(mac: string): CounterResetRecord | undefined;
  /** This edge DB's random id: its G-counter slot and outbox sequence (a wiped edge gets a new one). */
  readonly dbId: string;
  /**
   * Bumped by every apply that changed something, and when another connection (another process
   * applying to the same file) committed since the last look: callers key their render caches on it.
   * Reads (`device`, `site`, `setting`, …) are memoised per generation and return shared objects
   * that must not be mutated; reading `generation` is what notices another process's commit, so a
   * request handler reads it first. That look is taken once per event-loop turn: a boot storm's
   * datagrams read in one turn share it (each look is a read transaction, ~5 µs of file locks).
   */
  readonly generation: number;
  /** The request path's writes, committed together once per event-loop turn (see group-commit.ts). */
  readonly groupCommit: GroupCommit;
  close(): void;
}

/**
 * WAL pages a commit may leave before it checkpoints in line. SQLite's default (1000) made every
 * ~80th DHCP group commit of a storm write pages back and fsync twice inside the event loop; the
 * idle checkpoint below does that work when the process has time, and this is only the bound
 * for a busy edge (≈ 16 MiB of WAL at 4 KiB pages; a 2000-phone storm writes ~6600 pages).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;
/**
 * The WAL file is truncated back to this after a checkpoint: as large as the bound, so a storm
 * overwrites the file in place instead of growing it again after every checkpoint (appending
 * costs the filesystem an allocation per page).
 */
const WAL_SIZE_LIMIT_BYTES = 17 * 1024 * 1024;
/** How often the cache looks for an idle moment to checkpoint in. */
const IDLE_CHECKPOINT_MS = 1000;
/** Event-loop utilisation over the last period below which the process counts as idle. */
const IDLE_UTILIZATION = 0.5;

export function openCacheDb(file: string): CacheDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Durability is unchanged: commits survive a crash of the process at once (they are in the
  // WAL); an OS crash or power loss may lose those not checkpointed yet (what NORMAL promises).
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, CACHE_MIGRATIONS, CACHE_MIGRATIONS.length, 'edge cache');
  return db;
}

const ENTITIES = new Set(['site', 'device', 'template', 'setting', 'counter_reset']);

function checkBatch(batch: SyncBatch): void {
  if (typeof batch.epoch !== 'string' || batch.epoch === '') throw new ProvError('VALIDATION_FAILED', 'sync batch without an epoch');
  if (!Number.isSafeInteger(batch.cursor) || batch.cursor < 0) throw new ProvError('VALIDATION_FAILED', `sync batch cursor ${batch.cursor} is not a sequence number`);
  for (const c of batch.changes) {
    if (!ENTITIES.has(c.entity) || typeof c.key !== 'string' || !Number.isSafeInteger(c.seq) || c.seq > batch.cursor) {
      throw new ProvError('VALIDATION_FAILED', `sync batch holds a malformed change (entity ${String(c.entity)}, key ${String(c.key)}, seq ${String(c.seq)})`);
    }
    if (!c.deleted && (c.data === null || typeof c.data !== 'object')) {
      throw new ProvError('VALIDATION_FAILED', `sync change ${c.entity}/${c.key} at seq ${c.seq} is an upsert without data`);
    }
  }
}

export interface CacheOptions {
  path: string;
  /** Parsed rows kept between changes, least recently used out. Default 8192 (about 1.8 KB each for a device). */
  memoEntries?: number;
}

export function createCache(options: CacheOptions, deps: { clock: Clock }): Cache {
  const db = openCacheDb(options.path);
  const getState = db.prepare(`SELECT epoch, cursor, snapshot_at, applied_at FROM sync_state WHERE id = 1`);
  const setState = db.prepare(`UPDATE sync_state SET epoch = ?, cursor = ?, applied_at = ?, snapshot_at = coalesce(?, snapshot_at) WHERE id = 1`);
  // A row only moves forward: a replayed or reordered older change is a no-op (tombstones included).
  const upsert = db.prepare(
    `INSERT INTO mirror(entity, key, seq, deleted, data) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(entity, key) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, data = excluded.data
     WHERE excluded.seq > mirror.seq`,
  );
  const get = db.prepare(`SELECT data FROM mirror WHERE entity = ? AND key = ? AND deleted = 0`);
  const byEntity = db.prepare(`SELECT data FROM mirror WHERE entity = ? AND deleted = 0`);
  const dbId = (db.prepare(`SELECT db_id FROM sync_outbox_id WHERE id = 1`).get() as { db_id: string }).db_id;
  let generation = 0;
  // PRAGMA data_version changes only when *another* connection commits: what this handle writes
  // itself (counters, outbox) never invalidates a render cache.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seenDataVersion = dataVersion.get() as number;
  let versionLooked = false;
  const lookAgain = (): void => {
    versionLooked = false;
  };

  const write = (c: ChangeRow): number => upsert.run(c.entity, c.key, c.seq, c.deleted ? 1 : 0, c.deleted ? null : JSON.stringify(c.data)).changes;

  const applyTx = db.transaction((batch: SyncBatch): ApplyResult => {
    const now = deps.clock.now().toISOString();
    const state = getState.get() as SyncState;
    let changed = 0;
    if (batch.snapshot) {
      // The snapshot replaces everything; until this transaction commits, the old data keeps serving.
      db.prepare(`DELETE FROM mirror`).run();
      for (const c of batch.changes) changed += write(c);
      setState.run(batch.epoch, batch.cursor, now, now);
      return { changed: changed || 1, cursor: batch.cursor };
    }
    if (state.epoch !== batch.epoch) {
      throw new ProvError('CONFLICT', `delta for hub epoch ${batch.epoch} but this cache holds epoch ${state.epoch ?? 'none'}: a snapshot is needed`);
    }
    for (const c of batch.changes) changed += write(c);
    const cursor = Math.max(state.cursor, batch.cursor);
    setState.run(batch.epoch, cursor, now, null);
    return { changed, cursor };
  });

  // Checkpoint when the event loop was mostly idle over the last period: a storm's commits then
  // only append to the WAL (up to the bound), and pages written many times are written back once.
  // PASSIVE never waits for readers or writers; with nothing to do it costs a look at the WAL index.
  let elu = performance.eventLoopUtilization();
  const checkpointTimer = setInterval(() => {
    const next = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(next, elu).utilization;
    elu = next;
    if (busy >= IDLE_UTILIZATION || !db.open) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Locked by another connection for now: the next idle period or the autocheckpoint does it.
    }
  }, IDLE_CHECKPOINT_MS);
  checkpointTimer.unref();

  const parse = <T>(row: unknown): T | undefined => (row ? (JSON.parse((row as { data: string }).data) as T) : undefined);

  // Parsed rows, kept until the data changes: a boot storm reads the same device and site records
  // for every file. Absent rows are remembered too (a prober asks for many unknown MACs). Bounded,
  // least recently used out: a phone's few requests come within a second of each other, and every
  // device of a large site parsed at once held ~1.8 KB each (9 MB for 5,000, 180 MB at the old bound).
  // Settings (by key), the site and the org template list are few: plain maps, read several
  // times per request without reordering an LRU list, and settings without building a key string.
  const ABSENT = Symbol('absent');
  const memo = new LRUCache<string, NonNullable<unknown>>({ max: options.memoEntries ?? 8192 });
  const settings = new Map<string, NonNullable<unknown>>();
  const whole = new Map<string, NonNullable<unknown>>();
  const bump = (): void => {
    generation++;
    memo.clear();
    settings.clear();
    whole.clear();
  };
  /** `load()`'s value for `k` in `m`, loaded once per generation (absent rows too). */
  type Memo = { get(k: string): unknown; set(k: string, v: NonNullable<unknown>): unknown };
  const memoised = <T>(m: Memo, k: string, load: () => T | undefined): T | undefined => {
    const hit = m.get(k);
    if (hit !== undefined) return hit === ABSENT ? undefined : (hit as T);
    const value = load();
    m.set(k, value ?? ABSENT);
    return value;
  };
  const read = <T>(entity: string, key: string): T | undefined => memoised(memo, `${entity}\u0000${key}`, () => parse<T>(get.get(entity, key)));

  return {
    db,
    apply(batch) {
      checkBatch(batch);
      const result = applyTx.immediate(batch);
      if (result.changed > 0) bump();
      return result;
    },
    state: () => getState.get() as SyncState,
    site: () => memoised(whole, 'site', () => parse<SiteRecord>(byEntity.get('site'))),
    device: (mac) => read<DeviceRecord>('device', mac),
    template: (id) => read<TemplateRecord>('template', String(id)),
    orgTemplates(vendor, engine) {
      const rows = () => (byEntity.all('template') as { data: string }[]).map((r) => JSON.parse(r.data) as TemplateRecord);
      const all = memoised(whole, 'templates', rows)!;
      return all
        .filter((t) => t.scope === 'org' && t.vendor === vendor && t.engine === engine)
        .sort((a, b) => Number(a.model === null) - Number(b.model === null) || b.id - a.id);
    },
    setting<T>(key: string) {
      return memoised(settings, key, () => parse<{ value: T }>(get.get('setting', key)))?.value;
    },
    counterReset: (mac) => read<CounterResetRecord>('counter_reset', mac),
    dbId,
    groupCommit: createGroupCommit(db),
    get generation() {
      if (!versionLooked) {
        versionLooked = true;
        setImmediate(lookAgain).unref();
        const v = dataVersion.get() as number;
        if (v !== seenDataVersion) {
          seenDataVersion = v;
          bump();
        }
      }
      return generation;
    },
    close() {
      clearInterval(checkpointTimer);
      db.close();
    },
  };
}
