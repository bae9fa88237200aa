/**
 * Scan protection (DESIGN §4): one client IP asking for more than N distinct unknown or refused
 * MACs within a minute is throttled for a cooling period. Phones ask for their own MAC; only a
 * prober walks through many. In memory on purpose: a restart forgets a block, which costs nothing
 * (the prober starts counting again), and nothing is written per probe beyond the event.
 */
import { LRUCache } from 'lru-cache';

export interface ScanGuardOptions {
  /** Distinct MACs allowed per window; one more blocks the IP. Read at each note (a synced setting). */
  threshold: () => number;
  /** Default 60 000 ms. */
  windowMs?: number;
  /** How long a blocked IP stays blocked. Default 300 000 ms. */
  coolingMs?: number;
  /** IPs tracked at most; the least recently noted are forgotten first. Default 10 000. */
  maxTracked?: number;
}

interface Track {
  /** MAC → when it was last noted (ms). */
  macs: Map<string, number>;
  blockedUntil: number;
}

export interface ScanBlock {
  ip: string;
  /** The distinct MACs that tripped the threshold (at most threshold + 1). */
  macs: string[];
  until: number;
}

export interface ScanGuard {
  /** True while `ip` is in its cooling period. */
  blocked(ip: string, nowMs: number): boolean;
  /** Records an unknown or refused MAC asked by `ip`; returns the block when this note started one. */
  note(ip: string, mac: string, nowMs: number): ScanBlock | undefined;
  /** IPs currently blocked. */
  blockedCount(nowMs: number): number;
}

export function createScanGuard(options: ScanGuardOptions): ScanGuard {
  const windowMs = options.windowMs ?? 60_000;
  const coolingMs = options.coolingMs ?? 300_000;
  const maxTracked = options.maxTracked ?? 10_000;
  // Recency counts noted requests only (peek elsewhere): the least recently noted IP goes first.
  const tracks = new LRUCache<string, Track>({ max: maxTracked });

  return {
    blocked(ip, nowMs) {
      const t = tracks.peek(ip);
      return t !== undefined && t.blockedUntil > nowMs;
    },
    note(ip, mac, nowMs) {
      let t = tracks.peek(ip);
      if (!t) t = { macs: new Map(), blockedUntil: 0 };
      if (t.blockedUntil > nowMs) return undefined;
      for (const [m, at] of t.macs) if (nowMs - at >= windowMs) t.macs.delete(m);
      t.macs.set(mac, nowMs);
      tracks.set(ip, t);
      const threshold = Math.max(1, Math.floor(options.threshold()));
      if (t.macs.size <= threshold) return undefined;
      t.blockedUntil = nowMs + coolingMs;
      const macs = [...t.macs.keys()];
      t.macs.clear();
      return { ip, macs, until: t.blockedUntil };
    },
    blockedCount(nowMs) {
      let n = 0;
      for (const t of tracks.values()) if (t.blockedUntil > nowMs) n++;
      return n;
    },
  };
}
