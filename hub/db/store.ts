/**
 * Every write to the hub goes through `HubStore.write()`: one SQLite transaction in which the
 * domain rows, the change-log rows the edges will sync (DESIGN §7) and the audit rows are
 * written together, so none can exist without the others.
 */
import type { Db } from './open.js';
import type { Clock } from '../../shared/clock.js';

/** Who is writing; recorded in the audit log. */
export interface Actor {
  account_id: number | null;
  username: string;
  role: 'admin' | 'user' | 'system';
  /** The person (users.id) behind a `user` account. */
  user_id: number | null;
}

export const SYSTEM_ACTOR: Actor = { account_id: null, username: 'system', role: 'system', user_id: null };

export interface ChangeInput {
  /** null: a global row every edge receives. */
  site_id: number | null;
  entity: 'site' | 'device' | 'template' | 'setting' | 'counter_reset';
  key: string;
  /** undefined or null: a tombstone. */
  data?: unknown;
}

export interface AuditInput {
  action: string;
  target_type: string;
  target_id: string | number;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = new Set(['password', 'login_password', 'prov_password', 'password_hash', 'token', 'token_hash', 'body_secrets']);

/** A deep copy with every secret value replaced by `***` (empty secrets stay empty). */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.has(k) && typeof v === 'string' && v !== '' ? '***' : maskSecrets(v);
    }
    return out;
  }
  return value;
}

/** Something a committed write asks live components to do (the sync server: resync, drop a socket). */
export type CommitSignal =
  | { kind: 'resync'; site_id: number }
  | { kind: 'token-revoked'; site_id: number; token_id: number };

/** Told after a write commits: which sites' rows changed (null: global rows) and any signals. */
export interface CommitInfo {
  txid: number | null;
  sites: ReadonlySet<number | null>;
  signals: readonly CommitSignal[];
}

export interface Writer {
  readonly db: Db;
  readonly actor: Actor;
  readonly now: string;
  change(c: ChangeInput): void;
  audit(a: AuditInput): void;
  /** Delivered to `onCommit` listeners once the transaction has committed (never if it rolls back). */
  signal(s: CommitSignal): void;
}

export class HubStore {
  readonly db: Db;
  readonly clock: Clock;
  readonly #insertChange;
  readonly #insertAudit;
  readonly #nextTxid;
  readonly #listeners = new Set<(c: CommitInfo) => void>();

  constructor(db: Db, clock: Clock) {
    this.db = db;
    this.clock = clock;
    this.#insertChange = db.prepare(
      `INSERT INTO change_log(txid, site_id, entity, key, deleted, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertAudit = db.prepare(
      `INSERT INTO audit_log(at, actor, actor_role, action, target_type, target_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#nextTxid = db.prepare(
      `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'txid' RETURNING CAST(value AS INTEGER) AS txid`,
    );
  }

  /**
   * Calls `fn` after every committed write that logged changes or raised signals (the sync
   * server's wake-up: sessions then read the change log from their cursors). Returns an unsubscribe.
   */
  onCommit(fn: (c: CommitInfo) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Runs `fn` in one transaction; change-log rows of one call share a txid. */
  write<T>(actor: Actor, fn: (w: Writer) => T): T {
    let txid: number | null = null;
    const sites = new Set<number | null>();
    const signals: CommitSignal[] = [];
    const run = this.db.transaction(() => {
      const now = this.clock.now().toISOString();
      txid = null;
      sites.clear();
      signals.length = 0;
      const w: Writer = {
        db: this.db,
        actor,
        now,
        change: (c) => {
          txid ??= (this.#nextTxid.get() as { txid: number }).txid;
          const deleted = c.data === undefined || c.data === null;
          this.#insertChange.run(txid, c.site_id, c.entity, c.key, deleted ? 1 : 0, deleted ? null : JSON.stringify(c.data), now);
          sites.add(c.site_id);
        },
        signal: (sg) => {
          signals.push(sg);
        },
        audit: (a) => {
          this.#insertAudit.run(
            now, actor.username, actor.role, a.action, a.target_type, String(a.target_id),
            a.before === undefined ? null : JSON.stringify(maskSecrets(a.before)),
            a.after === undefined ? null : JSON.stringify(maskSecrets(a.after)),
          );
        },
      };
      return fn(w);
    });
    const result = run.immediate();
    if ((txid !== null || signals.length > 0) && this.#listeners.size > 0 && !this.db.inTransaction) {
      const info: CommitInfo = { txid, sites, signals };
      for (const l of this.#listeners) {
        try {
          l(info);
        } catch {
          // The write has committed; a listener's failure is not the writer's.
        }
      }
    }
    return result;
  }
}
