/** Reading the audit log with filters. */
import type { Db } from '../db/open.js';

export interface AuditQuery {
  actor?: string | undefined;
  action?: string | undefined;
  target_type?: string | undefined;
  target_id?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  page: number;
  per_page: number;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
}

export function queryAudit(db: Db, q: AuditQuery): { items: AuditEntry[]; total: number; page: number; per_page: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v !== undefined) {
      where.push(`${col} = ?`);
      params.push(v);
    }
  };
  eq('actor', q.actor);
  eq('target_type', q.target_type);
  eq('target_id', q.target_id);
  if (q.action !== undefined) {
    // `device.` matches every device action.
    where.push(q.action.endsWith('.') ? `action LIKE ?` : `action = ?`);
    params.push(q.action.endsWith('.') ? `${q.action}%` : q.action);
  }
  if (q.since !== undefined) {
    where.push(`at >= ?`);
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push(`at < ?`);
    params.push(q.until);
  }
  const sql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { total } = db.prepare(`SELECT count(*) AS total FROM audit_log ${sql}`).get(...params) as { total: number };
  const rows = db
    .prepare(`SELECT * FROM audit_log ${sql} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(...params, q.per_page, (q.page - 1) * q.per_page) as Array<Omit<AuditEntry, 'before' | 'after'> & { before: string | null; after: string | null }>;
  const items = rows.map((r) => ({
    ...r,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
  return { items, total, page: q.page, per_page: q.per_page };
}
