/**
 * Anti-entropy (wazo-provd's daily syncdb, Syncthing's index check): both ends hash the live rows
 * of the site's projection — the hub from its tables, the edge from its mirror — and a mismatch
 * triggers a snapshot. Rows are compared by entity, key and content (canonical JSON, keys sorted),
 * not by seq: a snapshot carries one seq for every row while a delta-fed mirror keeps each row's own.
 */
import { createHash } from 'node:crypto';
import type { Digest } from './protocol.js';

export interface DigestRow {
  entity: string;
  key: string;
  data: unknown;
}

/** JSON with object keys sorted, so equal values hash equally whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The digest of a set of live rows (tombstones are left out by the caller); order does not matter. */
export function projectionDigest(rows: Iterable<DigestRow>): Digest {
  const lines: string[] = [];
  for (const r of rows) lines.push(`${r.entity}\u0000${r.key}\u0000${canonicalJson(r.data)}`);
  lines.sort();
  const h = createHash('sha256');
  for (const l of lines) h.update(l).update('\n');
  return { count: lines.length, hash: h.digest('hex') };
}

export function sameDigest(a: Digest, b: Digest): boolean {
  return a.count === b.count && a.hash === b.hash;
}
