/**
 * Receive-buffer drops, for `/metrics`: a storm that overflows the socket buffer loses DISCOVERs
 * silently (the `dhcp` package's D7, 813 drops in reference/performance.md §2). Linux counts them
 * per network namespace (`/proc/net/snmp`, Udp RcvbufErrors) and per socket (`/proc/net/udp`, the
 * `drops` column). Both readers return undefined where the files do not exist (not Linux).
 */
import { readFileSync } from 'node:fs';

/** `Udp: … RcvbufErrors …` of `/proc/net/snmp`: datagrams dropped for a full receive buffer, all UDP sockets of the namespace. */
export function readUdpRcvbufErrors(path = '/proc/net/snmp'): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.trim().split(/\s+/);
  const values = lines[1]?.trim().split(/\s+/);
  if (!names || !values) return undefined;
  const i = names.indexOf('RcvbufErrors');
  const v = i > 0 ? Number(values[i]) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

/** The `drops` of every UDP socket bound to `port` (`/proc/net/udp`), summed. */
export function readUdpSocketDrops(port: number, path = '/proc/net/udp'): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let drops = 0;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13 || !cols[1]!.endsWith(suffix)) continue;
    const d = Number(cols[cols.length - 1]);
    if (Number.isFinite(d)) drops += d;
  }
  return drops;
}
